# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A collector's screens (issue 17): a Brazilian customer invoiced in reais by a
company keeping its books in euros is shown, called and promised in reais; the
"To do today" list opens on the user's own cases and a row opens the case; a
saved call closes the pending step and says what happens next."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 12:00:00")  # a Tuesday, 09:00 in São Paulo
class TestDebtorScreens(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR", rates=[("2026-01-01", 1.0)])
        cls.brl = cls.setup_other_currency("BRL", rates=[("2026-01-01", 5.0)])
        cls.company.currency_id = cls.eur
        cls.customer_br = cls.env["res.partner"].create(
            {
                "name": "Ferragens Souza Ltda.",
                "is_company": True,
                "country_id": cls.env.ref("base.br").id,
                "state_id": cls.env.ref("base.state_br_sp").id,
                "lang": "pt_BR",
                "phone": "+55 11 3456-7890",
            }
        )
        cls.invoice_br = cls._create_overdue_invoice(
            cls.customer_br, 12450.0, "2026-01-05", "2026-02-04", post=False
        )
        cls.invoice_br.currency_id = cls.brl
        cls.invoice_br.action_post()
        cls.case_br = cls._case(cls.customer_br)
        cls.case_br.write(
            {
                "collector_id": cls.collector.id,
                "level_id": cls.levels.filtered(lambda lvl: lvl.delay == 20).id,
            }
        )
        cls.written_type = cls.env.ref("debt_followup.mail_activity_type_debt_written")
        cls.case_br.activity_schedule(
            "debt_followup.mail_activity_type_debt_written",
            summary="Send the formal notice",
            user_id=cls.collector.id,
        )

    def _wizard(self, **values):
        return (
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(active_model="res.partner", active_id=self.customer_br.id)
            .create(values)
        )

    def test_call_dialog_says_and_records_reais(self):
        wizard = self._wizard(outcome="promise", promise_date="2026-03-20")
        self.assertEqual(wizard.overdue_currency_id, self.brl)
        self.assertAlmostEqual(wizard.overdue_amount, 12450.0)
        # The books' figure beside it, in euros.
        self.assertEqual(wizard.currency_id, self.eur)
        self.assertAlmostEqual(wizard.overdue_amount_company, 2490.0)
        self.assertEqual(wizard.promise_currency_id, self.brl)
        self.assertAlmostEqual(wizard.promise_amount, 12450.0)
        self.assertEqual(wizard.line_ids.currency_id, self.brl)
        wizard.action_log_call()
        promise = self.case_br.promise_ids
        self.assertEqual(promise.currency_id, self.brl)
        self.assertAlmostEqual(promise.amount, 12450.0)
        self.assertAlmostEqual(promise.residual_at_promise, 12450.0)
        # Paid in reais: kept, whatever the euro figure.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice_br.ids
        ).create(
            {"amount": 12450.0, "currency_id": self.brl.id, "payment_date": "2026-03-10"}
        )._create_payments()
        self.assertAlmostEqual(promise.paid_amount, 12450.0)
        with self.enter_registry_test_mode():
            self.env.ref("debt_followup.ir_cron_debt_promise_check").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(promise.state, "kept")

    def test_banner_in_reais_with_the_euro_figure(self):
        partner = self.customer_br.with_user(self.salesperson)
        self.assertEqual(partner.debt_debtor_currency_id, self.brl)
        self.assertAlmostEqual(partner.debt_debtor_overdue_amount, 12450.0)
        self.assertAlmostEqual(partner.debt_overdue_amount, 2490.0)
        self.env["debt.followup.promise"].with_user(self.collector).create(
            {
                "partner_id": self.customer_br.id,
                "move_ids": [Command.set(self.invoice_br.ids)],
                "amount": 5000.0,
                "line_ids": [Command.create({"date": "2026-03-20", "amount": 5000.0})],
            }
        )
        self.customer_br.invalidate_recordset()
        self.assertAlmostEqual(partner.debt_debtor_promise_amount, 5000.0)

    def test_mixed_currencies_keep_the_company_figure(self):
        invoice_eur = self._create_overdue_invoice(
            self.customer_br, 100.0, "2026-01-05", "2026-02-04"
        )
        self.assertEqual(invoice_eur.currency_id, self.eur)
        self.assertFalse(self.customer_br.debt_debtor_currency_id)
        wizard = self._wizard(outcome="reached")
        self.assertEqual(wizard.overdue_currency_id, self.eur)
        self.assertAlmostEqual(wizard.overdue_amount, 2590.0)
        row = self.env["debt.followup.worklist"].with_user(self.collector).search([])
        self.assertFalse(row.debtor_currency_id)
        self.assertAlmostEqual(row.overdue_amount, 2590.0)

    def test_worklist_in_reais_and_opens_the_case(self):
        row = self.env["debt.followup.worklist"].with_user(self.collector).search([])
        self.assertEqual(row.partner_id, self.customer_br)
        self.assertEqual(row.debtor_currency_id, self.brl)
        self.assertAlmostEqual(row.debtor_amount, 12450.0)
        self.assertAlmostEqual(row.overdue_amount, 2490.0)
        self.assertEqual(row.case_id, self.case_br)
        action = row.action_open_case()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (self.case_br._name, self.case_br.id)
        )
        # "To do today" opens on the user's own cases.
        list_action = self.env.ref("debt_followup.debt_followup_worklist_action")
        self.assertEqual(list_action.context, "{'search_default_mine': 1}")

    def test_promise_closes_the_pending_step_and_says_what_next(self):
        result = self._wizard(
            outcome="promise", promise_date="2026-03-20", note="Pays on the 20th"
        ).action_log_call()
        self.assertFalse(
            self.case_br.activity_ids.filtered(lambda a: a.activity_type_id == self.written_type)
        )
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("R$", result["params"]["message"])
        self.assertIn("12,450.00", result["params"]["message"])
        self.assertEqual(result["params"]["next"], {"type": "ir.actions.act_window_close"})
        done = self.case_br.message_ids.filtered(
            lambda m: "Send the formal notice" in (m.body or "")
        )
        self.assertTrue(done)

    def test_send_reminder_waits_for_tomorrow_and_says_so(self):
        partner = self.customer_br.with_user(self.collector)
        self.assertFalse(partner.debt_reminder_from)
        self.case_br.last_action_date = "2026-03-03"
        self.env.invalidate_all()
        self.assertEqual(str(partner.debt_reminder_from), "2026-03-04")
        self.assertEqual(str(self.case_br.with_user(self.collector).reminder_from), "2026-03-04")

    def test_case_shows_the_debtor_amount(self):
        case = self.case_br.with_user(self.collector)
        self.assertEqual(case.debtor_currency_id, self.brl)
        self.assertAlmostEqual(case.debtor_overdue_amount, 12450.0)
        self.assertAlmostEqual(case.overdue_amount, 2490.0)


