# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL, format_date, format_datetime

from ..models.debt_followup_call import CALL_OUTCOMES, FAILED_OUTCOMES
from ..tools.promise import MAX_INSTALLMENTS, split_installments

# Days the follow-up waits while the accountant checks a payment the customer claims.
PAID_CLAIMED_PAUSE_DAYS = 5
# A failed call is retried at the next allowed moment after this pause (hours):
# calling again and again the same day is harassment (COMPLIANCE.md).
RETRY_AFTER_HOURS = 2
# Calls and payments shown in the history at a glance.
HISTORY_LIMIT = 3
# Outcomes after which the pending follow-up step (a letter, a visit) is not
# taken: they close every open follow-up activity of the case, not only the call.
SETTLING_OUTCOMES = ("promise", "dispute", "paid_claimed")


class DebtFollowupCallWizard(models.TransientModel):
    _name = "debt.followup.call.wizard"
    _description = "Log a Collection Call"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain=[("parent_id", "=", False)],
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_id = fields.Many2one(
        "debt.followup.level", string="Follow-up Level", compute="_compute_level_id"
    )
    # Sanitized, as everything shown that holds what a debtor typed: a script
    # link or attribute can never run code in the collector's browser.
    call_script = fields.Html(compute="_compute_call_script")
    phone = fields.Char(related="partner_id.phone")
    phone_e164 = fields.Char(string="Phone (E.164)", compute="_compute_phone")
    phone_link = fields.Html(string="Call", compute="_compute_phone")
    case_id = fields.Many2one("debt.followup.case", compute="_compute_case_id")
    whatsapp_link = fields.Char(string="WhatsApp", related="case_id.whatsapp_link")
    local_time = fields.Char(related="case_id.local_time", string="Debtor Local Time")
    can_call_now = fields.Boolean(related="case_id.can_call_now")
    next_call_slot = fields.Datetime(related="case_id.next_call_slot")
    # What the debtor owes and promises is said in the invoices' currency; the
    # company-currency figure is shown beside it when the two differ.
    overdue_currency_id = fields.Many2one("res.currency", compute="_compute_overdue")
    overdue_amount = fields.Monetary(
        string="Overdue", currency_field="overdue_currency_id", compute="_compute_overdue"
    )
    overdue_amount_company = fields.Monetary(
        string="Overdue in Company Currency", compute="_compute_overdue"
    )
    promise_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_promise_currency_id",
        help="A promise is in the currency of the invoices it covers.",
    )
    history = fields.Html(compute="_compute_history", sanitize=False)
    outcome = fields.Selection(CALL_OUTCOMES, required=True)
    note = fields.Text()
    duration = fields.Float(string="Duration (minutes)")
    promise_amount = fields.Monetary(
        currency_field="promise_currency_id",
        compute="_compute_promise_amount",
        store=True,
        readonly=False,
        precompute=True,
    )
    promise_date = fields.Date(string="First Payment On")
    installment_count = fields.Integer(string="Installments", default=1)
    line_ids = fields.One2many(
        "debt.followup.call.wizard.line",
        "wizard_id",
        string="Installment Plan",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    callback_date = fields.Datetime(string="Call Back On")
    dispute_reason = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "account.move" and context.get("active_ids"):
            moves = self.env["account.move"].browse(context["active_ids"])
            partner = self._debt_single_customer(moves)
            values.update(partner_id=partner.id, move_ids=[Command.set(moves.ids)])
        elif context.get("active_model") == "res.partner" and context.get("active_id"):
            partner = self.env["res.partner"].browse(context["active_id"])
            values["partner_id"] = partner.commercial_partner_id.id
        return values

    def _debt_single_customer(self, moves):
        partners = moves.commercial_partner_id
        if len(partners) > 1:
            raise UserError(
                self.env._(
                    "Log a call for one customer at a time: the selected invoices "
                    "belong to %(partners)s.",
                    partners=", ".join(partners.mapped("display_name")),
                )
            )
        return partners

    @api.depends("partner_id")
    def _compute_move_ids(self):
        for wizard in self:
            if wizard.move_ids and wizard.move_ids.commercial_partner_id == wizard.partner_id:
                continue
            wizard.move_ids = (
                self.env["debt.followup.case"]._debt_overdue_lines(wizard.partner_id).move_id
            )

    @api.depends("partner_id")
    def _compute_level_id(self):
        phone_levels = self.env["debt.followup.level"].search(
            [("company_id", "in", self.company_id.ids), ("channel", "=", "phone")]
        )
        for wizard in self:
            current = wizard.partner_id.debt_followup_level_id
            if current.channel == "phone":
                wizard.level_id = current
                continue
            candidates = phone_levels.filtered(lambda lvl, w=wizard: lvl.company_id == w.company_id)
            later = candidates.filtered(lambda lvl, c=current: not c or lvl.sequence > c.sequence)
            wizard.level_id = later[:1] or candidates[-1:]

    @api.depends("level_id", "partner_id")
    def _compute_call_script(self):
        for wizard in self:
            wizard.call_script = (
                wizard.level_id._render_call_script(wizard.partner_id.commercial_partner_id)
                if wizard.level_id and wizard.partner_id
                else False
            )

    @api.depends("partner_id.phone", "partner_id.country_id")
    def _compute_phone(self):
        for wizard in self:
            partner = wizard.partner_id
            e164 = partner.phone and partner._phone_format(fname="phone", force_format="E164")
            wizard.phone_e164 = e164 or False
            # The number is typed by the debtor too (portal): escaped, never markup.
            if e164:
                shown = partner._phone_format(fname="phone", force_format="INTERNATIONAL")
                wizard.phone_link = Markup('<a href="tel:%s">%s</a>') % (e164, shown)
            else:
                wizard.phone_link = escape(partner.phone) if partner.phone else False

    @api.depends("move_ids", "partner_id", "company_id")
    def _compute_overdue(self):
        for wizard in self.with_company(self.company_id[:1]):
            partner = wizard.partner_id
            wizard.overdue_amount_company = partner.debt_overdue_amount
            if partner.debt_debtor_currency_id:
                wizard.overdue_currency_id = partner.debt_debtor_currency_id
                wizard.overdue_amount = partner.debt_debtor_overdue_amount
            else:
                wizard.overdue_currency_id = wizard.currency_id
                wizard.overdue_amount = partner.debt_overdue_amount

    @api.depends("move_ids", "company_id")
    def _compute_promise_currency_id(self):
        for wizard in self:
            wizard.promise_currency_id = wizard._debt_promise_currency()

    @api.depends("partner_id")
    def _compute_history(self):
        for wizard in self:
            if not wizard.partner_id:
                wizard.history = False
                continue
            wizard.history = self.env["ir.qweb"]._render(
                "debt_followup.debt_followup_call_wizard_history",
                wizard._debt_history_values(),
            )

    def _debt_history_values(self):
        """What the collector should know before calling, in five queries:
        last payments, average days late over twelve months, promises kept and
        broken, last contacts."""
        self.ensure_one()
        partner = self.partner_id
        company = self.company_id
        payments = self.env["account.payment"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("company_id", "=", company.id),
                ("partner_type", "=", "customer"),
                ("payment_type", "=", "inbound"),
                ("state", "in", ("in_process", "paid")),
            ],
            order="date desc, id desc",
            limit=HISTORY_LIMIT,
        )
        today = fields.Date.context_today(self)
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model(["partner_id", "date_maturity", "company_id"])
        [(days_late,)] = self.env.execute_query(
            SQL(
                """
                SELECT SUM(GREATEST(apr.max_date - debit.date_maturity, 0) * apr.amount)
                       / NULLIF(SUM(apr.amount), 0)
                  FROM account_partial_reconcile apr
                  JOIN account_move_line debit ON debit.id = apr.debit_move_id
                  JOIN account_account acc ON acc.id = debit.account_id
                 WHERE debit.partner_id IN %(partners)s
                   AND debit.company_id = %(company)s
                   AND acc.account_type = 'asset_receivable'
                   AND apr.max_date >= %(since)s
                """,
                partners=tuple(partner.search([("id", "child_of", partner.id)]).ids),
                company=company.id,
                since=today - timedelta(days=365),
            )
        )
        promise_counts = dict(
            self.env["debt.followup.promise"]._read_group(
                [("partner_id", "=", partner.id), ("state", "in", ("kept", "broken"))],
                ["state"],
                ["__count"],
            )
        )
        calls = self.env["debt.followup.call"].search(
            [("partner_id", "=", partner.id)], order="date desc, id desc", limit=HISTORY_LIMIT
        )
        outcomes = dict(calls._fields["outcome"]._description_selection(self.env))
        return {
            "payments": [
                (format_date(self.env, p.date), p.currency_id.format(p.amount)) for p in payments
            ],
            "days_late": round(days_late) if days_late is not None else None,
            "kept": promise_counts.get("kept", 0),
            "broken": promise_counts.get("broken", 0),
            "calls": [
                (
                    format_datetime(self.env, c.date, dt_format="short"),
                    outcomes[c.outcome],
                    c.user_id.name,
                )
                for c in calls
            ],
        }

    @api.depends("outcome", "move_ids")
    def _compute_promise_amount(self):
        """A promise starts at what the chosen invoices still owe; the collector
        lowers it when the customer promises part of it."""
        for wizard in self:
            if wizard.outcome == "promise" and not wizard.promise_amount:
                wizard.promise_amount = sum(wizard.move_ids.mapped("amount_residual"))

    @api.depends("promise_amount", "promise_date", "installment_count", "outcome")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [Command.clear()] + [
                Command.create({"date": due, "amount": amount})
                for due, amount in wizard._debt_installment_plan()
            ]

    def _debt_installment_plan(self):
        """The plan from the amount, the first date and the count (edited lines
        aside): equal monthly installments, the last one takes the rounding."""
        if (
            self.outcome != "promise"
            or not self.promise_date
            or not 1 <= self.installment_count <= MAX_INSTALLMENTS
            or self.promise_currency_id.compare_amounts(self.promise_amount, 0) <= 0
        ):
            return []
        return split_installments(
            self.promise_amount,
            self.installment_count,
            self.promise_date,
            self.promise_currency_id.decimal_places,
        )

    # ------------------------------------------------------------------
    # Validation: everything is checked before anything is written.
    # ------------------------------------------------------------------

    def _debt_check(self):
        self.ensure_one()
        if self.move_ids:
            partner = self._debt_single_customer(self.move_ids)
            if partner != self.partner_id.commercial_partner_id:
                raise UserError(
                    self.env._(
                        "The invoices belong to %(other)s, not to %(partner)s.",
                        other=partner.display_name,
                        partner=self.partner_id.display_name,
                    )
                )
        if self.outcome == "promise":
            self._debt_check_promise()
        elif self.outcome == "callback" and not self.callback_date:
            raise ValidationError(self.env._("Say when to call back."))
        if self.outcome in ("callback", "third_party") and self.callback_date:
            self._debt_check_callback()
        if self.outcome == "dispute":
            if not self.move_ids:
                raise ValidationError(self.env._("Choose the disputed invoices."))
            if not (self.dispute_reason or "").strip():
                raise ValidationError(self.env._("Give the reason of the dispute."))

    def _debt_check_callback(self):
        """An agreed call-back lies ahead, inside the debtor's calling window."""
        if self.callback_date < fields.Datetime.now():
            raise ValidationError(self.env._("The call-back time is in the past."))
        slot = self.partner_id._debt_next_call_slot(self.callback_date)
        if slot != self.callback_date:
            raise ValidationError(
                self.env._(
                    "The customer may not be called at that time. "
                    "The next allowed moment is %(slot)s.",
                    slot=format_datetime(self.env, slot) if slot else "-",
                )
            )

    def _debt_promise_currency(self):
        """A promise is in the currency of the invoices it covers."""
        currencies = self.move_ids.currency_id
        return currencies if len(currencies) == 1 else self.currency_id

    def _debt_check_promise(self):
        currency = self._debt_promise_currency()
        if not self.promise_date:
            raise ValidationError(self.env._("A promise to pay needs an amount and a date."))
        if currency.compare_amounts(self.promise_amount, 0) <= 0:
            raise ValidationError(self.env._("A promise to pay needs an amount above zero."))
        overdue = (
            sum(self.move_ids.mapped("amount_residual"))
            if self.move_ids
            else self.partner_id.debt_overdue_amount
        )
        if currency.compare_amounts(self.promise_amount, overdue) > 0:
            raise ValidationError(
                self.env._(
                    "The promise of %(amount)s is above what is overdue (%(overdue)s).",
                    amount=currency.format(self.promise_amount),
                    overdue=currency.format(overdue),
                )
            )
        if self.installment_count < 1:
            raise ValidationError(self.env._("An installment plan has at least one installment."))
        if self.installment_count > MAX_INSTALLMENTS:
            raise ValidationError(
                self.env._(
                    "An installment plan has at most %(count)s installments.",
                    count=MAX_INSTALLMENTS,
                )
            )
        plan = self._debt_plan()
        today = fields.Date.context_today(self)
        if self.promise_date < today or any(due < today for due, _amount in plan):
            raise ValidationError(self.env._("A promise to pay cannot fall due in the past."))
        if any(currency.compare_amounts(amount, 0) <= 0 for _due, amount in plan):
            raise ValidationError(self.env._("Each installment needs an amount above zero."))
        total = sum(amount for _due, amount in plan)
        if currency.compare_amounts(total, self.promise_amount):
            raise ValidationError(
                self.env._(
                    "The installments add up to %(total)s, but the promise is for %(amount)s.",
                    total=currency.format(total),
                    amount=currency.format(self.promise_amount),
                )
            )

    def _debt_plan(self):
        """Installments as entered (or as generated when none was entered)."""
        if self.line_ids:
            return sorted((line.date, line.amount) for line in self.line_ids)
        return self._debt_installment_plan()

    # ------------------------------------------------------------------
    # Logging the call
    # ------------------------------------------------------------------

    def action_log_call(self):
        self.ensure_one()
        self._debt_check()
        partner = self.partner_id.commercial_partner_id
        now = fields.Datetime.now()
        private = self.outcome == "third_party"
        call = self.env["debt.followup.call"].create(
            {
                "partner_id": partner.id,
                # A third party learns nothing: nothing of the debt is recorded.
                "move_ids": [Command.set([] if private else self.move_ids.ids)],
                "outcome": self.outcome,
                "note": False if private else self.note,
                "duration": self.duration,
                "phone": self.phone_e164 or self.phone,
                "level_id": False if private else self.level_id.id,
                "callback_date": self._debt_callback_moment(now),
                "company_id": self.company_id.id,
            }
        )
        # The collection call that was planned is this one; the outcome may plan the next.
        # A promise, a dispute or a claimed payment also settles the pending step
        # (a letter to post, a visit): it is closed with the call's summary.
        planned = call.case_id._debt_open_activities(
            None
            if self.outcome in SETTLING_OUTCOMES
            else self.env.ref("debt_followup.mail_activity_type_debt_call")
        )
        # Each outcome's effect: ``_debt_apply_<outcome>(call)`` returns the next
        # step for the summary; a reached call without promise has none.
        apply = getattr(self, f"_debt_apply_{self.outcome}", None)
        next_step = apply(call) if apply else ""
        body = self._debt_post_summary(call, next_step, planned)
        # Every saved call says what happens next.
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Call logged"),
                "message": body,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _debt_callback_moment(self, now):
        if self.outcome == "callback":
            return self.callback_date
        if self.outcome == "third_party":
            return self.callback_date or self.partner_id._debt_next_call_slot(now)
        return False

    def _debt_post_summary(self, call, next_step, planned):
        """One short line on the case and the invoices: outcome, who and the next
        step. Never the note: the invoices' chatter is read by more people."""
        outcome = dict(call._fields["outcome"]._description_selection(self.env))[call.outcome]
        body = self.env._(
            "Collection call by %(user)s: %(outcome)s.",
            user=call.user_id.name,
            outcome=outcome,
        )
        if next_step:
            body = f"{body} {next_step}"
        if planned:
            planned.action_feedback(feedback=body)
        else:
            call.case_id.message_post(body=body, subtype_xmlid="mail.mt_note")
        if call.move_ids:
            call.move_ids._message_log_batch(bodies=dict.fromkeys(call.move_ids.ids, body))
        return body

    def _debt_schedule(self, act_type_xmlid, summary, user, date_deadline=None, note=""):
        """An activity on the customer's case, for ``user`` (who may be a manager
        or an accountant of the company)."""
        self._debt_case().sudo().activity_schedule(
            act_type_xmlid, date_deadline=date_deadline, summary=summary, note=note, user_id=user.id
        )

    @api.depends("partner_id", "company_id")
    def _compute_case_id(self):
        for wizard in self:
            wizard.case_id = wizard.partner_id and wizard._debt_case()

    def _debt_case(self):
        return (
            self.env["debt.followup.case"]
            .with_company(self.company_id)
            ._debt_for_partners(self.partner_id)
        )

    def _debt_schedule_call(self, moment, summary):
        """A collection-call activity for the collector on the call's day."""
        self._debt_schedule(
            "debt_followup.mail_activity_type_debt_call",
            summary,
            self._debt_case()._debt_collector(),
            date_deadline=fields.Date.context_today(self, moment),
        )

    def _debt_when(self, moment):
        return format_datetime(self.env, moment, dt_format="short")

    def _debt_responsible(self, group_xmlid):
        """First internal user of the group in this company, else the caller."""
        users = (
            self.env.ref(group_xmlid)
            .sudo()
            .all_user_ids.filtered(
                lambda u: not u.share and u.active and self.company_id in u.company_ids
            )
        )
        return users.sorted("id")[:1] or self.env.user

    def _debt_apply_promise(self, call):
        # The new promise replaces the open ones on the same invoices.
        self.env["debt.followup.promise"].search(
            [("state", "=", "open"), ("move_ids", "in", self.move_ids.ids)]
        ).action_cancel()
        promise = self.env["debt.followup.promise"].create(
            {
                "partner_id": call.partner_id.id,
                "move_ids": [Command.set(self.move_ids.ids)],
                "call_id": call.id,
                "amount": self.promise_amount,
                "currency_id": self._debt_promise_currency().id,
                "company_id": self.company_id.id,
                "line_ids": [
                    Command.create({"date": due, "amount": amount})
                    for due, amount in self._debt_plan()
                ],
            }
        )
        # The call was just logged by this wizard: nobody else may write a call.
        call.sudo().promise_id = promise
        plan = promise.line_ids
        if len(plan) == 1:
            return self.env._(
                "Promise of %(amount)s by %(date)s.",
                amount=promise.currency_id.format(promise.amount),
                date=format_date(self.env, plan.date),
            )
        return self.env._(
            "Promise of %(amount)s in %(count)s installments, the first on %(date)s.",
            amount=promise.currency_id.format(promise.amount),
            count=len(plan),
            date=format_date(self.env, plan[0].date),
        )

    def _debt_apply_callback(self, call):
        self._debt_schedule_call(
            call.callback_date,
            self.env._("Call back at %(when)s", when=self._debt_when(call.callback_date)),
        )
        return self.env._("Call back at %(when)s.", when=self._debt_when(call.callback_date))

    def _debt_apply_third_party(self, call):
        self._debt_schedule_call(
            call.callback_date,
            self.env._("Call back at %(when)s", when=self._debt_when(call.callback_date)),
        )
        return self.env._("Call back at %(when)s.", when=self._debt_when(call.callback_date))

    def _debt_apply_no_answer(self, call):
        partner = call.partner_id
        limit = self.company_id.debt_max_call_attempts
        last_calls = self.env["debt.followup.call"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company_id.id)],
            order="date desc, id desc",
            limit=limit,
        )
        if len(last_calls) == limit and all(c.outcome in FAILED_OUTCOMES for c in last_calls):
            call.case_id._debt_escalate_now(written_only=True)
            return self.env._(
                "%(count)s calls in a row without answer: the written reminder is due.",
                count=limit,
            )
        slot = partner._debt_next_call_slot(call.date + timedelta(hours=RETRY_AFTER_HOURS))
        self._debt_schedule_call(
            slot, self.env._("Try again at %(when)s", when=self._debt_when(slot))
        )
        return self.env._("Try again at %(when)s.", when=self._debt_when(slot))

    _debt_apply_busy = _debt_apply_no_answer

    def _debt_apply_wrong_number(self, call):
        # The number reaches someone else: blacklisting it keeps SMS reminders
        # (and their detail of the debt) from going to a stranger.
        if call.phone:
            self.env["phone.blacklist"].sudo()._add(
                [call.phone], message=self.env._("Wrong number reported by a collector.")
            )
        self._debt_schedule(
            "mail.mail_activity_data_todo",
            self.env._("Find a correct phone number"),
            call.case_id._debt_collector(),
        )
        return self.env._("Number flagged as wrong; a correct contact is to be found.")

    def _debt_apply_dispute(self, call):
        reason = self.env["debt.followup.dispute.wizard"]._debt_dispute(
            call.move_ids, self.dispute_reason
        )
        self._debt_schedule(
            "mail.mail_activity_data_todo",
            self.env._("Disputed invoices: %(reason)s", reason=reason),
            self._debt_responsible("debt_followup.group_debt_manager"),
            note=self.env._(
                "Disputed: %(invoices)s", invoices=", ".join(call.move_ids.mapped("name"))
            ),
        )
        return self.env._(
            "%(invoices)s left out of follow-up; the manager reviews the dispute.",
            invoices=", ".join(call.move_ids.mapped("name")),
        )

    def _debt_apply_paid_claimed(self, call):
        until = fields.Date.context_today(self) + timedelta(days=PAID_CLAIMED_PAUSE_DAYS)
        call.case_id._debt_pause_followup(until)
        self._debt_schedule(
            "mail.mail_activity_data_todo",
            self.env._("Customer says it has paid: check and reconcile"),
            self._debt_responsible("account.group_account_manager"),
        )
        return self.env._(
            "Follow-up paused until %(date)s while the payment is checked.",
            date=format_date(self.env, until),
        )

    def _debt_apply_refused(self, call):
        call.case_id._debt_escalate_now()
        return self.env._("The next follow-up step is due now.")
