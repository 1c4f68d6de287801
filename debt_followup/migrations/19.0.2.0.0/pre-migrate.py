# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Keep the follow-up state that 19.0.1 stored on res.partner (company-dependent
columns) out of the ORM's reach until post-migrate has moved it onto the
collection cases."""

from odoo.tools import sql

# Columns of res_partner in 19.0.1, each a jsonb {company id: value} but the last.
PARTNER_COLUMNS = (
    "debt_followup_level_id",
    "debt_last_action_date",
    "debt_escalate_date",
    "debt_escalate_written_only",
    "debt_paused_until",
    "debt_last_contact_date",
    "debt_collector_id",
    "debt_no_contact",
)


def migrate(cr, version):
    for column in PARTNER_COLUMNS:
        if sql.column_exists(cr, "res_partner", column):
            sql.rename_column(cr, "res_partner", column, f"debt_v1_{column}")
