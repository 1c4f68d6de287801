# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What each step of the ladder costs the creditor."""

from odoo import fields
from odoo.tests import Form, tagged

from odoo.addons.debt_followup.tools.recovery import DEFAULT_STEP_COST

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestLevelStepCost(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.euro = cls.env.ref("base.EUR").sudo()

    def _default_cost(self, channel, company):
        """The channel's default (set in euros) in the company's currency."""
        return self.euro._convert(
            DEFAULT_STEP_COST[channel],
            company.currency_id,
            company,
            fields.Date.context_today(self.env.user),
        )

    def test_new_level_costs_what_its_channel_costs(self):
        # After the last shipped step, so that delays still grow along the ladder.
        level = self.env["debt.followup.level"].with_user(self.manager)
        with Form(level.with_context(default_sequence=100)) as form:
            form.name = "Registered letter"
            form.delay = 400
            form.channel = "letter"
            self.assertEqual(form.step_cost, self._default_cost("letter", self.company))
            form.channel = "visit"
            self.assertEqual(form.step_cost, self._default_cost("visit", self.company))
            form.step_cost = 45.0
        self.assertEqual(form.record.step_cost, 45.0)
        self.assertEqual(form.record.company_currency_id, self.company.currency_id)

    def test_created_without_cost_gets_the_channel_default(self):
        levels = self.env["debt.followup.level"].create(
            [
                {
                    "name": channel,
                    "sequence": 100 + index,
                    "delay": 500 + index,
                    "channel": channel,
                    "company_id": self.company.id,
                }
                for index, channel in enumerate(DEFAULT_STEP_COST)
            ]
        )
        for level in levels:
            with self.subTest(channel=level.channel):
                self.assertEqual(level.step_cost, self._default_cost(level.channel, self.company))
                self.assertGreater(level.step_cost, 0)

    def test_a_cost_the_manager_set_stays(self):
        level = self.levels.filtered(lambda lvl: lvl.channel == "legal")
        level.with_user(self.manager).step_cost = 1200.0
        level.invalidate_recordset()
        self.assertEqual(level.step_cost, 1200.0)

    def test_shipped_ladder_has_costs(self):
        """The ladder shipped on the main company, and its copy on a new company."""
        levels = self.env["debt.followup.level"].sudo()
        for company in self.env.ref("base.main_company") | self.company:
            ladder = levels.search([("company_id", "=", company.id)])
            self.assertEqual(len(ladder), 7)
            for level in ladder:
                with self.subTest(company=company.name, level=level.name):
                    self.assertEqual(level.step_cost, self._default_cost(level.channel, company))
        notice = self.env.ref("debt_followup.debt_followup_level_formal_notice").sudo()
        legal = self.env.ref("debt_followup.debt_followup_level_legal").sudo()
        self.assertEqual(notice.channel, "pec")
        self.assertLess(0, notice.step_cost)
        self.assertLess(notice.step_cost, legal.step_cost)

    def test_copied_ladder_is_priced_in_the_new_company_currency(self):
        real = self.env.ref("base.BRL")
        real.active = True
        day = fields.Date.context_today(self.env.user)
        self.env["res.currency.rate"].create(
            [
                # rates of every company
                {"currency_id": self.euro.id, "name": day, "rate": 1.0, "company_id": False},
                {"currency_id": real.id, "name": day, "rate": 6.0, "company_id": False},
            ]
        )
        company = self.env["res.company"].create({"name": "Souza Ltda.", "currency_id": real.id})
        ladder = self.env["debt.followup.level"].sudo().search([("company_id", "=", company.id)])
        self.assertEqual(
            {level.channel: level.step_cost for level in ladder},
            {"email": 3.0, "phone": 30.0, "pec": 6.0, "visit": 360.0, "legal": 1800.0},
        )
