# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Expected recovery on the collection case: the figures, their cost in queries,
the worklist's order, the "Stop or hand over?" list and the grade salespeople see."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = "2026-06-30"
FIELDS = [
    "recovery_likelihood",
    "recovery_grade",
    "recovery_reasons",
    "expected_recovery",
    "recovery_currency_id",
    "expected_recovery_currency",
    "next_step_cost",
    "stop_suggested",
]


@tagged("post_install", "-at_install")
class TestRecovery(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.good = cls.customer_it
        cls.bad_big = Partner.create({"name": "Insolvente Grande S.r.l.", "is_company": True})
        cls.bad_small = Partner.create({"name": "Insolvente Piccolo S.r.l.", "is_company": True})
        # A good payer: six invoices paid on their due date, a large young debt.
        for month in range(1, 7):
            due = date(2026, month, 5)
            invoice = cls._create_overdue_invoice(cls.good, 900, due.replace(day=1), due)
            cls._pay(invoice, due)
        cls._create_overdue_invoice(cls.good, 4000, "2026-06-01", "2026-06-20")
        # Bad payers: half a year late, paid the last invoice 151 days late, three
        # broken promises, no answer to the last three calls.
        cls._create_overdue_invoice(cls.bad_big, 3000, "2025-12-01", "2025-12-30")
        cls._create_overdue_invoice(cls.bad_small, 3, "2025-12-01", "2025-12-30")
        for partner in cls.bad_big | cls.bad_small:
            cls._bad_history(partner)
        cls.cases = cls._case(cls.good | cls.bad_big | cls.bad_small)
        cls.phone_level = cls.levels.filtered(lambda level: level.delay == 7)

    @classmethod
    def _pay(cls, invoice, when):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": when})._create_payments()

    @classmethod
    def _bad_history(cls, partner):
        paid = cls._create_overdue_invoice(partner, 100, "2025-08-01", "2025-09-01")
        cls._pay(paid, date(2026, 1, 30))
        for _i in range(3):
            cls.env["debt.followup.promise"].sudo().create(
                {
                    "partner_id": partner.id,
                    "move_ids": [Command.set(paid.ids)],
                    "amount": 100.0,
                    "date": date(2025, 10, 1),
                    "residual_at_promise": 100.0,
                    "line_ids": [Command.create({"date": date(2025, 10, 15), "amount": 100.0})],
                    "state": "broken",
                }
            )
        Call = cls.env["debt.followup.call"]
        for outcome, when in (
            ("reached", datetime(2026, 3, 2, 10)),
            ("no_answer", datetime(2026, 6, 1, 10)),
            ("busy", datetime(2026, 6, 2, 10)),
            ("no_answer", datetime(2026, 6, 3, 10)),
        ):
            Call.create(
                {
                    "partner_id": partner.id,
                    "outcome": outcome,
                    "date": when,
                    "note": "Confidential: the owner is ill.",
                }
            )

    def _by_partner(self):
        return {case.partner_id: case for case in self.cases}

    @freeze_time(TODAY)
    def test_figures_of_a_good_and_a_bad_payer(self):
        cases = self._by_partner()
        good, bad = cases[self.good], cases[self.bad_small]
        self.assertGreater(good.recovery_likelihood, 0.8)
        self.assertEqual(good.recovery_grade, "A")
        self.assertAlmostEqual(good.expected_recovery, 4000 * good.recovery_likelihood, places=1)
        self.assertEqual(good.next_step_cost, self.phone_level.step_cost)
        self.assertFalse(good.stop_suggested)
        self.assertIn("pays on time", good.recovery_reasons)
        self.assertFalse(good.recovery_currency_id, "invoices in the company's currency")

        self.assertLess(bad.recovery_likelihood, 0.1)
        self.assertEqual(bad.recovery_grade, "E")
        self.assertEqual(bad.next_step_cost, self.phone_level.step_cost)
        self.assertLess(bad.expected_recovery, bad.next_step_cost)
        self.assertTrue(bad.stop_suggested, "a call costs more than 3 × a few percent")
        self.assertIn("0 of 3 promises kept", bad.recovery_reasons)
        self.assertIn("no answer to the last 3 calls", bad.recovery_reasons)
        self.assertFalse(cases[self.bad_big].stop_suggested, "3,000 is worth a call")

    @freeze_time(TODAY)
    def test_reasons_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        bad = self._by_partner()[self.bad_small].with_context(lang="it_IT")
        self.assertIn("3", bad.recovery_reasons)
        self.assertNotIn("promises kept", bad.recovery_reasons)
        self.assertIn("promesse", bad.recovery_reasons)

    @freeze_time(TODAY)
    def test_figures_in_the_debtors_currency(self):
        brl = self.setup_other_currency("BRL", rates=[("2020-01-01", 6.0)])
        customer = self.env["res.partner"].create({"name": "Comércio Souza", "is_company": True})
        invoice = self._create_overdue_invoice(
            customer, 600, "2026-05-01", "2026-06-10", post=False
        )
        invoice.currency_id = brl
        invoice.action_post()
        case = self._case(customer)
        self.assertEqual(case.recovery_currency_id, brl)
        self.assertAlmostEqual(case.expected_recovery, 100 * case.recovery_likelihood, places=1)
        self.assertAlmostEqual(
            case.expected_recovery_currency, 600 * case.recovery_likelihood, places=1
        )

    @freeze_time(TODAY)
    def test_constant_number_of_queries(self):
        others = self.env["res.partner"].create(
            [{"name": f"Cliente {i}", "is_company": True} for i in range(6)]
        )
        for partner in others:
            self._create_overdue_invoice(partner, 500, "2026-05-01", "2026-06-01")
            self._bad_history(partner)
        cases = self.cases | self._case(others)
        cases.mapped("recovery_likelihood")  # caches of the registry warm

        def read(records):
            self.env.invalidate_all()
            self.env.company.mapped("debt_followup_interval")
            self.env.company.currency_id.mapped("rounding")
            # the cases' own columns, the payment status (2), the history (1), the
            # cost of the next steps (1)
            with self.assertQueryCount(5):
                records.mapped("stop_suggested")
                records.mapped("recovery_reasons")

        read(cases[:2])
        read(cases)

    @freeze_time(TODAY)
    def test_worklist_sorts_by_expected_recovery_and_filters_stop(self):
        Case = self.env["debt.followup.case"]
        self.cases._debt_followup_run()
        Case._debt_recovery_store()
        rows = self.env["debt.followup.worklist"].with_user(self.collector).search([])
        self.assertEqual(
            rows.partner_id.ids,
            (self.good | self.bad_big | self.bad_small).ids,
            "3,000 half a year late to bad payers comes after 4,000 young to a good payer",
        )
        self.assertGreater(rows[0].priority, 0)
        self.assertLess(rows[0].priority, rows[1].priority, "amount × days said the opposite")
        self.assertAlmostEqual(
            rows[0].expected_recovery, self._by_partner()[self.good].expected_recovery, places=0
        )
        flagged = rows.search([("stop_suggested", "=", True)])
        self.assertEqual(flagged.partner_id, self.bad_small)

    @freeze_time(TODAY)
    def test_manager_list_of_flagged_cases(self):
        action = self.env.ref("debt_followup.debt_followup_case_action_stop")
        self.assertEqual(action.domain, "[('stop_suggested', '=', True)]")
        Case = self.env["debt.followup.case"].with_user(self.manager)
        self.assertEqual(Case.search([("stop_suggested", "=", True)]).partner_id, self.bad_small)
        self.assertEqual(
            Case.search([("stop_suggested", "=", False), ("id", "in", self.cases.ids)]).partner_id,
            self.good | self.bad_big,
        )
        menu = self.env.ref("debt_followup.debt_followup_case_stop_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.collector)._visible_menu_ids())

    @freeze_time(TODAY)
    def test_decision_is_logged_and_nothing_is_closed(self):
        case = self._by_partner()[self.bad_small]
        state, level = case.state, case.level_id
        with self.assertRaises(AccessError):
            case.with_user(self.collector).action_recovery_write_off()
        case.with_user(self.manager).action_recovery_agency()
        self.assertEqual(case.recovery_decision, "agency")
        self.assertEqual(case.recovery_decision_date, date(2026, 6, 30))
        self.assertEqual(case.recovery_decision_user_id, self.manager)
        note = case.message_ids[0]
        self.assertIn("Hand to an agency", note.body)
        self.assertIn("grade E", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        case.invalidate_recordset()
        self.assertEqual((case.state, case.level_id), (state, level), "nothing closed")
        self.assertTrue(case.stop_suggested, "still flagged: the manager acts")

    @freeze_time(TODAY)
    def test_salesperson_sees_the_grade_not_the_notes(self):
        partner = self.bad_small.with_user(self.salesperson)
        values = partner.read(["debt_recovery_grade", "debt_recovery_reasons"])[0]
        self.assertEqual(values["debt_recovery_grade"], "E")
        self.assertIn("0 of 3 promises kept", values["debt_recovery_reasons"])
        self.assertNotIn("Confidential", values["debt_recovery_reasons"])
        with self.assertRaises(AccessError):
            self._by_partner()[self.bad_small].with_user(self.salesperson).read(["recovery_grade"])
        good = self.good.with_user(self.salesperson)
        self.assertEqual(good.debt_recovery_grade, "A")
        nothing_due = self.env["res.partner"].create({"name": "Nessun Debito", "is_company": True})
        self.assertFalse(nothing_due.with_user(self.salesperson).debt_recovery_grade)

    @freeze_time(TODAY)
    def test_hourly_job_keeps_the_likelihood_on_the_cases(self):
        cron = self.env.ref("debt_followup.ir_cron_debt_recovery")
        self.assertFalse(any(self.cases.mapped("recovery_snapshot")))
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        for case in self.cases:
            self.assertAlmostEqual(case.recovery_snapshot, case.recovery_likelihood, places=3)
