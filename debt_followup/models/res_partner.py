# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

FOLLOWUP_STATUSES = [
    ("ok", "Nothing overdue"),
    ("overdue", "Overdue"),
    ("action_due", "Action due"),
    ("promised", "Promised"),
    ("excluded", "Excluded"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    debt_currency_id = fields.Many2one("res.currency", compute="_compute_debt_currency_id")
    debt_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        currency_field="debt_currency_id",
        compute="_compute_debt_overdue",
        search="_search_debt_overdue_amount",
    )
    debt_overdue_count = fields.Integer(string="Overdue Invoices", compute="_compute_debt_overdue")
    debt_oldest_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_debt_overdue",
        help="Days since the oldest unpaid due date.",
    )
    debt_unapplied_credit = fields.Monetary(
        string="Unapplied Payments and Credit Notes",
        currency_field="debt_currency_id",
        compute="_compute_debt_overdue",
        help="Payments and credit notes not yet matched with an invoice: "
        "check them before calling.",
    )
    debt_followup_level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level",
        company_dependent=True,
        copy=False,
        help="Last follow-up step taken for this customer.",
    )
    debt_last_action_date = fields.Date(
        string="Last Follow-up Action", company_dependent=True, copy=False
    )
    debt_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        copy=False,
        domain=lambda self: [
            ("group_ids", "in", self.env.ref("debt_followup.group_debt_collector").id)
        ],
    )
    debt_no_contact = fields.Boolean(
        string="Stop Contact",
        copy=False,
        help="The customer asked in writing not to be called or e-mailed: "
        "formal letters and legal steps remain possible.",
    )
    debt_followup_status = fields.Selection(
        FOLLOWUP_STATUSES,
        string="Follow-up Status",
        compute="_compute_debt_followup_status",
    )
    debt_next_action_date = fields.Date(
        string="Next Follow-up Action", compute="_compute_debt_followup_status"
    )
    debt_call_ids = fields.One2many(
        "debt.followup.call",
        "partner_id",
        string="Calls",
        groups="debt_followup.group_debt_collector",
    )
    debt_promise_ids = fields.One2many(
        "debt.followup.promise", "partner_id", string="Promises to Pay"
    )

    @api.depends_context("company")
    def _compute_debt_currency_id(self):
        self.debt_currency_id = self.env.company.currency_id

    def _debt_overdue_query(self, partner_ids=None):
        """One grouped query over the receivable items of the current company:
        per commercial partner, the overdue residual, the number of overdue
        invoices, the oldest overdue due date, and what is paid but not matched."""
        aml = self.env["account.move.line"]
        aml.flush_model(
            [
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
        )
        self.env["account.account"].flush_model(["account_type"])
        today = fields.Date.context_today(self)
        partner_filter = (
            SQL("AND aml.partner_id IN %s", tuple(partner_ids)) if partner_ids else SQL()
        )
        return SQL(
            """
            SELECT aml.partner_id,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s), 0),
                   COUNT(DISTINCT aml.move_id) FILTER (WHERE %(overdue)s),
                   MIN(aml.date_maturity) FILTER (WHERE %(overdue)s),
                   COALESCE(-SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual < 0), 0)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE acc.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE
               AND aml.company_id = %(company)s
               %(partner_filter)s
          GROUP BY aml.partner_id
            """,
            overdue=SQL(
                "aml.amount_residual > 0 AND aml.date_maturity < %s "
                "AND aml.no_followup IS NOT TRUE",
                today,
            ),
            company=self.env.company.id,
            partner_filter=partner_filter,
        )

    def _debt_overdue_lines(self):
        """Overdue receivable items of these commercial partners in the current
        company, oldest due date first (what a call, a letter or an e-mail lists)."""
        today = fields.Date.context_today(self)
        return self.env["account.move.line"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", today),
                ("no_followup", "=", False),
            ],
            order="date_maturity, id",
        )

    @api.depends_context("company")
    def _compute_debt_overdue(self):
        today = fields.Date.context_today(self)
        commercial = {p.id: p.commercial_partner_id.id for p in self}
        data = {}
        if any(commercial.values()):
            query = self._debt_overdue_query(set(commercial.values()) - {False})
            for pid, amount, count, oldest, credit in self.env.execute_query(query):
                data[pid] = (amount, count, (today - oldest).days if oldest else 0, credit)
        for partner in self:
            amount, count, days, credit = data.get(commercial[partner.id], (0.0, 0, 0, 0.0))
            partner.debt_overdue_amount = amount
            partner.debt_overdue_count = count
            partner.debt_oldest_overdue_days = days
            partner.debt_unapplied_credit = credit

    def _search_debt_overdue_amount(self, operator, value):
        if operator not in ("<", "<=", ">", ">=", "=", "!="):
            return NotImplemented
        query = self._debt_overdue_query()
        rows = self.env.execute_query(query)
        amounts = {pid: amount for pid, amount, *_rest in rows}
        check = {
            "<": lambda a: a < value,
            "<=": lambda a: a <= value,
            ">": lambda a: a > value,
            ">=": lambda a: a >= value,
            "=": lambda a: a == value,
            "!=": lambda a: a != value,
        }[operator]
        if check(0.0):
            excluded = [pid for pid, amount in amounts.items() if not check(amount)]
            return [("commercial_partner_id", "not in", excluded)]
        matching = [pid for pid, amount in amounts.items() if check(amount)]
        return [("commercial_partner_id", "in", matching)]

    @api.depends_context("company")
    @api.depends("debt_no_contact", "debt_promise_ids.state", "debt_followup_level_id")
    def _compute_debt_followup_status(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            if not partner.debt_overdue_amount:
                partner.debt_followup_status = "ok"
            elif commercial.debt_no_contact:
                partner.debt_followup_status = "excluded"
            elif commercial.debt_promise_ids.filtered(lambda p: p.state == "open"):
                partner.debt_followup_status = "promised"
            else:
                partner.debt_followup_status = "overdue"
            partner.debt_next_action_date = False

    def _debt_followup_pec_email(self):
        """The customer's certified e-mail (PEC) address, ``False`` when unknown.
        A bridge module (``l10n_it_edi``) overrides it; without one, a formal
        notice by PEC goes as a registered letter."""
        self.ensure_one()
        return False
