# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon

NOTE = "Cash-flow problem: their own customer pays on the 15th"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 09:00:00")  # a Tuesday, 10:00 in Rome
class TestCallWizard(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_overdue_invoice(cls.customer_it, 1000, "2026-01-01", "2026-01-31")
        cls.customer_it.with_company(cls.company).debt_collector_id = cls.collector
        cls.call_type = cls.env.ref("debt_followup.mail_activity_type_debt_call")
        cls.phone_level = cls.levels.filtered(lambda lvl: lvl.delay == 7)
        cls.customer_it.with_company(cls.company).debt_followup_level_id = cls.phone_level
        cls._case(cls.customer_it).activity_schedule(
            "debt_followup.mail_activity_type_debt_call", user_id=cls.collector.id
        )

    def _wizard(self, **values):
        """The wizard as the collector opens it from the customer."""
        return (
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(active_model="res.partner", active_id=self.customer_it.id)
            .create({"note": NOTE, **values})
        )

    def _calls(self):
        return self.env["debt.followup.call"].search([("partner_id", "=", self.customer_it.id)])

    def _activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "debt.followup.case"),
                ("res_id", "=", self._case(self.customer_it).id),
            ]
        )

    def _call_activities(self):
        return self._activities().filtered(lambda a: a.activity_type_id == self.call_type)

    def _last_message(self, record):
        return record.message_ids.sorted("id")[-1]

    # Outcomes -----------------------------------------------------------

    def test_promise_with_installments(self):
        form = Form(
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(active_model="res.partner", active_id=self.customer_it.id)
        )
        self.assertEqual(form.move_ids[:], self.invoice)
        self.assertEqual(form.level_id, self.phone_level)
        self.assertIn('href="tel:+390612345678"', str(form.phone_link))
        # The level's script in the customer's language, with the facts of the call.
        self.assertIn("INV/", str(form.call_script))
        self.assertIn("1.000,00", str(form.call_script))
        form.outcome = "promise"
        # The amount starts at what the invoices owe.
        self.assertEqual(form.promise_amount, 1000)
        form.promise_date = date(2026, 3, 10)
        form.installment_count = 3
        plan = []
        for index in range(3):
            with form.line_ids.edit(index) as line:
                plan.append((line.date, line.amount))
        self.assertEqual(
            plan,
            [(date(2026, 3, 10), 333.33), (date(2026, 4, 10), 333.33), (date(2026, 5, 10), 333.34)],
        )
        with form.line_ids.edit(2) as line:
            line.amount = 300
        with form.line_ids.edit(0) as line:
            line.amount = 366.67
        form.note = NOTE
        form.save().action_log_call()

        call = self._calls()
        self.assertEqual(call.outcome, "promise")
        self.assertEqual(call.phone, "+390612345678")
        self.assertEqual(call.level_id, self.phone_level)
        self.assertEqual(call.user_id, self.collector)
        self.assertEqual(call.move_ids, self.invoice)
        promise = call.promise_id
        self.assertEqual(promise.call_id, call)
        self.assertEqual(promise.amount, 1000)
        self.assertEqual(promise.residual_at_promise, 1000)
        self.assertEqual(promise.move_ids, self.invoice)
        self.assertEqual(
            [(line.date, line.amount) for line in promise.line_ids],
            [(date(2026, 3, 10), 366.67), (date(2026, 4, 10), 333.33), (date(2026, 5, 10), 300)],
        )
        self.assertEqual(self.invoice.debt_promise_id, promise)
        # The open collection call is done; the summary says what, who, next, never the note.
        self.assertFalse(self._call_activities())
        for record in (self._case(self.customer_it), self.invoice):
            body = str(self._last_message(record).body)
            self.assertIn("Promise to pay", body)
            self.assertIn("3 installments", body)
            self.assertIn(self.collector.name, body)
            self.assertNotIn("Cash-flow", body)

    def test_one_off_promise(self):
        self._wizard(
            outcome="promise", promise_amount=400, promise_date="2026-03-20"
        ).action_log_call()
        promise = self._calls().promise_id
        self.assertEqual(
            [(ln.date, ln.amount) for ln in promise.line_ids], [(date(2026, 3, 20), 400)]
        )

    def test_new_promise_replaces_the_open_one(self):
        self._wizard(outcome="promise", promise_date="2026-03-20").action_log_call()
        first = self._calls().promise_id
        with freeze_time("2026-03-04 09:00:00"):
            self._wizard(
                outcome="promise", promise_date="2026-03-25", installment_count=2
            ).action_log_call()
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(self.invoice.debt_promise_id.line_ids.mapped("amount"), [500, 500])

    def test_reached_closes_the_call_activity(self):
        self._wizard(outcome="reached", duration=4).action_log_call()
        call = self._calls()
        self.assertEqual((call.outcome, call.duration, call.note), ("reached", 4, NOTE))
        self.assertFalse(call.outside_window)
        self.assertFalse(self._call_activities())

    def test_callback_in_window(self):
        self._wizard(outcome="callback", callback_date="2026-03-04 15:00:00").action_log_call()
        call = self._calls()
        self.assertEqual(call.callback_date, datetime(2026, 3, 4, 15, 0))
        activity = self._call_activities()
        self.assertEqual(activity.date_deadline, date(2026, 3, 4))
        self.assertEqual(activity.user_id, self.collector)

    def test_no_answer_retries_then_goes_written(self):
        self._wizard(outcome="no_answer").action_log_call()
        activity = self._call_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 3))
        self.assertFalse(self._case(self.customer_it).escalate_date)
        with freeze_time("2026-03-04 09:00:00"):
            self._wizard(outcome="busy").action_log_call()
        self.assertFalse(self._case(self.customer_it).escalate_date)
        with freeze_time("2026-03-05 09:00:00"):
            self._wizard(outcome="no_answer").action_log_call()
        self.customer_it.invalidate_recordset()
        self.assertEqual(self._case(self.customer_it).escalate_date, date(2026, 3, 5))
        self.assertTrue(self._case(self.customer_it).escalate_written_only)
        self.assertFalse(self._call_activities())

    def test_failed_attempts_count_in_a_row_only(self):
        self.company.debt_max_call_attempts = 2
        self._wizard(outcome="no_answer").action_log_call()
        with freeze_time("2026-03-04 09:00:00"):
            self._wizard(outcome="reached").action_log_call()
        with freeze_time("2026-03-05 09:00:00"):
            self._wizard(outcome="busy").action_log_call()
        self.assertFalse(self._case(self.customer_it).escalate_date)
        self.assertEqual(len(self._call_activities()), 1)

    def test_third_party_records_nothing_of_the_debt(self):
        self._wizard(outcome="third_party", duration=1).action_log_call()
        call = self._calls()
        self.assertEqual(call.outcome, "third_party")
        self.assertFalse(call.note)
        self.assertFalse(call.move_ids)
        self.assertFalse(call.level_id)
        self.assertFalse(call.promise_id)
        self.assertTrue(call.callback_date)
        self.assertEqual(len(self._call_activities()), 1)
        self.assertFalse(
            self.invoice.message_ids.filtered(lambda m: "Collection call" in str(m.body))
        )
        summary = str(self._last_message(self._case(self.customer_it)).body)
        self.assertIn("Someone else answered", summary)
        self.assertNotIn("1,000", summary)

    def test_wrong_number_is_blacklisted(self):
        self._wizard(outcome="wrong_number").action_log_call()
        self.assertTrue(
            self.env["phone.blacklist"].sudo().search([("number", "=", "+390612345678")])
        )
        self.customer_it.invalidate_recordset()
        self.assertTrue(self.customer_it.phone_sanitized_blacklisted)
        self.assertIn("Find a correct phone number", self._activities().mapped("summary"))

    def test_dispute_excludes_the_invoices_and_tells_the_manager(self):
        other = self._create_overdue_invoice(self.customer_it, 300, "2026-01-01", "2026-01-31")
        self._wizard(
            outcome="dispute", dispute_reason="Goods damaged", move_ids=[(6, 0, other.ids)]
        ).action_log_call()
        self.assertTrue(other.no_followup)
        self.assertEqual(other.debt_dispute_reason, "Goods damaged")
        self.assertFalse(self.invoice.no_followup)
        activity = self._activities().filtered(
            lambda a: a.summary == "Disputed invoices: Goods damaged"
        )
        self.assertTrue(activity.user_id.has_group("debt_followup.group_debt_manager"))

    def test_paid_claimed_pauses_and_asks_the_accountant(self):
        self._wizard(outcome="paid_claimed").action_log_call()
        self.customer_it.invalidate_recordset()
        self.assertEqual(self._case(self.customer_it).paused_until, date(2026, 3, 8))
        self.assertIn(
            "Customer says it has paid: check and reconcile",
            self._activities().mapped("summary"),
        )

    def test_refused_makes_the_next_level_due(self):
        self._wizard(outcome="refused").action_log_call()
        self.customer_it.invalidate_recordset()
        self.assertEqual(self._case(self.customer_it).escalate_date, date(2026, 3, 3))
        self.assertFalse(self._case(self.customer_it).escalate_written_only)

    def test_opened_from_invoices(self):
        other = self._create_overdue_invoice(self.customer_it, 300, "2026-01-01", "2026-01-31")
        wizard = (
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(active_model="account.move", active_ids=other.ids)
            .create({"outcome": "reached"})
        )
        self.assertEqual(wizard.partner_id, self.customer_it)
        self.assertEqual(wizard.move_ids, other)

    def test_opened_from_the_worklist(self):
        row = self.env["debt.followup.worklist"].search([("partner_id", "=", self.customer_it.id)])
        self.assertTrue(row)
        wizard = (
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(
                active_model="debt.followup.worklist",
                active_id=row.id,
                default_partner_id=row.partner_id.id,
            )
            .create({"outcome": "reached"})
        )
        self.assertEqual(wizard.partner_id, self.customer_it)
        self.assertEqual(wizard.move_ids, self.invoice)

    def test_history_at_a_glance(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"amount": 200, "payment_date": "2026-02-10"})._create_payments()
        self._wizard(outcome="no_answer").action_log_call()
        values = self._wizard(outcome="reached")._debt_history_values()
        self.assertEqual(values["days_late"], 10)
        self.assertEqual(len(values["payments"]), 1)
        self.assertIn("200.00", values["payments"][0][1])
        self.assertEqual(values["calls"][0][1:], ("No answer", self.collector.name))
        self.assertEqual((values["kept"], values["broken"]), (0, 0))

    def test_history_in_constant_queries(self):
        def count_queries():
            wizard = self._wizard(outcome="reached")
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            wizard._debt_history_values()
            return self.env.cr.sql_log_count - before

        self._wizard(outcome="no_answer").action_log_call()
        count_queries()  # warm the caches of access rules
        one_call = count_queries()
        for day in (4, 5):
            with freeze_time(f"2026-03-0{day} 09:00:00"):
                self._wizard(outcome="busy").action_log_call()
        self.assertEqual(count_queries(), one_call)

    # Refusals: a clear message, nothing written -------------------------

    def _assert_refused(self, message, exception=ValidationError, **values):
        wizard = self._wizard(**values)
        with self.assertRaises(exception) as error:
            wizard.action_log_call()
        self.assertIn(message, str(error.exception))
        self.assertFalse(self._calls())
        self.assertFalse(
            self.env["debt.followup.promise"].search([("partner_id", "=", self.customer_it.id)])
        )
        self.assertEqual(len(self._call_activities()), 1)

    def test_refuses_zero_promise(self):
        self._assert_refused(
            "above zero", outcome="promise", promise_amount=0, promise_date="2026-03-10"
        )

    def test_refuses_promise_without_date(self):
        self._assert_refused("needs an amount and a date", outcome="promise")

    def test_refuses_negative_promise(self):
        self._assert_refused(
            "above zero", outcome="promise", promise_amount=-5, promise_date="2026-03-10"
        )

    def test_refuses_promise_above_overdue(self):
        self._assert_refused(
            "above what is overdue",
            outcome="promise",
            promise_amount=1500,
            promise_date="2026-03-10",
        )

    def test_refuses_promise_in_the_past(self):
        self._assert_refused(
            "in the past", outcome="promise", promise_amount=500, promise_date="2026-03-02"
        )

    def test_refuses_installments_not_summing(self):
        self._assert_refused(
            "add up to",
            outcome="promise",
            promise_amount=1000,
            promise_date="2026-03-10",
            line_ids=[
                (0, 0, {"date": "2026-03-10", "amount": 500}),
                (0, 0, {"date": "2026-04-10", "amount": 400}),
            ],
        )

    def test_refuses_callback_in_the_past(self):
        self._assert_refused("in the past", outcome="callback", callback_date="2026-03-03 08:00:00")

    def test_refuses_callback_outside_the_window(self):
        # 22:00 in Rome: the message gives the next allowed moment.
        self._assert_refused(
            "next allowed moment is", outcome="callback", callback_date="2026-03-03 21:00:00"
        )

    def test_refuses_third_party_callback_outside_the_window(self):
        self._assert_refused(
            "next allowed moment is", outcome="third_party", callback_date="2026-03-08 10:00:00"
        )

    def test_refuses_outcome_without_its_fields(self):
        self._assert_refused("Say when to call back", outcome="callback")
        self._assert_refused("reason of the dispute", outcome="dispute")

    def test_refuses_invoices_of_two_customers(self):
        other_customer = self.env["res.partner"].create({"name": "Other S.p.A."})
        other = self._create_overdue_invoice(other_customer, 300, "2026-01-01", "2026-01-31")
        with self.assertRaises(UserError) as error:
            self.env["debt.followup.call.wizard"].with_user(self.collector).with_context(
                active_model="account.move", active_ids=(self.invoice | other).ids
            ).default_get(["partner_id", "move_ids"])
        self.assertIn("one customer at a time", str(error.exception))
        self._assert_refused(
            "belong to", exception=UserError, outcome="reached", move_ids=[(6, 0, other.ids)]
        )

    def test_refusal_in_the_user_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        wizard = self._wizard(outcome="callback", callback_date="2026-03-03 08:00:00")
        with self.assertRaises(ValidationError) as error:
            wizard.with_context(lang="it_IT").action_log_call()
        self.assertEqual(str(error.exception), "L'orario del richiamo è nel passato.")
        self.assertFalse(self._calls())

    # Privacy ------------------------------------------------------------

    def test_salesperson_cannot_read_call_notes(self):
        self._wizard(outcome="reached").action_log_call()
        call = self._calls()
        with self.assertRaises(AccessError):
            call.with_user(self.salesperson).read(["note"])
        with self.assertRaises(AccessError):
            self.env["debt.followup.call.wizard"].with_user(self.salesperson).create(
                {"partner_id": self.customer_it.id, "outcome": "reached"}
            )
        self.assertEqual(call.with_user(self.manager).note, NOTE)
