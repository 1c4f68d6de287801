# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import format_date

from ..tools.promise import BROKEN, KEPT, evaluate_promise

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
# Open promises evaluated per transaction by the daily check.
PROMISE_CHECK_BATCH = 500


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
        default=lambda self: self.env.company.currency_id,
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
        help="What the covered invoices still owed when the promise was made.",
    )
    paid_amount = fields.Monetary(compute="_compute_paid_amount")
    state = fields.Selection(
        PROMISE_STATES, required=True, default="open", tracking=True, index=True
    )
    kept_rate = fields.Float(
        string="Kept (%)",
        compute="_compute_kept_rate",
        store=True,
        aggregator="avg",
        help="100 for a kept promise, 0 for a broken one: its average is the kept rate.",
    )
    note = fields.Text(groups="debt_followup.group_debt_collector")

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "A promise to pay needs an amount above zero."
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

    @api.depends("move_ids.amount_residual_signed", "residual_at_promise", "amount")
    def _compute_paid_amount(self):
        # Reading the invoices of the whole recordset first lets the ORM fetch
        # the relation and the residuals in one query each, whatever the size.
        self.move_ids.mapped("amount_residual_signed")
        for promise in self:
            residual_now = sum(promise.move_ids.mapped("amount_residual_signed"))
            paid = promise.residual_at_promise - residual_now
            promise.paid_amount = min(max(paid, 0.0), promise.amount)

    @api.depends("state")
    def _compute_kept_rate(self):
        for promise in self:
            promise.kept_rate = 100.0 if promise.state == "kept" else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "residual_at_promise" not in vals:
                moves = self.new({"move_ids": vals.get("move_ids", [])}).move_ids._origin
                vals["residual_at_promise"] = sum(moves.mapped("amount_residual_signed"))
        return super().create(self.env["debt.followup.case"]._debt_fill_case(vals_list))

    @api.constrains("amount", "line_ids", "date")
    def _check_lines(self):
        for promise in self.filtered("line_ids"):
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
        self.filtered(lambda p: p.state == "open").state = "cancelled"

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
        self.with_context(tracking_disable=True).state = state
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
        # What activity_schedule does for one record, for the whole batch in one
        # create (followers subscribed once per batch, not once per promise); the
        # activity in the language of the user who gets it.
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("debt.followup.case")
        today = fields.Date.context_today(self)
        vals_list = []
        for promise in self:
            user = promise.user_id or promise.case_id._debt_collector()
            in_lang = promise.with_context(lang=user.lang or self.env.lang)
            vals_list.append(
                {
                    "activity_type_id": todo.id,
                    "res_model_id": model_id,
                    "res_id": promise.case_id.id,
                    "automated": True,
                    "date_deadline": today,
                    "summary": in_lang.env._("Promise to pay broken"),
                    "note": in_lang._debt_broken_note(),
                    "user_id": user.id,
                }
            )
        self.env["mail.activity"].sudo().create(vals_list)
        self.case_id._debt_escalate_now()

    @api.model
    def _cron_debt_promise_check(self):
        """Daily: open promises paid in full become kept; those with an
        installment unpaid after the grace days become broken. Works in
        batches ordered by id, committing the progress after each one."""
        domain = Domain("state", "=", "open")
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
            remaining = self.search_count(domain & Domain("id", ">", last_id))
            if not self.env["ir.cron"]._commit_progress(len(promises), remaining=remaining):
                break
