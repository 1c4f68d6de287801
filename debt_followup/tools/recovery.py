# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Expected recovery, and when to stop.

How likely is the open debt of a debtor to be recovered, and which facts say so?
The rule starts from the published collectability of commercial debts by age and
moves it with the debtor's own history, in log-odds, the way a credit scorecard adds
points: each fact adds or removes a bounded amount, weighted by how much evidence
stands behind it, so a single call or promise says little and a year of invoices
says more. With no history at all, the likelihood is the age curve alone.

Every constant below is named, explained and listed in ``readme/DESCRIPTION.md``.
They are a starting point chosen by judgement, not fitted on data: calibrate them on
closed cases once there are enough.
"""

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

# --- The age curve --------------------------------------------------------------------
# Collectability of a delinquent commercial account by months past due, from the
# surveys of the Commercial Collection Agency Association (Commercial Law League of
# America), quoted by many agencies as "the shrinking dollar": a current account is
# collected over 94%; 3 months past due, 69-74%; 6 months, 44-57% (most quotes about
# 50%); 1 year, 21-29%; 2 years, 9-13%. Points: (days past due, share recovered).
# Linear between two points; flat before the first one (not yet due counts as
# current) and after the last one (no published figure beyond two years).
AGE_CURVE = (
    (0, 0.95),  # current: "over 94%"
    (90, 0.70),  # 3 months: 69-74%
    (182, 0.48),  # 6 months: 44-57%, most quotes 50%; "45-50%" in the field advice
    (365, 0.25),  # 1 year: 21-29%
    (730, 0.10),  # 2 years: 9-13%
)

# --- How much evidence a fact needs -----------------------------------------------------
# A fact observed n times moves the likelihood by weight × signal × n / (n + PRIOR):
# with PRIOR observations it has half its weight, and it never exceeds its weight.
EVIDENCE_PRIOR = 2

# --- Share of the invoices due in the last 12 months that are paid ----------------------
# Neutral at 80% paid (a debtor with an open debt has some unpaid ones by definition);
# all paid: +PAID_WEIGHT; none paid: -PAID_WEIGHT. Evidence: the invoices due.
PAID_NEUTRAL_SHARE = 0.8
PAID_WEIGHT = 1.0

# --- Days late over the last 12 months ------------------------------------------------
# The median days late of the invoices paid, so that one invoice paid very late
# (often a settled dispute) does not make a habitual late payer; the average when the
# median is unknown. Neutral at 15 days (an ordinary delay of two weeks neither helps
# nor hurts); each LATE_SPAN days later moves the signal by 1, bounded at -1 (105
# days late or more). Paying on the due date gives +1/6 of the weight. Evidence: the
# invoices paid.
LATE_NEUTRAL_DAYS = 15
LATE_SPAN_DAYS = 90
LATE_WEIGHT = 2.0

# --- Promises to pay kept and broken (all time) -----------------------------------------
# Signal (kept - broken) / (kept + broken); evidence: the promises judged. The
# strongest single fact: a broken promise is the clearest sign a debtor will not pay.
PROMISE_WEIGHT = 2.0

# --- Calls reached and failed (all time) ------------------------------------------------
# Signal (reached - failed) / (reached + failed); evidence: the calls.
CONTACT_WEIGHT = 0.5
# Unanswered calls in a row, the latest ones (no answer, busy): each one removes
# NO_ANSWER_WEIGHT / NO_ANSWER_CAP, up to NO_ANSWER_CAP calls (the default ladder
# moves to writing after 3).
NO_ANSWER_WEIGHT = 1.2
NO_ANSWER_CAP = 4

# --- Open disputes ------------------------------------------------------------------------
# Any open dispute: part of the debt may not be owed, and nothing is collected on the
# disputed invoices until it is settled.
DISPUTE_WEIGHT = 0.7

# --- Explaining the result ----------------------------------------------------------------
# The reasons are the facts that moved the likelihood most, strongest first: at most
# MAX_REASONS, each moving it by at least REASON_MIN_EFFECT in log-odds (about 2.5
# points of likelihood around 50%). When none does, the age of the debt is the reason.
MAX_REASONS = 3
REASON_MIN_EFFECT = 0.1

# --- Grades, as a salesperson reads them ----------------------------------------------------
# (lowest likelihood, grade), best first: five equal bands.
GRADES = ((0.8, "A"), (0.6, "B"), (0.4, "C"), (0.2, "D"), (0.0, "E"))

# --- What a step costs the creditor, by channel (company currency, set for euros) ---------
# Defaults of the follow-up level's step cost; a manager changes them on each level.
DEFAULT_STEP_COST = {
    "phone": 5.0,  # about 10 minutes of a collector's time, preparing, calling, logging
    "email": 0.5,  # a minute or two of checking before it goes
    "sms": 0.2,  # an SMS through a provider (about 0.05-0.15) and its handling
    "letter": 8.0,  # a registered letter with return receipt, printing and envelope
    "pec": 1.0,  # a certified e-mail from a PEC mailbox, and its handling
    "visit": 60.0,  # two hours of a collector's time, travel included
    "legal": 300.0,  # a lawyer's formal demand, the first fee of a legal hand-off
}

# Bounds of the likelihood, so that log-odds stay finite.
_EPSILON = 1e-6


@dataclass(frozen=True)
class DebtorHistory:
    """What the rule knows of a debtor, for one company.

    :param age_days: days since the oldest open overdue due date
    :param overdue_amount: the open overdue amount (any currency: the expected
        recovery is in the same one)
    :param invoices_due: receivable items that fell due in the last 12 months
    :param invoices_paid: how many of them are paid in full
    :param avg_days_late: average days between due date and payment of what was
        paid in the last 12 months (``None``: nothing paid)
    :param median_days_late: the median of the same (``None``: nothing paid)
    :param promises_kept: promises to pay kept
    :param promises_broken: promises to pay broken
    :param calls_reached: calls where the debt was discussed with the debtor (the
        call log's conversation outcomes: reached, promise, dispute, says it has
        paid, refuses)
    :param calls_failed: calls that reached nobody (no answer, busy)
    :param calls_failed_in_row: the latest calls, all failed, since any other one
    :param open_disputes: disputed invoices still open
    """

    age_days: int = 0
    overdue_amount: float = 0.0
    invoices_due: int = 0
    invoices_paid: int = 0
    avg_days_late: float | None = None
    median_days_late: float | None = None
    promises_kept: int = 0
    promises_broken: int = 0
    calls_reached: int = 0
    calls_failed: int = 0
    calls_failed_in_row: int = 0
    open_disputes: int = 0


class Reason(NamedTuple):
    """A fact behind the likelihood: a key that the caller renders in the reader's
    language with ``values`` (numbers only), and its effect in log-odds (positive:
    speaks for recovery).

    Keys and values: ``paid_invoices`` {paid, total}; ``pays_late`` and
    ``pays_on_time`` (median days late at most 0) {days (average), median};
    ``promises`` {kept, total}; ``calls_reached`` {reached, total}; ``no_answer``
    {calls}; ``disputes`` {count}; ``age`` {days} (only when no fact of the history
    moves the likelihood).
    """

    key: str
    values: dict
    effect: float


class Recovery(NamedTuple):
    """The outcome of :func:`assess_recovery`."""

    likelihood: float
    grade: str
    reasons: tuple
    expected_recovery: float


def age_collectability(age_days):
    """Share of a commercial debt ``age_days`` past due that is recovered, read on
    :data:`AGE_CURVE` (linear between its points, flat outside them)."""
    days = [point[0] for point in AGE_CURVE]
    index = bisect_right(days, age_days)
    if index == 0:
        return AGE_CURVE[0][1]
    if index == len(AGE_CURVE):
        return AGE_CURVE[-1][1]
    (day0, share0), (day1, share1) = AGE_CURVE[index - 1], AGE_CURVE[index]
    return share0 + (share1 - share0) * (age_days - day0) / (day1 - day0)


def grade(likelihood):
    """A to E, as in :data:`GRADES`."""
    return next(letter for lowest, letter in GRADES if likelihood >= lowest)


def stop_suggested(expected_recovery, next_step_cost):
    """Whether the next step costs more than it is expected to recover. No next
    step, or a free one, is never a reason to stop."""
    return bool(next_step_cost) and next_step_cost > expected_recovery


def _weight_of_evidence(count):
    return count / (count + EVIDENCE_PRIOR)


def _logit(probability):
    probability = min(max(probability, _EPSILON), 1 - _EPSILON)
    return math.log(probability / (1 - probability))


def _sigmoid(log_odds):
    return 1 / (1 + math.exp(-log_odds))


def _history_effects(history):
    """The :class:`Reason` of each fact of the history that is known."""
    reasons = []
    due, paid = history.invoices_due, min(history.invoices_paid, history.invoices_due)
    if due:
        share = paid / due
        if share >= PAID_NEUTRAL_SHARE:
            signal = (share - PAID_NEUTRAL_SHARE) / (1 - PAID_NEUTRAL_SHARE)
        else:
            signal = (share - PAID_NEUTRAL_SHARE) / PAID_NEUTRAL_SHARE
        effect = PAID_WEIGHT * signal * _weight_of_evidence(due)
        reasons.append(Reason("paid_invoices", {"paid": paid, "total": due}, effect))
    average, median = history.avg_days_late, history.median_days_late
    days_late = median if median is not None else average
    if days_late is not None:
        signal = max(-1.0, min(1.0, (LATE_NEUTRAL_DAYS - days_late) / LATE_SPAN_DAYS))
        effect = LATE_WEIGHT * signal * _weight_of_evidence(max(history.invoices_paid, 1))
        values = {
            "days": round(average if average is not None else days_late),
            "median": round(days_late),
        }
        reasons.append(Reason("pays_late" if days_late > 0 else "pays_on_time", values, effect))
    kept, broken = history.promises_kept, history.promises_broken
    if kept + broken:
        signal = (kept - broken) / (kept + broken)
        effect = PROMISE_WEIGHT * signal * _weight_of_evidence(kept + broken)
        reasons.append(Reason("promises", {"kept": kept, "total": kept + broken}, effect))
    reached, failed = history.calls_reached, history.calls_failed
    if reached + failed:
        signal = (reached - failed) / (reached + failed)
        effect = CONTACT_WEIGHT * signal * _weight_of_evidence(reached + failed)
        values = {"reached": reached, "total": reached + failed}
        reasons.append(Reason("calls_reached", values, effect))
    if history.calls_failed_in_row:
        in_row = history.calls_failed_in_row
        effect = -NO_ANSWER_WEIGHT * min(in_row, NO_ANSWER_CAP) / NO_ANSWER_CAP
        reasons.append(Reason("no_answer", {"calls": in_row}, effect))
    if history.open_disputes:
        reasons.append(Reason("disputes", {"count": history.open_disputes}, -DISPUTE_WEIGHT))
    return reasons


def assess_recovery(history):
    """Likelihood of recovering the open debt of ``history`` (a
    :class:`DebtorHistory`), its grade, the facts that drive it, and the expected
    recovery (overdue amount × likelihood).

    likelihood = sigmoid(logit(age_collectability(age)) + sum of the effects)

    Older debt is never more likely, all else equal: the age only enters through the
    curve, which never rises. The likelihood stays strictly between 0 and 1.
    """
    base = age_collectability(history.age_days)
    effects = _history_effects(history)
    if effects:
        likelihood = _sigmoid(_logit(base) + sum(reason.effect for reason in effects))
    else:
        likelihood = base
    strongest = sorted(
        (reason for reason in effects if abs(reason.effect) >= REASON_MIN_EFFECT),
        key=lambda reason: -abs(reason.effect),
    )[:MAX_REASONS]
    reasons = tuple(strongest) or (Reason("age", {"days": history.age_days}, 0.0),)
    return Recovery(
        likelihood=likelihood,
        grade=grade(likelihood),
        reasons=reasons,
        expected_recovery=history.overdue_amount * likelihood,
    )
