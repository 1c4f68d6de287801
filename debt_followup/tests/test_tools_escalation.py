# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The escalation rule, without a database."""

from datetime import date

from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.escalation import NextStep, Step, followup_status, next_step

# The default Italian-style ladder: courtesy, call, reminder, call, notice, visit, legal.
LADDER = [
    Step(-3, True),
    Step(7),
    Step(20, True),
    Step(30),
    Step(45, True),
    Step(60),
    Step(90),
]
DUE = date(2026, 1, 1)


def _facts(overdue, chased, promised, no_contact, action_due):
    return {
        "overdue": overdue,
        "chased": chased,
        "promised": promised,
        "no_contact": no_contact,
        "action_due": action_due,
    }


class TestToolsEscalation(BaseCase):
    def test_first_step_of_a_very_old_debt_is_the_first_level(self):
        """A 100-day-old invoice starts at the first step, not at the one its age reaches."""
        step = next_step(LADDER, None, DUE, None, 7)
        assert step == NextStep(0, date(2025, 12, 29))

    def test_one_step_at_a_time_never_skipping(self):
        step = next_step(LADDER, 0, DUE, date(2026, 4, 10), 7)
        assert step.index == 1
        step = next_step(LADDER, 1, DUE, date(2026, 4, 17), 7)
        assert step.index == 2

    def test_delay_counts_from_the_oldest_due_date(self):
        step = next_step(LADDER, 1, DUE, date(2026, 1, 8), 7)
        assert step == NextStep(2, date(2026, 1, 21))

    def test_interval_since_last_action(self):
        step = next_step(LADDER, 1, DUE, date(2026, 4, 10), 7)
        assert step == NextStep(2, date(2026, 4, 17))
        step = next_step(LADDER, 1, DUE, date(2026, 4, 10), 0)
        assert step.date == date(2026, 4, 11), "never two steps the same day"

    def test_end_of_ladder_and_nothing_to_follow(self):
        assert next_step(LADDER, 6, DUE, date(2026, 4, 10), 7) is None
        assert next_step(LADDER, None, None, None, 7) is None
        assert next_step([], None, DUE, None, 7) is None

    def test_escalation_ignores_delay_and_interval_but_not_the_day(self):
        step = next_step(
            LADDER, 1, date(2026, 4, 1), date(2026, 4, 8), 7, escalate_date=date(2026, 4, 9)
        )
        assert step == NextStep(2, date(2026, 4, 9))
        step = next_step(LADDER, 1, DUE, date(2026, 4, 9), 7, escalate_date=date(2026, 4, 9))
        assert step.date == date(2026, 4, 10)

    def test_written_only_skips_calls(self):
        step = next_step(
            LADDER, 2, DUE, date(2026, 2, 1), 7, escalate_date=date(2026, 2, 5), written_only=True
        )
        assert step == NextStep(4, date(2026, 2, 5))
        assert next_step(LADDER, 4, DUE, date(2026, 2, 1), 7, written_only=True) is None

    def test_pause_holds_the_step(self):
        step = next_step(LADDER, 1, DUE, date(2026, 2, 1), 7, paused_until=date(2026, 3, 1))
        assert step == NextStep(2, date(2026, 3, 1))
        step = next_step(LADDER, 1, DUE, date(2026, 2, 1), 7, paused_until=date(2026, 1, 1))
        assert step.date == date(2026, 2, 8)

    def test_followup_status(self):
        cases = [
            # A courtesy step before the due date does not make a customer overdue.
            (_facts(0, 0, 0, False, True), "ok"),
            # A stop-contact request excludes before anything else.
            (_facts(100, 100, 0, True, True), "excluded"),
            # Nothing left to chase: promised, or disputed / excluded invoices only.
            (_facts(100, 0, 100, False, True), "promised"),
            (_facts(100, 0, 0, False, True), "excluded"),
            (_facts(100, 60, 40, False, True), "action_due"),
            (_facts(100, 60, 40, False, False), "overdue"),
        ]
        for facts, expected in cases:
            with self.subTest(facts=facts):
                self.assertEqual(followup_status(**facts), expected)
