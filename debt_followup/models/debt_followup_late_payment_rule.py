# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import format_date
from odoo.tools.misc import formatLang

from ..tools.formatting import format_amount
from ..tools.formatting import format_date as format_date_long
from ..tools.interest import late_fine, late_interest


class DebtFollowupLatePaymentRule(models.Model):
    """What the law of a country grants on late payment between businesses:
    commercial late interest (reference rate of the half-year + margin), a flat
    compensation per unpaid invoice, and the cap of a late fine charged to
    consumers. Global. Inside the European Union each debtor's letters cite the
    law of its own country (D.Lgs. 231/2002 in Italy, DL 62/2013 in Portugal,
    both implementing Directive 2011/7/EU); elsewhere the creditor's rule
    applies."""

    _name = "debt.followup.late.payment.rule"
    _description = "Late Payment Rule"
    _order = "country_id"

    country_id = fields.Many2one("res.country", required=True, index=True)
    law = fields.Char(
        required=True,
        help="Short reference printed on interest invoices and letters, e.g. D.Lgs. 231/2002.",
    )
    business_only = fields.Boolean(
        string="Business Debtors Only",
        default=True,
        help="Interest and compensation are charged to businesses and public bodies, "
        "never to consumers (see Debtor Type on the customer).",
    )
    margin = fields.Float(
        string="Points Above the Reference Rate",
        default=8.0,
        help="Statutory interest = reference rate of the half-year + these points.",
    )
    compensation_amount = fields.Monetary(
        string="Compensation per Unpaid Invoice",
        currency_field="currency_id",
        help="Flat compensation for recovery costs, due without a formal demand.",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.ref("base.EUR")
    )
    consumer_fine_cap = fields.Float(
        string="Consumer Late Fine Cap (%)",
        help="Highest late fine, in percent of the unpaid amount, that the company "
        "settings may charge (Brazil: 2%, CDC art. 52 §1). Zero: no cap.",
    )
    rate_ids = fields.One2many(
        "debt.followup.interest.rate", "rule_id", string="Reference Rates", copy=True
    )
    note = fields.Text(string="Source")
    active = fields.Boolean(default=True)

    _country_uniq = models.UniqueIndex(
        "(country_id) WHERE active",
        "There is already an active late payment rule for this country.",
    )
    _values_positive = models.Constraint(
        "CHECK(margin >= 0 AND compensation_amount >= 0 AND consumer_fine_cap >= 0)",
        "Points, compensation and fine cap cannot be negative.",
    )

    @api.constrains("consumer_fine_cap", "country_id")
    def _check_consumer_fine_cap(self):
        companies = (
            self.env["res.company"]
            .sudo()
            .search(
                [
                    ("partner_id.country_id", "in", self.country_id.ids),
                    ("debt_late_fine_percent", ">", 0),
                ]
            )
        )
        companies._check_debt_late_fine_percent()

    @api.model
    def _for_company(self, company):
        return self.sudo().search([("country_id", "=", company.country_id.id)], limit=1)

    @api.model
    def _for_debtors(self, debtors, company=None):
        """``{debtor: rule}``: the rule whose law a debtor's charges and letters
        cite. Between a creditor and a debtor both inside the European Union,
        the debtor's own country's rule when there is one (a Portuguese
        business reads DL 62/2013, an Italian one D.Lgs. 231/2002: both
        implement Directive 2011/7/EU with the same rate and compensation);
        any other debtor, the rule of the creditor's country."""
        company = company or self.env.company
        default = self._for_company(company)
        union = self.env.ref("base.europe", raise_if_not_found=False)
        union_countries = union.country_ids if union else self.env["res.country"]
        if company.country_id not in union_countries:
            return dict.fromkeys(debtors, default)
        own = {
            rule.country_id: rule
            for rule in self.sudo().search(
                [("country_id", "in", (debtors.country_id & union_countries).ids)]
            )
        }
        return {debtor: own.get(debtor.country_id, default) for debtor in debtors}

    def _rates(self):
        """{1 January / 1 July: reference rate} of this rule."""
        self.ensure_one()
        return {rate.date_from: rate.reference_rate for rate in self.rate_ids}

    @api.model
    def _late_charges(self, partners, until=None):
        """Late charges not yet invoiced for the overdue invoices of ``partners``
        in the current company, computed up to ``until`` (default today).

        Returns ({commercial partner id: [charge]}, {commercial partner id: note}),
        a charge being a dict with ``move``, ``kind`` (interest, compensation,
        fine), ``amount`` (company currency), ``until`` and ``label`` (in the
        debtor's language); the notes are in the user's language. Interest runs
        on each overdue installment's current residual (never more than what is
        still owed), from the day after the due date or after the last day
        already invoiced. Interest and compensation
        follow the late payment rule of the company's country, for businesses
        and public bodies only when the rule says so."""
        until = until or fields.Date.context_today(self)
        company = self.env.company
        currency = company.currency_id
        commercial = partners.commercial_partner_id
        charges = {partner_id: [] for partner_id in commercial.ids}
        notes = dict.fromkeys(commercial.ids, "")
        lines = self.env["debt.followup.case"]._debt_overdue_lines(commercial)
        if not lines:
            return charges, notes
        rules = self._for_debtors(lines.move_id.commercial_partner_id, company)
        rates_of = {rule: rule._rates() for rule in set(rules.values()) if rule}
        compensation_of = {
            rule: rule.currency_id._convert(rule.compensation_amount, currency, company, until)
            for rule in rates_of
        }
        fine_percent = company.debt_late_fine_percent
        done = {
            (origin.id, kind): last_day
            for origin, kind, last_day in self.env["account.move.line"]._read_group(
                [
                    ("debt_late_origin_id", "in", lines.move_id.ids),
                    ("parent_state", "!=", "cancel"),
                ],
                ["debt_late_origin_id", "debt_late_kind"],
                ["debt_late_until:max"],
            )
        }
        # The Late Payment Directive covers transactions within the European Union.
        union = self.env.ref("base.europe", raise_if_not_found=False)
        for move, move_lines in lines.grouped("move_id").items():
            debtor = move.commercial_partner_id
            rule = rules[debtor]
            rates = rates_of.get(rule, {})
            compensation = compensation_of.get(rule, 0.0)
            env = self.with_context(lang=debtor.lang or self.env.lang).env
            abroad = bool(
                union and debtor.country_id and debtor.country_id not in union.country_ids
            )
            entitled = rule and not abroad and not (rule.business_only and debtor.debt_is_consumer)
            if rule and abroad and (rates or compensation):
                notes[debtor.id] = self.env._(
                    "Debtor outside the European Union: no commercial late interest nor "
                    "compensation under Directive 2011/7/EU."
                )
            elif rule and not entitled and (rates or compensation):
                notes[debtor.id] = self.env._(
                    "Consumer: no commercial late interest nor compensation (business "
                    "debtors only)."
                )
            values = {"invoice": move.name, "law": rule.law or ""}
            if entitled:
                since = done.get((move.id, "interest"))
                for line in move_lines:
                    result = late_interest(
                        line.amount_residual,
                        line.date_maturity,
                        until,
                        rates,
                        margin=rule.margin,
                        since=since and since + datetime.timedelta(days=1),
                    )
                    if result.missing:
                        notes[debtor.id] = self.env._(
                            "No reference rate for the half-year from %(date)s: add it to "
                            "the late payment rule of %(country)s.",
                            date=format_date(self.env, result.missing),
                            country=rule.country_id.name,
                        )
                    amount = currency.round(result.interest)
                    if not currency.is_zero(amount):
                        charges[debtor.id].append(
                            {
                                "move": move,
                                "kind": "interest",
                                "amount": amount,
                                "until": result.last_day,
                                "label": env._(
                                    "Commercial late interest on %(invoice)s (%(law)s): "
                                    "%(amount)s unpaid from %(start)s to %(end)s, "
                                    "%(days)s days at %(rates)s a year",
                                    amount=formatLang(
                                        env, line.amount_residual, currency_obj=currency
                                    ),
                                    start=format_date(env, result.slices[0].start),
                                    end=format_date(env, result.last_day),
                                    days=sum(part.days for part in result.slices),
                                    rates=" / ".join(
                                        dict.fromkeys(
                                            f"{formatLang(env, part.rate)}%"
                                            for part in result.slices
                                        )
                                    ),
                                    **values,
                                ),
                            }
                        )
                if compensation and (move.id, "compensation") not in done:
                    charges[debtor.id].append(
                        {
                            "move": move,
                            "kind": "compensation",
                            "amount": compensation,
                            "until": False,
                            "label": env._(
                                "Compensation for recovery costs on %(invoice)s (%(law)s)",
                                **values,
                            ),
                        }
                    )
            # Only where the customer's terms provide it: a fine not agreed is not owed.
            agreed = move.invoice_payment_term_id.debt_late_fine
            fine = currency.round(
                late_fine(sum(move_lines.mapped("amount_residual")), fine_percent)
                if agreed
                else 0.0
            )
            if not currency.is_zero(fine) and (move.id, "fine") not in done:
                charges[debtor.id].append(
                    {
                        "move": move,
                        "kind": "fine",
                        "amount": fine,
                        "until": False,
                        "label": env._(
                            "Late fine of %(percent)s%% on %(invoice)s",
                            percent=formatLang(env, fine_percent),
                            **values,
                        ),
                    }
                )
        return charges, notes

    @api.model
    def _letter_charges(self, partner, lines, lang, charges=None):
        """Late charges of ``partner`` not yet invoiced, for letters and e-mails:
        one row per kind (``label``, ``amount``) in ``lang``, and the total due
        with them when the overdue ``lines`` are all in the company's currency.
        ``charges``: the first result of :meth:`_late_charges` for a batch of
        customers including this one (default: computed for this one)."""
        commercial = partner.commercial_partner_id
        if charges is None:
            charges = self._late_charges(commercial)[0]
        charges = charges.get(commercial.id, [])
        if not charges:
            return {"charges": [], "total_with_charges": ""}
        env = self.with_context(lang=lang).env
        company = self.env.company
        currency = company.currency_id
        rule = self._for_debtors(commercial, company)[commercial]
        totals = dict.fromkeys(("interest", "compensation", "fine"), 0.0)
        counts = dict.fromkeys(totals, 0)
        for charge in charges:
            totals[charge["kind"]] += charge["amount"]
            counts[charge["kind"]] += 1
        labels = {
            "interest": env._(
                "Commercial late interest up to %(date)s (%(law)s)",
                date=format_date_long(fields.Date.context_today(self), lang),
                law=rule.law or "",
            ),
            "compensation": env._(
                "Compensation for recovery costs, %(amount)s per unpaid invoice (%(law)s)",
                amount=format_amount(
                    totals["compensation"] / (counts["compensation"] or 1), currency.name, lang
                ),
                law=rule.law or "",
            ),
            "fine": env._(
                "Late fine of %(percent)s%%",
                percent=formatLang(env, company.debt_late_fine_percent),
            ),
        }
        rows = [
            {"label": labels[kind], "amount": format_amount(amount, currency.name, lang)}
            for kind, amount in totals.items()
            if amount
        ]
        total = ""
        if lines and lines.currency_id == currency:
            total = format_amount(
                sum(lines.mapped("amount_residual")) + sum(totals.values()), currency.name, lang
            )
        return {"charges": rows, "total_with_charges": total}

    @api.model
    def _invoice_late_charges(self, debtor):
        """A draft customer invoice for ``debtor`` (a commercial partner) with its
        late charges not yet invoiced."""
        charges = self._late_charges(debtor)[0][debtor.id]
        if not charges:
            raise UserError(
                self.env._(
                    "%(partner)s owes no late charges not yet invoiced.", partner=debtor.name
                )
            )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": debtor.id,
                "invoice_origin": ", ".join(dict.fromkeys(c["move"].name for c in charges)),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": charge["label"],
                            "quantity": 1,
                            "price_unit": charge["amount"],
                            "tax_ids": [Command.clear()],
                            "debt_late_origin_id": charge["move"].id,
                            "debt_late_kind": charge["kind"],
                            "debt_late_until": charge["until"],
                        }
                    )
                    for charge in charges
                ],
            }
        )
        return invoice
