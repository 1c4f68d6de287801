# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.debt_followup_call import CALL_OUTCOMES


class DebtFollowupCallWizard(models.TransientModel):
    _name = "debt.followup.call.wizard"
    _description = "Log a Collection Call"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain=[("parent_id", "=", False)],
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    outcome = fields.Selection(CALL_OUTCOMES, required=True)
    note = fields.Text()
    duration = fields.Float(string="Duration (minutes)")
    promise_amount = fields.Monetary()
    promise_date = fields.Date()
    installment_count = fields.Integer(string="Installments", default=1)
    callback_date = fields.Datetime(string="Call Back On")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "account.move" and context.get("active_ids"):
            moves = self.env["account.move"].browse(context["active_ids"])
            partners = moves.commercial_partner_id
            if len(partners) > 1:
                raise UserError(
                    self.env._(
                        "Log a call for one customer at a time: the selected invoices "
                        "belong to %(partners)s.",
                        partners=", ".join(partners.mapped("display_name")),
                    )
                )
            values.update(partner_id=partners.id, move_ids=[fields.Command.set(moves.ids)])
        elif context.get("active_model") == "res.partner" and context.get("active_id"):
            partner = self.env["res.partner"].browse(context["active_id"])
            values["partner_id"] = partner.commercial_partner_id.id
        return values

    def action_log_call(self):
        self.ensure_one()
        call = self.env["debt.followup.call"].create(
            {
                "partner_id": self.partner_id.id,
                "move_ids": [fields.Command.set(self.move_ids.ids)],
                "outcome": self.outcome,
                "note": self.note,
                "duration": self.duration,
                "callback_date": self.callback_date,
                "company_id": self.company_id.id,
            }
        )
        outcome = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
        self.partner_id.message_post(
            body=self.env._("Collection call: %(outcome)s", outcome=outcome),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close", "res_id": call.id}
