# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of debt_followup at 10,000 customers, beside OCA's credit control.

    dev/env.sh python dev/bench.py [--customers 10000] [--invoices 50000]
        [--overdue-share 0.3] [--runs 3] [--heavy-runs 1] [--oca/--no-oca]
        [--steps status,daily,parallel,recovery,worklist,promise,oca] [--workers 2]
        (other steps: scheduler, send [--send-count 1000], queue_job)

The data lives in its own database, ``dfb_<customers>_<invoices>`` (plus the
overdue share when it is not 0.3), built once and reused while the sizes match;
each measurement works on a fresh copy of it (``<data>_run``), because the
daily run commits what it creates. Every measurement runs in its own Python
process, so that its peak RSS is its own.

How the data is built (one company, the main one, with the generic chart):

1. the customers through the ORM, in batches of 2,000;
2. a few dozen *template* invoices through the ORM, posted: amounts x
   {simple due date, 3-installment term} x {open, partly paid, paid}; payments
   are journal entries on the receivable account reconciled by the ORM
   (``account.move.line.reconcile``), so Odoo itself computes the residuals,
   ``reconciled``, ``matching_number``, ``payment_state`` and the partial/full
   reconcile records;
3. the other invoices are row-for-row copies of a template bundle (the invoice,
   its payment entry, their journal items, partial and full reconciles), written
   with ``COPY`` in batches of 5,000 invoices, committed after each batch, with
   new ids for every row and every foreign key between them (read from
   PostgreSQL's catalogue), the customer replaced, every date shifted by the same
   number of days, and a new number in the journal's sequence. Amounts,
   residuals, reconciliation state and payment state are those Odoo computed for
   the template, so the accounting stays consistent; the copies carry no chatter
   message (the benchmark does not read invoice chatter).
"""

import argparse
import configparser
import contextlib
import hashlib
import importlib
import io
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg2
from lxml import etree

import odoo
from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service import server as odoo_server
from odoo.tools import config
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.models.ir_cron import IrCron

REPO = Path(__file__).resolve().parent.parent
ADDON = REPO / "debt_followup"
CACHE = Path(os.environ.get("DEBT_CACHE", "/var/cache/debt_followup"))
OCA_DIR = CACHE / "oca"
OCA_ADDONS = OCA_DIR / "odoo" / "addons"
OCA_PACKAGE = "odoo-addon-account-credit-control>=19.0,<19.1"
# OCA's queue_job, installed by dev/env.sh setup (bridge debt_followup_queue_job).
QUEUE_JOB_ADDONS = CACHE / "oca-queue" / "odoo" / "addons"
RESULTS = REPO / "bench-results"
PARAM = "debt_followup_bench.dataset"
MiB = 1024 * 1024

# Targets of issue 8, for the table (seconds, queries, MiB).
TARGETS = {
    "status": (0.2, 5),
    "daily_first": (60.0, None),
    "daily_second": (5.0, None),
    "worklist": (0.2, None),
    # issue 20: the expected recovery of every customer of the company
    "recovery": (1.0, 5),
    "promise": (10.0, None),
}
RSS_TARGET_MIB = 1024
# Seconds the worker processes get to load Odoo before their common start.
WORKER_START_DELAY = 12


# --------------------------------------------------------------------------
# driver side: databases, configuration, subprocesses
# --------------------------------------------------------------------------


def odoo_src():
    return Path(odoo.__path__[0]).parent


def shared_conf():
    out = subprocess.run(
        [str(REPO / "dev/env.sh"), "conf"], check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip())


def bench_conf(with_oca):
    """The shared configuration plus OCA's addons folder: used only for the
    benchmark databases, never written into the shared file."""
    parser = configparser.ConfigParser()
    parser.read(shared_conf())
    if not parser.has_section("options"):
        subprocess.run([str(REPO / "dev/env.sh"), "setup"], check=True)
        parser.read(shared_conf())
    paths = [str(odoo_src() / "addons"), str(REPO)]
    if with_oca:
        paths.append(str(OCA_ADDONS))
    if QUEUE_JOB_ADDONS.is_dir():
        paths.append(str(QUEUE_JOB_ADDONS))
    parser["options"]["addons_path"] = ",".join(paths)
    tag = hashlib.sha1(str(REPO).encode()).hexdigest()[:8]
    conf = CACHE / "conf" / f"bench-{tag}-{'oca' if with_oca else 'plain'}.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    with conf.open("w") as handle:
        parser.write(handle)
    return conf, parser["options"]


def pg_connect(options, dbname="postgres"):

    conn = psycopg2.connect(
        dbname=dbname,
        host=options.get("db_host", "127.0.0.1"),
        port=options.get("db_port", "5432"),
        user=options.get("db_user", "odoo"),
    )
    conn.autocommit = True
    return conn


def db_exists(options, name):
    with pg_connect(options) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def copy_db(options, source, target):
    conn = pg_connect(options)
    with conn.cursor() as cr:
        for name in (source, target):
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
        cr.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cr.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    conn.close()
    store = CACHE / "data" / "filestore"
    subprocess.run(["rm", "-rf", str(store / target)], check=True)
    if (store / source).is_dir():
        subprocess.run(["cp", "-a", str(store / source), str(store / target)], check=True)


def activity_counts(options, name):
    """Open follow-up activities on the collection cases, and how many of them
    duplicate another of the same type on the same case."""
    conn = pg_connect(options, name)
    with conn.cursor() as cr:
        cr.execute(
            "SELECT COUNT(*), COUNT(*) - COUNT(DISTINCT (res_id, activity_type_id))"
            " FROM mail_activity WHERE res_model = 'debt.followup.case' AND active"
        )
        counts = cr.fetchone()
    conn.close()
    return counts


def drop_db(options, name):
    conn = pg_connect(options)
    with conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()
    subprocess.run(["rm", "-rf", str(CACHE / "data" / "filestore" / name)], check=True)


def dataset_info(options, name):
    """What the data database holds (sizes, generation time, modules)."""
    conn = pg_connect(options, name)
    with conn.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [PARAM])
        row = cr.fetchone()
        cr.execute(
            "SELECT name, latest_version FROM ir_module_module WHERE state = 'installed'"
            " AND name IN ('debt_followup', 'account_credit_control')"
        )
        modules = dict(cr.fetchall())
    conn.close()
    return (json.loads(row[0]) if row else None), modules


def addon_hash():
    digest = hashlib.sha1()
    for path in sorted(ADDON.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ADDON)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def nice_cmd(cmd):
    return ["nice", "-n", "15", *cmd]


def run_odoo(conf, db, *args):
    cmd = [sys.executable, str(odoo_src() / "odoo-bin"), "-c", str(conf), "-d", db]
    cmd += [*args, "--stop-after-init", "--log-level=warn"]
    subprocess.run(nice_cmd(cmd), check=True)


def _worker_cmd(conf, db, step, params):
    return nice_cmd(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            step,
            "--db",
            db,
            "--conf",
            str(conf),
            "--params",
            json.dumps(params),
        ]
    )


def _worker_result(step, db, returncode, stdout, stderr):
    lines = [line for line in stdout.splitlines() if line.startswith("BENCH ")]
    if returncode or not lines:
        sys.stderr.write(stderr[-6000:])
        if step in ("generate", "stamp", "promise_setup"):
            raise SystemExit(f"worker {step} failed on {db}")
        errors = [line for line in stderr.splitlines() if "Error" in line]
        return {"missing": f"failed: {errors[-1] if errors else 'see the log'}"}
    return json.loads(lines[-1][len("BENCH ") :])


def run_worker(conf, db, step, params):
    out = subprocess.run(
        _worker_cmd(conf, db, step, params), check=False, capture_output=True, text=True
    )
    return _worker_result(step, db, out.returncode, out.stdout, out.stderr)


def run_workers_together(conf, db, step, params, count):
    """``count`` processes running ``step`` on the same database at the same
    moment, as Odoo's cron workers would: their results, and the wall time from
    the common start to the last one's end."""
    start_at = time.time() + WORKER_START_DELAY
    # Output to files, not pipes: a worker must never wait for the driver to read.
    with contextlib.ExitStack() as files:
        procs = []
        for _i in range(count):
            stdout = files.enter_context(tempfile.TemporaryFile("w+"))
            stderr = files.enter_context(tempfile.TemporaryFile("w+"))
            cmd = _worker_cmd(conf, db, step, params | {"start_at": start_at})
            procs.append((subprocess.Popen(cmd, stdout=stdout, stderr=stderr), stdout, stderr))
        results = []
        for proc, stdout, stderr in procs:
            proc.wait()
            stdout.seek(0)
            stderr.seek(0)
            results.append(_worker_result(step, db, proc.returncode, stdout.read(), stderr.read()))
    ends = [r["ended_at"] for r in results if "ended_at" in r]
    return results, (max(ends) - start_at if len(ends) == count else None)


def ensure_oca_package():
    if (OCA_ADDONS / "account_credit_control" / "__manifest__.py").exists():
        return
    print(f"==> installing {OCA_PACKAGE} into {OCA_DIR} (--no-deps)", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(OCA_DIR),
            OCA_PACKAGE,
        ],
        check=True,
    )


