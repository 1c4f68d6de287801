# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from babel.dates import format_date
from babel.numbers import format_currency as format_amount
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime

from ..tools.messaging import is_mobile_number, sms_plain, whatsapp_url

FOLLOWUP_STATUSES = [
    ("ok", "Nothing overdue"),
    ("overdue", "Overdue"),
    ("action_due", "Action due"),
    ("promised", "Promised"),
    ("excluded", "Excluded"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    debt_currency_id = fields.Many2one("res.currency", compute="_compute_debt_currency_id")
    debt_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        currency_field="debt_currency_id",
        compute="_compute_debt_overdue",
        search="_search_debt_overdue_amount",
    )
    debt_overdue_count = fields.Integer(string="Overdue Invoices", compute="_compute_debt_overdue")
    debt_oldest_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_debt_overdue",
        help="Days since the oldest unpaid due date.",
    )
    debt_unapplied_credit = fields.Monetary(
        string="Unapplied Payments and Credit Notes",
        currency_field="debt_currency_id",
        compute="_compute_debt_overdue",
        help="Payments and credit notes not yet matched with an invoice: "
        "check them before calling.",
    )
    debt_followup_level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level",
        company_dependent=True,
        copy=False,
        help="Last follow-up step taken for this customer.",
    )
    debt_last_action_date = fields.Date(
        string="Last Follow-up Action", company_dependent=True, copy=False
    )
    debt_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        copy=False,
        domain=lambda self: [
            ("group_ids", "in", self.env.ref("debt_followup.group_debt_collector").id)
        ],
    )
    debt_no_contact = fields.Boolean(
        string="Stop Contact",
        copy=False,
        help="The customer asked in writing not to be called or e-mailed: "
        "formal letters and legal steps remain possible.",
    )
    debt_followup_status = fields.Selection(
        FOLLOWUP_STATUSES,
        string="Follow-up Status",
        compute="_compute_debt_followup_status",
    )
    debt_next_action_date = fields.Date(
        string="Next Follow-up Action", compute="_compute_debt_followup_status"
    )
    debt_call_ids = fields.One2many(
        "debt.followup.call",
        "partner_id",
        string="Calls",
        groups="debt_followup.group_debt_collector",
    )
    debt_promise_ids = fields.One2many(
        "debt.followup.promise", "partner_id", string="Promises to Pay"
    )
    debt_sms_blocked_reason = fields.Char(
        string="No Text Messages",
        compute="_compute_debt_sms_blocked_reason",
        help="Why follow-up steps send this customer no SMS and offer no WhatsApp chat.",
    )
    debt_whatsapp_available = fields.Boolean(
        string="WhatsApp Possible",
        compute="_compute_debt_sms_blocked_reason",
        help="A mobile number that may get messages, and no stop-contact request.",
    )

    @api.depends_context("company")
    def _compute_debt_currency_id(self):
        self.debt_currency_id = self.env.company.currency_id

    def _debt_overdue_query(self, partner_ids=None):
        """One grouped query over the receivable items of the current company:
        per commercial partner, the overdue residual, the number of overdue
        invoices, the oldest overdue due date, and what is paid but not matched."""
        aml = self.env["account.move.line"]
        aml.flush_model(
            [
                "account_id",
                "amount_residual",
                "company_id",
                "date_maturity",
                "move_id",
                "no_followup",
                "parent_state",
                "partner_id",
                "reconciled",
            ]
        )
        self.env["account.account"].flush_model(["account_type"])
        today = fields.Date.context_today(self)
        partner_filter = (
            SQL("AND aml.partner_id IN %s", tuple(partner_ids)) if partner_ids else SQL()
        )
        return SQL(
            """
            SELECT aml.partner_id,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s), 0),
                   COUNT(DISTINCT aml.move_id) FILTER (WHERE %(overdue)s),
                   MIN(aml.date_maturity) FILTER (WHERE %(overdue)s),
                   COALESCE(-SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual < 0), 0)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE acc.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE
               AND aml.company_id = %(company)s
               %(partner_filter)s
          GROUP BY aml.partner_id
            """,
            overdue=SQL(
                "aml.amount_residual > 0 AND aml.date_maturity < %s "
                "AND aml.no_followup IS NOT TRUE",
                today,
            ),
            company=self.env.company.id,
            partner_filter=partner_filter,
        )

    def _debt_overdue_lines(self):
        """Overdue receivable items of these commercial partners in the current
        company, oldest due date first (what a call, a letter or an e-mail lists)."""
        today = fields.Date.context_today(self)
        return self.env["account.move.line"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", today),
                ("no_followup", "=", False),
            ],
            order="date_maturity, id",
        )

    @api.depends_context("company")
    def _compute_debt_overdue(self):
        today = fields.Date.context_today(self)
        commercial = {p.id: p.commercial_partner_id.id for p in self}
        data = {}
        if any(commercial.values()):
            query = self._debt_overdue_query(set(commercial.values()) - {False})
            for pid, amount, count, oldest, credit in self.env.execute_query(query):
                data[pid] = (amount, count, (today - oldest).days if oldest else 0, credit)
        for partner in self:
            amount, count, days, credit = data.get(commercial[partner.id], (0.0, 0, 0, 0.0))
            partner.debt_overdue_amount = amount
            partner.debt_overdue_count = count
            partner.debt_oldest_overdue_days = days
            partner.debt_unapplied_credit = credit

    def _search_debt_overdue_amount(self, operator, value):
        if operator not in ("<", "<=", ">", ">=", "=", "!="):
            return NotImplemented
        query = self._debt_overdue_query()
        rows = self.env.execute_query(query)
        amounts = {pid: amount for pid, amount, *_rest in rows}
        check = {
            "<": lambda a: a < value,
            "<=": lambda a: a <= value,
            ">": lambda a: a > value,
            ">=": lambda a: a >= value,
            "=": lambda a: a == value,
            "!=": lambda a: a != value,
        }[operator]
        if check(0.0):
            excluded = [pid for pid, amount in amounts.items() if not check(amount)]
            return [("commercial_partner_id", "not in", excluded)]
        matching = [pid for pid, amount in amounts.items() if check(amount)]
        return [("commercial_partner_id", "in", matching)]

    @api.depends_context("company")
    @api.depends("debt_no_contact", "debt_promise_ids.state", "debt_followup_level_id")
    def _compute_debt_followup_status(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            if not partner.debt_overdue_amount:
                partner.debt_followup_status = "ok"
            elif commercial.debt_no_contact:
                partner.debt_followup_status = "excluded"
            elif commercial.debt_promise_ids.filtered(lambda p: p.state == "open"):
                partner.debt_followup_status = "promised"
            else:
                partner.debt_followup_status = "overdue"
            partner.debt_next_action_date = False

    # ------------------------------------------------------------
    # Text messages: SMS steps and WhatsApp click-to-chat
    # ------------------------------------------------------------

    @api.depends("phone_sanitized", "commercial_partner_id.debt_no_contact")
    def _compute_debt_sms_blocked_reason(self):
        for partner in self:
            if partner.commercial_partner_id.debt_no_contact:
                reason = self.env._("Stop contact requested: no SMS or WhatsApp message.")
            elif not partner.phone:
                reason = self.env._("No phone number for SMS or WhatsApp.")
            elif not partner.phone_sanitized:
                reason = self.env._(
                    "The phone number %(phone)s is not valid: no SMS or WhatsApp message.",
                    phone=partner.phone,
                )
            elif partner.phone_sanitized_blacklisted:
                reason = self.env._(
                    "The number %(phone)s is on the SMS blacklist: no SMS or WhatsApp message.",
                    phone=partner.phone_sanitized,
                )
            else:
                reason = False
            partner.debt_sms_blocked_reason = reason
            partner.debt_whatsapp_available = not reason and is_mobile_number(
                partner.phone_sanitized
            )

    def _debt_message_level(self, level=None):
        """The step whose text message is meant: the given one, else the one of the
        rendering context (``debt_level_id``), else the customer's current level."""
        self.ensure_one()
        if level:
            return level
        if self.env.context.get("debt_level_id"):
            return self.env["debt.followup.level"].browse(self.env.context["debt_level_id"])
        return self.commercial_partner_id.debt_followup_level_id

    def _debt_message_lines(self):
        """Open receivable items a text message is about: the overdue ones, or for
        a courtesy reminder (nothing overdue yet) the ones about to fall due."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("no_followup", "=", False),
            ],
            order="date_maturity, id",
        )
        overdue = lines.filtered(lambda line: line.date_maturity and line.date_maturity < today)
        return overdue or lines

    def _debt_message_value(self, key):
        """One fact of the text message of a follow-up step (the placeholders of
        the SMS templates), written for the customer in the customer's language:

        - ``creditor``: the name of the company that is owed;
        - ``due_date``: the oldest due date concerned, as digits (30/11/2026);
        - ``amount``: the amount due, formatted for the language, or an empty
          string when the step does not allow the amount in a text message;
        - ``pay_url``: the portal link of the oldest invoice concerned, where the
          customer sees it and pays online.
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        if key == "creditor":
            return self.env.company.name
        lines = partner._debt_message_lines()
        if not lines:
            return ""
        locale = partner.lang or self.env.lang or "en_US"
        if key == "due_date":
            return format_date(lines[0].date_maturity, "short", locale=locale)
        if key == "amount":
            if not partner._debt_message_level().sms_show_amount:
                return ""
            currency = lines.currency_id if len(lines.currency_id) == 1 else None
            amount = sum(
                lines.mapped("amount_residual_currency" if currency else "amount_residual")
            )
            return sms_plain(
                format_amount(amount, (currency or self.env.company.currency_id).name, locale=locale)
            )
        if key == "pay_url":
            move = lines[0].move_id
            move._portal_ensure_token()
            return move.get_base_url() + move.get_portal_url()
        raise ValueError(f"Unknown text message placeholder {key!r}")

    def _debt_message_template(self, level=None):
        self.ensure_one()
        level = self._debt_message_level(level)
        return level.sms_template_id or self.env.ref(
            "debt_followup.sms_template_debt_reminder", raise_if_not_found=False
        )

    def _debt_render_message(self, level=None):
        """The text message of the step for these customers, each in its language,
        as the SMS carries it: ``{partner_id: text}`` (one rendering per template)."""
        texts = dict.fromkeys(self.ids, "")
        groups = {}
        for partner in self:
            key = (partner._debt_message_template(level), partner._debt_message_level(level))
            groups.setdefault(key, self.browse())
            groups[key] |= partner
        for (template, step), partners in groups.items():
            if not template:
                continue
            rendered = template.with_context(debt_level_id=step.id)._render_field(
                "body", partners.ids, compute_lang=True
            )
            texts.update((pid, sms_plain(text)) for pid, text in rendered.items())
        return texts

    def _debt_send_sms(self, level):
        """The SMS of an SMS step, to these customers' phones (E.164), through
        Odoo's SMS queue. The daily run calls it for an automatic SMS step.

        A customer that may not get one (stop contact, no, invalid or blacklisted
        number) gets a note saying why, and the others go on. The message is
        posted now on the customer and its invoices, so that the step is done
        once; outside the debtor's calling window Odoo holds its delivery
        (``mail.message.schedule``) until the next allowed moment, when the
        scheduled-messages cron creates the SMS.

        :return: the customers an SMS was sent or scheduled to
        """
        partners = self.commercial_partner_id
        blocked = partners.filtered("debt_sms_blocked_reason")
        if blocked:
            blocked._message_log_batch(
                {
                    partner.id: self.env._(
                        "SMS of step “%(level)s” not sent: %(reason)s",
                        level=level.name,
                        reason=partner.debt_sms_blocked_reason,
                    )
                    for partner in blocked
                }
            )
        recipients = partners - blocked
        texts = recipients._debt_render_message(level)
        now = fields.Datetime.now()
        slots = recipients._debt_next_call_slots(now)
        held_any = any(slot and slot > now for slot in slots.values())
        zones = recipients._debt_call_rules() if held_any else {}
        no_slot = recipients.filtered(lambda partner: not slots[partner.id])
        if no_slot:
            no_slot._message_log_batch(
                dict.fromkeys(
                    no_slot.ids,
                    self.env._(
                        "SMS of step “%(level)s” not sent: no moment of the coming year "
                        "falls in the customer's calling window.",
                        level=level.name,
                    ),
                )
            )
        recipients -= no_slot
        for partner in recipients:
            slot = slots[partner.id]
            held = slot if slot > now else False
            partner._message_sms(texts[partner.id], put_in_queue=True, scheduled_date=held)
            if held:
                partner._message_log(
                    body=self.env._(
                        "SMS held until %(moment)s (customer's local time): outside its "
                        "calling window.",
                        moment=format_datetime(self.env, held, tz=zones[partner.id][1].key),
                    )
                )
            moves = partner._debt_message_lines().move_id
            if moves:
                moves._message_log_batch(
                    dict.fromkeys(
                        moves.ids,
                        Markup("%s<br/>%s")
                        % (
                            self.env._(
                                "SMS reminder to %(customer)s (%(phone)s):",
                                customer=partner.display_name,
                                phone=partner.phone_sanitized,
                            ),
                            texts[partner.id],
                        ),
                    )
                )
        return recipients

    def action_debt_whatsapp(self):
        """Open a WhatsApp chat with the customer, the step's short message written
        in its language, and log on the customer that the chat was opened."""
        self.ensure_one()
        if not self.debt_whatsapp_available:
            raise UserError(
                self.debt_sms_blocked_reason
                or self.env._(
                    "%(phone)s is not a mobile number: WhatsApp is offered for mobiles only.",
                    phone=self.phone,
                )
            )
        text = self._debt_render_message()[self.id]
        self.commercial_partner_id.message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._(
                    "WhatsApp chat opened by %(user)s with the message:", user=self.env.user.name
                ),
                text,
            ),
            message_type="comment",
            subtype_xmlid="debt_followup.mt_debt_whatsapp",
        )
        return {
            "type": "ir.actions.act_url",
            "url": whatsapp_url(self.phone_sanitized, text),
            "target": "new",
        }
