# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from babel.dates import format_datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import calling_window
from ..tools.calling_window import CallingWindow
from ..tools.formatting import babel_locale
from .debt_followup_call import CONVERSATION_OUTCOMES


class DebtFollowupCallingWindow(models.Model):
    """When a debtor may be called, in the debtor's local time, by country and
    optionally state. Global (no company): the rule follows the debtor's place,
    whichever company of the database is calling. A state row wins over its
    country row, which wins over the row without a country (the fallback)."""

    _name = "debt.followup.calling.window"
    _description = "Calling Window"
    _order = "country_id, state_id, id"

    country_id = fields.Many2one("res.country", index=True)
    state_id = fields.Many2one(
        "res.country.state",
        domain="[('country_id', '=?', country_id)]",
        help="Leave empty for the whole country.",
    )
    weekday_start = fields.Float(string="Monday to Friday From", required=True, default=8.0)
    weekday_end = fields.Float(string="Monday to Friday To", required=True, default=20.0)
    saturday_closed = fields.Boolean(string="No Calls on Saturday")
    saturday_start = fields.Float(string="Saturday From", default=8.0)
    saturday_end = fields.Float(string="Saturday To", default=14.0)
    sunday_closed = fields.Boolean(string="No Calls on Sunday", default=True)
    sunday_start = fields.Float(string="Sunday From", default=8.0)
    sunday_end = fields.Float(string="Sunday To", default=14.0)
    holidays_closed = fields.Boolean(
        string="No Calls on Public Holidays",
        default=True,
        help="Public holidays of the debtor's country and state, from the holidays library.",
    )
    note = fields.Text(
        string="Source",
        help="The law or code of conduct behind these hours: check it against current law.",
    )
    active = fields.Boolean(default=True)

    _country_state_uniq = models.UniqueIndex(
        "(COALESCE(country_id, 0), COALESCE(state_id, 0)) WHERE active",
        "There is already an active calling window for this country and state.",
    )

    @api.depends("country_id", "state_id")
    def _compute_display_name(self):
        for window in self:
            if window.state_id:
                window.display_name = f"{window.country_id.name} – {window.state_id.name}"
            elif window.country_id:
                window.display_name = window.country_id.name
            else:
                window.display_name = self.env._("Anywhere else")

    @api.onchange("country_id")
    def _onchange_country_id(self):
        if self.state_id.country_id != self.country_id:
            self.state_id = False

    @api.constrains(
        "country_id",
        "state_id",
        "weekday_start",
        "weekday_end",
        "saturday_closed",
        "saturday_start",
        "saturday_end",
        "sunday_closed",
        "sunday_start",
        "sunday_end",
    )
    def _check_hours(self):
        for window in self:
            if window.state_id and window.state_id.country_id != window.country_id:
                raise ValidationError(
                    self.env._(
                        "The state %(state)s is not in %(country)s.",
                        state=window.state_id.name,
                        country=window.country_id.name or self.env._("no country"),
                    )
                )
            ranges = [(self.env._("Monday to Friday"), window.weekday_start, window.weekday_end)]
            if not window.saturday_closed:
                ranges.append((self.env._("Saturday"), window.saturday_start, window.saturday_end))
            if not window.sunday_closed:
                ranges.append((self.env._("Sunday"), window.sunday_start, window.sunday_end))
            for day, start, end in ranges:
                if not 0 <= start < end <= 24:
                    raise ValidationError(
                        self.env._(
                            "%(day)s: the calling hours must start before they end, "
                            "between 00:00 and 24:00.",
                            day=day,
                        )
                    )

    def _to_rule(self):
        """The window as a pure rule for tools.calling_window."""
        self.ensure_one()
        return CallingWindow(
            weekday=(self.weekday_start, self.weekday_end),
            saturday=None if self.saturday_closed else (self.saturday_start, self.saturday_end),
            sunday=None if self.sunday_closed else (self.sunday_start, self.sunday_end),
            holidays_closed=self.holidays_closed,
        )

    @api.model
    def _debt_window_finder(self):
        """A function (country, state) -> window record, reading the active
        windows once: the state row, else the country row, else the fallback."""
        windows = self.sudo().search([("active", "=", True)])
        by_key = {(w.country_id.id, w.state_id.id): w for w in windows}

        def find(country, state):
            return (
                (state and by_key.get((country.id, state.id)))
                or by_key.get((country.id, False))
                or by_key.get((False, False))
                or self.browse()
            )

        return find

    @api.model
    def _rules_for(self, partners):
        """Per partner id of ``partners``: (calling window rule, debtor's zone,
        holiday calendar).

        Zone: the phone number's, else the contact's, else the company's. Country:
        the contact's, else the phone number's. State: the contact's, else (Brazil)
        the one of the phone's area code. The window is the state's, else the
        country's, else the fallback row; without any row, calls are not limited."""
        find_window = self._debt_window_finder()
        company_tz = self.env.company.partner_id.tz or "UTC"
        phone_info = {}
        for partner in partners:
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
        for partner in partners:
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

    @api.model
    def _past_calls(self, partners, since):
        """Calls logged with ``partners`` in the current company since a naive
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
                tuple(partners.commercial_partner_id.ids) or (0,),
                self.env.company.id,
                since,
            )
        )
        calls = {}
        for partner_id, call_id, date, conversation in rows:
            calls.setdefault(partner_id, []).append((call_id, date, conversation))
        return calls

    @api.model
    def _caps(self, company):
        """The company's call caps, as the pure rule takes them."""
        return calling_window.Caps(
            per_day=company.debt_max_conversations_day,
            per_week=company.debt_max_conversations_week,
            attempts=company.debt_max_attempts,
            attempt_days=company.debt_attempts_period,
        )

    @api.model
    def _calls_since(self, moment, caps):
        """Oldest call that can weigh on a call at ``moment``: the rolling attempts
        period or the ISO week (7 days), plus a day for time zones."""
        return moment - datetime.timedelta(days=max(caps.attempt_days, 7) + 1)

    @api.model
    def _next_call_slots(self, partners, dt=None):
        """{partner id: first naive UTC moment at or after ``dt`` (default now) at
        which the debtor may be called, or False past a year}. One query for the
        calls of all the partners."""
        dt = dt or fields.Datetime.now()
        caps = self._caps(self.env.company)
        rules = self._rules_for(partners)
        past = self._past_calls(partners, self._calls_since(dt, caps))
        slots = {}
        for partner in partners:
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

    @api.model
    def _local_moments(self, partners, now):
        """{partner id: (the debtor's local time now, as "Tue 10:00 (Europe/Rome)" in
        the user's language, first moment it may be called)}."""
        slots = self._next_call_slots(partners, now)
        rules = self._rules_for(partners)
        locale = babel_locale(self.env.lang)
        moments = {}
        for partner in partners:
            tz = rules[partner.id][1]
            local = calling_window.to_local(now, tz)
            time_str = format_datetime(local, "EEE HH:mm", tzinfo=tz, locale=locale)
            moments[partner.id] = (f"{time_str} ({tz.key})", slots[partner.id])
        return moments
