# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily run decides and records, a job of its own renders and sends the
written reminders in batches; both run as Odoo's scheduler runs them, cut into
slices and started again, without doing anything twice."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.account.models.account_move import AccountMove
from odoo.addons.debt_followup.models.debt_followup_case import DebtFollowupCase
from odoo.addons.debt_followup.models.debt_followup_promise import DebtFollowupPromise

from .common import DebtFollowupRunCommon

CASE_MODULE = "odoo.addons.debt_followup.models.debt_followup_case"
SEND_MODULE = "odoo.addons.debt_followup.models.debt_followup_send"
PROMISE_MODULE = "odoo.addons.debt_followup.models.debt_followup_promise"
CALL_TYPE = "debt_followup.mail_activity_type_debt_call"
CRON_MODULE = "odoo.addons.base.models.ir_cron"


@tagged("post_install", "-at_install")
class TestDailyRunScale(DebtFollowupRunCommon):
    def _reminders(self, partners):
        return self.env["mail.message"].search(
            [
                ("model", "=", "debt.followup.case"),
                ("res_id", "in", self._case(partners).ids),
                ("message_type", "=", "comment"),
            ]
        )

    def _progress(self, cron):
        return self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id desc")

    def _run_in_slices(self, cron, max_starts=8):
        """Start ``cron`` as the scheduler does, with slices so short that each
        start handles one batch, until nothing remains; the number of starts."""
        with (
            patch(f"{CRON_MODULE}.MIN_TIME_PER_JOB", 0),
            patch(f"{CRON_MODULE}.MIN_RUNS_PER_JOB", 1),
            self.enter_registry_test_mode(),
        ):
            for start in range(1, max_starts + 1):
                cron.method_direct_trigger()
                self.env.invalidate_all()
                if not self._progress(cron)[:1].remaining:
                    return start
        self.fail(f"{cron.name} still had work after {max_starts} starts")

    def test_run_queues_the_reminders_and_the_sending_job_sends_them(self):
        with freeze_time("2026-04-20"), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
            self.env.invalidate_all()
            cases = self._case(self.customers)
            # The run decided and recorded: step, invoices stamped, reminder queued.
            self.assertEqual(cases.level_id, self.courtesy)
            self.assertEqual(self.invoices.debt_followup_level_id, self.courtesy)
            queued = self.env["debt.followup.send"].search([("case_id", "in", cases.ids)])
            self.assertEqual(len(queued), 5)
            self.assertEqual(set(queued.mapped("state")), {"pending"})
            self.assertEqual(set(queued.mapped("channel")), {"email"})
            self.assertFalse(self._reminders(self.customers), "nothing rendered by the run")
            # One rendering for the batch: no reminder retried one at a time.
            with self.assertNoLogs(SEND_MODULE, "WARNING"):
                self.send_cron.method_direct_trigger()
            self.env.invalidate_all()
        self.assertEqual(set(queued.mapped("state")), {"done"})
        for customer, invoice in zip(self.customers, self.invoices, strict=True):
            reminder = self._reminders(customer)
            self.assertEqual(len(reminder), 1)
            self.assertIn("fall due in the next few days", str(reminder.body))
            self.assertIn(invoice.name, str(reminder.body))
        self.assertTrue(all(cases.mapped("last_contact_date")))

    def test_sending_job_cut_into_slices_sends_each_reminder_once(self):
        with (
            freeze_time("2026-04-20"),
            patch(f"{SEND_MODULE}.SEND_BATCH_SIZE", 2),
        ):
            with self.enter_registry_test_mode():
                self.cron.method_direct_trigger()
            starts = self._run_in_slices(self.send_cron)
        self.assertEqual(starts, 3, "5 reminders, 2 a batch, one batch a start")
        remaining = self._progress(self.send_cron).mapped("remaining")
        self.assertEqual(remaining[::-1][-3:], [3, 1, 0], "remaining goes down to 0")
        for customer in self.customers:
            self.assertEqual(len(self._reminders(customer)), 1)

    def test_daily_run_cut_into_slices_looks_at_each_customer_once(self):
        # Three days overdue: candidates, but no step is due (the call is at +7).
        late = self.env["res.partner"].create(
            [{"name": f"Ritardatario {i}", "is_company": True} for i in range(3)]
        )
        for customer in late:
            self._create_overdue_invoice(customer, 300, "2026-04-01", "2026-04-17")
        looked_at = []
        original = DebtFollowupCase._debt_followup_run

        def spy(cases, isolate=True):
            looked_at.extend(cases.partner_id.ids)
            return original(cases, isolate=isolate)

        with (
            freeze_time("2026-04-20"),
            patch(f"{CASE_MODULE}.FOLLOWUP_BATCH_SIZE", 2),
            patch.object(DebtFollowupCase, "_debt_followup_run", spy),
        ):
            starts = self._run_in_slices(self.cron)
        everyone = late | self.customers
        self.assertEqual(sorted(looked_at), sorted(everyone.ids), "each customer once")
        self.assertEqual(starts, 4, "8 customers, 2 a batch, one batch a start")
        self.assertEqual(self._case(self.customers).level_id, self.courtesy)
        self.assertFalse(self._case(late).level_id)

    def test_facts_of_a_batch_are_read_once(self):
        level = self.env["debt.followup.level"]

        def queries(partners):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            with level._debt_render_batch(partners):
                for partner in partners:
                    level._debt_render_values(partner, upcoming=True)
            return self.cr.sql_log_count - before

        with freeze_time("2026-04-20"):
            queries(self.customers)  # the caches that do not depend on the batch
            self.assertEqual(queries(self.customers[:2]), queries(self.customers))
            facts = level._debt_render_values(self.customers[0], upcoming=True)
        self.assertEqual(len(facts["lines"]), 1)
        self.assertIn(self.invoices[0].name, facts["lines"][0]["number"])

    def test_access_tokens_written_in_bulk_without_resynchronising_invoices(self):
        self.assertFalse(any(self.invoices.mapped("access_token")))
        synced = []
        original = AccountMove._sync_dynamic_lines

        def spy(moves, container):
            synced.append(moves.ids)
            return original(moves, container)

        with freeze_time("2026-04-20"), patch.object(AccountMove, "_sync_dynamic_lines", spy):
            level = self.env["debt.followup.level"]
            with level._debt_render_batch(self.customers):
                facts = level._debt_render_values(self.customers[0], upcoming=True)
        self.assertFalse(synced)
        self.assertTrue(all(self.invoices.mapped("access_token")))
        self.assertIn(self.invoices[0].access_token, facts["pay_url"])

    def test_a_reminder_that_fails_leaves_the_others_and_is_not_sent_again(self):
        broken = self.customers[2]
        original = DebtFollowupCase._debt_send_templates

        def failing(cases, level, moves, contacts=None, emails=None):
            if broken in cases.partner_id:
                raise ValueError("template error")
            return original(cases, level, moves, contacts=contacts, emails=emails)

        with freeze_time("2026-04-20"), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
            with (
                patch.object(DebtFollowupCase, "_debt_send_templates", failing),
                self.assertLogs(SEND_MODULE, "ERROR"),
            ):
                self.send_cron.method_direct_trigger()
            self.send_cron.method_direct_trigger()
            self.env.invalidate_all()
        queued = self.env["debt.followup.send"].search(
            [("case_id", "in", self._case(self.customers).ids)]
        )
        failed = queued.filtered(lambda row: row.state == "failed")
        self.assertEqual(failed.case_id.partner_id, broken)
        self.assertEqual(set((queued - failed).mapped("state")), {"done"})
        self.assertFalse(self._reminders(broken))
        for customer in self.customers - broken:
            self.assertEqual(len(self._reminders(customer)), 1)

    def test_promise_check_cut_into_slices_looks_at_each_promise_once(self):
        promise_cron = self.env.ref("debt_followup.ir_cron_debt_promise_check")
        Promise = self.env["debt.followup.promise"]
        with freeze_time("2026-04-01"):
            promises = Promise.create(
                [
                    {
                        "partner_id": customer.id,
                        "move_ids": [Command.set(invoice.ids)],
                        "amount": 300,
                        "line_ids": [Command.create({"date": "2026-05-15", "amount": 300})],
                    }
                    for customer, invoice in zip(self.customers, self.invoices, strict=True)
                ]
            )
        looked_at = []
        original = DebtFollowupPromise._debt_evaluate

        def spy(records, today):
            looked_at.extend(records.ids)
            return original(records, today)

        with (
            patch(f"{PROMISE_MODULE}.PROMISE_CHECK_BATCH", 2),
            patch.object(DebtFollowupPromise, "_debt_evaluate", spy),
        ):
            with freeze_time("2026-04-20"):
                starts = self._run_in_slices(promise_cron)
                self.assertEqual(sorted(looked_at), sorted(promises.ids), "each promise once")
                self.assertEqual(starts, 3, "5 promises, 2 a batch, one batch a start")
                # Not yet due: still open, and not looked at again the same day.
                self.assertEqual(set(promises.mapped("state")), {"open"})
                self._run_in_slices(promise_cron)
                self.assertEqual(len(looked_at), 5)
            with freeze_time("2026-04-21"):
                self._run_in_slices(promise_cron)
        self.assertEqual(len(looked_at), 10, "the next day, every open promise again")

    def test_planned_calls_notify_and_subscribe_nobody(self):
        late = self.env["res.partner"].create(
            [{"name": f"Moroso {i}", "is_company": True} for i in range(3)]
        )
        for customer in late:
            self._create_overdue_invoice(customer, 300, "2026-03-01", "2026-03-31")
        self.env["bus.bus"].sudo().search([]).unlink()
        with freeze_time("2026-04-20"), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        self.env.invalidate_all()
        cases = self._case(late)
        calls = cases.activity_ids
        self.assertEqual(len(calls), 3, "one call per customer")
        self.assertEqual(calls.activity_type_id, self.env.ref(CALL_TYPE))
        self.assertEqual(calls.user_id, cases[0]._debt_collector())
        self.assertEqual(calls.mapped("res_name"), late.mapped("display_name"))
        self.assertIn("Collection call", calls[0].summary)
        self.assertIn(self._case(late[0]).partner_id.invoice_ids.name, str(calls[0].note))
        with freeze_time("2026-04-20"):
            self.assertEqual(set(cases.mapped("activity_state")), {"today"})
        # The worklist shows them: no e-mail, no bus message, no follower.
        self.assertFalse(cases.message_partner_ids)
        self.assertFalse(self.env["bus.bus"].sudo().search([("message", "like", "mail.activity")]))

    def test_step_stamped_on_the_invoices_without_changing_them(self):
        self.env.flush_all()
        changed = self.invoices.mapped("write_date")
        with freeze_time("2026-04-20"), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.invoices.debt_followup_level_id, self.courtesy)
        self.assertEqual(set(self.invoices.mapped("debt_last_action_date")), {date(2026, 4, 20)})
        self.assertEqual(self.invoices.mapped("write_date"), changed)
        self.assertEqual(
            self.env["account.move"].search([("debt_followup_level_id", "=", self.courtesy.id)]),
            self.invoices,
        )
