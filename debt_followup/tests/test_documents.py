# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Call scripts, reminder e-mails and the reminder letter in Italian, European
Portuguese and Brazilian Portuguese, with CLDR amounts and dates."""

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.fields import Command
from odoo.tests import tagged

from .common import DebtFollowupCommon

NBSP = "\xa0"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15")
class TestDocuments(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.setup_other_currency("EUR", rates=[("2026-01-01", 1.0)])
        brl = cls.setup_other_currency("BRL", rates=[("2026-01-01", 5.0)])
        cls.company.write(
            {
                "street": "Via Roma 1",
                "zip": "00100",
                "city": "Roma",
                "country_id": cls.env.ref("base.it").id,
                "vat": "IT12345670017",
            }
        )
        cls.env["res.partner.bank"].create(
            {"acc_number": "IT60X0542811101000000123456", "partner_id": cls.company.partner_id.id}
        )
        cls.customer_pt = cls.env["res.partner"].create(
            {
                "name": "Ferragens Costa, Lda.",
                "is_company": True,
                "country_id": cls.env.ref("base.pt").id,
                "lang": "pt_PT",
                "street": "Rua Augusta 10",
                "zip": "1100-053",
                "city": "Lisboa",
            }
        )
        cls.customer_br = cls.env["res.partner"].create(
            {
                "name": "Ferragens Souza Ltda.",
                "is_company": True,
                "country_id": cls.env.ref("base.br").id,
                "lang": "pt_BR",
                "street": "Rua das Flores 100",
                "city": "São Paulo",
            }
        )
        cls.customer_it.write({"street": "Via Garibaldi 5", "zip": "20121", "city": "Milano"})
        cls.invoices = cls.env["account.move"]
        for partner, currency in (
            (cls.customer_it, eur),
            (cls.customer_pt, eur),
            (cls.customer_br, brl),
        ):
            invoice = cls._create_overdue_invoice(
                partner, 1234.56, "2026-01-01", "2026-01-31", post=False
            )
            invoice.currency_id = currency
            invoice.action_post()
            cls.invoices |= invoice
        # The test company has a copy of the shipped ladder.
        cls.first_call = cls.levels.filtered(lambda lvl: lvl.delay == 7)
        cls.expected = {
            cls.customer_it: (f"1.234,56{NBSP}€", "31 gennaio 2026"),
            cls.customer_pt: (f"1{NBSP}234,56{NBSP}€", "31 de janeiro de 2026"),
            cls.customer_br: (f"R${NBSP}1.234,56", "31 de janeiro de 2026"),
        }

    def test_call_script_in_the_partner_language(self):
        phrases = {
            self.customer_it: ("parlo con Ferramenta Bianchi S.r.l.?", "Fatti della chiamata"),
            self.customer_pt: ("estou a falar com Ferragens Costa, Lda.?", "Factos da chamada"),
            self.customer_br: ("falo com Ferragens Souza Ltda.?", "Dados da ligação"),
        }
        for partner, (amount, due_date) in self.expected.items():
            script = self.first_call.with_user(self.collector)._render_call_script(partner)
            for text in (*phrases[partner], amount, due_date, partner.name):
                self.assertIn(text, script, partner.lang)
            self.assertNotIn("{{", script)

    def test_call_script_ends_with_the_facts_whatever_it_says(self):
        self.first_call.call_script = "<p>Be kind.</p>"
        script = self.first_call._render_call_script(self.customer_it)
        self.assertTrue(script.startswith("<p>Be kind.</p>"))
        self.assertIn(self.invoices[0].name, script)
        self.assertIn(f"1.234,56{NBSP}€", script)
        self.assertIn("31 gennaio 2026", script)

    def test_call_script_placeholders_are_escaped(self):
        self.customer_it.name = "<b>Bianchi</b> & figli"
        self.first_call.call_script = "<p>Hello {{debtor}}, {{ total }} {{object}}</p>"
        script = self.first_call._render_call_script(self.customer_it)
        self.assertIn(
            f"<p>Hello &lt;b&gt;Bianchi&lt;/b&gt; &amp; figli, 1.234,56{NBSP}€ {{{{object}}}}</p>",
            script,
        )
        self.assertNotIn("<b>Bianchi</b>", script)

    def test_second_call_script_recalls_last_contact_and_broken_promise(self):
        second_call = self.levels.filtered(lambda lvl: lvl.delay == 30)
        self.env["debt.followup.call"].create(
            {
                "partner_id": self.customer_pt.id,
                "user_id": self.collector.id,
                "date": "2026-02-20 10:00:00",
                "outcome": "promise",
            }
        )
        # A promise of the past, broken: history only the server records as such.
        self.env["debt.followup.promise"].sudo().create(
            {
                "partner_id": self.customer_pt.id,
                "move_ids": [Command.set(self.invoices[1].ids)],
                "date": "2026-02-20",
                "amount": 1000,
                "currency_id": self.invoices[1].currency_id.id,
                "line_ids": [Command.create({"date": "2026-02-28", "amount": 1000})],
                "state": "broken",
            }
        )
        script = second_call.with_user(self.collector)._render_call_script(self.customer_pt)
        self.assertIn("Último contacto: 20 de fevereiro de 2026, Promessa de pagamento (", script)
        self.assertIn(
            f"Promessa não cumprida: 1{NBSP}000,00{NBSP}€ a pagar até 28 de fevereiro de 2026.",
            script,
        )

    def test_reminder_email_in_the_partner_language(self):
        template = self.env.ref("debt_followup.mail_template_debt_reminder")
        phrases = {
            self.customer_it: "Sollecito di pagamento",
            self.customer_pt: "Lembrete de pagamento",
            self.customer_br: "Lembrete de pagamento",
        }
        for partner, (amount, due_date) in self.expected.items():
            subject = template._render_field("subject", partner.ids, compute_lang=True)[partner.id]
            body = template._render_field("body_html", partner.ids, compute_lang=True)[partner.id]
            self.assertIn(phrases[partner].lower(), subject.lower(), partner.lang)
            for text in (amount, due_date, "IT12345670017", "Via Roma 1", "/my/invoices/"):
                self.assertIn(text, body, partner.lang)

    def test_formal_notice_gives_fifteen_days(self):
        template = self.env.ref("debt_followup.mail_template_debt_formal_notice")
        body = template._render_field("body_html", self.customer_it.ids, compute_lang=True)[
            self.customer_it.id
        ]
        self.assertIn("costituiamo formalmente in mora Ferramenta Bianchi S.r.l.", body)
        self.assertIn("art. 1219 c.c.", body)
        self.assertNotIn("diffid", body)  # art. 1454 c.c. would terminate the contract
        self.assertIn("entro il <strong>30 marzo 2026</strong>", body)
        self.assertIn("Partita IVA: IT12345670017", body)
        self.assertIn(f"1.234,56{NBSP}€", body)

    def test_courtesy_email_lists_invoices_not_yet_due(self):
        upcoming = self._create_overdue_invoice(self.customer_it, 100, "2026-03-01", "2026-03-18")
        template = self.env.ref("debt_followup.mail_template_debt_courtesy")
        body = template._render_field("body_html", self.customer_it.ids, compute_lang=True)[
            self.customer_it.id
        ]
        self.assertIn(upcoming.name, body)
        self.assertIn("18 marzo 2026", body)
        self.assertNotIn(self.invoices[0].name, body)

    def test_letter_for_several_partners_in_their_languages(self):
        report = self.env.ref("debt_followup.action_report_debt_followup_letter")
        partners = self.customer_it | self.customer_pt | self.customer_br
        html, _type = self.env["ir.actions.report"]._render_qweb_html(report, partners.ids)
        document = lxml_html.fromstring(html)
        text = document.text_content()
        for amount, due_date in self.expected.values():
            self.assertIn(amount, text)
            self.assertIn(due_date, text)
        for phrase in ("Spettabile", "Exmos. Senhores", "Prezados Senhores", "IT12345670017"):
            self.assertIn(phrase, text)
        addresses = document.xpath("//*[@name='debt_letter_address']")
        self.assertEqual(len(addresses), 3)
        for address, partner in zip(addresses, partners, strict=True):
            words = address.text_content()
            self.assertIn(partner.name, words)
            self.assertIn(partner.street, words)
            for revealing in ("1.234", "1 234", "R$", "ollecito", "viso", "embrete", "fatura"):
                self.assertNotIn(revealing, words)

    def test_letter_is_a_real_pdf(self):
        report = self.env.ref("debt_followup.action_report_debt_followup_letter")
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, self.customer_br.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
