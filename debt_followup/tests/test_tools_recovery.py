# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The expected-recovery rule, without a database."""

from dataclasses import replace

from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.recovery import (
    DEFAULT_STEP_COST,
    DebtorHistory,
    age_collectability,
    assess_recovery,
    grade,
    stop_suggested,
)

LETTER = DEFAULT_STEP_COST["letter"]

GOOD_PAYER = {
    "invoices_due": 12,
    "invoices_paid": 12,
    "avg_days_late": 4,
    "median_days_late": 2,
    "promises_kept": 1,
    "calls_reached": 3,
}
BAD_PAYER = {
    "invoices_due": 6,
    "invoices_paid": 2,
    "avg_days_late": 190,
    "median_days_late": 180,
    "promises_broken": 3,
    "calls_failed": 5,
    "calls_failed_in_row": 3,
}

# (what, history, likelihood range, grades, next step cost, stop suggested)
CASES = [
    (
        "good payer, large young debt",
        DebtorHistory(age_days=20, overdue_amount=48_000, **GOOD_PAYER),
        (0.9, 1.0),
        "A",
        DEFAULT_STEP_COST["legal"],
        False,
    ),
    (
        "good payer, small debt worth a letter",
        DebtorHistory(age_days=20, overdue_amount=LETTER * 1.5, **GOOD_PAYER),
        (0.9, 1.0),
        "A",
        LETTER,
        False,
    ),
    (
        "three broken promises, six months late, less than a registered letter",
        DebtorHistory(age_days=182, overdue_amount=LETTER * 0.9, **BAD_PAYER),
        (0.0, 0.1),
        "E",
        LETTER,
        True,
    ),
    (
        "same bad payer, large debt: a letter is still worth it",
        DebtorHistory(age_days=182, overdue_amount=12_000, **BAD_PAYER),
        (0.0, 0.1),
        "E",
        LETTER,
        False,
    ),
    (
        "same bad payer, large debt: a lawyer is not",
        DebtorHistory(age_days=182, overdue_amount=6_000, **BAD_PAYER),
        (0.0, 0.1),
        "E",
        DEFAULT_STEP_COST["legal"],
        True,
    ),
    (
        "no history, three months",
        DebtorHistory(age_days=90, overdue_amount=1_000),
        (0.69, 0.71),
        "B",
        DEFAULT_STEP_COST["phone"],
        False,
    ),
    (
        "no history, six months",
        DebtorHistory(age_days=182, overdue_amount=1_000),
        (0.45, 0.50),
        "C",
        DEFAULT_STEP_COST["phone"],
        False,
    ),
    (
        "no history, two years: a visit costs more than it brings",
        DebtorHistory(age_days=730, overdue_amount=500),
        (0.09, 0.11),
        "E",
        DEFAULT_STEP_COST["visit"],
        True,
    ),
    (
        "open dispute and unanswered calls on a young debt",
        DebtorHistory(age_days=30, overdue_amount=2_000, open_disputes=1, calls_failed_in_row=4),
        (0.4, 0.8),
        "BC",
        DEFAULT_STEP_COST["phone"],
        False,
    ),
]


