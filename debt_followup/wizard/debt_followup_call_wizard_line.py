# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DebtFollowupCallWizardLine(models.TransientModel):
    _name = "debt.followup.call.wizard.line"
    _description = "Log a Collection Call: Installment"
    _order = "date, id"

    wizard_id = fields.Many2one("debt.followup.call.wizard", required=True, ondelete="cascade")
    date = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one(related="wizard_id.promise_currency_id")
