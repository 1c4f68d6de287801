# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.account_move_line import OPEN_RECEIVABLE_FIELDS

AGING_BUCKETS = [
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("90_plus", "Over 90 days"),
]


class DebtFollowupAging(models.Model):
    """Aging of overdue receivables: one row per overdue installment, with its
    age bucket, for pivot and graph views. A read-only SQL view."""

    _name = "debt.followup.aging"
    _description = "Overdue Receivables Aging"
    _auto = False
    _order = "days_overdue desc, id"
    _rec_name = "move_id"
    _depends = {
        "account.move": ["debt_followup_level_id"],
        "account.move.line": [*OPEN_RECEIVABLE_FIELDS, "company_currency_id"],
    }

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(AGING_BUCKETS, string="Age", readonly=True)
    amount_residual = fields.Monetary(string="Overdue Amount", readonly=True)
    level_id = fields.Many2one("debt.followup.level", string="Follow-up Level", readonly=True)
    excluded = fields.Boolean(string="Excluded or Disputed", readonly=True)

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT aml.id AS id,
                   aml.move_id,
                   aml.partner_id,
                   aml.company_id,
                   aml.company_currency_id AS currency_id,
                   aml.date_maturity,
                   %(today)s - aml.date_maturity AS days_overdue,
                   CASE WHEN %(today)s - aml.date_maturity <= 30 THEN '1_30'
                        WHEN %(today)s - aml.date_maturity <= 60 THEN '31_60'
                        WHEN %(today)s - aml.date_maturity <= 90 THEN '61_90'
                        ELSE '90_plus' END AS bucket,
                   aml.amount_residual,
                   move.debt_followup_level_id AS level_id,
                   COALESCE(aml.no_followup, FALSE) AS excluded
              FROM %(items)s
              JOIN account_move move ON move.id = aml.move_id
             WHERE aml.amount_residual > 0
               AND aml.date_maturity < %(today)s
            """,
            items=self.env["account.move.line"]._debt_open_receivables_from(),
            today=today,
        )
