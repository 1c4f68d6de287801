# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The debtor's page: what a debtor may propose alone, judged against the limits
a manager sets (a payment date or an installment plan)."""

from datetime import timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from .promise import split_installments

# Beyond these bounds a proposal is refused whatever the manager's limits: nobody
# plans a debt a year away or in more than a dozen installments from a web page.
HORIZON_DAYS = 365
MAX_INSTALLMENTS = 12
# Submissions (proposals, disputes, call-backs) accepted per case and hour.
MAX_SUBMISSIONS_PER_HOUR = 5

# Verdicts
ACCEPT = "accept"  # inside the limits: the promise is made at once
REVIEW = "review"  # outside the limits: the collector accepts or refuses it
REFUSE = "refuse"  # not a proposal: nothing is written

# Why a proposal is refused (REFUSE) or goes to the collector (REVIEW)
PAST = "past"  # an installment before today
TOO_FAR = "too_far"  # an installment beyond HORIZON_DAYS
TOO_MANY = "too_many"  # more than MAX_INSTALLMENTS, or none
BAD_AMOUNT = "bad_amount"  # an installment at or below zero, or not adding up
LATE = "late"  # the last installment after the manager's latest date
COUNT = "count"  # more installments than the manager allows
FIRST_SMALL = "first_small"  # a first installment below the manager's share


class Limits(NamedTuple):
    """What a manager accepts without looking (per company)."""

    max_days: int  # the last payment at most this many days from today
    max_installments: int
    min_first_percent: float  # the first installment, in percent of the total


def proposal_plan(total, first_date, count, first_amount=None, digits=2):
    """``count`` monthly installments from ``first_date`` adding up to ``total``:
    the first of ``first_amount`` when given, the others equal, the last one
    taking the rounding.

    >>> proposal_plan(1000, date(2026, 1, 31), 3, 400)
    [(date(2026, 1, 31), 400.0), (date(2026, 2, 28), 300.0), (date(2026, 3, 31), 300.0)]
    """
    if count < 1:
        return []
    if count == 1:
        return [(first_date, round(total, digits))]
    if first_amount is None:
        return split_installments(total, min(count, MAX_INSTALLMENTS + 1), first_date, digits)
    first = round(first_amount, digits)
    share = round((total - first) / (count - 1), digits)
    plan = [(first_date, first)]
    plan += [(first_date + relativedelta(months=index), share) for index in range(1, count - 1)]
    plan.append(
        (
            first_date + relativedelta(months=count - 1),
            round(total - first - share * (count - 2), digits),
        )
    )
    return plan


def judge_proposal(plan, total, today, limits, digits=2):
    """``(verdict, reasons)`` of a debtor's plan ``[(date, amount)]`` for a debt
    of ``total``: ``REFUSE`` with the first reason it is not a proposal at all,
    ``REVIEW`` with every manager's limit it exceeds, or ``ACCEPT`` with none."""
    if not 1 <= len(plan) <= MAX_INSTALLMENTS:
        return REFUSE, [TOO_MANY]
    dates = [due for due, _amount in plan]
    if min(dates) < today:
        return REFUSE, [PAST]
    if max(dates) > today + timedelta(days=HORIZON_DAYS):
        return REFUSE, [TOO_FAR]
    amounts = [amount for _due, amount in plan]
    if min(amounts) <= 0 or round(sum(amounts) - total, digits) != 0 or total <= 0:
        return REFUSE, [BAD_AMOUNT]
    reasons = []
    if max(dates) > today + timedelta(days=limits.max_days):
        reasons.append(LATE)
    if len(plan) > limits.max_installments:
        reasons.append(COUNT)
    first = sorted(plan)[0][1]
    if len(plan) > 1 and round(first - total * limits.min_first_percent / 100, digits) < 0:
        reasons.append(FIRST_SMALL)
    return (REVIEW, reasons) if reasons else (ACCEPT, [])
