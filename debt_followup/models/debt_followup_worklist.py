# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .account_move_line import OPEN_RECEIVABLE_FIELDS


class DebtFollowupWorklist(models.Model):
    """ "To do today": customers of the current company with a follow-up action
    due (an open collection activity due today or earlier), the most worth
    collecting first: expected recovery (overdue amount now × the likelihood of
    recovery at the last assessment, ``debt.followup.case.recovery_snapshot``; a
    case not assessed yet counts as fully recoverable), then overdue amount × days
    overdue. A read-only SQL view, so that PostgreSQL sorts and pages it."""

    _name = "debt.followup.worklist"
    _description = "Follow-up Worklist"
    _auto = False
    _order = "expected_recovery desc, priority desc, id"
    _rec_name = "partner_id"
    _depends = {
        "account.move.line": [*OPEN_RECEIVABLE_FIELDS, "currency_id", "amount_residual_currency"],
        "mail.activity": [
            "active",
            "activity_type_id",
            "date_deadline",
            "res_id",
            "res_model",
            "summary",
            "user_id",
        ],
        "res.partner": ["phone", "user_id"],
        "debt.followup.case": [
            "collector_id",
            "company_id",
            "level_id",
            "no_contact",
            "partner_id",
            "recovery_snapshot",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    case_id = fields.Many2one("debt.followup.case", string="Collection Case", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    phone = fields.Char(readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    level_id = fields.Many2one("debt.followup.level", string="Follow-up Level", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Action", readonly=True)
    activity_summary = fields.Char(string="To Do", readonly=True)
    activity_user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    date_deadline = fields.Date(string="Due On", readonly=True)
    overdue_amount = fields.Monetary(
        string="Overdue in Company Currency",
        readonly=True,
        help="What the customer owes past due, in the company's currency (the accounts' figure).",
    )
    debtor_currency_id = fields.Many2one("res.currency", string="Invoices' Currency", readonly=True)
    debtor_amount = fields.Monetary(
        string="Overdue",
        currency_field="debtor_currency_id",
        readonly=True,
        aggregator=False,
        help="What the customer owes past due, in the currency of its invoices "
        "(empty when they mix currencies): the amount said on the phone.",
    )
    days_overdue = fields.Integer(readonly=True)
    priority = fields.Float(
        readonly=True,
        aggregator=False,
        help="Overdue amount × days overdue: the higher, the sooner.",
    )
    no_contact = fields.Boolean(string="Stop Contact", readonly=True)
    # Expected recovery (issue 20)
    expected_recovery = fields.Monetary(
        readonly=True,
        help="Overdue amount × likelihood of recovery (assessed every hour): the higher, "
        "the sooner.",
    )
    recovery_grade = fields.Selection(related="case_id.recovery_grade")
    stop_suggested = fields.Boolean(related="case_id.stop_suggested")
    whatsapp_available = fields.Boolean(related="partner_id.debt_whatsapp_available")
    debt_local_time = fields.Char(related="case_id.local_time")
    debt_can_call_now = fields.Boolean(related="case_id.can_call_now")
    debt_next_call_slot = fields.Datetime(related="case_id.next_call_slot")

    @property
    def _table_query(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH overdue AS (
                SELECT aml.partner_id,
                       SUM(aml.amount_residual) AS amount,
                       -- The invoices' currency when they all share one.
                       CASE WHEN COUNT(DISTINCT aml.currency_id) = 1
                            THEN MIN(aml.currency_id) END AS debtor_currency_id,
                       CASE WHEN COUNT(DISTINCT aml.currency_id) = 1
                            THEN SUM(aml.amount_residual_currency) END AS debtor_amount,
                       MIN(aml.date_maturity) AS oldest
                  FROM %(items)s
                 WHERE aml.amount_residual > 0
                   AND aml.date_maturity < %(today)s
                   AND aml.company_id = %(company)s
              GROUP BY aml.partner_id
            ),
            due AS (
                SELECT DISTINCT ON (act.res_id)
                       act.res_id AS case_id, act.activity_type_id, act.summary,
                       act.user_id, act.date_deadline
                  FROM mail_activity act
                 WHERE act.res_model = 'debt.followup.case'
                   AND act.active
                   AND act.date_deadline <= %(today)s
                   AND act.activity_type_id IN (%(types)s)
              ORDER BY act.res_id, act.date_deadline, act.id
            )
            SELECT partner.id AS id,
                   partner.id AS partner_id,
                   %(company)s AS company_id,
                   %(currency)s AS currency_id,
                   partner.phone AS phone,
                   cs.id AS case_id,
                   cs.collector_id,
                   partner.user_id AS salesperson_id,
                   cs.level_id,
                   due.activity_type_id,
                   due.summary AS activity_summary,
                   due.user_id AS activity_user_id,
                   due.date_deadline,
                   overdue.amount AS overdue_amount,
                   overdue.debtor_currency_id,
                   overdue.debtor_amount,
                   %(today)s - overdue.oldest AS days_overdue,
                   overdue.amount * (%(today)s - overdue.oldest) AS priority,
                   cs.no_contact,
                   overdue.amount * COALESCE(cs.recovery_snapshot, 1.0) AS expected_recovery
              FROM overdue
              JOIN debt_followup_case cs
                ON cs.partner_id = overdue.partner_id AND cs.company_id = %(company)s
              JOIN due ON due.case_id = cs.id
              JOIN res_partner partner ON partner.id = overdue.partner_id
            """,
            items=self.env["account.move.line"]._debt_open_receivables_from(),
            today=today,
            company=company.id,
            currency=company.currency_id.id,
            types=self.env["debt.followup.case"]._debt_activity_types_query(),
        )

    def action_open_case(self):
        """A row opens the customer's collection case."""
        self.ensure_one()
        self.case_id._debt_check_collector()
        return {
            "type": "ir.actions.act_window",
            "res_model": "debt.followup.case",
            "res_id": self.case_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def action_debt_whatsapp(self):
        """WhatsApp chat with the customer of the row (logged on the customer)."""
        self.ensure_one()
        return self.case_id.action_whatsapp()
