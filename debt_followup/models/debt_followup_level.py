# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHANNELS = [
    ("phone", "Phone call"),
    ("email", "E-mail"),
    ("letter", "Letter"),
    ("pec", "PEC / registered letter"),
    ("sms", "SMS"),
    ("visit", "Visit"),
    ("legal", "Legal action"),
]
# Channels that send something in writing (a letter, an e-mail, a PEC).
WRITTEN_CHANNELS = ("email", "letter", "pec")


class DebtFollowupLevel(models.Model):
    _name = "debt.followup.level"
    _description = "Follow-up Level"
    _order = "company_id, sequence, delay, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    delay = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="Days after the due date at which this step may start; "
        "negative for a courtesy reminder before the due date.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    call_script = fields.Html(
        translate=True,
        sanitize_attributes=False,
        help="What the collector says on the phone, in the customer's language.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "res.partner")],
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="Text Message Template",
        domain=[("model", "=", "res.partner")],
        help="Short message of this step, in the customer's language: sent by SMS on an "
        "SMS step, and written for the collector in the WhatsApp chat on every step.",
    )
    sms_show_amount = fields.Boolean(
        string="Amount in Text Messages",
        help="Show the amount due in the SMS and WhatsApp messages of this step. "
        "Off by default: anyone can read a phone's lock screen.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        help="Activity planned for the collector when this step needs a human.",
    )
    auto_execute = fields.Boolean(
        string="Send Automatically",
        help="Send written reminders of this step without a human.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)

    _delay_range = models.Constraint(
        "CHECK(delay BETWEEN -365 AND 3650)",
        "A follow-up step starts at most a year before and ten years after the due date.",
    )

    @api.constrains("sequence", "delay", "company_id", "active")
    def _check_delay_grows_with_sequence(self):
        for company in self.company_id:
            levels = self.search([("company_id", "=", company.id)], order="sequence, delay, id")
            for previous, level in pairwise(levels):
                if level.delay <= previous.delay:
                    raise ValidationError(
                        self.env._(
                            "Follow-up steps must start later as they go: "
                            "“%(level)s” (%(delay)s days) comes after "
                            "“%(previous)s” (%(previous_delay)s days).",
                            level=level.name,
                            delay=level.delay,
                            previous=previous.name,
                            previous_delay=previous.delay,
                        )
                    )

    @api.model
    def _copy_ladder_to(self, companies):
        """Give new companies the ladder of the main company, as a start."""
        main_company = self.env.ref("base.main_company", raise_if_not_found=False)
        if not main_company:
            return
        ladder = self.search([("company_id", "=", main_company.id)])
        for company in companies:
            ladder.copy({"company_id": company.id})
