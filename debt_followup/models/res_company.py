# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_followup_interval = fields.Integer(
        string="Days Between Follow-up Actions",
        default=7,
        help="Minimum number of days between two follow-up steps for the same customer.",
    )
    debt_min_amount = fields.Monetary(
        string="Minimum Amount to Follow Up",
        currency_field="currency_id",
        default=0.0,
        help="Customers whose net receivable is at or below this amount get no action.",
    )
    debt_max_call_attempts = fields.Integer(
        string="Failed Call Attempts Before Writing",
        default=3,
        help="After this many unanswered or busy calls in a row, the next written step is due.",
    )
    debt_responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        domain=lambda self: self.env["res.users"]._debt_collector_domain(),
        help="Gets the follow-up activities of customers without a collector or salesperson.",
    )
    debt_promise_grace_days = fields.Integer(
        string="Promise Grace Days",
        default=2,
        help="Days allowed after an installment date before the promise counts as broken.",
    )
    debt_max_conversations_day = fields.Integer(
        string="Conversations per Day",
        default=1,
        help="At most this many conversations a day with the same debtor (UNIREC).",
    )
    debt_max_conversations_week = fields.Integer(
        string="Conversations per Week",
        default=3,
        help="At most this many conversations a calendar week with the same debtor (UNIREC).",
    )
    debt_max_attempts = fields.Integer(
        string="Call Attempts per Period",
        default=7,
        help="At most this many call attempts, answered or not, with the same debtor "
        "in the period below (US Regulation F presumption).",
    )
    debt_attempts_period = fields.Integer(
        string="Attempts Period (days)",
        default=7,
        help="Rolling period, in days, over which call attempts are counted.",
    )
    debt_late_fine_percent = fields.Float(
        string="Late Fine (%)",
        help="Contractual late fine charged once per unpaid invoice, in percent of the "
        "unpaid amount; capped by the late payment rule of the company's country "
        "(Brazil: 2% for consumers, CDC art. 52 §1).",
    )

    # The debtor's page: what a debtor may settle alone, and how long a link lives.
    debt_portal_link_days = fields.Integer(
        string="Debtor's Page Link Validity (days)",
        default=30,
        help="A link to the debtor's page opens it for this many days; "
        "links sent later carry a new one.",
    )
    debt_portal_max_days = fields.Integer(
        string="Latest Payment Date (days)",
        default=90,
        help="A payment date or plan proposed on the debtor's page is accepted at once "
        "when its last payment falls within this many days; later ones go to the collector.",
    )
    debt_portal_max_installments = fields.Integer(
        string="Most Installments",
        default=3,
        help="Installment plans proposed on the debtor's page with more installments "
        "go to the collector.",
    )
    debt_portal_min_first_percent = fields.Float(
        string="Smallest First Installment (%)",
        default=30.0,
        help="Installment plans proposed on the debtor's page whose first installment "
        "is below this share of the amount go to the collector.",
    )

    _debt_followup_interval_positive = models.Constraint(
        "CHECK(debt_followup_interval >= 0)",
        "The number of days between follow-up actions cannot be negative.",
    )
    _debt_min_amount_positive = models.Constraint(
        "CHECK(debt_min_amount >= 0)",
        "The minimum amount to follow up cannot be negative.",
    )
    _debt_max_call_attempts_positive = models.Constraint(
        "CHECK(debt_max_call_attempts >= 1)",
        "At least one call attempt is needed before writing.",
    )
    _debt_promise_grace_days_positive = models.Constraint(
        "CHECK(debt_promise_grace_days >= 0)",
        "The promise grace days cannot be negative.",
    )
    _debt_call_caps_positive = models.Constraint(
        "CHECK(debt_max_conversations_day >= 1 AND debt_max_conversations_week >= 1 "
        "AND debt_max_attempts >= 1 AND debt_attempts_period >= 1)",
        "Call caps and their period must be at least 1.",
    )
    _debt_late_fine_percent_positive = models.Constraint(
        "CHECK(debt_late_fine_percent >= 0)", "The late fine cannot be negative."
    )

    _debt_portal_limits_positive = models.Constraint(
        "CHECK(debt_portal_link_days >= 1 AND debt_portal_max_days >= 0 "
        "AND debt_portal_max_installments >= 1 "
        "AND debt_portal_min_first_percent BETWEEN 0 AND 100)",
        "The limits of the debtor's page must be positive, the first installment "
        "a share between 0 and 100%.",
    )

    @api.constrains("debt_late_fine_percent", "country_id")
    def _check_debt_late_fine_percent(self):
        for company in self:
            cap = (
                self.env["debt.followup.late.payment.rule"]._for_company(company).consumer_fine_cap
            )
            if cap and company.debt_late_fine_percent > cap:
                raise ValidationError(
                    self.env._(
                        "The late fine of %(company)s cannot exceed %(cap)s%% of the unpaid "
                        "amount in %(country)s.",
                        company=company.name,
                        cap=cap,
                        country=company.country_id.name,
                    )
                )

    @api.constrains("debt_responsible_id")
    def _check_debt_responsible(self):
        for company in self:
            company.debt_responsible_id._debt_check_collector_assignable(company)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["debt.followup.level"].sudo()._copy_ladder_to(companies)
        return companies
