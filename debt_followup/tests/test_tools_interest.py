# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Statutory late interest as a pure rule (no database)."""

from datetime import date

from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.interest import late_fine, late_interest

RATES_IT = {
    date(2024, 1, 1): 4.50,
    date(2024, 7, 1): 4.25,
    date(2025, 1, 1): 3.15,
    date(2025, 7, 1): 2.15,
    date(2026, 1, 1): 2.15,
}


class TestToolsInterest(BaseCase):
    def test_interest_split_across_half_years_equals_hand_computation(self):
        # 10,000.00 due 31 May 2025, interest up to 31 Aug 2025:
        #   1 Jun - 30 Jun 2025: 30 days at 3.15 + 8 = 11.15 %
        #       10000 x 0.1115 x 30 / 365 = 91.643835...
        #   1 Jul - 31 Aug 2025: 62 days at 2.15 + 8 = 10.15 %
        #       10000 x 0.1015 x 62 / 365 = 172.410958...
        #   total 264.054794... -> 264.05
        result = late_interest(10000.0, date(2025, 5, 31), date(2025, 8, 31), RATES_IT)
        assert [(s.start, s.end, s.days, s.rate) for s in result.slices] == [
            (date(2025, 6, 1), date(2025, 6, 30), 30, 11.15),
            (date(2025, 7, 1), date(2025, 8, 31), 62, 10.15),
        ]
        assert round(result.interest, 2) == 264.05
        assert result.last_day == date(2025, 8, 31)
        assert result.missing is None

    def test_interest_starts_the_day_after_due_date_and_after_what_was_charged(self):
        # Due 30 Jun 2024: nothing on the due date itself, one day (1 Jul) at 12.25 %.
        one_day = late_interest(36500.0, date(2024, 6, 30), date(2024, 7, 1), RATES_IT)
        self.assertAlmostEqual(one_day.interest, 36500 * 0.1225 / 365)
        assert not late_interest(1000.0, date(2024, 6, 30), date(2024, 6, 30), RATES_IT).slices
        # Already charged up to 31 Aug 2025: from 1 Sep to 30 Sep, 30 days at 10.15 %.
        rest = late_interest(
            10000.0, date(2025, 5, 31), date(2025, 9, 30), RATES_IT, since=date(2025, 9, 1)
        )
        assert round(rest.interest, 2) == 83.42  # 10000 x 0.1015 x 30 / 365 = 83.4246...

    def test_interest_stops_before_a_half_year_without_rate(self):
        result = late_interest(1000.0, date(2025, 12, 31), date(2026, 8, 31), RATES_IT)
        assert result.missing == date(2026, 7, 1)
        assert result.last_day == date(2026, 6, 30)
        assert result.slices[0].days == 181  # 1 Jan - 30 Jun 2026

    def test_margin_is_data(self):
        result = late_interest(1000.0, date(2025, 5, 31), date(2025, 6, 30), RATES_IT, margin=0.0)
        assert result.slices[0].rate == 3.15

    def test_late_fine(self):
        self.assertAlmostEqual(late_fine(1234.0, 2.0), 24.68)
