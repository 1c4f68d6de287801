# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01 10:00:00")
class TestPromise(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_overdue_invoice(cls.customer_it, 1000, "2026-01-01", "2026-01-31")
        cls.cron = cls.env.ref("debt_followup.ir_cron_debt_promise_check")

    def _promise(self, plan, moves=None, **values):
        return (
            self.env["debt.followup.promise"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer_it.id,
                    "move_ids": [Command.set((moves or self.invoice).ids)],
                    "amount": sum(amount for _date, amount in plan),
                    "line_ids": [
                        Command.create({"date": due, "amount": amount}) for due, amount in plan
                    ],
                    **values,
                }
            )
        )

    def _pay(self, amount, date, invoice=None):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=(invoice or self.invoice).ids
        ).create({"amount": amount, "payment_date": date})._create_payments()

    def _check(self):
        # The cron runs in its own cursor: the test mode shares the test's transaction.
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def test_residual_captured_and_partial_payments(self):
        promise = self._promise([("2026-03-10", 400), ("2026-04-10", 400)])
        self.assertEqual(promise.residual_at_promise, 1000)
        self.assertEqual(promise.paid_amount, 0)
        self._pay(300, "2026-03-05")
        self.assertEqual(promise.paid_amount, 300)
        self._pay(600, "2026-03-06")
        # Bounded by the amount promised, although 900 came in.
        self.assertEqual(promise.paid_amount, 800)

    def test_paid_amount_computed_in_constant_queries(self):
        invoices = [
            self._create_overdue_invoice(self.customer_it, 100 + i, "2026-01-01", "2026-01-31")
            for i in range(4)
        ]
        promises = self.env["debt.followup.promise"]
        for invoice in invoices:
            promises |= self._promise([("2026-03-10", 50)], moves=invoice)

        def count_queries(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.mapped("paid_amount")
            return self.env.cr.sql_log_count - before

        count_queries(promises)  # warm the caches of access rules
        self.assertEqual(count_queries(promises), count_queries(promises[:1]))

    def test_kept_when_paid(self):
        promise = self._promise([("2026-03-10", 500), ("2026-04-10", 500)])
        self._pay(1000, "2026-03-08")
        self._check()
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.kept_rate, 100)
        self.assertIn("Promise to pay kept", str(promise.case_id.message_ids.mapped("body")))

    def test_open_within_grace_days(self):
        promise = self._promise([("2026-03-10", 500), ("2026-04-10", 500)])
        with freeze_time("2026-03-12 10:00:00"):
            self._check()
        self.assertEqual(promise.state, "open")
        self.assertFalse(self._case(self.customer_it).escalate_date)

    def test_broken_after_grace_days(self):
        promise = self._promise([("2026-03-10", 500), ("2026-04-10", 500)])
        self._pay(200, "2026-03-09")
        with freeze_time("2026-03-13 10:00:00"):
            self._check()
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.kept_rate, 0)
        self.assertIn("was not kept (paid so far:", str(promise.case_id.message_ids.mapped("body")))
        activity = self._case(self.customer_it).activity_ids.filtered(
            lambda a: a.summary == "Promise to pay broken"
        )
        self.assertEqual(activity.user_id, self.collector)
        # As the daily run's: the worklist shows it; nobody is subscribed by it.
        self.assertNotIn(self.collector.partner_id, promise.case_id.message_partner_ids)
        # The next level is due now.
        self.assertEqual(self._case(self.customer_it).escalate_date, date(2026, 3, 13))
        self.assertFalse(self._case(self.customer_it).escalate_written_only)

    def test_broken_promise_activity_in_the_collectors_language(self):
        self.collector.lang = "pt_BR"
        promise = self._promise([("2026-03-10", 1000)])
        with freeze_time("2026-03-13 10:00:00"):
            self._check()
        activity = self._case(self.customer_it).activity_ids.filtered(
            lambda a: a.summary == "Promessa de pagamento quebrada"
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("não foi cumprida (pago até agora:", activity.note)
        # the date as Brazilians write it, not 2026-03-01
        self.assertIn(f"feita em {promise.date.strftime('%d/%m/%Y')}", activity.note)

    def test_installment_plan_followed_stays_open(self):
        promise = self._promise([("2026-03-10", 500), ("2026-04-10", 500)])
        self._pay(500, "2026-03-10")
        with freeze_time("2026-04-01 10:00:00"):
            self._check()
        self.assertEqual(promise.state, "open")
        with freeze_time("2026-04-13 10:00:00"):
            self._check()
        self.assertEqual(promise.state, "broken")

    def test_grace_days_from_company(self):
        self.company.debt_promise_grace_days = 5
        promise = self._promise([("2026-03-10", 1000)])
        with freeze_time("2026-03-15 10:00:00"):
            self._check()
        self.assertEqual(promise.state, "open")
        with freeze_time("2026-03-16 10:00:00"):
            self._check()
        self.assertEqual(promise.state, "broken")

    def test_open_promise_covers_invoices_and_partner(self):
        promise = self._promise([("2026-03-10", 1000)])
        self.assertEqual(self.customer_it.debt_followup_status, "promised")
        other = self._create_overdue_invoice(self.customer_it, 200, "2026-01-01", "2026-01-31")
        self.customer_it.invalidate_recordset()
        self.assertEqual(self.invoice.debt_promise_id, promise)
        self.assertFalse(other.debt_promise_id)
        self.assertEqual(
            self.env["account.move"].search([("debt_promise_id", "!=", False)]), self.invoice
        )
        # The uncovered invoice still calls for follow-up.
        self.assertEqual(self.customer_it.debt_followup_status, "action_due")
        promise._debt_mark_kept()
        self.invoice.invalidate_recordset(["debt_promise_id"])
        self.assertFalse(self.invoice.debt_promise_id)

    def test_cancelled_promise_is_no_longer_watched(self):
        promise = self._promise([("2026-03-10", 1000)])
        promise.with_user(self.collector).action_cancel()
        self.assertEqual(promise.state, "cancelled")
        self.assertFalse(self.invoice.debt_promise_id)
        with freeze_time("2026-03-20 10:00:00"):
            self._check()
        self.assertEqual(promise.state, "cancelled")

    def _assert_refused(self, message, plan, **values):
        with self.assertRaises(ValidationError) as error:
            self._promise(plan, **values)
        self.assertIn(message, str(error.exception))
        self.assertFalse(
            self.env["debt.followup.promise"].search([("partner_id", "=", self.customer_it.id)])
        )

    def test_refuses_amount_above_owed(self):
        self._assert_refused("above what the invoices still owe", [("2026-03-10", 1500)])

    def test_refuses_date_in_past(self):
        self._assert_refused("in the past", [("2026-02-20", 500)])

    def test_refuses_installments_not_summing(self):
        self._assert_refused("add up to", [("2026-03-10", 500), ("2026-04-10", 400)], amount=1000)

    def test_salesperson_cannot_read_promise_notes(self):
        promise = self._promise([("2026-03-10", 1000)], note="Waiting for a customer of theirs")
        as_salesperson = promise.with_user(self.salesperson)
        self.assertEqual(as_salesperson.amount, 1000)
        with self.assertRaises(AccessError):
            as_salesperson.read(["note"])
        self.assertEqual(promise.with_user(self.collector).note, "Waiting for a customer of theirs")
