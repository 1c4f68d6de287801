# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _debt_followup_pec_email(self):
        """The PEC address of the Italian e-invoicing data, on the customer or
        else on its commercial entity."""
        self.ensure_one()
        return (
            self.l10n_it_pec_email
            or self.commercial_partner_id.l10n_it_pec_email
            or super()._debt_followup_pec_email()
        )
