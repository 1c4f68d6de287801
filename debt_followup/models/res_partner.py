# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from babel.dates import format_datetime
from markupsafe import Markup
from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every
from odoo.tools.misc import hmac

from ..tools import calling_window
from ..tools.consumer import is_consumer
from ..tools.escalation import Step, followup_status, next_step
from ..tools.formatting import babel_locale, format_amount, format_short_date
from ..tools.messaging import is_mobile_number, sms_plain, whatsapp_url
from .debt_followup_level import WRITTEN_CHANNELS

_logger = logging.getLogger(__name__)

FOLLOWUP_STATUSES = [
    ("ok", "Nothing overdue"),
    ("overdue", "Overdue"),
    ("action_due", "Action due"),
    ("promised", "Promised"),
    ("excluded", "Excluded"),
]
# Activity types the engine plans; the reset closes the open ones.
DEBT_ACTIVITY_TYPES = (
    "debt_followup.mail_activity_type_debt_call",
    "debt_followup.mail_activity_type_debt_written",
    "debt_followup.mail_activity_type_debt_visit",
    "debt_followup.mail_activity_type_debt_legal",
)
# Partners handled per transaction by the daily run.
FOLLOWUP_BATCH_SIZE = 200
# Attempts at locking a batch that other cron workers keep committing.
LOCK_ATTEMPTS = 3
# Where a commercial partner stands on its company's ladder.
FOLLOWUP_STATE_FIELDS = (
    "debt_followup_level_id",
    "debt_last_action_date",
    "debt_escalate_date",
    "debt_escalate_written_only",
    "debt_paused_until",
)
# The partner's columns in ``_debt_overdue_query``.
PARTNER_STATUS_FIELDS = ("debt_no_contact", *FOLLOWUP_STATE_FIELDS)
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
    *PARTNER_STATUS_FIELDS,
)


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
# A customer with nothing open in the company.
NO_DEBT = PaymentStatus(0.0, 0, 0, 0.0, 0.0, None, False, "ok", False)


