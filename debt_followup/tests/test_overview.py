# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The key figures of the collections overview, computed by PostgreSQL."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-11-27")
class TestOverview(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer_pt = Partner.create({"name": "Construções Almeida", "is_company": True})
        cls.customer_quiet = Partner.create(
            {"name": "Padaria Lusitana", "is_company": True, "debt_no_contact": True}
        )
        cls.customer_dispute = Partner.create({"name": "Trattoria Da Gino", "is_company": True})
        with freeze_time("2026-11-27"):
            # 1,000 overdue 100 days, 500 overdue 10 days, 300 not yet due.
            cls.old = cls._create_overdue_invoice(
                cls.customer_it, 1000.0, date(2026, 7, 20), date(2026, 8, 19)
            )
            cls.recent = cls._create_overdue_invoice(
                cls.customer_pt, 500.0, date(2026, 10, 18), date(2026, 11, 17)
            )
            cls._create_overdue_invoice(
                cls.customer_pt, 300.0, date(2026, 11, 20), date(2026, 12, 20)
            )
            cls._create_overdue_invoice(
                cls.customer_quiet, 200.0, date(2026, 10, 1), date(2026, 10, 31)
            )
            disputed = cls._create_overdue_invoice(
                cls.customer_dispute, 700.0, date(2026, 10, 1), date(2026, 10, 31)
            )
        disputed.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).no_followup = True
        Promise = cls.env["debt.followup.promise"]
        Promise.create(
            {
                "partner_id": cls.customer_pt.id,
                "move_ids": [Command.set(cls.recent.ids)],
                "amount": 500.0,
                "date": date(2026, 11, 25),
                "line_ids": [
                    Command.create({"date": date(2026, 12, 1), "amount": 200.0}),
                    Command.create({"date": date(2026, 12, 20), "amount": 300.0}),
                ],
            }
        )
        # Promises of the past, closed: history only the server records as such.
        for state in ("kept", "kept", "kept", "broken", "cancelled"):
            Promise.sudo().create(
                {
                    "partner_id": cls.customer_it.id,
                    "move_ids": [Command.set(cls.old.ids)],
                    "amount": 100.0,
                    "date": date(2026, 9, 1),
                    "line_ids": [Command.create({"date": date(2026, 9, 15), "amount": 100.0})],
                    "state": state,
                }
            )
        Call = cls.env["debt.followup.call"]
        for outcome, day in (("promise", 25), ("no_answer", 20), ("refused", 1)):
            Call.create(
                {
                    "partner_id": cls.customer_it.id,
                    "outcome": outcome,
                    "date": datetime(2026, 11, day, 10, 0),
                }
            )
        Call.create(
            {
                "partner_id": cls.customer_it.id,
                "outcome": "reached",
                "date": datetime(2026, 10, 27, 10, 0),
            }
        )

    def _figures(self):
        return self.env["debt.followup.overview"].search([("company_id", "=", self.company.id)])

    def test_overdue_figures(self):
        figures = self._figures()
        self.assertEqual(len(figures), 1)
        self.assertAlmostEqual(figures.overdue_amount, 1700.0)
        self.assertEqual(figures.overdue_partner_count, 3)
        self.assertAlmostEqual(figures.overdue_90_amount, 1000.0)

    def test_exclusions(self):
        figures = self._figures()
        self.assertEqual(figures.dispute_partner_count, 1)
        self.assertEqual(figures.no_contact_partner_count, 1)
        action = figures.action_open_excluded()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]),
            self.customer_quiet | self.customer_dispute,
        )

    def test_promises(self):
        figures = self._figures()
        # Only the installment of 1 December falls in the next seven days.
        self.assertEqual(figures.promise_week_count, 1)
        self.assertAlmostEqual(figures.promise_week_amount, 200.0)
        # Three kept and one broken; the cancelled promise does not count.
        self.assertEqual(figures.promise_kept_rate, 75)
        self.assertEqual(figures.promise_broken_count, 1)
        lines = self.env["debt.followup.promise.line"].search(
            figures.action_open_promises_week()["domain"]
        )
        self.assertEqual(lines.mapped("amount"), [200.0])

    def test_calls_of_the_last_30_days(self):
        figures = self._figures()
        self.assertEqual(figures.call_count, 3)
        self.assertEqual(figures.call_reached_count, 2)

    def test_days_sales_outstanding(self):
        # Receivable 2,700 over 2,700 of sales in the last year: 365 days.
        self.assertEqual(self._figures().dso, 365)

    def test_collector_cannot_read_figures(self):
        with self.assertRaises(AccessError):
            self.env["debt.followup.overview"].with_user(self.collector).search([])
