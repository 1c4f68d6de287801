# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        # A customer has one case per company: merge the cases before the
        # generic update of the foreign keys would meet the unique index.
        self.env["debt.followup.case"]._debt_merge_partners(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)
