# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The debtor's page of a collection case (DESIGN.md §4): a link with an expiring
token opens one page per case where the debtor sees the open invoices, pays them,
proposes a payment date or an installment plan, disputes an invoice or asks to be
called back. Everything the debtor does goes through the narrow ``_debt_portal_*``
methods below, as superuser on that one case; nothing else is reachable."""

import re
import secrets
from datetime import datetime, time, timedelta

from babel.dates import format_date as babel_date
from babel.dates import format_time
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL, consteq

from ..tools import calling_window
from ..tools.formatting import babel_locale, format_amount, format_date
from ..tools.portal import (
    COUNT,
    FIRST_SMALL,
    LATE,
    MAX_SUBMISSIONS_PER_HOUR,
    PAST,
    REFUSE,
    TOO_FAR,
    TOO_MANY,
    Limits,
    judge_proposal,
    proposal_plan,
)

PORTAL_ROUTE = "/debt"
# What a token looks like (``secrets.token_urlsafe(32)``): anything else is not
# even looked up.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# Call-back moments offered: these local hours of the next days, inside the
# calling window, at least an hour from now.
CALLBACK_DAYS = 7
CALLBACK_HOURS = (9, 11, 14, 16, 18)
CALLBACK_MAX_SLOTS = 10
# Longest dispute reason kept.
REASON_MAX_LENGTH = 500


class DebtFollowupCase(models.Model):
    _inherit = "debt.followup.case"

    # Nobody reads them through the ORM but the server: the link is built by
    # ``_debt_portal_url`` and checked by ``_debt_portal_case``.
    portal_token = fields.Char(copy=False, groups="base.group_system", index="btree_not_null")
    portal_token_expiry = fields.Datetime(copy=False, groups="base.group_system")
    # The debtor's last proposal outside the limits, waiting for the collector.
    portal_proposal = fields.Json(copy=False, groups="debt_followup.group_debt_collector")
    portal_proposal_pending = fields.Boolean(
        string="Proposal to Review", compute="_compute_portal_proposal_pending"
    )

    @api.depends("portal_proposal")
    def _compute_portal_proposal_pending(self):
        for case in self:
            case.portal_proposal_pending = bool(case.sudo().portal_proposal)

    def action_accept_portal_proposal(self):
        """The collector accepts the debtor's proposal outside the limits: the
        promise to pay is made, in the collector's name."""
        self.ensure_one()
        self._debt_check_collector()
        proposal = self.sudo().portal_proposal
        if not proposal:
            raise UserError(self.env._("No proposal from the customer is waiting."))
        moves = self._debt_portal_open_moves().filtered(
            lambda move: move.id in proposal["move_ids"] and not move.no_followup
        )
        plan = [(fields.Date.to_date(due), amount) for due, amount in proposal["plan"]]
        if len(moves) != len(proposal["move_ids"]) or min(plan)[0] < fields.Date.context_today(
            self
        ):
            raise UserError(
                self.env._(
                    "The proposal no longer fits: an invoice was paid or disputed since, or "
                    "a payment date has passed. Refuse it and agree a new one with the customer."
                )
            )
        currency = self.env["res.currency"].browse(proposal["currency_id"])
        self._debt_portal_promise(moves, currency, plan, self.env.user)
        self._debt_portal_close_proposal(
            proposal, self.env._("Proposal accepted: the promise to pay is recorded.")
        )
        return True

    def action_refuse_portal_proposal(self):
        """The collector refuses the debtor's proposal outside the limits."""
        self.ensure_one()
        self._debt_check_collector()
        proposal = self.sudo().portal_proposal
        if not proposal:
            raise UserError(self.env._("No proposal from the customer is waiting."))
        self._debt_portal_close_proposal(proposal, self.env._("Proposal refused."))
        return True

    def _debt_portal_close_proposal(self, proposal, feedback):
        self.sudo().portal_proposal = False
        activity = self.env["mail.activity"].sudo().browse(proposal.get("activity_id")).exists()
        if activity:
            activity.action_feedback(feedback=feedback)
        else:
            self.sudo().message_post(body=feedback, subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------
    # The link
    # ------------------------------------------------------------------

    def _debt_portal_url(self):
        """Absolute URL of this case's page for the debtor, with its expiring
        token. The token is random (no id in the link: nothing to enumerate) and
        lives ``company.debt_portal_link_days``; once half of that has passed, a
        new one is made and the old link opens nothing, so that every reminder
        carries a link that stays valid for a while."""
        self.ensure_one()
        return self._debt_portal_urls()[self.id]

    def _debt_portal_urls(self):
        """``{case id: URL of its page}``, in the order of the cases; the tokens
        that are missing or half-way to their expiry are renewed in one statement
        (the sending job asks for the links of a whole batch)."""
        cases = self.sudo()
        cases.fetch(["portal_token", "portal_token_expiry", "company_id"])
        now = fields.Datetime.now()

        def lifetime(case):
            return timedelta(days=case.company_id.debt_portal_link_days)

        stale = cases.filtered(
            lambda case: (
                not case.portal_token
                or not case.portal_token_expiry
                or case.portal_token_expiry < now + lifetime(case) / 2
            )
        )
        if stale:
            self.env.execute_query(
                SQL(
                    """
                    UPDATE debt_followup_case case_
                       SET portal_token = new.token, portal_token_expiry = new.expiry
                      FROM unnest(%s::int[], %s::varchar[], %s::timestamp[])
                           AS new(id, token, expiry)
                     WHERE case_.id = new.id
                    """,
                    stale.ids,
                    [secrets.token_urlsafe(32) for _case in stale],
                    [now + lifetime(case) for case in stale],
                )
            )
            stale.invalidate_recordset(["portal_token", "portal_token_expiry"])
        base = cases[:1].get_base_url()
        return {case.id: f"{base}{PORTAL_ROUTE}/{case.portal_token}" for case in cases}

    def action_open_debtor_page(self):
        """The debtor's page of this case as the debtor sees it: a collector
        checks what the link shows, or copies it into a message."""
        self.ensure_one()
        self._debt_check_collector()
        return {"type": "ir.actions.act_url", "url": self._debt_portal_url(), "target": "new"}

    @api.model
    def _debt_portal_case(self, token):
        """``(case, valid)``: the case whose page ``token`` opens, as superuser in
        its company and in the debtor's language, and whether the link still
        opens it (not expired). An unknown or rotated token gives no case."""
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return self.browse(), False
        case = self.sudo().search([("portal_token", "=", token)], limit=1)
        if not case or not consteq(case.portal_token, token):
            return self.browse(), False
        case = case.with_company(case.company_id).with_context(
            lang=case.partner_id.lang or self.env.lang
        )
        return case, case.portal_token_expiry > fields.Datetime.now()

    # ------------------------------------------------------------------
    # What the page shows
    # ------------------------------------------------------------------

    def _debt_portal_open_moves(self):
        """The customer's open invoices in the case's company, oldest due first."""
        self.ensure_one()
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("partner_id", "=", self.partner_id.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("move_id.move_type", "in", ("out_invoice", "out_receipt")),
                ],
                order="date_maturity, id",
            )
        )
        return lines.move_id

    def _debt_portal_lang(self):
        return self.partner_id.lang or self.env.lang or "en_US"

    def _debt_portal_creditor(self):
        """Who the debtor owes (CDC art. 42-A: name, address and tax number)."""
        company = self.company_id
        return {
            "name": company.name,
            "address": "\n".join(
                line.strip()
                for line in company.partner_id._display_address(without_company=True).splitlines()
                if line.strip()
            ),
            "vat_label": "CNPJ/CPF" if company.country_id.code == "BR" else self.env._("Tax ID"),
            "vat": company.vat or "",
            "email": company.email or "",
            "phone": self.env["debt.followup.level"]._debt_creditor_phone(company, self.partner_id),
        }

    def _debt_portal_limits(self):
        company = self.company_id
        return Limits(
            company.debt_portal_max_days,
            company.debt_portal_max_installments,
            company.debt_portal_min_first_percent,
        )

    def _debt_portal_values(self):
        """Everything the page shows, in the debtor's language (QWeb escapes it)."""
        self.ensure_one()
        lang = self._debt_portal_lang()
        today = fields.Date.context_today(self)
        moves = self._debt_portal_open_moves()
        promised = (
            self.env["debt.followup.promise"]
            .sudo()
            .search([("state", "=", "open"), ("move_ids", "in", moves.ids)])
        )
        rows = []
        totals = {}
        for move in moves:
            lines = move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled
            )
            due = min(lines.mapped("date_maturity"), default=move.invoice_date_due)
            move._portal_ensure_token()
            totals[move.currency_id] = totals.get(move.currency_id, 0.0) + move.amount_residual
            rows.append(
                {
                    "id": move.id,
                    "name": move.name,
                    "due_date": format_date(due, lang),
                    "overdue": bool(due and due < today),
                    "amount": format_amount(move.amount_residual, move.currency_id.name, lang),
                    "disputed": move.no_followup,
                    "promised": move in promised.move_ids,
                    # the invoice's portal page, its payment form open (account_payment)
                    "pay_url": move.get_portal_url(
                        anchor="portal_pay", query_string="&payment=True"
                    ),
                }
            )
        limits = self._debt_portal_limits()
        return {
            "case": self,
            "token": self.sudo().portal_token,
            "lang": lang,
            "debtor": self.partner_id.name,
            "creditor": self._debt_portal_creditor(),
            "rows": rows,
            "total": " + ".join(
                format_amount(amount, currency.name, lang) for currency, amount in totals.items()
            ),
            "limits": self.env._(
                "Proposals with the last payment by %(date)s, in at most %(count)s monthly "
                "installments and a first installment of at least %(percent)s%% are accepted "
                "at once; others are passed to the person in charge of your account.",
                date=format_date(today + timedelta(days=limits.max_days), lang),
                count=limits.max_installments,
                percent=f"{limits.min_first_percent:g}",
            ),
            "today": fields.Date.to_string(today),
            "max_date": fields.Date.to_string(today + timedelta(days=365)),
            "slots": self._debt_portal_callback_slots(),
        }

    def _debt_portal_zone(self):
        partner = self.partner_id
        return self.env["debt.followup.calling.window"]._rules_for(partner)[partner.id][1]

    def _debt_portal_when(self, moment, tz=None):
        """A naive UTC moment as the debtor reads it: its own time, its language."""
        tz = tz or self._debt_portal_zone()
        local = calling_window.to_local(moment, tz)
        locale = babel_locale(self._debt_portal_lang())
        # "martedì 3 marzo 2026, 11:00", "terça-feira, 3 de março de 2026, 11:00"
        day = babel_date(local, "full", locale=locale)
        return f"{day}, {format_time(local, 'short', locale=locale)}"

    def _debt_portal_callback_slots(self):
        """``[(UTC moment as text, the debtor's local time)]``: the moments of
        the coming days at which the debtor may ask to be called, inside its
        calling window, its holidays and the call caps (one query for the calls)."""
        self.ensure_one()
        partner = self.partner_id
        windows = self.env["debt.followup.calling.window"]
        window, tz, holidays = windows._rules_for(partner)[partner.id]
        now = fields.Datetime.now()
        caps = windows._caps(self.company_id)
        past = windows._past_calls(partner, windows._calls_since(now, caps))
        calls = [
            calling_window.PastCall(date, conversation)
            for _id, date, conversation in past.get(partner.id, [])
        ]
        first_day = calling_window.to_local(now, tz).date()
        slots = []
        for offset in range(CALLBACK_DAYS):
            for hour in CALLBACK_HOURS:
                local = datetime.combine(first_day + timedelta(days=offset), time(hour))
                moment = calling_window.to_utc(local.replace(tzinfo=tz))
                if moment < now + timedelta(hours=1):
                    continue
                slot = calling_window.next_call_slot(
                    window, tz, moment, holidays=holidays, calls=calls, caps=caps
                )
                if slot == moment:
                    slots.append(
                        (fields.Datetime.to_string(moment), self._debt_portal_when(moment, tz))
                    )
                if len(slots) >= CALLBACK_MAX_SLOTS:
                    return slots
        return slots

    # ------------------------------------------------------------------
    # What the debtor does: checked, then written as superuser on this case
    # ------------------------------------------------------------------

    def _debt_portal_submit(self, action, form):
        """Run the debtor's ``action`` (``propose``, ``dispute``, ``callback``)
        with the values of its form; return what the debtor is told. Bad input
        raises ``UserError`` in the debtor's language before anything is written."""
        self.ensure_one()
        handlers = {
            "propose": self._debt_portal_propose,
            "dispute": self._debt_portal_dispute,
            "callback": self._debt_portal_callback,
        }
        if action not in handlers:
            raise UserError(self.env._("This request is not known."))
        self._debt_portal_check_rate()
        return handlers[action](form)

    def _debt_portal_check_rate(self):
        """A few requests per case and hour; more are refused."""
        count = self._debt_count_messages(
            self.env.ref("debt_followup.mt_debt_portal"),
            fields.Datetime.now() - timedelta(hours=1),
        )
        if count >= MAX_SUBMISSIONS_PER_HOUR:
            raise UserError(
                self.env._(
                    "We have received several requests from you in the last hour. "
                    "Please try again later, or call us on %(phone)s.",
                    phone=self._debt_portal_creditor()["phone"],
                )
            )

    def _debt_portal_log(self, body):
        """The debtor's request on the case (what the rate limit counts)."""
        self.sudo().message_post(body=body, subtype_xmlid="debt_followup.mt_debt_portal")

    def _debt_portal_moves(self, move_ids):
        """The case's open invoices with these ids (as typed by the debtor); any
        other id is refused."""
        try:
            ids = {int(move_id) for move_id in move_ids}
        except (TypeError, ValueError):
            ids = {0}
        moves = self._debt_portal_open_moves().filtered(lambda move: move.id in ids)
        if not ids or len(moves) != len(ids):
            raise UserError(self.env._("Choose among the open invoices shown on this page."))
        return moves

    def _debt_portal_date(self, value):
        try:
            return fields.Date.to_date(value)
        except (TypeError, ValueError):
            return None

    def _debt_portal_propose(self, form):
        """A payment date (one installment) or a plan: inside the company's limits
        the promise is made at once, as if a collector had logged it; outside them
        the collector gets an activity to accept or refuse it."""
        moves = self._debt_portal_moves(form.get("move_ids") or []).filtered(
            lambda move: not move.no_followup
        )
        if not moves:
            raise UserError(self.env._("Disputed invoices cannot be part of a promise to pay."))
        currency = moves.currency_id
        if len(currency) != 1:
            raise UserError(
                self.env._("Choose invoices of one currency for each payment proposal.")
            )
        first_date = self._debt_portal_date(form.get("first_date"))
        try:
            count = int(form.get("installments") or 1)
            first_amount = (
                float(form["first_amount"]) if form.get("first_amount") not in (None, "") else None
            )
        except (TypeError, ValueError):
            count, first_amount = 0, None
        total = sum(moves.mapped("amount_residual"))
        digits = currency.decimal_places
        plan = proposal_plan(total, first_date, count, first_amount, digits) if first_date else []
        today = fields.Date.context_today(self)
        verdict, reasons = judge_proposal(plan, total, today, self._debt_portal_limits(), digits)
        if verdict == REFUSE:
            raise UserError(self._debt_portal_refusal(reasons[0], total, currency))
        lang = self._debt_portal_lang()
        described = self._debt_portal_describe(plan, currency, lang)
        invoices = ", ".join(moves.mapped("name"))
        if reasons:
            self._debt_portal_review(plan, currency, moves, reasons)
            return self.env._(
                "Thank you. Your proposal (%(plan)s) is beyond what we can accept at once: "
                "it has been passed to the person in charge of your account, who will "
                "reply to you shortly.",
                plan=described,
            )
        self._debt_portal_promise(moves, currency, plan, self._debt_collector())
        note = self.env._(
            "Promise to pay made by the customer on its page for %(invoices)s: %(plan)s.",
            invoices=invoices,
            plan=described,
        )
        self._debt_portal_log(note)
        moves.sudo()._message_log_batch(bodies=dict.fromkeys(moves.ids, note))
        return self.env._(
            "Thank you. Your promise to pay is recorded: %(plan)s. We will not send "
            "reminders about these invoices while it is kept.",
            plan=described,
        )

    def _debt_portal_promise(self, moves, currency, plan, user):
        """The promise to pay of a proposal, for ``user``; it replaces the open
        promises on the same invoices (as a collector's new promise does)."""
        promises = self.env["debt.followup.promise"].sudo()
        promises.search([("state", "=", "open"), ("move_ids", "in", moves.ids)]).write(
            {"state": "cancelled"}
        )
        return promises.with_company(self.company_id).create(
            {
                "partner_id": self.partner_id.id,
                "case_id": self.id,
                "move_ids": [Command.set(moves.ids)],
                "user_id": user.id,
                "amount": sum(amount for _due, amount in plan),
                "currency_id": currency.id,
                "company_id": self.company_id.id,
                "line_ids": [
                    Command.create({"date": due, "amount": amount}) for due, amount in plan
                ],
            }
        )

    def _debt_portal_describe(self, plan, currency, lang):
        """``1.000,00 € on 10 December 2026`` or the installments, in ``lang``."""
        return "; ".join(
            self.env._(
                "%(amount)s on %(date)s",
                amount=format_amount(amount, currency.name, lang),
                date=format_date(due, lang),
            )
            for due, amount in plan
        )

    def _debt_portal_refusal(self, reason, total, currency):
        """Why a proposal is refused, in the debtor's words."""
        messages = {
            PAST: self.env._("A payment date cannot be in the past."),
            TOO_FAR: self.env._(
                "Payment dates more than a year away cannot be proposed here: "
                "please call us on %(phone)s.",
                phone=self._debt_portal_creditor()["phone"],
            ),
            TOO_MANY: self.env._(
                "Choose a payment date and between 1 and 12 installments: for a longer plan, "
                "please call us on %(phone)s.",
                phone=self._debt_portal_creditor()["phone"],
            ),
        }
        return messages.get(
            reason,
            self.env._(
                "Each installment must be above zero and together they must make "
                "%(total)s: check the amount of the first installment.",
                total=format_amount(total, currency.name, self._debt_portal_lang()),
            ),
        )

    def _debt_portal_review(self, plan, currency, moves, reasons):
        """A proposal outside the limits: an activity for the collector."""
        collector = self._debt_collector()
        in_lang = self.with_context(lang=collector.lang or self.env.lang)
        why = {
            LATE: in_lang.env._("the last payment is after the latest date accepted at once"),
            COUNT: in_lang.env._("more installments than accepted at once"),
            FIRST_SMALL: in_lang.env._("a first installment below the share accepted at once"),
        }
        described = in_lang._debt_portal_describe(plan, currency, collector.lang or "en_US")
        note = Markup("<p>%s</p><p>%s</p>") % (
            in_lang.env._(
                "Proposal from the customer on its page for %(invoices)s: %(plan)s.",
                invoices=", ".join(moves.mapped("name")),
                plan=described,
            ),
            in_lang.env._(
                "Outside the limits: %(reasons)s. Accept or refuse it with the buttons "
                "of the case, and tell the customer.",
                reasons="; ".join(why[reason] for reason in reasons),
            ),
        )
        activity = self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=in_lang.env._("Payment proposal to accept or refuse"),
            note=note,
            user_id=collector.id,
        )
        # What "Accept Proposal" makes a promise of (the latest proposal wins).
        self.sudo().portal_proposal = {
            "move_ids": moves.ids,
            "currency_id": currency.id,
            "plan": [[fields.Date.to_string(due), amount] for due, amount in plan],
            "activity_id": activity.id,
        }
        self._debt_portal_log(note)

    def _debt_portal_dispute(self, form):
        """The debtor disputes an invoice: left out of follow-up with the reason,
        as the dispute wizard does, and the manager gets an activity."""
        move = self._debt_portal_moves([form.get("move_id")])
        reason = (form.get("reason") or "").strip()
        if not reason:
            raise UserError(self.env._("Tell us why you dispute this invoice."))
        if len(reason) > REASON_MAX_LENGTH:
            raise UserError(
                self.env._(
                    "Please describe the reason in at most %(count)s characters.",
                    count=REASON_MAX_LENGTH,
                )
            )
        if move.no_followup:
            raise UserError(
                self.env._("Invoice %(invoice)s is already set aside.", invoice=move.name)
            )
        move.sudo().write({"no_followup": True, "debt_dispute_reason": reason})
        note = self.env._(
            "Invoice %(invoice)s disputed by the customer on its page: %(reason)s",
            invoice=move.name,
            reason=reason,
        )
        move.sudo()._message_log_batch(bodies={move.id: note})
        manager = (
            self.env["debt.followup.call.wizard"]
            .new({"company_id": self.company_id.id})
            ._debt_responsible("debt_followup.group_debt_manager")
        )
        in_lang = self.with_context(lang=manager.lang or self.env.lang)
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=in_lang.env._("Disputed invoices: %(reason)s", reason=reason),
            note=in_lang.env._("Disputed: %(invoices)s", invoices=move.name),
            user_id=manager.id,
        )
        self._debt_portal_log(note)
        return self.env._(
            "Thank you. Invoice %(invoice)s is set aside while we look into your dispute; "
            "we will get back to you.",
            invoice=move.name,
        )

    def _debt_portal_callback(self, form):
        """The debtor asks to be called at a moment inside its calling window:
        the collection call is planned for the collector on that day."""
        try:
            moment = fields.Datetime.to_datetime(form.get("moment"))
        except (TypeError, ValueError):
            moment = None
        now = fields.Datetime.now()
        if (
            not moment
            or moment < now
            or moment > now + timedelta(days=CALLBACK_DAYS + 1)
            or self.partner_id._debt_next_call_slot(moment) != moment
        ):
            raise UserError(self.env._("Choose one of the moments offered for a call back."))
        when = self._debt_portal_when(moment)
        collector = self._debt_collector()
        in_lang = self.with_context(lang=collector.lang or self.env.lang)
        summary = in_lang.env._(
            "Call back at %(when)s (asked by the customer on its page)",
            when=in_lang._debt_portal_when(moment),
        )
        self.sudo().activity_schedule(
            "debt_followup.mail_activity_type_debt_call",
            date_deadline=calling_window.to_local(moment, self._debt_portal_zone()).date(),
            summary=summary,
            user_id=collector.id,
        )
        self._debt_portal_log(summary)
        return self.env._("Thank you. We will call you on %(when)s.", when=when)
