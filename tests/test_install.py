# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The addon installs on a database of its own and uninstalls without leaving
tables behind. Runs Odoo in a subprocess, on a copy of the cached template."""

import subprocess
from pathlib import Path

from odoo.tests.common import get_db_name

ENV = Path(__file__).resolve().parent.parent / "dev" / "env.sh"
DB = f"{get_db_name()}_install_check"


def _run(*args):
    return subprocess.run(
        [str(ENV), *args], check=True, capture_output=True, text=True, timeout=900
    ).stdout


def _table_exists(table):
    return _run("psql", "-d", DB, "-c", f"SELECT to_regclass('{table}') IS NOT NULL") == "t\n"


def _module_state():
    return _run(
        "psql", "-d", DB, "-c", "SELECT state FROM ir_module_module WHERE name = 'debt_followup'"
    ).strip()


def test_install_then_uninstall():
    _run("fresh-db", DB)
    try:
        _run("odoo", "-d", DB, "-i", "debt_followup", "--stop-after-init", "--log-level=warn")
        assert _module_state() == "installed"
        assert _table_exists("debt_followup_call")
        _run("odoo-cmd", "module", "uninstall", "-d", DB, "debt_followup")
        assert _module_state() == "uninstalled"
        for table in (
            "debt_followup_level",
            "debt_followup_call",
            "debt_followup_promise",
            "debt_followup_promise_line",
        ):
            assert not _table_exists(table), table
    finally:
        _run("psql", "-c", f'DROP DATABASE IF EXISTS "{DB}"')
