# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ReportDebtFollowupLetter(models.AbstractModel):
    _name = "report.debt_followup.report_debt_followup_letter"
    _description = "Debt Follow-up Reminder Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        """Each partner's letter says the text of its current level's e-mail
        template (the first written reminder when the level has none), in the
        partner's language, so that the letter and the e-mail never disagree."""
        partners = self.env["res.partner"].browse(docids)
        fallback = self.env.ref("debt_followup.mail_template_debt_reminder")
        letters = {}
        for partner in partners:
            commercial = partner.commercial_partner_id
            template = commercial.debt_followup_level_id.mail_template_id or fallback
            render = {
                field: template._render_field(field, commercial.ids, compute_lang=True)[
                    commercial.id
                ]
                for field in ("subject", "body_html")
            }
            lang = commercial.lang or self.env.lang
            # The invoice contact, at its own address, else the company's.
            contact = commercial.browse(commercial.address_get(["invoice"])["invoice"])
            letters[partner.id] = {
                "lang": lang,
                "contact": contact if contact.street else commercial,
                "facts": self.env["debt.followup.level"]
                .with_context(lang=lang)
                ._debt_render_values(commercial),
                "subject": render["subject"],
                "body": render["body_html"],
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "letters": letters,
            "data": data,
        }
