# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from babel.dates import format_datetime
from markupsafe import Markup
from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Command, Domain
from odoo.tools import SQL, split_every
from odoo.tools.misc import hmac

from odoo.addons.sms.tools.sms_tools import sms_content_to_rendered_html

from ..tools.escalation import Step, followup_status, next_step
from ..tools.formatting import babel_locale, format_amount, format_short_date
from ..tools.messaging import mask_links, whatsapp_url
from ..tools.recovery import GRADES, DebtorHistory, assess_recovery
from ..tools.recovery import stop_suggested as costs_more_than_expected
from .debt_followup_call import CONVERSATION_OUTCOMES, FAILED_OUTCOMES
from .debt_followup_level import WRITTEN_CHANNELS

_logger = logging.getLogger(__name__)

FOLLOWUP_STATUSES = [
    ("ok", "Nothing overdue"),
    ("overdue", "Overdue"),
    ("action_due", "Action due"),
    ("promised", "Promised"),
    ("excluded", "Excluded"),
]
# Activity types the run plans; the reset closes the open ones.
DEBT_ACTIVITY_TYPES = (
    "debt_followup.mail_activity_type_debt_call",
    "debt_followup.mail_activity_type_debt_written",
    "debt_followup.mail_activity_type_debt_visit",
    "debt_followup.mail_activity_type_debt_legal",
)
# Customers handled per transaction by the daily run: about half a second of
# work for 1,000 on the benchmark's data, well inside the scheduler's slice, and
# the ORM's prefetch size (fewer, larger statements than batches of 200).
FOLLOWUP_BATCH_SIZE = 1000
# Non-stored fields of res.partner computed for a whole read at once.
PARTNER_WHOLE_SET_FIELDS = ("debt_followup_status", "debt_followup_level_id")
# Attempts at locking a batch that other cron workers keep committing.
LOCK_ATTEMPTS = 3
# Where a customer stands on its company's ladder: the case's columns that the
# status query reads.
CASE_STATE_FIELDS = (
    "no_contact",
    "level_id",
    "last_action_date",
    "escalate_date",
    "escalate_written_only",
    "paused_until",
)
# Columns of ``_debt_overdue_query`` after the partner id.
OVERDUE_COLUMNS = (
    "amount",
    "count",
    "oldest_overdue",
    "credit",
    "eligible_amount",
    "promised_amount",
    "oldest_eligible",
    "unpaid",
    "balance",
    "promised",
    "activity_due",
    *CASE_STATE_FIELDS,
)
# Cleared when a step is taken, or when everything is paid (with the level).
STEP_RESET = {"escalate_date": False, "escalate_written_only": False, "paused_until": False}
# Context of writes that nobody needs to be told about: no tracking, no
# invoice lines to resynchronise nor balance to check, and the invoices are not
# "manually modified" (e-invoicing reads that flag).
QUIET_WRITE = {
    "tracking_disable": True,
    "skip_invoice_sync": True,
    "skip_is_manually_modified": True,
    "check_move_validity": False,
}
# What each channel does, one short method each (``(level, moves)`` on cases).
CHANNEL_ACTIONS = {
    "phone": "_debt_action_phone",
    "email": "_debt_action_email",
    "pec": "_debt_action_pec",
    "letter": "_debt_action_letter",
    "sms": "_debt_action_sms",
    "visit": "_debt_action_visit",
    "legal": "_debt_action_legal",
}


class PaymentStatus(NamedTuple):
    """What a salesperson and the daily run know of a customer's debt."""

    overdue_amount: float
    overdue_count: int
    oldest_overdue_days: int
    unapplied_credit: float
    promised_amount: float
    next_level: object  # debt.followup.level, empty when no step is due
    next_date: object  # date from which the next step may run, or False
    status: str  # a key of FOLLOWUP_STATUSES
    unpaid: bool


class LadderPlan(NamedTuple):
    """A company's ladder as the escalation rule reads it."""

    levels: object  # debt.followup.level, in ladder order
    steps: list  # tools.escalation.Step of each level
    positions: dict  # level id: index in the ladder
    final: set  # ids of the levels after which nothing is automatic (legal)
    interval: int  # minimum number of days between two steps


# A customer with nothing open in the company.
NO_DEBT = PaymentStatus(0.0, 0, 0, 0.0, 0.0, None, False, "ok", False)

# --- Expected recovery and when to stop (issue 20) ---------------------------------
RECOVERY_GRADES = [(letter, letter) for _lowest, letter in GRADES]
RECOVERY_DECISIONS = [
    ("write_off", "Write off"),
    ("agency", "Hand to an agency"),
    ("go_on", "Go on"),
]
# The debtor's history that the rule reads: the last 12 months of invoices and payments.
RECOVERY_HISTORY_DAYS = 365


class RecoveryFigures(NamedTuple):
    """What the case shows of the expected recovery of a customer."""

    likelihood: float
    grade: str
    reasons: tuple  # tools.recovery.Reason, strongest first
    expected_recovery: float  # company currency
    currency_id: int  # the overdue invoices' currency when one other than the company's
    expected_recovery_currency: float  # in that currency
    next_step_cost: float  # company currency
    stop_suggested: bool


