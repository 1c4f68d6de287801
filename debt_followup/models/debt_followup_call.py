# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.calling_window import PastCall, next_call_slot

CALL_OUTCOMES = [
    ("reached", "Reached, no promise"),
    ("promise", "Promise to pay"),
    ("callback", "Call back later"),
    ("no_answer", "No answer"),
    ("busy", "Busy"),
    ("third_party", "Someone else answered"),
    ("wrong_number", "Wrong number"),
    ("dispute", "Disputes the debt"),
    ("paid_claimed", "Says it has paid"),
    ("refused", "Refuses to pay"),
]
# Outcomes where the debtor was not reached: they count as failed attempts.
FAILED_OUTCOMES = ("no_answer", "busy")
# Outcomes where the debt was discussed with the debtor: they count against the
# conversation caps (per day, per week). A call-back request, someone else
# answering or a wrong number are attempts, not conversations.
CONVERSATION_OUTCOMES = ("reached", "promise", "dispute", "paid_claimed", "refused")
# A logged call is a record of what happened: when, who, with what outcome and
# whether it was outside the calling window (the manager's report). Nobody
# rewrites it; its author may complete the note. A collector logs a call as
# made by them, now; only a manager may record a call made earlier or by
# someone else. The window flag is always the server's.
USER_WRITABLE_FIELDS = {"note"}


class DebtFollowupCall(models.Model):
    _name = "debt.followup.call"
    _description = "Collection Call"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        domain=[("parent_id", "=", False)],
    )
    case_id = fields.Many2one(
        "debt.followup.case",
        string="Collection Case",
        readonly=True,
        index=True,
        check_company=True,
        help="The case of the customer in the call's company; set when the call is logged.",
    )
    move_ids = fields.Many2many(
        "account.move",
        "debt_followup_call_move_rel",
        "call_id",
        "move_id",
        string="Invoices",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Collector", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    phone = fields.Char(help="Number called, in E.164 form.")
    outcome = fields.Selection(CALL_OUTCOMES, required=True)
    duration = fields.Float(string="Duration (minutes)")
    note = fields.Text()
    promise_id = fields.Many2one("debt.followup.promise", index="btree_not_null")
    callback_date = fields.Datetime(string="Call Back On")
    level_id = fields.Many2one("debt.followup.level", string="Follow-up Level")
    outside_window = fields.Boolean(
        string="Outside Calling Window",
        readonly=True,
        help="The call was logged at a time when the debtor may not be called.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    _duration_positive = models.Constraint(
        "CHECK(duration >= 0)", "A call cannot last a negative time."
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._debt_check_user_values(vals_list)
        calls = super().create(self.env["debt.followup.case"]._debt_fill_case(vals_list))
        calls._debt_flag_outside_window()
        return calls

    def write(self, vals):
        if not self.env.su:
            self._debt_check_user_write(vals)
        result = super().write(vals)
        if {"date", "partner_id", "outcome"} & vals.keys():
            self._debt_flag_outside_window()
        return result

    @api.model
    def _debt_check_user_values(self, vals_list):
        manager = self.env.user.has_group("debt_followup.group_debt_manager")
        for vals in vals_list:
            if "outside_window" in vals or (
                not manager
                and ("date" in vals or vals.get("user_id", self.env.uid) != self.env.uid)
            ):
                raise AccessError(
                    self.env._(
                        "A call is logged by the collector who makes it, at the time it is made."
                    )
                )

    def _debt_check_user_write(self, vals):
        """Users change only the note of a logged call, and only their own."""
        if vals.keys() - USER_WRITABLE_FIELDS or self.filtered(
            lambda call: call.user_id != self.env.user
        ):
            raise AccessError(
                self.env._(
                    "A logged call cannot be changed: only the collector who made it "
                    "can complete its note."
                )
            )

    def _debt_flag_outside_window(self):
        """Flag, never refuse, the calls made when the debtor could not be called:
        outside the calling window, on a closed holiday, or over a cap counting
        the calls logged before each one. One query per company."""
        for company, calls in self.grouped("company_id").items():
            partners = calls.partner_id.with_company(company)
            Window = self.env["debt.followup.calling.window"].with_company(company)
            caps = Window._caps(company)
            rules = Window._rules_for(partners)
            past = Window._past_calls(
                partners, Window._calls_since(min(calls.mapped("date")), caps)
            )
            for call in calls:
                window, tz, holidays = rules[call.partner_id.id]
                earlier = [
                    PastCall(date, conversation)
                    for call_id, date, conversation in past.get(
                        call.partner_id.commercial_partner_id.id, []
                    )
                    if (date, call_id) < (call.date, call.id)
                ]
                slot = next_call_slot(
                    window, tz, call.date, holidays=holidays, calls=earlier, caps=caps
                )
                outside = slot != call.date
                if call.outside_window != outside:
                    # Set by the server only: users may not write the flag.
                    call.sudo().outside_window = outside
