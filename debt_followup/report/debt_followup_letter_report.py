# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ReportDebtFollowupLetter(models.AbstractModel):
    _name = "report.debt_followup.report_debt_followup_letter"
    _description = "Debt Follow-up Reminder Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        """Each partner's letter says the text of its current level's e-mail
        template (the first reminder when the level has none), in the partner's
        language, so that the letter and the e-mail never disagree. The template
        renders with ``debt_paper``: a subject line, no buttons, no footer (the
        creditor's identification is in the letterhead)."""
        partners = self.env["res.partner"].browse(docids)
        fallback = self.env.ref("debt_followup.mail_template_debt_reminder")
        paper = self.with_context(debt_paper=True)
        letters = {}
        for partner in partners:
            commercial = partner.commercial_partner_id
            template = commercial.debt_followup_level_id.mail_template_id or fallback
            body = template.with_env(paper.env)._render_field(
                "body_html", commercial.ids, compute_lang=True
            )[commercial.id]
            lang = commercial.lang or self.env.lang
            # The invoice contact, at its own address, else the company's.
            contact = commercial.browse(commercial.address_get(["invoice"])["invoice"])
            letters[partner.id] = {
                "lang": lang,
                "contact": contact if contact.street else commercial,
                "facts": paper.env["debt.followup.level"]
                .with_context(lang=lang)
                ._debt_render_values(commercial),
                "body": body,
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "letters": letters,
            "data": data,
        }
