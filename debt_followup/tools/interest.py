# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Statutory late-payment interest between businesses (EU Directive 2011/7/EU;
Italy D.Lgs. 231/2002, Portugal DL 62/2013), as plain functions.

Simple interest on the unpaid amount from the day after the due date; the rate
of each half-year is the reference rate in force on 1 January / 1 July plus a
margin (8 points), so a period crossing half-years is split. Days are counted
as actual days over a 365-day year. The rates and the margin are data."""

import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class InterestSlice:
    """Interest of one half-year: ``days`` days from ``start`` to ``end``
    (both included) at ``rate`` percent a year (reference rate + margin)."""

    start: datetime.date
    end: datetime.date
    days: int
    rate: float
    interest: float


@dataclass(frozen=True)
class LateInterest:
    """The slices of a computation; ``missing`` is the first half-year (its
    1 January / 1 July) without a reference rate, where the computation stops."""

    slices: tuple
    missing: datetime.date | None = None

    @property
    def interest(self):
        return sum(part.interest for part in self.slices)

    @property
    def last_day(self):
        return self.slices[-1].end if self.slices else None


def half_year_start(day):
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(start):
    return (
        datetime.date(start.year, 7, 1) if start.month <= 6 else datetime.date(start.year + 1, 1, 1)
    )


def late_interest(amount, due_date, until, rates, *, margin=8.0, since=None, year_days=365):
    """Simple interest on ``amount`` from the day after ``due_date`` (or from
    ``since`` when later: interest already charged up to the day before) to
    ``until`` included, with ``rates`` = {1 January / 1 July: reference rate in
    percent}. Stops before the first half-year without a rate."""
    start = due_date + ONE_DAY
    if since and since > start:
        start = since
    slices = []
    period = half_year_start(start)
    while start <= until:
        if period not in rates:
            return LateInterest(tuple(slices), missing=period)
        following = next_half_year(period)
        end = min(until, following - ONE_DAY)
        days = (end - start).days + 1
        rate = rates[period] + margin
        slices.append(InterestSlice(start, end, days, rate, amount * rate / 100 * days / year_days))
        start = period = following
    return LateInterest(tuple(slices))


def late_fine(amount, percent):
    """A flat late fine in percent of the unpaid amount (e.g. Brazil, capped for
    consumers by CDC art. 52 §1: the cap is checked where the percent is set)."""
    return amount * percent / 100
