# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Calling windows, public holidays and contact caps, as plain functions.

Everything here works on naive UTC datetimes (Odoo's storage form) and on the
debtor's IANA time zone; the rules themselves (hours, caps) come from records
that a manager edits: nothing legal is hard-coded here.
"""

import datetime
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib
import phonenumbers
from phonenumbers import timezone as phone_timezone

UTC = datetime.UTC

# Brazilian area codes (DDD, two digits after +55) by state: the national
# numbering plan of Anatel. Used only when the partner has no state.
BR_AREA_CODE_STATES = {
    **dict.fromkeys(range(11, 20), "SP"),
    **dict.fromkeys((21, 22, 24), "RJ"),
    **dict.fromkeys((27, 28), "ES"),
    **dict.fromkeys((31, 32, 33, 34, 35, 37, 38), "MG"),
    **dict.fromkeys((41, 42, 43, 44, 45, 46), "PR"),
    **dict.fromkeys((47, 48, 49), "SC"),
    **dict.fromkeys((51, 53, 54, 55), "RS"),
    61: "DF",
    **dict.fromkeys((62, 64), "GO"),
    63: "TO",
    **dict.fromkeys((65, 66), "MT"),
    67: "MS",
    68: "AC",
    69: "RO",
    **dict.fromkeys((71, 73, 74, 75, 77), "BA"),
    79: "SE",
    **dict.fromkeys((81, 87), "PE"),
    82: "AL",
    83: "PB",
    84: "RN",
    **dict.fromkeys((85, 88), "CE"),
    **dict.fromkeys((86, 89), "PI"),
    **dict.fromkeys((91, 93, 94), "PA"),
    **dict.fromkeys((92, 97), "AM"),
    95: "RR",
    96: "AP",
    **dict.fromkeys((98, 99), "MA"),
}


@dataclass(frozen=True)
class CallingWindow:
    """Allowed local hours per kind of day; ``None`` means closed all day.

    Hours are floats (8.5 = 08:30, 24.0 = midnight at the end of the day).
    When ``holidays_closed`` is false a public holiday follows its weekday.
    """

    weekday: tuple[float, float] | None
    saturday: tuple[float, float] | None = None
    sunday: tuple[float, float] | None = None
    holidays_closed: bool = True

    def hours(self, day, is_holiday=False):
        if is_holiday and self.holidays_closed:
            return None
        weekday = day.weekday()
        if weekday == 5:
            return self.saturday
        if weekday == 6:
            return self.sunday
        return self.weekday


@dataclass(frozen=True)
class Caps:
    """Contact caps: conversations per local day and per ISO week, and call
    attempts (answered or not) per rolling period of ``attempt_days`` days."""

    per_day: int = 1
    per_week: int = 3
    attempts: int = 7
    attempt_days: int = 7


@dataclass(frozen=True)
class PastCall:
    """A logged call: naive UTC moment, and whether the debtor was reached."""

    date: datetime.datetime
    conversation: bool


def parse_phone(number, region=None):
    """The parsed number, or ``None`` when it cannot be parsed."""
    if not number:
        return None
    try:
        return phonenumbers.parse(number, region or None)
    except phonenumbers.NumberParseException:
        return None


def phone_time_zone(number, region=None):
    """The single IANA zone of a phone number, or ``None`` when the number is
    unknown or spans several zones (e.g. a mobile number in a large country)."""
    parsed = parse_phone(number, region)
    if parsed is None:
        return None
    zones = set(phone_timezone.time_zones_for_number(parsed))
    zones.discard(phone_timezone.UNKNOWN_TIMEZONE)
    return zones.pop() if len(zones) == 1 else None


def phone_country_state(number, region=None):
    """(ISO country code, state code or ``None``) of a phone number; the state
    is derived from the Brazilian area code, ``None`` elsewhere."""
    parsed = parse_phone(number, region)
    if parsed is None:
        return None, None
    country = phonenumbers.region_code_for_number(parsed)
    state = None
    if country == "BR":
        national = str(parsed.national_number)
        state = BR_AREA_CODE_STATES.get(int(national[:2])) if len(national) >= 10 else None
    return country, state


@lru_cache(maxsize=64)
def _subdivisions(country):
    try:
        return frozenset(holidays_lib.country_holidays(country).subdivisions)
    except NotImplementedError:
        return frozenset()


@lru_cache(maxsize=512)
def holiday_dates(country, subdiv, year):
    """Public holidays of a country (and subdivision, when the ``holidays``
    package knows it) in a year; an unknown country has none."""
    if not country:
        return frozenset()
    subdiv = subdiv if subdiv in _subdivisions(country) else None
    try:
        return frozenset(holidays_lib.country_holidays(country, subdiv=subdiv, years=year))
    except NotImplementedError:
        return frozenset()


class HolidayCalendar:
    """``date in calendar``: public holiday of a country / subdivision, any year."""

    def __init__(self, country, subdiv=None):
        self.country = country
        self.subdiv = subdiv

    def __contains__(self, day):
        return day in holiday_dates(self.country, self.subdiv, day.year)


def time_zone(name, default="UTC"):
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def to_local(moment, tz):
    """Naive UTC -> aware local datetime."""
    return moment.replace(tzinfo=UTC).astimezone(tz)


def to_utc(local):
    """Aware local datetime -> naive UTC."""
    return local.astimezone(UTC).replace(tzinfo=None)


def _at(day, hour, tz):
    """Aware local datetime of a float hour on a day (24.0 = next midnight)."""
    minutes = round(hour * 60)
    naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minutes)
    return naive.replace(tzinfo=tz)


def next_in_window(window, tz, moment, *, holidays=(), skip_day=None, horizon=400):
    """First naive UTC moment at or after ``moment`` inside the window, in the
    zone ``tz``, skipping holidays (when the window closes on them) and the
    local days for which ``skip_day(day)`` is true; ``None`` past the horizon."""
    local = to_local(moment, tz)
    for offset in range(horizon):
        day = local.date() + datetime.timedelta(days=offset)
        hours = window.hours(day, day in holidays)
        if not hours or (skip_day and skip_day(day)):
            continue
        start, end = _at(day, hours[0], tz), _at(day, hours[1], tz)
        candidate = max(start, local)
        if candidate < end:
            return to_utc(candidate)
    return None


def next_call_slot(window, tz, moment, *, holidays=(), calls=(), caps=None, horizon=400):
    """First naive UTC moment at or after ``moment`` at which the debtor may be
    called: inside the window, not on a closed holiday, not on a local day or
    ISO week whose conversation cap is reached, and not while the attempts of
    the last ``caps.attempt_days`` days reach ``caps.attempts``."""
    if caps is None:
        return next_in_window(window, tz, moment, holidays=holidays, horizon=horizon)
    per_day, per_week = {}, {}
    for call in calls:
        if call.conversation:
            day = to_local(call.date, tz).date()
            per_day[day] = per_day.get(day, 0) + 1
            week = day.isocalendar()[:2]
            per_week[week] = per_week.get(week, 0) + 1

    def capped(day):
        return (
            per_day.get(day, 0) >= caps.per_day
            or per_week.get(day.isocalendar()[:2], 0) >= caps.per_week
        )

    attempts = sorted(call.date for call in calls)
    period = datetime.timedelta(days=caps.attempt_days)
    slot = moment
    # Each round either returns or moves past one more logged attempt.
    for _round in range(len(attempts) + 2):
        slot = next_in_window(window, tz, slot, holidays=holidays, skip_day=capped, horizon=horizon)
        if slot is None:
            return None
        released = attempts_released_at(attempts, slot, period, caps.attempts)
        if released <= slot:
            return slot
        slot = released
    return None


def attempts_released_at(attempts, moment, period, limit):
    """Earliest moment >= ``moment`` at which fewer than ``limit`` of the sorted
    ``attempts`` (up to ``moment``) fall in the rolling ``period`` before it."""
    upto = bisect_right(attempts, moment)
    recent = [at for at in attempts[:upto] if at > moment - period]
    if len(recent) < limit:
        return moment
    return recent[len(recent) - limit] + period
