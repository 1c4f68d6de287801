# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily follow-up run: one step at a time, interval, idempotence, reset,
exclusions, channels, and a failure in the middle of a run."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from odoo.addons.debt_followup.models.debt_followup_case import DebtFollowupCase
from odoo.addons.debt_followup.models.res_partner import ResPartner
from odoo.addons.debt_followup.tools.formatting import format_amount

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestEngine(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_it.debt_collector_id = cls.collector
        cls.level = {lvl.delay: lvl for lvl in cls.levels}
        cls.cron = cls.env.ref("debt_followup.ir_cron_debt_followup")
        cls.send_cron = cls.env.ref("debt_followup.ir_cron_debt_followup_send")

    def _run(self):
        """The daily run, then the sending job it triggers, as the scheduler
        runs them (each with its own cursor, committing)."""
        with (
            self.enter_registry_test_mode(),
            self.assertNoLogs("odoo.addons.base.models.ir_cron", "ERROR"),
        ):
            self.cron.method_direct_trigger()
            self.send_cron.method_direct_trigger()

    def _activities(self, partner):
        return self.env["mail.activity"].search(
            [("res_model", "=", "debt.followup.case"), ("res_id", "=", self._case(partner).id)]
        )

    def test_first_run_on_old_invoice_takes_first_level_only(self):
        invoice = self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        # 100 days overdue: the first step after the courtesy one (before the due date).
        with freeze_time("2026-04-20"):
            self._run()
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[7])
        self.assertEqual(str(self._case(self.customer_it).last_action_date), "2026-04-20")
        self.assertEqual(invoice.debt_followup_level_id, self.level[7])
        self.assertEqual(str(invoice.debt_last_action_date), "2026-04-20")
        self.assertFalse(
            invoice.is_manually_modified, "a follow-up step is not a change to the invoice"
        )
        activity = self._activities(self.customer_it)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("debt_followup.mail_activity_type_debt_call")
        )
        self.assertEqual(activity.user_id, self.collector)
        # The note lists what the step covers, for the collector to read.
        self.assertIn(invoice.name, activity.note)
        self.assertIn(format_amount(1000, invoice.currency_id.name, self.env.lang), activity.note)
        self.assertEqual(activity.res_name, self.customer_it.display_name)

    def test_activity_texts_in_the_collectors_language(self):
        """The collector reads the activity in its own language, whatever the
        language the daily run works in."""
        self.collector.lang = "it_IT"
        invoice = self._create_overdue_invoice(self.customer_it, 1000, "2026-04-01", "2026-04-22")
        with freeze_time("2026-04-20"):
            self._run()
        activity = self._activities(self.customer_it)
        level = self.level[-3].with_context(lang="it_IT").name
        self.assertEqual(activity.summary, f"Inviare il sollecito: {level}")
        self.assertIn(f"Fase del sollecito: {level}", activity.note)
        self.assertIn(f"{invoice.name}, scadenza 22/04/26: 1.000,00", activity.note)

    def test_same_day_twice_creates_nothing_and_interval_is_respected(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        with freeze_time("2026-04-20"):
            self._run()
            self._run()
        self.assertEqual(len(self._activities(self.customer_it)), 1)
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[7])
        with freeze_time("2026-04-21"):
            self.assertEqual(self.customer_it.debt_followup_status, "action_due")
            self._activities(self.customer_it).action_done()
            self.customer_it.invalidate_recordset()
            self.assertEqual(self.customer_it.debt_followup_status, "overdue")
        with freeze_time("2026-04-26"):  # six days later: interval is 7
            self._run()
            self.assertEqual(self.customer_it.debt_followup_status, "overdue")
            self.assertEqual(str(self.customer_it.debt_next_action_date), "2026-04-27")
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[7])
        with freeze_time("2026-04-27"):
            self.customer_it.invalidate_recordset()  # a new day, a new request
            self.assertEqual(self.customer_it.debt_followup_status, "action_due")
            self._run()
            self._run()
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[20])
        calls = self._activities(self.customer_it)
        self.assertEqual(
            calls.activity_type_id, self.env.ref("debt_followup.mail_activity_type_debt_written")
        )
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls.user_id, self.collector)

    def test_reset_after_payment(self):
        invoice = self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        with freeze_time("2026-04-20"):
            self._run()
        activity = self._activities(self.customer_it)
        self.assertTrue(activity)
        todo = self._case(self.customer_it).activity_schedule(
            "mail.mail_activity_data_todo", summary="Sales call"
        )
        with freeze_time("2026-04-22"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": "2026-04-22"})._create_payments()
            self.assertEqual(invoice.payment_state, "paid")
            self.assertEqual(self.customer_it.debt_followup_status, "ok")
            self._run()
        self.assertFalse(self.customer_it.debt_followup_level_id)
        self.assertFalse(self._case(self.customer_it).last_action_date)
        self.assertFalse(activity.exists().filtered("active"))
        self.assertTrue(todo.exists().active, "activities of others are left alone")
        self.assertIn(
            "Everything is paid",
            str(self._case(self.customer_it).message_ids.mapped("body")),
        )

    def test_excluded_and_promised_invoices_get_no_action(self):
        invoice = self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        invoice.no_followup = True
        other = self.env["res.partner"].create({"name": "Promised S.r.l.", "is_company": True})
        promised = self._create_overdue_invoice(other, 500, "2026-01-01", "2026-01-10")
        self.env["debt.followup.promise"].create(
            {
                "partner_id": other.id,
                "move_ids": [Command.set(promised.ids)],
                "date": "2026-04-15",
                "amount": 500,
                "line_ids": [Command.create({"date": "2026-05-01", "amount": 500})],
            }
        )
        with freeze_time("2026-04-20"):
            self._run()
            self.assertEqual(self.customer_it.debt_followup_status, "excluded")
            self.assertEqual(other.debt_followup_status, "promised")
        self.assertFalse(self.customer_it.debt_followup_level_id)
        self.assertFalse(invoice.debt_followup_level_id)
        self.assertFalse(self._activities(self.customer_it))
        self.assertFalse(other.debt_followup_level_id)
        self.assertFalse(self._activities(other))

    def test_minimum_amount_and_unapplied_credit(self):
        self._create_overdue_invoice(self.customer_it, 100, "2026-01-01", "2026-01-10")
        self.company.debt_min_amount = 150
        with freeze_time("2026-04-20"):
            self._run()
        self.assertFalse(self.customer_it.debt_followup_level_id)
        self.company.debt_min_amount = 0
        # A payment not yet matched covers the invoice: nobody calls.
        self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer_it.id,
                "amount": 100,
                "date": "2026-04-01",
            }
        ).action_post()
        with freeze_time("2026-04-20"):
            self.assertEqual(self.customer_it.debt_unapplied_credit, 100)
            self._run()
        self.assertFalse(self.customer_it.debt_followup_level_id)

    def test_email_step_in_partner_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        template = self.env["mail.template"].create(
            {
                "name": "Reminder",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Payment reminder",
                "body_html": "<p>Please pay your overdue invoices.</p>",
                "lang": "{{ object.lang }}",
            }
        )
        template.with_context(lang="it_IT").write(
            {
                "subject": "Sollecito di pagamento",
                "body_html": "<p>Vi preghiamo di saldare le fatture scadute.</p>",
            }
        )
        self.level[-3].write({"mail_template_id": template.id, "auto_execute": True})
        accounting = self.env["res.partner"].create(
            {
                "name": "Ufficio amministrazione",
                "type": "invoice",
                "parent_id": self.customer_it.id,
                "email": "amministrazione@bianchi.example.com",
            }
        )
        invoice = self._create_overdue_invoice(self.customer_it, 1000, "2026-04-01", "2026-04-22")
        with freeze_time("2026-04-20"):
            self._run()
        message = self._case(self.customer_it).message_ids.filtered(
            lambda m: m.message_type == "comment"
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subject, "Sollecito di pagamento")
        self.assertIn("Vi preghiamo", str(message.body))
        self.assertEqual(message.partner_ids, accounting)
        self.assertIn("Courtesy reminder", str(invoice.message_ids.mapped("body")))
        self.assertFalse(self._activities(self.customer_it))

    def test_no_contact_gets_no_call_but_letter_and_pec_fallback(self):
        self.customer_it.debt_no_contact = True
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        self._case(self.customer_it).write(
            {"level_id": self.level[30].id, "last_action_date": "2026-03-01"}
        )
        with freeze_time("2026-04-20"):
            self._run()
        # Formal notice by PEC, no PEC address: a registered letter, PDF attached.
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[45])
        letter = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "debt.followup.case"),
                ("res_id", "=", self._case(self.customer_it).id),
            ]
        )
        self.assertEqual(len(letter), 1)
        self.assertEqual(len(self._activities(self.customer_it)), 1)

        self.customer_it.write({"debt_followup_level_id": self.level[-3].id})
        with freeze_time("2026-05-20"):
            self._run()
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[7])
        self.assertFalse(
            self._activities(self.customer_it).filtered(
                lambda a: (
                    a.activity_type_id == self.env.ref("debt_followup.mail_activity_type_debt_call")
                )
            ),
            "a customer who asked not to be called gets no call",
        )

    def test_pec_hook_sends_to_certified_address(self):
        template = self.env["mail.template"].create(
            {
                "name": "Formal notice",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Formal notice",
                "body_html": "<p>Formal notice.</p>",
            }
        )
        self.level[45].write({"mail_template_id": template.id, "auto_execute": True})
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        self._case(self.customer_it).write(
            {"level_id": self.level[30].id, "last_action_date": "2026-03-01"}
        )
        with (
            patch.object(
                ResPartner, "_debt_followup_pec_email", return_value="bianchi@pec.example.it"
            ),
            freeze_time("2026-04-20"),
        ):
            self._run()
        mail = self.env["mail.mail"].search([("email_to", "=", "bianchi@pec.example.it")])
        self.assertEqual(mail.subject, "Formal notice")
        self.assertIn(
            "bianchi@pec.example.it", str(self._case(self.customer_it).message_ids.mapped("body"))
        )

    def test_legal_stops_automatic_actions(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2025-01-01", "2025-01-10")
        self._case(self.customer_it).write(
            {"level_id": self.level[90].id, "last_action_date": "2026-01-01"}
        )
        extra = self.env["debt.followup.level"].create(
            {"name": "After legal", "sequence": 80, "delay": 120, "channel": "email"}
        )
        with freeze_time("2026-04-20"):
            self._run()
            self.assertFalse(self.customer_it.debt_next_action_date)
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[90])
        self.assertNotEqual(self.customer_it.debt_followup_level_id, extra)

    def test_customer_on_an_archived_level_goes_on_from_where_it_stands(self):
        """A manager archives the level a customer is at: the customer's next step
        is the one after it, not the ladder's first; an archived legal step still
        stops automatic actions."""
        customer_pt = self.env["res.partner"].create(
            {"name": "Ferragens Costa, Lda.", "is_company": True, "lang": "pt_PT"}
        )
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        self._create_overdue_invoice(customer_pt, 1000, "2025-01-01", "2025-01-10")
        self._case(self.customer_it).write(
            {"level_id": self.level[7].id, "last_action_date": "2026-01-17"}
        )
        self._case(customer_pt).write(
            {"level_id": self.level[90].id, "last_action_date": "2026-01-01"}
        )
        (self.level[7] | self.level[90]).action_archive()
        with freeze_time("2026-04-20"):
            statuses = (self.customer_it | customer_pt)._debt_payment_status()
            self.assertEqual(statuses[self.customer_it.id].next_level, self.level[20])
            self.assertFalse(statuses[customer_pt.id].next_level)
            self.assertEqual(customer_pt.debt_followup_status, "overdue")
            self._run()
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[20])
        self.assertEqual(customer_pt.debt_followup_level_id, self.level[90])

    def test_escalate_now_and_pause(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-04-01")
        self._case(self.customer_it).write(
            {"level_id": self.level[7].id, "last_action_date": "2026-04-10"}
        )
        with freeze_time("2026-04-12"):
            self.assertEqual(str(self.customer_it.debt_next_action_date), "2026-04-21")
            self._case(self.customer_it)._debt_escalate_now(written_only=True)
            self.assertEqual(self.customer_it.debt_followup_status, "action_due")
            self._run()
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[20])
        self.assertFalse(self._case(self.customer_it).escalate_date)
        with freeze_time("2026-05-12"):
            self._case(self.customer_it)._debt_pause_followup(date(2026, 5, 20))
            self.assertEqual(str(self.customer_it.debt_next_action_date), "2026-05-20")
            self._run()
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[20])
        with freeze_time("2026-05-20"):
            self._run()
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[30])

    def test_failure_for_one_partner_leaves_others_and_no_duplicates(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Cliente {i}", "is_company": True} for i in range(3)]
        )
        for partner in partners:
            self._create_overdue_invoice(partner, 300, "2026-04-01", "2026-04-22")
        broken = partners[1]
        original = DebtFollowupCase._debt_ask_written

        def failing(records, level, moves):
            if broken in records.partner_id:
                raise ValueError("mail server down")
            return original(records, level, moves)

        with freeze_time("2026-04-20"):
            with (
                patch.object(DebtFollowupCase, "_debt_ask_written", failing),
                self.assertLogs("odoo.addons.debt_followup.models.debt_followup_case", "ERROR"),
            ):
                self._run()
            self.assertEqual(len(self._activities(partners[0])), 1)
            self.assertEqual(len(self._activities(partners[2])), 1)
            self.assertFalse(self._activities(broken))
            self.assertFalse(broken.debt_followup_level_id)
            self._run()
        for partner in partners:
            self.assertEqual(len(self._activities(partner)), 1)
            self.assertEqual(partner.debt_followup_level_id, self.level[-3])

    def test_send_reminder_and_run_now(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-04-14")
        with freeze_time("2026-04-12"):
            self.customer_it.with_user(self.manager).action_debt_followup_run_now()
            self.assertEqual(self.customer_it.debt_followup_level_id, self.level[-3])
            with self.assertRaises(UserError) as error:
                self.customer_it.with_user(self.collector).action_debt_followup_send_reminder()
            self.assertIn("already taken today", str(error.exception))
        with freeze_time("2026-04-13"):
            self.customer_it.with_user(self.collector).action_debt_followup_send_reminder()
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[7])

    def test_dispute_wizard(self):
        invoice = self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        wizard = Form(
            self.env["debt.followup.dispute.wizard"]
            .with_user(self.collector)
            .with_context(active_model="account.move", active_ids=invoice.ids)
        )
        with self.assertRaises(AssertionError):
            wizard.save()  # the reason is required
        wizard.reason = "Goods returned damaged"
        wizard.save().action_dispute()
        self.assertTrue(invoice.no_followup)
        self.assertEqual(invoice.debt_dispute_reason, "Goods returned damaged")
        with freeze_time("2026-04-20"):
            self.assertEqual(self.customer_it.debt_followup_status, "excluded")

    def test_collector_sends_email_reminder(self):
        template = self.env["mail.template"].create(
            {
                "name": "Reminder",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Payment reminder",
                "body_html": "<p>Please pay.</p>",
            }
        )
        self.level[-3].write({"mail_template_id": template.id, "auto_execute": True})
        self.customer_it.email = "info@bianchi.example.com"
        self._create_overdue_invoice(self.customer_it, 1000, "2026-04-01", "2026-04-15")
        with freeze_time("2026-04-10"):  # the courtesy reminder is due on the 12th
            self.customer_it.with_user(self.collector).action_debt_followup_send_reminder()
        message = self._case(self.customer_it).message_ids.filtered(
            lambda m: m.message_type == "comment"
        )
        self.assertEqual(message.subject, "Payment reminder")
        self.assertEqual(message.author_id, self.collector.partner_id)
        self.assertEqual(self.customer_it.debt_followup_level_id, self.level[-3])

    def test_run_stopped_by_time_limit_resumes_without_duplicates(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Cliente {i}", "is_company": True} for i in range(3)]
        )
        for partner in partners:
            self._create_overdue_invoice(partner, 300, "2026-04-01", "2026-04-22")
        with (
            freeze_time("2026-04-20"),
            patch("odoo.addons.debt_followup.models.debt_followup_case.FOLLOWUP_BATCH_SIZE", 2),
        ):
            with self.enter_registry_test_mode(), self.registry.cursor() as cr:
                env = self.cron.env(
                    cr=cr, user=self.cron.user_id, context={"cron_id": self.cron.id}
                )
                cron = self.cron.with_env(env)
                cron, progress = cron._add_progress()
                # The worker's time is up after the first batch.
                cron.env["res.partner"].with_context(cron_end_time=0)._cron_debt_followup()
                self.assertEqual((progress.done, progress.remaining), (2, 1))
            done = partners.filtered("debt_followup_level_id")
            self.assertEqual(len(done), 2)
            self._run()
        for partner in partners:
            self.assertEqual(partner.debt_followup_level_id, self.level[-3])
            self.assertEqual(len(self._activities(partner)), 1)
