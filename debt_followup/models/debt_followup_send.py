# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from psycopg2 import errors

from odoo import api, fields, models
from odoo.tools import split_every

_logger = logging.getLogger(__name__)

# Reminders rendered and sent per transaction by the sending job.
SEND_BATCH_SIZE = 100
# What each channel sends, one method each (on a batch of one company and step).
SEND_ACTIONS = {
    "email": "_debt_send_email",
    "pec": "_debt_send_pec",
    "letter": "_debt_send_letter",
    "sms": "_debt_send_sms",
}


class DebtFollowupSend(models.Model):
    """A written reminder the daily run decided to send: the daily run moves
    cases, stamps invoices and plans activities; the sending job renders and
    sends these in batches (e-mails and SMS into Odoo's queues, letters as PDF
    on the case), so that no case or customer stays locked while they render."""

    _name = "debt.followup.send"
    _description = "Follow-up Reminder to Send"
    _order = "id"

    case_id = fields.Many2one(
        "debt.followup.case", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="case_id.partner_id")
    level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    channel = fields.Selection(
        [("email", "E-mail"), ("pec", "PEC"), ("letter", "Letter"), ("sms", "SMS")],
        required=True,
        readonly=True,
    )
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True)
    contact_id = fields.Many2one("res.partner", string="Recipient", readonly=True)
    email_to = fields.Char(string="Certified Address", readonly=True)
    lang = fields.Char(
        string="Language of the Notes", readonly=True, help="The collector's language."
    )
    state = fields.Selection(
        [("pending", "To Send"), ("done", "Sent"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )

    @api.model
    def _cron_debt_followup_send(self):
        """Render and send the reminders the daily run queued, in batches.

        Each start selects only what is still to send (what was sent is
        ``done``), so that a job the scheduler stops after its slice and starts
        again does the same work as one uninterrupted call. Batches another
        worker holds are skipped."""
        ids = self.search([("state", "=", "pending")]).ids
        remaining = len(ids)
        self.env["ir.cron"]._commit_progress(remaining=remaining)
        sender = self.with_context(mail_notify_force_send=False)
        for batch_ids in split_every(SEND_BATCH_SIZE, ids):
            batch = sender._debt_lock(batch_ids)
            batch._debt_send()
            remaining -= len(batch_ids)
            if not self.env["ir.cron"]._commit_progress(len(batch_ids), remaining=remaining):
                break

    @api.model
    def _debt_lock(self, ids):
        """The reminders of ``ids`` still to send that this worker could lock
        (a lock that does not block rows referencing them)."""
        try:
            with self.env.cr.savepoint():
                rows = self.browse(ids).try_lock_for_update(allow_referencing=True)
                rows.invalidate_recordset(["state"])
                return rows.filtered(lambda row: row.state == "pending")
        except errors.SerializationFailure:
            # another worker sent them after this transaction's snapshot
            return self.browse()

    def _debt_send(self):
        """Send these reminders, grouped by company, step, channel and language of
        the notes; a group that fails is retried one reminder at a time, and a
        reminder that fails again is marked failed and logged."""
        self.fetch(["case_id", "company_id", "level_id", "channel", "lang", "state"])
        groups = defaultdict(list)
        for row in self:
            groups[row.company_id, row.level_id, row.channel, row.lang].append(row.id)
        for (company, step, channel, lang), ids in groups.items():
            context = {"lang": lang} if lang else {}
            rows = self.browse(ids).with_company(company).with_context(**context)
            level = step.with_env(rows.env)
            try:
                with self.env.cr.savepoint():
                    rows._debt_send_group(level, channel)
                continue
            except Exception:
                _logger.warning(
                    "Sending %s reminders of %s failed; retrying one at a time",
                    channel,
                    level.display_name,
                    exc_info=True,
                )
            for row in rows:
                try:
                    with self.env.cr.savepoint():
                        row._debt_send_group(level, channel)
                except Exception:
                    _logger.exception("Sending follow-up reminder %s failed", row.id)
                    row.state = "failed"

    def _debt_send_group(self, level, channel):
        partners = self.case_id.partner_id
        with level._debt_render_batch(partners):
            getattr(self, SEND_ACTIONS[channel])(level)
        self.state = "done"

    def _debt_moves(self):
        return self.move_ids.with_env(self.env)

    def _debt_send_email(self, level):
        self.case_id._debt_send_templates(
            level,
            {row.case_id.id: row._debt_moves() for row in self},
            contacts={row.case_id.id: row.contact_id for row in self},
        )

    def _debt_send_pec(self, level):
        self.case_id._debt_send_templates(
            level,
            {row.case_id.id: row._debt_moves() for row in self},
            emails={row.case_id.id: row.email_to for row in self},
        )

    def _debt_send_letter(self, level):
        for row in self:
            row.case_id._debt_post_letter(level, row._debt_moves())

    def _debt_send_sms(self, level):
        self.case_id._debt_send_sms(level, self.move_ids.with_env(self.env))
