# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


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

    @api.model
    def _debt_dispute(self, moves, reason):
        """Leave ``moves`` out of follow-up with ``reason`` (returned stripped).

        The one write on invoices that collectors make: they read invoices but
        may not edit them (no Billing rights: they must not reconcile or cancel).
        So this narrow path checks who asks, which invoices and why, then writes
        only the two follow-up fields as superuser."""
        if not self.env.user.has_group("debt_followup.group_debt_collector"):
            raise AccessError(self.env._("Only collectors can record a dispute."))
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(self.env._("Give the reason of the dispute."))
        # Record rules: only invoices of the user's current companies.
        moves.check_access("read")
        if not moves or moves.filtered(lambda m: not m.is_sale_document(include_receipts=True)):
            raise UserError(self.env._("Only customer invoices can be disputed."))
        moves.sudo().write({"no_followup": True, "debt_dispute_reason": reason})
        return reason

    def action_dispute(self):
        """Leave the invoices out of follow-up with the reason, and say so on them."""
        self.ensure_one()
        moves = self.move_ids
        reason = self._debt_dispute(moves, self.reason)
        body = self.env._("Disputed by the customer: %(reason)s", reason=reason)
        moves._message_log_batch(bodies=dict.fromkeys(moves.ids, body))
        return {"type": "ir.actions.act_window_close"}
