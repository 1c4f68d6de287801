# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import ValidationError

COLLECTOR_GROUP = "debt_followup.group_debt_collector"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _debt_collector_domain(self):
        """Users who may be given customers to collect: active internal users
        with the collector group, given or implied (managers included)."""
        return [
            ("all_group_ids", "in", self.env.ref(COLLECTOR_GROUP).id),
            ("share", "=", False),
        ]

    def _debt_check_collector_assignable(self, company=None):
        """Refuse (``ValidationError``) any of these users who cannot collect
        debts: archived, portal or public, without the collector group, or
        (with ``company``) without access to that company. Call it before
        making a user the collector of a customer or case, or a company's
        collections responsible; an empty recordset passes."""
        group = self.env.ref(COLLECTOR_GROUP)
        for user in self.sudo().with_context(active_test=False):
            if not user.active or user.share or group not in user.all_group_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot collect debts: only active internal users "
                        "with the Collector or Manager rights of Debt Follow-up can.",
                        user=user.name,
                    )
                )
            if company and company not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot collect debts for %(company)s: "
                        "the user has no access to that company.",
                        user=user.name,
                        company=company.name,
                    )
                )
