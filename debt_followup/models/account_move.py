# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    debt_followup_level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level",
        copy=False,
        index="btree_not_null",
        help="Last follow-up step that included this invoice.",
    )
    debt_last_action_date = fields.Date(string="Last Follow-up Action", copy=False)
    debt_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_debt_days_overdue",
        search="_search_debt_days_overdue",
    )
    debt_promise_id = fields.Many2one(
        "debt.followup.promise",
        string="Promise to Pay",
        compute="_compute_debt_promise_id",
        search="_search_debt_promise_id",
    )
    debt_dispute_reason = fields.Char(
        string="Dispute Reason",
        copy=False,
        help="Why the customer disputes this invoice; the invoice is left out of follow-up.",
    )

    def _debt_stamp_step(self, level, day):
        """Record a follow-up step on these invoices in one statement. Two
        columns of the addon's own that nothing is computed from: written
        without ``account.move.write`` (which checks and resynchronises each
        invoice) and without a new ``write_date``, since the invoice itself did
        not change (a user editing it meanwhile gets no concurrent-change
        warning)."""
        if not self:
            return
        fnames = ["debt_followup_level_id", "debt_last_action_date"]
        self.flush_recordset(fnames)
        self.env.execute_query(
            SQL(
                """UPDATE account_move
                      SET debt_followup_level_id = %s, debt_last_action_date = %s
                    WHERE id = ANY(%s)""",
                level.id,
                day,
                self.ids,
            )
        )
        self.invalidate_recordset(fnames)

    def _debt_ensure_access_tokens(self):
        """Give these invoices a portal access token where they have none, in one
        statement: what ``_portal_ensure_token`` does one invoice at a time,
        without the ORM ``write`` that resynchronises each invoice's lines."""
        missing = self.filtered(lambda move: not move.access_token)
        if not missing:
            return
        self.flush_recordset(["access_token"])
        self.env.execute_query(
            SQL(
                """UPDATE account_move SET access_token = gen_random_uuid()::text
                    WHERE id = ANY(%s) AND access_token IS NULL""",
                missing.ids,
            )
        )
        missing.invalidate_recordset(["access_token"])
        missing.fetch(["access_token"])

    @api.depends("line_ids.date_maturity", "line_ids.amount_residual", "state")
    def _compute_debt_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            maturities = [
                line.date_maturity
                for line in move.line_ids
                if line.account_type == "asset_receivable"
                and not line.reconciled
                and line.amount_residual > 0
                and line.date_maturity
                and line.date_maturity < today
            ]
            move.debt_days_overdue = (
                (today - min(maturities)).days if move.state == "posted" and maturities else 0
            )

    def _search_debt_days_overdue(self, operator, value):
        """Invoices with an unpaid installment overdue for more than (or at least)
        ``value`` days."""
        if operator not in (">", ">=") or not isinstance(value, int):
            return NotImplemented
        today = fields.Date.context_today(self)
        days = value + 1 if operator == ">" else value
        return [
            ("state", "=", "posted"),
            (
                "line_ids",
                "any",
                [
                    ("account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<=", today - timedelta(days=days)),
                ],
            ),
        ]

    def action_debt_open_case(self):
        """The collection case of the invoice's customer in the invoice's company."""
        self.ensure_one()
        return self.commercial_partner_id.with_company(self.company_id).action_debt_open_case()

    def _compute_debt_promise_id(self):
        promises = self.env["debt.followup.promise"].search(
            [("state", "=", "open"), ("move_ids", "in", self.ids)], order="id"
        )
        by_move = {}
        for promise in promises:
            for move in promise.move_ids:
                by_move.setdefault(move.id, promise)
        for move in self:
            move.debt_promise_id = by_move.get(move.id, False)

    def _search_debt_promise_id(self, operator, value):
        if operator not in ("in", "not in", "any"):
            return NotImplemented
        promises = self.env["debt.followup.promise"].search(
            [("state", "=", "open"), ("id", operator, value)]
        )
        return [("id", "in", promises.move_ids.ids)]