@tagged("post_install", "-at_install")
class TestCollectorCorrectsContacts(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_overdue_invoice(cls.customer_it, 500.0, "2026-01-05", "2026-02-04")

    def _wizard(self, partner, user=None, **values):
        return (
            self.env["debt.followup.contact.wizard"]
            .with_user(user or self.collector)
            .with_context(active_model="res.partner", active_id=partner.id)
            .create(values)
        )

    def test_collector_corrects_phone_and_email_logged_on_the_case(self):
        # Collectors may not edit customers...
        with self.assertRaises(AccessError):
            self.customer_it.with_user(self.collector).write({"phone": "+39 06 0000 0000"})
        # ...but correct their contact data through the narrow path.
        wizard = self._wizard(self.customer_it)
        self.assertEqual(wizard.phone, "+39 06 1234 5678")
        wizard.write({"phone": "+39 06 9876 5432", "email": "amministrazione@bianchi.example"})
        wizard.action_save()
        self.assertEqual(self.customer_it.phone, "+39 06 9876 5432")
        self.assertEqual(self.customer_it.email, "amministrazione@bianchi.example")
        note = self._case(self.customer_it).message_ids[:1]
        self.assertIn("+39 06 1234 5678 → +39 06 9876 5432", note.body)

    def test_only_customers_and_only_collectors(self):
        with self.assertRaises(ValidationError):
            self._wizard(self.customer_it, email="not an address").action_save()
        supplier = self.env["res.partner"].create({"name": "Supplier", "phone": "+39 02 1111"})
        with self.assertRaises(AccessError):
            self._wizard(supplier, phone="+39 02 2222").action_save()
        with self.assertRaises(AccessError):
            self._wizard(self.collector.partner_id, email="x@example.com").action_save()
        employee = new_test_user(self.env, login="employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self._wizard(self.customer_it, user=employee, phone="1").action_save()
        self.assertEqual(supplier.phone, "+39 02 1111")
        self.assertEqual(self.customer_it.phone, "+39 06 1234 5678")


@tagged("post_install", "-at_install")
class TestManagerScreens(DebtFollowupCommon):
    def test_overview_under_reporting_without_a_sum_line(self):
        menu = self.env.ref("debt_followup.debt_followup_overview_menu")
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance_reports"))
        # A stacked graph draws Odoo's "Sum" line across the categories.
        graph = self.env.ref("debt_followup.debt_followup_overview_call_view_graph")
        self.assertNotIn('stacked="1"', graph.arch)
        board = self.env.ref("debt_followup.debt_followup_overview_view_board")
        self.assertNotIn("'graph_stacked': True", board.arch)

    def test_call_script_editor_lists_every_placeholder(self):
        # The placeholders the renderer fills (the field's help lists them).
        help_text = self.env["debt.followup.level"]._fields["call_script"].help
        tokens = [part.strip(" {}.") for part in help_text.split("Placeholders:")[1].split(",")]
        self.assertEqual(len(tokens), 14)
        arch = self.env.ref("debt_followup.debt_followup_level_view_form").arch
        for token in tokens:
            self.assertIn(f"<code>{{{{{token}}}}}</code>", arch)

    def test_calling_window_columns_have_short_labels(self):
        arch = self.env.ref("debt_followup.debt_followup_calling_window_view_list").arch
        for label in ("Sat. Off", "Sun. Off", "Holidays Off"):
            self.assertIn(f'string="{label}"', arch)


@tagged("post_install", "-at_install")
class TestCollectorReadsPdfs(DebtFollowupCommon, HttpCase):
    def test_invoice_pdf_thumbnail_is_no_error_for_a_collector(self):
        invoice = self._create_overdue_invoice(self.customer_it, 500.0, "2026-01-05", "2026-02-04")
        attachment = self.env["ir.attachment"].create(
            {
                "name": "invoice.pdf",
                "raw": b"%PDF-1.4\n%%EOF\n",
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": invoice.id,
            }
        )
        self.authenticate(self.collector.login, self.collector.login)
        result = self.make_jsonrpc_request(
            "/mail/attachment/update_thumbnail",
            {"attachment_id": attachment.id, "thumbnail": "aGVsbG8="},
        )
        self.assertIsNone(result)
        self.assertFalse(attachment.thumbnail)
