# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import format_date

from ..tools.promise import BROKEN, KEPT, MAX_INSTALLMENTS, evaluate_promise

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
# Open promises evaluated per transaction by the daily check.
PROMISE_CHECK_BATCH = 500
# What users may change on a promise once it is made (its state, the invoices it
# covers and what they owed then are the promise: they change only through the
# promise's own methods, as superuser). Amount and installments are
# renegotiated while the promise is open; the note is always the collector's.
USER_WRITABLE_FIELDS = {"amount", "line_ids", "note"}
USER_WRITABLE_CLOSED_FIELDS = {"note"}
# What users may not set when they make a promise: set by the server.
SERVER_SET_FIELDS = {"state", "residual_at_promise"}
# Marks the promise's own create and write in the context, so that its
# installments are checked once, when all are written. An object no RPC
# context can carry.
WRITING_PROMISE = object()


class DebtFollowupPromise(models.Model):
    _name = "debt.followup.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
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
    )
    move_ids = fields.Many2many(
        "account.move",
        "debt_followup_promise_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('move_type', '=', 'out_invoice')]",
    )
    call_id = fields.Many2one("debt.followup.call", index="btree_not_null")
    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The currency of the invoices the promise covers.",
    )
    date = fields.Date(string="Promised On", required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True, tracking=True)
    line_ids = fields.One2many(
        "debt.followup.promise.line", "promise_id", string="Installments", copy=True
    )
    next_due_date = fields.Date(
        string="Next Installment", compute="_compute_next_due_date", store=True
    )
    residual_at_promise = fields.Monetary(
        string="Residual When Promised",
        readonly=True,
        help="What the covered invoices still owed when the promise was made, in their currency.",
    )
    paid_amount = fields.Monetary(compute="_compute_paid_amount")
    state = fields.Selection(
        PROMISE_STATES, required=True, default="open", tracking=True, index=True, readonly=True
    )
    kept_rate = fields.Float(
        string="Kept (%)",
        compute="_compute_kept_rate",
        store=True,
        aggregator="avg",
        help="100 for a kept promise, 0 for a broken one: its average is the kept rate.",
    )
    note = fields.Text(groups="debt_followup.group_debt_collector")
    checked_date = fields.Date(
        string="Checked On",
        readonly=True,
        copy=False,
        help="The last day the daily check of payments looked at this promise.",
    )

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "A promise to pay needs an amount above zero."
    )

    @api.depends("move_ids", "company_id")
    def _compute_currency_id(self):
        for promise in self:
            currencies = promise.move_ids.currency_id
            promise.currency_id = (
                currencies if len(currencies) == 1 else promise.company_id.currency_id
            )

    @api.depends("partner_id", "amount", "currency_id")
    def _compute_name(self):
        for promise in self:
            promise.name = self.env._(
                "%(partner)s: %(amount)s",
                partner=promise.partner_id.display_name or "",
                amount=promise.currency_id.format(promise.amount)
                if promise.currency_id
                else promise.amount,
            )

    @api.depends("line_ids.date", "state")
    def _compute_next_due_date(self):
        for promise in self:
            dates = promise.line_ids.mapped("date")
            promise.next_due_date = min(dates) if dates and promise.state == "open" else False

    @api.depends("move_ids.amount_residual", "residual_at_promise", "amount")
    def _compute_paid_amount(self):
        # Reading the invoices of the whole recordset first lets the ORM fetch
        # the relation and the residuals in one query each, whatever the size.
        # Residuals in the invoices' currency, which is the promise's.
        self.move_ids.mapped("amount_residual")
        for promise in self:
            residual_now = sum(promise.move_ids.mapped("amount_residual"))
            paid = promise.residual_at_promise - residual_now
            promise.paid_amount = min(max(paid, 0.0), promise.amount)

    @api.depends("state")
    def _compute_kept_rate(self):
        for promise in self:
            promise.kept_rate = 100.0 if promise.state == "kept" else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._debt_check_user_values(vals_list)
        for vals in vals_list:
            moves = self.new({"move_ids": vals.get("move_ids", [])}).move_ids._origin
            if not moves:
                # Made without choosing invoices: it covers all the customer's
                # open overdue invoices, so that it closes when they are paid.
                moves = self._debt_default_moves(vals)
                vals["move_ids"] = [Command.set(moves.ids)]
            if "residual_at_promise" not in vals:
                vals["residual_at_promise"] = sum(moves.mapped("amount_residual"))
        promises = super(
            DebtFollowupPromise, self.with_context(debt_writing_promise=WRITING_PROMISE)
        ).create(self.env["debt.followup.case"]._debt_fill_case(vals_list))
        return promises.with_env(self.env)

    def write(self, vals):
        if not self.env.su:
            self._debt_check_user_write(vals)
        return super(
            DebtFollowupPromise, self.with_context(debt_writing_promise=WRITING_PROMISE)
        ).write(vals)

    @api.model
    def _debt_records_history(self):
        """Whether this environment may record promises of the past (the server,
        or a manager entering what was agreed earlier); collectors may not."""
        return self.env.su or self.env.user.has_group("debt_followup.group_debt_manager")

    def _debt_check_user_values(self, vals_list):
        """What a user (not the server) may give when making promises."""
        today = fields.Date.context_today(self)
        history = self._debt_records_history()
        for vals in vals_list:
            if vals.get("state", "open") != "open" or "residual_at_promise" in vals:
                raise AccessError(
                    self.env._(
                        "A promise to pay starts open, and what its invoices owe is "
                        "read from them: neither can be given."
                    )
                )
            if not history and vals.get("date") and fields.Date.to_date(vals["date"]) < today:
                raise ValidationError(
                    self.env._("A promise to pay cannot be recorded on a past day.")
                )

    def _debt_check_user_write(self, vals):
        """Users change only the amount and installments of an open promise,
        and its note: its state moves through its methods only."""
        for promise in self:
            allowed = (
                USER_WRITABLE_FIELDS if promise.state == "open" else USER_WRITABLE_CLOSED_FIELDS
            )
            if vals.keys() - allowed:
                raise AccessError(
                    self.env._(
                        "A promise to pay cannot be changed this way: while it is open, "
                        "only its amount, installments and note can be; its state changes "
                        "by cancelling it or with the daily check of payments."
                    )
                )

    @api.model
    def _debt_default_moves(self, vals):
        """The open overdue invoices of the customer of ``vals``, in the
        promise's company."""
        partner = self.env["res.partner"].browse(vals.get("partner_id")).exists()
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        if not partner:
            return self.env["account.move"]
        lines = self.env["debt.followup.case"].with_company(company)._debt_overdue_lines(partner)
        return lines.move_id.filtered(lambda m: m.move_type == "out_invoice")

    @api.constrains("move_ids", "currency_id")
    def _check_moves(self):
        for promise in self:
            if not promise.move_ids:
                raise ValidationError(
                    self.env._(
                        "%(partner)s has no overdue invoice for a promise to pay to cover.",
                        partner=promise.partner_id.display_name,
                    )
                )
            if promise.move_ids.currency_id != promise.currency_id:
                raise ValidationError(
                    self.env._(
                        "A promise to pay is in the currency of its invoices "
                        "(%(currencies)s): one promise per currency.",
                        currencies=", ".join(promise.move_ids.currency_id.mapped("name")),
                    )
                )

    @api.constrains("amount", "line_ids", "date")
    def _check_lines(self):
        for promise in self:
            if not promise.line_ids:
                raise ValidationError(
                    self.env._(
                        "A promise to pay needs at least one installment: an amount and a date."
                    )
                )
            if len(promise.line_ids) > MAX_INSTALLMENTS:
                raise ValidationError(
                    self.env._(
                        "An installment plan has at most %(count)s installments.",
                        count=MAX_INSTALLMENTS,
                    )
                )
            if any(line.date < promise.date for line in promise.line_ids):
                raise ValidationError(
                    self.env._("A promise to pay cannot fall due before the day it is made.")
                )
            total = sum(promise.line_ids.mapped("amount"))
            if promise.currency_id.compare_amounts(total, promise.amount):
                raise ValidationError(
                    self.env._(
                        "The installments add up to %(total)s, but the promise is for %(amount)s.",
                        total=promise.currency_id.format(total),
                        amount=promise.currency_id.format(promise.amount),
                    )
                )

    @api.constrains("amount", "move_ids")
    def _check_amount_owed(self):
        for promise in self.filtered("move_ids"):
            if promise.currency_id.compare_amounts(promise.amount, promise.residual_at_promise) > 0:
                raise ValidationError(
                    self.env._(
                        "The promise of %(amount)s is above what the invoices still owe "
                        "(%(owed)s).",
                        amount=promise.currency_id.format(promise.amount),
                        owed=promise.currency_id.format(promise.residual_at_promise),
                    )
                )

    def action_cancel(self):
        """A promise replaced by another one, or withdrawn: no longer watched."""
        if not self.env.user.has_group("debt_followup.group_debt_collector"):
            raise AccessError(self.env._("Only collectors can cancel a promise to pay."))
        self.check_access("write")
        self.filtered(lambda p: p.state == "open").sudo().state = "cancelled"

    def _debt_evaluate(self, today):
        """Split open promises into (kept, broken) by the rule of
        :func:`~..tools.promise.evaluate_promise`."""
        kept = broken = self.browse()
        for promise in self:
            plan = [(line.date, line.amount) for line in promise.line_ids]
            state = evaluate_promise(
                plan,
                promise.paid_amount,
                today,
                promise.company_id.debt_promise_grace_days,
                promise.currency_id.decimal_places,
            )
            if state == KEPT:
                kept |= promise
            elif state == BROKEN:
                broken |= promise
        return kept, broken

    def _debt_close(self, state, bodies):
        """Close these open promises as ``state``, with a note each on their case
        (``bodies``: ``{promise id: text}``) logged in one batch: the daily check
        may close thousands, and field tracking would log them one by one."""
        self.sudo().with_context(tracking_disable=True).state = state
        by_case = {}
        for promise in self:
            by_case.setdefault(promise.case_id.id, []).append(bodies[promise.id])
        self.case_id.sudo()._message_log_batch(
            bodies={case_id: Markup("<br/>").join(texts) for case_id, texts in by_case.items()}
        )

    def _debt_mark_kept(self):
        self._debt_close(
            "kept",
            {
                promise.id: self.env._(
                    "Promise to pay kept: %(amount)s paid.",
                    amount=promise.currency_id.format(promise.amount),
                )
                for promise in self
            },
        )

    def _debt_broken_note(self):
        """What a broken promise's note says, in the language of the environment."""
        self.ensure_one()
        return self.env._(
            "The promise of %(amount)s made on %(date)s was not kept (paid so far: %(paid)s).",
            amount=self.currency_id.format(self.amount),
            date=format_date(self.env, self.date),
            paid=self.currency_id.format(self.paid_amount),
        )

    def _debt_mark_broken(self):
        self._debt_close("broken", {promise.id: promise._debt_broken_note() for promise in self})
        # One to-do per promise for its collector, in the collector's language,
        # planned as the daily run plans its activities.
        todo = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        vals_list = []
        for promise in self:
            user = promise.user_id or promise.case_id._debt_collector()
            in_lang = promise.with_context(lang=user.lang or self.env.lang)
            vals_list.append(
                {
                    "activity_type_id": todo.id,
                    "res_id": promise.case_id.id,
                    "user_id": user.id,
                    "date_deadline": today,
                    "summary": in_lang.env._("Promise to pay broken"),
                    "note": Markup("<p>%s</p>") % in_lang._debt_broken_note(),
                }
            )
        self.env["debt.followup.case"]._debt_plan_activities(vals_list)
        self.case_id._debt_escalate_now()

    @api.model
    def _cron_debt_promise_check(self):
        """Daily: open promises paid in full become kept; those with an
        installment unpaid after the grace days become broken. Selects the open
        promises not yet checked today, works in batches ordered by id and
        stamps each one checked, committing the progress after each batch: a
        check that the scheduler stops after its slice and starts again goes on
        where it stopped."""
        today = fields.Date.context_today(self)
        domain = Domain("state", "=", "open") & (
            Domain("checked_date", "=", False) | Domain("checked_date", "<", today)
        )
        last_id = 0
        while promises := self.search(
            domain & Domain("id", ">", last_id), limit=PROMISE_CHECK_BATCH, order="id"
        ):
            last_id = promises[-1].id
            locked = promises.try_lock_for_update()
            for company in locked.company_id:
                in_company = locked.filtered(lambda p, c=company: p.company_id == c)
                in_company = in_company.with_company(company)
                kept, broken = in_company._debt_evaluate(fields.Date.context_today(in_company))
                if kept:
                    kept._debt_mark_kept()
                if broken:
                    broken._debt_mark_broken()
            locked.sudo().with_context(tracking_disable=True).write({"checked_date": today})
            remaining = self.search_count(domain & Domain("id", ">", last_id))
            if not self.env["ir.cron"]._commit_progress(len(promises), remaining=remaining):
                break