class ResPartner(models.Model):
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
    debt_escalate_date = fields.Date(
        string="Escalate On",
        company_dependent=True,
        copy=False,
        help="The next follow-up step is due from this date, whatever its delay "
        "(a refused call, a broken promise).",
    )
    debt_escalate_written_only = fields.Boolean(
        string="Next Written Step",
        company_dependent=True,
        copy=False,
        help="The step due on the escalation date is the next written one "
        "(the customer does not answer the phone).",
    )
    debt_paused_until = fields.Date(
        string="Follow-up Paused Until",
        company_dependent=True,
        copy=False,
        help="No follow-up step before this date (the customer says it has paid).",
    )
    debt_last_contact_date = fields.Datetime(
        string="Last Written Reminder",
        company_dependent=True,
        copy=False,
        help="Last e-mail, PEC or letter sent about overdue invoices.",
    )
    debt_last_contact = fields.Datetime(
        string="Last Contact",
        compute="_compute_debt_last_contact",
        help="Last call or written reminder about overdue invoices.",
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
    debt_sms_to_send = fields.Boolean(
        string="SMS to Send",
        compute="_compute_debt_sms_to_send",
        help="The current step is an SMS step that a collector sends by hand.",
    )
    debt_whatsapp_available = fields.Boolean(
        string="WhatsApp Possible",
        compute="_compute_debt_sms_blocked_reason",
        help="A mobile number that may get messages, and no stop-contact request.",
    )
    debt_whatsapp_link = fields.Char(
        string="WhatsApp Link",
        compute="_compute_debt_whatsapp_link",
        help="Opens a WhatsApp chat with the follow-up message and logs it on the customer.",
    )
    debt_local_time = fields.Char(
        string="Debtor Local Time",
        compute="_compute_debt_call_slot",
        help="Time now where the debtor is: from the phone number, else the contact's "
        "time zone, else the company's.",
    )
    debt_can_call_now = fields.Boolean(
        string="Can Call Now",
        compute="_compute_debt_call_slot",
        help="The calling window of the debtor's country and state, its public holidays "
        "and the call caps allow a call now.",
    )
    debt_next_call_slot = fields.Datetime(
        string="Next Allowed Call",
        compute="_compute_debt_call_slot",
        help="First moment at which this debtor may be called.",
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
    debt_late_interest = fields.Monetary(
        string="Statutory Interest",
        currency_field="debt_currency_id",
        compute="_compute_debt_late_charges",
        help="Late payment interest due by law and not yet invoiced, up to today.",
    )
    debt_late_compensation = fields.Monetary(
        string="Recovery Costs Compensation",
        currency_field="debt_currency_id",
        compute="_compute_debt_late_charges",
        help="Flat compensation per unpaid invoice due by law and not yet invoiced.",
    )
    debt_late_fine = fields.Monetary(
        string="Late Fine",
        currency_field="debt_currency_id",
        compute="_compute_debt_late_charges",
        help="Contractual late fine (company settings) not yet invoiced.",
    )
    debt_late_charges_note = fields.Char(
        string="Late Charges Note", compute="_compute_debt_late_charges"
    )
    debt_followup_move_ids = fields.One2many(
        "account.move",
        "commercial_partner_id",
        string="Follow-up History",
        domain=[("debt_followup_level_id", "!=", False)],
        readonly=True,
    )

    @api.depends_context("company")
    def _compute_debt_currency_id(self):
        self.debt_currency_id = self.env.company.currency_id

    # ------------------------------------------------------------------
    # Payment status: a constant number of queries for the whole recordset
    # ------------------------------------------------------------------

    def _debt_overdue_query(self, partner_ids=None):
        """One grouped query over the receivable items of the current company.

        Per commercial partner: overdue residual (disputed and promised included),
        number of overdue invoices, oldest overdue due date, paid but not matched
        (payments, credit notes), overdue residual that follow-up may chase (no
        exclusion, no open promise), overdue residual covered by an open promise,
        the oldest due date among the items follow-up may chase (overdue or not:
        courtesy steps look ahead), whether anything is unpaid at all, the net
        receivable (Odoo's ``credit`` in this company, without a second query),
        the amount of the open promises, whether a follow-up activity is due,
        and the partner's ``PARTNER_STATUS_FIELDS`` in this company.
        """
        self.env["debt.followup.promise"].flush_model(
            ["state", "move_ids", "amount", "partner_id", "company_id"]
        )
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "active", "date_deadline", "activity_type_id"]
        )
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
                   %(partner_state)s
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
              JOIN res_partner partner ON partner.id = totals.partner_id
         LEFT JOIN (SELECT partner_id, SUM(amount) AS amount
                      FROM debt_followup_promise
                     WHERE state = 'open' AND company_id = %(company)s
                       %(among_promises)s
                  GROUP BY partner_id) promises ON promises.partner_id = totals.partner_id
         LEFT JOIN (SELECT DISTINCT res_id
                      FROM mail_activity
                     WHERE res_model = 'res.partner' AND active
                       AND date_deadline <= %(today)s
                       AND activity_type_id IN (%(types)s)
                       %(among_activities)s) due ON due.res_id = totals.partner_id
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
            among_activities=among("res_id"),
            partner_state=SQL(", ").join(
                self._field_to_sql("partner", fname) for fname in PARTNER_STATUS_FIELDS
            ),
        )

    @api.model
    def _debt_overdue_data(self, partner_ids=None):
        """The rows of :meth:`_debt_overdue_query` as dicts, by commercial partner id."""
        rows = self.env.execute_query(self._debt_overdue_query(partner_ids))
        return {row[0]: dict(zip(OVERDUE_COLUMNS, row[1:], strict=True)) for row in rows}

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

    # ------------------------------------------------------------------
    # Follow-up status and next step
    # ------------------------------------------------------------------

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
        the addon's own types and the partner types set on levels (a generic
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
                WHERE level.active AND type.res_model = 'res.partner'""",
            own,
        )

    @api.model
    def _debt_activity_types(self):
        rows = self.env.execute_query(self._debt_activity_types_query())
        return self.env["mail.activity.type"].browse(row[0] for row in rows)

    def _debt_open_activities(self, due_on=None):
        """Open follow-up activities of these partners (due on or before ``due_on``)."""
        domain = [
            ("res_model", "=", "res.partner"),
            ("res_id", "in", self.ids),
            ("activity_type_id", "in", self._debt_activity_types().ids),
        ]
        if due_on:
            domain.append(("date_deadline", "<=", due_on))
        return self.env["mail.activity"].sudo().search(domain)

    def _debt_payment_status(self):
        """Payment status of these partners' commercial entities in the current
        company, ``{commercial partner id: PaymentStatus}``, in three queries
        whatever their number: the commercial partners, the grouped receivable
        query (which also gives the open promises, the due activities and where
        each customer stands on the ladder) and the ladder. Commercial entities
        with nothing open are left out: nothing overdue, nothing due."""
        self.fetch(["commercial_partner_id"])
        commercial_ids = set(self.commercial_partner_id.ids)
        if not commercial_ids:
            return {}
        return self._debt_statuses(self._debt_overdue_data(commercial_ids))

    @api.model
    def _debt_company_payment_status(self):
        """Payment status of every customer with something open in the current
        company (what the status filters search), in two queries: one pass over
        the company's open items and the ladder."""
        return self._debt_statuses(self._debt_overdue_data())

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
                    no_contact=values["debt_no_contact"],
                    action_due=bool(step and step.date <= today) or values["activity_due"],
                ),
                unpaid=values["unpaid"],
            )
        return result

    @api.model
    def _debt_next_step(self, plan, state, oldest_due_date):
        """The step due next for a customer, as a ``NextStep(index in the ladder,
        first date)``, or ``None``. ``plan`` is the company's :class:`LadderPlan`,
        ``state`` the customer's ``FOLLOWUP_STATE_FIELDS`` as plain values."""
        current_id = state["debt_followup_level_id"]
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
            state["debt_last_action_date"],
            plan.interval,
            escalate_date=state["debt_escalate_date"],
            written_only=state["debt_escalate_written_only"],
            paused_until=state["debt_paused_until"],
        )

    @api.depends_context("company")
    @api.depends(
        "debt_no_contact",
        "debt_promise_ids.state",
        *FOLLOWUP_STATE_FIELDS,
    )
    def _compute_debt_followup_status(self):
        """The figures of :meth:`_debt_payment_status` on every partner of the
        recordset (a contact shows its company's)."""
        statuses = self._debt_payment_status()
        # Assigned value by value: one assignment to all the partners sharing a
        # value (a status, a date, a zero) instead of one per partner and field.
        ids_by_value = defaultdict(list)
        for partner in self:
            status = statuses.get(partner.commercial_partner_id.id, NO_DEBT)
            for fname, attribute in STATUS_FIELD_ATTRIBUTES:
                ids_by_value[fname, getattr(status, attribute)].append(partner.id)
        for (fname, value), ids in ids_by_value.items():
            self.browse(ids)[fname] = value

    @api.depends_context("company")
    def _compute_debt_last_contact(self):
        """Last call (read as superuser: only its date, never its note) or
        written reminder, whichever is later; one query for the recordset."""
        calls = (
            self.env["debt.followup.call"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        last_call = {partner.id: date for partner, date in calls}
        for partner in self:
            cpartner = partner.commercial_partner_id
            dates = [last_call.get(cpartner.id), cpartner.debt_last_contact_date]
            partner.debt_last_contact = max((d for d in dates if d), default=False)

    def _search_debt_followup_status(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        statuses = self._debt_company_payment_status()
        # Customers without anything overdue are "ok", whether listed or not.
        overdue = {pid for pid, status in statuses.items() if status.status != "ok"}
        matching = {pid for pid in overdue if statuses[pid].status in value}
        if "ok" in value:
            domain = [("commercial_partner_id", "not in", list(overdue - matching))]
        else:
            domain = [("commercial_partner_id", "in", list(matching))]
        if operator == "not in":
            return ["!", *domain]
        return domain

    # ------------------------------------------------------------------
    # Interface for calls, promises and messaging
    # ------------------------------------------------------------------

    def _debt_escalate_now(self, written_only=False):
        """Make the next follow-up step of these customers due today, whatever its
        delay and the interval since the last step (a refused call, a broken
        promise). With ``written_only``, the step due is the next *written* one
        (e-mail, letter, PEC), skipping calls: the customer does not answer.
        The daily run (or "Send reminder") then takes it; never twice the same day.
        Values are stored per company (the current one)."""
        self.commercial_partner_id.sudo().write(
            {
                "debt_escalate_date": fields.Date.context_today(self),
                "debt_escalate_written_only": written_only,
                "debt_paused_until": False,
            }
        )

    def _debt_pause_followup(self, until):
        """No follow-up step for these customers before ``until`` (a date), e.g.
        when the customer says it has paid and the accountant checks. Stored per
        company (the current one); an escalation asked later overrides it."""
        self.commercial_partner_id.sudo().write({"debt_paused_until": until})

    def _debt_followup_collector(self):
        """Who gets this customer's follow-up activities: its collector, else its
        salesperson, else the company's collections responsible, else the admin."""
        self.ensure_one()
        return (
            self.debt_collector_id
            or self.user_id
            or self.env.company.debt_responsible_id
            # from the cached xmlid table: no query per customer in the daily run
            or self.env["res.users"].browse(
                self.env["ir.model.data"]._xmlid_to_res_id("base.user_admin")
            )
        )

    def _debt_followup_pec_email(self):
        """The customer's certified e-mail (PEC) address, ``False`` when unknown.
        A bridge module (``l10n_it_edi``) overrides it; without one, a formal
        notice by PEC goes as a registered letter."""
        self.ensure_one()
        return False

    def _debt_followup_call_deadline(self):
        """Deadline of a collection-call activity: today. The calling guardrails
        override it with the next allowed calling slot."""
        self.ensure_one()
        return fields.Date.context_today(self)

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_debt_followup(self):
        """The daily follow-up run over all companies (contract).

        Works in batches of partners, each locked with ``try_lock_for_update`` and
        committed with ``ir.cron._commit_progress``: two workers share the work,
        and a run stopped halfway resumes where it stopped. Idempotent within a day:
        a partner acted upon today is not acted upon again.
        """
        todo = []
        ladders = self.env["debt.followup.level"].sudo()._read_group([], ["company_id"])
        for (company,) in ladders:
            partners = self.with_company(company)._debt_followup_candidates()
            todo.extend((company, ids) for ids in split_every(FOLLOWUP_BATCH_SIZE, partners.ids))
        remaining = sum(len(ids) for _company, ids in todo)
        self.env["ir.cron"]._commit_progress(remaining=remaining)
        # E-mails of the run go through the mail queue, not inside the batch.
        runner = self.with_context(mail_notify_force_send=False)
        for company, ids in todo:
            batch = runner.with_company(company).browse(ids)._debt_followup_lock()
            # Another worker may have committed these partners a moment ago.
            batch.invalidate_recordset()
            batch._debt_followup_run()
            remaining -= len(ids)
            if not self.env["ir.cron"]._commit_progress(len(ids), remaining=remaining):
                break

    def _debt_followup_lock(self):
        """The partners of a batch that this worker could lock; those another
        worker holds are skipped. Under PostgreSQL's repeatable read, a row that
        another worker committed after this transaction's snapshot cannot be
        locked (serialization failure): commit, which takes a new snapshot, and
        try again."""
        for _attempt in range(LOCK_ATTEMPTS):
            try:
                with self.env.cr.savepoint():
                    return self.try_lock_for_update()
            except errors.SerializationFailure:
                self.env["ir.cron"]._commit_progress()
        _logger.info("Follow-up batch of %s customers left for the next run", len(self))
        return self.browse()

    @api.model
    def _debt_followup_candidates(self):
        """Commercial partners of the current company that the run must look at:
        those with unpaid items within reach of the ladder, and those at a level
        (they may have paid everything)."""
        today = fields.Date.context_today(self)
        horizon = self._debt_horizon(self._debt_ladder(), today)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT aml.partner_id
                  FROM %s
                 WHERE aml.amount_residual > 0
                   AND aml.date_maturity <= %s
                   AND aml.company_id = %s
                """,
                self.env["account.move.line"]._debt_open_receivables_from(),
                horizon,
                self.env.company.id,
            )
        )
        at_level = self.search([("debt_followup_level_id", "!=", False)])
        return (self.browse([row[0] for row in rows]) | at_level).sorted("id")

    def _debt_followup_run(self, isolate=True):
        """Take the follow-up step due today for these commercial partners, in the
        current company; reset those that paid everything. With ``isolate`` (the
        daily run), a partner whose step fails is logged and left for the next
        run while the others go on; without it (a button), the error is raised."""
        today = fields.Date.context_today(self)
        statuses = self._debt_payment_status()
        self.fetch(["debt_followup_level_id"])  # not every company-dependent field
        to_reset = self.filtered(
            lambda p: p.debt_followup_level_id and not statuses.get(p.id, NO_DEBT).unpaid
        )
        if to_reset and isolate:
            try:
                with self.env.cr.savepoint():
                    to_reset._debt_followup_reset()
            except Exception:
                _logger.exception("Follow-up reset failed for customers %s", to_reset.ids)
        elif to_reset:
            to_reset._debt_followup_reset()
        due = defaultdict(list)
        for partner in self - to_reset:
            status = statuses.get(partner.id, NO_DEBT)
            if status.next_level and status.next_date <= today:
                due[status.next_level].append(partner.id)
        due = {level: self.browse(ids) for level, ids in due.items()}
        for level, partners in due.items():
            moves = partners._debt_followup_moves(level)
            if not isolate:
                partners._debt_followup_take_step(level, moves)
                continue
            try:
                with self.env.cr.savepoint():
                    partners._debt_followup_take_step(level, moves)
            except Exception:
                _logger.warning(
                    "Follow-up step %s failed for a batch; retrying one customer at a time",
                    level.display_name,
                    exc_info=True,
                )
                by_partner = moves.grouped("commercial_partner_id")
                for partner in partners.exists():
                    try:
                        with self.env.cr.savepoint():
                            partner._debt_followup_take_step(
                                level, by_partner.get(partner, moves.browse())
                            )
                    except Exception:
                        _logger.exception(
                            "Follow-up step %s failed for customer %s",
                            level.display_name,
                            partner.id,
                        )

    def _debt_followup_moves(self, level):
        """Invoices of these partners included in ``level``'s step: unpaid, not
        excluded, not covered by an open promise, due (or, for a courtesy step,
        about to be due)."""
        today = fields.Date.context_today(self)
        due_before = max(today - timedelta(days=1), today - timedelta(days=level.delay))
        lines = self.env["account.move.line"].search_fetch(
            [
                ("partner_id", "in", self.ids),
                ("company_id", "=", self.env.company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("no_followup", "=", False),
                ("date_maturity", "<=", due_before),
            ],
            ["move_id"],
            order="date_maturity, id",
        )
        promised = (
            self.env["debt.followup.promise"]
            .sudo()
            .search([("partner_id", "in", self.ids), ("state", "=", "open")])
        )
        moves = lines.move_id - promised.move_ids
        # What the channels read of them, not every column of account.move.
        moves.fetch(
            ["name", "commercial_partner_id", "invoice_date_due", "amount_residual", "currency_id"]
        )
        return moves

    def _debt_followup_take_step(self, level, moves):
        """Run ``level``'s channel action for these partners and record the step
        on them and on the invoices it covers."""
        today = fields.Date.context_today(self)
        # What the collector reads (activity summaries and notes, chatter logs) in
        # the collector's language; what the customer gets keeps the customer's.
        self.fetch(["debt_collector_id", "user_id"])
        by_lang = defaultdict(list)
        for partner in self:
            by_lang[partner._debt_followup_collector().lang or self.env.lang].append(partner.id)
        for lang, ids in by_lang.items():
            partners = self.browse(ids).with_context(lang=lang)
            action = getattr(partners, f"_debt_followup_action_{level.channel}")
            action(level.with_context(lang=lang), moves)
        # Follow-up fields only, none of them tracked: no tracking values to
        # prepare, no invoice lines to resynchronise nor balance to check, and
        # the invoices are not "manually modified" (e-invoicing reads that flag).
        stamp = {
            "tracking_disable": True,
            "skip_invoice_sync": True,
            "skip_is_manually_modified": True,
            "check_move_validity": False,
        }
        # res.partner.write reads the old values: only these, not every
        # company-dependent field.
        self.fetch(list(FOLLOWUP_STATE_FIELDS))
        self.sudo().with_context(**stamp).write(
            {
                "debt_followup_level_id": level.id,
                "debt_last_action_date": today,
                "debt_escalate_date": False,
                "debt_escalate_written_only": False,
                "debt_paused_until": False,
            }
        )
        moves.sudo().with_context(**stamp).write(
            {"debt_followup_level_id": level.id, "debt_last_action_date": today}
        )

    def _debt_followup_reset(self):
        """Everything is paid: back to no level, open follow-up activities closed."""
        activities = self._debt_open_activities()
        if activities:
            activities.action_feedback(feedback=self.env._("Everything is paid: follow-up closed."))
        self.sudo().write(
            {
                "debt_followup_level_id": False,
                "debt_last_action_date": False,
                "debt_escalate_date": False,
                "debt_escalate_written_only": False,
                "debt_paused_until": False,
            }
        )

    # ------------------------------------------------------------------
    # Actions by channel: one method per channel, ``(level, moves)`` on partners
    # ------------------------------------------------------------------

    def _debt_followup_schedule(self, level, activity_type, summary, moves):
        """Plan one ``activity_type`` activity per partner for its collector,
        unless one is already open (never two open collection activities of a kind)."""
        busy = set(
            self._debt_open_activities()
            .filtered(lambda a: a.activity_type_id == activity_type)
            .mapped("res_id")
        )
        model_id = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        vals_list = []
        by_partner = moves.grouped("commercial_partner_id")
        # What the collector and the activity's name read: not every
        # company-dependent field of res.partner.
        self.fetch(["debt_collector_id", "user_id", "complete_name", "lang"])
        for partner in self.filtered(lambda p: p.id not in busy):
            partner_moves = by_partner.get(partner, moves.browse())
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    # what mail.activity would compute, without an UPDATE afterwards
                    "res_name": partner.display_name,
                    "user_id": partner._debt_followup_collector().id,
                    "date_deadline": partner._debt_followup_call_deadline()
                    if level.channel == "phone"
                    else today,
                    "summary": summary,
                    "note": partner._debt_followup_note(level, partner_moves),
                    "automated": True,
                }
            )
        # No e-mail per activity to the collector: the worklist shows them.
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _debt_followup_note(self, level, moves):
        """Short HTML summary of a step: the level and the invoices it covers."""
        self.ensure_one()
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

    def _debt_followup_activity_type(self, level, xmlid):
        return level.activity_type_id or self.env.ref(xmlid)

    def _debt_followup_action_phone(self, level, moves):
        """One open collection-call activity per partner for its collector."""
        partners = self.filtered(lambda p: not p.debt_no_contact)
        partners._debt_followup_schedule(
            level,
            self.env.ref("debt_followup.mail_activity_type_debt_call"),
            self.env._("Collection call: %(level)s", level=level.name),
            moves,
        )

    def _debt_followup_action_email(self, level, moves):
        """Send the level's template to the invoice contact in the partner's
        language (when the level is automatic), else ask a human to send it."""
        partners = self.filtered(lambda p: not p.debt_no_contact)
        if not (level.auto_execute and level.mail_template_id):
            partners._debt_followup_ask_written(level, moves)
            return
        by_partner = moves.grouped("commercial_partner_id")
        for partner in partners:
            partner_moves = by_partner.get(partner, moves.browse())
            contact = self.browse(partner.address_get(["invoice"])["invoice"])
            if not contact.email:
                partner._debt_followup_ask_written(level, partner_moves)
                continue
            partner._debt_followup_send_template(level, partner_moves, partner_ids=contact.ids)

    def _debt_followup_action_pec(self, level, moves):
        """Formal notice by PEC to the partner's certified address; without one, a
        registered letter."""
        by_partner = moves.grouped("commercial_partner_id")
        for partner in self:
            partner_moves = by_partner.get(partner, moves.browse())
            pec = partner._debt_followup_pec_email()
            if pec and level.auto_execute and level.mail_template_id:
                partner._debt_followup_send_template(level, partner_moves, email_to=pec)
            elif pec:
                partner._debt_followup_ask_written(level, partner_moves)
            else:
                partner._debt_followup_action_letter(level, partner_moves)

    def _debt_followup_action_letter(self, level, moves):
        """The reminder letter as PDF on the partner's chatter, and an activity
        to post it."""
        report = self.env.ref("debt_followup.action_report_debt_followup_letter")
        by_partner = moves.grouped("commercial_partner_id")
        for partner in self:
            pdf, _report_type = (
                self.env["ir.actions.report"]
                .sudo()
                .with_context(lang=partner.lang)
                ._render_qweb_pdf(report, partner.ids)
            )
            name = self.env._("Payment reminder - %(partner)s.pdf", partner=partner.name)
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "raw": pdf,
                        "mimetype": "application/pdf",
                        "res_model": "res.partner",
                        "res_id": partner.id,
                    }
                )
            )
            partner_moves = by_partner.get(partner, moves.browse())
            partner.sudo().message_post(
                body=partner._debt_followup_note(level, partner_moves),
                attachment_ids=attachment.ids,
                subtype_xmlid="mail.mt_note",
            )
        self._debt_followup_schedule(
            level,
            self._debt_followup_activity_type(
                level, "debt_followup.mail_activity_type_debt_written"
            ),
            self.env._("Post the reminder letter: %(level)s", level=level.name),
            moves,
        )
        self.sudo().write({"debt_last_contact_date": fields.Datetime.now()})

    def _debt_followup_action_sms(self, level, moves):
        """The level's SMS in each partner's language (when the level is automatic),
        else an activity asking a human to send it (button "Send SMS")."""
        if not (level.auto_execute and level.sms_template_id):
            self.filtered(lambda p: not p.debt_no_contact)._debt_followup_ask_written(level, moves)
            return
        self._debt_send_sms(level, moves)

    def _debt_followup_action_visit(self, level, moves):
        """An activity for the collector to visit the customer."""
        self._debt_followup_schedule(
            level,
            self._debt_followup_activity_type(level, "debt_followup.mail_activity_type_debt_visit"),
            self.env._("Visit the customer: %(level)s", level=level.name),
            moves,
        )

    def _debt_followup_action_legal(self, level, moves):
        """An activity to hand the file over to legal; no automatic step after it."""
        self._debt_followup_schedule(
            level,
            self._debt_followup_activity_type(level, "debt_followup.mail_activity_type_debt_legal"),
            self.env._("Hand over to legal: %(level)s", level=level.name),
            moves,
        )

    def _debt_followup_ask_written(self, level, moves):
        """An activity asking a human to send the written reminder of ``level``."""
        self._debt_followup_schedule(
            level,
            self._debt_followup_activity_type(
                level, "debt_followup.mail_activity_type_debt_written"
            ),
            self.env._("Send the reminder: %(level)s", level=level.name),
            moves,
        )

    def _debt_followup_send_template(self, level, moves, partner_ids=None, email_to=None):
        """Send ``level``'s template for this partner in its language, log it on
        the partner and on each invoice."""
        self.ensure_one()
        # A collector may send a reminder without the right to edit the contact.
        partner = self.sudo().with_context(lang=self.lang)
        template = level.mail_template_id.sudo().with_context(lang=self.lang)
        if email_to:
            template.send_mail(self.id, email_values={"email_to": email_to, "recipient_ids": []})
            message = partner.message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._("Formal notice sent by PEC to %(email)s.", email=email_to),
                    partner._debt_followup_note(level, moves),
                ),
                subtype_xmlid="mail.mt_note",
            )
        else:
            message = partner.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=partner_ids or [],
            )
        for move in moves.sudo():
            move.message_post(
                body=self.env._(
                    "Payment reminder “%(level)s” sent to the customer.", level=level.name
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.sudo().write({"debt_last_contact_date": fields.Datetime.now()})
        return message

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_debt_followup_send_reminder(self):
        """Run the current step now for this customer (collector's button): the
        step due next is taken today, even if its date has not come yet."""
        partners = self.commercial_partner_id
        today = fields.Date.context_today(self)
        if any(p.debt_last_action_date == today for p in partners):
            raise UserError(
                self.env._("A follow-up step was already taken today for this customer.")
            )
        partners._debt_escalate_now()
        partners._debt_followup_run(isolate=False)
        idle = partners.filtered(lambda p: p.debt_last_action_date != today)
        if idle:
            raise UserError(
                self.env._(
                    "No reminder to send for %(partners)s: no unpaid invoice to follow up, "
                    "a balance at or below the minimum amount, or the last step is reached.",
                    partners=", ".join(idle.mapped("display_name")),
                )
            )
        return True

    def action_debt_followup_run_now(self):
        """Manager's "Run follow-up now" for one customer or a selection: the same
        as the daily run, limited to these customers."""
        self.commercial_partner_id._debt_followup_run(isolate=False)
        return True

    # Calling windows, holidays and caps (COMPLIANCE.md)

    def _debt_next_call_slots(self, dt=None):
        """{partner id: first naive UTC moment at or after ``dt`` (default now) at
        which the debtor may be called, or False past a year}. One query for the
        calls of the whole recordset."""
        dt = dt or fields.Datetime.now()
        Window = self.env["debt.followup.calling.window"]
        caps = Window._caps(self.env.company)
        rules = Window._rules_for(self)
        past = Window._past_calls(self, Window._calls_since(dt, caps))
        slots = {}
        for partner in self:
            window, tz, holidays = rules[partner.id]
            calls = [
                calling_window.PastCall(date, conversation)
                for _id, date, conversation in past.get(partner.commercial_partner_id.id, [])
            ]
            slots[partner.id] = (
                calling_window.next_call_slot(
                    window, tz, dt, holidays=holidays, calls=calls, caps=caps
                )
                or False
            )
        return slots

    def _debt_next_call_slot(self, dt=None):
        """First moment at or after ``dt`` (naive UTC; default now) at which this
        debtor may be called, honouring the calling window of the debtor's place,
        its public holidays and the company's call caps (False past a year).
        It does not look at ``debt_no_contact``: callers check it."""
        self.ensure_one()
        return self._debt_next_call_slots(dt)[self.id]

    @api.depends_context("company", "lang")
    @api.depends("phone", "tz", "country_id", "state_id", "debt_no_contact")
    def _compute_debt_call_slot(self):
        now = fields.Datetime.now()
        real = self.filtered("id")
        slots = real._debt_next_call_slots(now)
        rules = self.env["debt.followup.calling.window"]._rules_for(real)
        locale = babel_locale(self.env.lang)
        for partner in self:
            if partner not in real:
                partner.debt_local_time = False
                partner.debt_can_call_now = False
                partner.debt_next_call_slot = False
                continue
            tz = rules[partner.id][1]
            local = calling_window.to_local(now, tz)
            time_str = format_datetime(local, "EEE HH:mm", tzinfo=tz, locale=locale)
            partner.debt_local_time = f"{time_str} ({tz.key})"
            partner.debt_next_call_slot = slots[partner.id]
            partner.debt_can_call_now = (
                slots[partner.id] == now and not partner.commercial_partner_id.debt_no_contact
            )

    # Statutory late interest, compensation and late fine (COMPLIANCE.md)

    @api.depends(
        "commercial_partner_id.is_company",
        "commercial_partner_id.vat",
        "commercial_partner_id.country_id",
        "commercial_partner_id.debt_debtor_type",
    )
    def _compute_debt_is_consumer(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.debt_is_consumer = is_consumer(
                commercial.is_company,
                commercial.vat,
                commercial.country_id.code,
                override=commercial.debt_debtor_type,
            )

    @api.depends_context("company")
    def _compute_debt_late_charges(self):
        real = self.filtered("id")
        charges, notes = (
            self.env["debt.followup.late.payment.rule"]._late_charges(real) if real else ({}, {})
        )
        for partner in self:
            mine = charges.get(partner.commercial_partner_id.id, [])
            totals = dict.fromkeys(("interest", "compensation", "fine"), 0.0)
            for charge in mine:
                totals[charge["kind"]] += charge["amount"]
            partner.debt_late_interest = totals["interest"]
            partner.debt_late_compensation = totals["compensation"]
            partner.debt_late_fine = totals["fine"]
            partner.debt_late_charges_note = notes.get(partner.commercial_partner_id.id, False)

    def action_debt_create_late_charges_invoice(self):
        """A draft customer invoice with the late charges not yet invoiced."""
        self.ensure_one()
        invoice = self.env["debt.followup.late.payment.rule"]._invoice_late_charges(
            self.commercial_partner_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # Text messages: SMS steps and WhatsApp click-to-chat
    # ------------------------------------------------------------

    @api.depends("phone", "phone_sanitized", "commercial_partner_id.debt_no_contact")
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

    @api.depends_context("company")
    @api.depends("debt_followup_level_id")
    def _compute_debt_sms_to_send(self):
        for partner in self:
            level = partner.debt_followup_level_id
            partner.debt_sms_to_send = (
                level.channel == "sms" and not level.auto_execute and bool(level.sms_template_id)
            )

    @api.depends_context("uid")
    @api.depends("debt_whatsapp_available")
    def _compute_debt_whatsapp_link(self):
        for partner in self:
            partner.debt_whatsapp_link = (
                partner.id
                and partner.debt_whatsapp_available
                and f"/debt_followup/whatsapp/{partner.id}?token={partner._debt_whatsapp_token()}"
            )

    def _debt_whatsapp_token(self):
        self.ensure_one()
        return hmac(self.env(su=True), "debt_followup-whatsapp", (self.id, self.env.uid))

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
        """Open receivable items a text message is about: those of the invoices the
        step covers (overdue ones, or for a courtesy step the ones about to fall
        due), oldest due date first."""
        self.ensure_one()
        partner = self.commercial_partner_id
        moves = partner._debt_followup_moves(partner._debt_message_level())
        if not moves:
            return partner._debt_overdue_lines()
        return moves.line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and not line.reconciled
                and line.amount_residual > 0
                and not line.no_followup
            )
        ).sorted(lambda line: (line.date_maturity, line.id))

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
        lang = partner.lang or self.env.lang
        if key == "due_date":
            # digits, short enough for an SMS: 30/11/26 (it, pt), 30/11/2026 (pt_BR)
            return format_short_date(lines[0].date_maturity, lang)
        if key == "amount":
            if not partner._debt_message_level().sms_show_amount:
                return ""
            currency = lines.currency_id if len(lines.currency_id) == 1 else None
            amount = sum(
                lines.mapped("amount_residual_currency" if currency else "amount_residual")
            )
            return format_amount(amount, (currency or self.env.company.currency_id).name, lang)
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

    def _debt_send_sms(self, level, moves=None):
        """The SMS of an SMS step, to these customers' phones (E.164), through
        Odoo's SMS queue. The daily run calls it for an automatic SMS step.

        A customer that may not get one (stop contact, no, invalid or blacklisted
        number) gets a note saying why, and the others go on. The message is
        posted now on the customer and its invoices, so that the step is done
        once; outside the debtor's calling window Odoo holds its delivery
        (``mail.message.schedule``) until the next allowed moment, when the
        scheduled-messages cron creates the SMS.

        :param moves: the invoices of the step, to log the SMS on (default: the
          invoices the step covers for each customer)
        :return: the customers an SMS was sent or scheduled to
        """
        partners = self.commercial_partner_id
        level = level.with_env(self.env)  # its name in the notes, in the user's language
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
        zones = self.env["debt.followup.calling.window"]._rules_for(recipients) if held_any else {}
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
            partner.sudo().debt_last_contact_date = held or now
            if held:
                partner._message_log(
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
            partner_moves = (
                moves.filtered(lambda m, p=partner: m.commercial_partner_id == p)
                if moves is not None
                else partner._debt_message_lines().move_id
            )
            if partner_moves:
                partner_moves._message_log_batch(
                    dict.fromkeys(
                        partner_moves.ids,
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

    def _debt_check_collector(self):
        """Text messages to a debtor are for collectors who may read the customer."""
        self.check_access("read")
        if not self.env.user.has_group("debt_followup.group_debt_collector"):
            raise AccessError(
                self.env._("Only debt collectors may send follow-up messages to customers.")
            )

    def action_debt_send_sms(self):
        """Send the SMS of the customer's current step now (the collector's answer
        to the activity of a manual SMS step), and close that activity."""
        partner = self.commercial_partner_id
        partner.ensure_one()
        level = partner.debt_followup_level_id
        if level.channel != "sms" or not level.sms_template_id:
            raise UserError(
                self.env._(
                    "The current follow-up step of %(partner)s is not an SMS step with a "
                    "text message template.",
                    partner=partner.display_name,
                )
            )
        if partner.debt_sms_blocked_reason:
            raise UserError(partner.debt_sms_blocked_reason)
        partner._debt_check_collector()
        # The collector may read customers without editing them: post as superuser,
        # in the collector's name.
        partner = partner.sudo()
        if not partner._debt_send_sms(level, partner._debt_followup_moves(level)):
            raise UserError(
                self.env._("No moment of the coming year falls in the customer's calling window.")
            )
        activity_type = partner._debt_followup_activity_type(
            level, "debt_followup.mail_activity_type_debt_written"
        )
        activities = partner._debt_open_activities().filtered(
            lambda activity: activity.activity_type_id == activity_type
        )
        if activities:
            activities.action_feedback(feedback=self.env._("SMS sent."))
        return True

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
        self._debt_check_collector()
        text = self._debt_render_message()[self.id]
        # The collector may read customers without editing them: log as superuser,
        # in the collector's name.
        self.commercial_partner_id.sudo().message_post(
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