def ensure_dataset(args, conf, options):
    name = f"dfb_{args.customers}_{args.invoices}"
    if args.overdue_share != 0.3:
        name += f"_{round(args.overdue_share * 100)}"
    wanted = {
        "customers": args.customers,
        "invoices": args.invoices,
        "overdue_share": args.overdue_share,
    }
    info = None
    if db_exists(options, name):
        info, modules = dataset_info(options, name)
        if not info or any(info.get(k) != v for k, v in wanted.items()):
            print(f"==> {name} is incomplete: rebuilding it", flush=True)
            info = None
    if info is None:
        subprocess.run([str(REPO / "dev/env.sh"), "fresh-db", name], check=True)
        modules_to_install = "debt_followup"
        if args.oca:
            modules_to_install += ",account_credit_control"
        print(f"==> installing {modules_to_install} in {name}", flush=True)
        run_odoo(conf, name, "-i", modules_to_install)
        started = time.perf_counter()
        result = run_worker(conf, name, "generate", wanted | {"seed": args.seed})
        print(
            f"==> generated {name} in {time.perf_counter() - started:.0f} s "
            f"({json.dumps(result['timings'])})",
            flush=True,
        )
        run_worker(conf, name, "stamp", {"hash": addon_hash()})
        info, modules = dataset_info(options, name)
    else:
        to_install = []
        if args.oca and "account_credit_control" not in modules:
            to_install.append("account_credit_control")
        if to_install:
            run_odoo(conf, name, "-i", ",".join(to_install))
        if info.get("addon_hash") != addon_hash():
            print(f"==> debt_followup changed since {name} was built: updating it", flush=True)
            run_odoo(conf, name, "-u", "debt_followup")
            run_worker(conf, name, "stamp", {"hash": addon_hash()})
        info, modules = dataset_info(options, name)
    return name, info


# --------------------------------------------------------------------------
# worker side: inside Odoo
# --------------------------------------------------------------------------


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MiB


SQL_SECONDS = [0.0]


def _timed_execute(execute):
    """``Cursor.execute`` adding its elapsed time to ``SQL_SECONDS``: the time
    spent waiting for PostgreSQL, apart from the Odoo process's own CPU time."""

    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return execute(self, *args, **kwargs)
        finally:
            SQL_SECONDS[0] += time.perf_counter() - started

    return timed


class Meter:
    """Wall time, CPU time of the process, time in SQL and number of queries
    of a block (all cursors of the process)."""

    def __enter__(self):
        self.queries0 = sql_db.sql_counter
        self.sql0 = SQL_SECONDS[0]
        self.cpu0 = time.process_time()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.cpu0
        self.sql = SQL_SECONDS[0] - self.sql0
        self.queries = sql_db.sql_counter - self.queries0


def worker(step, db, conf, params):

    config.parse_config(["-c", conf, "-d", db, "--log-level=warn"], setup_logging=True)
    sql_db.Cursor.execute = _timed_execute(sql_db.Cursor.execute)
    odoo_server.load_server_wide_modules()
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env = env(context=env["res.users"].browse(SUPERUSER_ID).context_get())
        rss_before = current_rss_mib()
        result = STEPS[step](env, params)
        cr.commit()
    result["rss_start_mib"] = round(rss_before, 1)
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    print("BENCH " + json.dumps(result, default=str), flush=True)


def bench_company(env):
    return env.ref("base.main_company")


def bench_customers(env):
    return env["res.partner"].search(
        [("ref", "=like", "BENCH-%"), ("parent_id", "=", False)], order="id"
    )


# ---- generation -----------------------------------------------------------


def _fk_map(cr, table):
    """{column: referenced table} from PostgreSQL's catalogue."""
    cr.execute(
        """
        SELECT a.attname, cf.relname
          FROM pg_constraint c
          JOIN pg_class ct ON ct.oid = c.conrelid
          JOIN pg_class cf ON cf.oid = c.confrelid
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND ct.relname = %s
        """,
        [table],
    )
    return dict(cr.fetchall())


def _column_types(cr, table):
    cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return cr.fetchall()


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    elif isinstance(value, date | datetime):
        value = value.isoformat()
    else:
        value = str(value)
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


CLONED_TABLES = [
    "account_full_reconcile",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
]


class Cloner:
    """Copies template bundles (moves, items, reconciles) row for row."""

    def __init__(self, cr):
        self.cr = cr
        self.columns = {t: _column_types(cr, t) for t in CLONED_TABLES}
        self.fks = {t: _fk_map(cr, t) for t in CLONED_TABLES}
        cr.execute(
            "SELECT journal_id, sequence_prefix, MAX(sequence_number) FROM account_move"
            " WHERE sequence_prefix IS NOT NULL GROUP BY journal_id, sequence_prefix"
        )
        self.sequences = {(j, p): n for j, p, n in cr.fetchall()}
        self.buffers = {t: io.StringIO() for t in CLONED_TABLES}

    def _rows(self, table, column, ids):
        self.cr.execute(
            f"SELECT * FROM {table} WHERE {column} = ANY(%s) ORDER BY id",
            [list(ids)],
        )
        names = [d.name for d in self.cr.description]
        return [dict(zip(names, row, strict=True)) for row in self.cr.fetchall()]

    def load_bundle(self, invoice_id):
        """The invoice, the entries reconciled with it, and their reconciles."""
        moves = {invoice_id}
        lines = self._rows("account_move_line", "move_id", moves)
        partials = self._rows(
            "account_partial_reconcile", "debit_move_id", [line["id"] for line in lines]
        )
        moves |= {
            line["move_id"]
            for line in self._rows(
                "account_move_line", "id", [p["credit_move_id"] for p in partials]
            )
        }
        lines = self._rows("account_move_line", "move_id", moves)
        line_ids = [line["id"] for line in lines]
        partials = self._rows("account_partial_reconcile", "debit_move_id", line_ids)
        fulls = {line["full_reconcile_id"] for line in lines} - {None}
        return {
            "account_move": self._rows("account_move", "id", moves),
            "account_move_line": lines,
            "account_partial_reconcile": partials,
            "account_full_reconcile": self._rows("account_full_reconcile", "id", fulls),
        }

    def reserve_ids(self, table, count):
        self.cr.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in self.cr.fetchall()]

    def _new_name(self, move, delta):
        prefix = move["sequence_prefix"]
        old_date = move["date"]
        new_date = old_date + delta
        match = re.match(r"^(.*?)(\d{4})(/(\d{2})/|/)$", prefix)
        if match:
            month = f"/{new_date.month:02d}/" if match.group(4) else "/"
            prefix = f"{match.group(1)}{new_date.year}{month}"
        key = (move["journal_id"], prefix)
        number = self.sequences.get(key, 0) + 1
        self.sequences[key] = number
        width = len(move["name"]) - len(move["sequence_prefix"])
        return prefix, number, f"{prefix}{number:0{width}d}"

    def clone(self, bundle, partner_from, partner_to, delta, ids):
        """Append one copy of ``bundle`` to the COPY buffers; ``ids`` maps
        table -> iterator of fresh ids."""
        remap = {t: {} for t in CLONED_TABLES}
        for table in CLONED_TABLES:
            for row in bundle[table]:
                remap[table][row["id"]] = next(ids[table])
        names = {}
        for move in bundle["account_move"]:
            prefix, number, name = self._new_name(move, delta)
            names[move["name"]] = (name, prefix, number)
        copy = {
            "remap": remap,
            "names": names,
            "partner": (partner_from, partner_to),
            "delta": delta,
        }
        for table in CLONED_TABLES:
            buffer = self.buffers[table]
            for row in bundle[table]:
                values = (
                    _copy_value(self._value(copy, table, column, data_type, row))
                    for column, data_type in self.columns[table]
                )
                buffer.write("\t".join(values) + "\n")

    def _value(self, copy, table, column, data_type, row):
        """The value of ``column`` in the copy of ``row``."""
        value = row[column]
        remap = copy["remap"]
        target = self.fks[table].get(column)
        if column == "id":
            value = remap[table][value]
        elif value is not None and target in remap:
            value = remap[target].get(value, value)
        elif target == "res_partner" and value == copy["partner"][0]:
            value = copy["partner"][1]
        elif value is not None and data_type == "date":
            value += copy["delta"]
        elif column == "matching_number" and value:
            value = (
                f"P{remap['account_partial_reconcile'][int(value[1:])]}"
                if value.startswith("P")
                else str(remap["account_full_reconcile"][int(value)])
            )
        elif table == "account_move" and column in ("sequence_prefix", "sequence_number"):
            value = copy["names"][row["name"]][1 if column == "sequence_prefix" else 2]
        elif isinstance(value, str):
            for old, (new, _prefix, _number) in copy["names"].items():
                value = value.replace(old, new)
        return value

    def flush(self):
        for table in CLONED_TABLES:
            buffer = self.buffers[table]
            buffer.seek(0)
            columns = ", ".join(f'"{c}"' for c, _t in self.columns[table])
            self.cr._obj.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            self.buffers[table] = io.StringIO()


