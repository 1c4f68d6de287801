# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_followup_interval = fields.Integer(
        related="company_id.debt_followup_interval", readonly=False
    )
    debt_min_amount = fields.Monetary(
        related="company_id.debt_min_amount",
        currency_field="currency_id",
        readonly=False,
    )
    debt_max_call_attempts = fields.Integer(
        related="company_id.debt_max_call_attempts", readonly=False
    )
    debt_promise_grace_days = fields.Integer(
        related="company_id.debt_promise_grace_days", readonly=False
    )
    debt_max_conversations_day = fields.Integer(
        related="company_id.debt_max_conversations_day", readonly=False
    )
    debt_max_conversations_week = fields.Integer(
        related="company_id.debt_max_conversations_week", readonly=False
    )
    debt_max_attempts = fields.Integer(related="company_id.debt_max_attempts", readonly=False)
    debt_attempts_period = fields.Integer(related="company_id.debt_attempts_period", readonly=False)
    debt_late_fine_percent = fields.Float(
        related="company_id.debt_late_fine_percent", readonly=False
    )
    debt_responsible_id = fields.Many2one(related="company_id.debt_responsible_id", readonly=False)
    debt_portal_link_days = fields.Integer(
        related="company_id.debt_portal_link_days", readonly=False
    )
    debt_portal_max_days = fields.Integer(related="company_id.debt_portal_max_days", readonly=False)
    debt_portal_max_installments = fields.Integer(
        related="company_id.debt_portal_max_installments", readonly=False
    )
    debt_portal_min_first_percent = fields.Float(
        related="company_id.debt_portal_min_first_percent", readonly=False
    )
