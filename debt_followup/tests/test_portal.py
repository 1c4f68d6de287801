# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The debtor's page (issue 19): the link and its token, what the debtor may do
from the page, and every bad input refused with nothing written."""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DebtFollowupCommon

CASE = "debt.followup.case"


class DebtorPageCommon(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.phone = "+39 051 123 4567"
        cls.customer_pt = cls.env["res.partner"].create(
            {
                "name": "Construções Almeida, Lda.",
                "is_company": True,
                "country_id": cls.env.ref("base.pt").id,
                "lang": "pt_PT",
                "phone": "+351 21 123 4567",
            }
        )

    @classmethod
    def _invoices(cls, today):
        cls.invoice_a = cls._create_overdue_invoice(
            cls.customer_it, 1830.00, today - timedelta(days=70), today - timedelta(days=40)
        )
        cls.invoice_b = cls._create_overdue_invoice(
            cls.customer_it, 642.50, today - timedelta(days=37), today - timedelta(days=7)
        )
        cls.invoice_c = cls._create_overdue_invoice(
            cls.customer_it, 410.00, today - timedelta(days=20), today + timedelta(days=10)
        )
        cls.invoice_pt = cls._create_overdue_invoice(
            cls.customer_pt, 990.00, today - timedelta(days=50), today - timedelta(days=20)
        )
        cls.case = cls._case(cls.customer_it)
        cls.case.collector_id = cls.collector
        cls.case_pt = cls._case(cls.customer_pt)

    def _open(self, url):
        """The case of a link, as the public route finds it (public user)."""
        token = url.rsplit("/", 1)[1]
        public = self.env.ref("base.public_user")
        return self.env[CASE].with_user(public)._debt_portal_case(token)

    def _activities(self, case=None):
        case = case or self.case
        return self.env["mail.activity"].search(
            [("res_model", "=", CASE), ("res_id", "=", case.id)]
        )

    def _portal_messages(self, case=None):
        case = case or self.case
        subtype = self.env.ref("debt_followup.mt_debt_portal")
        return case.message_ids.filtered(lambda m: m.subtype_id == subtype)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 09:00:00")  # a Tuesday, 10:00 in Rome
class TestDebtorPage(DebtorPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoices(fields.Date.to_date("2026-03-03"))

    def _page(self, case=None):
        case, valid = self._open((case or self.case)._debt_portal_url())
        self.assertTrue(valid)
        return case

    def _propose(self, first_date="2026-03-10", installments="2", moves=None, **form):
        moves = moves if moves is not None else self.invoice_a | self.invoice_b
        return self._page()._debt_portal_submit(
            "propose",
            {
                "move_ids": [str(move_id) for move_id in moves.ids],
                "first_date": first_date,
                "installments": installments,
                **form,
            },
        )

    # The link ----------------------------------------------------------

    def test_url_is_absolute_with_an_expiring_random_token(self):
        url = self.case._debt_portal_url()
        base = self.case.get_base_url()
        self.assertRegex(url, rf"^{re.escape(base)}/debt/[A-Za-z0-9_-]{{43}}$")
        self.assertNotIn(f"/{self.case.id}", url.removeprefix(base))
        self.assertEqual(self.case._debt_portal_url(), url, "the same link until it rotates")
        self.assertNotEqual(self.case_pt._debt_portal_url(), url)
        self.assertEqual(
            self.case.sudo().portal_token_expiry, fields.Datetime.now() + timedelta(days=30)
        )
        case, valid = self._open(url)
        self.assertEqual((case, valid), (self.case, True))
        self.assertEqual(case.env.lang, "it_IT", "the page speaks the debtor's language")

    def test_collectors_open_the_page_from_the_case(self):
        action = self.case.with_user(self.collector).action_open_debtor_page()
        self.assertEqual(action["url"], self.case._debt_portal_url())
        with self.assertRaises(AccessError):
            self.case.with_user(self.salesperson).action_open_debtor_page()

    def test_token_rotates_after_half_its_life(self):
        old = self.case._debt_portal_url()
        with freeze_time("2026-03-19 09:00:00"):
            new = self.case._debt_portal_url()
            self.assertNotEqual(new, old)
            self.assertEqual(self._open(old), (self.env[CASE], False), "the old link is dead")
            self.assertEqual(self._open(new)[1], True)

    def test_expired_token_opens_nothing(self):
        url = self.case._debt_portal_url()
        with freeze_time("2026-04-02 09:00:01"):
            case, valid = self._open(url)
            self.assertFalse(valid)
            # known, for the creditor's phone on the "link expired" page only
            self.assertEqual(case, self.case)

    def test_wrong_tokens_open_nothing(self):
        self.case._debt_portal_url()
        for token in ("", "../1", "a" * 43, "x" * 200, None, str(self.case.id)):
            self.assertEqual(
                self.env[CASE]._debt_portal_case(token), (self.env[CASE], False), token
            )

    def test_another_cases_token_reaches_only_its_case(self):
        page_pt, valid = self._open(self.case_pt._debt_portal_url())
        self.assertTrue(valid)
        values = page_pt._debt_portal_values()
        self.assertEqual([row["id"] for row in values["rows"]], self.invoice_pt.ids)
        for action, form in (
            ("dispute", {"move_id": str(self.invoice_a.id), "reason": "not ours"}),
            (
                "propose",
                {"move_ids": [str(self.invoice_a.id)], "first_date": "2026-03-10"},
            ),
        ):
            with self.assertRaises(UserError):
                page_pt._debt_portal_submit(action, form)
        self.assertFalse(self.invoice_a.no_followup)
        self.assertFalse(self.env["debt.followup.promise"].search([]))
        self.assertFalse(self._activities(self.case_pt) | self._activities())

    # What the page shows -------------------------------------------------

    def test_values_in_the_debtors_language_and_currency(self):
        values = self._page()._debt_portal_values()
        self.assertEqual(
            [row["name"] for row in values["rows"]],
            (self.invoice_a | self.invoice_b | self.invoice_c).mapped("name"),
        )
        self.assertEqual(values["rows"][0]["amount"], "1.830,00\xa0USD")
        self.assertEqual(values["rows"][0]["due_date"], "22 gennaio 2026")
        self.assertTrue(values["rows"][0]["overdue"])
        self.assertFalse(values["rows"][2]["overdue"])
        self.assertIn("access_token=", values["rows"][0]["pay_url"])
        self.assertEqual(values["creditor"]["phone"], "+39 051 123 4567")
        self.assertEqual(values["creditor"]["name"], self.company.name)

    def test_the_page_reads_as_many_queries_for_many_invoices(self):
        def queries():
            page = self._page()
            page._debt_portal_values()  # the invoices' access tokens, once
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            page._debt_portal_values()
            return self.env.cr.sql_log_count - before

        three = queries()
        for day in range(10):
            self._create_overdue_invoice(self.customer_it, 100 + day, "2026-01-01", "2026-02-01")
        self.assertEqual(queries(), three)
        self.assertTrue(0 < three <= 30, three)

    def test_callback_slots_inside_the_calling_window(self):
        slots = self._page()._debt_portal_values()["slots"]
        # 11:00 in Rome today is the first offered moment: at least an hour ahead.
        self.assertEqual(slots[0], ("2026-03-03 10:00:00", "martedì 3 marzo 2026, 11:00"))
        self.assertEqual(len(slots), 10)

    # Proposals ------------------------------------------------------------

    def test_plan_inside_the_limits_is_a_promise_at_once(self):
        text = self._propose()
        promise = self.env["debt.followup.promise"].search(
            [("partner_id", "=", self.customer_it.id)]
        )
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.move_ids, self.invoice_a | self.invoice_b)
        self.assertAlmostEqual(promise.amount, 2472.50)
        self.assertEqual(promise.user_id, self.collector)
        self.assertEqual(promise.case_id, self.case)
        self.assertEqual(
            [(line.date, line.amount) for line in promise.line_ids],
            [
                (fields.Date.to_date("2026-03-10"), 1236.25),
                (fields.Date.to_date("2026-04-10"), 1236.25),
            ],
        )
        self.assertEqual(self.case.state, "promised")
        self.assertEqual(len(self._portal_messages()), 1)
        self.assertIn("1.236,25\xa0USD", text)
        self.assertIn("10 marzo 2026", text)

    def test_payment_date_inside_the_limits(self):
        self._propose(installments="1", moves=self.invoice_b)
        promise = self.env["debt.followup.promise"].search([])
        self.assertEqual(promise.move_ids, self.invoice_b)
        self.assertEqual(len(promise.line_ids), 1)

    def test_proposal_outside_the_limits_goes_to_the_collector(self):
        self.company.debt_portal_max_installments = 2
        text = self._propose(installments="3", first_amount="100")
        self.assertFalse(self.env["debt.followup.promise"].search([]))
        activity = self._activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.summary, "Payment proposal to accept or refuse")
        self.assertIn("more installments than accepted at once", activity.note)
        self.assertIn("first installment below the share", activity.note)
        self.assertNotIn("registrata", text)

    def test_collector_accepts_or_refuses_a_proposal_outside_the_limits(self):
        self.company.debt_portal_max_installments = 2
        self._propose(installments="3")
        case = self.case.with_user(self.collector)
        self.assertTrue(case.portal_proposal_pending)
        with self.assertRaises(AccessError):
            self.case.with_user(self.salesperson).action_accept_portal_proposal()
        case.action_accept_portal_proposal()
        promise = self.env["debt.followup.promise"].search([])
        self.assertEqual(promise.user_id, self.collector)
        self.assertEqual(len(promise.line_ids), 3)
        self.assertAlmostEqual(promise.amount, 2472.50)
        self.assertFalse(case.portal_proposal_pending)
        self.assertFalse(self._activities(), "the activity is done")
        with self.assertRaises(UserError):
            case.action_accept_portal_proposal()
        # A new proposal, refused: nothing else changes.
        self._propose(installments="3", first_date="2026-03-12")
        case.action_refuse_portal_proposal()
        self.assertEqual(self.env["debt.followup.promise"].search([]), promise)
        self.assertFalse(case.portal_proposal_pending)
        self.assertFalse(self._activities())

    def test_bad_proposals_are_refused_and_nothing_is_written(self):
        messages = self.case.message_ids
        bad = {
            "a date in the past": {"first_date": "2026-03-02"},
            "a date over a year away": {"first_date": "2027-03-04"},
            "no date": {"first_date": ""},
            "not a date": {"first_date": "tomorrow"},
            "too many installments": {"installments": "13"},
            "no installment": {"installments": "0"},
            "not a number": {"installments": "two"},
            "a first installment above the amount": {"first_amount": "5000"},
            "a first installment below zero": {"first_amount": "-1"},
            "another customer's invoice": {"moves": self.invoice_pt},
            "no invoice": {"moves": self.invoice_a.browse()},
        }
        for what, form in bad.items():
            with self.subTest(what), self.assertRaises(UserError):
                self._propose(**form)
        with self.assertRaisesRegex(UserError, "nel passato"):
            self._propose(first_date="2026-03-02")
        self.assertFalse(self.env["debt.followup.promise"].search([]))
        self.assertFalse(self._activities())
        self.assertEqual(self.case.message_ids, messages)

    def test_a_few_requests_per_hour(self):
        self.company.debt_portal_max_installments = 1
        for _attempt in range(5):
            self._propose()
        with self.assertRaisesRegex(UserError, "ultima ora"):
            self._propose()
        self.assertEqual(len(self._activities()), 5)
        with freeze_time("2026-03-03 10:00:01"):
            self._propose()
        self.assertEqual(len(self._activities()), 6)

    # Disputes and call-backs -----------------------------------------------

    def test_dispute_leaves_the_invoice_out_and_tells_the_manager(self):
        reason = "Merce arrivata <b>danneggiata</b>"
        self._page()._debt_portal_submit(
            "dispute", {"move_id": str(self.invoice_c.id), "reason": f"  {reason} "}
        )
        self.assertTrue(self.invoice_c.no_followup)
        self.assertEqual(self.invoice_c.debt_dispute_reason, reason)
        activity = self._activities()
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("debt_followup.group_debt_manager"))
        self.assertIn(reason, activity.summary)
        # what the debtor typed is escaped in the notes, on the case and the invoice
        self.assertIn("&lt;b&gt;danneggiata&lt;/b&gt;", str(self._portal_messages().body))
        self.assertIn("&lt;b&gt;danneggiata&lt;/b&gt;", str(self.invoice_c.message_ids[0].body))

    def test_bad_disputes_are_refused(self):
        for form in (
            {"move_id": str(self.invoice_c.id), "reason": "   "},
            {"move_id": str(self.invoice_c.id), "reason": "x" * 501},
            {"move_id": str(self.invoice_pt.id), "reason": "not mine"},
            {"move_id": "abc", "reason": "not mine"},
        ):
            with self.subTest(form=form), self.assertRaises(UserError):
                self._page()._debt_portal_submit("dispute", form)
        self._page()._debt_portal_submit(
            "dispute", {"move_id": str(self.invoice_c.id), "reason": "a"}
        )
        with self.assertRaises(UserError):
            self._page()._debt_portal_submit(
                "dispute", {"move_id": str(self.invoice_c.id), "reason": "b"}
            )
        self.assertEqual(self.invoice_c.debt_dispute_reason, "a")
        self.assertFalse(self.invoice_pt.no_followup)

    def test_callback_plans_the_call(self):
        text = self._page()._debt_portal_submit("callback", {"moment": "2026-03-04 15:00:00"})
        activity = self._activities()
        self.assertEqual(
            activity.activity_type_id, self.env.ref("debt_followup.mail_activity_type_debt_call")
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.date_deadline, fields.Date.to_date("2026-03-04"))
        self.assertIn("16:00", text)

    def test_callback_outside_the_window_is_refused(self):
        for moment in (
            "2026-03-03 21:00:00",  # 22:00 in Rome
            "2026-03-08 10:00:00",  # a Sunday
            "2026-03-03 08:00:00",  # in the past
            "2026-03-20 10:00:00",  # beyond the days offered
            "soon",
        ):
            with self.subTest(moment), self.assertRaises(UserError):
                self._page()._debt_portal_submit("callback", {"moment": moment})
        self.assertFalse(self._activities())

    def test_unknown_action_is_refused(self):
        with self.assertRaises(UserError):
            self._page()._debt_portal_submit("unlink", {})


@tagged("post_install", "-at_install")
class TestDebtorPageHttp(DebtorPageCommon, HttpCase):
    def setUp(self):
        super().setUp()
        today = fields.Date.today()
        self._invoices(today)
        self.invoice_d = self._create_overdue_invoice(
            self.customer_it, 275.00, today - timedelta(days=45), today - timedelta(days=15)
        )
        self.url = self.case._debt_portal_url()
        self.path = self.url.removeprefix(self.case.get_base_url())

    def test_page_for_anonymous_visitors(self):
        response = self.url_open(self.path)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        page = response.text
        self.assertIn(self.invoice_a.name, page)
        self.assertIn("1.830,00", page)
        self.assertIn("+39 051 123 4567", page)
        self.assertNotIn(self.invoice_pt.name, page)
        self.assertNotIn("/web/login", page)

    def test_expired_and_wrong_links_show_only_the_phone(self):
        self.case.sudo().portal_token_expiry = fields.Datetime.now() - timedelta(seconds=1)
        for path in (self.path, "/debt/" + "a" * 43, "/debt/" + self.path[-43:-1] + "x"):
            response = self.url_open(path)
            self.assertEqual(response.status_code, 404)
            self.assertNotIn(self.invoice_a.name, response.text)
            self.assertNotIn("1.830,00", response.text)
            self.assertNotIn(self.customer_it.name, response.text)
        self.assertIn("+39 051 123 4567", self.url_open(self.path).text)

    def test_a_form_sent_with_an_expired_link_writes_nothing(self):
        page = self.url_open(self.path).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.case.sudo().portal_token_expiry = fields.Datetime.now() - timedelta(seconds=1)
        response = self.url_open(
            f"{self.path}/dispute",
            data={"csrf_token": csrf, "move_id": self.invoice_a.id, "reason": "late"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.invoice_a.no_followup)

    def test_the_form_reports_bad_input_in_the_debtors_language(self):
        page = self.url_open(self.path).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            f"{self.path}/propose",
            data={
                "csrf_token": csrf,
                "move_ids": [self.invoice_a.id],
                "first_date": "2000-01-01",
                "installments": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_debt_portal_error", response.text)
        self.assertIn("nel passato", response.text)
        self.assertFalse(self.env["debt.followup.promise"].search([]))

    def test_what_a_debtor_typed_is_escaped(self):
        self.customer_it.name = "<script>alert('x')</script> Bianchi"
        page = self.url_open(self.path).text
        self.assertNotIn("<script>alert", page)
        self.assertIn("&lt;script&gt;alert", page)

    def _demo_provider(self):
        """Odoo's demo payment provider, in test mode for the company."""
        providers = self.env["payment.provider"].sudo()
        provider = providers.search(
            [("code", "=", "demo"), ("company_id", "=", self.company.id)], limit=1
        ) or self.env.ref("payment.payment_provider_demo").sudo().copy(
            {"company_id": self.company.id}
        )
        provider.write({"state": "test", "is_published": True})
        return provider

    def test_debtor_tour(self):
        self._demo_provider()
        self.start_tour(self.path, "debt_followup_debtor")
        self.env.invalidate_all()
        # The payment: a transaction of the demo provider, reconciled with the
        # invoice as any portal payment is (post-processing, else its cron).
        transaction = self.env["payment.transaction"].search(
            [("invoice_ids", "in", self.invoice_d.ids)]
        )
        self.assertEqual(transaction.state, "done")
        if not transaction.is_post_processed:
            transaction._post_process()
        self.assertTrue(self.invoice_d.currency_id.is_zero(self.invoice_d.amount_residual))
        self.assertIn(self.invoice_d.payment_state, ("paid", "in_payment"))
        promise = self.env["debt.followup.promise"].search(
            [("partner_id", "=", self.customer_it.id)]
        )
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.move_ids, self.invoice_a | self.invoice_b)
        self.assertEqual(len(promise.line_ids), 2)
        self.assertEqual(promise.line_ids[0].date, fields.Date.today() + timedelta(days=7))
        self.assertEqual(promise.user_id, self.collector)
        self.assertTrue(self.invoice_c.no_followup)
        self.assertEqual(self.invoice_c.debt_dispute_reason, "Goods arrived damaged <b>twice</b>")
        self.assertFalse(self.invoice_a.no_followup)
        self.assertEqual(self.case.state, "promised", "follow-up paused by the promise")
        # The collector reads both on the case; the manager reviews the dispute.
        self.assertEqual(len(self._portal_messages()), 2)
        dispute = self._activities()
        self.assertEqual(len(dispute), 1)
        self.assertTrue(dispute.user_id.has_group("debt_followup.group_debt_manager"))
        self.assertEqual(promise.mapped("line_ids.amount"), [1236.25, 1236.25])
        self.assertFalse(self.env["debt.followup.promise"].search([("id", "!=", promise.id)]))
        self.assertEqual(promise.move_ids.mapped("debt_promise_id"), promise)
