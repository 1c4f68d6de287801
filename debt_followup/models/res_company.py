# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_followup_interval = fields.Integer(
        string="Days Between Follow-up Actions",
        default=7,
        help="Minimum number of days between two follow-up steps for the same customer.",
    )
    debt_min_amount = fields.Monetary(
        string="Minimum Amount to Follow Up",
        currency_field="currency_id",
        default=0.0,
        help="Customers whose net receivable is at or below this amount get no action.",
    )
    debt_max_call_attempts = fields.Integer(
        string="Failed Call Attempts Before Writing",
        default=3,
        help="After this many unanswered or busy calls in a row, the next written step is due.",
    )
    debt_responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        help="Gets the follow-up activities of customers without a collector or salesperson.",
    )
    debt_promise_grace_days = fields.Integer(
        string="Promise Grace Days",
        default=2,
        help="Days allowed after an installment date before the promise counts as broken.",
    )

    _debt_followup_interval_positive = models.Constraint(
        "CHECK(debt_followup_interval >= 0)",
        "The number of days between follow-up actions cannot be negative.",
    )
    _debt_min_amount_positive = models.Constraint(
        "CHECK(debt_min_amount >= 0)",
        "The minimum amount to follow up cannot be negative.",
    )
    _debt_max_call_attempts_positive = models.Constraint(
        "CHECK(debt_max_call_attempts >= 1)",
        "At least one call attempt is needed before writing.",
    )
    _debt_promise_grace_days_positive = models.Constraint(
        "CHECK(debt_promise_grace_days >= 0)",
        "The promise grace days cannot be negative.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["debt.followup.level"].sudo()._copy_ladder_to(companies)
        return companies
