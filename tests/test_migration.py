# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An install of 19.0.1 (follow-up state on the customer) updated to this
version: its state and traces land on collection cases. Runs Odoo in
subprocesses: the previous version is taken from git (commit PREVIOUS), installed
on a copy of the cached template, given follow-up data, then updated."""

import subprocess
import tempfile
from pathlib import Path

from odoo.tests.common import get_db_name

ROOT = Path(__file__).resolve().parent.parent
ENV = ROOT / "dev" / "env.sh"
DB = f"{get_db_name()}_migration_check"
# The last commit with the follow-up state on res.partner (version 19.0.1.0.0).
PREVIOUS = "dda31ed"

SETUP_OLD_DATA = """
partner = env["res.partner"].create({"name": "Migrazione S.r.l.", "is_company": True})
company = env.ref("base.main_company")
level = env["debt.followup.level"].search([("company_id", "=", company.id), ("delay", "=", 7)])
admin = env.ref("base.user_admin")
partner.with_company(company).write({
    "debt_followup_level_id": level.id,
    "debt_last_action_date": "2026-03-01",
    "debt_collector_id": admin.id,
    "debt_no_contact": True,
})
partner.activity_schedule("debt_followup.mail_activity_type_debt_call", user_id=admin.id)
partner.message_post(body="WhatsApp chat opened", subtype_xmlid="debt_followup.mt_debt_whatsapp")
partner.message_post(body="A note of the sales team", subtype_xmlid="mail.mt_note")
env.cr.commit()
"""


def _run(*args, **kwargs):
    return subprocess.run(
        [str(ENV), *args], check=True, capture_output=True, text=True, timeout=900, **kwargs
    ).stdout


def _sql(query):
    return _run("psql", "-d", DB, "-c", query).strip()


def _odoo_addons():
    conf = Path(_run("conf").strip()).read_text()
    line = next(line for line in conf.splitlines() if line.startswith("addons_path"))
    return line.split("=", 1)[1].strip().split(",")[0]


def test_follow_up_of_19_0_1_moves_onto_cases():
    _run("fresh-db", DB)
    try:
        with tempfile.TemporaryDirectory() as old:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", PREVIOUS, "debt_followup"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
            old_path = f"--addons-path={_odoo_addons()},{old}"
            _run("odoo", "-d", DB, old_path, "-i", "debt_followup", "--stop-after-init")
            assert _sql(
                "SELECT latest_version FROM ir_module_module WHERE name = 'debt_followup'"
            ) == ("19.0.1.0.0")
            _run("odoo-cmd", "shell", "-d", DB, old_path, input=SETUP_OLD_DATA)
        _run("odoo", "-d", DB, "-u", "debt_followup", "--stop-after-init")

        partner = _sql("SELECT id FROM res_partner WHERE name = 'Migrazione S.r.l.'")
        case = _sql(
            "SELECT c.id || ',' || level.delay || ',' || c.last_action_date || ',' "
            "|| (c.collector_id IS NOT NULL) || ',' || c.no_contact "
            "FROM debt_followup_case c JOIN debt_followup_level level ON level.id = c.level_id "
            f"WHERE c.partner_id = {partner}"
        )
        case_id, delay, last_action, has_collector, no_contact = case.split(",")
        assert (delay, last_action, has_collector, no_contact) == (
            "7",
            "2026-03-01",
            "true",
            "true",
        )
        # The planned call and the WhatsApp log moved to the case; other notes stay.
        assert (
            _sql(
                "SELECT res_model || ',' || res_id FROM mail_activity "
                f"WHERE (res_model = 'res.partner' AND res_id = {partner}) "
                f"OR (res_model = 'debt.followup.case' AND res_id = {case_id})"
            )
            == f"debt.followup.case,{case_id}"
        )
        assert (
            _sql(
                f"SELECT COUNT(*) FROM mail_message WHERE model = 'debt.followup.case' "
                f"AND res_id = {case_id} AND body LIKE '%WhatsApp%'"
            )
            == "1"
        )
        assert (
            _sql(
                f"SELECT COUNT(*) FROM mail_message WHERE model = 'res.partner' "
                f"AND res_id = {partner} AND body LIKE '%sales team%'"
            )
            == "1"
        )
        assert (
            _sql(
                "SELECT res_model FROM mail_activity_type WHERE id = (SELECT res_id "
                "FROM ir_model_data WHERE module = 'debt_followup' "
                "AND name = 'mail_activity_type_debt_call')"
            )
            == "debt.followup.case"
        )
        # The company-dependent columns of 19.0.1 are gone.
        assert (
            _sql(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'res_partner' "
                "AND column_name LIKE 'debt_v1_%'"
            )
            == "0"
        )
    finally:
        _run("psql", "-c", f'DROP DATABASE IF EXISTS "{DB}"')
