# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment status of customers: figures, statuses, search, and a query count that
does not grow with the number of customers."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestStatus(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Cliente {i:03d}", "is_company": True} for i in range(100)]
        )
        # One move with many lines is quicker to build than 100 invoices.
        receivable = cls.company_data["default_account_receivable"]
        revenue = cls.company_data["default_account_revenue"]
        move = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-01-01",
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": partner.id,
                            "debit": 100.0 + i,
                            "date_maturity": "2026-01-10",
                        }
                    )
                    for i, partner in enumerate(cls.partners)
                ]
                + [
                    Command.create(
                        {"account_id": revenue.id, "credit": sum(100.0 + i for i in range(100))}
                    )
                ],
            }
        )
        move.action_post()
        # Entries are left out of follow-up by Odoo's default: count them here.
        move.line_ids.filtered(lambda line: line.account_id == receivable).no_followup = False

    def _status_fields(self, partners):
        partners.invalidate_recordset()
        partners.mapped("debt_followup_status")
        partners.mapped("debt_overdue_amount")
        partners.mapped("debt_next_action_date")

    @freeze_time("2026-02-01")
    def test_status_query_count_does_not_grow(self):
        one = self.partners[:1]
        self._status_fields(one)  # warm the ladder and the registry caches
        counts = []
        for partners in (one, self.partners):
            with self.assertQueryCount(3):
                start = self.cr.sql_log_count
                self._status_fields(partners)
                counts.append(self.cr.sql_log_count - start)
        self.assertGreater(counts[0], 0)
        self.assertEqual(counts[0], counts[1], "1 and 100 customers cost the same queries")
        self.assertEqual(self.partners[5].debt_overdue_amount, 105.0)
        self.assertEqual(self.partners[5].debt_oldest_overdue_days, 22)
        self.assertEqual(set(self.partners.mapped("debt_followup_status")), {"action_due"})

    @freeze_time("2026-02-01")
    def test_read_of_more_customers_than_the_orm_computes_at_once(self):
        """The ORM computes a non-stored field PREFETCH_MAX records at a time: a
        read of more customers than that (an export, a report) makes the status
        queries once, not once per slice. As superuser: a user's read also
        checks the record rules, which Odoo does PREFETCH_MAX records at a time."""
        fnames = ["debt_overdue_amount", "debt_followup_status", "debt_followup_level_id"]

        def read_queries(partners):
            self.env.invalidate_all()
            self.env.user.mapped("tz")
            start = self.cr.sql_log_count
            values = partners.sudo().read(fnames)
            return self.cr.sql_log_count - start, values

        read_queries(self.partners[:1])  # warm the ladder and the registry caches
        one_slice, _values = read_queries(self.partners[:10])
        with patch("odoo.orm.fields.PREFETCH_MAX", 10):
            ten_slices, values = read_queries(self.partners)
        self.assertEqual(ten_slices, one_slice)
        self.assertEqual(len(values), 100)
        self.assertEqual(values[5]["debt_overdue_amount"], 105.0)
        self.assertEqual({v["debt_followup_status"] for v in values}, {"action_due"})
        self.assertEqual({v["debt_followup_level_id"] for v in values}, {False})

    @freeze_time("2026-02-01")
    def test_read_of_a_deleted_customer_among_others_leaves_it_out(self):
        gone = self.env["res.partner"].create({"name": "Cliente cancellato"})
        gone.unlink()
        values = (self.partners[:3] | gone).read(["debt_overdue_amount", "debt_followup_status"])
        self.assertEqual([v["id"] for v in values], self.partners[:3].ids)
        self.assertEqual(values[1]["debt_overdue_amount"], 101.0)

    @freeze_time("2026-02-01")
    def test_payment_status_of_many_customers_in_three_queries(self):
        """The status API answers for any number of customers in three queries:
        their follow-up fields, the grouped receivable query, the ladder."""
        self.partners[:1]._debt_payment_status()  # warm the registry caches
        self.env.invalidate_all()
        contact = self.env["res.partner"].create(
            {"name": "Ufficio acquisti", "parent_id": self.partners[7].id}
        )
        paid_up = self.env["res.partner"].create({"name": "Cliente in regola"})
        self.env.invalidate_all()
        # A request starts with its user and company loaded: not counted.
        self.env.user.mapped("tz")
        self.env.company.mapped("debt_min_amount")
        with self.assertQueryCount(3):
            statuses = (self.partners | contact | paid_up)._debt_payment_status()
        # One entry per commercial entity with something open: the contact's is
        # its company's, a customer with nothing open has none.
        self.assertEqual(set(statuses), set(self.partners.ids))
        status = statuses[self.partners[7].id]
        self.assertEqual(status.overdue_amount, 107.0)
        self.assertEqual(status.overdue_count, 1)
        self.assertEqual(status.oldest_overdue_days, 22)
        self.assertEqual(status.status, "action_due")
        self.assertEqual(
            status.next_level,
            self.levels[1],
            "22 days late: the first step after the courtesy one, never a later one",
        )
        self.assertEqual(contact.debt_overdue_amount, 107.0)
        self.assertEqual(paid_up.debt_followup_status, "ok")
        # The whole company (what the status filters search): one pass, no partner list.
        self.env.invalidate_all()
        self.env.user.mapped("tz")
        self.env.company.mapped("debt_min_amount")
        with self.assertQueryCount(2):
            company = self.env["debt.followup.case"]._debt_partner_statuses()
        self.assertEqual({pid: company[pid] for pid in statuses}, statuses)

    @freeze_time("2026-02-01")
    def test_statuses_and_search(self):
        invoice = self._create_overdue_invoice(self.customer_it, 500, "2025-12-01", "2026-01-15")
        self.assertEqual(self.customer_it.debt_overdue_amount, 500)
        self.assertEqual(self.customer_it.debt_overdue_count, 1)
        self.assertEqual(self.customer_it.debt_oldest_overdue_days, 17)
        self.assertEqual(self.customer_it.debt_followup_status, "action_due")
        contact = self.env["res.partner"].create(
            {"name": "Mario Bianchi", "parent_id": self.customer_it.id}
        )
        self.assertEqual(contact.debt_followup_status, "action_due")
        self.assertEqual(contact.debt_overdue_amount, 500)

        fresh = self.env["res.partner"].create({"name": "Nuovo S.r.l.", "is_company": True})
        self._create_overdue_invoice(fresh, 100, "2026-01-25", "2026-02-20")
        self.assertEqual(fresh.debt_followup_status, "ok")
        self.assertEqual(str(fresh.debt_next_action_date), "2026-02-17")

        Partner = self.env["res.partner"]
        due = Partner.search([("debt_followup_status", "=", "action_due")])
        self.assertIn(self.customer_it, due)
        self.assertIn(contact, due)
        self.assertNotIn(fresh, due)
        self.assertIn(fresh, Partner.search([("debt_followup_status", "=", "ok")]))
        self.assertNotIn(
            self.customer_it, Partner.search([("debt_followup_status", "!=", "action_due")])
        )

        self.customer_it.debt_no_contact = True
        self.assertEqual(self.customer_it.debt_followup_status, "excluded")
        self.customer_it.debt_no_contact = False
        self.customer_it.invalidate_recordset()
        self.env["debt.followup.promise"].create(
            {
                "partner_id": self.customer_it.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": 500,
                "line_ids": [Command.create({"date": "2026-02-10", "amount": 500})],
            }
        )
        self.customer_it.invalidate_recordset()
        self.assertEqual(self.customer_it.debt_followup_status, "promised")
        self.assertEqual(self.customer_it.debt_open_promise_amount, 500)

    @freeze_time("2026-02-01")
    def test_installments_count_line_by_line(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "Two installments",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer_it.id,
                "invoice_date": "2026-01-01",
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Goods", "price_unit": 1000, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(self.customer_it.debt_overdue_amount, 500)
        self.assertEqual(self.customer_it.debt_oldest_overdue_days, 31)
        self.assertEqual(invoice.debt_days_overdue, 31)

    def test_salesperson_reads_status_and_last_contact_without_call_access(self):
        self._create_overdue_invoice(self.customer_it, 500, "2025-12-01", "2026-01-15")
        self.env["debt.followup.call"].create(
            {
                "partner_id": self.customer_it.id,
                "user_id": self.collector.id,
                "outcome": "no_answer",
                "date": "2026-01-20 09:00:00",
                "note": "Private note",
            }
        )
        with freeze_time("2026-02-01"):
            partner = self.customer_it.with_user(self.salesperson)
            self.assertEqual(partner.debt_followup_status, "action_due")
            self.assertEqual(str(partner.debt_last_contact), "2026-01-20 09:00:00")

    def test_salesperson_opens_customer_form_with_banner(self):
        self._create_overdue_invoice(self.customer_it, 500, "2025-12-01", "2026-01-15")
        with freeze_time("2026-02-01"):
            form = Form(self.customer_it.with_user(self.salesperson))
            self.assertEqual(form.debt_overdue_amount, 500)
            self.assertEqual(form.debt_oldest_overdue_days, 17)
            self.assertEqual(form.debt_followup_status, "action_due")
            arch = self.env["res.partner"].with_user(self.salesperson).get_views([(False, "form")])
            form_arch = arch["views"]["form"]["arch"]
            self.assertIn("o_debt_followup_banner", form_arch)
            self.assertNotIn('name="debt_followup"', form_arch, "no Follow-up tab")
            collector_arch = (
                self.env["res.partner"].with_user(self.collector).get_views([(False, "form")])
            )
            self.assertIn('name="debt_followup"', collector_arch["views"]["form"]["arch"])
