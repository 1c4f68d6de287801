# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
""" "To do today", the aging analysis, bulk assignment and invoice filters."""

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestWorklist(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.small = cls.env["res.partner"].create(
            {"name": "Piccolo S.r.l.", "is_company": True, "phone": "+39 02 1111 2222"}
        )
        cls.paid = cls.env["res.partner"].create({"name": "Puntuale S.p.A.", "is_company": True})
        cls.big_invoice = cls._create_overdue_invoice(
            cls.customer_it, 5000, "2026-01-01", "2026-01-10"
        )
        cls._create_overdue_invoice(cls.small, 200, "2026-01-01", "2026-03-01")
        cls._create_overdue_invoice(cls.paid, 300, "2026-04-01", "2026-05-30")

    @freeze_time("2026-04-20")
    def test_worklist_lists_due_actions_by_priority(self):
        partners = self.customer_it | self.small | self.paid
        self._case(partners)._debt_followup_run()
        rows = self.env["debt.followup.worklist"].with_user(self.collector).search([])
        self.assertEqual(rows.partner_id, self.customer_it | self.small)
        self.assertEqual(rows[0].partner_id, self.customer_it, "5000 × 100 days first")
        self.assertEqual(rows[0].overdue_amount, 5000)
        self.assertEqual(rows[0].days_overdue, 100)
        self.assertEqual(rows[1].phone, "+39 02 1111 2222")
        self.assertEqual(rows[0].level_id, self.levels[1], "past due: no courtesy step")

        wizard = Form(
            self.env["debt.followup.assign.wizard"]
            .with_user(self.collector)
            .with_context(active_model="debt.followup.worklist", active_ids=rows.ids)
        )
        wizard.collector_id = self.collector
        wizard.save().action_assign()
        self.assertEqual(self.customer_it.debt_collector_id, self.collector)
        self.assertEqual(self.small.debt_collector_id, self.collector)
        self.assertEqual(
            self._case(self.customer_it)._debt_open_activities().user_id,
            self.collector,
            "open follow-up activities move to the new collector",
        )
        rows.invalidate_model()
        self.assertEqual(rows.collector_id, self.collector)

    @freeze_time("2026-04-20")
    def test_aging_buckets(self):
        rows = self.env["debt.followup.aging"].with_user(self.collector).search([])
        by_partner = {row.partner_id: row for row in rows}
        self.assertEqual(by_partner[self.customer_it].bucket, "90_plus")
        self.assertEqual(by_partner[self.small].bucket, "31_60")
        self.assertNotIn(self.paid, by_partner)
        groups = self.env["debt.followup.aging"]._read_group(
            [("partner_id", "in", (self.customer_it | self.small).ids)],
            ["bucket"],
            ["amount_residual:sum"],
        )
        self.assertEqual(dict(groups), {"90_plus": 5000, "31_60": 200})

    @freeze_time("2026-04-20")
    def test_invoice_filters(self):
        Move = self.env["account.move"]
        overdue = Move.search([("debt_days_overdue", ">", 0), ("move_type", "=", "out_invoice")])
        self.assertIn(self.big_invoice, overdue)
        self.assertNotIn(self.paid.invoice_ids, overdue)
        self.assertNotIn(self.small.invoice_ids, Move.search([("debt_days_overdue", ">", 60)]))
        self.assertEqual(self.big_invoice.debt_days_overdue, 100)
