# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Calling windows, holidays and caps as pure rules (no database)."""

from datetime import date, datetime

from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.calling_window import (
    CallingWindow,
    Caps,
    HolidayCalendar,
    PastCall,
    holiday_dates,
    next_call_slot,
    phone_country_state,
    phone_time_zone,
    time_zone,
)

ITALY = CallingWindow(weekday=(8.5, 21.0), saturday=(8.5, 15.0))
ROME = time_zone("Europe/Rome")
MANAUS = time_zone("America/Manaus")


class TestToolsCallingWindow(BaseCase):
    def test_italy_evening_before_holiday_lands_on_next_working_morning(self):
        # Monday 7 Dec 2026 21:30 Rome (CET, UTC+1) = 20:30 UTC; 8 Dec is a national
        # holiday, so the next slot is Wednesday 9 Dec 08:30 Rome = 07:30 UTC.
        slot = next_call_slot(
            ITALY, ROME, datetime(2026, 12, 7, 20, 30), holidays=HolidayCalendar("IT")
        )
        assert slot == datetime(2026, 12, 9, 7, 30)

    def test_italy_evening_without_holiday_lands_on_tuesday(self):
        # Same moment, no holidays known: the holiday is what skips Tuesday.
        slot = next_call_slot(ITALY, ROME, datetime(2026, 12, 7, 20, 30))
        assert slot == datetime(2026, 12, 8, 7, 30)

    def test_sunday_lands_on_monday_morning(self):
        # Sunday 13 Dec 2026 11:00 Rome = 10:00 UTC -> Monday 14 Dec 08:30 Rome = 07:30 UTC.
        slot = next_call_slot(
            ITALY, ROME, datetime(2026, 12, 13, 10, 0), holidays=HolidayCalendar("IT")
        )
        assert slot == datetime(2026, 12, 14, 7, 30)

    def test_inside_window_returns_the_moment_itself(self):
        moment = datetime(2026, 12, 10, 14, 17, 5)  # Thursday 15:17:05 Rome
        assert next_call_slot(ITALY, ROME, moment, holidays=HolidayCalendar("IT")) == moment

    def test_saturday_closes_earlier(self):
        # Saturday 12 Dec 2026 15:30 Rome is after the Saturday window: Monday 08:30.
        slot = next_call_slot(ITALY, ROME, datetime(2026, 12, 12, 14, 30))
        assert slot == datetime(2026, 12, 14, 7, 30)

    def test_summer_time_is_honoured(self):
        # Monday 6 Jul 2026 05:00 UTC = 07:00 Rome (CEST, UTC+2) -> 08:30 Rome = 06:30 UTC.
        slot = next_call_slot(ITALY, ROME, datetime(2026, 7, 6, 5, 0))
        assert slot == datetime(2026, 7, 6, 6, 30)

    def test_manaus_on_national_holiday_lands_on_next_local_morning(self):
        # Monday 7 Sep 2026 is Independence Day. 10:00 Manaus (UTC-4) = 14:00 UTC.
        amazonas = CallingWindow(weekday=(8.0, 18.0), saturday=(8.0, 14.0))
        slot = next_call_slot(
            amazonas, MANAUS, datetime(2026, 9, 7, 14, 0), holidays=HolidayCalendar("BR", "AM")
        )
        assert slot == datetime(2026, 9, 8, 12, 0)  # Tuesday 08:00 Manaus

    def test_state_holidays_and_unknown_subdivision(self):
        # 23 April (Saint George) is a holiday in Rio de Janeiro, not in São Paulo.
        assert date(2026, 4, 23) in holiday_dates("BR", "RJ", 2026)
        assert date(2026, 4, 23) not in holiday_dates("BR", "SP", 2026)
        # A subdivision the library does not know falls back to the national holidays.
        assert holiday_dates("PT", "XX", 2026) == holiday_dates("PT", None, 2026)
        assert not holiday_dates(False, None, 2026)

    def test_daily_cap_pushes_second_conversation_to_next_day(self):
        # Thursday 10 Dec 2026: a conversation at 10:00 Rome (09:00 UTC); at 11:00 Rome
        # the daily cap of one conversation is reached -> Friday 08:30 Rome.
        calls = [PastCall(datetime(2026, 12, 10, 9, 0), True)]
        slot = next_call_slot(
            ITALY, ROME, datetime(2026, 12, 10, 10, 0), calls=calls, caps=Caps(per_day=1)
        )
        assert slot == datetime(2026, 12, 11, 7, 30)
        # An unanswered attempt is not a conversation: the moment itself is allowed.
        unanswered = [PastCall(datetime(2026, 12, 10, 9, 0), False)]
        moment = datetime(2026, 12, 10, 10, 0)
        assert next_call_slot(ITALY, ROME, moment, calls=unanswered, caps=Caps()) == moment

    def test_weekly_cap_pushes_to_next_week(self):
        # Three conversations Mon-Wed of the ISO week: Thursday moves to next Monday.
        calls = [PastCall(datetime(2026, 12, day, 9, 0), True) for day in (7, 9, 10)]
        slot = next_call_slot(ITALY, ROME, datetime(2026, 12, 10, 10, 0), calls=calls, caps=Caps())
        assert slot == datetime(2026, 12, 14, 7, 30)

    def test_attempts_cap_waits_for_the_oldest_attempt_to_leave_the_period(self):
        # Seven unanswered attempts from Monday 30 Nov 10:00 UTC, one a day; on Sunday
        # 6 Dec the cap (7 in 7 days) holds until 7 Dec 10:00 UTC, inside the window.
        calls = [PastCall(datetime(2026, 11, 30, 10, 0), False)]
        calls += [PastCall(datetime(2026, 12, day, 10, 0), False) for day in range(1, 7)]
        slot = next_call_slot(ITALY, ROME, datetime(2026, 12, 6, 12, 0), calls=calls, caps=Caps())
        assert slot == datetime(2026, 12, 7, 10, 0)
        # With a cap of 8 the Monday morning opening is free.
        slot = next_call_slot(
            ITALY, ROME, datetime(2026, 12, 6, 12, 0), calls=calls, caps=Caps(attempts=8)
        )
        assert slot == datetime(2026, 12, 7, 7, 30)

    def test_phone_time_zone_and_state(self):
        assert phone_time_zone("+39 06 1234 5678") == "Europe/Rome"
        assert phone_time_zone("06 1234 5678", "IT") == "Europe/Rome"
        assert phone_time_zone("+55 92 99123 4567") == "America/Manaus"
        assert phone_time_zone("not a number") is None
        assert phone_country_state("+55 21 99123 4567") == ("BR", "RJ")
        assert phone_country_state("+55 92 99123 4567") == ("BR", "AM")
        assert phone_country_state("+351 21 123 4567") == ("PT", None)
