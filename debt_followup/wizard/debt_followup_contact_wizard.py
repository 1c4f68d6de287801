# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import email_normalize


class DebtFollowupContactWizard(models.TransientModel):
    """A collector corrects a debtor's phone number and e-mail address.

    Collectors read customers without editing them (no Contact Creation right:
    that would let them rename, merge or delete any partner). This is their one
    narrow path: two fields of a customer (or of one of its contacts) whose
    collection case they may work on, written on the server after that check,
    and logged on the case."""

    _name = "debt.followup.contact.wizard"
    _description = "Correct a Debtor's Contact Data"

    partner_id = fields.Many2one("res.partner", string="Contact", required=True, readonly=True)
    phone = fields.Char()
    email = fields.Char(string="E-mail")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_id"):
            partner = self.env["res.partner"].browse(context["active_id"])
        elif context.get("active_model") == "debt.followup.case" and context.get("active_id"):
            partner = self.env["debt.followup.case"].browse(context["active_id"]).partner_id
        else:
            return values
        values.update(partner_id=partner.id, phone=partner.phone, email=partner.email)
        return values

    def _debt_check_customer(self, partner):
        """Only a collector, and only the contact data of a customer invoiced by
        the current company: never a user's, a company's own or a supplier's."""
        if not self.env.user.has_group("debt_followup.group_debt_collector"):
            raise AccessError(
                self.env._("Only debt collectors may correct a debtor's contact data.")
            )
        commercial = partner.commercial_partner_id
        invoiced = (
            self.env["account.move"]
            .sudo()
            .search_count(
                [
                    ("commercial_partner_id", "=", commercial.id),
                    ("company_id", "=", self.env.company.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                ],
                limit=1,
            )
        )
        if (
            not invoiced
            or partner.sudo().user_ids
            or self.env["res.company"]
            .sudo()
            .search_count([("partner_id", "=", commercial.id)], limit=1)
        ):
            raise AccessError(
                self.env._("Collectors correct the contact data of the company's customers only.")
            )

    def action_save(self):
        self.ensure_one()
        partner = self.partner_id
        self._debt_check_customer(partner)
        case = self.env["debt.followup.case"]._debt_for_partners(partner.commercial_partner_id)
        case._debt_check_collector()
        phone = (self.phone or "").strip() or False
        email = (self.email or "").strip() or False
        if email and not email_normalize(email):
            raise ValidationError(
                self.env._("%(email)s is not a valid e-mail address.", email=email)
            )
        changes = {
            fname: value
            for fname, value in (("phone", phone), ("email", email))
            if value != (partner[fname] or False)
        }
        if not changes:
            return {"type": "ir.actions.act_window_close"}
        old = {fname: partner[fname] or "-" for fname in changes}
        # Checked above: a collector of this customer's case, two fields only.
        partner.sudo().write(changes)
        labels = {"phone": self.env._("phone"), "email": self.env._("e-mail")}
        lines = [
            self.env._(
                "%(field)s: %(old)s → %(new)s",
                field=labels[fname],
                old=old[fname],
                new=changes[fname] or "-",
            )
            for fname in changes
        ]
        case.message_post(
            body=self.env._(
                "Contact data of %(contact)s corrected by %(user)s. %(changes)s",
                contact=partner.display_name,
                user=self.env.user.name,
                changes="; ".join(lines),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