AMOUNTS = [120.0, 480.5, 950.0, 1830.25, 3600.0, 7420.9]


def _make_templates(env, company, partner, today):
    """Invoices posted by the ORM: amounts x terms x (open, partial, paid)."""

    term = env["account.payment.term"].create(
        {
            "name": "Bench: 40/30/30 at 30, 60, 90 days",
            "company_id": company.id,
            "line_ids": [
                Command.create({"value": "percent", "value_amount": 40, "nb_days": 30}),
                Command.create({"value": "percent", "value_amount": 30, "nb_days": 60}),
                Command.create({"value": "percent", "value_amount": 30, "nb_days": 90}),
            ],
        }
    )
    misc = env["account.journal"].search(
        [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
    )
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    invoice_date = today - timedelta(days=60)
    specs = []
    for amount in AMOUNTS:
        for term_kind in ("simple", "installments"):
            for kind in ("open", "partial", "paid"):
                specs.append((amount, term_kind, kind))
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": invoice_date + timedelta(days=30),
                "invoice_payment_term_id": term.id if term_kind == "installments" else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for amount, term_kind, _kind in specs
        ]
    )
    invoices.action_post()
    templates = {}
    for invoice, (amount, term_kind, kind) in zip(invoices, specs, strict=True):
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        if kind != "open":
            paid = amount if kind == "paid" else round(amount * 0.45, 2)
            entry = env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": misc.id,
                    "date": invoice_date + timedelta(days=10),
                    "ref": f"Payment {invoice.name}",
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": bank.default_account_id.id,
                                "partner_id": partner.id,
                                "debit": paid,
                            }
                        ),
                        Command.create(
                            {
                                "account_id": receivable.account_id[:1].id,
                                "partner_id": partner.id,
                                "credit": paid,
                            }
                        ),
                    ],
                }
            )
            entry.action_post()
            (receivable | entry.line_ids.filtered(lambda line: line.credit)).reconcile()
        first_due = min(receivable.mapped("date_maturity"))
        templates.setdefault((term_kind, kind), []).append((invoice.id, first_due))
    env.flush_all()
    return templates


def _create_customers(env, count):
    """Customers in Italy, Portugal and Brazil, through the ORM, 2,000 a batch."""
    countries = [env.ref("base.it"), env.ref("base.pt"), env.ref("base.br")]
    phones = {"IT": "+39 06 %07d", "PT": "+351 21 %07d", "BR": "+55 11 9%08d"}
    partner_ids = []
    for start in range(0, count, 2000):
        vals = []
        for i in range(start, min(count, start + 2000)):
            country = countries[i % 3]
            vals.append(
                {
                    "name": f"Bench Customer {i + 1:05d}",
                    "ref": f"BENCH-{i + 1:05d}",
                    "is_company": True,
                    "customer_rank": 1,
                    "country_id": country.id,
                    "email": f"customer{i + 1}@example.com",
                    "phone": phones[country.code] % (i + 1),
                }
            )
        partner_ids += env["res.partner"].create(vals).ids
        env.cr.commit()
    return partner_ids


def _plan_copy(rng, today, overdue_share):
    """(term, state, first due date) of one invoice: ``overdue_share`` overdue
    by 1-180 days (a quarter of them partly paid), 20% not due yet, the rest
    paid; 15% on the 3-installment term."""
    term_kind = "installments" if rng.random() < 0.15 else "simple"
    draw = rng.random()
    if draw < overdue_share:
        kind = "partial" if rng.random() < 0.25 else "open"
        first_due = today - timedelta(days=rng.randint(1, 180))
    elif draw < overdue_share + min(0.2, 1 - overdue_share):
        kind = "open"
        first_due = today + timedelta(days=rng.randint(0, 29))
    else:
        kind = "paid"
        first_due = today - timedelta(days=rng.randint(0, 330))
    return term_kind, kind, first_due


def _copy_invoices(env, rng, templates, template_partner, *, partner_ids, copies, params):
    cr = env.cr
    today = fields.Date.context_today(env.user)
    cloner = Cloner(cr)
    bundles = {}
    batch = 5000
    for start in range(0, copies, batch):
        plan = []
        for _i in range(start, min(copies, start + batch)):
            term_kind, kind, first_due = _plan_copy(rng, today, params["overdue_share"])
            invoice_id, template_due = rng.choice(templates[(term_kind, kind)])
            if invoice_id not in bundles:
                bundles[invoice_id] = cloner.load_bundle(invoice_id)
            plan.append((bundles[invoice_id], rng.choice(partner_ids), first_due - template_due))
        counts = dict.fromkeys(CLONED_TABLES, 0)
        for bundle, _partner, _delta in plan:
            for table in CLONED_TABLES:
                counts[table] += len(bundle[table])
        ids = {table: iter(cloner.reserve_ids(table, counts[table])) for table in CLONED_TABLES}
        for bundle, partner, delta in plan:
            cloner.clone(bundle, template_partner.id, partner, delta, ids)
        cloner.flush()
        cr.commit()
        print(f"generated {start + len(plan)}/{copies} invoices", file=sys.stderr, flush=True)


