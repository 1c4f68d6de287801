# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.promise import evaluate_promise, split_installments

PLAN = [(date(2026, 3, 10), 300.0), (date(2026, 4, 10), 300.0), (date(2026, 5, 10), 400.0)]


class TestToolsPromise(BaseCase):
    def test_split_equal_monthly_last_takes_rounding(self):
        assert split_installments(100, 3, date(2026, 1, 31)) == [
            (date(2026, 1, 31), 33.33),
            (date(2026, 2, 28), 33.33),
            (date(2026, 3, 31), 33.34),
        ]

    def test_split_single_installment(self):
        assert split_installments(1234.56, 1, date(2026, 6, 1)) == [(date(2026, 6, 1), 1234.56)]

    def test_split_refuses_zero_installments(self):
        with self.assertRaises(ValueError):
            split_installments(100, 0, date(2026, 6, 1))

    def test_split_refuses_more_than_ten_years_of_installments(self):
        assert len(split_installments(1200, 120, date(2026, 1, 31))) == 120
        with self.assertRaisesRegex(ValueError, "at most 120 installments"):
            split_installments(100000, 100000, date(2026, 1, 31))

    def test_kept_when_everything_paid(self):
        assert evaluate_promise(PLAN, 1000.0, date(2026, 3, 1), 2) == "kept"

    def test_open_before_first_date(self):
        assert evaluate_promise(PLAN, 0.0, date(2026, 3, 10), 2) == "open"

    def test_open_within_grace_days(self):
        assert evaluate_promise(PLAN, 0.0, date(2026, 3, 12), 2) == "open"

    def test_broken_after_grace_days(self):
        assert evaluate_promise(PLAN, 0.0, date(2026, 3, 13), 2) == "broken"

    def test_partial_payment_covering_due_installments_stays_open(self):
        assert evaluate_promise(PLAN, 300.0, date(2026, 4, 1), 2) == "open"

    def test_cumulative_amount_due_checked_per_installment(self):
        # 500 paid: the first installment (300) is covered, not the second (600 due by April 12).
        assert evaluate_promise(PLAN, 500.0, date(2026, 4, 12), 2) == "open"
        assert evaluate_promise(PLAN, 500.0, date(2026, 4, 13), 2) == "broken"

    def test_zero_grace_days(self):
        assert evaluate_promise(PLAN, 0.0, date(2026, 3, 10), 0) == "open"
        assert evaluate_promise(PLAN, 0.0, date(2026, 3, 11), 0) == "broken"

    def test_rounding_tolerance(self):
        assert evaluate_promise([(date(2026, 3, 10), 100.0)], 99.999, date(2026, 4, 1), 2) == "kept"
