# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.calling_window import CallingWindow


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