def gen_generate(env, params):
    """Customers, templates, then the copies (see the module docstring)."""
    rng = random.Random(params["seed"])
    timings = {}
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    today = fields.Date.context_today(env.user)

    started = time.perf_counter()
    partner_ids = _create_customers(env, params["customers"])
    timings["customers_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    template_partner = env["res.partner"].browse(partner_ids[0])
    templates = _make_templates(env, bench_company(env), template_partner, today)
    env.cr.commit()
    timings["templates_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    copies = max(params["invoices"] - sum(len(v) for v in templates.values()), 0)
    _copy_invoices(
        env, rng, templates, template_partner, partner_ids=partner_ids, copies=copies, params=params
    )
    timings["copies_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    env.cr.execute("ANALYZE")
    timings["analyze_s"] = round(time.perf_counter() - started, 1)
    info = {
        "customers": params["customers"],
        "invoices": params["invoices"],
        "overdue_share": params["overdue_share"],
        "date": str(today),
        "timings": timings,
    }
    env["ir.config_parameter"].set_param(PARAM, json.dumps(info))
    return {"timings": timings}


def gen_stamp(env, params):
    info = json.loads(env["ir.config_parameter"].get_param(PARAM))
    info["addon_hash"] = params["hash"]
    env["ir.config_parameter"].set_param(PARAM, json.dumps(info))
    return {}


# ---- measurements -----------------------------------------------------------

STATUS_FIELDS = [
    "debt_overdue_amount",
    "debt_overdue_count",
    "debt_oldest_overdue_days",
    "debt_unapplied_credit",
    "debt_followup_level_id",
    "debt_followup_status",
    "debt_next_action_date",
]


def step_status(env, params):
    """The payment status of all customers, cold cache each time: of the whole
    company (``debt.followup.case._debt_partner_statuses``, what the status
    filters search), of the 10,000 customers given as a recordset
    (``_debt_payment_status``, what the compute and the daily run call), then
    through one ORM ``read`` of the status fields (what an export or a report
    over every customer does: the ORM computes them 1,000 records at a time,
    ``PREFETCH_MAX``) and of the first 1,000 (one batch)."""
    partners = bench_customers(env)
    fields_ = [f for f in STATUS_FIELDS if f in partners._fields]
    env = env(context=dict(env.context, allowed_company_ids=[bench_company(env).id]))
    result = {"partners": len(partners), "fields": fields_}
    measures = {
        "samples": lambda records: records.env["debt.followup.case"]._debt_partner_statuses(),
        "samples_given": lambda records: records._debt_payment_status(),
        "samples_read": lambda records: records.read(fields_),
        "samples_1000": lambda records: records[:1000].read(fields_),
    }
    for key, measure in measures.items():
        result[key] = []
        for _run in range(params["runs"]):
            env.invalidate_all()
            # a request starts with its user and company loaded: not counted
            env.company.currency_id.mapped("rounding")
            env.user.mapped("tz")
            records = env["res.partner"].browse(partners.ids)
            with Meter() as meter:
                values = measure(records)
            result[key].append((meter.seconds, meter.queries, meter.cpu, meter.sql))
        if key == "samples":
            result["overdue_partners"] = sum(1 for v in values.values() if v.overdue_amount > 0)
    return result


def _footprint(env):
    """What the daily run may create: counts before and after."""
    counts = {}
    for model in ("mail.activity", "mail.message", "mail.mail", "ir.attachment", "sms.sms"):
        if model in env:
            env.cr.execute(SQL_COUNT % env[model]._table)
            counts[model] = env.cr.fetchone()[0]
    return counts


SQL_COUNT = "SELECT COUNT(*) FROM %s"  # table names come from the registry


def _run_daily(env):
    """The daily run, then (where the sending is a job of its own) the sending
    job, each measured: wall, queries, CPU and SQL of each, and what they made."""
    env.invalidate_all()
    before = _footprint(env)
    sending = None
    with Meter() as meter:
        if "debt.followup.send" in env:
            env["debt.followup.case"]._cron_debt_followup()
        else:
            env["res.partner"]._cron_debt_followup()
        env.flush_all()
    env.cr.commit()
    if "debt.followup.send" in env:
        env.invalidate_all()
        with Meter() as sending:
            env["debt.followup.send"]._cron_debt_followup_send()
            env.flush_all()
        env.cr.commit()
    after = _footprint(env)
    created = {model: after[model] - before[model] for model in after}
    return meter, created, sending


def step_daily(env, params):
    partners = env["res.partner"]
    if not hasattr(partners, "_cron_debt_followup"):
        return {"missing": "res.partner._cron_debt_followup (engine not merged)"}
    first, created_first, sending = _run_daily(env)
    rss_first = peak_rss_mib()
    second, created_second, _sending = _run_daily(env)
    result = {
        "first": (first.seconds, first.queries, first.cpu, first.sql),
        "second": (second.seconds, second.queries, second.cpu, second.sql),
        "created_first": created_first,
        "created_second": created_second,
        "peak_rss_first_mib": round(rss_first, 1),
    }
    if sending:
        result["sending"] = (sending.seconds, sending.queries, sending.cpu, sending.sql)
    return result


def step_daily_share(env, params):
    """One cron worker's share of the first daily run: waits for the common
    start, then runs the cron method as a worker does (its batches commit)."""
    while time.time() < params["start_at"]:
        time.sleep(0.01)
    with Meter() as meter:
        env["res.partner"]._cron_debt_followup()
        env.flush_all()
    env.cr.commit()
    return {"run": (meter.seconds, meter.queries, meter.cpu, meter.sql), "ended_at": time.time()}


def _list_specification(env, model, view_id):

    views = env[model].get_views([(view_id, "list")])
    arch = etree.fromstring(views["views"]["list"]["arch"])
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        field = env[model]._fields[name]
        if field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}} if node.get("widget") else {}
        else:
            spec[name] = {}
    return spec, arch.get("default_order") or ""


def step_worklist(env, params):

    model = "debt.followup.worklist"
    if model not in env:
        return {"missing": f"{model} (engine not merged)"}
    action = env["ir.actions.act_window"].search(
        [("res_model", "=", model), ("view_mode", "like", "list")], limit=1
    )
    list_view = next((vid for vid, kind in action.views if kind == "list"), False)
    spec, order = _list_specification(env, model, list_view)
    domain = safe_eval(action.domain or "[]", {"uid": env.uid})
    context = safe_eval(action.context or "{}", {"uid": env.uid})
    user = env.ref("base.user_admin")
    records = env[model].with_user(user).with_context(**context)
    samples = []
    for _run in range(params["runs"]):
        env.invalidate_all()
        with Meter() as meter:
            page = records.web_search_read(
                domain, spec, offset=0, limit=80, order=order or None, count_limit=10001
            )
        samples.append((meter.seconds, meter.queries, meter.cpu, meter.sql))
    return {
        "samples": samples,
        "rows": len(page["records"]),
        "length": page["length"],
        "order": order or env[model]._order,
        "action": action.get_external_id().get(action.id, action.name),
    }


def step_recovery(env, params):
    """Expected recovery of every customer of the company, cold cache each time:
    the figures (``debt.followup.case._debt_recovery_figures``: likelihood,
    grade, reasons, expected recovery, next step cost, stop or hand over?), then
    the hourly job that keeps the likelihood on the cases for the worklist's order
    (``_debt_recovery_store``: the figures and one UPDATE of the rows that moved;
    the first run writes them all)."""
    Case = env["debt.followup.case"]
    if not hasattr(Case, "_debt_recovery_figures"):
        return {"missing": "debt.followup.case._debt_recovery_figures (issue 20 not merged)"}
    env = env(context=dict(env.context, allowed_company_ids=[bench_company(env).id]))
    result = {"cases": env["debt.followup.case"].search_count([])}
    measures = {
        "samples": lambda cases: cases._debt_recovery_figures(),
        "samples_store": lambda cases: cases._debt_recovery_store(),
    }
    for key, measure in measures.items():
        result[key] = []
        for _run in range(params["runs"]):
            env.invalidate_all()
            env.company.currency_id.mapped("rounding")
            env.user.mapped("tz")
            with Meter() as meter:
                values = measure(env["debt.followup.case"])
            env.flush_all()
            result[key].append((meter.seconds, meter.queries, meter.cpu, meter.sql))
        if key == "samples":
            result["customers"] = len(values)
            result["flagged"] = sum(1 for figure in values.values() if figure.stop_suggested)
            result["grades"] = dict(
                sorted(Counter(figure.grade for figure in values.values()).items())
            )
    return result


def step_promise_setup(env, params):
    """5,000 open promises on customers with overdue invoices, a third of them
    with an installment already past its date and grace (to be broken)."""

    model = env["debt.followup.promise"]
    if not hasattr(model, "_cron_debt_promise_check"):
        return {"missing": "debt.followup.promise._cron_debt_promise_check (calls not merged)"}
    company = bench_company(env)
    today = fields.Date.context_today(env.user)
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    env.cr.execute(
        """
        SELECT partner_id, (ARRAY_AGG(move_id ORDER BY move_id))[1:5]
          FROM (SELECT DISTINCT aml.partner_id, aml.move_id
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE acc.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE AND aml.amount_residual > 0
                   AND aml.date_maturity < %s AND aml.company_id = %s) overdue
      GROUP BY partner_id
      ORDER BY partner_id
         LIMIT %s
        """,
        [today, company.id, params["promises"]],
    )
    partner_moves = env.cr.fetchall()
    env.cr.execute(
        "SELECT id, amount_residual_signed FROM account_move WHERE id = ANY(%s)",
        [[move_id for _partner, moves in partner_moves for move_id in moves]],
    )
    residuals = dict(env.cr.fetchall())
    rows = [
        (partner_id, moves, sum(residuals[m] for m in moves)) for partner_id, moves in partner_moves
    ]
    rng = random.Random(7)
    started = time.perf_counter()
    for start in range(0, len(rows), 1000):
        vals = []
        for partner_id, move_ids, residual in rows[start : start + 1000]:
            amount = round(float(residual), 2)
            broken = rng.random() < 1 / 3
            first = today - timedelta(days=rng.randint(5, 20) if broken else -rng.randint(1, 30))
            half = round(amount / 2, 2)
            vals.append(
                {
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "move_ids": [Command.set(move_ids)],
                    "date": today - timedelta(days=25),
                    "amount": amount,
                    "residual_at_promise": amount,
                    "line_ids": [
                        Command.create({"date": first, "amount": half}),
                        Command.create(
                            {"date": first + timedelta(days=30), "amount": amount - half}
                        ),
                    ],
                }
            )
        model.with_env(env).create(vals)
        env.cr.commit()
    return {"promises": len(rows), "setup_s": round(time.perf_counter() - started, 1)}


def step_promise(env, params):
    model = env["debt.followup.promise"]
    if not hasattr(model, "_cron_debt_promise_check"):
        return {"missing": "debt.followup.promise._cron_debt_promise_check (calls not merged)"}
    open_before = model.search_count([("state", "=", "open")])
    with Meter() as meter:
        model._cron_debt_promise_check()
        env.flush_all()
    env.cr.commit()
    states = dict(model._read_group([], ["state"], ["__count"]))
    return {
        "run": (meter.seconds, meter.queries, meter.cpu, meter.sql),
        "open_before": open_before,
        "states_after": states,
    }


def step_oca(env, params):

    if "credit.control.run" not in env:
        return {"missing": "account_credit_control not installed"}
    company = bench_company(env)
    policy = company.credit_policy_id or env.ref("account_credit_control.credit_control_3_time")
    receivables = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)]
    )
    policy.account_ids = receivables
    env.cr.commit()
    today = fields.Date.context_today(env.user)
    run = env["credit.control.run"].create({"date": today, "company_id": company.id})
    env.cr.commit()
    env.invalidate_all()
    with Meter() as meter:
        run.generate_credit_lines()
        env.flush_all()
    env.cr.commit()
    return {
        "run": (meter.seconds, meter.queries, meter.cpu, meter.sql),
        "credit_lines": len(run.line_ids),
        "partners": len(run.line_ids.partner_id),
        "policy": policy.name,
    }


