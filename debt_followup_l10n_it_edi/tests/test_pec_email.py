# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPecEmail(TransactionCase):
    def test_formal_notice_goes_to_the_pec_address(self):
        company = self.env["res.partner"].create(
            {"name": "Ferramenta Bianchi S.r.l.", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Giulia Bianchi", "parent_id": company.id}
        )
        self.assertFalse(company._debt_followup_pec_email())
        company.l10n_it_pec_email = "bianchi@pec.example.it"
        self.assertEqual(company._debt_followup_pec_email(), "bianchi@pec.example.it")
        self.assertEqual(contact._debt_followup_pec_email(), "bianchi@pec.example.it")
        contact.l10n_it_pec_email = "giulia@pec.example.it"
        self.assertEqual(contact._debt_followup_pec_email(), "giulia@pec.example.it")
