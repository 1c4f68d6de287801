# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DebtFollowupLatePaymentRule(models.Model):
    """What the law of a creditor's country grants on late payment: statutory
    interest (reference rate of the half-year + margin), a flat compensation per
    unpaid invoice, and the cap of a late fine charged to consumers. Global: the
    law follows the country of the company that invoices."""

    _name = "debt.followup.late.payment.rule"
    _description = "Late Payment Rule"
    _order = "country_id"

    country_id = fields.Many2one("res.country", required=True, index=True)
    law = fields.Char(
        required=True,
        help="Short reference printed on interest invoices and letters, e.g. D.Lgs. 231/2002.",
    )
    business_only = fields.Boolean(
        string="Business Debtors Only",
        default=True,
        help="Interest and compensation are charged to businesses and public bodies, "
        "never to consumers (a contact that is not a company and has no tax ID).",
    )
    margin = fields.Float(
        string="Points Above the Reference Rate",
        default=8.0,
        help="Statutory interest = reference rate of the half-year + these points.",
    )
    compensation_amount = fields.Monetary(
        string="Compensation per Unpaid Invoice",
        currency_field="currency_id",
        help="Flat compensation for recovery costs, due without a formal demand.",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.ref("base.EUR")
    )
    consumer_fine_cap = fields.Float(
        string="Consumer Late Fine Cap (%)",
        help="Highest late fine, in percent of the unpaid amount, that the company "
        "settings may charge (Brazil: 2%, CDC art. 52 §1). Zero: no cap.",
    )
    rate_ids = fields.One2many(
        "debt.followup.interest.rate", "rule_id", string="Reference Rates", copy=True
    )
    note = fields.Text(string="Source")
    active = fields.Boolean(default=True)

    _country_uniq = models.UniqueIndex(
        "(country_id) WHERE active",
        "There is already an active late payment rule for this country.",
    )
    _values_positive = models.Constraint(
        "CHECK(margin >= 0 AND compensation_amount >= 0 AND consumer_fine_cap >= 0)",
        "Points, compensation and fine cap cannot be negative.",
    )

    @api.constrains("consumer_fine_cap", "country_id")
    def _check_consumer_fine_cap(self):
        companies = (
            self.env["res.company"]
            .sudo()
            .search(
                [
                    ("partner_id.country_id", "in", self.country_id.ids),
                    ("debt_late_fine_percent", ">", 0),
                ]
            )
        )
        companies._check_debt_late_fine_percent()

    @api.model
    def _for_company(self, company):
        return self.sudo().search([("country_id", "=", company.country_id.id)], limit=1)

    def _rates(self):
        """{1 January / 1 July: reference rate} of this rule."""
        self.ensure_one()
        return {rate.date_from: rate.reference_rate for rate in self.rate_ids}
