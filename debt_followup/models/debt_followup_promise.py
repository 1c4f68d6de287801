# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]


class DebtFollowupPromise(models.Model):
    _name = "debt.followup.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        domain=[("parent_id", "=", False)],
    )
    move_ids = fields.Many2many(
        "account.move",
        "debt_followup_promise_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('move_type', '=', 'out_invoice')]",
    )
    call_id = fields.Many2one("debt.followup.call", index="btree_not_null")
    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    date = fields.Date(string="Promised On", required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True, tracking=True)
    line_ids = fields.One2many(
        "debt.followup.promise.line", "promise_id", string="Installments", copy=True
    )
    residual_at_promise = fields.Monetary(
        string="Residual When Promised",
        readonly=True,
        help="What the covered invoices still owed when the promise was made.",
    )
    paid_amount = fields.Monetary(compute="_compute_paid_amount")
    state = fields.Selection(
        PROMISE_STATES, required=True, default="open", tracking=True, index=True
    )
    note = fields.Text(groups="debt_followup.group_debt_collector")

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "A promise to pay needs an amount above zero."
    )

    @api.depends("partner_id", "amount", "currency_id")
    def _compute_name(self):
        for promise in self:
            promise.name = self.env._(
                "%(partner)s: %(amount)s",
                partner=promise.partner_id.display_name or "",
                amount=promise.currency_id.format(promise.amount)
                if promise.currency_id
                else promise.amount,
            )

    @api.depends("move_ids.amount_residual", "residual_at_promise", "amount")
    def _compute_paid_amount(self):
        for promise in self:
            residual_now = sum(promise.move_ids.mapped("amount_residual"))
            paid = promise.residual_at_promise - residual_now
            promise.paid_amount = min(max(paid, 0.0), promise.amount)

    @api.constrains("amount", "line_ids")
    def _check_lines_sum(self):
        for promise in self.filtered("line_ids"):
            total = sum(promise.line_ids.mapped("amount"))
            if promise.currency_id.compare_amounts(total, promise.amount):
                raise ValidationError(
                    self.env._(
                        "The installments add up to %(total)s, but the promise is for %(amount)s.",
                        total=promise.currency_id.format(total),
                        amount=promise.currency_id.format(promise.amount),
                    )
                )
