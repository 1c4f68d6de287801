# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class DebtFollowupAssignWizard(models.TransientModel):
    _name = "debt.followup.assign.wizard"
    _description = "Assign a Collector"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    collector_id = fields.Many2one(
        "res.users",
        required=True,
        domain=lambda self: self.env["res.users"]._debt_collector_domain(),
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        # A worklist row's id is its customer's id.
        if context.get("active_model") in ("res.partner", "debt.followup.worklist"):
            partners = self.env["res.partner"].browse(context.get("active_ids", []))
            values["partner_ids"] = [fields.Command.set(partners.commercial_partner_id.ids)]
        return values

    def action_assign(self):
        """Set the collector of the customers (in the current company) and hand
        their open follow-up activities over to it."""
        self.ensure_one()
        if not self.env.user.has_group("debt_followup.group_debt_collector"):
            raise AccessError(self.env._("Only collectors can assign customers to collectors."))
        self.partner_ids.commercial_partner_id.check_access("read")
        self.collector_id._debt_check_collector_assignable(self.env.company)
        cases = self.env["debt.followup.case"]._debt_for_partners(self.partner_ids)
        cases._debt_check_collector()
        cases.collector_id = self.collector_id
        cases._debt_open_activities().write({"user_id": self.collector_id.id})
        return {"type": "ir.actions.act_window_close"}
