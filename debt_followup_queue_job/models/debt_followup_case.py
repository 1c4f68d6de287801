# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import config, split_every

from odoo.addons.debt_followup.models import debt_followup_case as case_module
from odoo.addons.queue_job.job import identity_exact

# "auto" (the default): the daily run enqueues its batches when this server
# loads queue_job server-wide (``--load=web,queue_job``), as a job runner needs;
# "1": always (the job runners are on other servers); "0": never (inline).
ENQUEUE_PARAM = "debt_followup_queue_job.enqueue"
# Context key of the batch job: locks that meet a concurrent update fail the
# job, which queue_job retries, instead of committing inside it.
JOB_CONTEXT_KEY = "debt_followup_queue_job"
# A job in these states still holds its customers: the daily run started again
# does not enqueue them a second time.
ACTIVE_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


class DebtFollowupCase(models.Model):
    _inherit = "debt.followup.case"

    @api.model
    def _cron_debt_followup(self):
        """Under the scheduler, with a job runner to perform them: one queue job
        per batch of customers on the channel ``root.debt_followup``, instead of
        the batches run inline. Customers of a job not performed yet are not
        enqueued again, and an identical job is not created twice. Called
        directly (a button, a script, a test), the run works inline as without
        this module."""
        if not self._debt_followup_enqueues():
            return super()._cron_debt_followup()
        queued = self._debt_followup_queued()
        todo = defaultdict(list)
        for company, ids in self._debt_followup_todo():
            todo[company].extend(pid for pid in ids if pid not in queued[company.id])
        jobs = 0
        for company, ids in todo.items():
            for batch in split_every(case_module.FOLLOWUP_BATCH_SIZE, ids, list):
                self.with_delay(identity_key=identity_exact)._debt_followup_job(company.id, batch)
                jobs += 1
        # Reminders queued by earlier batches that are still waiting for the sending.
        self._debt_followup_trigger_send()
        self.env["ir.cron"]._commit_progress(jobs, remaining=0)
        return jobs

    @api.model
    def _debt_followup_enqueues(self):
        """Whether this run of the scheduler enqueues its batches."""
        if not self.env.context.get("cron_id"):
            return False
        value = self.env["ir.config_parameter"].sudo().get_param(ENQUEUE_PARAM, "auto")
        if value == "auto":
            return "queue_job" in config["server_wide_modules"]
        return value.strip().lower() in ("1", "true", "yes")

    @api.model
    def _debt_followup_queued(self):
        """Customers held by a batch job not done yet: ``{company id: {partner
        ids}}``."""
        queued = defaultdict(set)
        jobs = (
            self.env["queue.job"]
            .sudo()
            .search(
                Domain("model_name", "=", self._name)
                & Domain("method_name", "=", "_debt_followup_job")
                & Domain("state", "in", ACTIVE_JOB_STATES)
            )
        )
        for job in jobs:
            company_id, partner_ids = job.args
            queued[company_id].update(partner_ids)
        return queued

    @api.model
    def _debt_followup_job(self, company_id, partner_ids):
        """Debt follow-up: a batch of the daily run"""
        in_company = self.with_company(company_id).with_context(**{JOB_CONTEXT_KEY: True})
        todo = in_company._debt_followup_not_done_today(partner_ids)
        if todo:
            in_company._debt_followup_batch(todo)
        self._debt_followup_trigger_send()
        return len(todo)

    @api.model
    def _debt_followup_not_done_today(self, partner_ids):
        """These customers, less those whose case the daily run acted upon or
        looked at today in the current company: a batch performed again (a job
        requeued by hand, or found dead after it committed) does nothing twice."""
        today = fields.Date.context_today(self)
        done = set(
            self.sudo()
            .search(
                Domain("company_id", "=", self.env.company.id)
                & Domain("partner_id", "in", partner_ids)
                & (Domain("last_action_date", "=", today) | Domain("checked_date", "=", today))
            )
            .partner_id.ids
        )
        return [pid for pid in partner_ids if pid not in done]

    @api.model
    def _debt_followup_lock(self, partners):
        """In a batch job, no commit to take a new snapshot: a case updated by
        another transaction since the job's snapshot fails the job with
        PostgreSQL's serialization error, which queue_job retries a few
        seconds later (nothing of the job is kept meanwhile)."""
        if not self.env.context.get(JOB_CONTEXT_KEY):
            return super()._debt_followup_lock(partners)
        cases = self._debt_for_partners(partners).try_lock_for_update(allow_referencing=True)
        cases.invalidate_recordset()
        return cases