def step_send(env, params):
    """The e-mail reminders of a written step, made automatic, for the first
    ``send_count`` customers the daily run would look at: the step as the
    daily run takes it (``_debt_action_email``), then, where the sending is a
    job of its own (``debt.followup.send``), that job run until nothing is
    left. The e-mails end in Odoo's mail queue (``mail.mail``), not sent."""
    company = bench_company(env)
    env = env(
        context=dict(env.context, allowed_company_ids=[company.id], mail_notify_force_send=False)
    )
    level = env.ref("debt_followup.debt_followup_level_written_reminder")
    level.auto_execute = True
    case_model = env["debt.followup.case"].with_company(company)
    partners = case_model._debt_followup_candidates()[: params["send_count"]]
    cases = case_model._debt_for_partners(partners)
    moves = cases._debt_followup_moves(level)
    env.cr.commit()
    env.invalidate_all()
    before = _footprint(env)
    with Meter() as step:
        cases._debt_action_email(level, moves)
        env.flush_all()
    env.cr.commit()
    result = {"customers": len(cases), "step": (step.seconds, step.queries, step.cpu, step.sql)}
    if "debt.followup.send" in env:
        env.invalidate_all()
        with Meter() as sending:
            env["debt.followup.send"]._cron_debt_followup_send()
            env.flush_all()
        env.cr.commit()
        result["sending"] = (sending.seconds, sending.queries, sending.cpu, sending.sql)
    after = _footprint(env)
    result["created"] = {model: after[model] - before[model] for model in after}
    return result


def step_scheduler(env, params):
    """The daily run, the sending job it triggers and the promise check, as
    Odoo's scheduler runs them: ``ir.cron._process_jobs_loop`` on a cursor of
    its own, started again while the job reports work remaining (each start
    runs for at least ``MIN_TIME_PER_JOB`` seconds and ``MIN_RUNS_PER_JOB``
    loops, then stops after the batch that ends its slice). The daily run and
    the promise check are made due now, as at their hour; the promises checked
    are made after the daily run (``--promises``, as the ``promise`` step)."""
    today = fields.Date.context_today(env.user)
    for xmlid in (
        "debt_followup.ir_cron_debt_followup",
        "debt_followup.ir_cron_debt_promise_check",
    ):
        env.ref(xmlid).nextcall = fields.Datetime.now() - timedelta(minutes=1)
    env.cr.commit()
    database = sql_db.db_connect(env.cr.dbname)
    result = {}
    for key, xmlid in (
        ("daily", "debt_followup.ir_cron_debt_followup"),
        ("sending", "debt_followup.ir_cron_debt_followup_send"),
        ("promise", "debt_followup.ir_cron_debt_promise_check"),
    ):
        cron = env.ref(xmlid, raise_if_not_found=False)
        if not cron:
            continue
        if key == "promise":
            # promises made after the daily run: it would leave their invoices alone
            result["promise_setup"] = step_promise_setup(env, params)
        starts = 0
        with Meter() as meter:
            while starts < params.get("max_starts", 100):
                with database.cursor() as cron_cr:
                    IrCron._process_jobs_loop(cron_cr, job_ids=[cron.id])
                starts += 1
                env.cr.commit()  # a new snapshot: what the job committed
                env.cr.execute(
                    "SELECT remaining FROM ir_cron_progress WHERE cron_id = %s"
                    " ORDER BY id DESC LIMIT 1",
                    [cron.id],
                )
                row = env.cr.fetchone()
                if not row or not row[0]:
                    break
        result[key] = (meter.seconds, meter.queries, meter.cpu, meter.sql)
        result[f"{key}_starts"] = starts
        # Each call of the job's method in a job run logs its progress.
        env.cr.execute("SELECT COUNT(*) FROM ir_cron_progress WHERE cron_id = %s", [cron.id])
        result[f"{key}_calls"] = env.cr.fetchone()[0]
    env.cr.execute("SELECT COUNT(*) FROM debt_followup_case WHERE last_action_date = %s", [today])
    result["acted_upon"] = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT COUNT(*) - COUNT(DISTINCT (res_id, activity_type_id)) FROM mail_activity"
        " WHERE res_model = 'debt.followup.case' AND active"
    )
    result["duplicated_activities"] = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT COUNT(*) FILTER (WHERE checked_date = %s), COUNT(*) FILTER (WHERE state = 'broken')"
        " FROM debt_followup_promise",
        [today],
    )
    result["promises_checked"], result["promises_broken"] = env.cr.fetchone()
    result["created"] = {
        model: count for model, count in _footprint(env).items() if model != "ir.attachment"
    }
    return result


# ---- queue_job: the daily run as queue jobs (bridge debt_followup_queue_job) --


QUEUE_JOB_CHANNEL = "root.debt_followup"


def step_queue_enqueue(env, params):
    """The first daily run through the bridge: the scheduler starts the daily
    run (``ir.cron._process_jobs_loop`` on a cursor of its own, as in
    ``step_scheduler``), which enqueues one job per batch."""
    bridge = [("name", "=", "debt_followup_queue_job"), ("state", "=", "installed")]
    if not env["ir.module.module"].search_count(bridge):
        return {"missing": "debt_followup_queue_job not installed"}
    # The job runners are other processes: enqueue under the scheduler.
    env["ir.config_parameter"].set_param("debt_followup_queue_job.enqueue", "1")
    cron = env.ref("debt_followup.ir_cron_debt_followup")
    cron.nextcall = fields.Datetime.now() - timedelta(minutes=1)
    env.cr.commit()
    database = sql_db.db_connect(env.cr.dbname)
    with Meter() as meter, database.cursor() as cron_cr:
        IrCron._process_jobs_loop(cron_cr, job_ids=[cron.id])
    env.cr.execute(
        "SELECT COUNT(*) FROM queue_job WHERE channel = %s AND state = 'pending'",
        [QUEUE_JOB_CHANNEL],
    )
    return {
        "enqueue": (meter.seconds, meter.queries, meter.cpu, meter.sql),
        "jobs": env.cr.fetchone()[0],
    }


def step_queue_runner(env, params):
    """One job runner's share (channel capacity 1 a process): from the common
    start, take the next pending job of the channel as queue_job's runner does
    (``SKIP LOCKED``, marked enqueued and committed), then perform it as
    queue_job's controller does (``RunJobController._acquire_job`` marks it
    started and commits, ``_runjob`` performs it and marks it done in one
    transaction), until no job is pending."""
    controller = importlib.import_module("odoo.addons.queue_job.controllers.main")
    runner = controller.RunJobController
    while time.time() < params["start_at"]:
        time.sleep(0.01)
    jobs = failed = 0
    with Meter() as meter:
        while True:
            with env.registry.cursor() as cr:
                try:
                    cr.execute(
                        "SELECT uuid FROM queue_job WHERE channel = %s AND state = 'pending'"
                        " ORDER BY priority, date_created, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                        [QUEUE_JOB_CHANNEL],
                    )
                except psycopg2.errors.SerializationFailure:
                    # the other runner took that job since this snapshot: next one
                    cr.rollback()
                    continue
                row = cr.fetchone()
                if not row:
                    break
                cr.execute(
                    "UPDATE queue_job SET state = 'enqueued', date_enqueued ="
                    " date_trunc('seconds', now() AT TIME ZONE 'utc') WHERE uuid = %s",
                    row,
                )
                cr.commit()
                job_env = api.Environment(cr, SUPERUSER_ID, {})
                job = runner._acquire_job(job_env, row[0])
                if not job:
                    continue
                try:
                    runner._runjob(job_env, job)
                    jobs += 1
                except Exception as error:  # the controller answers 500; the runner goes on
                    print(f"job {row[0]} failed: {error!r}", file=sys.stderr)
                    cr.rollback()
                    failed += 1
    return {
        "run": (meter.seconds, meter.queries, meter.cpu, meter.sql),
        "jobs": jobs,
        "failed": failed,
        "ended_at": time.time(),
    }


