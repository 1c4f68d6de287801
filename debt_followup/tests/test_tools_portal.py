# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.portal import (
    ACCEPT,
    BAD_AMOUNT,
    COUNT,
    FIRST_SMALL,
    LATE,
    PAST,
    REFUSE,
    REVIEW,
    TOO_FAR,
    TOO_MANY,
    Limits,
    judge_proposal,
    proposal_plan,
)

TODAY = date(2026, 3, 3)
LIMITS = Limits(max_days=90, max_installments=3, min_first_percent=30.0)


class TestToolsPortal(BaseCase):
    def test_plan_equal_installments_last_takes_rounding(self):
        assert proposal_plan(100, date(2026, 1, 31), 3) == [
            (date(2026, 1, 31), 33.33),
            (date(2026, 2, 28), 33.33),
            (date(2026, 3, 31), 33.34),
        ]

    def test_plan_with_a_first_installment(self):
        assert proposal_plan(1000, date(2026, 1, 31), 3, 400) == [
            (date(2026, 1, 31), 400.0),
            (date(2026, 2, 28), 300.0),
            (date(2026, 3, 31), 300.0),
        ]

    def test_plan_one_date(self):
        assert proposal_plan(1234.56, date(2026, 3, 10), 1, 5) == [(date(2026, 3, 10), 1234.56)]
        assert proposal_plan(100, date(2026, 3, 10), 0) == []

    def test_inside_the_limits(self):
        plan = proposal_plan(1000, date(2026, 3, 10), 2)
        assert judge_proposal(plan, 1000, TODAY, LIMITS) == (ACCEPT, [])

    def test_outside_the_limits_goes_to_the_collector(self):
        plan = proposal_plan(1000, date(2026, 3, 10), 4, 100)
        assert judge_proposal(plan, 1000, TODAY, LIMITS) == (REVIEW, [LATE, COUNT, FIRST_SMALL])
        late = proposal_plan(1000, date(2026, 6, 2), 1)
        assert judge_proposal(late, 1000, TODAY, LIMITS) == (REVIEW, [LATE])

    def test_not_a_proposal(self):
        assert judge_proposal([], 1000, TODAY, LIMITS) == (REFUSE, [TOO_MANY])
        many = proposal_plan(1300, date(2026, 3, 10), 13)
        assert judge_proposal(many, 1300, TODAY, LIMITS) == (REFUSE, [TOO_MANY])
        past = proposal_plan(1000, date(2026, 3, 2), 1)
        assert judge_proposal(past, 1000, TODAY, LIMITS) == (REFUSE, [PAST])
        far = proposal_plan(1000, date(2027, 3, 4), 1)
        assert judge_proposal(far, 1000, TODAY, LIMITS) == (REFUSE, [TOO_FAR])
        # a first installment above the whole amount leaves a negative one
        above = proposal_plan(1000, date(2026, 3, 10), 2, 1200)
        assert judge_proposal(above, 1000, TODAY, LIMITS) == (REFUSE, [BAD_AMOUNT])
        assert judge_proposal([(date(2026, 3, 10), 900.0)], 1000, TODAY, LIMITS) == (
            REFUSE,
            [BAD_AMOUNT],
        )
