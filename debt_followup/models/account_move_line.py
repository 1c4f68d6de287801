# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

# Fields of account.move.line that follow-up's receivable queries read.
OPEN_RECEIVABLE_FIELDS = [
    "account_id",
    "amount_residual",
    "company_id",
    "date_maturity",
    "move_id",
    "no_followup",
    "parent_state",
    "partner_id",
    "reconciled",
]

LATE_CHARGE_KINDS = [
    ("interest", "Late payment interest"),
    ("compensation", "Recovery costs compensation"),
    ("fine", "Late fine"),
]


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    debt_late_origin_id = fields.Many2one(
        "account.move",
        string="Late Charge For",
        index="btree_not_null",
        copy=False,
        help="The unpaid invoice this interest, compensation or fine line is charged for.",
    )
    debt_late_kind = fields.Selection(LATE_CHARGE_KINDS, string="Late Charge", copy=False)
    debt_late_until = fields.Date(
        string="Charged Until", copy=False, help="Last day of interest charged by this line."
    )

    # The open items follow-up reads, by partner, with every column its queries
    # aggregate: PostgreSQL answers them from the index alone instead of
    # scanning every journal item of the company.
    _debt_open_items_idx = models.Index(
        "(partner_id) INCLUDE (company_id, account_id, move_id, amount_residual, "
        "date_maturity, no_followup) WHERE reconciled IS NOT TRUE "
        "AND parent_state = 'posted' AND amount_residual <> 0"
    )

    @api.model
    def _debt_open_receivables_from(self):
        """FROM clause of the open receivable items that follow-up reads: journal
        items of posted entries on a receivable account, not reconciled, with
        something left to pay or to apply (the predicate of
        ``_debt_open_items_idx``), as ``aml``
        joined to their account ``acc``, after flushing what it reads (SQL views
        declare ``OPEN_RECEIVABLE_FIELDS`` in ``_depends`` instead). Callers add
        the company, the partners and the dates."""
        self.flush_model(OPEN_RECEIVABLE_FIELDS)
        self.env["account.account"].flush_model(["account_type"])
        return SQL(
            """account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
                   AND acc.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE
                   AND aml.amount_residual <> 0"""
        )

    @api.model
    def _debt_overdue_in_debtor_currency(self, partner_ids):
        """What each of these commercial partners owes past due in the current
        company, in the currency of its invoices when they all share one:
        ``{partner id: (currency id, amount)}``, one query. Partners whose
        overdue invoices mix currencies are left out: only the company-currency
        total describes them."""
        if not partner_ids:
            return {}
        self.flush_model(["currency_id", "amount_residual_currency"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT aml.partner_id, MIN(aml.currency_id),
                       SUM(aml.amount_residual_currency)::float8
                  FROM %(items)s
                 WHERE aml.amount_residual > 0
                   AND aml.date_maturity < %(today)s
                   AND aml.company_id = %(company)s
                   AND aml.partner_id = ANY(%(partners)s)
              GROUP BY aml.partner_id
                HAVING COUNT(DISTINCT aml.currency_id) = 1
                """,
                items=self._debt_open_receivables_from(),
                today=fields.Date.context_today(self),
                company=self.env.company.id,
                partners=list(partner_ids),
            )
        )
        return {partner_id: (currency_id, amount) for partner_id, currency_id, amount in rows}
