# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Promises to pay: installment plans and their evaluation against payments."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

OPEN = "open"
KEPT = "kept"
BROKEN = "broken"
# Longest installment plan: ten years of monthly installments. Beyond it a plan
# is no promise to follow up (and the dates would leave the calendar).
MAX_INSTALLMENTS = 120


def split_installments(amount, count, first_date, digits=2):
    """``count`` monthly installments of equal amount from ``first_date``;
    the last one takes the rounding, so that they sum to ``amount`` exactly.

    >>> split_installments(100, 3, date(2026, 1, 31))
    [(date(2026, 1, 31), 33.33), (date(2026, 2, 28), 33.33), (date(2026, 3, 31), 33.34)]
    """
    if count < 1:
        raise ValueError("an installment plan has at least one installment")
    if count > MAX_INSTALLMENTS:
        raise ValueError(f"an installment plan has at most {MAX_INSTALLMENTS} installments")
    share = round(amount / count, digits)
    plan = [(first_date + relativedelta(months=index), share) for index in range(count - 1)]
    plan.append(
        (first_date + relativedelta(months=count - 1), round(amount - share * (count - 1), digits))
    )
    return plan


def evaluate_promise(installments, paid, today, grace_days, digits=2):
    """State of a promise given its installments ``[(date, amount)]``, the
    amount paid since it was made, today's date and the grace days:

    - ``kept`` when everything promised is paid;
    - ``broken`` when an installment date plus the grace days has passed and
      what was due up to that installment (cumulated) is not paid;
    - ``open`` otherwise (including within the grace days).
    """
    total = round(sum(amount for _date, amount in installments), digits)
    if round(paid - total, digits) >= 0:
        return KEPT
    due = 0.0
    for due_date, amount in sorted(installments):
        due += amount
        if due_date + timedelta(days=grace_days) < today and round(paid - due, digits) < 0:
            return BROKEN
    return OPEN
