# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.formatting import format_amount, format_date, format_phone, render_tokens

CHANNELS = [
    ("phone", "Phone call"),
    ("email", "E-mail"),
    ("letter", "Letter"),
    ("pec", "PEC / registered letter"),
    ("sms", "SMS"),
    ("visit", "Visit"),
    ("legal", "Legal action"),
]
# Channels that send something in writing (a letter, an e-mail, a PEC).
WRITTEN_CHANNELS = ("email", "letter", "pec")
# The model the e-mail and text message templates of a level are rendered on.
TEMPLATE_MODEL = "res.partner"


class DebtFollowupLevel(models.Model):
    _name = "debt.followup.level"
    _description = "Follow-up Level"
    _order = "company_id, sequence, delay, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    delay = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="Days after the due date at which this step may start; "
        "negative for a courtesy reminder before the due date.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    call_script = fields.Html(
        translate=True,
        sanitize_attributes=False,
        help="What the collector says on the phone, in the customer's language. "
        "Placeholders: {{debtor}}, {{contact}}, {{collector}}, {{company}}, {{phone}}, "
        "{{invoices}}, {{count}}, {{total}}, {{days_overdue}}, {{oldest_due_date}}, "
        "{{bank_account}}, {{pay_online}}, {{last_contact}}, {{promise}}.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", TEMPLATE_MODEL)],
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="Text Message Template",
        domain=[("model", "=", TEMPLATE_MODEL)],
        help="Short message of this step, in the customer's language: sent by SMS on an "
        "SMS step, and written for the collector in the WhatsApp chat on every step.",
    )
    sms_show_amount = fields.Boolean(
        string="Amount in Text Messages",
        help="Show the amount due in the SMS and WhatsApp messages of this step. "
        "Off by default: anyone can read a phone's lock screen.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        help="Activity planned for the collector when this step needs a human.",
    )
    auto_execute = fields.Boolean(
        string="Send Automatically",
        help="Send written reminders of this step without a human.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)

    _delay_range = models.Constraint(
        "CHECK(delay BETWEEN -365 AND 3650)",
        "A follow-up step starts at most a year before and ten years after the due date.",
    )

    @api.constrains("sequence", "delay", "company_id", "active")
    def _check_delay_grows_with_sequence(self):
        for company in self.company_id:
            levels = self.search([("company_id", "=", company.id)], order="sequence, delay, id")
            for previous, level in pairwise(levels):
                if level.delay <= previous.delay:
                    raise ValidationError(
                        self.env._(
                            "Follow-up steps must start later as they go: "
                            "“%(level)s” (%(delay)s days) comes after "
                            "“%(previous)s” (%(previous_delay)s days).",
                            level=level.name,
                            delay=level.delay,
                            previous=previous.name,
                            previous_delay=previous.delay,
                        )
                    )

    @api.constrains("mail_template_id", "sms_template_id")
    def _check_template_model(self):
        """A template written for another model cannot be rendered for a
        customer: refused here, rather than failing the step every night."""
        for level in self:
            for template in (level.mail_template_id, level.sms_template_id):
                if template and template.model != TEMPLATE_MODEL:
                    raise ValidationError(
                        self.env._(
                            "The template “%(template)s” of the step “%(level)s” is "
                            "written for %(model)s, not for customers.",
                            template=template.display_name,
                            level=level.name,
                            model=template.model_id.name or template.model,
                        )
                    )

    @api.model
    def _copy_ladder_to(self, companies):
        """Give new companies the ladder of the main company, as a start."""
        main_company = self.env.ref("base.main_company", raise_if_not_found=False)
        if not main_company:
            return
        ladder = self.search([("company_id", "=", main_company.id)])
        for company in companies:
            ladder.copy({"company_id": company.id})

    @api.model
    def _debt_render_values(self, partner, upcoming=False):
        """The facts about ``partner``'s debt that calls, e-mails and letters
        state, formatted in the partner's language (amounts in each invoice's
        currency). ``upcoming``: the invoices not yet due instead of the overdue
        ones (courtesy reminder)."""
        partner = partner.commercial_partner_id
        lang = partner.lang or self.env.lang or "en_US"
        lang_env = self.with_context(lang=lang).env
        company = self.env.company
        today = fields.Date.context_today(self)
        if upcoming:
            lines = self.env["account.move.line"].search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", ">=", today),
                    ("no_followup", "=", False),
                ],
                order="date_maturity, id",
            )
        else:
            lines = partner._debt_overdue_lines()
        totals = defaultdict(float)
        rows = []
        for line in lines:
            move = line.move_id
            totals[line.currency_id] += line.amount_residual_currency
            rows.append(
                {
                    "number": move.name,
                    "date": format_date(move.invoice_date or move.date, lang),
                    "due_date": format_date(line.date_maturity, lang),
                    "amount": format_amount(
                        line.amount_residual_currency, line.currency_id.name, lang
                    ),
                    "url": move.get_base_url() + move.sudo().get_portal_url(),
                }
            )
        bank = lines.move_id.partner_bank_id[:1] or company.partner_id.bank_ids[:1]
        contact = partner.browse(partner.address_get(["invoice"])["invoice"])
        national, _e164 = format_phone(
            contact.phone or partner.phone, (partner.country_id or company.country_id).code
        )
        oldest = lines[:1].date_maturity
        return {
            "lang": lang,
            "debtor": partner.name,
            "contact": contact.name if contact != partner else partner.name,
            "company": company.name,
            "phone": national,
            "lines": rows,
            # Late interest, compensation and fine where the law grants them.
            **(
                {"charges": [], "total_with_charges": ""}
                if upcoming
                else self.env["debt.followup.late.payment.rule"]._letter_charges(
                    partner, lines, lang
                )
            ),
            "count": len(lines.move_id),
            "total": " + ".join(
                format_amount(amount, currency.name, lang) for currency, amount in totals.items()
            ),
            "days_overdue": (today - oldest).days if oldest and not upcoming else 0,
            "oldest_due_date": format_date(oldest, lang) if oldest else "",
            "deadline": format_date(today + timedelta(days=15), lang),
            "today": format_date(today, lang),
            "bank_account": bank.acc_number or "",
            "pay_url": rows[0]["url"] if rows else "",
            "creditor": {
                "name": company.name,
                "address": company.partner_id._display_address(without_company=True),
                # CDC art. 42-A names the Brazilian numbers; elsewhere, the tax
                # number in the reader's words (Partita IVA, NIF...).
                "vat_label": "CNPJ/CPF"
                if company.country_id.code == "BR"
                else lang_env._("Tax ID"),
                "vat": company.vat or "",
                "city": company.city or "",
                "email": company.email or "",
                "phone": format_phone(company.phone, company.country_id.code)[0],
            },
        }

    def _debt_script_tokens(self, partner, facts):
        """Values of the ``{{token}}`` placeholders of call scripts."""
        lang_env = self.with_context(lang=facts["lang"]).env
        calls = partner.commercial_partner_id.sudo().debt_call_ids[:1]
        outcomes = dict(calls._fields["outcome"]._description_selection(lang_env))
        promise = partner.commercial_partner_id.debt_promise_ids.filtered(
            lambda p: p.state in ("open", "broken")
        )[:1]
        promise_text = ""
        if promise:
            values = {
                "amount": format_amount(promise.amount, promise.currency_id.name, facts["lang"]),
                "date": format_date(promise.line_ids[-1:].date or promise.date, facts["lang"]),
            }
            if promise.state == "open":
                promise_text = lang_env._("Open promise: %(amount)s by %(date)s.", **values)
            else:
                promise_text = lang_env._(
                    "Broken promise: %(amount)s were due by %(date)s.", **values
                )
        return {
            "debtor": facts["debtor"],
            "contact": facts["contact"],
            "collector": self.env.user.name,
            "company": facts["company"],
            "phone": facts["phone"],
            "invoices": self._debt_invoice_table(facts),
            "count": str(facts["count"]),
            "total": facts["total"],
            "days_overdue": str(facts["days_overdue"]),
            "oldest_due_date": facts["oldest_due_date"],
            "bank_account": facts["bank_account"],
            "pay_online": Markup('<a href="%s">%s</a>') % (facts["pay_url"], facts["pay_url"])
            if facts["pay_url"]
            else "",
            "last_contact": lang_env._(
                "%(date)s, %(outcome)s (%(user)s)",
                date=format_date(calls.date.date(), facts["lang"]),
                outcome=outcomes.get(calls.outcome),
                user=calls.user_id.name,
            )
            if calls
            else lang_env._("none yet"),
            "promise": promise_text,
        }

    def _debt_invoice_table(self, facts):
        """The overdue invoices as an HTML table, in the partner's language."""
        return (
            self.env["ir.qweb"]
            .with_context(lang=facts["lang"])
            ._render("debt_followup.debt_invoice_table", {"facts": facts})
        )

    def _render_call_script(self, partner):
        """This level's call script for ``partner``, in the partner's language,
        placeholders filled in, followed by the facts of the call (overdue
        invoices with due date and residual, total due) whatever the script
        says. Returns HTML (``Markup``)."""
        self.ensure_one()
        facts = self._debt_render_values(partner)
        level = self.with_context(lang=facts["lang"])
        script = render_tokens(level.call_script, level._debt_script_tokens(partner, facts))
        facts_html = (
            self.env["ir.qweb"]
            .with_context(lang=facts["lang"])
            ._render("debt_followup.debt_call_facts", {"facts": facts})
        )
        return script + facts_html
