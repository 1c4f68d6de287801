# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from babel.dates import format_datetime

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import babel_locale_parse

from ..tools import calling_window
from .debt_followup_call import CONVERSATION_OUTCOMES

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

    # Calling windows, holidays and caps (COMPLIANCE.md)

    def _debt_call_rules(self):
        """Per partner id: (calling window rule, debtor's zone, holiday calendar).

        Zone: the phone number's, else the contact's, else the company's. Country:
        the contact's, else the phone number's. State: the contact's, else (Brazil)
        the one of the phone's area code. The window is the state's, else the
        country's, else the fallback row; without any row, calls are not limited."""
        find_window = self.env["debt.followup.calling.window"]._debt_window_finder()
        company_tz = self.env.company.partner_id.tz or "UTC"
        phone_info = {}
        for partner in self:
            commercial = partner.commercial_partner_id
            region = (partner.country_id or commercial.country_id).code
            phone = partner.phone or commercial.phone
            phone_info[partner.id] = (
                calling_window.phone_time_zone(phone, region),
                *calling_window.phone_country_state(phone, region),
            )
        countries = self.env["res.country"].search(
            [("code", "in", list({code for _tz, code, _st in phone_info.values() if code}))]
        )
        country_by_code = {country.code: country for country in countries}
        states = self.env["res.country.state"].search(
            [
                ("country_id.code", "=", "BR"),
                ("code", "in", list(calling_window.BR_AREA_CODE_STATES.values())),
            ]
        )
        state_by_code = {state.code: state for state in states}
        always_open = calling_window.CallingWindow((0.0, 24.0), (0.0, 24.0), (0.0, 24.0), False)
        rules = {}
        for partner in self:
            commercial = partner.commercial_partner_id
            phone_tz, phone_country, phone_state = phone_info[partner.id]
            country = (
                partner.country_id
                or commercial.country_id
                or country_by_code.get(phone_country, self.env["res.country"])
            )
            state = partner.state_id or commercial.state_id
            if not state and country.code == "BR" and phone_country == "BR":
                state = state_by_code.get(phone_state, state)
            window = find_window(country, state)
            rules[partner.id] = (
                window._to_rule() if window else always_open,
                calling_window.time_zone(phone_tz or partner.tz or commercial.tz or company_tz),
                calling_window.HolidayCalendar(country.code, state.code or None),
            )
        return rules

    def _debt_past_calls(self, since):
        """Calls logged with these debtors in the current company since a naive
        UTC moment, in one query: {commercial partner id: [(call id, date,
        conversation)]}. Only dates and outcomes are read, never notes, so that
        every user who sees the status may see when a call is allowed."""
        self.env["debt.followup.call"].flush_model(["partner_id", "date", "outcome", "company_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id, id, date, outcome IN %s
                  FROM debt_followup_call
                 WHERE partner_id IN %s AND company_id = %s AND date >= %s
              ORDER BY date, id
                """,
                CONVERSATION_OUTCOMES,
                tuple(self.commercial_partner_id.ids) or (0,),
                self.env.company.id,
                since,
            )
        )
        calls = {}
        for partner_id, call_id, date, conversation in rows:
            calls.setdefault(partner_id, []).append((call_id, date, conversation))
        return calls

    @api.model
    def _debt_call_caps(self, company=None):
        company = company or self.env.company
        return calling_window.Caps(
            per_day=company.debt_max_conversations_day,
            per_week=company.debt_max_conversations_week,
            attempts=company.debt_max_attempts,
            attempt_days=company.debt_attempts_period,
        )

    @api.model
    def _debt_calls_since(self, moment, caps):
        """Oldest call that can weigh on a call at ``moment``: the rolling attempts
        period or the ISO week (7 days), plus a day for time zones."""
        return moment - datetime.timedelta(days=max(caps.attempt_days, 7) + 1)

    def _debt_next_call_slots(self, dt=None):
        """{partner id: first naive UTC moment at or after ``dt`` (default now) at
        which the debtor may be called, or False past a year}. One query for the
        calls of the whole recordset."""
        dt = dt or fields.Datetime.now()
        caps = self._debt_call_caps()
        rules = self._debt_call_rules()
        past = self._debt_past_calls(self._debt_calls_since(dt, caps))
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
        rules = real._debt_call_rules()
        locale = babel_locale_parse(self.env.lang)
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
