# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo story of Conti Forniture Industriali S.p.A., dated relative to today.

XML demo files cannot compute dates, and overdue invoices, promises and calls only
make sense relative to the day the demo is installed: the records of
``demo/debt_followup_demo.xml`` (company, team, customers) are completed here with
the company's chart of accounts, posted invoices, payments, calls and promises.
"""

from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.fields import Command

# One row per invoice: customer (xml id suffix), days past due (negative: not yet
# due), amount in the invoice currency, and the ids of what the story does with it.
DEMO_INVOICES = [
    ("bianchi", 12, 1830.00, "bianchi_1"),
    ("bianchi", 4, 642.50, "bianchi_2"),
    ("rossi", 48, 4250.00, "rossi_1"),
    ("rossi", 27, 1980.00, "rossi_2"),
    ("esposito", 33, 389.90, "esposito_1"),
    ("gino", 40, 1275.00, "gino_1"),
    ("gino", -10, 560.00, "gino_2"),
    ("verdi", 25, 2140.00, "verdi_1"),
    ("greco", 16, 3600.00, "greco_1"),
    ("almeida", 24, 5320.00, "almeida_1"),
    ("ferreira", 9, 215.40, "ferreira_1"),
    ("lusitana", 62, 940.00, "lusitana_1"),
    ("souza", 110, 7600.00, "souza_0"),
    ("souza", 66, 12450.00, "souza_1"),
    ("oliveira", 95, 18900.00, "oliveira_1"),
    ("oliveira", 41, 6250.00, "oliveira_2"),
    ("pereira", 14, 1340.00, "pereira_1"),
    ("nordeste", 31, 9870.00, "nordeste_1"),
]
BRAZILIAN = ("souza", "oliveira", "pereira", "nordeste")
ITALIAN = ("bianchi", "rossi", "esposito", "gino", "verdi", "greco")

# Where each customer stands on the ladder: level (xml id suffix of the default
# ladder) and days since that step was taken.
DEMO_LEVELS = {
    "bianchi": ("courtesy", 15),
    "rossi": ("second_call", 14),
    "esposito": ("written_reminder", 13),
    "gino": ("first_call", 33),
    "verdi": ("written_reminder", 5),
    "greco": ("first_call", 9),
    "almeida": ("written_reminder", 4),
    "ferreira": ("courtesy", 12),
    "lusitana": ("formal_notice", 17),
    "souza": ("formal_notice", 21),
    "oliveira": ("visit", 35),
    "pereira": ("first_call", 7),
    "nordeste": ("second_call", 3),
}

# Calls: customer, days ago, hour, outcome, collector, minutes, note.
DEMO_CALLS = [
    (
        "rossi",
        20,
        10,
        "promise",
        "giulia",
        6,
        "Il sig. Rossi conferma: bonifico di 1.500 € entro dieci giorni.",
    ),
    ("rossi", 8, 15, "no_answer", "giulia", 0, ""),
    ("rossi", 6, 11, "busy", "giulia", 0, ""),
    ("esposito", 2, 17, "no_answer", "giulia", 0, ""),
    ("esposito", 1, 9, "third_party", "giulia", 1, "Ha risposto la moglie: richiamare dopo le 18."),
    (
        "gino",
        30,
        12,
        "dispute",
        "giulia",
        9,
        "Contesta la fattura: parte della merce è arrivata danneggiata.",
    ),
    ("verdi", 6, 10, "promise", "giulia", 4, "Pagherà tutto entro la settimana."),
    (
        "greco",
        2,
        16,
        "promise",
        "giulia",
        7,
        "Cassa in difficoltà dopo l'inverno: propone due rate.",
    ),
    (
        "almeida",
        4,
        15,
        "callback",
        "rafael",
        3,
        "A contabilista está de férias; ligar na segunda-feira.",
    ),
    ("souza", 75, 14, "promise", "rafael", 5, "Pagamento da fatura antiga até o fim do mês."),
    (
        "souza",
        14,
        15,
        "refused",
        "rafael",
        4,
        "Diz que só paga depois de receber dos clientes dele.",
    ),
    (
        "oliveira",
        40,
        16,
        "paid_claimed",
        "rafael",
        3,
        "Diz que pagou por boleto; não encontramos o pagamento.",
    ),
    ("pereira", 5, 19, "busy", "rafael", 0, ""),
    ("pereira", 3, 14, "wrong_number", "rafael", 0, "O número fixo não é mais dele."),
    ("nordeste", 3, 15, "promise", "rafael", 6, "Transferência integral no dia combinado."),
]

# Promises: customer, invoices, collector, made days ago, installments (days from
# today, amount in the invoices' currency, as the call wizard records them), state. The
# call of that customer with outcome "promise" made it.
DEMO_PROMISES = [
    ("rossi", ["rossi_1"], "giulia", 20, [(-10, 1500.00)], "broken"),
    ("verdi", ["verdi_1"], "giulia", 6, [(-1, 2140.00)], "kept"),
    ("greco", ["greco_1"], "giulia", 2, [(2, 1800.00), (16, 1800.00)], "open"),
    ("souza", ["souza_0"], "rafael", 75, [(-60, 7600.00)], "kept"),
    ("nordeste", ["nordeste_1"], "rafael", 3, [(5, 9870.00)], "open"),
]

# Invoices paid: invoice, days ago.
DEMO_PAYMENTS = [("souza_0", 60), ("verdi_1", 1)]

# Regular customers pay on time: a year of monthly invoices, paid on their due
# date, gives the days sales outstanding and the payment history their meaning.
DEMO_PAID_MONTHLY = [
    ("bianchi", 1450.00),
    ("rossi", 3900.00),
    ("verdi", 1200.00),
    ("greco", 980.00),
    ("almeida", 2600.00),
    ("souza", 9800.00),
]

DEMO_DISPUTES = {"gino_1": "Merce consegnata in parte danneggiata (DDT 118)."}

# Expected recovery (issue 20): Edilizia Moretti owes 36 € for seven months, broke
# two promises and no longer answers the phone; its next step (a visit, then a
# lawyer) costs more than it is expected to recover: "Stop or hand over?".
DEMO_STOP = {
    "partner": "moretti",
    "invoice": (210, 36.00),  # days past due, amount
    "level": ("formal_notice", 120),  # level, days since it was taken
    # days ago, hour, outcome, note
    "calls": [
        (180, 10, "promise", "Pagherà entro fine mese, dice il titolare."),
        (100, 11, "promise", "Promette di nuovo: bonifico la prossima settimana."),
        (30, 15, "no_answer", ""),
        (20, 10, "busy", ""),
        (10, 16, "no_answer", ""),
    ],
    # made days ago, due days ago: both broken
    "promises": [(180, 170), (100, 90)],
}


class DebtFollowupDemo(models.AbstractModel):
    _name = "debt.followup.demo"
    _description = "Debt Follow-up Demo Data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("debt_followup.demo_company")
        self._setup_company(company)
        env = self.with_company(company).with_context(tracking_disable=True).env
        today = fields.Date.context_today(self)
        partners = {
            key: env.ref(f"debt_followup.demo_partner_{key}")
            for key in {row[0] for row in DEMO_INVOICES}
        }
        self._create_paid_history(env, partners, today)
        invoices = self._create_invoices(env, partners, today)
        self._set_levels(env, partners, invoices, today)
        calls = self._create_calls(env, partners, invoices, today)
        self._create_promises(env, partners, invoices, calls, today)
        for key, days_ago in DEMO_PAYMENTS:
            self._pay(env, invoices[key], today - timedelta(days=days_ago))
        for key, reason in DEMO_DISPUTES.items():
            invoice = invoices[key]
            invoice.debt_dispute_reason = reason
            invoice.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).no_followup = True
        self._create_stop_story(env, today)
        # Today's daily run (without the cron's commits): "To do today" opens on
        # the actions due.
        Case = env["debt.followup.case"]
        Case._debt_for_partners(Case._debt_followup_candidates())._debt_followup_run(isolate=False)
        # The likelihood the worklist sorts by (the hourly job keeps it).
        Case._debt_recovery_store()
        self._setup_payment(company)

    @api.model
    def _setup_payment(self, company):
        """Odoo's demo payment provider (payment_demo, when installed) in test
        mode for the company: the debtor's page pays with it."""
        demo = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if not demo:
            return
        provider = demo.search(
            [("code", "=", demo.code), ("company_id", "=", company.id)], limit=1
        ) or demo.copy({"company_id": company.id})
        provider.write({"state": "test", "is_published": True})

    @api.model
    def _setup_company(self, company):
        """The chart of accounts, Brazilian reais for Brazil, and the demo
        company as the administrator's current company."""
        # try_loading() warns when called while modules are loading unless it
        # also installs the chart's demo invoices, which belong to Odoo's demo
        # customers and would blur the story: load the chart only.
        self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
        # The generic chart is American: make it Italian before the first entry.
        company.write(
            {
                "currency_id": self.env.ref("base.EUR").id,
                "account_fiscal_country_id": self.env.ref("base.it").id,
            }
        )
        # The company got its ladder as a copy of the main company's, before the
        # addon's translations were loaded (they come after the demo data): load
        # them now and give the copies the level names and call scripts in Italian
        # and Portuguese.
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        self.env["ir.module.module"]._load_module_terms(["debt_followup"], langs)
        main_ladder = self.env["debt.followup.level"].search(
            [("company_id", "=", self.env.ref("base.main_company").id)]
        )
        by_sequence = {level.sequence: level for level in main_ladder}
        for level in self.env["debt.followup.level"].search([("company_id", "=", company.id)]):
            by_sequence[level.sequence].copy_translations(level)
        brl = self.env.ref("base.BRL")
        brl.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": brl.id,
                "company_id": company.id,
                "name": fields.Date.context_today(self) - timedelta(days=400),
                "rate": 6.2,
            }
        )
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
        team = [self.env.ref(f"debt_followup.demo_user_{login}") for login in ("giulia", "rafael")]
        for key in ITALIAN:
            partner = self.env.ref(f"debt_followup.demo_partner_{key}")
            partner.with_company(company).debt_collector_id = team[0]
        for key in ("almeida", "ferreira", "lusitana", *BRAZILIAN):
            partner = self.env.ref(f"debt_followup.demo_partner_{key}")
            partner.with_company(company).debt_collector_id = team[1]

    @api.model
    def _invoice_vals(self, env, partner_key, partner, due, amount):
        """A demo invoice of ``amount`` due on ``due``, in reais for Brazilians."""
        currency = env.ref("base.BRL") if partner_key in BRAZILIAN else env.company.currency_id
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": due - timedelta(days=30),
            "invoice_date_due": due,
            "invoice_payment_term_id": False,
            "currency_id": currency.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Forniture industriali",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    @api.model
    def _create_invoices(self, env, partners, today):
        moves = env["account.move"].create(
            [
                self._invoice_vals(
                    env, key, partners[key], today - timedelta(days=days_late), amount
                )
                for key, days_late, amount, _ref in DEMO_INVOICES
            ]
        )
        moves.action_post()
        return {row[3]: move for row, move in zip(DEMO_INVOICES, moves, strict=True)}

    @api.model
    def _set_levels(self, env, partners, invoices, today):
        for key, (level, days_ago) in DEMO_LEVELS.items():
            level_record = self._company_level(env, level)
            action_date = today - timedelta(days=days_ago)
            env["debt.followup.case"]._debt_for_partners(partners[key]).write(
                {"level_id": level_record.id, "last_action_date": action_date}
            )
            moves = env["account.move"].concat(
                *(move for ref, move in invoices.items() if ref.startswith(f"{key}_"))
            )
            overdue = moves.filtered_domain([("invoice_date_due", "<=", action_date)])
            overdue.write(
                {"debt_followup_level_id": level_record.id, "debt_last_action_date": action_date}
            )

    @api.model
    def _company_level(self, env, level):
        """The demo company's copy of a level of the default ladder."""
        template = env.ref(f"debt_followup.debt_followup_level_{level}")
        return env["debt.followup.level"].search(
            [("company_id", "=", env.company.id), ("sequence", "=", template.sequence)], limit=1
        )

    @api.model
    def _create_calls(self, env, partners, invoices, today):
        users = {
            login: env.ref(f"debt_followup.demo_user_{login}") for login in ("giulia", "rafael")
        }
        vals_list = []
        for key, days_ago, hour, outcome, login, minutes, note in DEMO_CALLS:
            partner = partners[key]
            moves = env["account.move"].concat(
                *(move for ref, move in invoices.items() if ref.startswith(f"{key}_"))
            )
            # Calls at the debtor's local office hours; stored in UTC.
            utc_hour = hour - 1 if key not in BRAZILIAN else hour + 3
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "move_ids": [Command.set(moves.ids)],
                    "user_id": users[login].id,
                    "date": datetime.combine(today - timedelta(days=days_ago), time(utc_hour)),
                    "phone": partner.phone,
                    "outcome": outcome,
                    "duration": minutes,
                    "note": note or False,
                    "level_id": partner.debt_followup_level_id.id,
                    "callback_date": (
                        datetime.combine(today + timedelta(days=1), time(8))
                        if outcome in ("callback", "third_party")
                        else False
                    ),
                }
            )
        calls = env["debt.followup.call"].create(vals_list)
        return {(row[0], row[3]): call for row, call in zip(DEMO_CALLS, calls, strict=True)}

    @api.model
    def _create_promises(self, env, partners, invoices, calls, today):
        for key, refs, login, days_ago, installments, state in DEMO_PROMISES:
            moves = env["account.move"].concat(*(invoices[ref] for ref in refs))
            call = calls[(key, "promise")]
            promise = env["debt.followup.promise"].create(
                {
                    "partner_id": partners[key].id,
                    "move_ids": [Command.set(moves.ids)],
                    "call_id": call.id,
                    "user_id": env.ref(f"debt_followup.demo_user_{login}").id,
                    "currency_id": moves.currency_id.id,
                    "date": today - timedelta(days=days_ago),
                    "amount": sum(amount for _days, amount in installments),
                    "residual_at_promise": sum(moves.mapped("amount_residual")),
                    "line_ids": [
                        Command.create({"date": today + timedelta(days=days), "amount": amount})
                        for days, amount in installments
                    ],
                    "state": state,
                }
            )
            call.promise_id = promise

    @api.model
    def _create_paid_history(self, env, partners, today):
        for month in range(12, 2, -1):
            due = today - timedelta(days=30 * month)
            invoices = env["account.move"].create(
                [
                    self._invoice_vals(env, key, partners[key], due, amount)
                    for key, amount in DEMO_PAID_MONTHLY
                ]
            )
            invoices.action_post()
            self._pay(env, invoices, due)

    @api.model
    def _pay(self, env, invoice, date):
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": date})._create_payments()

    @api.model
    def _create_stop_story(self, env, today):
        """A small old debt with broken promises: see ``DEMO_STOP``."""
        key = DEMO_STOP["partner"]
        partner = env.ref(f"debt_followup.demo_partner_{key}")
        days_late, amount = DEMO_STOP["invoice"]
        invoice = env["account.move"].create(
            self._invoice_vals(env, key, partner, today - timedelta(days=days_late), amount)
        )
        invoice.action_post()
        level_key, days_ago = DEMO_STOP["level"]
        action_date = today - timedelta(days=days_ago)
        level = self._company_level(env, level_key)
        giulia = env.ref("debt_followup.demo_user_giulia")
        case = env["debt.followup.case"]._debt_for_partners(partner)
        case.write(
            {"level_id": level.id, "last_action_date": action_date, "collector_id": giulia.id}
        )
        invoice.write({"debt_followup_level_id": level.id, "debt_last_action_date": action_date})
        calls = env["debt.followup.call"].create(
            [
                {
                    "partner_id": partner.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "user_id": giulia.id,
                    # office hours in Italy, stored in UTC
                    "date": datetime.combine(today - timedelta(days=days), time(hour - 1)),
                    "phone": partner.phone,
                    "outcome": outcome,
                    "note": note or False,
                }
                for days, hour, outcome, note in DEMO_STOP["calls"]
            ]
        )
        promise_calls = calls.filtered(lambda call: call.outcome == "promise")
        for call, (made, due) in zip(promise_calls, DEMO_STOP["promises"], strict=True):
            call.promise_id = env["debt.followup.promise"].create(
                {
                    "partner_id": partner.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "call_id": call.id,
                    "user_id": giulia.id,
                    "currency_id": invoice.currency_id.id,
                    "date": today - timedelta(days=made),
                    "amount": amount,
                    "residual_at_promise": amount,
                    "line_ids": [
                        Command.create({"date": today - timedelta(days=due), "amount": amount})
                    ],
                    "state": "broken",
                }
            )
