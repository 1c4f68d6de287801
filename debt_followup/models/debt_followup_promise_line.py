# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .debt_followup_promise import WRITING_PROMISE

# What users may change on an installment: when and how much. Which promise it
# belongs to, and everything related from it, are not theirs to change.
USER_WRITABLE_FIELDS = {"date", "amount"}


class DebtFollowupPromiseLine(models.Model):
    _name = "debt.followup.promise.line"
    _description = "Promise to Pay Installment"
    _order = "date, id"

    promise_id = fields.Many2one(
        "debt.followup.promise", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one(related="promise_id.currency_id", store=True)
    company_id = fields.Many2one(related="promise_id.company_id", store=True)
    partner_id = fields.Many2one(related="promise_id.partner_id", store=True)
    state = fields.Selection(related="promise_id.state", store=True)

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "Each installment needs an amount above zero."
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.su:
            lines._debt_check_user_change()
        lines._debt_recheck_promises()
        return lines

    def write(self, vals):
        if not self.env.su and vals.keys() - USER_WRITABLE_FIELDS:
            raise AccessError(
                self.env._("Only the date and the amount of an installment can be changed.")
            )
        result = super().write(vals)
        if not self.env.su:
            self._debt_check_user_change(check_dates="date" in vals)
        self._debt_recheck_promises()
        return result

    def unlink(self):
        promises = self.promise_id
        if not self.env.su:
            self._debt_check_user_change(check_dates=False)
        result = super().unlink()
        self.browse()._debt_recheck_promises(promises)
        return result

    def _debt_check_user_change(self, check_dates=True):
        """Installments change only on open promises, and never fall due in the past."""
        if self.promise_id.filtered(lambda p: p.state != "open"):
            raise AccessError(
                self.env._("The installments of a closed promise to pay cannot be changed.")
            )
        today = fields.Date.context_today(self)
        if (
            check_dates
            and not self.promise_id._debt_records_history()
            and any(line.date < today for line in self)
        ):
            raise ValidationError(self.env._("A promise to pay cannot fall due in the past."))

    def _debt_recheck_promises(self, promises=None):
        """Installments edited on their own: their promise checks them again
        (sum, dates, count). Inside the promise's own create or write, its
        constraint does it once all installments are written."""
        if self.env.context.get("debt_writing_promise") is WRITING_PROMISE:
            return
        (promises if promises is not None else self.promise_id).exists()._check_lines()