class TestToolsRecovery(BaseCase):
    def test_table(self):
        for what, history, (low, high), grades, cost, stop in CASES:
            with self.subTest(what):
                result = assess_recovery(history)
                assert low <= result.likelihood <= high, result
                assert result.grade in grades, result
                assert result.expected_recovery == history.overdue_amount * result.likelihood
                assert stop_suggested(result.expected_recovery, cost) is stop, result

    def test_good_payer_reasons_speak_in_its_favour(self):
        result = assess_recovery(DebtorHistory(age_days=20, overdue_amount=48_000, **GOOD_PAYER))
        assert result.reasons
        assert all(reason.effect > 0 for reason in result.reasons), result.reasons

    def test_bad_payer_reasons_say_why(self):
        result = assess_recovery(DebtorHistory(age_days=182, overdue_amount=7, **BAD_PAYER))
        keys = [reason.key for reason in result.reasons]
        assert keys == ["promises", "pays_late", "no_answer"], result.reasons
        assert result.reasons[0].values == {"kept": 0, "total": 3}
        assert result.reasons[1].values == {"days": 190, "median": 180}
        assert result.reasons[2].values == {"calls": 3}
        assert all(reason.effect < 0 for reason in result.reasons)

    def test_paying_on_the_due_date_speaks_for_the_debtor(self):
        history = DebtorHistory(
            age_days=10, invoices_paid=20, avg_days_late=0.4, median_days_late=0
        )
        [reason] = assess_recovery(history).reasons
        assert reason.key == "pays_on_time"
        assert reason.values == {"days": 0, "median": 0}
        assert reason.effect > 0

    def test_reasons_are_the_strongest_drivers_strongest_first(self):
        history = DebtorHistory(
            age_days=60,
            invoices_due=10,
            invoices_paid=7,  # a little under the neutral share: weak
            promises_kept=4,  # strong, for
            calls_failed_in_row=4,  # strong, against
            open_disputes=1,  # medium, against
        )
        result = assess_recovery(history)
        effects = [abs(reason.effect) for reason in result.reasons]
        assert len(result.reasons) == 3
        assert effects == sorted(effects, reverse=True)
        assert {reason.key for reason in result.reasons} == {"promises", "no_answer", "disputes"}
        assert "paid_invoices" not in {reason.key for reason in result.reasons}

    def test_no_history_is_the_age_curve_alone(self):
        for age in (0, 1, 30, 45, 90, 135, 182, 270, 365, 500, 730, 2000):
            with self.subTest(age=age):
                result = assess_recovery(DebtorHistory(age_days=age, overdue_amount=100))
                assert result.likelihood == age_collectability(age)
                assert [(r.key, r.values) for r in result.reasons] == [("age", {"days": age})]

    def test_age_curve_follows_the_published_figures(self):
        assert age_collectability(0) == 0.95
        assert age_collectability(90) == 0.70
        assert 0.45 <= age_collectability(182) <= 0.50
        assert age_collectability(365) == 0.25
        assert age_collectability(730) == 0.10
        # interpolated between the published points, flat after the last one
        assert age_collectability(45) == (0.95 + 0.70) / 2
        assert age_collectability(3650) == 0.10
        # not yet due counts as current
        assert age_collectability(-10) == 0.95

    def test_older_debt_never_more_likely_all_else_equal(self):
        for what, history, *_rest in CASES:
            with self.subTest(what):
                previous = 1.0
                for age in range(0, 1200, 7):
                    older = replace(history, age_days=age)
                    likelihood = assess_recovery(older).likelihood
                    assert likelihood <= previous, (age, likelihood, previous)
                    previous = likelihood

    def test_bounds(self):
        extremes = [
            DebtorHistory(),
            DebtorHistory(
                age_days=0,
                invoices_due=1_000,
                invoices_paid=1_000,
                avg_days_late=-30,
                median_days_late=-30,
                promises_kept=1_000,
                calls_reached=1_000,
            ),
            DebtorHistory(
                age_days=10_000,
                invoices_due=1_000,
                avg_days_late=5_000,
                median_days_late=5_000,
                promises_broken=1_000,
                calls_failed=1_000,
                calls_failed_in_row=1_000,
                open_disputes=1_000,
            ),
        ]
        for history in extremes:
            with self.subTest(history=history):
                likelihood = assess_recovery(history).likelihood
                assert 0.0 < likelihood < 1.0

    def test_grades(self):
        table = [(1.0, "A"), (0.8, "A"), (0.79, "B"), (0.6, "B"), (0.59, "C"), (0.4, "C")]
        table += [(0.39, "D"), (0.2, "D"), (0.19, "E"), (0.0, "E")]
        for likelihood, expected in table:
            with self.subTest(likelihood=likelihood):
                assert grade(likelihood) == expected

    def test_stop_suggested(self):
        assert stop_suggested(7.0, 8.0)
        assert not stop_suggested(8.0, 8.0)
        assert not stop_suggested(9.0, 8.0)
        # no next step (end of the ladder) or a free one: nothing to stop
        assert not stop_suggested(0.0, 0.0)
        assert not stop_suggested(0.0, None)

    def test_history_is_frozen(self):
        with self.assertRaises(AttributeError):
            DebtorHistory().age_days = 3
