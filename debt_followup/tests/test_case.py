# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The collection case: one per customer and company, holding the follow-up
state and every trace of it, so that what one company does to a customer it
shares with another stays inside that company."""

from datetime import date

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.debt_followup import post_init_hook

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestCase(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.customer_it.email = "amministrazione@bianchi.example.it"
        cls.customer_it.debt_collector_id = cls.collector
        cls.level = {lvl.delay: lvl for lvl in cls.levels}
        # A user of company B who follows the shared customer.
        cls.user_b = new_test_user(
            cls.env,
            login="user_b",
            groups="base.group_user,base.group_partner_manager,debt_followup.group_debt_collector",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.customer_it.message_subscribe(partner_ids=cls.user_b.partner_id.ids)

    def _traces_seen_by(self, user):
        """What ``user`` can read of the follow-up of the shared customer."""
        env = self.env(user=user)
        customer = self.customer_it.with_env(env)
        return {
            "messages": customer.message_ids,
            "activities": customer.activity_ids,
            "attachments": env["ir.attachment"].search(
                [("res_model", "in", ("res.partner", "debt.followup.case"))]
            ),
            "notifications": env["mail.notification"]
            .sudo()
            .search([("res_partner_id", "=", user.partner_id.id)]),
        }

    def test_company_b_sees_nothing_of_company_a(self):
        before = self._traces_seen_by(self.user_b)
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        case = self._case(self.customer_it)
        # A written reminder by e-mail (automatic), then a letter, then a call
        # with a promise: every kind of trace, in company A.
        self.level[20].write(
            {"auto_execute": True, "mail_template_id": self.level[-3].mail_template_id.id}
        )
        case.write({"level_id": self.level[7].id, "last_action_date": date(2026, 2, 1)})
        with freeze_time("2026-02-15"):
            case._debt_followup_run(isolate=False)
        self.assertEqual(case.level_id, self.level[20])
        case.write({"level_id": self.level[30].id, "last_action_date": date(2026, 2, 1)})
        with freeze_time("2026-03-01"):
            case._debt_followup_run(isolate=False)
        self.assertEqual(case.level_id, self.level[45])
        with freeze_time("2026-03-02 10:00"):
            wizard = Form(
                self.env["debt.followup.call.wizard"]
                .with_user(self.collector)
                .with_context(active_model="res.partner", active_id=self.customer_it.id)
            )
            wizard.outcome = "promise"
            wizard.promise_date = date(2026, 3, 20)
            wizard.save().action_log_call()

        # Company A's case holds it all: the e-mail, the letter, the call, the promise.
        bodies = " ".join(case.message_ids.mapped("body"))
        self.assertIn("Collection call by", bodies)
        self.assertTrue(
            case.message_ids.filtered(lambda m: m.message_type == "comment" and m.partner_ids)
        )
        self.assertTrue(case.message_ids.attachment_ids)
        self.assertEqual(case.promise_ids.state, "open")
        self.assertEqual(case.call_ids.outcome, "promise")
        # The e-mail went to the customer, not to the followers of the customer.
        reminder = case.message_ids.filtered(lambda m: m.partner_ids)
        self.assertEqual(reminder.partner_ids, self.customer_it)
        self.assertEqual(case.message_partner_ids, self.collector.partner_id)

        # Nothing reached the shared customer, nor company B's user who follows it.
        self.assertEqual(self._traces_seen_by(self.user_b), before)
        self.assertFalse(
            self.customer_it.message_ids.filtered(lambda m: m.message_type != "notification")
        )
        with self.assertRaises(AccessError):
            case.with_user(self.user_b).check_access("read")
        self.assertFalse(
            self.env["debt.followup.case"].with_user(self.user_b).search([("id", "=", case.id)])
        )
        # Company B's view of the customer: no case, no level, nothing due.
        customer_b = self.customer_it.with_company(self.company_b).with_user(self.user_b)
        self.assertFalse(customer_b.debt_followup_level_id)
        self.assertFalse(customer_b.debt_collector_id)
        self.assertEqual(customer_b.debt_followup_status, "ok")

    def test_company_b_reset_leaves_company_a_activities(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        case_a = self._case(self.customer_it)
        case_b = self._case(self.customer_it, self.company_b)
        self.assertNotEqual(case_a, case_b)
        case_b.level_id = self.env["debt.followup.level"].search(
            [("company_id", "=", self.company_b.id)], limit=1
        )
        case_a.write({"level_id": self.level[-3].id, "last_action_date": date(2026, 1, 8)})
        with freeze_time("2026-01-20"):
            case_a._debt_followup_run(isolate=False)
            self.assertTrue(case_a.activity_ids)
            # Company B has nothing unpaid: its case is reset, A's activities stay.
            case_b.with_company(self.company_b)._debt_followup_run(isolate=False)
        self.assertFalse(case_b.level_id)
        self.assertTrue(case_a.activity_ids)

    def test_one_case_per_customer_and_company(self):
        Case = self.env["debt.followup.case"]
        case = self._case(self.customer_it)
        contact = self.env["res.partner"].create(
            {"name": "Giulia Bianchi", "parent_id": self.customer_it.id}
        )
        self.assertEqual(self._case(contact), case, "a contact shares its company's case")
        self.assertEqual(self._case(self.customer_it), case)
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            Case.create({"partner_id": self.customer_it.id, "company_id": self.company.id})

    def test_archiving_the_customer_keeps_the_case(self):
        case = self._case(self.customer_it)
        case.message_post(body="Spoke to the accountant.")
        self.customer_it.action_archive()
        self.assertTrue(case.exists())
        self.assertIn("Spoke to the accountant.", str(case.message_ids.mapped("body")))

    def test_only_collectors_read_and_write_the_case(self):
        case = self._case(self.customer_it)
        with self.assertRaises(AccessError):
            case.with_user(self.salesperson).check_access("read")
        customer = self.customer_it.with_user(self.salesperson)
        # The payment status stays readable on the customer...
        self.assertEqual(customer.debt_collector_id, self.collector)
        # ...but the follow-up state is the collectors' to change.
        for values in (
            {"debt_no_contact": True},
            {"debt_collector_id": self.salesperson.id},
            {"debt_followup_level_id": self.level[7].id},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                customer.write(values)
        self.assertFalse(case.no_contact)
        self.assertEqual(case.collector_id, self.collector)
        case.with_user(self.collector).no_contact = True
        self.assertTrue(self.customer_it.debt_no_contact)
        self.assertEqual(
            self.env["res.partner"].search(
                [("debt_no_contact", "=", True), ("id", "=", self.customer_it.id)]
            ),
            self.customer_it,
        )

    def test_every_company_gets_a_ladder(self):
        """Companies that existed before the install get the default ladder."""
        Level = self.env["debt.followup.level"].sudo().with_context(active_test=False)
        company_c = self.env["res.company"].create({"name": "Company C"})
        self.assertTrue(Level.search([("company_id", "=", company_c.id)]))
        # As before the install: companies without a ladder.
        Level.search([("company_id", "in", (company_c | self.company_b).ids)]).unlink()
        post_init_hook(self.env)
        main = Level.search([("company_id", "=", self.env.ref("base.main_company").id)])
        for company in company_c | self.company_b:
            ladder = Level.search([("company_id", "=", company.id)])
            self.assertEqual(ladder.mapped("delay"), main.mapped("delay"), company.name)
        # Run again: no second ladder.
        post_init_hook(self.env)
        self.assertEqual(len(Level.search([("company_id", "=", company_c.id)])), len(main))

    def test_merged_customers_keep_one_case_per_company_with_all_history(self):
        twin = self.env["res.partner"].create({"name": "Ferramenta Bianchi", "is_company": True})
        case, twin_case = self._case(self.customer_it), self._case(twin)
        twin_b = self._case(twin, self.company_b)
        case.message_post(body="Promised on the phone.")
        twin_case.message_post(body="Asked for a copy of the invoice.")
        twin_case.activity_schedule("mail.mail_activity_data_todo", user_id=self.collector.id)
        twin_case.no_contact = True
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.customer_it | twin).ids, self.customer_it, extra_checks=False
        )
        self.assertFalse(twin_case.exists())
        self.assertEqual(twin_b.partner_id, self.customer_it, "the other company's case follows")
        cases = self.env["debt.followup.case"].search([("partner_id", "=", self.customer_it.id)])
        self.assertEqual(cases, case | twin_b)
        bodies = str(case.message_ids.mapped("body"))
        self.assertIn("Promised on the phone.", bodies)
        self.assertIn("Asked for a copy of the invoice.", bodies)
        self.assertEqual(len(case.activity_ids), 1)
        self.assertTrue(case.no_contact)

    def _traces(self):
        return (
            self.env["mail.activity"].search_count([]),
            self.env["mail.message"].search_count([]),
            self.env["ir.attachment"].search_count([]),
            self.env["debt.followup.case"].search_count([]),
        )

    def test_actions_on_a_customer_are_checked_on_the_server(self):
        """Reminders, the manager's run, the manual SMS and WhatsApp, called over
        RPC by users who may not: refused, nothing written."""
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        readonly = new_test_user(
            self.env,
            login="readonly_accountant",
            groups="account.group_account_readonly",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        collector_b = new_test_user(
            self.env,
            login="collector_b",
            groups="debt_followup.group_debt_collector",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        calls = [
            (readonly, "action_debt_followup_send_reminder"),
            (self.salesperson, "action_debt_followup_send_reminder"),
            (readonly, "action_debt_followup_run_now"),
            (self.collector, "action_debt_followup_run_now"),
            (self.salesperson, "action_debt_send_sms"),
            (self.salesperson, "action_debt_whatsapp"),
            (self.salesperson, "action_debt_open_case"),
        ]
        before = self._traces()
        with freeze_time("2026-02-15"):
            for user, method in calls:
                with self.subTest(user=user.login, method=method):
                    with self.assertRaises(AccessError):
                        getattr(self.customer_it.with_user(user), method)()
                    self.assertEqual(self._traces(), before)
            # A collector of the other company reaches nothing of company A.
            case = self._case(self.customer_it)
            for method in ("action_send_reminder", "action_run_now", "action_open"):
                with self.subTest(method=method), self.assertRaises(AccessError):
                    getattr(case.with_user(collector_b), method)()
        self.assertEqual(self._traces()[:3], before[:3])
        self.assertFalse(case.level_id)

    def test_reminder_refused_the_day_after_a_step_says_when(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        case = self._case(self.customer_it)
        with freeze_time("2026-02-15"):
            case.with_user(self.collector).action_send_reminder()
            with self.assertRaises(UserError) as error:
                case.with_user(self.collector).action_send_reminder()
        self.assertIn("from tomorrow", str(error.exception))

    def test_archived_customers_are_followed_no_more(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        Case = self.env["debt.followup.case"]
        with freeze_time("2026-02-15"):
            self.assertIn(self.customer_it, Case._debt_followup_candidates())
            self.customer_it.action_archive()
            self.assertNotIn(self.customer_it, Case._debt_followup_candidates())

    def test_a_blacklisted_address_gets_no_email_but_a_written_reminder_to_send(self):
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        self.env["mail.blacklist"].sudo()._add(self.customer_it.email)
        self.level[20].write(
            {"auto_execute": True, "mail_template_id": self.level[-3].mail_template_id.id}
        )
        case = self._case(self.customer_it)
        case.write({"level_id": self.level[7].id, "last_action_date": date(2026, 2, 1)})
        mails = self.env["mail.mail"].search_count([])
        with freeze_time("2026-02-15"):
            case._debt_followup_run(isolate=False)
        self.assertEqual(case.level_id, self.level[20])
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertFalse(case.message_ids.filtered(lambda m: m.partner_ids))
        self.assertEqual(
            case.activity_ids.activity_type_id,
            self.env.ref("debt_followup.mail_activity_type_debt_written"),
        )
