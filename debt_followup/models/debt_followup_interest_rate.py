# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DebtFollowupInterestRate(models.Model):
    """The reference rate of a half-year (the ECB main refinancing rate in force
    on 1 January / 1 July, as published), before the statutory margin."""

    _name = "debt.followup.interest.rate"
    _description = "Reference Interest Rate"
    _order = "rule_id, date_from desc"
    _rec_name = "date_from"

    rule_id = fields.Many2one(
        "debt.followup.late.payment.rule", required=True, index=True, ondelete="cascade"
    )
    country_id = fields.Many2one(related="rule_id.country_id", store=True)
    date_from = fields.Date(string="Half-year From", required=True, help="1 January or 1 July.")
    reference_rate = fields.Float(string="Reference Rate (%)", required=True, digits=(5, 2))
    note = fields.Char(string="Source", help="Where the rate was published.")

    _half_year_uniq = models.UniqueIndex(
        "(rule_id, date_from)", "There is already a rate for this half-year."
    )

    @api.constrains("date_from")
    def _check_date_from(self):
        for rate in self:
            if rate.date_from.day != 1 or rate.date_from.month not in (1, 7):
                raise ValidationError(self.env._("A half-year starts on 1 January or on 1 July."))
