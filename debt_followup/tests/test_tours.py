# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each role's main path in a real browser (Odoo tours in headless Chromium).
The tours live in debt_followup/static/tests/tours/; each test creates its data,
runs the tour as the user of that role, then checks the database.

Dates are relative to today rather than frozen: the browser's clock cannot be
frozen with the server's, and the web client computes "today" itself."""

import io
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfWriter

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestTours(DebtFollowupCommon, HttpCase):
    def setUp(self):
        super().setUp()
        self.collector.name = "Giulia Collector"
        self.level_second_call = self.levels.filtered(lambda level: level.sequence == 40)
        today = fields.Date.today()
        self.invoice_old = self._create_overdue_invoice(
            self.customer_it, 1830.00, today - timedelta(days=70), today - timedelta(days=40)
        )
        self.invoice_new = self._create_overdue_invoice(
            self.customer_it, 642.50, today - timedelta(days=37), today - timedelta(days=7)
        )
        self.customer_it.write(
            {
                "debt_followup_level_id": self.level_second_call.id,
                "debt_collector_id": self.collector.id,
            }
        )
        (self.invoice_old | self.invoice_new).debt_followup_level_id = self.level_second_call
        self.call = self.env["debt.followup.call"].create(
            {
                "partner_id": self.customer_it.id,
                "move_ids": [Command.set(self.invoice_old.ids)],
                "user_id": self.collector.id,
                "outcome": "callback",
                "note": "Confidential call note",
                "date": fields.Datetime.now() - timedelta(days=3),
            }
        )

    def test_salesperson_sees_status_not_notes(self):
        self.env["debt.followup.promise"].create(
            {
                "partner_id": self.customer_it.id,
                "move_ids": [Command.set(self.invoice_old.ids)],
                "amount": 1000.0,
                "line_ids": [
                    Command.create(
                        {"date": fields.Date.today() + timedelta(days=10), "amount": 1000.0}
                    )
                ],
            }
        )
        partner_write_date = self.customer_it.write_date
        self.start_tour(
            "/odoo",
            "debt_followup_salesperson",
            login=self.salesperson.login,
        )
        self.env.invalidate_all()
        self.assertEqual(self.customer_it.write_date, partner_write_date)
        self.assertEqual(self.env["debt.followup.call"].search_count([]), 1)
        with self.assertRaises(AccessError):
            self.call.with_user(self.salesperson).read(["note"])

    def test_manager_edits_scripts_and_the_calling_window_of_rio(self):
        english_script = "<p>Good morning, may I speak with the owner?</p>"
        self.level_second_call.with_context(lang="en_US").call_script = english_script
        self.start_tour(
            "/odoo",
            "debt_followup_manager",
            login=self.manager.login,
        )
        self.env.invalidate_all()
        level = self.level_second_call
        self.assertIn("parlo con il titolare?", level.with_context(lang="it_IT").call_script)
        self.assertIn("falo com o responsável?", level.with_context(lang="pt_BR").call_script)
        self.assertEqual(level.with_context(lang="en_US").call_script, english_script)
        rio = self.env.ref("debt_followup.debt_followup_calling_window_brazil_rj")
        self.assertEqual(rio.weekday_end, 18.0)

    def test_collector_logs_a_promise_in_two_installments(self):
        # The customer is due for its second call: the daily run plans it.
        written_reminder = self.levels.filtered(lambda level: level.sequence == 30)
        self._case(self.customer_it).write(
            {
                "level_id": written_reminder.id,
                "last_action_date": fields.Date.today() - timedelta(days=10),
            }
        )
        self._case(self.customer_it)._debt_followup_run(isolate=False)
        self.browser_size = "1366x768"
        self.start_tour(
            "/odoo",
            "debt_followup_collector",
            login=self.collector.login,
        )
        self.env.invalidate_all()
        promise = self.customer_it.debt_promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.user_id, self.collector)
        self.assertAlmostEqual(promise.amount, 2472.50)
        self.assertEqual(len(promise.line_ids), 2)
        self.assertAlmostEqual(sum(promise.line_ids.mapped("amount")), 2472.50)
        self.assertEqual(promise.line_ids[0].date, fields.Date.today() + timedelta(days=7))
        call = promise.call_id
        self.assertEqual((call.outcome, call.user_id), ("promise", self.collector))

    def test_accountant_logs_a_call_for_two_invoices(self):
        accountant = new_test_user(
            self.env,
            login="accountant",
            name="Anna Accountant",
            groups="account.group_account_invoice,debt_followup.group_debt_collector",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        other = self.env["res.partner"].create({"name": "Construções Almeida", "is_company": True})
        today = fields.Date.today()
        other_invoice = self._create_overdue_invoice(
            other, 990.0, today - timedelta(days=50), today - timedelta(days=20)
        )
        other_invoice.debt_followup_level_id = self.levels.filtered(
            lambda level: level.sequence == 20
        )
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type",
            "debt_followup_accountant",
            login=accountant.login,
        )
        call = self.env["debt.followup.call"].search([("user_id", "=", accountant.id)])
        self.assertEqual(len(call), 1)
        self.assertEqual(call.partner_id, self.customer_it)
        self.assertEqual(call.move_ids, self.invoice_old | self.invoice_new)
        self.assertEqual(call.outcome, "reached")

    def test_collector_opens_an_invoice_pdf_and_corrects_the_phone(self):
        """Issue 17: a collector opening a document with a PDF got "Oops!"
        (RPC_ERROR 404 on /mail/attachment/update_thumbnail), and could not
        correct a customer's phone number."""
        pdf = io.BytesIO()
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.write(pdf)
        attachment = self.env["ir.attachment"].create(
            {
                "name": "invoice.pdf",
                "raw": pdf.getvalue(),
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": self.invoice_old.id,
            }
        )
        self.invoice_old.message_post(body="Sent", attachment_ids=attachment.ids)
        self.start_tour("/odoo", "debt_followup_collector_documents", login=self.collector.login)
        self.assertEqual(self.customer_it.phone, "+39 06 9876 5432")
