# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

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
