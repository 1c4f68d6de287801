# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SMS steps through Odoo's SMS stack and WhatsApp click-to-chat. The SMS
gateway (IAP) is the only thing replaced, by Odoo's own ``MockSMS``."""

from datetime import datetime
from urllib.parse import unquote

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestMessaging(DebtFollowupCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.name = "Acme"
        cls.company.partner_id.tz = "Europe/Rome"
        brl = cls.setup_other_currency("BRL", rates=[("2000-01-01", 1.0)])
        eur = cls.setup_other_currency("EUR", rates=[("2000-01-01", 1.0)])
        # A ladder with one automatic SMS step, 5 days after the due date.
        cls.levels.active = False
        cls.sms_level = cls.env["debt.followup.level"].create(
            {
                "name": "Reminder SMS",
                "sequence": 10,
                "delay": 5,
                "channel": "sms",
                "auto_execute": True,
                "sms_template_id": cls.env.ref("debt_followup.sms_template_debt_reminder").id,
                "sms_show_amount": True,
                "company_id": cls.company.id,
            }
        )
        Partner = cls.env["res.partner"]
        cls.customer_br = Partner.create(
            {
                "name": "Padaria Estrela Ltda",
                "is_company": True,
                "country_id": cls.env.ref("base.br").id,
                "state_id": cls.env.ref("base.state_br_sp").id,
                "lang": "pt_BR",
                "phone": "+55 11 91234-5678",
            }
        )
        cls.customer_it_mobile = Partner.create(
            {
                "name": "Trattoria Rossi",
                "is_company": True,
                "country_id": cls.env.ref("base.it").id,
                "lang": "it_IT",
                "phone": "+39 347 123 4567",
            }
        )
        cls.invoice_br = cls._create_overdue_invoice(
            cls.customer_br, 1234.56, "2026-10-01", "2026-10-31", post=False
        )
        cls.invoice_br.currency_id = brl
        cls.invoice_br.action_post()
        cls.invoice_it = cls._create_overdue_invoice(
            cls.customer_it_mobile, 980.5, "2026-10-01", "2026-10-31", post=False
        )
        cls.invoice_it.currency_id = eur
        cls.invoice_it.action_post()

    def _customer_with_phone(self, name, phone, **values):
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "country_id": self.env.ref("base.it").id,
                "lang": "it_IT",
                "phone": phone,
                **values,
            }
        )
        self._create_overdue_invoice(partner, 100.0, "2026-10-01", "2026-10-31")
        return partner

    def _run(self, *partners):
        """The daily run over these customers (one batch of ``_cron_debt_followup``),
        then a batch of the sending job: the SMS it queued."""
        self._case(self.env["res.partner"].concat(*partners))._debt_followup_run()
        self.env["debt.followup.send"].search([("state", "=", "pending")])._debt_send()

    def _sms_messages(self, partner):
        return self._case(partner).message_ids.filtered(lambda m: m.message_type == "sms")

    # ------------------------------------------------------------------
    # SMS step
    # ------------------------------------------------------------------

    @freeze_time("2026-11-10 14:00:00")  # Tuesday: 11:00 in São Paulo, 15:00 in Rome
    def test_sms_step_in_partner_language_with_locale_amount(self):
        with self.mockSMSGateway():
            self._run(self.customer_br, self.customer_it_mobile)

        expected_br = (
            "Acme: fatura vencida em 31/10/2026 (R$ 1.234,56). "
            # the debtor's page of the case (issue 19), with its expiring token
            f"Pague em {self._case(self.customer_br)._debt_portal_url()} "
            "ou nos ligue."
        )
        self.assertSMSOutgoing(self.customer_br, "+5511912345678", content=expected_br)
        self.assertSMSOutgoing(
            self.customer_it_mobile,
            "+393471234567",
            content="Acme: pagamento scaduto il 31/10/26 (980,50 €). Per pagare online: http",
        )
        # the text on the customer's case (as an SMS), one short line on its invoice
        self.assertEqual(self._sms_messages(self.customer_br).body.count("R$ 1.234,56"), 1)
        # the SMS carries the link to the debtor's page; its copy on the case not the token
        self.assertIn("/debt/", self._new_sms.filtered(lambda s: "5511" in s.number).body)
        self.assertNotIn("/debt/", self._sms_messages(self.customer_br).body)
        self.assertIn("[link to the debtor's page]", self._sms_messages(self.customer_br).body)
        invoice_log = self.invoice_br.message_ids.filtered(lambda m: "SMS reminder" in m.body)
        self.assertIn("+5511912345678", invoice_log.body)
        self.assertNotIn("R$", invoice_log.body)
        self.assertFalse(self.customer_br.message_ids.filtered(lambda m: m.message_type == "sms"))
        self.assertEqual(self.customer_br.debt_followup_level_id, self.sms_level)

        # the queue goes out through the gateway; a second run the same day sends nothing
        queued = self._new_sms
        with self.mockSMSGateway():
            queued.send()
            self._run(self.customer_br, self.customer_it_mobile)
        self.assertSMSIapSent(["+5511912345678"], content="R$ 1.234,56")
        self.assertEqual(len(self._sms), 2)
        self.assertFalse(self._new_sms, "no second SMS the same day")

    @freeze_time("2026-11-10 14:00:00")
    def test_amount_only_when_the_level_allows_it(self):
        self.sms_level.sms_show_amount = False
        texts = self.env["debt.followup.level"]._debt_render_messages(
            self.customer_br, self.sms_level
        )
        self.assertTrue(texts[self.customer_br.id].startswith("Acme: fatura vencida em"))
        self.assertIn("em 31/10/2026. Pague em http", texts[self.customer_br.id])
        self.assertNotIn("1.234,56", texts[self.customer_br.id])
        self.sms_level.sms_show_amount = True
        texts = self.env["debt.followup.level"]._debt_render_messages(
            self.customer_br, self.sms_level
        )
        self.assertIn("em 31/10/2026 (R$ 1.234,56). Pague em http", texts[self.customer_br.id])

    @freeze_time("2026-11-10 14:00:00")
    def test_blacklisted_invalid_and_stop_contact_get_no_sms_and_run_goes_on(self):
        blacklisted = self._customer_with_phone("Bar Blacklist", "+39 347 765 4321")
        self.env["phone.blacklist"].sudo().add("+393477654321")
        invalid = self._customer_with_phone("Ditta Numero Errato", "+39 12")
        no_phone = self._customer_with_phone("Ditta Senza Telefono", False)
        stopped = self._customer_with_phone("Ditta Stop", "+39 347 000 1111", debt_no_contact=True)
        with self.mockSMSGateway():
            self._run(
                self.customer_br, blacklisted, invalid, no_phone, stopped, self.customer_it_mobile
            )

        # the two customers with good mobile numbers got theirs, nobody else
        self.assertEqual(
            sorted(self._new_sms.mapped("number")), ["+393471234567", "+5511912345678"]
        )
        for partner, reason in (
            (blacklisted, "The number +393477654321 is on the SMS blacklist"),
            (invalid, "The phone number +39 12 is not valid"),
            (no_phone, "No phone number for SMS or WhatsApp."),
            (stopped, "Stop contact requested"),
        ):
            self.assertIn(reason, partner.debt_sms_blocked_reason)
            self.assertFalse(self._sms_messages(partner))
            note = self._case(partner).message_ids[0]
            self.assertIn("SMS of step “Reminder SMS” not sent", note.body)
            self.assertIn(reason, note.body)
            self.assertFalse(partner.debt_whatsapp_available)

    def test_sms_due_at_22_local_time_is_held_until_the_next_window(self):
        # Tuesday 10 November 2026, 22:00 in Rome (UTC+1): the Italian window is
        # 08:30-21:00, so the SMS waits for Wednesday 08:30 Rome = 07:30 UTC.
        late = datetime(2026, 11, 10, 21, 0)
        with self.mock_datetime_and_now(late), self.mockSMSGateway():
            self._run(self.customer_it_mobile)
            self.assertFalse(self._new_sms, "nothing queued outside the calling window")
            message = self._sms_messages(self.customer_it_mobile)
            self.assertEqual(len(message), 1)
            schedule = (
                self.env["mail.message.schedule"]
                .sudo()
                .search([("mail_message_id", "=", message.id)])
            )
            self.assertEqual(schedule.scheduled_datetime, datetime(2026, 11, 11, 7, 30))
            self.assertIn("SMS held until", self._case(self.customer_it_mobile).message_ids[0].body)
            # still 22:00: Odoo's scheduled-messages cron sends nothing yet
            self.env["mail.message.schedule"].sudo()._send_notifications_cron()
            self.assertFalse(self._new_sms)
            # a second run the same evening plans nothing more
            self._run(self.customer_it_mobile)
            self.assertEqual(len(self._sms_messages(self.customer_it_mobile)), 1)

        with self.mock_datetime_and_now(datetime(2026, 11, 11, 7, 30)), self.mockSMSGateway():
            self.env["mail.message.schedule"].sudo()._send_notifications_cron()
        self.assertSMSOutgoing(
            self.customer_it_mobile, "+393471234567", content="Acme: pagamento scaduto il 31/10/26"
        )
        self.assertFalse(schedule.exists())

    @freeze_time("2026-11-10 14:00:00")
    def test_manual_sms_step_asks_a_human_then_sends(self):
        self.sms_level.auto_execute = False
        with self.mockSMSGateway():
            self._run(self.customer_br)
        self.assertFalse(self._new_sms)
        activity = self._case(self.customer_br).activity_ids
        self.assertEqual(len(activity), 1)
        with self.mockSMSGateway():
            self.customer_br.with_user(self.collector).action_debt_send_sms()
        self.assertSMSOutgoing(self.customer_br, "+5511912345678", content="R$ 1.234,56")
        self.assertFalse(activity.exists() and activity.active)
        # Sent once: the button does not send it again and again.
        with self.mockSMSGateway(), self.assertRaises(UserError) as error:
            self.customer_br.with_user(self.collector).action_debt_send_sms()
        self.assertIn("already sent", str(error.exception))
        self.assertFalse(self._new_sms)

    # ------------------------------------------------------------------
    # WhatsApp click-to-chat
    # ------------------------------------------------------------------

    @freeze_time("2026-11-10 14:00:00")
    def test_whatsapp_link_italian_and_brazilian_mobiles_absent_for_landline(self):
        self.customer_br.debt_followup_level_id = self.sms_level
        self.customer_it_mobile.debt_followup_level_id = self.sms_level
        cases = (
            (
                self.customer_it_mobile,
                "https://wa.me/393471234567?text=",
                "Acme: pagamento scaduto il 31/10/26 (980,50 €). Per pagare online: http",
                "Acme%3A%20pagamento%20scaduto%20il%2031%2F10%2F26%20%28980%2C50%20%E2%82%AC%29."
                "%20Per%20pagare%20online%3A%20http",
            ),
            (
                self.customer_br,
                "https://wa.me/5511912345678?text=",
                "Acme: fatura vencida em 31/10/2026 (R$ 1.234,56). Pague em http",
                "Acme%3A%20fatura%20vencida%20em%2031%2F10%2F2026%20%28R%24%201.234%2C56%29."
                "%20Pague%20em%20http",
            ),
        )
        for partner, prefix, text, encoded in cases:
            self.assertTrue(partner.debt_whatsapp_available)
            action = partner.with_user(self.collector).action_debt_whatsapp()
            url = action["url"]
            self.assertTrue(url.startswith(prefix + encoded), url)
            query = url.removeprefix(prefix)
            self.assertFalse({" ", "&", "?", "#", "/", ":", "\n"} & set(query), query)
            self.assertTrue(unquote(query).startswith(text))
            self.assertIn(partner.get_base_url(), unquote(query))
            log = self._case(partner).message_ids[0]
            self.assertEqual(log.subtype_id, self.env.ref("debt_followup.mt_debt_whatsapp"))
            self.assertIn("WhatsApp chat opened by", log.body)
            self.assertIn(self.collector.name, log.body)
            self.assertFalse(partner.debt_call_ids, "no call outcome invented")

        landline = self.customer_it  # +39 06 1234 5678
        self.assertTrue(landline.phone_sanitized)
        self.assertFalse(landline.debt_whatsapp_available)
        messages = self._case(landline).message_ids
        with self.assertRaises(UserError) as error:
            landline.with_user(self.collector).action_debt_whatsapp()
        self.assertIn("is not a mobile number", str(error.exception))
        self.assertEqual(self._case(landline).message_ids, messages)

        self.customer_br.debt_no_contact = True
        self.assertFalse(self.customer_br.debt_whatsapp_available)

    @freeze_time("2026-11-10 14:00:00")
    def test_whatsapp_link_of_the_call_wizard_logs_and_redirects(self):
        self.customer_br.debt_followup_level_id = self.sms_level
        wizard = (
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(active_model="res.partner", active_id=self.customer_br.id)
            .new({})
        )
        link = wizard.whatsapp_link
        case = self._case(self.customer_br)
        self.assertTrue(link.startswith(f"/debt_followup/whatsapp/{case.id}?token="))
        self.authenticate(self.collector.login, self.collector.login)
        forged = self.url_open(
            f"/debt_followup/whatsapp/{case.id}?token=forged", allow_redirects=False
        )
        self.assertEqual(forged.status_code, 404)
        self.assertFalse(
            self._case(self.customer_br).message_ids.filtered(
                lambda m: m.subtype_id == self.env.ref("debt_followup.mt_debt_whatsapp")
            )
        )
        response = self.url_open(link, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].startswith(
                "https://wa.me/5511912345678?text=Acme%3A%20fatura%20vencida%20em%20"
            )
        )
        self.assertIn("WhatsApp chat opened by", self._case(self.customer_br).message_ids[0].body)
        self.assertNotIn("/debt/", self._case(self.customer_br).message_ids[0].body)
        # a replay the same day opens the chat but is not another contact
        logs = len(self._case(self.customer_br).message_ids)
        self.assertEqual(self.url_open(link, allow_redirects=False).status_code, 303)
        self.assertEqual(len(self._case(self.customer_br).message_ids), logs)
        # the link is the day's: tomorrow it opens nothing and logs nothing
        with freeze_time("2026-11-11 09:00:00"):
            self.assertEqual(self.url_open(link, allow_redirects=False).status_code, 404)
        self.assertEqual(len(self._case(self.customer_br).message_ids), logs)
        # another user's link does not open the chat
        self.assertNotEqual(case.with_user(self.manager).whatsapp_link, link)
        self.customer_it.debt_followup_level_id = self.sms_level
        self.assertFalse(self._case(self.customer_it).with_user(self.collector).whatsapp_link)

    @freeze_time("2026-11-10 14:00:00")
    def test_whatsapp_from_the_worklist(self):
        self.customer_br.debt_followup_level_id = self.sms_level
        self._case(self.customer_br)._debt_schedule(
            self.sms_level,
            self.env.ref("debt_followup.mail_activity_type_debt_written"),
            "Send the reminder",
            self.invoice_br,
        )
        rows = self.env["debt.followup.worklist"].with_user(self.collector).search([])
        row = rows.filtered(lambda r: r.partner_id == self.customer_br)
        self.assertTrue(row.whatsapp_available)
        url = row.action_debt_whatsapp()["url"]
        self.assertTrue(url.startswith("https://wa.me/5511912345678?text=Acme%3A%20fatura"))
        self.assertIn("WhatsApp chat opened by", self._case(self.customer_br).message_ids[0].body)

    @freeze_time("2026-11-10 14:00:00")
    def test_courtesy_text_before_the_due_date_in_european_portuguese(self):
        customer_pt = self.env["res.partner"].create(
            {
                "name": "Tasca do Porto Lda",
                "is_company": True,
                "country_id": self.env.ref("base.pt").id,
                "lang": "pt_PT",
                "phone": "+351 912 345 678",
            }
        )
        self._create_overdue_invoice(customer_pt, 250.0, "2026-10-13", "2026-11-12")
        courtesy = self.levels.filtered(lambda level: level.delay < 0)
        self.assertEqual(
            courtesy.sms_template_id, self.env.ref("debt_followup.sms_template_debt_courtesy")
        )
        text = self.env["debt.followup.level"]._debt_render_messages(customer_pt, courtesy)[
            customer_pt.id
        ]
        self.assertEqual(
            text,
            "Acme: a sua fatura vence a 12/11/26. Pode pagar aqui: "
            f"{self._case(customer_pt)._debt_portal_url()}",
        )
