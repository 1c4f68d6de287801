# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestFoundation(DebtFollowupCommon):
    def test_default_ladder_for_new_company(self):
        """Every company starts with the seven-step Italian-style ladder."""
        self.assertEqual(
            [(lvl.delay, lvl.channel) for lvl in self.levels],
            [
                (-3, "email"),
                (7, "phone"),
                (20, "email"),
                (30, "phone"),
                (45, "pec"),
                (60, "visit"),
                (90, "legal"),
            ],
        )

    def test_company_settings_defaults(self):
        company = self.env["res.company"].create({"name": "Nuova S.p.A."})
        self.assertEqual(
            (
                company.debt_followup_interval,
                company.debt_min_amount,
                company.debt_max_call_attempts,
                company.debt_promise_grace_days,
            ),
            (7, 0.0, 3, 2),
        )
        settings = self.env["res.config.settings"].with_company(company).create({})
        self.assertEqual(settings.debt_followup_interval, 7)
        settings.debt_followup_interval = 10
        settings.execute()
        self.assertEqual(company.debt_followup_interval, 10)

    def test_level_delay_must_grow_with_sequence(self):
        second_call = self.levels.filtered(lambda lvl: lvl.delay == 30)
        # Odoo's assertRaises rolls back to a savepoint: nothing stays written.
        with self.assertRaises(ValidationError) as error:
            second_call.delay = 5
        self.assertIn("must start later", str(error.exception))
        self.assertEqual(second_call.read(["delay"])[0]["delay"], 30)

    def test_level_constraint_message_in_user_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        second_call = self.levels.filtered(lambda lvl: lvl.delay == 30)
        with self.assertRaises(ValidationError) as error:
            second_call.with_context(lang="it_IT").delay = 5
        self.assertIn("devono iniziare", str(error.exception))

    def test_new_level_in_wrong_place_is_refused(self):
        count = self.env["debt.followup.level"].search_count([])
        with self.assertRaises(ValidationError):
            self.env["debt.followup.level"].create(
                {"name": "Too late", "sequence": 15, "delay": 100, "channel": "phone"}
            )
        self.assertEqual(self.env["debt.followup.level"].search_count([]), count)

    def test_archived_levels_do_not_constrain(self):
        second_call = self.levels.filtered(lambda lvl: lvl.delay == 30)
        second_call.action_archive()
        self.levels.filtered(lambda lvl: lvl.delay == 45).delay = 25
        self.assertEqual(second_call.delay, 30)

    def test_promise_line_amount_must_be_positive(self):
        invoice = self._create_overdue_invoice(self.customer_it, 500, "2026-01-01", "2026-01-31")
        promise = self.env["debt.followup.promise"].create(
            {
                "partner_id": self.customer_it.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": 500,
                "line_ids": [Command.create({"date": "2026-12-15", "amount": 500})],
            }
        )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            # Through the promise, so that the installments still add up to it.
            promise.write(
                {"amount": -10, "line_ids": [Command.update(promise.line_ids.id, {"amount": -10})]}
            )
            promise.flush_recordset()
        self.assertEqual(promise.line_ids.read(["amount"])[0]["amount"], 500)

    def test_promise_lines_must_sum_to_amount(self):
        with self.assertRaises(ValidationError) as error:
            self.env["debt.followup.promise"].create(
                {
                    "partner_id": self.customer_it.id,
                    "amount": 500,
                    "line_ids": [
                        Command.create({"date": "2026-12-15", "amount": 200}),
                        Command.create({"date": "2027-01-15", "amount": 200}),
                    ],
                }
            )
        self.assertIn("add up to", str(error.exception))
        self.assertFalse(
            self.env["debt.followup.promise"].search([("partner_id", "=", self.customer_it.id)])
        )

    def test_salesperson_reads_status_but_not_calls(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-31")
        call = (
            self.env["debt.followup.call"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer_it.id,
                    "outcome": "reached",
                    "note": "Cash-flow problem until the 15th",
                }
            )
        )
        partner = self.customer_it.with_user(self.salesperson)
        self.assertEqual(partner.debt_overdue_amount, 1000)
        self.assertEqual(partner.debt_overdue_count, 1)
        # Overdue with no step taken yet: the first step is due.
        self.assertEqual(partner.debt_followup_status, "action_due")
        with self.assertRaises(AccessError):
            call.with_user(self.salesperson).read(["note"])
        with self.assertRaises(AccessError):
            self.env["debt.followup.call"].with_user(self.salesperson).search([])
        self.assertEqual(call.with_user(self.collector).note, "Cash-flow problem until the 15th")

    def test_collector_sees_nothing_of_other_company(self):
        other = self.setup_other_company(name="Company B")["company"]
        other_partner = self.env["res.partner"].create({"name": "Cliente B"})
        self.env["debt.followup.call"].with_company(other).create(
            {"partner_id": other_partner.id, "outcome": "no_answer", "company_id": other.id}
        )
        invoice_b = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": other_partner.id,
                    "invoice_date": "2026-01-01",
                    "invoice_date_due": "2026-01-31",
                    "invoice_line_ids": [
                        Command.create({"name": "Goods", "price_unit": 10, "tax_ids": []})
                    ],
                }
            )
        )
        invoice_b.action_post()
        self.env["debt.followup.promise"].with_company(other).create(
            {
                "partner_id": other_partner.id,
                "move_ids": [Command.set(invoice_b.ids)],
                "amount": 10,
                "line_ids": [Command.create({"date": "2026-12-15", "amount": 10})],
                "company_id": other.id,
            }
        )
        collector = self.collector.with_context(allowed_company_ids=self.company.ids)
        env = self.env(user=collector)
        self.assertFalse(env["debt.followup.call"].search([("company_id", "=", other.id)]))
        self.assertFalse(env["debt.followup.promise"].search([("company_id", "=", other.id)]))
        self.assertFalse(env["debt.followup.level"].search([("company_id", "=", other.id)]))
        # Even a collector of both companies only sees B when B is active.
        outsider = new_test_user(
            self.env,
            login="collector_ab",
            groups="debt_followup.group_debt_collector",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | other).ids)],
        )
        self.assertFalse(
            self.env["debt.followup.call"]
            .with_user(outsider)
            .with_context(allowed_company_ids=self.company.ids)
            .search([("company_id", "=", other.id)])
        )
