# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which follow-up step is due next, and from which date.

The ladder is a list of steps in order; each step has a delay (days after the oldest
unpaid due date; negative for a courtesy reminder before it) and says whether it is a
written step. A customer moves one step at a time and never skips one, except when a
collector asks for the next *written* step (too many unanswered calls). A courtesy step
(negative delay) is a reminder *before* the due date: a customer whose oldest unpaid
due date has passed starts at the first step with a delay of zero or more.
"""

from datetime import date, timedelta
from typing import NamedTuple


class Step(NamedTuple):
    """One rung of the ladder, as the rule needs it."""

    delay: int
    written: bool = False


class NextStep(NamedTuple):
    """The step due next (its index in the ladder) and the first date it may run."""

    index: int
    date: object


def next_step(
    ladder,
    current_index,
    oldest_due_date,
    last_action_date,
    interval,
    *,
    escalate_date=None,
    written_only=False,
    paused_until=None,
    today=None,
):
    """Return the :class:`NextStep` due for a customer, or ``None``.

    :param ladder: list of :class:`Step` in ladder order
    :param current_index: index in ``ladder`` of the customer's current step,
        ``None`` when the customer has none yet
    :param oldest_due_date: oldest unpaid due date among the invoices followed up
        (``None``: nothing to follow up, nothing is due)
    :param last_action_date: date of the last step taken (``None``: never)
    :param interval: minimum number of days between two steps
    :param escalate_date: when set, the next step is due from that date whatever its
        delay and the interval (a refused call, a broken promise)
    :param written_only: look for the next written step instead of the next step
    :param paused_until: no step before that date (the customer says it has paid)
    :param today: the day the rule is applied (default: the system's date); once
        ``oldest_due_date`` is before it, courtesy steps are passed over
    :return: ``NextStep(index, date)``; ``None`` at the end of the ladder.
        Never two steps the same day: the date is always after ``last_action_date``.
    """
    if oldest_due_date is None or not ladder:
        return None
    start = 0 if current_index is None else current_index + 1
    past_due = oldest_due_date < (today or date.today())
    index = next(
        (
            i
            for i in range(start, len(ladder))
            if (ladder[i].written or not written_only) and not (past_due and ladder[i].delay < 0)
        ),
        None,
    )
    if index is None:
        return None
    if escalate_date:
        due = escalate_date
    else:
        due = oldest_due_date + timedelta(days=ladder[index].delay)
        if last_action_date:
            due = max(due, last_action_date + timedelta(days=interval))
    if last_action_date:
        due = max(due, last_action_date + timedelta(days=1))
    if paused_until:
        due = max(due, paused_until)
    return NextStep(index, due)


def followup_status(*, overdue, chased, promised, no_contact, action_due):
    """The follow-up status of a customer (a key of ``FOLLOWUP_STATUSES``).

    :param overdue: overdue amount, disputed and promised invoices included
    :param chased: overdue amount that follow-up may chase (not excluded, not
        covered by an open promise)
    :param promised: overdue amount covered by an open promise
    :param no_contact: the customer asked not to be contacted
    :param action_due: a step or a follow-up activity is due today
    """
    if not overdue:
        return "ok"
    if no_contact:
        return "excluded"
    if not chased:
        return "promised" if promised else "excluded"
    return "action_due" if action_due else "overdue"