def queue_job_check(options, name):
    """What the jobs did: their states, the customers they looked at (each in
    one job only), the cases acted upon or looked at today, and duplicates
    (two open activities of one type on a case, two queued reminders of one
    step for a case)."""
    conn = pg_connect(options, name)
    with conn.cursor() as cr:
        cr.execute(
            "SELECT state, COUNT(*) FROM queue_job WHERE channel = %s GROUP BY state",
            [QUEUE_JOB_CHANNEL],
        )
        states = dict(cr.fetchall())
        cr.execute("SELECT args FROM queue_job WHERE channel = %s", [QUEUE_JOB_CHANNEL])
        queued = Counter(
            partner
            for (args,) in cr.fetchall()
            for partner in (json.loads(args) if isinstance(args, str) else args)[1]
        )
        cr.execute(
            "SELECT COUNT(*) FILTER (WHERE last_action_date = CURRENT_DATE),"
            " COUNT(*) FILTER (WHERE last_action_date = CURRENT_DATE"
            "                     OR checked_date = CURRENT_DATE)"
            " FROM debt_followup_case"
        )
        acted, looked_at = cr.fetchone()
        cr.execute(
            "SELECT COUNT(*) - COUNT(DISTINCT (res_id, activity_type_id)) FROM mail_activity"
            " WHERE res_model = 'debt.followup.case' AND active"
        )
        duplicates = cr.fetchone()[0]
        cr.execute("SELECT COUNT(*) - COUNT(DISTINCT (case_id, level_id)) FROM debt_followup_send")
        duplicates += cr.fetchone()[0]
    conn.close()
    return {
        "states": states,
        "customers_queued": len(queued),
        "queued_twice": sum(1 for count in queued.values() if count > 1),
        "acted_upon": acted,
        "looked_at": looked_at,
        "duplicates": duplicates,
    }


# odoo-bin, except that the prefork server's websocket process (``odoo-bin
# gevent``) is a placeholder that sleeps: jobs do not use it, and where gevent
# cannot start (zope.interface missing from the venv) the server would spawn it
# again every second, and those starts would be measured with the jobs.
PREFORK_WITHOUT_GEVENT = """
import subprocess
from odoo.service import server
def long_polling_spawn(self):
    self.long_polling_pid = subprocess.Popen(["sleep", "86400"]).pid
server.PreforkServer.long_polling_spawn = long_polling_spawn
import odoo.cli
odoo.cli.main()
"""
RUNJOB_LOG = re.compile(r'"GET /queue_job/runjob\?[^"]*" (\d{3}) \S+ (\d+) ([\d.]+) ([\d.]+)')


def _process_tree_cpu(process, seen):
    """CPU seconds of an Odoo server and its workers (``seen``: the last figure
    of each process, kept for the workers that ended meanwhile)."""
    psutil = importlib.import_module("psutil")
    seen.setdefault(process.pid, (0.0, 0.0))
    with contextlib.suppress(psutil.Error):
        for proc in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                rss = proc.memory_info().rss / MiB
                cpu = times.user + times.system
                seen[proc.pid] = (cpu, max(rss, seen.get(proc.pid, (0, 0))[1]))
    return sum(cpu for cpu, _rss in seen.values()), max(rss for _cpu, rss in seen.values())


def _warm_up(port, run_db, requests=6):
    """Wait for the server, then load the database's registry in its HTTP
    workers (a few login pages at once reach both), so that the measure does
    not include it."""
    url = f"http://127.0.0.1:{port}"
    for _i in range(600):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{url}/web/health", timeout=5).read()
            break
        time.sleep(0.2)
    with ThreadPoolExecutor(requests) as pool:
        list(
            pool.map(
                lambda _i: urllib.request.urlopen(
                    f"{url}/web/login?db={run_db}", timeout=600
                ).read(),
                range(requests),
            )
        )


def queue_job_server(conf, options, run_db, *, capacity, port, enqueue):
    """The jobs performed by a real Odoo server: prefork with two HTTP workers,
    ``queue_job`` loaded server-wide, whose job runner sends the jobs of the
    channel to ``/queue_job/runjob`` on this server's loopback port, at most
    ``capacity`` at once. Once the server has loaded the database, ``enqueue``
    starts the daily run that enqueues the jobs. Wall from the first job
    started to the last one done (polled every 0.1 s), CPU of the server's
    processes meanwhile, and the queries and SQL time of the runjob requests
    (from Odoo's request log)."""
    psutil = importlib.import_module("psutil")
    cmd = [
        sys.executable,
        "-c",
        PREFORK_WITHOUT_GEVENT,
        "server",
        "-c",
        str(conf),
        "-d",
        run_db,
        f"--db-filter=^{run_db}$",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        "--workers=2",
        "--max-cron-threads=0",
        "--limit-time-real=3600",
        "--limit-time-cpu=3600",
        "--load=base,web,queue_job",
        "--log-level=warn",
        "--log-handler=werkzeug:INFO",
    ]
    env = os.environ | {
        "ODOO_QUEUE_JOB_CHANNELS": f"root:{capacity},{QUEUE_JOB_CHANNEL}:{capacity}",
        "ODOO_QUEUE_JOB_HOST": "127.0.0.1",
        "ODOO_QUEUE_JOB_PORT": str(port),
    }
    conn = pg_connect(options, run_db)
    seen = {}
    states = {}
    first = last = None
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(nice_cmd(cmd), stdout=log, stderr=log, env=env)
        process = psutil.Process(server.pid)
        try:
            _warm_up(port, run_db)
            cpu_start, _rss = _process_tree_cpu(process, seen)
            seen_start = dict(seen)
            enqueued = enqueue()
            deadline = time.perf_counter() + 3600
            while time.perf_counter() < deadline and server.poll() is None:
                with conn.cursor() as cr:
                    cr.execute(
                        "SELECT state, COUNT(*) FROM queue_job WHERE channel = %s GROUP BY state",
                        [QUEUE_JOB_CHANNEL],
                    )
                    states = dict(cr.fetchall())
                now = time.perf_counter()
                if first is None and set(states) - {"pending"}:
                    first = now
                if states and not set(states) - {"done", "failed"}:
                    last = now
                    break
                _process_tree_cpu(process, seen)
                time.sleep(0.1)
            cpu, rss = _process_tree_cpu(process, seen)
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        conn.close()
        log.seek(0)
        requests = [m.groups() for m in map(RUNJOB_LOG.search, log) if m]
    if first is None or last is None:
        return {"missing": f"the server did not perform the jobs ({json.dumps(states)})"}
    return {
        "run": (
            last - first,
            sum(int(r[1]) for r in requests),
            cpu - cpu_start,
            sum(float(r[2]) for r in requests),
        ),
        "enqueue": enqueued,
        "server_pid": process.pid,
        "cpu_by_process": {
            pid: round(cpu - seen_start.get(pid, (0, 0))[0], 2) for pid, (cpu, _rss) in seen.items()
        },
        "requests": len(requests),
        "errors": sum(1 for r in requests if r[0] != "200"),
        "peak_rss_mib": round(rss, 1),
        "states": states,
    }


def run_queue_job(args, conf, options, data_db, results):
    """The first daily run through the bridge, with one and with two job
    runners, each on a fresh copy of the data with the bridge installed."""
    bridge_db = f"{data_db}_qj"
    run_db = f"{data_db}_run"
    if not (QUEUE_JOB_ADDONS / "queue_job" / "__manifest__.py").exists():
        results["queue_job"] = [{"missing": "queue_job not installed: run make setup"}]
        return
    print("==> queue_job: installing debt_followup_queue_job in a copy of the data", flush=True)
    copy_db(options, data_db, bridge_db)
    run_odoo(conf, bridge_db, "-i", "debt_followup_queue_job")
    results["queue_job"] = []
    results["queue_job_server"] = []
    for runners in (1, 2):
        print(f"==> queue_job: first daily run, {runners} job runner process(es)", flush=True)
        copy_db(options, bridge_db, run_db)
        enqueue = run_worker(conf, run_db, "queue_enqueue", {})
        if "missing" in enqueue:
            results["queue_job"].append(enqueue)
            break
        shares, wall = run_workers_together(conf, run_db, "queue_runner", {}, runners)
        results["queue_job"].append(
            {
                "runners": runners,
                "enqueue": enqueue,
                "shares": shares,
                "wall": wall,
                "check": queue_job_check(options, run_db),
            }
        )
        print(
            f"==> queue_job: first daily run, Odoo server, channel capacity {runners}", flush=True
        )
        copy_db(options, bridge_db, run_db)
        served = queue_job_server(
            conf,
            options,
            run_db,
            capacity=runners,
            port=args.queue_port,
            enqueue=lambda: run_worker(conf, run_db, "queue_enqueue", {}),
        )
        results["queue_job_server"].append(
            served | {"capacity": runners, "check": queue_job_check(options, run_db)}
        )
    if not args.keep:
        drop_db(options, bridge_db)
        drop_db(options, run_db)


