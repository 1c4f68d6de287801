# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class DebtFollowupDisputeWizard(models.TransientModel):
    _name = "debt.followup.dispute.wizard"
    _description = "Dispute Invoices"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    reason = fields.Char(required=True, help="Why the customer disputes these invoices.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "account.move" and context.get("active_ids"):
            values["move_ids"] = [fields.Command.set(context["active_ids"])]
        return values

    def action_dispute(self):
        """Leave the invoices out of follow-up with the reason, and say so on them."""
        self.ensure_one()
        moves = self.move_ids
        if moves.filtered(lambda m: not m.is_sale_document(include_receipts=True)):
            raise UserError(self.env._("Only customer invoices can be disputed."))
        moves.write({"no_followup": True, "debt_dispute_reason": self.reason})
        for move in moves:
            move.message_post(
                body=self.env._("Disputed by the customer: %(reason)s", reason=self.reason),
                subtype_xmlid="mail.mt_note",
            )
        return {"type": "ir.actions.act_window_close"}
