# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from itertools import pairwise

import phonenumbers
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..tools.formatting import (
    format_amount,
    format_date,
    format_phone,
    format_short_date,
    render_tokens,
)
from ..tools.messaging import sms_plain
from ..tools.recovery import DEFAULT_STEP_COST

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
# Where the facts of the customers of a rendering batch are kept for the
# transaction (``cr.cache``): see ``_debt_render_batch``.
RENDER_BATCH_KEY = "debt_followup_render_batch"
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
    step_cost = fields.Monetary(
        currency_field="company_currency_id",
        compute="_compute_step_cost",
        store=True,
        readonly=False,
        precompute=True,
        # A copy (the ladder given to a new company) starts again from the channel's
        # default, in its own company's currency.
        copy=False,
        help="What taking this step costs the creditor: a collector's time, postage, a "
        "lawyer's fee. Filled in from the channel (figures set in euros, converted to the "
        "company's currency); put your own costs. A collection case whose next step costs "
        "more than it is expected to recover is flagged for a manager to decide.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)

    _delay_range = models.Constraint(
        "CHECK(delay BETWEEN -365 AND 3650)",
        "A follow-up step starts at most a year before and ten years after the due date.",
    )

    @api.depends("channel", "company_id")
    def _compute_step_cost(self):
        """The channel's default cost (tools/recovery.py, in euros), in the company's
        currency at today's rate; a manager changes it on each level. The rate is read
        as superuser: a ladder copied to a new company is computed for a company the
        current user may not be in yet."""
        euro = self.env.ref("base.EUR").sudo()
        today = fields.Date.context_today(self)
        for level in self:
            company = level.company_id or self.env.company
            level.step_cost = euro._convert(
                DEFAULT_STEP_COST.get(level.channel, 0.0), company.currency_id, company, today
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
        """Give the companies that have no ladder a copy of the main company's,
        as a start (new companies, and those that existed before the install)."""
        main_company = self.env.ref("base.main_company", raise_if_not_found=False)
        if not main_company:
            return
        ladder = self.with_context(active_test=False).search([("company_id", "=", main_company.id)])
        with_ladder = {
            company.id
            for (company,) in self.with_context(active_test=False)._read_group(
                [("company_id", "in", companies.ids)], ["company_id"]
            )
        }
        for company in companies.filtered(lambda c: c.id not in with_ladder):
            ladder.copy({"company_id": company.id})

    @api.model
    def _debt_render_values(self, partner, upcoming=False):
        """The facts about ``partner``'s debt that calls, e-mails and letters
        state, formatted in the partner's language (amounts in each invoice's
        currency). ``upcoming``: the invoices not yet due instead of the overdue
        ones (courtesy reminder).

        Inside :meth:`_debt_render_batch` (the sending job renders a batch of
        customers), the facts of every customer of the batch are computed
        together the first time one of them is asked for."""
        partner = partner.commercial_partner_id
        batch = self.env.cr.cache.get(RENDER_BATCH_KEY)
        if batch is None or partner.id not in batch["partner_ids"]:
            return self._debt_render_values_many(partner, upcoming)[partner.id]
        key = (
            upcoming,
            bool(self.env.context.get("debt_paper")),
            self.env.company.id,
            fields.Date.context_today(self),
        )
        if key not in batch["facts"]:
            partners = self.env["res.partner"].browse(batch["partner_ids"])
            batch["facts"][key] = self._debt_render_values_many(partners, upcoming)
        return batch["facts"][key][partner.id]

    @contextmanager
    def _debt_render_batch(self, partners):
        """Render the templates, letters and messages of ``partners`` (commercial
        partners) with the facts of all of them read at once, and their invoices'
        access tokens written in one statement."""
        cache = self.env.cr.cache
        previous = cache.get(RENDER_BATCH_KEY)
        cache[RENDER_BATCH_KEY] = {"partner_ids": frozenset(partners.ids), "facts": {}}
        try:
            yield
        finally:
            if previous is None:
                cache.pop(RENDER_BATCH_KEY, None)
            else:
                cache[RENDER_BATCH_KEY] = previous

    @api.model
    def _debt_render_values_many(self, partners, upcoming=False):
        """``{commercial partner id: facts}`` of :meth:`_debt_render_values` for
        these commercial partners, with one search of their invoices' items, one
        computation of their late charges and one statement for the missing
        access tokens of their invoices."""
        company = self.env.company
        today = fields.Date.context_today(self)
        if upcoming:
            domain = Domain(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", ">=", today),
                    ("no_followup", "=", False),
                ]
            )
        else:
            domain = self.env["debt.followup.case"]._debt_overdue_domain() & Domain(
                "partner_id", "in", partners.ids
            )
        all_lines = self.env["account.move.line"].search(domain, order="date_maturity, id")
        all_lines.move_id._debt_ensure_access_tokens()
        lines_of = defaultdict(all_lines.browse)
        for line in all_lines:
            lines_of[line.partner_id.id] |= line
        charges = (
            {}
            if upcoming
            else self.env["debt.followup.late.payment.rule"]._late_charges(partners)[0]
        )
        creditor_address = company.partner_id._display_address(without_company=True)
        company_bank = company.partner_id.bank_ids[:1]
        invoice_contacts = {
            partner.id: partner.address_get(["invoice"])["invoice"] for partner in partners
        }
        # The debtor's page of each case, the missing links made in one statement.
        with_lines = partners.filtered(lambda partner: lines_of[partner.id])
        cases = self.env["debt.followup.case"]._debt_for_partners(with_lines)
        page_urls = dict(zip(with_lines.ids, cases._debt_portal_urls().values(), strict=True))
        result = {}
        for partner in partners:
            lang = partner.lang or self.env.lang or "en_US"
            lang_env = self.with_context(lang=lang).env
            lines = lines_of[partner.id]
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
            bank = lines.move_id.partner_bank_id[:1] or company_bank
            contact = partner.browse(invoice_contacts[partner.id])
            national, _e164 = format_phone(
                contact.phone or partner.phone, (partner.country_id or company.country_id).code
            )
            oldest = lines[:1].date_maturity
            result[partner.id] = {
                "lang": lang,
                # Who is addressed: a company gets "Spettabile", "Exmos. Senhores",
                # "Prezados Senhores" and plural pronouns; a person the singular.
                "is_company": partner.is_company,
                # Consumers owe no business late charges and get no debt on a lock screen.
                "consumer": partner.debt_is_consumer,
                "country": partner.country_id.code or company.country_id.code or "",
                # The printed letter: no buttons, a subject line, a letterhead.
                "paper": bool(self.env.context.get("debt_paper")),
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
                        partner, lines, lang, charges=charges
                    )
                ),
                "count": len(lines.move_id),
                "total": " + ".join(
                    format_amount(amount, currency.name, lang)
                    for currency, amount in totals.items()
                ),
                "days_overdue": (today - oldest).days if oldest and not upcoming else 0,
                "oldest_due_date": format_date(oldest, lang) if oldest else "",
                "deadline": format_date(today + timedelta(days=15), lang),
                "deadline_short": format_date(today + timedelta(days=10), lang),
                "today": format_date(today, lang),
                "bank_account": bank.acc_number or "",
                "pay_url": rows[0]["url"] if rows else "",
                # The debtor's page of the case (pay, propose, dispute, call back).
                "page_url": page_urls.get(partner.id, ""),
                "creditor": {
                    "name": company.name,
                    "address": creditor_address,
                    # CDC art. 42-A names the Brazilian numbers; elsewhere, the tax
                    # number in the reader's words (Partita IVA, NIF...).
                    "vat_label": "CNPJ/CPF"
                    if company.country_id.code == "BR"
                    else lang_env._("Tax ID"),
                    "vat": company.vat or "",
                    "city": company.city or "",
                    "email": company.email or "",
                    # As the debtor dials it: national at home, international abroad.
                    "phone": self._debt_creditor_phone(company, partner),
                },
            }
        return result

    def _debt_page_url(self, partner):
        """The link to the debtor's page of ``partner``'s case in the current company."""
        case = self.env["debt.followup.case"]._debt_for_partners(partner.commercial_partner_id)
        return case._debt_portal_url()

    @api.model
    def _debt_creditor_phone(self, company, partner):
        national, e164 = format_phone(company.phone, company.country_id.code)
        if not e164 or not partner.country_id or partner.country_id == company.country_id:
            return national
        return phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )

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

    # Text messages (SMS and WhatsApp) of a step

    @api.model
    def _debt_message_level(self, partner, level=None):
        """The step whose text message is meant: the given one, else the one of the
        rendering context (``debt_level_id``), else the customer's current level."""
        if level:
            return level
        if self.env.context.get("debt_level_id"):
            return self.browse(self.env.context["debt_level_id"])
        return partner.commercial_partner_id.debt_followup_level_id

    @api.model
    def _debt_message_lines(self, partner):
        """Open receivable items a text message is about: those of the invoices the
        step covers (overdue ones, or for a courtesy step the ones about to fall
        due), oldest due date first."""
        partner = partner.commercial_partner_id
        moves = self.env["debt.followup.case"]._debt_step_moves(
            partner, self._debt_message_level(partner)
        )
        if not moves:
            return self.env["debt.followup.case"]._debt_overdue_lines(partner)
        return moves.line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and not line.reconciled
                and line.amount_residual > 0
                and not line.no_followup
            )
        ).sorted(lambda line: (line.date_maturity, line.id))

    @api.model
    def _debt_message_value(self, partner, key):
        """One fact of the text message of a follow-up step (the placeholders of
        the SMS templates), written for the customer in the customer's language:

        - ``creditor``: the name of the company that is owed;
        - ``due_date``: the oldest due date concerned, as digits (30/11/2026);
        - ``amount``: the amount due, formatted for the language, or an empty
          string when the step does not allow the amount in a text message;
        - ``pay_url`` (or ``page_url``): the link to the debtor's page of the
          case, with its expiring token, where the customer sees the invoices
          and pays online, proposes a date or a plan, disputes or books a call.
        """
        partner = partner.commercial_partner_id
        if key == "creditor":
            return self.env.company.name
        lines = self._debt_message_lines(partner)
        if not lines:
            return ""
        lang = partner.lang or self.env.lang
        if key == "due_date":
            # digits, short enough for an SMS: 30/11/26 (it, pt), 30/11/2026 (pt_BR)
            return format_short_date(lines[0].date_maturity, lang)
        if key == "amount":
            if not self._debt_message_level(partner).sms_show_amount:
                return ""
            currency = lines.currency_id if len(lines.currency_id) == 1 else None
            amount = sum(
                lines.mapped("amount_residual_currency" if currency else "amount_residual")
            )
            return format_amount(amount, (currency or self.env.company.currency_id).name, lang)
        if key in ("pay_url", "page_url"):
            return self._debt_page_url(partner)
        raise ValueError(f"Unknown text message placeholder {key!r}")

    @api.model
    def _debt_message_template(self, partner, level=None):
        level = self._debt_message_level(partner, level)
        return level.sms_template_id or self.env.ref(
            "debt_followup.sms_template_debt_reminder", raise_if_not_found=False
        )

    @api.model
    def _debt_render_messages(self, partners, level=None):
        """The text message of the step for these customers, each in its language,
        as the SMS carries it: ``{partner_id: text}`` (one rendering per template)."""
        texts = dict.fromkeys(partners.ids, "")
        groups = {}
        for partner in partners:
            key = (
                self._debt_message_template(partner, level),
                self._debt_message_level(partner, level),
            )
            groups.setdefault(key, partners.browse())
            groups[key] |= partner
        for (template, step), group in groups.items():
            if not template:
                continue
            rendered = template.with_context(debt_level_id=step.id)._render_field(
                "body", group.ids, compute_lang=True
            )
            texts.update((pid, sms_plain(text)) for pid, text in rendered.items())
        return texts

    @api.model
    def _debt_text_blocked_reason(self, partner):
        """Why ``partner`` may get no SMS nor WhatsApp message, or False."""
        if partner.commercial_partner_id.debt_no_contact:
            return self.env._("Stop contact requested: no SMS or WhatsApp message.")
        if not partner.phone:
            return self.env._("No phone number for SMS or WhatsApp.")
        if not partner.phone_sanitized:
            return self.env._(
                "The phone number %(phone)s is not valid: no SMS or WhatsApp message.",
                phone=partner.phone,
            )
        if partner.phone_sanitized_blacklisted:
            return self.env._(
                "The number %(phone)s is on the SMS blacklist: no SMS or WhatsApp message.",
                phone=partner.phone_sanitized,
            )
        return False
