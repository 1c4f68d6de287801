# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily run as one queue job per batch: the scheduler's run enqueues, the
jobs act, each customer once, whether a job is killed and retried, performed
again, or the run is started again while jobs are pending."""

from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors

from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tests import tagged

from odoo.addons.debt_followup.models.debt_followup_case import DebtFollowupCase
from odoo.addons.debt_followup.tests.common import DebtFollowupRunCommon
from odoo.addons.debt_followup_queue_job.models.debt_followup_case import ENQUEUE_PARAM
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.jobrunner.runner import Database
from odoo.addons.queue_job.tests.common import trap_jobs

CASE_MODULE = "odoo.addons.debt_followup.models.debt_followup_case"
TODAY = "2026-04-20"


class Killed(Exception):
    """The Odoo server running the job dies before the job's commit."""


@tagged("post_install", "-at_install")
class TestQueueJobBridge(DebtFollowupRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Long overdue, without e-mail: every step up to the call is due at once.
        cls.late = cls.env["res.partner"].create(
            [{"name": f"Ritardatario {i}", "is_company": True} for i in range(2)]
        )
        for customer in cls.late:
            cls._create_overdue_invoice(customer, 500, "2026-01-01", "2026-01-31")
        cls.everyone = cls.customers | cls.late
        # The job runners are on other servers: enqueue under the scheduler.
        cls.env["ir.config_parameter"].sudo().set_param(ENQUEUE_PARAM, "1")

    def setUp(self):
        super().setUp()
        self.startPatcher(freeze_time(TODAY))
        self.startPatcher(patch(f"{CASE_MODULE}.FOLLOWUP_BATCH_SIZE", 3))

    # helpers

    def _start_cron(self):
        """The daily run started by the scheduler."""
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def _jobs(self):
        return (
            self.env["queue.job"]
            .sudo()
            .search([("method_name", "=", "_debt_followup_job")], order="id")
        )

    def _enqueue(self, record):
        """What queue_job's runner does before it sends the job to a server."""
        self.env.cr.execute(
            "UPDATE queue_job SET state = 'enqueued',"
            " date_enqueued = date_trunc('seconds', now() AT TIME ZONE 'utc')"
            " WHERE uuid = %s",
            [record.uuid],
        )
        self.env.invalidate_all()

    def _start(self, record):
        """What queue_job's controller does before performing the job (it
        commits then): the job marked started, with its lock record."""
        self._enqueue(record)
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        return job

    def _perform(self, record):
        """A job runner performs the job: queue_job's controller, which marks
        it done in the transaction of its work (committed outside tests)."""
        job = self._start(record)
        RunJobController._runjob(self.env, job)
        self.env.invalidate_all()

    def _sends(self, partners):
        return self.env["debt.followup.send"].search([("case_id", "in", self._case(partners).ids)])

    def _activities(self, partners):
        return self.env["mail.activity"].search(
            [("res_model", "=", "debt.followup.case"), ("res_id", "in", self._case(partners).ids)]
        )

    def _assert_acted_upon_once(self):
        cases = self._case(self.everyone)
        self.assertEqual(cases.mapped("last_action_date"), [cases[0].last_action_date] * 7)
        self.assertEqual(str(cases[0].last_action_date), TODAY)
        self.assertEqual(self._case(self.customers).level_id, self.courtesy)
        sends = self._sends(self.customers)
        self.assertEqual(sorted(sends.case_id.partner_id.ids), sorted(self.customers.ids))
        self.assertEqual(len(sends), 5, "one courtesy e-mail a customer")
        activities = self._activities(self.late)
        self.assertEqual(sorted(activities.mapped("res_id")), sorted(self._case(self.late).ids))
        self.assertEqual(len(activities), 2, "one call planned a customer")

    # tests

    def test_run_enqueues_one_job_per_batch_on_its_channel(self):
        # The scheduler's run on a cursor of its own, as in ir.cron._process_job.
        with (
            trap_jobs() as trap,
            self.enter_registry_test_mode(),
            self.registry.cursor() as cr,
        ):
            env = self.cron.env(cr=cr, user=self.cron.user_id, context={"cron_id": self.cron.id})
            cron, _progress = self.cron.with_env(env)._add_progress()
            cron.env["debt.followup.case"]._cron_debt_followup()
            trap.assert_jobs_count(3)
            for call in trap.calls:
                company_id, partner_ids = call.args
                self.assertEqual(company_id, self.company.id)
                self.assertLessEqual(len(partner_ids), 3)
            queued = [pid for call in trap.calls for pid in call.args[1]]
            self.assertEqual(sorted(queued), sorted(self.everyone.ids))
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.debt_followup"})
            cases = env["debt.followup.case"].search([("partner_id", "in", self.everyone.ids)])
            self.assertFalse(cases.level_id, "nothing done inline")
            # The jobs performed (as queue_job's test helper does): every customer once.
            trap.perform_enqueued_jobs()
            env.flush_all()
        self.env.invalidate_all()
        self._assert_acted_upon_once()

    def test_jobs_performed_act_on_every_customer_once_and_start_the_sending(self):
        self._start_cron()
        jobs = self._jobs()
        self.assertEqual(len(jobs), 3)
        self.assertEqual(set(jobs.mapped("channel")), {"root.debt_followup"})
        self.assertEqual(set(jobs.mapped("state")), {"pending"})
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.cron.id)], order="id desc", limit=1
        )
        self.assertEqual(progress.remaining, 0, "the scheduler's job ends")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.send_cron.id)])
        for job in jobs:
            self._perform(job)
        self.assertEqual(set(jobs.mapped("state")), {"done"})
        self._assert_acted_upon_once()
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.send_cron.id)]),
            triggers,
            "the jobs started the sending job",
        )
        # The next start of the day finds nothing left.
        self._start_cron()
        self.assertEqual(len(self._jobs()), 3)

    def test_run_started_again_does_not_enqueue_the_same_customers(self):
        self._start_cron()
        jobs = self._jobs()
        self.assertEqual(len(jobs), 3)
        # Started again while the jobs wait: no job added.
        self._start_cron()
        self.assertEqual(self._jobs(), jobs)
        # One job running, one done, one waiting: still none.
        self._start(jobs[0])
        self._perform(jobs[1])
        self._start_cron()
        self.assertEqual(self._jobs(), jobs)
        # A new customer overdue meanwhile gets a job of its own.
        newcomer = self.env["res.partner"].create({"name": "Nuovo Cliente", "is_company": True})
        self._create_overdue_invoice(newcomer, 200, "2026-01-01", "2026-01-31")
        self._start_cron()
        added = self._jobs() - jobs
        self.assertEqual(len(added), 1)
        self.assertEqual(added.args, [self.company.id, newcomer.ids])

    def test_job_killed_before_its_commit_is_retried_and_acts_once(self):
        self._start_cron()
        jobs = self._jobs()
        first = jobs[0]
        job = self._start(first)
        with self.assertRaises(Killed), self.env.cr.savepoint():
            job.perform()
            self.env.flush_all()
            raise Killed
        self.env.invalidate_all()
        self.assertEqual(first.state, "started", "the job died started")
        # While the dead job is started, the run started again leaves its customers.
        self._start_cron()
        self.assertEqual(self._jobs(), jobs)
        # queue_job's runner finds the job dead (its lock is free) and requeues it.
        self.env.cr.execute(
            "UPDATE queue_job SET date_enqueued = date_enqueued - INTERVAL '1 minute'"
            " WHERE uuid = %s",
            [first.uuid],
        )
        self.env.cr.execute(Database._query_requeue_dead_jobs(None))
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], [first.uuid])
        self.env.invalidate_all()
        self.assertEqual(first.state, "pending")
        for record in jobs:
            self._perform(record)
        self.assertEqual(set(jobs.mapped("state")), {"done"})
        self._assert_acted_upon_once()

    def test_job_performed_again_does_nothing_twice(self):
        self._start_cron()
        jobs = self._jobs()
        for record in jobs:
            self._perform(record)
        sends, activities = self._sends(self.everyone), self._activities(self.everyone)
        messages = self.env["mail.message"].search_count([("model", "=", "debt.followup.case")])
        # Requeued by hand (or found dead after it committed): performed again,
        # it looks at nobody again.
        jobs.requeue()
        looked_at = []
        original = DebtFollowupCase._debt_followup_run

        def spy(cases, isolate=True):
            looked_at.extend(cases.partner_id.ids)
            return original(cases, isolate=isolate)

        with patch.object(DebtFollowupCase, "_debt_followup_run", spy):
            for record in jobs:
                self._perform(record)
        self.assertEqual(looked_at, [])
        self.assertEqual(set(jobs.mapped("state")), {"done"})
        self.assertEqual(self._sends(self.everyone), sends)
        self.assertEqual(self._activities(self.everyone), activities)
        self.assertEqual(
            self.env["mail.message"].search_count([("model", "=", "debt.followup.case")]),
            messages,
        )
        self._assert_acted_upon_once()

    def test_job_meeting_a_concurrent_update_is_retried_not_failed(self):
        """A case updated by another transaction since the job's snapshot: the
        inline run commits to take a new snapshot, which a job must not do; the
        job lets PostgreSQL's error through, which queue_job retries later."""
        self._start_cron()
        first = self._jobs()[0]
        original = DebtFollowupCase._debt_for_partners
        concurrent = []

        def updated_meanwhile(cases, partners):
            if not concurrent:
                concurrent.append(partners.ids)
                # The error PostgreSQL raises under repeatable read.
                cases.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due to"
                    " concurrent update' USING ERRCODE = 'serialization_failure'; END $$"
                )
            return original(cases, partners)

        job = self._start(first)
        with (
            patch.object(DebtFollowupCase, "_debt_for_partners", updated_meanwhile),
            self.assertRaises(errors.SerializationFailure) as caught,
        ):
            RunJobController._try_perform_job(self.env, job)
        self.assertTrue(concurrent)
        self.assertIn(caught.exception.pgcode, PG_CONCURRENCY_ERRORS_TO_RETRY, "retried")
        self.env.invalidate_all()
        self.assertFalse(self._case(self.everyone).filtered("last_action_date"), "nothing kept")
        # Performed again later: it acts, once.
        self.env["queue.job"].sudo().search([("uuid", "=", first.uuid)]).state = "pending"
        for record in self._jobs():
            self._perform(record)
        self._assert_acted_upon_once()

    def test_called_directly_or_without_job_runner_the_run_works_inline(self):
        # A direct call (a script, a button): the work is done at once.
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            self.env(cr=cr, user=self.cron.user_id)["res.partner"]._cron_debt_followup()
        self.env.invalidate_all()
        self.assertFalse(self._jobs())
        self._assert_acted_upon_once()

    def test_without_job_runner_the_scheduler_runs_inline(self):
        # "auto": this test server does not load queue_job server-wide, so no
        # job runner would perform the jobs: the scheduler's run works inline.
        self.env["ir.config_parameter"].sudo().set_param(ENQUEUE_PARAM, "auto")
        self._start_cron()
        self.assertFalse(self._jobs())
        self._assert_acted_upon_once()
