# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models

from ..tools.consumer import is_consumer
from ..tools.messaging import is_mobile_number
from .debt_followup_case import CASE_STATE_FIELDS, FOLLOWUP_STATUSES, NO_DEBT, RECOVERY_GRADES

# Fields of _compute_debt_followup_status and the PaymentStatus value of each.
STATUS_FIELD_ATTRIBUTES = (
    ("debt_overdue_amount", "overdue_amount"),
    ("debt_overdue_count", "overdue_count"),
    ("debt_oldest_overdue_days", "oldest_overdue_days"),
    ("debt_unapplied_credit", "unapplied_credit"),
    ("debt_open_promise_amount", "promised_amount"),
    ("debt_next_action_date", "next_date"),
    ("debt_followup_status", "status"),
)
# The partner's view of its current company's case: partner field, case field.
CASE_FIELDS = (
    ("debt_followup_level_id", "level_id"),
    ("debt_collector_id", "collector_id"),
    ("debt_no_contact", "no_contact"),
)


class ResPartner(models.Model):
    """A customer's payment status in the current company, and its view of the
    company's collection case (``debt.followup.case``), which holds the
    follow-up state and every trace of it."""

    _inherit = "res.partner"

    debt_currency_id = fields.Many2one("res.currency", compute="_compute_debt_currency_id")
    debt_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        currency_field="debt_currency_id",
        compute="_compute_debt_followup_status",
        search="_search_debt_overdue_amount",
        help="Unpaid invoice installments past their due date, disputed and promised "
        "ones included.",
    )
    debt_debtor_currency_id = fields.Many2one(
        "res.currency",
        string="Invoices' Currency",
        compute="_compute_debt_debtor_amounts",
        help="The currency of the overdue invoices, when they all share one.",
    )
    debt_debtor_overdue_amount = fields.Monetary(
        string="Overdue in the Invoices' Currency",
        currency_field="debt_debtor_currency_id",
        compute="_compute_debt_debtor_amounts",
        help="What the customer owes past due, in the currency of its invoices: "
        "the amount a collector says on the phone.",
    )
    debt_debtor_promise_amount = fields.Monetary(
        string="Promised in the Invoices' Currency",
        currency_field="debt_debtor_currency_id",
        compute="_compute_debt_debtor_amounts",
    )
    debt_reminder_from = fields.Date(
        string="Next Reminder From",
        compute="_compute_debt_case_fields",
        help="A follow-up step was taken today: the next reminder can be sent from this date.",
    )
    debt_overdue_count = fields.Integer(
        string="Overdue Invoices", compute="_compute_debt_followup_status"
    )
    debt_oldest_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_debt_followup_status",
        help="Days since the oldest unpaid due date.",
    )
    debt_unapplied_credit = fields.Monetary(
        string="Unapplied Payments and Credit Notes",
        currency_field="debt_currency_id",
        compute="_compute_debt_followup_status",
        help="Payments and credit notes not yet matched with an invoice: "
        "check them before calling.",
    )
    debt_followup_status = fields.Selection(
        FOLLOWUP_STATUSES,
        string="Follow-up Status",
        compute="_compute_debt_followup_status",
        search="_search_debt_followup_status",
    )
    debt_next_action_date = fields.Date(
        string="Next Follow-up Action", compute="_compute_debt_followup_status"
    )
    debt_open_promise_amount = fields.Monetary(
        string="Promised",
        currency_field="debt_currency_id",
        compute="_compute_debt_followup_status",
        help="Amount of the open promises to pay.",
    )
    debt_case_ids = fields.One2many(
        "debt.followup.case",
        "partner_id",
        string="Collection Cases",
        groups="debt_followup.group_debt_collector",
    )
    debt_case_id = fields.Many2one(
        "debt.followup.case",
        string="Collection Case",
        compute="_compute_debt_case_fields",
        groups="debt_followup.group_debt_collector",
        help="The current company's collection case of this customer.",
    )
    debt_followup_level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level",
        compute="_compute_debt_case_fields",
        inverse="_inverse_debt_case_fields",
        search="_search_debt_followup_level_id",
        help="Last follow-up step taken for this customer.",
    )
    debt_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        compute="_compute_debt_case_fields",
        inverse="_inverse_debt_case_fields",
        search="_search_debt_collector_id",
        domain=lambda self: self.env["res.users"]._debt_collector_domain(),
    )
    debt_no_contact = fields.Boolean(
        string="Stop Contact",
        compute="_compute_debt_case_fields",
        inverse="_inverse_debt_case_fields",
        search="_search_debt_no_contact",
        help="The customer asked in writing not to be called or e-mailed: "
        "formal letters and legal steps remain possible.",
    )
    debt_last_contact = fields.Datetime(
        string="Last Contact",
        compute="_compute_debt_last_contact",
        help="Last call or written reminder about overdue invoices.",
    )
    debt_recovery_grade = fields.Selection(
        RECOVERY_GRADES,
        string="Recovery Grade",
        compute="_compute_debt_recovery",
        help="How likely the overdue amount is to be paid: A (80% and more) to E (below 20%).",
    )
    debt_recovery_reasons = fields.Char(
        string="Recovery Grade Reasons", compute="_compute_debt_recovery"
    )
    debt_call_ids = fields.One2many(
        "debt.followup.call",
        "partner_id",
        string="Calls",
        groups="debt_followup.group_debt_collector",
    )
    debt_promise_ids = fields.One2many(
        "debt.followup.promise",
        "partner_id",
        string="Promises to Pay",
        groups="debt_followup.group_debt_collector",
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
    debt_debtor_type = fields.Selection(
        [("auto", "From the tax ID"), ("consumer", "Consumer"), ("business", "Business")],
        string="Debtor Type",
        default="auto",
        required=True,
        help="Whether this customer is a consumer or a business for collection. "
        "From the tax ID: a tax ID shaped like a company's (Portuguese NIF starting "
        "with 5-9, Brazilian CNPJ, Italian partita IVA) makes a business, otherwise "
        "the Company flag decides. Choose Consumer or Business to override it.",
    )
    debt_is_consumer = fields.Boolean(
        string="Consumer",
        compute="_compute_debt_is_consumer",
        help="A private person, not acting for a business: owes no business late "
        "interest nor flat compensation (Directive 2011/7/EU), and gets neutral text "
        "messages.",
    )

    @api.depends_context("company")
    def _compute_debt_currency_id(self):
        self.debt_currency_id = self.env.company.currency_id

    # Payment status: a constant number of queries for the whole recordset

    def _debt_payment_status(self):
        """Payment status of these partners' commercial entities in the current
        company, ``{commercial partner id: PaymentStatus}``, in three queries
        whatever their number. Commercial entities with nothing open are left
        out: nothing overdue, nothing due."""
        self.fetch(["commercial_partner_id"])
        commercial_ids = set(self.commercial_partner_id.ids)
        if not commercial_ids:
            return {}
        return self.env["debt.followup.case"]._debt_partner_statuses(commercial_ids)

    @api.depends_context("company")
    @api.depends(
        "debt_promise_ids.state",
        *(f"commercial_partner_id.debt_case_ids.{fname}" for fname in CASE_STATE_FIELDS),
    )
    def _compute_debt_followup_status(self):
        """The figures of :meth:`_debt_payment_status` on every partner of the
        recordset (a contact shows its company's)."""
        statuses = self._debt_payment_status()
        values = {}
        for partner in self:
            status = statuses.get(partner.commercial_partner_id.id, NO_DEBT)
            values[partner.id] = {f: getattr(status, a) for f, a in STATUS_FIELD_ATTRIBUTES}
        self.env["debt.followup.case"]._debt_assign_by_value(self, values)

    @api.depends_context("company")
    @api.depends("debt_promise_ids.state", "debt_promise_ids.amount")
    def _compute_debt_debtor_amounts(self):
        """In the currency of the customer's invoices, when they share one."""
        amounts = self.env["debt.followup.case"]._debt_debtor_amounts(
            self.commercial_partner_id.ids
        )
        for partner in self:
            values = amounts.get(partner.commercial_partner_id.id, (False, 0.0, 0.0))
            partner.debt_debtor_currency_id, partner.debt_debtor_overdue_amount = values[:2]
            partner.debt_debtor_promise_amount = values[2]

    @api.depends_context("company", "lang")
    def _compute_debt_recovery(self):
        grades = self.env["debt.followup.case"]._debt_partner_grades(self.commercial_partner_id.ids)
        for partner in self:
            values = grades.get(partner.commercial_partner_id.id, (False, False))
            partner.debt_recovery_grade, partner.debt_recovery_reasons = values

    def fetch(self, field_names=None):
        result = super().fetch(field_names)
        if field_names:  # the payment status of the whole recordset at once
            self.env["debt.followup.case"]._debt_fetch_partner_fields(self, field_names)
        return result

    def _search_debt_overdue_amount(self, operator, value):
        return self.env["debt.followup.case"]._debt_search_partners(
            "overdue_amount", operator, value
        )

    def _search_debt_followup_status(self, operator, value):
        return self.env["debt.followup.case"]._debt_search_partners("status", operator, value)

    # The current company's case, seen from the customer

    def _debt_case(self):
        """The current company's case of this customer, created when missing."""
        return self.env["debt.followup.case"]._debt_for_partners(self)

    @api.depends_context("company")
    @api.depends(
        *(f"commercial_partner_id.debt_case_ids.{case_field}" for _f, case_field in CASE_FIELDS),
        "commercial_partner_id.debt_case_ids.last_action_date",
    )
    def _compute_debt_case_fields(self):
        """Read as superuser: everyone who sees the banner sees the step, the
        collector and a stop-contact request; only collectors open the case."""
        cases = (
            self.env["debt.followup.case"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id", "last_action_date", *(field for _f, field in CASE_FIELDS)],
            )
        )
        Case = self.env["debt.followup.case"]
        by_partner = {
            case.partner_id.id: {
                "debt_case_id": Case.browse(case.id),
                "debt_reminder_from": case.reminder_from,
                **{fname: case[case_field] for fname, case_field in CASE_FIELDS},
            }
            for case in cases
        }
        no_case = dict.fromkeys(["debt_case_id", "debt_reminder_from", *dict(CASE_FIELDS)], False)
        values = {p.id: by_partner.get(p.commercial_partner_id.id, no_case) for p in self}
        Case._debt_assign_by_value(self, values)

    def _inverse_debt_case_fields(self):
        """Writing the follow-up state of a customer writes its case: collectors only."""
        cases = self._debt_case()
        cases._debt_check_collector()
        for partner, case in zip(self.commercial_partner_id, cases, strict=True):
            values = {
                case_field: partner._fields[fname].convert_to_write(partner[fname], partner)
                for fname, case_field in CASE_FIELDS
                if partner[fname] != case[case_field]
            }
            if values:
                case.write(values)

    def _search_debt_followup_level_id(self, operator, value):
        return self.env["debt.followup.case"]._debt_search_by_case("level_id", operator, value)

    def _search_debt_collector_id(self, operator, value):
        Case = self.env["debt.followup.case"]
        return Case._debt_search_by_case("collector_id", operator, value)

    def _search_debt_no_contact(self, operator, value):
        Case = self.env["debt.followup.case"]
        return Case._debt_search_by_case("no_contact", operator, value)

    @api.depends_context("company")
    def _compute_debt_last_contact(self):
        last = self.env["debt.followup.case"]._debt_last_contacts(self.commercial_partner_id.ids)
        for partner in self:
            partner.debt_last_contact = last.get(partner.commercial_partner_id.id, False)

    def _debt_followup_pec_email(self):
        """The customer's certified e-mail (PEC) address, else ``False`` (a formal
        notice by PEC then goes as a registered letter); ``l10n_it_edi``'s bridge."""
        self.ensure_one()
        return False

    # The daily run and the buttons: the case does the work

    @api.model
    def _cron_debt_followup(self):
        """The daily follow-up run over all companies (contract): see
        ``debt.followup.case._cron_debt_followup``. Called directly, it also
        sends the reminders it queued (``debt.followup.send``)."""
        result = self.env["debt.followup.case"]._cron_debt_followup()
        if not self.env.context.get("cron_id"):
            self.env["debt.followup.send"]._cron_debt_followup_send()
        return result

    def action_debt_open_case(self):
        self.ensure_one()
        return self._debt_case().action_open()

    def action_debt_followup_send_reminder(self):
        return self.commercial_partner_id._debt_case().action_send_reminder()

    def action_debt_followup_run_now(self):
        return self.commercial_partner_id._debt_case().action_run_now()

    def action_debt_send_sms(self):
        return self.commercial_partner_id._debt_case().action_send_sms()

    def action_debt_whatsapp(self):
        """WhatsApp chat with this contact, in its language, logged on the case."""
        self.ensure_one()
        url = self.commercial_partner_id._debt_case()._debt_whatsapp(self)
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}

    # Calling windows, holidays and caps (COMPLIANCE.md)

    def _debt_next_call_slots(self, dt=None):
        """{partner id: first naive UTC moment at or after ``dt`` (default now) at
        which the debtor may be called, or False past a year}."""
        return self.env["debt.followup.calling.window"]._next_call_slots(self, dt)

    def _debt_next_call_slot(self, dt=None):
        """:meth:`_debt_next_call_slots` of this debtor (calling window, holidays,
        call caps); callers check ``debt_no_contact``."""
        self.ensure_one()
        return self._debt_next_call_slots(dt)[self.id]

    # Consumer or business (COMPLIANCE.md): who owes business late charges

    @api.depends(
        "commercial_partner_id.is_company",
        "commercial_partner_id.vat",
        "commercial_partner_id.country_id",
        "commercial_partner_id.debt_debtor_type",
    )
    def _compute_debt_is_consumer(self):
        for partner in self:
            c = partner.commercial_partner_id
            partner.debt_is_consumer = is_consumer(
                c.is_company, c.vat, c.country_id.code, override=c.debt_debtor_type
            )

    # Text messages: SMS steps and WhatsApp click-to-chat

    @api.depends("phone", "phone_sanitized", "commercial_partner_id.debt_no_contact")
    def _compute_debt_sms_blocked_reason(self):
        Level = self.env["debt.followup.level"]
        for partner in self:
            partner.debt_sms_blocked_reason = Level._debt_text_blocked_reason(partner)
            partner.debt_whatsapp_available = not partner.debt_sms_blocked_reason and (
                is_mobile_number(partner.phone_sanitized)
            )

    def _debt_message_value(self, key):
        """One placeholder of the SMS templates: ``debt.followup.level``'s."""
        self.ensure_one()
        return self.env["debt.followup.level"]._debt_message_value(self, key)
