# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DebtFollowupPromiseLine(models.Model):
    _name = "debt.followup.promise.line"
    _description = "Promise to Pay Installment"
    _order = "date, id"

    promise_id = fields.Many2one(
        "debt.followup.promise", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one(related="promise_id.currency_id", store=True)
    company_id = fields.Many2one(related="promise_id.company_id", store=True)
    partner_id = fields.Many2one(related="promise_id.partner_id", store=True)
    state = fields.Selection(related="promise_id.state", store=True)

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "Each installment needs an amount above zero."
    )
