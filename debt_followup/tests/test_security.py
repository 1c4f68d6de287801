# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each finding of the security review (issue 16), tried as the least-privileged
user who could try it: refused, and nothing written."""

import json
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import DebtFollowupCommon

PROMISE = "debt.followup.promise"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 09:00:00")  # a Tuesday, 10:00 in Rome
class TestSecurity(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_overdue_invoice(cls.customer_it, 1000, "2026-01-01", "2026-01-31")
        cls.readonly_accountant = new_test_user(
            cls.env,
            login="readonly_accountant",
            groups="account.group_account_readonly",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.portal_user = new_test_user(cls.env, login="debtor_portal", groups="base.group_portal")
        cls.other_collector = new_test_user(
            cls.env,
            login="other_collector",
            groups="debt_followup.group_debt_collector",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.cron = cls.env.ref("debt_followup.ir_cron_debt_promise_check")

    def _count(self, model, domain=()):
        return self.env[model].search_count(list(domain))

    def _promise_vals(self, plan, **values):
        return {
            "partner_id": self.customer_it.id,
            "move_ids": [Command.set(self.invoice.ids)],
            "amount": sum(amount for _date, amount in plan),
            "line_ids": [Command.create({"date": due, "amount": amount}) for due, amount in plan],
            **values,
        }

    def _promise(self, plan, **values):
        return (
            self.env[PROMISE].with_user(self.collector).create(self._promise_vals(plan, **values))
        )

    def _assert_promise_refused(self, exception, plan, **values):
        before = self._count(PROMISE)
        with self.assertRaises(exception):
            self._promise(plan, **values)
        self.assertEqual(self._count(PROMISE), before)

    # Debtor input is inert ------------------------------------------------

    def test_phone_typed_by_the_debtor_is_escaped_in_log_a_call(self):
        self.customer_it.phone = '<img src=x onerror="alert(1)">'
        wizard = (
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(active_model="res.partner", active_id=self.customer_it.id)
            .create({"outcome": "reached"})
        )
        self.assertNotIn("<img", str(wizard.phone_link))
        self.assertIn("&lt;img", str(wizard.phone_link))

    def test_script_placeholder_in_an_attribute_makes_no_link(self):
        level = self.levels.filtered(lambda lvl: lvl.delay == 7)
        # Stored as a module's data or an import stores it (the web editor would
        # have URL-encoded the braces of the href).
        script = '<p><a href="{{debtor}}">Scheda</a> Buongiorno {{debtor}}</p>'
        self.env.cr.execute(
            "UPDATE debt_followup_level SET call_script = %s WHERE id = %s",
            [json.dumps({"en_US": script, "it_IT": script}), level.id],
        )
        level.invalidate_recordset(["call_script"])
        self.customer_it.name = "javascript:alert(document.cookie)"
        script = str(level._render_call_script(self.customer_it))
        self.assertNotIn('href="javascript:', script)
        self.assertIn("Buongiorno javascript:alert(document.cookie)", script)
        self.customer_it.with_company(self.company).debt_followup_level_id = level
        wizard = (
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(active_model="res.partner", active_id=self.customer_it.id)
            .create({"outcome": "reached"})
        )
        self.assertIn("Buongiorno", str(wizard.call_script))
        self.assertNotIn('href="javascript:', str(wizard.call_script))

    # Promises --------------------------------------------------------------

    def test_promise_without_installments_is_refused(self):
        self._assert_promise_refused(ValidationError, [], amount=500)
        promise = self._promise([("2026-03-10", 400), ("2026-04-10", 600)])
        # Nor can its installments be removed one by one until none is left.
        with self.assertRaises(ValidationError):
            promise.line_ids[0].with_user(self.collector).unlink()
        self.assertEqual(len(promise.line_ids), 2)

    def test_promise_without_invoices_covers_the_overdue_ones_and_closes_when_paid(self):
        not_due = self._create_overdue_invoice(self.customer_it, 300, "2026-03-01", "2026-03-31")
        promise = self._promise([("2026-03-10", 1000)], move_ids=[])
        self.assertEqual(promise.move_ids, self.invoice)
        self.assertNotIn(not_due, promise.move_ids)
        self.assertEqual(promise.residual_at_promise, 1000)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"amount": 1000, "payment_date": "2026-03-05"})._create_payments()
        with freeze_time("2026-03-06 10:00:00"), self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(promise.state, "kept")

    def test_promise_without_anything_overdue_is_refused(self):
        nothing_due = self.env["res.partner"].create({"name": "Pagatore Puntuale S.r.l."})
        self._assert_promise_refused(
            ValidationError, [("2026-03-10", 100)], partner_id=nothing_due.id, move_ids=[]
        )

    def test_promise_is_in_the_currency_of_its_invoices(self):
        brl = self.setup_other_currency("BRL", rates=[("2026-01-01", 5.0)])
        self._assert_promise_refused(ValidationError, [("2026-03-10", 500)], currency_id=brl.id)
        invoice_brl = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer_it.id,
                "currency_id": brl.id,
                "invoice_date": "2026-01-01",
                "invoice_date_due": "2026-01-31",
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "price_unit": 5000, "tax_ids": []})
                ],
            }
        )
        invoice_brl.action_post()
        promise = self._promise([("2026-03-10", 5000)], move_ids=[Command.set(invoice_brl.ids)])
        self.assertEqual(promise.currency_id, brl)
        self.assertEqual(promise.residual_at_promise, 5000)
        # Invoices in two currencies: one promise per currency.
        self._assert_promise_refused(
            ValidationError,
            [("2026-03-10", 500)],
            move_ids=[Command.set((self.invoice | invoice_brl).ids)],
        )

    def test_past_date_refused_outside_the_wizard(self):
        self._assert_promise_refused(ValidationError, [("2026-02-20", 500)], date="2026-02-01")
        self._assert_promise_refused(ValidationError, [("2026-03-10", 500)], date="2026-02-01")
        promise = self._promise([("2026-03-10", 500)])
        with self.assertRaises(ValidationError):
            promise.line_ids.with_user(self.collector).date = "2026-03-01"
        self.assertEqual(promise.line_ids.date, date(2026, 3, 10))

    def test_installments_edited_directly_still_sum_to_the_amount(self):
        promise = self._promise([("2026-03-10", 500), ("2026-04-10", 500)])
        lines = promise.line_ids.with_user(self.collector)
        with self.assertRaises(ValidationError):
            lines[0].amount = 100
        with self.assertRaises(ValidationError):
            self.env["debt.followup.promise.line"].with_user(self.collector).create(
                {"promise_id": promise.id, "date": "2026-05-10", "amount": 200}
            )
        self.assertEqual(promise.line_ids.mapped("amount"), [500, 500])
        # Renegotiated on the promise, amount and installments together: accepted.
        promise.with_user(self.collector).write(
            {
                "amount": 800,
                "line_ids": [
                    Command.update(promise.line_ids[0].id, {"amount": 300}),
                    Command.update(promise.line_ids[1].id, {"amount": 500}),
                ],
            }
        )
        self.assertEqual(promise.line_ids.mapped("amount"), [300, 500])

    def test_state_and_residual_not_writable_over_rpc(self):
        promise = self._promise([("2026-03-10", 1000)])
        as_collector = promise.with_user(self.collector)
        for vals in (
            {"state": "kept"},
            {"residual_at_promise": 1000000},
            {"move_ids": [Command.clear()]},
            {"partner_id": self.env["res.partner"].create({"name": "Altro"}).id},
        ):
            with self.assertRaises(AccessError):
                as_collector.write(vals)
        with self.assertRaises(AccessError):
            promise.line_ids.with_user(self.collector).write({"state": "kept"})
        promise.invalidate_recordset()
        self.assertEqual((promise.state, promise.residual_at_promise), ("open", 1000))
        self.assertEqual(promise.move_ids, self.invoice)
        self._assert_promise_refused(AccessError, [("2026-03-10", 1000)], state="kept")
        self._assert_promise_refused(AccessError, [("2026-03-10", 1000)], residual_at_promise=1000)
        # A salesperson or a read-only accountant reads promises but changes nothing.
        for user in (self.salesperson, self.readonly_accountant):
            with self.assertRaises(AccessError):
                promise.with_user(user).action_cancel()
        self.assertEqual(promise.state, "open")
        # The collector cancels it through the method.
        as_collector.action_cancel()
        self.assertEqual(promise.state, "cancelled")
        with self.assertRaises(AccessError):
            as_collector.amount = 500

    def test_a_hundred_thousand_installments_is_a_clear_refusal(self):
        calls = self._count("debt.followup.call")
        with self.assertRaises(ValidationError) as error:
            self.env["debt.followup.call.wizard"].with_user(self.collector).with_context(
                active_model="res.partner", active_id=self.customer_it.id
            ).create(
                {"outcome": "promise", "promise_date": "2026-03-10", "installment_count": 100000}
            ).action_log_call()
        self.assertIn("at most 120 installments", str(error.exception))
        self.assertEqual(self._count("debt.followup.call"), calls)
        self.assertEqual(self._count(PROMISE), 0)

    # Call log --------------------------------------------------------------

    def test_collector_cannot_rewrite_a_logged_call(self):
        call = (
            self.env["debt.followup.call"]
            .with_user(self.collector)
            .create({"partner_id": self.customer_it.id, "outcome": "no_answer", "note": "Rang"})
        )
        before = call.read(["date", "outcome", "outside_window", "user_id", "partner_id"])
        for vals in (
            {"outside_window": not call.outside_window},
            {"date": "2026-03-03 07:00:00"},
            {"outcome": "reached"},
            {"user_id": self.other_collector.id},
        ):
            with self.assertRaises(AccessError):
                call.with_user(self.collector).write(vals)
        # Nor can another collector touch it, not even its note.
        with self.assertRaises(AccessError):
            call.with_user(self.other_collector).note = "Rewritten"
        call.invalidate_recordset()
        self.assertEqual(
            call.read(["date", "outcome", "outside_window", "user_id", "partner_id"]), before
        )
        # The author completes the note.
        call.with_user(self.collector).note = "Rang twice, no answer"
        self.assertEqual(call.note, "Rang twice, no answer")

    def test_a_call_is_logged_now_by_its_collector(self):
        calls = self._count("debt.followup.call")
        for vals in (
            {"date": "2026-03-02 09:00:00"},
            {"outside_window": False},
            {"user_id": self.other_collector.id},
        ):
            with self.assertRaises(AccessError):
                self.env["debt.followup.call"].with_user(self.collector).create(
                    {"partner_id": self.customer_it.id, "outcome": "reached", **vals}
                )
        self.assertEqual(self._count("debt.followup.call"), calls)

    # Groups ------------------------------------------------------------------

    def test_collector_cannot_cancel_or_reconcile_invoices(self):
        invoice = self.invoice.with_user(self.collector)
        with self.assertRaises(AccessError):
            invoice.button_draft()
        with self.assertRaises(AccessError):
            invoice.button_cancel()
        with self.assertRaises(AccessError):
            invoice.write({"no_followup": True})
        payments = self._count("account.payment")
        with self.assertRaises(AccessError):
            self.env["account.payment.register"].with_user(self.collector).with_context(
                active_model="account.move", active_ids=self.invoice.ids
            ).create({"amount": 1000})._create_payments()
        self.assertEqual(self._count("account.payment"), payments)
        self.invoice.invalidate_recordset()
        self.assertEqual((self.invoice.state, self.invoice.payment_state), ("posted", "not_paid"))
        self.assertFalse(self.invoice.no_followup)
        self.assertFalse(self.collector.has_group("account.group_account_invoice"))
        self.assertTrue(self.collector.has_group("account.group_account_readonly"))

    def test_collector_disputes_through_the_checked_path(self):
        messages = len(self.invoice.message_ids)
        self.env["debt.followup.dispute.wizard"].with_user(self.collector).with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"reason": "  Goods damaged "}).action_dispute()
        self.assertTrue(self.invoice.no_followup)
        self.assertEqual(self.invoice.debt_dispute_reason, "Goods damaged")
        self.assertEqual(len(self.invoice.message_ids), messages + 1)

    def test_collector_of_another_company_cannot_dispute(self):
        other = self.setup_other_company(name="Società B")["company"]
        collector_b = new_test_user(
            self.env,
            login="collector_b",
            groups="debt_followup.group_debt_collector",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["debt.followup.dispute.wizard"].with_user(collector_b).create(
                {"move_ids": [Command.set(self.invoice.ids)], "reason": "Not ours"}
            ).action_dispute()
        self.assertFalse(self.invoice.no_followup)

    def test_dispute_reason_of_spaces_is_refused(self):
        messages = len(self.invoice.message_ids)
        with self.assertRaises(ValidationError):
            self.env["debt.followup.dispute.wizard"].with_user(self.collector).with_context(
                active_model="account.move", active_ids=self.invoice.ids
            ).create({"reason": "   "}).action_dispute()
        self.assertFalse(self.invoice.no_followup)
        self.assertEqual(len(self.invoice.message_ids), messages)
        calls = self._count("debt.followup.call")
        with self.assertRaises(ValidationError):
            self.env["debt.followup.call.wizard"].with_user(self.collector).with_context(
                active_model="res.partner", active_id=self.customer_it.id
            ).create({"outcome": "dispute", "dispute_reason": "  "}).action_log_call()
        self.assertEqual(self._count("debt.followup.call"), calls)
        self.assertFalse(self.invoice.no_followup)

    # Assignees -----------------------------------------------------------------

    def test_managers_can_be_picked_as_collectors(self):
        wizard = self.env["debt.followup.assign.wizard"].with_user(self.collector)
        domain = wizard._fields["collector_id"].domain(wizard)
        offered = self.env["res.users"].search(domain)
        self.assertIn(self.manager, offered)
        self.assertIn(self.collector, offered)
        self.assertNotIn(self.salesperson, offered)
        self.assertNotIn(self.portal_user, offered)
        company_domain = (
            self.env["res.company"]._fields["debt_responsible_id"].domain(self.env["res.company"])
        )
        self.assertIn(self.manager, self.env["res.users"].search(company_domain))
        self.manager._debt_check_collector_assignable(self.company)

    def test_only_active_internal_collectors_can_be_assigned(self):
        archived = new_test_user(
            self.env,
            login="former_collector",
            groups="debt_followup.group_debt_collector",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        archived.active = False
        other = self.setup_other_company(name="Società C")["company"]
        collector_c = new_test_user(
            self.env,
            login="collector_c",
            groups="debt_followup.group_debt_collector",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        partner = self.customer_it.with_company(self.company)
        partner.debt_collector_id = self.collector
        for user in (self.portal_user, archived, self.salesperson, collector_c):
            wizard = (
                self.env["debt.followup.assign.wizard"]
                .with_user(self.manager)
                .create({"partner_ids": [Command.set(partner.ids)], "collector_id": user.id})
            )
            with self.assertRaises(ValidationError):
                wizard.action_assign()
            with self.assertRaises(ValidationError):
                self.company.debt_responsible_id = user
        partner.invalidate_recordset()
        self.assertEqual(partner.debt_collector_id, self.collector)
        self.assertFalse(self.company.debt_responsible_id)

    def test_portal_user_cannot_assign(self):
        with self.assertRaises(AccessError):
            self.env["debt.followup.assign.wizard"].with_user(self.portal_user).create(
                {
                    "partner_ids": [Command.set(self.customer_it.ids)],
                    "collector_id": self.collector.id,
                }
            )

    # Levels ---------------------------------------------------------------------

    def test_level_template_of_another_model_is_refused(self):
        level = self.levels.filtered(lambda lvl: lvl.delay == 20)
        template = level.mail_template_id
        invoice_template = self.env.ref("account.email_template_edi_invoice")
        with self.assertRaises(ValidationError):
            level.with_user(self.manager).mail_template_id = invoice_template
        level.invalidate_recordset()
        self.assertEqual(level.mail_template_id, template)

    def test_refusals_in_the_user_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        promise = self._promise([("2026-03-10", 1000)])
        with self.assertRaises(AccessError) as error:
            promise.with_user(self.collector).with_context(lang="it_IT").state = "kept"
        self.assertIn("promessa di pagamento", str(error.exception))
