# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    debt_late_fine = fields.Boolean(
        string="Late Fine Agreed",
        help="The contracts with these terms provide the company's late fine (Settings > "
        "Debt Follow-up): it is charged on their unpaid invoices. A fine that was not "
        "agreed is not owed (in Brazil it would be an amount not owed, CDC art. 42).",
    )
