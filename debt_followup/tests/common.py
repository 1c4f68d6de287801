# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared fixtures of the Odoo tests: a company with a chart of accounts,
customers in Italy, Portugal and Brazil, and invoices due on given dates."""

from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class DebtFollowupCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.levels = cls.env["debt.followup.level"].search([("company_id", "=", cls.company.id)])
        cls.collector = new_test_user(
            cls.env,
            login="collector",
            groups="debt_followup.group_debt_collector",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="collection_manager",
            groups="debt_followup.group_debt_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="salesperson",
            groups="base.group_user,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer_it = cls.env["res.partner"].create(
            {
                "name": "Ferramenta Bianchi S.r.l.",
                "is_company": True,
                "country_id": cls.env.ref("base.it").id,
                "lang": "it_IT",
                "phone": "+39 06 1234 5678",
            }
        )

    @classmethod
    def _case(cls, partners, company=None):
        """The collection cases of ``partners`` in ``company`` (default: the test
        company), created when missing."""
        Case = cls.env["debt.followup.case"].with_company(company or cls.company)
        return Case._debt_for_partners(partners)

    @classmethod
    def _create_overdue_invoice(cls, partner, amount, invoice_date, due_date, post=True):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due_date,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice


class DebtFollowupRunCommon(DebtFollowupCommon):
    """The daily run and its sending job on five customers whose courtesy
    e-mail (automatic) is due on 2026-04-20: their invoices of 300 fall due on
    2026-04-22."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("debt_followup.ir_cron_debt_followup")
        cls.send_cron = cls.env.ref("debt_followup.ir_cron_debt_followup_send")
        cls.courtesy = cls.levels.filtered(lambda level: level.delay < 0)
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Cliente {i}",
                    "is_company": True,
                    "email": f"cliente{i}@example.com",
                    "lang": "en_US",
                }
                for i in range(5)
            ]
        )
        cls.invoices = cls.env["account.move"]
        for customer in cls.customers:
            cls.invoices |= cls._create_overdue_invoice(customer, 300, "2026-04-01", "2026-04-22")
