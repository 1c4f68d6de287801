# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What debtors receive is lawful in Italy, Portugal and Brazil (COMPLIANCE.md):
who is a consumer, business-only charges citing each country's law, the formal
notice of each country, a letter per written level, neutral consumer SMS, and no
courtesy reminder for a debt already past due."""

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15")
class TestComplianceTexts(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_other_currency("EUR", rates=[("2026-01-01", 1.0)])
        cls.company.write(
            {
                "street": "Via Roma 1",
                "zip": "00100",
                "city": "Roma",
                "country_id": cls.env.ref("base.it").id,
                "vat": "IT12345670017",
                "phone": "+39 06 1234 5678",
            }
        )
        # The compensation in the company's currency, to keep the figures exact.
        for xmlid in ("it", "pt"):
            rule = cls.env.ref(f"debt_followup.debt_followup_late_payment_rule_{xmlid}")
            rule.currency_id = cls.company.currency_id
        cls.level = {level.delay: level for level in cls.levels}
        country = {code: cls.env.ref(f"base.{code.lower()}").id for code in ("IT", "PT", "BR")}

        def partner(name, code, lang, vat, is_company=False):
            # An Italian person's codice fiscale is not a VAT number for base_vat.
            return (
                cls.env["res.partner"]
                .with_context(no_vat_validation=True)
                .create(
                    {
                        "name": name,
                        "is_company": is_company,
                        "country_id": country[code],
                        "lang": lang,
                        "vat": vat,
                        "street": "Rua Augusta 10" if code != "IT" else "Via Garibaldi 5",
                        "city": "Lisboa" if code == "PT" else "Milano",
                        "phone": {"IT": "+39 333 123 4567", "PT": "+351 912 345 678"}.get(
                            code, "+55 11 91234 5678"
                        ),
                    }
                )
            )

        cls.person_pt = partner("Joana Ferreira", "PT", "pt_PT", "PT123456789")
        cls.person_it = partner("Mario Esposito", "IT", "it_IT", "SPSMRA80A01F839X")
        cls.person_br = partner("Carlos Pereira", "BR", "pt_BR", "123.456.789-09")
        cls.business_pt = partner("Ferragens Costa, Lda.", "PT", "pt_PT", "PT501234560", True)
        cls.business_it = cls.customer_it
        cls.business_it.write({"vat": "IT00743110157", "street": "Via Garibaldi 5"})
        cls.business_br = partner("Comércio Souza Ltda.", "BR", "pt_BR", "12.345.678/0001-95", True)
        cls.everyone = (
            cls.person_pt
            | cls.person_it
            | cls.person_br
            | cls.business_pt
            | cls.business_it
            | cls.business_br
        )
        with freeze_time("2026-01-01"):
            for debtor in cls.everyone:
                # 60 days late on 15 March 2026.
                cls._create_overdue_invoice(debtor, 1000.0, "2026-01-01", "2026-01-14")

    def _letter(self, partners, level=None):
        if level:
            partners.with_company(self.company).debt_followup_level_id = level
        report = self.env.ref("debt_followup.action_report_debt_followup_letter")
        html, _type = self.env["ir.actions.report"]._render_qweb_html(report, partners.ids)
        return lxml_html.fromstring(html).text_content()

    def test_persons_with_a_tax_number_are_consumers(self):
        for person in (self.person_pt, self.person_it, self.person_br):
            self.assertTrue(person.debt_is_consumer, person.name)
        for business in (self.business_pt, self.business_it, self.business_br):
            self.assertFalse(business.debt_is_consumer, business.name)

    def test_a_collector_overrides_the_debtor_type(self):
        # A collector who may edit contacts (the accountant who collects).
        self.collector.group_ids |= self.env.ref("base.group_partner_manager")
        person = self.person_pt.with_user(self.collector)
        person.debt_debtor_type = "business"
        self.assertFalse(person.debt_is_consumer)
        person.debt_debtor_type = "auto"
        self.assertTrue(person.debt_is_consumer)

    def test_consumer_letters_claim_no_business_charges(self):
        for person in (self.person_pt, self.person_it, self.person_br):
            text = self._letter(person, self.level[45])
            for word in ("40,00", "231/2002", "62/2013"):
                self.assertNotIn(word, text, person.name)
            self.assertEqual(self._case(person).late_compensation, 0.0)

    def test_each_business_letter_cites_its_own_law(self):
        text = self._letter(self.business_pt, self.level[20])
        self.assertIn("DL 62/2013", text)
        self.assertIn("40,00", text)
        self.assertNotIn("231/2002", text)
        text = self._letter(self.business_it, self.level[20])
        self.assertIn("D.Lgs. 231/2002", text)
        self.assertIn("40,00", text)
        self.assertNotIn("62/2013", text)
        # The Portuguese formal notice names the article of the compensation.
        text = self._letter(self.business_pt, self.level[45])
        self.assertIn("artigo 7.º do Decreto-Lei n.º 62/2013", text)
        self.assertIn("injunção", text)

    def test_italian_formal_notice_is_a_messa_in_mora(self):
        for debtor in (self.business_it, self.person_it):
            text = self._letter(debtor, self.level[45])
            self.assertIn("Oggetto: messa in mora", text)
            self.assertIn("art. 1219 c.c.", text)
            self.assertIn("art. 2943 c.c.", text)
            self.assertNotIn("1454", text)
            self.assertNotIn("diffid", text.lower())
        self.assertIn("interessi moratori", self._letter(self.business_it))
        self.assertNotIn("interessi moratori", self._letter(self.person_it))

    def test_brazilian_formal_notice_is_a_notificacao_extrajudicial(self):
        text = self._letter(self.business_br, self.level[45])
        self.assertIn("Assunto: notificação extrajudicial", text)
        self.assertIn("correção monetária", text)
        self.assertIn("IT12345670017", text)  # the creditor (CDC art. 42-A)

    def test_letter_of_each_written_level_in_each_language(self):
        phrases = {
            -3: ("Oggetto: fatture in scadenza", "Assunto: faturas a vencer"),
            20: ("Oggetto: sollecito di pagamento", "Assunto: lembrete de pagamento"),
            45: ("Oggetto: messa in mora", "Assunto: interpelação para pagamento"),
            60: ("richiesta di incontro", "pedido de reunião"),
            90: ("affidamento della pratica al legale", "entrega do processo ao advogado"),
        }
        phrases_br = {
            -3: "Assunto: faturas a vencer",
            20: "Assunto: lembrete de pagamento",
            45: "Assunto: notificação extrajudicial",
            60: "agendamento de visita",
            90: "encaminhamento ao advogado",
        }
        for delay, (italian, portuguese) in phrases.items():
            for debtor, phrase in (
                (self.business_it, italian),
                (self.business_pt, portuguese),
                (self.business_br, phrases_br[delay]),
            ):
                text = self._letter(debtor, self.level[delay])
                self.assertIn(phrase, text, (delay, debtor.lang))
                if delay > 20:
                    self.assertNotIn("dimenticanza", text)
                    self.assertNotIn("lapso", text)
                # Paper: no button, the creditor's identification in the letterhead.
                for button in ("Pagamento online", "Pagar online", "Pay online"):
                    self.assertNotIn(button, text)
                self.assertIn("IT12345670017", text)
                self.assertIn("Via Roma 1", text)

    def test_salutation_follows_the_addressee(self):
        cases = (
            (self.business_it, "Spettabile Ferramenta Bianchi S.r.l.,", "Gentile"),
            (self.person_it, "Gentile Sig./Sig.ra Mario Esposito,", "Spettabile"),
            (self.business_pt, "Exmos. Senhores,", "Exmo.(a)"),
            (self.person_pt, "Exmo.(a) Senhor(a) Joana Ferreira,", "Exmos."),
            (self.business_br, "Prezados Senhores,", "Prezado(a)"),
            (self.person_br, "Prezado(a) Sr.(a) Carlos Pereira,", "Prezados"),
        )
        for debtor, greeting, wrong in cases:
            text = self._letter(debtor, self.level[20])
            self.assertIn(greeting, text, debtor.name)
            self.assertNotIn(wrong, text, debtor.name)

    def test_consumer_sms_is_a_neutral_call_back(self):
        reminder = self.level[7]
        self.level[7].sms_show_amount = True
        for person in (self.person_it, self.person_pt, self.person_br):
            text = self.env["debt.followup.level"]._debt_render_messages(person, reminder)[
                person.id
            ]
            self.assertIn("06 1234 5678", text, person.lang)
            for revealing in ("14/01", "1.000", "1 000", "http", "scadut", "atraso", "venc"):
                self.assertNotIn(revealing, text, person.lang)
        text = self.env["debt.followup.level"]._debt_render_messages(self.business_it, reminder)[
            self.business_it.id
        ]
        self.assertIn("14/01/26", text)
        self.assertIn("06 1234 5678", text)


@tagged("post_install", "-at_install")
class TestNoCourtesyWhenLate(DebtFollowupCommon):
    def test_forty_days_late_never_gets_the_courtesy_step(self):
        courtesy = self.levels.filtered(lambda level: level.delay < 0)
        self.assertTrue(courtesy)
        self._create_overdue_invoice(self.customer_it, 1000, "2026-01-01", "2026-01-10")
        cron = self.env.ref("debt_followup.ir_cron_debt_followup")
        with freeze_time("2026-02-19"), self.enter_registry_test_mode():  # 40 days late
            cron.method_direct_trigger()
            self.assertNotEqual(self.customer_it.debt_followup_level_id, courtesy)
            self.assertEqual(self.customer_it.debt_followup_level_id.delay, 7)
