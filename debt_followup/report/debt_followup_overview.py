# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class DebtFollowupOverview(models.Model):
    """Key figures of collections, one row per company, read by PostgreSQL in one
    query: what is overdue, what is promised for the coming week, how promises are kept,
    how many calls were made, who is left out of follow-up, and the days sales
    outstanding. The collections overview shows it beside the detailed graphs."""

    _name = "debt.followup.overview"
    _description = "Collections Key Figures"
    _auto = False
    _rec_name = "company_id"
    _order = "company_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    overdue_partner_count = fields.Integer(string="Overdue Customers", readonly=True)
    overdue_90_amount = fields.Monetary(string="Overdue More Than 90 Days", readonly=True)
    promise_week_count = fields.Integer(string="Installments Due in 7 Days", readonly=True)
    promise_week_amount = fields.Monetary(
        string="Promised in 7 Days",
        readonly=True,
        help="Installments of open promises due from today to six days ahead.",
    )
    promise_kept_rate = fields.Integer(
        string="Promises Kept (%)",
        readonly=True,
        aggregator="avg",
        help="Promises kept among the promises kept or broken in the last 12 months.",
    )
    promise_broken_count = fields.Integer(string="Promises Broken (12 months)", readonly=True)
    call_count = fields.Integer(string="Calls (30 days)", readonly=True)
    call_reached_count = fields.Integer(string="Debtors Reached (30 days)", readonly=True)
    dispute_partner_count = fields.Integer(string="Customers in Dispute", readonly=True)
    no_contact_partner_count = fields.Integer(string="Customers Not to Contact", readonly=True)
    dso = fields.Integer(
        string="Days Sales Outstanding",
        readonly=True,
        aggregator="avg",
        help="Customer receivables divided by the sales of the last 365 days, times 365.",
    )

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH receivable AS (
                SELECT aml.company_id, aml.move_id, move.commercial_partner_id AS partner_id,
                       aml.amount_residual, aml.date_maturity, aml.no_followup
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_move move ON move.id = aml.move_id
                 WHERE account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE
            ),
            overdue AS (
                SELECT company_id,
                       SUM(amount_residual) FILTER (WHERE NOT COALESCE(no_followup, FALSE))
                           AS amount,
                       COUNT(DISTINCT partner_id) FILTER (WHERE NOT COALESCE(no_followup, FALSE))
                           AS partner_count,
                       SUM(amount_residual) FILTER (
                           WHERE NOT COALESCE(no_followup, FALSE) AND date_maturity < %(day_90)s
                       ) AS amount_90,
                       COUNT(DISTINCT partner_id) FILTER (WHERE no_followup) AS dispute_count
                  FROM receivable
                 WHERE amount_residual > 0 AND date_maturity < %(today)s
              GROUP BY company_id
            ),
            balance AS (
                SELECT company_id, SUM(amount_residual) AS amount
                  FROM receivable
              GROUP BY company_id
            ),
            sales AS (
                SELECT company_id, SUM(amount_total_signed) AS amount
                  FROM account_move
                 WHERE move_type IN ('out_invoice', 'out_refund')
                   AND state = 'posted'
                   AND invoice_date > %(year_ago)s
              GROUP BY company_id
            ),
            promise_week AS (
                SELECT company_id, COUNT(*) AS count, SUM(amount) AS amount
                  FROM debt_followup_promise_line
                 WHERE state = 'open' AND date BETWEEN %(today)s AND %(week_end)s
              GROUP BY company_id
            ),
            promise_result AS (
                SELECT company_id,
                       COUNT(*) FILTER (WHERE state = 'kept') AS kept,
                       COUNT(*) FILTER (WHERE state = 'broken') AS broken
                  FROM debt_followup_promise
                 WHERE state IN ('kept', 'broken') AND date > %(year_ago)s
              GROUP BY company_id
            ),
            calls AS (
                SELECT company_id, COUNT(*) AS count,
                       COUNT(*) FILTER (
                           WHERE outcome NOT IN ('no_answer', 'busy', 'wrong_number', 'third_party')
                       ) AS reached
                  FROM debt_followup_call
                 WHERE date >= %(month_ago)s
              GROUP BY company_id
            ),
            no_contact AS (
                SELECT receivable.company_id, COUNT(DISTINCT receivable.partner_id) AS count
                  FROM receivable
                  JOIN debt_followup_case cs ON cs.partner_id = receivable.partner_id
                   AND cs.company_id = receivable.company_id
                 WHERE cs.no_contact
                   AND receivable.amount_residual > 0
                   AND receivable.date_maturity < %(today)s
              GROUP BY receivable.company_id
            )
            SELECT company.id AS id,
                   company.id AS company_id,
                   company.currency_id AS currency_id,
                   COALESCE(overdue.amount, 0) AS overdue_amount,
                   COALESCE(overdue.partner_count, 0) AS overdue_partner_count,
                   COALESCE(overdue.amount_90, 0) AS overdue_90_amount,
                   COALESCE(promise_week.count, 0) AS promise_week_count,
                   COALESCE(promise_week.amount, 0) AS promise_week_amount,
                   COALESCE(ROUND(100.0 * promise_result.kept
                                  / NULLIF(promise_result.kept + promise_result.broken, 0)), 0)
                       AS promise_kept_rate,
                   COALESCE(promise_result.broken, 0) AS promise_broken_count,
                   COALESCE(calls.count, 0) AS call_count,
                   COALESCE(calls.reached, 0) AS call_reached_count,
                   COALESCE(overdue.dispute_count, 0) AS dispute_partner_count,
                   COALESCE(no_contact.count, 0) AS no_contact_partner_count,
                   COALESCE(ROUND(365 * balance.amount / NULLIF(sales.amount, 0)), 0) AS dso
              FROM res_company company
         LEFT JOIN overdue ON overdue.company_id = company.id
         LEFT JOIN balance ON balance.company_id = company.id
         LEFT JOIN sales ON sales.company_id = company.id
         LEFT JOIN promise_week ON promise_week.company_id = company.id
         LEFT JOIN promise_result ON promise_result.company_id = company.id
         LEFT JOIN calls ON calls.company_id = company.id
         LEFT JOIN no_contact ON no_contact.company_id = company.id
            """,
            today=today,
            day_90=today - timedelta(days=90),
            year_ago=today - timedelta(days=365),
            month_ago=today - timedelta(days=30),
            week_end=today + timedelta(days=6),
        )

    @api.model
    def _debt_open(self, name, res_model, domain):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "views": [[False, "list"], [False, "form"]],
            "domain": domain,
        }

    def action_open_promises_week(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        name = self.env._("Installments Due in the Next 7 Days")
        return self._debt_open(
            name,
            "debt.followup.promise.line",
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "open"),
                ("date", ">=", today),
                ("date", "<=", today + timedelta(days=6)),
            ],
        )

    def action_open_excluded(self):
        self.ensure_one()
        disputed = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("no_followup", "=", True),
                ("amount_residual", ">", 0),
            ]
        )
        name = self.env._("Customers Left Out of Follow-up")
        return self._debt_open(
            name,
            "res.partner",
            [
                "|",
                ("id", "in", disputed.move_id.commercial_partner_id.ids),
                "&",
                ("debt_no_contact", "=", True),
                ("debt_overdue_amount", ">", 0),
            ],
        )
