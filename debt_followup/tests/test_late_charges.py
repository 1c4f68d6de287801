# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Statutory late interest, compensation and the capped late fine."""

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestLateCharges(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.env.ref("base.it")
        cls.rule_it = cls.env.ref("debt_followup.debt_followup_late_payment_rule_it")
        # The compensation in the company's currency, to keep the figures exact.
        cls.rule_it.currency_id = cls.company.currency_id
        cls.consumer = cls.env["res.partner"].create(
            {"name": "Mario Rossi", "country_id": cls.env.ref("base.it").id, "lang": "it_IT"}
        )
        with freeze_time("2025-05-01"):
            cls.invoice = cls._create_overdue_invoice(
                cls.customer_it, 10000.0, "2025-05-01", "2025-05-31"
            )
            cls.consumer_invoice = cls._create_overdue_invoice(
                cls.consumer, 10000.0, "2025-05-01", "2025-05-31"
            )

    @freeze_time("2025-08-31")
    def test_business_interest_and_compensation(self):
        # 1-30 Jun: 30 days at 3.15 + 8 = 11.15 %: 10000 x 0.1115 x 30 / 365 = 91.6438
        # 1 Jul-31 Aug: 62 days at 2.15 + 8 = 10.15 %: 10000 x 0.1015 x 62 / 365 = 172.4110
        # total 264.05; plus 40.00 compensation for the one unpaid invoice.
        self.assertEqual(self._case(self.customer_it).late_interest, 264.05)
        self.assertEqual(self._case(self.customer_it).late_compensation, 40.0)
        self.assertEqual(self._case(self.customer_it).late_fine, 0.0)
        self.assertFalse(self._case(self.customer_it).late_charges_note)

    @freeze_time("2025-08-31")
    def test_no_interest_for_a_consumer(self):
        self.assertTrue(self.consumer.debt_is_consumer)
        self.assertEqual(self._case(self.consumer).late_interest, 0.0)
        self.assertEqual(self._case(self.consumer).late_compensation, 0.0)
        self.assertIn("Consumer", self._case(self.consumer).late_charges_note)
        with self.assertRaises(UserError):
            self._case(self.consumer).action_create_late_charges_invoice()
        # A private person with a VAT number (sole trader) is a business debtor.
        self.consumer.vat = "IT12345670017"
        self.consumer.invalidate_recordset()
        self.assertFalse(self.consumer.debt_is_consumer)
        self.assertEqual(self._case(self.consumer).late_interest, 264.05)

    @freeze_time("2025-08-31")
    def test_no_directive_charges_outside_the_union(self):
        """A Brazilian business owes no interest nor EUR 40 under the EU directive."""
        customer_br = self.env["res.partner"].create(
            {
                "name": "Comércio Souza Ltda.",
                "is_company": True,
                "country_id": self.env.ref("base.br").id,
                "lang": "pt_BR",
            }
        )
        with freeze_time("2025-05-01"):
            self._create_overdue_invoice(customer_br, 10000.0, "2025-05-01", "2025-05-31")
        self.assertEqual(self._case(customer_br).late_interest, 0.0)
        self.assertEqual(self._case(customer_br).late_compensation, 0.0)
        self.assertIn("outside the European Union", self._case(customer_br).late_charges_note)

    def test_invoice_late_charges_once(self):
        with freeze_time("2025-08-31"):
            action = self._case(self.customer_it).action_create_late_charges_invoice()
            invoice = self.env["account.move"].browse(action["res_id"])
            self.assertEqual(invoice.state, "draft")
            self.assertEqual(invoice.move_type, "out_invoice")
            self.assertEqual(invoice.partner_id, self.customer_it)
            lines = invoice.invoice_line_ids
            self.assertEqual(lines.mapped("debt_late_kind"), ["interest", "compensation"])
            self.assertEqual(lines.mapped("price_subtotal"), [264.05, 40.0])
            self.assertFalse(lines.tax_ids)
            self.assertIn(self.invoice.name, lines[0].name)
            self.assertIn("D.Lgs. 231/2002", lines[0].name)
            self.assertIn("92", lines[0].name)  # days
            # Labels in the debtor's language (Italian).
            self.assertTrue(lines[0].name.startswith("Interessi moratori su"), lines[0].name)
            self.assertEqual(invoice.amount_total, 304.05)
            self.customer_it.invalidate_recordset()
            self.assertEqual(self._case(self.customer_it).late_interest, 0.0)
            self.assertEqual(self._case(self.customer_it).late_compensation, 0.0)
            with self.assertRaises(UserError):
                self._case(self.customer_it).action_create_late_charges_invoice()
        with freeze_time("2025-09-30"):
            # Only September is left: 10000 x 0.1015 x 30 / 365 = 83.42.
            self.customer_it.invalidate_recordset()
            self.assertEqual(self._case(self.customer_it).late_interest, 83.42)
            self.assertEqual(self._case(self.customer_it).late_compensation, 0.0)
            # Deleting the draft gives the whole period back, computed in one go:
            # 91.6438 + 10000 x 0.1015 x 92 / 365 (255.8356) = 347.48.
            invoice.unlink()
            self.customer_it.invalidate_recordset()
            self.assertEqual(self._case(self.customer_it).late_interest, 347.48)

    @freeze_time("2026-08-31")
    def test_missing_rate_is_reported(self):
        self.assertIn(
            "add it to the late payment rule", self._case(self.customer_it).late_charges_note
        )
        # Interest runs up to 30 Jun 2026, the last day with a published rate.
        self.env["debt.followup.interest.rate"].create(
            {"rule_id": self.rule_it.id, "date_from": "2026-07-01", "reference_rate": 2.15}
        )
        self._case(self.customer_it).invalidate_recordset()
        self.assertFalse(self._case(self.customer_it).late_charges_note)

    def test_half_year_must_start_in_january_or_july(self):
        with self.assertRaises(ValidationError) as error:
            self.env["debt.followup.interest.rate"].create(
                {"rule_id": self.rule_it.id, "date_from": "2026-03-01", "reference_rate": 2.0}
            )
        self.assertIn("1 January or on 1 July", str(error.exception))
        self.assertEqual(len(self.rule_it.rate_ids), 5)

    def test_brazil_consumer_late_fine_is_capped(self):
        self.company.country_id = self.env.ref("base.br")
        with self.assertRaises(ValidationError) as error:
            self.company.debt_late_fine_percent = 2.5
        self.assertIn("cannot exceed 2", str(error.exception))
        self.assertEqual(self.company.debt_late_fine_percent, 0.0)
        self.company.debt_late_fine_percent = 2.0
        # Lowering the cap below the company's fine is refused too.
        rule_br = self.env.ref("debt_followup.debt_followup_late_payment_rule_br")
        with self.assertRaises(ValidationError):
            rule_br.consumer_fine_cap = 1.0
        self.assertEqual(rule_br.consumer_fine_cap, 2.0)
        case = self._case(self.customer_it)
        with freeze_time("2025-08-31"):
            # Only where the customer's terms provide it: none on the invoice without terms.
            self.assertEqual(case.late_fine, 0.0)
        terms = self.env.ref("account.account_payment_term_immediate")
        terms.debt_late_fine = True
        with freeze_time("2025-05-01"):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer_it.id,
                    "invoice_date": "2025-05-01",
                    "invoice_payment_term_id": terms.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Goods", "price_unit": 10000.0, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
        with freeze_time("2025-08-31"):
            case.invalidate_recordset()
            # 2 % of 10,000.00, once per invoice; no Italian interest for a Brazilian company.
            self.assertEqual(case.late_fine, 200.0)
            self.assertEqual(case.late_interest, 0.0)

    @freeze_time("2025-08-31")
    def test_letter_lists_interest_and_compensation_where_they_apply(self):
        report = self.env.ref("debt_followup.action_report_debt_followup_letter")
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            report, (self.customer_it | self.consumer).ids
        )
        text = html.decode()
        business, consumer = text.split("Mario Rossi", 1)
        # In Italian, amounts as Italian writes them: 264,05 interest, 40,00
        # compensation, 10.304,05 in all; nothing of the kind for the consumer.
        self.assertIn("Interessi moratori fino al 31 agosto 2025 (D.Lgs. 231/2002)", business)
        self.assertIn("264,05", business)
        self.assertIn("Risarcimento forfettario dei costi di recupero, ", business)
        self.assertIn("40,00", business)
        self.assertIn("10.304,05", business)
        self.assertNotIn("Interessi moratori", consumer)
        self.assertNotIn("Risarcimento forfettario", consumer)