class DebtFollowupCase(models.Model):
    _name = "debt.followup.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _rec_name = "partner_id"
    _check_company_auto = True
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        domain=[("parent_id", "=", False)],
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level",
        check_company=True,
        tracking=True,
        help="Last follow-up step taken for this customer.",
    )
    last_action_date = fields.Date(string="Last Follow-up Action", readonly=True)
    escalate_date = fields.Date(
        string="Escalate On",
        readonly=True,
        help="The next follow-up step is due from this date, whatever its delay "
        "(a refused call, a broken promise).",
    )
    escalate_written_only = fields.Boolean(
        string="Next Written Step",
        readonly=True,
        help="The step due on the escalation date is the next written one "
        "(the customer does not answer the phone).",
    )
    paused_until = fields.Date(
        string="Follow-up Paused Until",
        help="No follow-up step before this date (the customer says it has paid).",
    )
    checked_date = fields.Date(
        string="Checked by the Daily Run",
        readonly=True,
        help="Day the daily run last looked at this case: it looks at a case once a day.",
    )
    last_contact_date = fields.Datetime(
        string="Last Written Reminder",
        readonly=True,
        help="Last e-mail, PEC, SMS or letter sent about overdue invoices.",
    )
    collector_id = fields.Many2one(
        "res.users",
        tracking=True,
        domain=lambda self: self.env["res.users"]._debt_collector_domain(),
    )
    no_contact = fields.Boolean(
        string="Stop Contact",
        tracking=True,
        help="The customer asked in writing not to be called or e-mailed: "
        "formal letters and legal steps remain possible.",
    )
    state = fields.Selection(
        FOLLOWUP_STATUSES,
        string="Status",
        compute="_compute_status",
        search="_search_state",
    )
    next_action_date = fields.Date(string="Next Follow-up Action", compute="_compute_status")
    next_level_id = fields.Many2one(
        "debt.followup.level", string="Next Step", compute="_compute_status"
    )
    overdue_amount = fields.Monetary(compute="_compute_status")
    overdue_count = fields.Integer(string="Overdue Invoices", compute="_compute_status")
    oldest_overdue_days = fields.Integer(string="Days Overdue", compute="_compute_status")
    late_interest = fields.Monetary(
        string="Statutory Interest",
        compute="_compute_late_charges",
        help="Late payment interest due by law and not yet invoiced, up to today.",
    )
    late_compensation = fields.Monetary(
        string="Recovery Costs Compensation",
        compute="_compute_late_charges",
        help="Flat compensation per unpaid invoice due by law and not yet invoiced.",
    )
    late_fine = fields.Monetary(
        compute="_compute_late_charges",
        help="Contractual late fine (company settings) not yet invoiced.",
    )
    late_charges_note = fields.Char(compute="_compute_late_charges")
    sms_to_send = fields.Boolean(
        string="SMS to Send",
        compute="_compute_sms_to_send",
        help="The current step is an SMS step that a collector sends by hand.",
    )
    local_time = fields.Char(
        string="Debtor Local Time",
        compute="_compute_call_slot",
        help="Time now where the debtor is: from the phone number, else the contact's "
        "time zone, else the company's.",
    )
    can_call_now = fields.Boolean(
        compute="_compute_call_slot",
        help="The calling window of the debtor's country and state, its public holidays "
        "and the call caps allow a call now.",
    )
    next_call_slot = fields.Datetime(
        string="Next Allowed Call",
        compute="_compute_call_slot",
        help="First moment at which this debtor may be called.",
    )
    whatsapp_link = fields.Char(
        string="WhatsApp Link",
        compute="_compute_whatsapp_link",
        help="Opens a WhatsApp chat with the follow-up message and logs it on the case.",
    )
    call_ids = fields.One2many("debt.followup.call", "case_id", string="Calls")
    promise_ids = fields.One2many("debt.followup.promise", "case_id", string="Promises to Pay")
    call_count = fields.Integer(compute="_compute_counts")
    promise_count = fields.Integer(compute="_compute_counts")
    move_ids = fields.One2many(
        "account.move",
        compute="_compute_move_ids",
        string="Followed-up Invoices",
        help="Invoices of this company that a follow-up step included.",
    )

    # Issue 17: the debtor's amount in its invoices' currency, and when a
    # reminder may be sent by hand.
    debtor_currency_id = fields.Many2one(
        "res.currency", string="Invoices' Currency", compute="_compute_debtor_amount"
    )
    debtor_overdue_amount = fields.Monetary(
        string="Overdue in the Invoices' Currency",
        currency_field="debtor_currency_id",
        compute="_compute_debtor_amount",
    )
    reminder_from = fields.Date(
        string="Next Reminder From",
        compute="_compute_reminder_from",
        help="A follow-up step was taken today: the next reminder can be sent from this date.",
    )

    _partner_company_uniq = models.UniqueIndex(
        "(partner_id, company_id)", "A customer has one collection case per company."
    )

    # ------------------------------------------------------------------
    # Cases: one per customer and company, created when first needed
    # ------------------------------------------------------------------

    @api.model
    def _debt_for_partners(self, partners):
        """The current company's cases of these partners' commercial entities, in
        their order, created when missing. One statement creates the missing ones
        and tolerates a concurrent creation (a unique index and ``ON CONFLICT``):
        two workers, or a worker and a collector, never create a case twice."""
        commercial = partners.commercial_partner_id
        company = self.env.company
        if not commercial:
            return self.browse()
        self.flush_model(["partner_id", "company_id"])
        self.env.execute_query(
            SQL(
                """
                INSERT INTO debt_followup_case
                       (partner_id, company_id, create_uid, write_uid, create_date, write_date)
                SELECT partner_id, %(company)s, %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(partners)s::int[]) AS partner_id
                ON CONFLICT (partner_id, company_id) DO NOTHING
                """,
                company=company.id,
                uid=self.env.uid,
                partners=commercial.ids,
            )
        )
        cases = self.sudo().search_fetch(
            [("partner_id", "in", commercial.ids), ("company_id", "=", company.id)],
            ["partner_id"],
        )
        by_partner = {case.partner_id.id: case.id for case in cases}
        return self.browse([by_partner[partner.id] for partner in commercial])

    @api.model
    def _debt_fill_case(self, vals_list):
        """Give records about to be created for a customer (calls, promises) the
        case of their company, created when missing."""
        for vals in vals_list:
            if vals.get("partner_id") and not vals.get("case_id"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["case_id"] = self.with_company(company)._debt_for_partners(partner).id
        return vals_list

    @api.model
    def _debt_merge_partners(self, src_partners, dst_partner):
        """Before customers are merged into ``dst_partner`` (Odoo's partner merge):
        each of their cases follows the customer, and where ``dst_partner`` already
        has a case in the same company, the two become one with their history
        (calls, promises, messages, activities, attachments, followers)."""
        cases = self.sudo().with_context(active_test=False)
        kept = {
            case.company_id: case for case in cases.search([("partner_id", "=", dst_partner.id)])
        }
        for case in cases.search([("partner_id", "in", src_partners.ids)], order="id"):
            target = kept.get(case.company_id)
            if not target:
                case.partner_id = dst_partner
                kept[case.company_id] = case
                continue
            case.call_ids.case_id = target
            case.promise_ids.case_id = target
            traces = [("res_model", "=", self._name), ("res_id", "=", case.id)]
            self.env["mail.message"].sudo().search(
                [("model", "=", self._name), ("res_id", "=", case.id)]
            ).res_id = target.id
            self.env["mail.activity"].sudo().search(traces).res_id = target.id
            self.env["ir.attachment"].sudo().search(traces).res_id = target.id
            target.message_subscribe(partner_ids=case.message_partner_ids.ids)
            target.write(
                {
                    "no_contact": target.no_contact or case.no_contact,
                    "collector_id": (target.collector_id or case.collector_id).id,
                }
            )
            case.unlink()

    @api.depends("partner_id")
    def _compute_display_name(self):
        for case in self:
            case.display_name = case.partner_id.display_name

    def _compute_debtor_amount(self):
        for company, cases in self.grouped("company_id").items():
            partners = cases.partner_id.with_company(company)
            by_partner = dict(
                self.env["account.move.line"]
                .with_company(company)
                ._debt_overdue_in_debtor_currency(partners.ids)
            )
            for case in cases:
                currency_id, amount = by_partner.get(case.partner_id.id, (False, 0.0))
                case.debtor_currency_id = self.env["res.currency"].browse(currency_id)
                case.debtor_overdue_amount = amount
        (self - self.filtered("company_id")).debtor_currency_id = False
        (self - self.filtered("company_id")).debtor_overdue_amount = 0.0

    @api.depends("last_action_date")
    def _compute_reminder_from(self):
        """One step a day: after today's step, the next reminder waits for tomorrow."""
        today = fields.Date.context_today(self)
        for case in self:
            case.reminder_from = (
                today + timedelta(days=1) if case.last_action_date == today else False
            )

    def _compute_counts(self):
        calls = dict(
            self.env["debt.followup.call"]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
        )
        promises = dict(
            self.env["debt.followup.promise"]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
        )
        for case in self:
            case.call_count = calls.get(case, 0)
            case.promise_count = promises.get(case, 0)

    def _compute_move_ids(self):
        moves = (
            self.env["account.move"]
            .sudo()
            .search_fetch(
                [
                    ("commercial_partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("debt_followup_level_id", "!=", False),
                ],
                ["commercial_partner_id", "company_id"],
            )
        )
        grouped = moves.grouped(lambda m: (m.commercial_partner_id, m.company_id))
        for case in self:
            case.move_ids = grouped.get((case.partner_id, case.company_id), moves.browse()).sudo(
                False
            )

    @api.depends("partner_id", "company_id")
    def _compute_late_charges(self):
        """Statutory interest, compensation and late fine not yet invoiced
        (COMPLIANCE.md), one computation per company for all its cases."""
        for company, cases in self.grouped("company_id").items():
            rules = self.env["debt.followup.late.payment.rule"].with_company(company)
            charges, notes = rules._late_charges(cases.partner_id)
            for case in cases:
                totals = dict.fromkeys(("interest", "compensation", "fine"), 0.0)
                for charge in charges.get(case.partner_id.id, []):
                    totals[charge["kind"]] += charge["amount"]
                case.late_interest = totals["interest"]
                case.late_compensation = totals["compensation"]
                case.late_fine = totals["fine"]
                case.late_charges_note = notes.get(case.partner_id.id, False)
        empty = self - self.filtered("company_id")
        empty.update(dict.fromkeys(("late_interest", "late_compensation", "late_fine"), 0.0))
        empty.late_charges_note = False

    @api.depends("level_id")
    def _compute_sms_to_send(self):
        for case in self:
            level = case.level_id
            case.sms_to_send = (
                level.channel == "sms" and not level.auto_execute and bool(level.sms_template_id)
            )

    @api.depends_context("lang")
    @api.depends(
        "partner_id.phone", "partner_id.tz", "partner_id.country_id", "partner_id.state_id"
    )
    def _compute_call_slot(self):
        now = fields.Datetime.now()
        for company, cases in self.grouped("company_id").items():
            Window = self.env["debt.followup.calling.window"].with_company(company)
            moments = Window._local_moments(cases.partner_id, now)
            for case in cases:
                case.local_time, case.next_call_slot = moments.get(
                    case.partner_id.id, (False, False)
                )
                case.can_call_now = case.next_call_slot == now and not case.no_contact
        empty = self - self.filtered("company_id")
        empty.update({"local_time": False, "next_call_slot": False, "can_call_now": False})

    @api.depends_context("uid")
    @api.depends("partner_id.debt_whatsapp_available")
    def _compute_whatsapp_link(self):
        for case in self:
            case.whatsapp_link = (
                case.id
                and case.partner_id.debt_whatsapp_available
                and f"/debt_followup/whatsapp/{case.id}?token={case._debt_whatsapp_token()}"
            )

    def _debt_whatsapp_token(self):
        """Ties a WhatsApp link to the case, the user and the day, so that another
        site cannot make a collector's browser log a chat, and an old link (in a
        browser's history) logs nothing."""
        self.ensure_one()
        # Valid for the day it is shown: yesterday's link opens nothing.
        today = fields.Date.context_today(self).isoformat()
        return hmac(self.env(su=True), "debt_followup-whatsapp", (self.id, self.env.uid, today))

    def action_open(self):
        self.ensure_one()
        self._debt_check_collector()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_whatsapp(self):
        """Open a WhatsApp chat with the customer (logged on the case)."""
        self.ensure_one()
        url = self._debt_whatsapp(self.partner_id)
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}

    def action_create_late_charges_invoice(self):
        """A draft customer invoice with the late charges not yet invoiced."""
        self.ensure_one()
        invoice = (
            self.env["debt.followup.late.payment.rule"]
            .with_company(self.company_id)
            ._invoice_late_charges(self.partner_id)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _debt_check_collector(self):
        """Who may act on a case: a collector of its company (hiding a button is
        not a permission)."""
        if not self.env.su and not self.env.user.has_group("debt_followup.group_debt_collector"):
            raise AccessError(
                self.env._("Only debt collectors may act on a customer's collection case.")
            )
        self.check_access("write")

    @api.constrains("collector_id", "company_id")
    def _check_collector_id(self):
        for case in self:
            case.collector_id._debt_check_collector_assignable(case.company_id)

    def write(self, vals):
        if "collector_id" in vals:
            # The collector follows the case (debtor replies reach them); nobody else.
            result = super().write(vals)
            collectors = self.collector_id.partner_id
            self.sudo().message_subscribe(partner_ids=collectors.ids)
            return result
        return super().write(vals)

    # ------------------------------------------------------------------
    # Payment status: a constant number of queries for the whole recordset
    # ------------------------------------------------------------------

    @api.model
    def _debt_overdue_query(self, partner_ids=None):
        """One grouped query over the receivable items of the current company.

        Per commercial partner: overdue residual (disputed and promised included),
        number of overdue invoices, oldest overdue due date, paid but not matched
        (payments, credit notes), overdue residual that follow-up may chase (no
        exclusion, no open promise), overdue residual covered by an open promise,
        the oldest due date among the items follow-up may chase (overdue or not:
        courtesy steps look ahead), whether anything is unpaid at all, the net
        receivable (Odoo's ``credit`` in this company, without a second query),
        the amount of the open promises, whether a follow-up activity is due on
        the case, and the case's ``CASE_STATE_FIELDS``.
        """
        self.env["debt.followup.promise"].flush_model(
            ["state", "move_ids", "amount", "partner_id", "company_id"]
        )
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "active", "date_deadline", "activity_type_id"]
        )
        self.flush_model(["partner_id", "company_id", *CASE_STATE_FIELDS])
        today = fields.Date.context_today(self)
        company = self.env.company.id

        # The partners asked for, in every subquery (a batch of the daily run
        # reads its own activities and promises, not the whole company's), as
        # one array that the planner does not estimate element by element.
        asked = (
            SQL("WITH asked AS (SELECT %s::int[] AS ids)", list(partner_ids))
            if partner_ids
            else SQL()
        )

        def among(column):
            if not partner_ids:
                return SQL()
            return SQL("AND %s = ANY((SELECT ids FROM asked)::int[])", SQL(column))

        overdue = SQL("aml.amount_residual > 0 AND aml.date_maturity < %s", today)
        eligible = SQL(
            "aml.amount_residual > 0 AND aml.no_followup IS NOT TRUE AND promised.move_id IS NULL"
        )
        # Totals per customer first, then one row of the other tables per customer;
        # amounts as float8, as the ORM reads them (no Decimal to convert).
        return SQL(
            """
            %(asked)s
            SELECT totals.*,
                   COALESCE(promises.amount, 0)::float8,
                   due.res_id IS NOT NULL,
                   COALESCE(cs.no_contact, FALSE), cs.level_id, cs.last_action_date,
                   cs.escalate_date, COALESCE(cs.escalate_written_only, FALSE),
                   cs.paused_until
              FROM (
                SELECT aml.partner_id,
                       COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s), 0)::float8,
                       COUNT(DISTINCT aml.move_id) FILTER (WHERE %(overdue)s),
                       MIN(aml.date_maturity) FILTER (WHERE %(overdue)s),
                       COALESCE(-SUM(aml.amount_residual) FILTER (
                           WHERE aml.amount_residual < 0), 0)::float8,
                       COALESCE(SUM(aml.amount_residual) FILTER (
                           WHERE %(overdue)s AND %(eligible)s), 0)::float8,
                       COALESCE(SUM(aml.amount_residual) FILTER (
                           WHERE %(overdue)s AND aml.no_followup IS NOT TRUE
                             AND promised.move_id IS NOT NULL), 0)::float8,
                       MIN(aml.date_maturity) FILTER (WHERE %(eligible)s),
                       BOOL_OR(aml.amount_residual > 0),
                       COALESCE(SUM(aml.amount_residual), 0)::float8
                  FROM %(items)s
             LEFT JOIN (SELECT DISTINCT rel.move_id
                          FROM debt_followup_promise_move_rel rel
                          JOIN debt_followup_promise promise ON promise.id = rel.promise_id
                         WHERE promise.state = 'open'
                           %(among_promised)s) promised ON promised.move_id = aml.move_id
                 WHERE aml.company_id = %(company)s
                   %(among_items)s
              GROUP BY aml.partner_id
              ) totals
         LEFT JOIN debt_followup_case cs
                ON cs.partner_id = totals.partner_id AND cs.company_id = %(company)s
         LEFT JOIN (SELECT partner_id, SUM(amount) AS amount
                      FROM debt_followup_promise
                     WHERE state = 'open' AND company_id = %(company)s
                       %(among_promises)s
                  GROUP BY partner_id) promises ON promises.partner_id = totals.partner_id
         LEFT JOIN (SELECT DISTINCT res_id
                      FROM mail_activity
                     WHERE res_model = 'debt.followup.case' AND active
                       AND date_deadline <= %(today)s
                       AND activity_type_id IN (%(types)s)) due ON due.res_id = cs.id
            """,
            items=self.env["account.move.line"]._debt_open_receivables_from(),
            overdue=overdue,
            eligible=eligible,
            today=today,
            types=self._debt_activity_types_query(),
            company=company,
            asked=asked,
            among_items=among("aml.partner_id"),
            among_promised=among("promise.partner_id"),
            among_promises=among("partner_id"),
        )

    @api.model
    def _debt_overdue_data(self, partner_ids=None):
        """The rows of :meth:`_debt_overdue_query` as dicts, by commercial partner id."""
        rows = self.env.execute_query(self._debt_overdue_query(partner_ids))
        return {row[0]: dict(zip(OVERDUE_COLUMNS, row[1:], strict=True)) for row in rows}

    @api.model
    def _debt_ladder(self):
        """Active levels of the current company, in ladder order, with what the
        escalation rule reads of them."""
        return self.env["debt.followup.level"].search_fetch(
            [("company_id", "=", self.env.company.id)],
            ["sequence", "delay", "channel"],
            order="sequence, delay, id",
        )

    @api.model
    def _debt_horizon(self, ladder, today):
        """Last due date that a step of ``ladder`` may follow up today (the courtesy
        step looks ahead of the due date)."""
        first_delay = min(ladder.mapped("delay"), default=1)
        return today - timedelta(days=min(first_delay, 1))

    @api.model
    def _debt_activity_types_query(self):
        """Ids of the activity types follow-up plans and closes, as a subquery:
        the addon's own types and the case types set on levels (a generic
        "To Do" is not the addon's to close)."""
        self.env["debt.followup.level"].flush_model(["activity_type_id", "active"])
        self.env["mail.activity.type"].flush_model(["res_model"])
        # Ids from the cached xmlid table: no query per type.
        ir_model_data = self.env["ir.model.data"]
        own = [
            res_id
            for xmlid in DEBT_ACTIVITY_TYPES
            if (res_id := ir_model_data._xmlid_to_res_id(xmlid))
        ]
        return SQL(
            """SELECT id FROM mail_activity_type WHERE id = ANY(%s)
               UNION
               SELECT level.activity_type_id
                 FROM debt_followup_level level
                 JOIN mail_activity_type type ON type.id = level.activity_type_id
                WHERE level.active AND type.res_model = 'debt.followup.case'""",
            own,
        )

    @api.model
    def _debt_activity_types(self):
        rows = self.env.execute_query(self._debt_activity_types_query())
        return self.env["mail.activity.type"].browse(row[0] for row in rows)

    def _debt_open_activities(self, activity_type=None):
        """Open follow-up activities of these cases (of ``activity_type`` only)."""
        types = activity_type or self._debt_activity_types()
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "in", types.ids),
                ]
            )
        )

    @api.model
    def _debt_statuses(self, data):
        """``{commercial partner id: PaymentStatus}`` from the rows of
        :meth:`_debt_overdue_data`."""
        if not data:
            return {}
        today = fields.Date.context_today(self)
        company = self.env.company
        ladder = self._debt_ladder()
        plan = LadderPlan(
            levels=ladder,
            steps=[Step(level.delay, level.channel in WRITTEN_CHANNELS) for level in ladder],
            positions={level.id: index for index, level in enumerate(ladder)},
            final={level.id for level in ladder if level.channel == "legal"},
            interval=company.debt_followup_interval,
        )
        levels = list(ladder)
        no_level = ladder.browse()
        min_amount = company.debt_min_amount
        result = {}
        for partner_id, values in data.items():
            step = None
            if values["unpaid"] and values["balance"] > min_amount:
                step = self._debt_next_step(plan, values, values["oldest_eligible"])
            oldest = values["oldest_overdue"]
            result[partner_id] = PaymentStatus(
                overdue_amount=values["amount"],
                overdue_count=values["count"],
                oldest_overdue_days=(today - oldest).days if oldest else 0,
                unapplied_credit=values["credit"],
                promised_amount=values["promised"],
                next_level=levels[step.index] if step else no_level,
                next_date=step.date if step else False,
                status=followup_status(
                    overdue=values["amount"],
                    chased=values["eligible_amount"],
                    promised=values["promised_amount"],
                    no_contact=values["no_contact"],
                    action_due=bool(step and step.date <= today) or values["activity_due"],
                ),
                unpaid=values["unpaid"],
            )
        return result

    @api.model
    def _debt_next_step(self, plan, state, oldest_due_date):
        """The step due next for a customer, as a ``NextStep(index in the ladder,
        first date)``, or ``None``. ``plan`` is the company's :class:`LadderPlan`,
        ``state`` the case's ``CASE_STATE_FIELDS`` as plain values."""
        current_id = state["level_id"]
        if not oldest_due_date or current_id in plan.final:
            return None
        current_index = plan.positions.get(current_id)
        if current_id and current_index is None:
            # An archived level: place the customer after the steps it has reached.
            current = plan.levels.browse(current_id).exists()
            if current.channel == "legal":
                return None
            earlier = [i for i, level in enumerate(plan.levels) if level.delay <= current.delay]
            current_index = earlier[-1] if earlier else None
        return next_step(
            plan.steps,
            current_index,
            oldest_due_date,
            state["last_action_date"],
            plan.interval,
            escalate_date=state["escalate_date"],
            written_only=state["escalate_written_only"],
            paused_until=state["paused_until"],
            today=fields.Date.context_today(self),
        )

    @api.model
    def _debt_assign_by_value(self, records, values):
        """Assign computed values grouped by value: one assignment to all the
        records sharing a value (a status, a date, a zero, no case) instead of
        one per record and field. ``values``: ``{record id: {field: value}}``."""
        ids_by_value = defaultdict(list)
        for record_id, record_values in values.items():
            for item in record_values.items():
                ids_by_value[item].append(record_id)
        for (fname, value), ids in ids_by_value.items():
            records.browse(ids)[fname] = value

    @api.model
    def _debt_fetch_partner_fields(self, partners, field_names):
        """Compute the payment status and the case fields of ``partners`` at
        once when a read asks for them (``res.partner.fetch``). The ORM computes
        a non-stored field ``PREFETCH_MAX`` (1,000) records at a time, while
        these cost the same queries for any number of customers: a read of
        10,000 customers (an export, a report) would make them ten times."""
        names = set(field_names)
        for fname in PARTNER_WHOLE_SET_FIELDS:
            field = partners._fields[fname]
            computed = [f.name for f in self.pool.field_computed[field]]
            if names.isdisjoint(computed):
                continue
            missing = partners.browse(field._cache_missing_ids(partners))
            if not missing:
                continue
            try:
                field.compute_value(missing)
            except (AccessError, MissingError):
                # As the ORM does then: it computes them record by record on access.
                missing.invalidate_recordset(computed)

    @api.model
    def _debt_partner_statuses(self, partner_ids=None):
        """``{commercial partner id: PaymentStatus}`` in the current company, of
        these commercial partners (default: every customer with something open)."""
        return self._debt_statuses(self._debt_overdue_data(partner_ids))

    @api.model
    def _debt_search_partners(self, attribute, operator, value):
        """A domain on ``res.partner`` for the customers whose status in the
        current company has ``attribute`` (of :class:`PaymentStatus`) matching
        ``operator value``; customers with nothing open have ``NO_DEBT``'s."""
        if attribute == "status" and operator not in ("in", "not in"):
            return NotImplemented
        if attribute != "status" and operator not in ("<", "<=", ">", ">=", "=", "!="):
            return NotImplemented
        check = {
            "<": lambda a: a < value,
            "<=": lambda a: a <= value,
            ">": lambda a: a > value,
            ">=": lambda a: a >= value,
            "=": lambda a: a == value,
            "!=": lambda a: a != value,
            "in": lambda a: a in value,
            "not in": lambda a: a not in value,
        }[operator]
        statuses = self._debt_partner_statuses()
        if check(getattr(NO_DEBT, attribute)):
            excluded = [pid for pid, s in statuses.items() if not check(getattr(s, attribute))]
            return [("commercial_partner_id", "not in", excluded)]
        matching = [pid for pid, s in statuses.items() if check(getattr(s, attribute))]
        return [("commercial_partner_id", "in", matching)]

    @api.model
    def _debt_partner_grades(self, partner_ids):
        """``{commercial partner id: (recovery grade, its reasons)}`` of the
        customers with something overdue in the current company, read as
        superuser: the facts behind it (payments, promises kept, calls answered),
        never a call or promise note. A constant number of queries."""
        cases = self.sudo()
        return {
            partner_id: (figure.grade, cases._debt_recovery_reasons_text(figure.reasons))
            for partner_id, figure in cases._debt_recovery_figures(partner_ids).items()
            if figure.expected_recovery > 0
        }

    @api.model
    def _debt_debtor_amounts(self, partner_ids):
        """``{commercial partner id: (currency, overdue, promised)}``: the overdue
        amount and the open promises in the currency of the customer's invoices
        in the current company (two queries); none when they mix currencies."""
        overdue = self.env["account.move.line"]._debt_overdue_in_debtor_currency(partner_ids)
        promised = {
            (partner.id, currency.id): amount
            for partner, currency, amount in self.env["debt.followup.promise"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partner_ids),
                    ("company_id", "=", self.env.company.id),
                    ("state", "=", "open"),
                ],
                ["partner_id", "currency_id"],
                ["amount:sum"],
            )
        }
        Currency = self.env["res.currency"]
        return {
            partner_id: (
                Currency.browse(currency_id),
                amount,
                promised.get((partner_id, currency_id), 0.0),
            )
            for partner_id, (currency_id, amount) in overdue.items()
        }

    @api.model
    def _debt_search_by_case(self, case_field, operator, value):
        """A domain on ``res.partner`` for the customers whose case in the current
        company matches ``case_field operator value``; a customer without a case
        has the case's defaults (no level, no collector, no stop-contact)."""
        Case = self.sudo()
        condition = Domain(case_field, operator, value)
        in_company = Domain("company_id", "=", self.env.company.id)
        if Case.new({}).filtered_domain(condition):
            cases = Case._search(in_company & ~condition)
            return [("commercial_partner_id", "not in", cases.subselect("partner_id"))]
        cases = Case._search(in_company & condition)
        return [("commercial_partner_id", "in", cases.subselect("partner_id"))]

    @api.model
    def _debt_last_contacts(self, partner_ids):
        """``{commercial partner id: last call or written reminder}`` in the current
        company, read as superuser (only dates, never a note); two queries."""
        in_company = [("partner_id", "in", partner_ids), ("company_id", "=", self.env.company.id)]
        calls = (
            self.env["debt.followup.call"]
            .sudo()
            ._read_group(in_company, ["partner_id"], ["date:max"])
        )
        written = self.sudo()._read_group(in_company, ["partner_id"], ["last_contact_date:max"])
        last = {}
        for partner, date in calls + written:
            if date and (partner.id not in last or date > last[partner.id]):
                last[partner.id] = date
        return last

    @api.depends_context("company")
    @api.depends("level_id", "no_contact", "paused_until", "escalate_date")
    def _compute_status(self):
        for company, cases in self.grouped("company_id").items():
            statuses = self.with_company(company)._debt_partner_statuses(cases.partner_id.ids)
            for case in cases:
                status = statuses.get(case.partner_id.id, NO_DEBT)
                case.state = status.status
                case.next_action_date = status.next_date
                case.next_level_id = status.next_level
                case.overdue_amount = status.overdue_amount
                case.overdue_count = status.overdue_count
                case.oldest_overdue_days = status.oldest_overdue_days
        (self - self.filtered("company_id")).state = "ok"

    def _search_state(self, operator, value):
        partners = self._debt_search_partners("status", operator, value)
        if partners is NotImplemented:
            return NotImplemented
        [(_field, partner_operator, partner_ids)] = partners
        return Domain("company_id", "=", self.env.company.id) & Domain(
            "partner_id", partner_operator, partner_ids
        )

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_debt_followup(self):
        """The daily follow-up run over all companies: it decides and records
        (moves cases, stamps invoices, plans activities, queues the written
        reminders that the sending job, ``debt.followup.send``, renders and
        sends).

        Selects what is left to do today (a case the run looked at today is not
        selected again, so that a run that the scheduler stops after its slice
        and starts again costs nothing extra), then works in batches of cases,
        each locked with ``try_lock_for_update`` (cases another worker holds are
        skipped) and committed with ``ir.cron._commit_progress``.
        """
        todo = self._debt_followup_todo()
        remaining = sum(len(ids) for _company, ids in todo)
        self.env["ir.cron"]._commit_progress(remaining=remaining)
        for company, ids in todo:
            self.with_company(company)._debt_followup_batch(ids)
            remaining -= len(ids)
            if not self.env["ir.cron"]._commit_progress(len(ids), remaining=remaining):
                break
        self._debt_followup_trigger_send()

    @api.model
    def _debt_followup_todo(self):
        """What the daily run has left to do today: ``(company, partner ids)``
        batches of at most ``FOLLOWUP_BATCH_SIZE`` customers."""
        todo = []
        ladders = self.env["debt.followup.level"].sudo()._read_group([], ["company_id"])
        for (company,) in ladders:
            partners = self.with_company(company)._debt_followup_candidates()
            todo.extend((company, ids) for ids in split_every(FOLLOWUP_BATCH_SIZE, partners.ids))
        return todo

    @api.model
    def _debt_followup_batch(self, partner_ids):
        """One batch of the daily run in the current company: lock the cases of
        these customers (those another worker holds are skipped), take their
        steps and stamp them looked at today."""
        today = fields.Date.context_today(self)
        # E-mails of the run go through the mail queue, not inside the batch.
        runner = self.with_context(mail_notify_force_send=False)
        cases = runner._debt_followup_lock(self.env["res.partner"].browse(partner_ids))
        failed = cases._debt_followup_run()
        # A case that took its step today is not selected again anyway.
        looked_at = (cases - failed).filtered(lambda case: case.last_action_date != today)
        looked_at.sudo().with_context(tracking_disable=True).write({"checked_date": today})

    @api.model
    def _debt_followup_trigger_send(self):
        """Start the sending job when the run queued written reminders."""
        if self.env["debt.followup.send"].sudo().search_count([("state", "=", "pending")], limit=1):
            self.env.ref("debt_followup.ir_cron_debt_followup_send")._trigger()

    @api.model
    def _debt_followup_lock(self, partners):
        """The cases of a batch of customers that this worker could lock, created
        when missing; those another worker holds are skipped. The lock lets
        others reference the cases (log a call, record a promise) meanwhile, and
        is held only while the run decides and records: nothing is rendered
        under it (the written reminders are queued). Under PostgreSQL's
        repeatable read, a row that another worker committed after this
        transaction's snapshot cannot be locked nor inserted again
        (serialization failure): commit, which takes a new snapshot, and try
        again."""
        for _attempt in range(LOCK_ATTEMPTS):
            try:
                with self.env.cr.savepoint():
                    cases = self._debt_for_partners(partners).try_lock_for_update(
                        allow_referencing=True
                    )
                    # Another worker may have committed these cases a moment ago.
                    cases.invalidate_recordset()
                    return cases
            except errors.SerializationFailure:
                self.env["ir.cron"]._commit_progress()
        _logger.info("Follow-up batch of %s customers left for the next run", len(partners))
        return self.browse()

    @api.model
    def _debt_followup_candidates(self):
        """Commercial partners of the current company that the run must look at
        today: those with unpaid items within reach of the ladder, and those at a
        level (they may have paid everything), except those acted upon or
        looked at by the daily run today."""
        today = fields.Date.context_today(self)
        horizon = self._debt_horizon(self._debt_ladder(), today)
        self.flush_model(
            ["partner_id", "company_id", "level_id", "last_action_date", "checked_date"]
        )
        self.env["res.partner"].flush_model(["active"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id FROM (
                    SELECT DISTINCT aml.partner_id
                      FROM %(items)s
                     WHERE aml.amount_residual > 0
                       AND aml.date_maturity <= %(horizon)s
                       AND aml.company_id = %(company)s
                     UNION
                    SELECT partner_id FROM debt_followup_case
                     WHERE company_id = %(company)s AND level_id IS NOT NULL
                ) candidate
                  -- an archived customer is followed no more; its case keeps its history
                 WHERE EXISTS (SELECT 1 FROM res_partner partner
                                WHERE partner.id = candidate.partner_id AND partner.active)
                EXCEPT
                SELECT partner_id FROM debt_followup_case
                 WHERE company_id = %(company)s
                   AND (last_action_date = %(today)s OR checked_date = %(today)s)
                 ORDER BY 1
                """,
                items=self.env["account.move.line"]._debt_open_receivables_from(),
                horizon=horizon,
                company=self.env.company.id,
                today=today,
            )
        )
        return self.env["res.partner"].browse([row[0] for row in rows])

    def _debt_followup_run(self, isolate=True):
        """Take the follow-up step due today for these cases, in the current
        company; reset those that paid everything. With ``isolate`` (the daily
        run), a case whose step fails is logged and left for the next run while
        the others go on; without it (a button), the error is raised, and the
        written reminders of the step are sent at once instead of waiting for
        the sending job.

        :return: the cases whose reset or step failed (``isolate`` only)
        """
        today = fields.Date.context_today(self)
        failed = self.browse()
        self.fetch(["partner_id", "level_id"])
        statuses = self._debt_partner_statuses(self.partner_id.ids)
        to_reset = self.filtered(
            lambda c: c.level_id and not statuses.get(c.partner_id.id, NO_DEBT).unpaid
        )
        if to_reset and isolate:
            try:
                with self.env.cr.savepoint():
                    to_reset._debt_followup_reset()
            except Exception:
                _logger.exception("Follow-up reset failed for cases %s", to_reset.ids)
                failed |= to_reset
        elif to_reset:
            to_reset._debt_followup_reset()
        due = defaultdict(list)
        for case in self - to_reset:
            status = statuses.get(case.partner_id.id, NO_DEBT)
            if status.next_level and status.next_date <= today:
                due[status.next_level].append(case.id)
        for level, ids in due.items():
            cases = self.browse(ids)
            moves = cases._debt_followup_moves(level)
            if not isolate:
                cases._debt_followup_take_step(level, moves)
                cases._debt_send_queued()
                continue
            try:
                with self.env.cr.savepoint():
                    cases._debt_followup_take_step(level, moves)
            except Exception:
                _logger.warning(
                    "Follow-up step %s failed for a batch; retrying one customer at a time",
                    level.display_name,
                    exc_info=True,
                )
                cases = cases.exists()
                moves_by_case = cases._debt_moves_by_case(moves)
                for case in cases:
                    try:
                        with self.env.cr.savepoint():
                            case._debt_followup_take_step(level, moves_by_case[case.id])
                    except Exception:
                        _logger.exception(
                            "Follow-up step %s failed for case %s", level.display_name, case.id
                        )
                        failed |= case
        return failed

    def _debt_send_queued(self):
        """Send now the written reminders queued for these cases (a button: the
        collector waits for them)."""
        queued = (
            self.env["debt.followup.send"]
            .sudo()
            .search([("case_id", "in", self.ids), ("state", "=", "pending")])
        )
        queued.with_env(self.env)._debt_send()

    @api.model
    def _debt_overdue_domain(self, today=None):
        """The open overdue receivable items that follow-up chases (the one
        predicate of the addon's searches on ``account.move.line``)."""
        today = today or fields.Date.context_today(self)
        return Domain(
            [
                ("company_id", "=", self.env.company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("no_followup", "=", False),
                ("date_maturity", "<", today),
            ]
        )

    @api.model
    def _debt_overdue_lines(self, partners):
        """Overdue receivable items of these customers in the current company,
        oldest due date first (what a call, a letter or an e-mail lists)."""
        return self.env["account.move.line"].search(
            self._debt_overdue_domain()
            & Domain("partner_id", "in", partners.commercial_partner_id.ids),
            order="date_maturity, id",
        )

    def _debt_followup_moves(self, level):
        """Invoices of these cases included in ``level``'s step."""
        return self._debt_step_moves(self.partner_id, level)

    @api.model
    def _debt_step_moves(self, partners, level):
        """Invoices of these commercial partners included in ``level``'s step:
        unpaid, not excluded, not covered by an open promise, due (or, for a
        courtesy step, about to be due)."""
        today = fields.Date.context_today(self)
        due_before = max(today, today - timedelta(days=level.delay - 1))
        lines = self.env["account.move.line"].search_fetch(
            self._debt_overdue_domain(due_before) & Domain("partner_id", "in", partners.ids),
            ["move_id"],
            order="date_maturity, id",
        )
        promised = (
            self.env["debt.followup.promise"]
            .sudo()
            .search([("partner_id", "in", partners.ids), ("state", "=", "open")])
        )
        moves = lines.move_id - promised.move_ids
        # What the channels read of them, not every column of account.move.
        moves.fetch(
            ["name", "commercial_partner_id", "invoice_date_due", "amount_residual", "currency_id"]
        )
        return moves

    def _debt_moves_by_case(self, moves):
        """The invoices of ``moves`` by case id, each case's own (grouped once:
        a step covers the invoices of a whole batch)."""
        by_partner = moves.grouped("commercial_partner_id")
        return {case.id: by_partner.get(case.partner_id, moves.browse()) for case in self}

    def _debt_followup_take_step(self, level, moves):
        """Run ``level``'s channel action for these cases and record the step on
        them and on the invoices it covers."""
        today = fields.Date.context_today(self)
        # What the collector reads (activity summaries and notes, chatter logs) in
        # the collector's language; what the customer gets keeps the customer's.
        self.fetch(["collector_id", "partner_id", "no_contact"])
        by_lang = defaultdict(list)
        for case in self:
            by_lang[case._debt_collector().lang or self.env.lang].append(case.id)
        for lang, ids in by_lang.items():
            cases = self.browse(ids).with_context(lang=lang)
            getattr(cases, CHANNEL_ACTIONS[level.channel])(level.with_context(lang=lang), moves)
        self.sudo().with_context(**QUIET_WRITE).write(
            {"level_id": level.id, "last_action_date": today, **STEP_RESET}
        )
        moves._debt_stamp_step(level, today)

    def _debt_followup_reset(self):
        """Everything is paid: back to no level, open follow-up activities closed."""
        activities = self._debt_open_activities()
        if activities:
            activities.action_feedback(feedback=self.env._("Everything is paid: follow-up closed."))
        self.sudo().with_context(tracking_disable=True).write(
            {"level_id": False, "last_action_date": False, **STEP_RESET}
        )

    def _debt_escalate_now(self, written_only=False):
        """The next step is due today, whatever its delay and the interval since
        the last step (a refused call, a broken promise, calls without answer)."""
        self.sudo().write(
            {
                "escalate_date": fields.Date.context_today(self),
                "escalate_written_only": written_only,
                "paused_until": False,
            }
        )

    def _debt_pause_followup(self, until):
        """No follow-up step before ``until`` (the customer says it has paid)."""
        self.sudo().paused_until = until

    def _debt_collector(self):
        """Who works this case: its collector, else the customer's salesperson if a
        collector, else the company's responsible, else the administrator."""
        self.ensure_one()
        salesperson = self.partner_id.user_id
        if salesperson and not salesperson.has_group("debt_followup.group_debt_collector"):
            salesperson = salesperson.browse()  # would not see the case
        return (
            self.collector_id
            or salesperson
            or self.env.company.debt_responsible_id
            # from the cached xmlid table: no query per customer in the daily run
            or self.env["res.users"].browse(
                self.env["ir.model.data"]._xmlid_to_res_id("base.user_admin")
            )
        )

    # ------------------------------------------------------------------
    # Actions by channel: one method per channel, ``(level, moves)`` on cases
    # ------------------------------------------------------------------

    def _debt_schedule(self, level, activity_type, summary, moves):
        """Plan one ``activity_type`` activity per case for its collector, unless
        one is already open (never two open collection activities of a kind)."""
        busy = set(self._debt_open_activities(activity_type).mapped("res_id"))
        today = fields.Date.context_today(self)
        to_plan = self.filtered(lambda c: c.id not in busy)
        moves_by_case = to_plan._debt_moves_by_case(moves)
        return to_plan._debt_plan_activities(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_id": case.id,
                    "user_id": case._debt_collector().id,
                    "date_deadline": today,
                    "summary": summary,
                    "note": case._debt_followup_note(level, moves_by_case[case.id]),
                }
                for case in to_plan
            ]
        )

    @api.model
    def _debt_plan_activities(self, vals_list):
        """Plan follow-up activities on cases in one statement (the daily run's
        steps, the promise check's broken promises).

        What ``mail.activity.create`` stores, without what it does for an
        activity planned by hand: no e-mail nor bus notification to the
        assignee, who is not subscribed to the case either (the collector's
        worklist shows the activities; a case's followers are chosen on purpose,
        see :meth:`write`). ``note`` must be ``Markup`` built from escaped
        values (:meth:`_debt_followup_note`, ``Markup("<p>%s</p>") % text``).

        :param vals_list: dicts of ``activity_type_id``, ``res_id`` (a case),
            ``user_id``, ``date_deadline``, ``summary`` and ``note``
        :return: the new activities
        """
        Activity = self.env["mail.activity"].sudo()
        if not vals_list:
            return Activity
        cases = self.browse(vals["res_id"] for vals in vals_list)
        users = self.env["res.users"].sudo().browse(vals["user_id"] for vals in vals_list)
        tz_of = {user.id: user.tz for user in users}
        name_of = {case.id: case.partner_id.display_name for case in cases}
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_activity (
                    activity_type_id, res_model_id, res_model, res_id, res_name, user_id,
                    user_tz, date_deadline, summary, note, automated, active,
                    create_uid, create_date, write_uid, write_date)
                SELECT planned.type_id, %(model_id)s, %(model)s, planned.res_id,
                       planned.res_name, planned.user_id, planned.user_tz, planned.deadline,
                       planned.summary, planned.note, TRUE, TRUE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(types)s::int[], %(res_ids)s::int[], %(names)s::varchar[],
                              %(users)s::int[], %(tzs)s::varchar[], %(deadlines)s::date[],
                              %(summaries)s::varchar[], %(notes)s::text[])
                       AS planned(type_id, res_id, res_name, user_id, user_tz, deadline,
                                  summary, note)
             RETURNING id
                """,
                model_id=self.env["ir.model"]._get_id(self._name),
                model=self._name,
                uid=self.env.uid,
                now=self.env.cr.now(),
                types=[vals["activity_type_id"] for vals in vals_list],
                res_ids=[vals["res_id"] for vals in vals_list],
                names=[name_of[vals["res_id"]] for vals in vals_list],
                users=[vals["user_id"] for vals in vals_list],
                tzs=[tz_of[vals["user_id"]] or None for vals in vals_list],
                deadlines=[vals["date_deadline"] for vals in vals_list],
                summaries=[vals["summary"] for vals in vals_list],
                notes=[str(vals["note"]) for vals in vals_list],
            )
        )
        # The cases' activity fields (activity_ids, activity_state...) change.
        cases.invalidate_recordset()
        return Activity.browse(row[0] for row in rows)

    def _debt_followup_note(self, level, moves):
        """Short HTML summary of a step: the level and the invoices it covers."""
        # The collector reads it: in the user's language, CLDR formats (Babel).
        lang = self.env.lang
        items = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(invoice)s, due %(date)s: %(amount)s",
                invoice=move.name,
                date=format_short_date(move.invoice_date_due, lang),
                amount=format_amount(move.amount_residual, move.currency_id.name, lang),
            )
            for move in moves
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Follow-up step: %(level)s", level=level.name),
            items,
        )

    def _debt_activity_type(self, level, xmlid):
        return level.activity_type_id or self.env.ref(xmlid)

    def _debt_contactable(self):
        return self.filtered(lambda case: not case.no_contact)

    def _debt_action_phone(self, level, moves):
        """One open collection-call activity per case for its collector."""
        self._debt_contactable()._debt_schedule(
            level,
            self.env.ref("debt_followup.mail_activity_type_debt_call"),
            self.env._("Collection call: %(level)s", level=level.name),
            moves,
        )

    def _debt_action_email(self, level, moves):
        """Queue the level's template for the invoice contact in the customer's
        language (when the level is automatic), else ask a human to send it."""
        cases = self._debt_contactable()
        if not (level.auto_execute and level.mail_template_id):
            cases._debt_ask_written(level, moves)
            return
        contact_ids = {
            case.id: case.partner_id.address_get(["invoice"])["invoice"] for case in cases
        }
        # One recordset: their addresses and blacklist entries read together.
        all_contacts = self.env["res.partner"].browse(set(contact_ids.values()))
        contacts = {
            case_id: all_contacts.browse(contact_id).with_prefetch(all_contacts._ids)
            for case_id, contact_id in contact_ids.items()
        }
        # A blacklisted address gets no e-mail: a human sends the reminder otherwise.
        with_email = cases.filtered(
            lambda case: contacts[case.id].email and not contacts[case.id].is_blacklisted
        )
        with_email._debt_queue(level, moves, "email", contacts=contacts)
        (cases - with_email)._debt_ask_written(level, moves)

    def _debt_action_pec(self, level, moves):
        """Formal notice by PEC to the customer's certified address; without one, a
        registered letter."""
        pecs = {case.id: case.partner_id._debt_followup_pec_email() for case in self}
        with_pec = self.filtered(lambda case: pecs[case.id])
        if level.auto_execute and level.mail_template_id:
            with_pec._debt_queue(level, moves, "pec", emails=pecs)
        else:
            with_pec._debt_ask_written(level, moves)
        (self - with_pec)._debt_action_letter(level, moves)

    def _debt_action_letter(self, level, moves):
        """The reminder letter (queued: the sending job makes the PDF and puts it
        on the case), and an activity to post it."""
        self._debt_queue(level, moves, "letter")
        self._debt_schedule(
            level,
            self._debt_activity_type(level, "debt_followup.mail_activity_type_debt_written"),
            self.env._("Post the reminder letter: %(level)s", level=level.name),
            moves,
        )

    def _debt_post_letter(self, level, moves):
        """Make the reminder letter as PDF and put it on the case."""
        report = self.env.ref("debt_followup.action_report_debt_followup_letter")
        attachments = self.env["ir.attachment"].sudo()
        moves_by_case = self._debt_moves_by_case(moves)
        for case in self:
            partner = case.partner_id
            pdf, _report_type = (
                self.env["ir.actions.report"]
                .sudo()
                .with_context(lang=partner.lang)
                ._render_qweb_pdf(report, partner.ids)
            )
            attachment = attachments.create(
                {
                    "name": self.env._("Payment reminder - %(partner)s.pdf", partner=partner.name),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": case.id,
                }
            )
            case.sudo().message_post(
                body=case._debt_followup_note(level, moves_by_case[case.id]),
                attachment_ids=attachment.ids,
                subtype_xmlid="mail.mt_note",
            )
        self.sudo().last_contact_date = fields.Datetime.now()

    def _debt_queue(self, level, moves, channel, contacts=None, emails=None):
        """Queue the written reminder of ``level`` for these cases (one statement):
        the sending job renders and sends it. ``contacts`` and ``emails``: the
        recipient and the certified address by case id."""
        moves_by_case = self._debt_moves_by_case(moves)
        return (
            self.env["debt.followup.send"]
            .sudo()
            .create(
                [
                    {
                        "case_id": case.id,
                        "level_id": level.id,
                        "channel": channel,
                        "move_ids": [Command.set(moves_by_case[case.id].ids)],
                        "contact_id": contacts[case.id].id if contacts else False,
                        "email_to": emails[case.id] if emails else False,
                        "lang": self.env.lang,
                    }
                    for case in self
                ]
            )
        )

    def _debt_action_sms(self, level, moves):
        """The level's SMS in each customer's language, queued (when the level is
        automatic), else an activity asking a human to send it (button "Send SMS")."""
        if not (level.auto_execute and level.sms_template_id):
            self._debt_contactable()._debt_ask_written(level, moves)
            return
        self._debt_queue(level, moves, "sms")

    def _debt_action_visit(self, level, moves):
        """An activity for the collector to visit the customer."""
        self._debt_schedule(
            level,
            self._debt_activity_type(level, "debt_followup.mail_activity_type_debt_visit"),
            self.env._("Visit the customer: %(level)s", level=level.name),
            moves,
        )

    def _debt_action_legal(self, level, moves):
        """An activity to hand the file over to legal; no automatic step after it."""
        self._debt_schedule(
            level,
            self._debt_activity_type(level, "debt_followup.mail_activity_type_debt_legal"),
            self.env._("Hand over to legal: %(level)s", level=level.name),
            moves,
        )

    def _debt_ask_written(self, level, moves):
        """An activity asking a human to send the written reminder of ``level``."""
        self._debt_schedule(
            level,
            self._debt_activity_type(level, "debt_followup.mail_activity_type_debt_written"),
            self.env._("Send the reminder: %(level)s", level=level.name),
            moves,
        )

    def _debt_log_on_invoices(self, moves, body):
        """The one short line a step leaves on each invoice it covers."""
        if moves:
            moves.sudo()._message_log_batch(bodies=dict.fromkeys(moves.ids, body))

    def _debt_send_template(self, level, moves, contact=None, email_to=None):
        """Send ``level``'s template to this case's ``contact`` (or to the address
        ``email_to``): see :meth:`_debt_send_templates`."""
        self.ensure_one()
        return self._debt_send_templates(
            level,
            {self.id: moves},
            contacts={self.id: contact} if contact else None,
            emails={self.id: email_to} if email_to else None,
        )

    def _debt_send_templates(self, level, moves, contacts=None, emails=None):
        """Send ``level``'s template, rendered for each customer in its language
        (all the customers in one rendering), to its contact (``contacts``, by
        case id) or to the certified address (``emails``, by case id), posted on
        the case so that the case's history holds the copy; nothing is posted on
        the customer. The case's followers (its collector) are not notified: the
        subtype is not one they follow. ``moves``: the invoices of the step by
        case id."""
        template = level.mail_template_id.sudo()
        messages = self.env["mail.message"]
        emails = emails or {}
        rendered = {}
        by_mail = self.filtered(lambda case: not emails.get(case.id))
        if by_mail:
            rendered = template._generate_template(
                by_mail.partner_id.ids, ("subject", "body_html", "email_from", "reply_to")
            )
        # What message_post would look up for each message, once for the batch:
        # the author of each sender address, reply-to, alias domain, company.
        thread = self.sudo()
        authors = {
            sender: thread[:1]._message_compute_author(None, sender or None)
            for sender in {rendered[p.id].get("email_from") for p in by_mail.partner_id}
        }
        alias_domains = thread._mail_get_alias_domains(default_company=self.env.company)
        companies = thread._mail_get_companies(default=self.env.company)
        senders = {
            case.id: authors[rendered[case.partner_id.id].get("email_from")] for case in by_mail
        }
        reply_tos = (
            by_mail.sudo()._notify_get_reply_to_batch(
                defaults={case_id: sender[1] for case_id, sender in senders.items()},
                author_ids={case_id: sender[0] for case_id, sender in senders.items()},
            )
            if by_mail
            else {}
        )
        for case in self:
            partner = case.partner_id
            note = case._debt_followup_note(level, moves[case.id])
            sudo_case = case.sudo().with_context(mail_post_autofollow=False)
            if emails.get(case.id):
                # A PEC message goes to the certified address only, kept on the case.
                template.send_mail(
                    partner.id,
                    email_values={
                        "email_to": emails[case.id],
                        "recipient_ids": [],
                        "model": self._name,
                        "res_id": case.id,
                    },
                )
                messages |= sudo_case.message_post(
                    body=Markup("%s<br/>%s")
                    % (
                        self.env._(
                            "Formal notice sent by PEC to %(email)s.", email=emails[case.id]
                        ),
                        note,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            values = rendered[partner.id]
            author_id, email_from = senders[case.id]
            messages |= sudo_case.message_post(
                **{
                    key: values[source]
                    for key, source in (("subject", "subject"), ("body", "body_html"))
                    if values.get(source)
                },
                author_id=author_id,
                email_from=email_from,
                reply_to=values.get("reply_to") or reply_tos[case.id],
                record_alias_domain_id=alias_domains[case.id].id,
                record_company_id=companies[case.id].id,
                message_type="comment",
                subtype_xmlid="debt_followup.mt_debt_reminder",
                partner_ids=contacts[case.id].ids,
                email_layout_xmlid=template.email_layout_xmlid or None,
            )
        all_moves = self.env["account.move"].union(*moves.values())
        self._debt_log_on_invoices(
            all_moves,
            self.env._("Payment reminder “%(level)s” sent to the customer.", level=level.name),
        )
        self.sudo().last_contact_date = fields.Datetime.now()
        return messages

    # ------------------------------------------------------------------
    # Text messages: SMS steps and WhatsApp click-to-chat
    # ------------------------------------------------------------------

    def _debt_send_sms(self, level, moves=None):
        """The SMS of an SMS step, to these customers' phones (E.164), through
        Odoo's SMS queue, posted on the case. The daily run calls it for an
        automatic SMS step.

        A customer that may not get one (stop contact, no, invalid or blacklisted
        number) gets a note on its case saying why, and the others go on. The
        message is posted now, so that the step is done once; outside the
        debtor's calling window Odoo holds its delivery
        (``mail.message.schedule``) until the next allowed moment.

        :param moves: the invoices of the step, to log the SMS on (default: the
          invoices the step covers for each customer)
        :return: the cases an SMS was sent or scheduled to
        """
        level = level.with_env(self.env)  # its name in the notes, in the user's language
        blocked = self.filtered(lambda c: c.partner_id.debt_sms_blocked_reason)
        if blocked:
            blocked.sudo()._message_log_batch(
                {
                    case.id: self.env._(
                        "SMS of step “%(level)s” not sent: %(reason)s",
                        level=level.name,
                        reason=case.partner_id.debt_sms_blocked_reason,
                    )
                    for case in blocked
                }
            )
        recipients = self - blocked
        texts = self.env["debt.followup.level"]._debt_render_messages(recipients.partner_id, level)
        now = fields.Datetime.now()
        slots = recipients.partner_id._debt_next_call_slots(now)
        held_any = any(slot and slot > now for slot in slots.values())
        zones = (
            self.env["debt.followup.calling.window"]._rules_for(recipients.partner_id)
            if held_any
            else {}
        )
        no_slot = recipients.filtered(lambda c: not slots[c.partner_id.id])
        if no_slot:
            no_slot.sudo()._message_log_batch(
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
        moves_by_case = recipients._debt_moves_by_case(moves) if moves is not None else {}
        for case in recipients.sudo():
            partner = case.partner_id
            slot = slots[partner.id]
            held = slot if slot > now else False
            message = case._message_sms(
                texts[partner.id],
                partner_ids=partner.ids,
                sms_pid_to_number={partner.id: partner.phone_sanitized},
                put_in_queue=True,
                scheduled_date=held,
            )
            # The SMS carries the link to the debtor's page (the SMS queue and a
            # held delivery keep their own text); its copy on the case does not
            # keep the link's token.
            message.body = sms_content_to_rendered_html(
                mask_links(texts[partner.id], self.env._("[link to the debtor's page]"))
            )
            case.last_contact_date = held or now
            if held:
                case._message_log(
                    body=self.env._(
                        "SMS held until %(moment)s (customer's local time): outside its "
                        "calling window.",
                        moment=format_datetime(
                            held,
                            "short",
                            tzinfo=zones[partner.id][1],
                            locale=babel_locale(self.env.lang),
                        ),
                    )
                )
            case_moves = (
                moves_by_case[case.id]
                if moves is not None
                else self.env["debt.followup.level"]._debt_message_lines(partner).move_id
            )
            self._debt_log_on_invoices(
                case_moves,
                self.env._(
                    "SMS reminder sent to %(customer)s (%(phone)s).",
                    customer=partner.display_name,
                    phone=partner.phone_sanitized,
                ),
            )
        return recipients

    def action_send_sms(self):
        """Send the SMS of the customer's current step now (the collector's answer
        to the activity of a manual SMS step), and close that activity."""
        self.ensure_one()
        self._debt_check_collector()
        level = self.level_id
        if level.channel != "sms" or not level.sms_template_id:
            raise UserError(
                self.env._(
                    "The current follow-up step of %(partner)s is not an SMS step with a "
                    "text message template.",
                    partner=self.partner_id.display_name,
                )
            )
        if self.partner_id.debt_sms_blocked_reason:
            raise UserError(self.partner_id.debt_sms_blocked_reason)
        activity_type = self._debt_activity_type(
            level, "debt_followup.mail_activity_type_debt_written"
        )
        activities = self._debt_open_activities(activity_type)
        if not activities:
            raise UserError(
                self.env._("The SMS of this step was already sent: nothing is waiting to be sent.")
            )
        if not self._debt_send_sms(level, self._debt_followup_moves(level)):
            raise UserError(
                self.env._("No moment of the coming year falls in the customer's calling window.")
            )
        activities.action_feedback(feedback=self.env._("SMS sent."))
        return True

    def _debt_count_messages(self, subtype, since, author=None):
        """How many messages of ``subtype`` this case got since ``since`` (by
        ``author`` only, when given): what rate limits and daily logs count."""
        self.ensure_one()
        domain = [
            ("model", "=", self._name),
            ("res_id", "=", self.id),
            ("subtype_id", "=", subtype.id),
            ("date", ">=", since),
        ]
        if author:
            domain.append(("author_id", "=", author.id))
        return self.env["mail.message"].sudo().search_count(domain)

    def _debt_whatsapp(self, contact):
        """Log on the case that a WhatsApp chat was opened with ``contact`` (the
        customer or one of its contacts) and return the wa.me address."""
        self.ensure_one()
        self._debt_check_collector()
        if not contact.debt_whatsapp_available:
            raise UserError(
                contact.debt_sms_blocked_reason
                or self.env._(
                    "%(phone)s is not a mobile number: WhatsApp is offered for mobiles only.",
                    phone=contact.phone,
                )
            )
        text = self.env["debt.followup.level"]._debt_render_messages(contact)[contact.id]
        # One log a day per collector: opening the chat again (or replaying the
        # link) is the same contact. The log keeps no link token.
        subtype = self.env.ref("debt_followup.mt_debt_whatsapp")
        logged_today = self._debt_count_messages(
            subtype,
            fields.Datetime.to_datetime(fields.Date.today()),
            author=self.env.user.partner_id,
        )
        if not logged_today:
            self.sudo().message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._(
                        "WhatsApp chat opened by %(user)s with the message:",
                        user=self.env.user.name,
                    ),
                    mask_links(text, self.env._("[link to the debtor's page]")),
                ),
                message_type="comment",
                subtype_id=subtype.id,
            )
        return whatsapp_url(contact.phone_sanitized, text)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_send_reminder(self):
        """Run the current step now for these cases (collector's button): the step
        due next is taken today, even if its date has not come yet."""
        self._debt_check_collector()
        today = fields.Date.context_today(self)
        done = self.filtered(lambda case: case.last_action_date == today)
        if done:
            raise UserError(
                self.env._(
                    "A follow-up step was already taken today for %(partners)s: the next "
                    "one can be sent from tomorrow.",
                    partners=", ".join(done.partner_id.mapped("display_name")),
                )
            )
        self._debt_escalate_now()
        self._debt_followup_run(isolate=False)
        idle = self.filtered(lambda case: case.last_action_date != today)
        if idle:
            raise UserError(
                self.env._(
                    "No reminder to send for %(partners)s: no unpaid invoice to follow up, "
                    "a balance at or below the minimum amount, or the last step is reached.",
                    partners=", ".join(idle.partner_id.mapped("display_name")),
                )
            )
        return True

    def action_run_now(self):
        """Manager's "Run follow-up now" for these cases: the same as the daily run,
        limited to them."""
        if not self.env.user.has_group("debt_followup.group_debt_manager"):
            raise AccessError(self.env._("Only collection managers may run the follow-up."))
        self.check_access("write")
        self._debt_followup_run(isolate=False)
        return True

    def action_log_call(self):
        self.ensure_one()
        self._debt_check_collector()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "debt_followup.debt_followup_call_wizard_action"
        )
        action["context"] = {"active_model": "res.partner", "active_id": self.partner_id.id}
        return action

    def action_open_calls(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Calls"),
            "res_model": "debt.followup.call",
            "view_mode": "list,form",
            "domain": [("case_id", "=", self.id)],
            "context": {"default_partner_id": self.partner_id.id, "create": False},
        }

    def action_open_promises(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promises to Pay"),
            "res_model": "debt.followup.promise",
            "view_mode": "list,form",
            "domain": [("case_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Expected recovery and when to stop (issue 20): the rule is
    # tools/recovery.py; here the case's history is read for it in a constant
    # number of queries, and a manager's decision is recorded.
    # ------------------------------------------------------------------

    recovery_likelihood = fields.Float(
        string="Likelihood of Recovery",
        compute="_compute_recovery",
        help="How likely the overdue amount is to be recovered (0 to 1), from the age of "
        "the debt and the customer's own history with the company.",
    )
    recovery_grade = fields.Selection(
        RECOVERY_GRADES,
        compute="_compute_recovery",
        help="A: very likely to pay (80% and more) ... E: unlikely (below 20%).",
    )
    recovery_reasons = fields.Char(
        string="Why", compute="_compute_recovery", help="The facts that drive the likelihood."
    )
    expected_recovery = fields.Monetary(
        compute="_compute_recovery",
        help="Overdue amount × likelihood of recovery, in the company's currency.",
    )
    recovery_currency_id = fields.Many2one(
        "res.currency",
        string="Debtor's Currency",
        compute="_compute_recovery",
        help="The currency of the overdue invoices, when it is one other than the company's.",
    )
    expected_recovery_currency = fields.Monetary(
        string="Expected Recovery in the Debtor's Currency",
        currency_field="recovery_currency_id",
        compute="_compute_recovery",
    )
    next_step_cost = fields.Monetary(
        compute="_compute_recovery",
        help="What the next follow-up step costs the creditor (the step cost of its level).",
    )
    stop_suggested = fields.Boolean(
        string="Stop or Hand Over?",
        compute="_compute_recovery",
        search="_search_stop_suggested",
        help="The next step costs more than it is expected to recover: a manager decides "
        "whether to write the debt off, hand it to an agency or go on. Nothing is closed "
        "automatically.",
    )
    recovery_decision = fields.Selection(
        RECOVERY_DECISIONS,
        string="Decision",
        readonly=True,
        help="What a manager decided about a case whose next step costs more than it is "
        "expected to recover.",
    )
    recovery_decision_date = fields.Date(string="Decided On", readonly=True)
    recovery_decision_user_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    recovery_snapshot = fields.Float(
        string="Likelihood at the Last Assessment",
        readonly=True,
        help="The likelihood of recovery as assessed by the hourly job: the worklist sorts "
        "by the overdue amount × this figure.",
    )

    @api.model
    def _debt_recovery_history_query(self, partner_ids=None):
        """One grouped query over what the rule reads of the current company's
        customers (all of them, or these commercial partner ids): receivable items
        that fell due in the last 12 months and how many are paid; the average
        days late of what was paid in the last 12 months (weighted by amount, as
        the call wizard shows it) and the median per item paid; promises kept and
        broken; calls reached, failed and failed in a row; open disputes; and the
        currency and amount of the overdue items."""
        self.env["account.move.line"].flush_model(
            ["balance", "currency_id", "amount_residual_currency", "date_maturity"]
        )
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "amount", "max_date"])
        self.env["debt.followup.promise"].flush_model(["partner_id", "company_id", "state"])
        self.env["debt.followup.call"].flush_model(["partner_id", "company_id", "outcome", "date"])
        today = fields.Date.context_today(self)
        company = self.env.company.id
        asked = (
            SQL("asked AS (SELECT %s::int[] AS ids),", list(partner_ids)) if partner_ids else SQL()
        )

        def among(column):
            if not partner_ids:
                return SQL()
            return SQL("AND %s = ANY((SELECT ids FROM asked)::int[])", SQL(column))

        return SQL(
            """
            WITH %(asked)s
            due AS (
                SELECT aml.partner_id, COUNT(*) AS due,
                       COUNT(*) FILTER (WHERE aml.reconciled) AS paid
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                       AND acc.account_type = 'asset_receivable'
                 WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
                   AND aml.balance > 0
                   AND aml.date_maturity >= %(since)s AND aml.date_maturity < %(today)s
                   %(among_due)s
              GROUP BY aml.partner_id
            ),
            paid_items AS (
                SELECT debit.partner_id, debit.reconciled,
                       SUM(GREATEST(apr.max_date - debit.date_maturity, 0) * apr.amount)
                           AS late_amount,
                       SUM(apr.amount) AS amount,
                       GREATEST(MAX(apr.max_date) - debit.date_maturity, 0) AS days
                  FROM account_partial_reconcile apr
                  JOIN account_move_line debit ON debit.id = apr.debit_move_id
                  JOIN account_account acc ON acc.id = debit.account_id
                       AND acc.account_type = 'asset_receivable'
                 WHERE debit.company_id = %(company)s AND apr.max_date >= %(since)s
                   %(among_paid)s
              GROUP BY debit.id
            ),
            late AS (
                SELECT partner_id,
                       (SUM(late_amount) / NULLIF(SUM(amount), 0))::float8 AS average,
                       (PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days)
                           FILTER (WHERE reconciled))::float8 AS median
                  FROM paid_items
              GROUP BY partner_id
            ),
            promises AS (
                SELECT partner_id, COUNT(*) FILTER (WHERE state = 'kept') AS kept,
                       COUNT(*) FILTER (WHERE state = 'broken') AS broken
                  FROM debt_followup_promise
                 WHERE company_id = %(company)s AND state IN ('kept', 'broken')
                   %(among_promises)s
              GROUP BY partner_id
            ),
            calls AS (
                SELECT partner_id,
                       COUNT(*) FILTER (WHERE outcome IN %(reached)s) AS reached,
                       COUNT(*) FILTER (WHERE outcome IN %(failed)s) AS failed,
                       COUNT(*) FILTER (WHERE outcome IN %(failed)s
                                          AND (last_other IS NULL OR date > last_other))
                           AS in_row
                  FROM (SELECT partner_id, outcome, date,
                               MAX(date) FILTER (WHERE outcome NOT IN %(failed)s)
                                   OVER (PARTITION BY partner_id) AS last_other
                          FROM debt_followup_call
                         WHERE company_id = %(company)s %(among_calls)s) company_calls
              GROUP BY partner_id
            ),
            open_items AS (
                SELECT aml.partner_id,
                       COUNT(DISTINCT aml.move_id) FILTER (WHERE aml.no_followup) AS disputes,
                       COUNT(DISTINCT aml.currency_id) FILTER (WHERE %(overdue)s) AS currencies,
                       MIN(aml.currency_id) FILTER (WHERE %(overdue)s) AS currency_id,
                       SUM(aml.amount_residual_currency) FILTER (WHERE %(overdue)s)::float8
                           AS amount_currency
                  FROM %(items)s
                 WHERE aml.company_id = %(company)s AND aml.amount_residual > 0
                   %(among_open)s
              GROUP BY aml.partner_id
            ),
            partners AS (
                SELECT partner_id FROM due UNION SELECT partner_id FROM late
                UNION SELECT partner_id FROM promises UNION SELECT partner_id FROM calls
                UNION SELECT partner_id FROM open_items
            )
            SELECT partners.partner_id,
                   COALESCE(due.due, 0), COALESCE(due.paid, 0), late.average, late.median,
                   COALESCE(promises.kept, 0), COALESCE(promises.broken, 0),
                   COALESCE(calls.reached, 0), COALESCE(calls.failed, 0),
                   COALESCE(calls.in_row, 0), COALESCE(open_items.disputes, 0),
                   open_items.currencies, open_items.currency_id, open_items.amount_currency
              FROM partners
         LEFT JOIN due ON due.partner_id = partners.partner_id
         LEFT JOIN late ON late.partner_id = partners.partner_id
         LEFT JOIN promises ON promises.partner_id = partners.partner_id
         LEFT JOIN calls ON calls.partner_id = partners.partner_id
         LEFT JOIN open_items ON open_items.partner_id = partners.partner_id
             WHERE partners.partner_id IS NOT NULL
            """,
            asked=asked,
            company=company,
            today=today,
            since=today - timedelta(days=RECOVERY_HISTORY_DAYS),
            reached=CONVERSATION_OUTCOMES,
            failed=FAILED_OUTCOMES,
            overdue=SQL("aml.date_maturity < %s", today),
            items=self.env["account.move.line"]._debt_open_receivables_from(),
            among_due=among("aml.partner_id"),
            among_paid=among("debit.partner_id"),
            among_promises=among("partner_id"),
            among_calls=among("partner_id"),
            among_open=among("aml.partner_id"),
        )

    @api.model
    def _debt_recovery_figures(self, partner_ids=None):
        """``{commercial partner id: RecoveryFigures}`` in the current company, of
        these commercial partners (default: every customer with something open),
        in four queries whatever their number: the payment status (two), the
        history (one) and the step cost of the next levels (one)."""
        if partner_ids is not None and not partner_ids:
            return {}
        statuses = self._debt_partner_statuses(partner_ids)
        rows = self.env.execute_query(self._debt_recovery_history_query(partner_ids))
        history = {row[0]: row[1:] for row in rows}
        wanted = list(partner_ids) if partner_ids else list(statuses)
        next_levels = self.env["debt.followup.level"].concat(
            *(status.next_level for status in statuses.values() if status.next_level)
        )
        next_levels.fetch(["step_cost"])
        company_currency = self.env.company.currency_id.id
        result = {}
        for partner_id in wanted:
            status = statuses.get(partner_id, NO_DEBT)
            (
                due,
                paid,
                average,
                median,
                kept,
                broken,
                reached,
                failed,
                in_row,
                disputes,
                currencies,
                currency_id,
                amount_currency,
            ) = history.get(partner_id, NO_HISTORY)
            assessed = assess_recovery(
                DebtorHistory(
                    age_days=status.oldest_overdue_days,
                    overdue_amount=status.overdue_amount,
                    invoices_due=due,
                    invoices_paid=paid,
                    avg_days_late=average,
                    median_days_late=median,
                    promises_kept=kept,
                    promises_broken=broken,
                    calls_reached=reached,
                    calls_failed=failed,
                    calls_failed_in_row=in_row,
                    open_disputes=disputes,
                )
            )
            cost = status.next_level.step_cost if status.next_level else 0.0
            other_currency = currencies == 1 and currency_id != company_currency
            result[partner_id] = RecoveryFigures(
                likelihood=assessed.likelihood,
                grade=assessed.grade,
                reasons=assessed.reasons,
                expected_recovery=assessed.expected_recovery,
                currency_id=currency_id if other_currency else False,
                expected_recovery_currency=(amount_currency or 0.0) * assessed.likelihood
                if other_currency
                else 0.0,
                next_step_cost=cost,
                stop_suggested=status.overdue_amount > 0
                and costs_more_than_expected(assessed.expected_recovery, cost),
            )
        return result

    @api.model
    def _debt_recovery_reasons_text(self, reasons):
        """The rule's reasons (``tools.recovery.Reason``) as one line, in the
        reader's language: "pays on average 34 days late; 2 of 3 promises kept"."""
        texts = []
        for reason in reasons:
            values = reason.values
            if reason.key == "paid_invoices":
                text = self.env._(
                    "%(paid)s of %(total)s invoices due in the last 12 months paid", **values
                )
            elif reason.key == "pays_late":
                text = self.env._("pays on average %(days)s days late", days=values["days"])
            elif reason.key == "pays_on_time":
                text = self.env._("pays on time")
            elif reason.key == "promises":
                text = self.env._("%(kept)s of %(total)s promises kept", **values)
            elif reason.key == "calls_reached":
                text = self.env._("reached on %(reached)s of %(total)s calls", **values)
            elif reason.key == "no_answer" and values["calls"] == 1:
                text = self.env._("no answer to the last call")
            elif reason.key == "no_answer":
                text = self.env._("no answer to the last %(calls)s calls", **values)
            elif reason.key == "disputes" and values["count"] == 1:
                text = self.env._("an invoice is disputed")
            elif reason.key == "disputes":
                text = self.env._("%(count)s invoices are disputed", **values)
            elif reason.key == "age":
                text = self.env._(
                    "no payment history: debt %(days)s days overdue", days=values["days"]
                )
            else:
                continue
            texts.append(text)
        return "; ".join(texts)

    @api.depends_context("company", "lang")
    @api.depends("level_id", "no_contact", "paused_until", "escalate_date")
    def _compute_recovery(self):
        """The figures of :meth:`_debt_recovery_figures`, a constant number of
        queries for all the cases of a company."""
        done = self.browse()
        for company, cases in self.filtered("id").grouped("company_id").items():
            if not company:
                continue
            in_company = self.with_company(company)
            figures = in_company._debt_recovery_figures(cases.partner_id.ids)
            for case in cases:
                figure = figures.get(case.partner_id.id)
                if not figure:
                    continue
                case.recovery_likelihood = figure.likelihood
                case.recovery_grade = figure.grade
                case.recovery_reasons = in_company._debt_recovery_reasons_text(figure.reasons)
                case.expected_recovery = figure.expected_recovery
                case.recovery_currency_id = figure.currency_id
                case.expected_recovery_currency = figure.expected_recovery_currency
                case.next_step_cost = figure.next_step_cost
                case.stop_suggested = figure.stop_suggested
                done |= case
        (self - done).update(
            {
                "recovery_likelihood": 0.0,
                "recovery_grade": False,
                "recovery_reasons": False,
                "expected_recovery": 0.0,
                "recovery_currency_id": False,
                "expected_recovery_currency": 0.0,
                "next_step_cost": 0.0,
                "stop_suggested": False,
            }
        )

    def _search_stop_suggested(self, operator, value):
        """Cases of the current company whose next step costs more than it is
        expected to recover, from the figures of every customer of the company."""
        if operator not in ("in", "not in"):
            return NotImplemented
        figures = self._debt_recovery_figures()
        flagged = [pid for pid, figure in figures.items() if figure.stop_suggested]
        domain = Domain("company_id", "=", self.env.company.id) & Domain(
            "partner_id", "in", flagged
        )
        wanted = (True in value) != (operator == "not in")
        return domain if wanted else ~domain

    @api.model
    def _debt_recovery_store(self):
        """Keep the likelihood of every case of the current company in
        ``recovery_snapshot``, what the worklist sorts by: five queries, and rows
        rewritten only where the figure moved."""
        figures = self._debt_recovery_figures()
        if not figures:
            return
        self.flush_model(["recovery_snapshot"])
        self.env.execute_query(
            SQL(
                """
                UPDATE debt_followup_case cs
                   SET recovery_snapshot = figures.likelihood
                  FROM unnest(%(partners)s::int[], %(likelihoods)s::float8[])
                       AS figures(partner_id, likelihood)
                 WHERE cs.company_id = %(company)s AND cs.partner_id = figures.partner_id
                   AND cs.recovery_snapshot IS DISTINCT FROM figures.likelihood
                """,
                partners=list(figures),
                likelihoods=[round(f.likelihood, 4) for f in figures.values()],
                company=self.env.company.id,
            )
        )
        self.invalidate_model(["recovery_snapshot"])

    @api.model
    def _cron_debt_recovery(self):
        """Hourly: the likelihood of every case of every company, for the worklist's
        order."""
        companies = [company for (company,) in self.sudo()._read_group([], ["company_id"])]
        remaining = len(companies)
        self.env["ir.cron"]._commit_progress(remaining=remaining)
        for company in companies:
            self.with_company(company)._debt_recovery_store()
            remaining -= 1
            if not self.env["ir.cron"]._commit_progress(1, remaining=remaining):
                break

    def _debt_recovery_decide(self, decision):
        """Record a manager's decision about these cases (stop or hand over?) and
        log it on each case with the figures behind it. Nothing is closed: the
        manager takes the step (a write-off, a hand-over) as usual."""
        if not self.env.su and not self.env.user.has_group("debt_followup.group_debt_manager"):
            raise AccessError(
                self.env._("Only collection managers may decide to stop or hand over a case.")
            )
        self.check_access("write")
        labels = dict(self._fields["recovery_decision"]._description_selection(self.env))
        lang = self.env.lang
        for case in self:
            body = self.env._(
                "Decision: %(decision)s. Expected recovery %(expected)s against %(cost)s for "
                "the next step (likelihood %(likelihood)s, grade %(grade)s: %(reasons)s).",
                decision=labels[decision],
                expected=format_amount(case.expected_recovery, case.currency_id.name, lang),
                cost=format_amount(case.next_step_cost, case.currency_id.name, lang),
                likelihood=f"{round(case.recovery_likelihood * 100)}%",
                grade=case.recovery_grade or "-",
                reasons=case.recovery_reasons or "-",
            )
            case.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        self.sudo().write(
            {
                "recovery_decision": decision,
                "recovery_decision_date": fields.Date.context_today(self),
                "recovery_decision_user_id": self.env.uid,
            }
        )
        return True

    def action_recovery_write_off(self):
        return self._debt_recovery_decide("write_off")

    def action_recovery_agency(self):
        return self._debt_recovery_decide("agency")

    def action_recovery_go_on(self):
        return self._debt_recovery_decide("go_on")


# What the recovery figures read of a customer without any history.
NO_HISTORY = (0, 0, None, None, 0, 0, 0, 0, 0, 0, None, None, None)