def _queue_job_rows(results):
    rows = []
    for result in results.get("queue_job") or []:
        if "missing" in result:
            rows.append(_row("queue_job", "daily run through queue_job", note=result["missing"]))
            continue
        runners, enqueue, check = result["runners"], result["enqueue"], result["check"]
        shares = [s for s in result["shares"] if "run" in s]
        rss = max(s["peak_rss_mib"] for s in shares) if shares else None
        rows.append(
            _row(
                f"queue_job_enqueue_{runners}",
                "queue_job: the scheduler's run enqueues",
                (*enqueue["enqueue"], enqueue["peak_rss_mib"]),
                f"{enqueue['jobs']} jobs on {QUEUE_JOB_CHANNEL}",
            )
        )
        totals = (
            (result["wall"], *(sum(s["run"][i] for s in shares) for i in (1, 2, 3)))
            if len(shares) == runners and result["wall"] is not None
            else None
        )
        rows.append(
            _row(
                f"queue_job_{runners}",
                f"queue_job: jobs, {runners} controller process(es)",
                (*totals, rss) if totals else None,
                f"{'+'.join(str(s['jobs']) for s in shares)} jobs "
                f"({json.dumps(check['states'])}); {check['customers_queued']} customers "
                f"queued, {check['queued_twice']} twice; {check['acted_upon']} acted upon, "
                f"{check['looked_at']} looked at; {check['duplicates']} duplicates",
            )
        )
    for result in results.get("queue_job_server") or []:
        capacity, check = result["capacity"], result["check"]
        label = f"queue_job: Odoo server's job runner, capacity {capacity}"
        if "missing" in result:
            rows.append(_row(f"queue_job_server_{capacity}", label, note=result["missing"]))
            continue
        rows.append(
            _row(
                f"queue_job_server_{capacity}",
                label,
                (*result["run"], result["peak_rss_mib"]),
                f"{result['requests']} runjob requests, {result['errors']} errors "
                f"({json.dumps(check['states'])}); {check['customers_queued']} customers "
                f"queued, {check['queued_twice']} twice; {check['acted_upon']} acted upon, "
                f"{check['looked_at']} looked at; {check['duplicates']} duplicates",
            )
        )
    return rows


STEPS = {
    "scheduler": step_scheduler,
    "send": step_send,
    "generate": gen_generate,
    "stamp": gen_stamp,
    "status": step_status,
    "daily": step_daily,
    "worklist": step_worklist,
    "recovery": step_recovery,
    "promise_setup": step_promise_setup,
    "promise": step_promise,
    "oca": step_oca,
    "daily_share": step_daily_share,
    "queue_enqueue": step_queue_enqueue,
    "queue_runner": step_queue_runner,
}


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------


def _row(key, label, measures=None, note=""):
    """One line of the table; ``measures`` is (wall seconds, queries, CPU seconds
    of the Odoo process, seconds in SQL, peak RSS MiB). Targets are checked on the
    wall time."""
    seconds, queries, cpu, sql, rss = measures or (None, None, None, None, None)
    target = TARGETS.get(key)
    met = None
    if target and seconds is not None:
        met = seconds <= target[0] and (target[1] is None or queries <= target[1])
        met = met and rss <= RSS_TARGET_MIB
    return {
        "key": key,
        "measure": label,
        "seconds": seconds,
        "queries": queries,
        "cpu_seconds": cpu,
        "sql_seconds": sql,
        "peak_rss_mib": rss,
        "note": note,
        "target_met": met,
    }


def _medians(samples):
    """Medians of wall time, queries, CPU time and SQL time."""
    return tuple(statistics.median(s[i] for s in samples) for i in range(4))


def _light_row(key, label, result, runs, note):
    if "missing" in result:
        return _row(key, label, note=result["missing"])
    label = f"{label} (median of {runs})"
    return _row(key, label, (*_medians(result["samples"]), result["peak_rss_mib"]), note(result))


def _heavy_rows(key, label, results, field, note):
    """Rows of a step run once per fresh copy (the daily run twice a run)."""
    if not results or "missing" in results[0]:
        return [_row(key, label, note=results[0]["missing"])] if results else []
    rows = []
    for name, rss_key in field:
        samples = [r[name] for r in results]
        suffix = f" (median of {len(results)})" if len(results) > 1 else ""
        rss = results[-1][rss_key]
        rows.append(
            _row(
                f"{key}_{name}" if len(field) > 1 else key,
                f"{label}{', ' + name + ' of the day' if len(field) > 1 else ''}{suffix}",
                (*_medians(samples), rss),
                note(results[-1], name),
            )
        )
    return rows


def _created(result, name):
    created = result[f"created_{name}"]
    return ", ".join(f"{k} +{v}" for k, v in created.items() if v) or "created nothing"


def _sending_rows(results):
    """Rows of the sending job: after the first daily run, and the e-mail step
    of the ``send`` step with what it sent a second."""
    rows = []
    for result in results.get("daily") or []:
        if "sending" in result:
            rows.append(
                _row(
                    "daily_sending",
                    "sending job after the first daily run",
                    (*result["sending"], result["peak_rss_mib"]),
                    "e-mails, letters and SMS the first run queued",
                )
            )
    for result in results.get("scheduler") or []:
        done = {
            "daily": f"{result['acted_upon']} customers acted upon, "
            f"{result.get('duplicated_activities', 0)} activities duplicated",
            "sending": f"{result['created'].get('mail.mail', 0)} e-mails queued",
            "promise": f"{result.get('promises_checked', 0)} promises checked, "
            f"{result.get('promises_broken', 0)} broken",
        }
        for key, label in (
            ("daily", "daily run"),
            ("sending", "sending job"),
            ("promise", "promise check"),
        ):
            if key in result:
                rows.append(
                    _row(
                        f"scheduler_{key}",
                        f"{label} under Odoo's scheduler, until nothing remains",
                        (*result[key], result["peak_rss_mib"]),
                        f"{result[key + '_starts']} job runs, "
                        f"{result.get(key + '_calls', '?')} calls; {done[key]}",
                    )
                )
    for result in results.get("send") or []:
        if "missing" in result:
            continue
        mails = result["created"].get("mail.mail", 0)
        parts = [("send_step", "e-mail step of the daily run", result["step"])]
        if "sending" in result:
            parts.append(("send_job", "sending job (render, queue)", result["sending"]))
        total = sum(part[2][0] for part in parts)
        for key, label, measure in parts:
            rows.append(
                _row(
                    key,
                    f"{label}, {result['customers']} customers",
                    (*measure, result["peak_rss_mib"]),
                    f"{mails} e-mails queued, {mails / total:.1f} a second overall"
                    if total
                    else "",
                )
            )
    return rows


def summarize(results, runs):
    """Rows of the table, and the ratio OCA run / our first daily run."""
    rows = []
    if "status" in results:
        rows.append(
            _light_row(
                "status",
                "payment status API, every customer of the company",
                results["status"],
                runs,
                lambda r: f"{r['overdue_partners']} overdue",
            )
        )
    status = results.get("status", {})
    for key, label, sample, note in (
        (
            "status_given",
            f"payment status API, {status.get('partners')} given partners",
            "samples_given",
            "recordset of the customers",
        ),
        (
            "status_read",
            f"status fields, one read of {status.get('partners')}",
            "samples_read",
            "ORM, 1,000 records a compute",
        ),
        (
            "status_1000",
            "status fields, one read of 1000",
            "samples_1000",
            "ORM, 1,000 records a compute",
        ),
    ):
        if sample in status:
            rows.append(
                _row(
                    key,
                    f"{label} (median of {runs})",
                    (*_medians(status[sample]), status["peak_rss_mib"]),
                    note,
                )
            )
    rows += _heavy_rows(
        "daily",
        "daily run",
        results.get("daily"),
        [("first", "peak_rss_first_mib"), ("second", "peak_rss_mib")],
        _created,
    )
    parallel = results.get("parallel")
    if parallel:
        shares = parallel["shares"]
        label = f"daily run, first of the day, {len(shares)} cron workers together"
        if parallel["wall"] is None:
            missing = next((r["missing"] for r in shares if "missing" in r), "a worker failed")
            rows.append(_row("daily_parallel", label, note=missing))
        else:
            sums = [sum(r["run"][i] for r in shares) for i in (1, 2, 3)]
            each = ", ".join(_duration(r["run"][0]) for r in shares)
            rows.append(
                _row(
                    "daily_parallel",
                    label,
                    (parallel["wall"], *sums, max(r["peak_rss_mib"] for r in shares)),
                    f"mail.activity +{parallel['activities']}, "
                    f"{parallel['duplicates']} duplicated; each worker: {each}",
                )
            )
    recovery = results.get("recovery")
    if recovery:
        rows.append(
            _light_row(
                "recovery",
                "expected recovery, every customer of the company",
                recovery,
                runs,
                lambda r: (
                    f"{r['customers']} customers, {r['flagged']} stop or hand over?; "
                    f"grades {json.dumps(r['grades'])}"
                ),
            )
        )
        if "samples_store" in recovery:
            rows.append(
                _row(
                    "recovery_store",
                    f"expected recovery kept on the cases (median of {runs})",
                    (*_medians(recovery["samples_store"]), recovery["peak_rss_mib"]),
                    f"{recovery['cases']} cases; hourly job; the worklist sorts by it",
                )
            )
    if "worklist" in results:
        rows.append(
            _light_row(
                "worklist",
                "worklist first page (web_search_read, 80 rows)",
                results["worklist"],
                runs,
                lambda r: f"order {r['order']}; {r['length']} rows in all",
            )
        )
    rows += _sending_rows(results)
    rows += _queue_job_rows(results)
    rows += _heavy_rows(
        "promise",
        "promise check",
        results.get("promise"),
        [("run", "peak_rss_mib")],
        lambda r, _n: f"{r['open_before']} open before; after: {json.dumps(r['states_after'])}",
    )
    rows += _heavy_rows(
        "oca",
        "OCA account_credit_control run",
        results.get("oca"),
        [("run", "peak_rss_mib")],
        lambda r, _n: f"{r['credit_lines']} credit lines, {r['partners']} partners",
    )
    ours = next((r for r in rows if r["key"] == "daily_first" and r["seconds"]), None)
    oca = next((r for r in rows if r["key"] == "oca" and r["seconds"]), None)
    ratio = oca["seconds"] / ours["seconds"] if ours and oca else None
    return rows, ratio


def _duration(seconds):
    if seconds is None:
        return "-"
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds * 1000:.0f} ms"


def print_table(rows, ratio):
    head = (
        f"{'measure':<52} {'wall':>9} {'CPU':>9} {'SQL':>9} {'queries':>8} {'peak RSS':>9}"
        "  target  note"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        queries = "-" if r["queries"] is None else f"{r['queries']:.0f}"
        rss = "-" if r["peak_rss_mib"] is None else f"{r['peak_rss_mib']:.0f} MiB"
        met = {True: "met", False: "MISSED", None: ""}[r["target_met"]]
        print(
            f"{r['measure']:<52} {_duration(r['seconds']):>9} {_duration(r['cpu_seconds']):>9}"
            f" {_duration(r['sql_seconds']):>9} {queries:>8} {rss:>9}  {met:<6}  {r['note']}"
        )
    print(
        "(wall: elapsed; CPU: the Odoo process's own; SQL: waiting for PostgreSQL;"
        " the rest of the wall time is waiting for a CPU on this busy machine)"
    )
    if ratio:
        met = "met" if ratio >= 5 else "MISSED"
        print(f"OCA run / our first daily run: {ratio:.1f}x (target >= 5x: {met})")


# --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=50000)
    parser.add_argument("--overdue-share", type=float, default=0.3)
    parser.add_argument("--runs", type=int, default=3, help="repeats of the read measures")
    parser.add_argument(
        "--heavy-runs",
        type=int,
        default=1,
        help="repeats of the daily run, promise check and OCA run (each on a fresh copy)",
    )
    parser.add_argument("--promises", type=int, default=5000)
    parser.add_argument(
        "--send-count", type=int, default=1000, help="customers e-mailed by the send step"
    )
    parser.add_argument("--oca", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--steps", default="status,daily,parallel,recovery,worklist,promise,oca")
    parser.add_argument(
        "--workers", type=int, default=2, help="cron workers of the parallel daily run"
    )
    parser.add_argument(
        "--queue-port", type=int, default=8075, help="HTTP port of the queue_job step's server"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the last run database")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--conf", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.db, args.conf, json.loads(args.params))
        return

    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    if args.oca:
        ensure_oca_package()
    else:
        steps = [s for s in steps if s != "oca"]
    conf, options = bench_conf(args.oca)
    data_db, info = ensure_dataset(args, conf, options)
    print(
        f"==> dataset {data_db}: {info['customers']} customers, {info['invoices']} invoices, "
        f"built {info['date']} in {sum(info['timings'].values()):.0f} s",
        flush=True,
    )
    results = run_steps(args, steps, conf, options, data_db)
    if "queue_job" in steps:
        run_queue_job(args, conf, options, data_db, results)
    rows, ratio = summarize(results, args.runs)
    print()
    print_table(rows, ratio)
    write_results(args, data_db, info, rows=rows, ratio=ratio, results=results)


def run_steps(args, steps, conf, options, data_db):
    """Each measure in its own process, on a fresh copy of the data where it
    writes (the daily run commits)."""
    run_db = f"{data_db}_run"
    results = {}
    light = {"runs": args.runs}
    copy_db(options, data_db, run_db)
    if "status" in steps:
        print("==> payment status", flush=True)
        results["status"] = run_worker(conf, run_db, "status", light)
    for step in ("daily", "scheduler", "send", "promise", "oca"):
        if step not in steps:
            continue
        results[step] = []
        for _i in range(args.heavy_runs):
            print(f"==> {step}", flush=True)
            copy_db(options, data_db, run_db)
            if step == "promise":
                setup = run_worker(conf, run_db, "promise_setup", {"promises": args.promises})
                if "missing" in setup:
                    results[step].append(setup)
                    break
            params = light | {"send_count": args.send_count, "promises": args.promises}
            results[step].append(run_worker(conf, run_db, step, params))
            if "missing" in results[step][-1]:
                break
            if step == "daily" and "worklist" in steps and "worklist" not in results:
                # the worklist as the collectors find it in the morning
                _run_recovery(steps, results, conf, run_db, light)
                print("==> worklist", flush=True)
                results["worklist"] = run_worker(conf, run_db, "worklist", light)
    if "parallel" in steps:
        copy_db(options, data_db, run_db)
        print(f"==> daily run, {args.workers} cron workers together", flush=True)
        before = activity_counts(options, run_db)
        shares, wall = run_workers_together(conf, run_db, "daily_share", {}, args.workers)
        after = activity_counts(options, run_db)
        results["parallel"] = {
            "shares": shares,
            "wall": wall,
            "activities": after[0] - before[0],
            "duplicates": after[1],
        }
    if "worklist" in steps and "worklist" not in results:
        # the worklist lists the actions the daily run planned: run it first
        copy_db(options, data_db, run_db)
        print("==> daily run (not measured), then worklist", flush=True)
        run_worker(conf, run_db, "daily", light)
        _run_recovery(steps, results, conf, run_db, light)
        results["worklist"] = run_worker(conf, run_db, "worklist", light)
    if "recovery" in steps and "recovery" not in results:
        copy_db(options, data_db, run_db)
        print("==> daily run (not measured), then expected recovery", flush=True)
        run_worker(conf, run_db, "daily", light)
        _run_recovery(steps, results, conf, run_db, light)
    if not args.keep:
        drop_db(options, run_db)
    return results


def _run_recovery(steps, results, conf, run_db, light):
    """Expected recovery on the cases the daily run opened, before the worklist
    is measured (its order reads what the hourly job keeps on the cases)."""
    if "recovery" in steps and "recovery" not in results:
        print("==> expected recovery", flush=True)
        results["recovery"] = run_worker(conf, run_db, "recovery", light)


def write_results(args, data_db, info, *, rows, ratio, results):
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{data_db}-{stamp}.json"
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        check=False,
        capture_output=True,
        text=True,
    ).stdout.strip()
    payload = {
        "dataset": info | {"database": data_db},
        "commit": head,
        "args": {k: v for k, v in vars(args).items() if k not in ("worker", "params")},
        "rows": rows,
        "oca_over_first_daily_run": ratio,
        "raw": results,
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    print(f"\nresults written to {path}")


if __name__ == "__main__":
    main()
