# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Move the follow-up of 19.0.1 onto collection cases: one case per customer and
company that had follow-up state, with that state; the follow-up activities,
their done notes and the WhatsApp logs that sat on the shared customer go to
the case of the company they belong to (the company of the user they were
assigned to or written by, else the customer's first case)."""

from odoo.tools import SQL, sql

CASE_VALUES = (
    # case column, 19.0.1 column, SQL type
    ("level_id", "debt_followup_level_id", "int"),
    ("last_action_date", "debt_last_action_date", "date"),
    ("escalate_date", "debt_escalate_date", "date"),
    ("escalate_written_only", "debt_escalate_written_only", "boolean"),
    ("paused_until", "debt_paused_until", "date"),
    ("last_contact_date", "debt_last_contact_date", "timestamp"),
    ("collector_id", "debt_collector_id", "int"),
)
ACTIVITY_TYPES = (
    "mail_activity_type_debt_call",
    "mail_activity_type_debt_written",
    "mail_activity_type_debt_visit",
    "mail_activity_type_debt_legal",
)


def _create_cases(cr):
    old = [name for _column, name, _type in CASE_VALUES]
    if not sql.column_exists(cr, "res_partner", f"debt_v1_{old[0]}"):
        return False
    # Every company that holds a value in one of the company-dependent columns.
    keys = SQL(" UNION ").join(
        SQL(
            "SELECT id AS partner_id, jsonb_object_keys(%s) AS company FROM res_partner "
            "WHERE jsonb_typeof(%s) = 'object'",
            SQL.identifier(f"debt_v1_{name}"),
            SQL.identifier(f"debt_v1_{name}"),
        )
        for name in old
    )
    cr.execute(
        SQL(
            """
            INSERT INTO debt_followup_case
                   (partner_id, company_id, create_uid, write_uid, create_date, write_date)
            SELECT DISTINCT keys.partner_id, company.id, 1, 1,
                   NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
              FROM (%s) keys
              JOIN res_company company ON company.id::text = keys.company
            ON CONFLICT (partner_id, company_id) DO NOTHING
            """,
            keys,
        )
    )
    for column, name, type_ in CASE_VALUES:
        value = SQL(
            "(partner.%s ->> case_.company_id::text)::%s",
            SQL.identifier(f"debt_v1_{name}"),
            SQL(type_),
        )
        if column in ("level_id", "collector_id"):
            # Only references that still exist.
            table = "debt_followup_level" if column == "level_id" else "res_users"
            value = SQL("(SELECT id FROM %s WHERE id = %s)", SQL.identifier(table), value)
        cr.execute(
            SQL(
                """
                UPDATE debt_followup_case case_
                   SET %s = %s
                  FROM res_partner partner
                 WHERE partner.id = case_.partner_id
                   AND jsonb_typeof(partner.%s) = 'object'
                """,
                SQL.identifier(column),
                value,
                SQL.identifier(f"debt_v1_{name}"),
            )
        )
    # The stop-contact request was one for all companies: every case of the
    # customer, and a case in each company where it has receivable items.
    cr.execute(
        """
        INSERT INTO debt_followup_case
               (partner_id, company_id, no_contact, create_uid, write_uid, create_date, write_date)
        SELECT DISTINCT aml.partner_id, aml.company_id, TRUE, 1, 1,
               NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
          FROM account_move_line aml
          JOIN res_partner partner ON partner.id = aml.partner_id
         WHERE partner.debt_v1_debt_no_contact
        ON CONFLICT (partner_id, company_id) DO UPDATE SET no_contact = TRUE
        """
    )
    cr.execute(
        """
        UPDATE debt_followup_case case_ SET no_contact = TRUE
          FROM res_partner partner
         WHERE partner.id = case_.partner_id AND partner.debt_v1_debt_no_contact
        """
    )
    return True


def _move_traces(cr):
    cr.execute(
        "SELECT res_id FROM ir_model_data WHERE module = 'debt_followup' AND name IN %s",
        [ACTIVITY_TYPES],
    )
    types = [row[0] for row in cr.fetchall()]
    # The addon's activity types belong to cases now (their data is noupdate).
    cr.execute(
        "UPDATE mail_activity_type SET res_model = 'debt.followup.case' WHERE id = ANY(%s)",
        [types],
    )
    cr.execute("SELECT id FROM ir_model WHERE model = 'debt.followup.case'")
    case_model_id = cr.fetchone()[0]
    # Each trace goes to the case of its user's company, else the customer's first case.
    cr.execute(
        """
        UPDATE mail_activity activity
           SET res_model = 'debt.followup.case', res_model_id = %s,
               res_id = (SELECT case_.id FROM debt_followup_case case_
                          WHERE case_.partner_id = activity.res_id
                       ORDER BY case_.company_id = (SELECT company_id FROM res_users
                                                     WHERE id = activity.user_id) DESC,
                                case_.id
                          LIMIT 1)
         WHERE activity.res_model = 'res.partner'
           AND (activity.activity_type_id = ANY(%s)
                OR activity.activity_type_id IN (SELECT activity_type_id FROM debt_followup_level))
           AND EXISTS (SELECT 1 FROM debt_followup_case c WHERE c.partner_id = activity.res_id)
        """,
        [case_model_id, types],
    )
    cr.execute(
        "SELECT res_id FROM ir_model_data "
        "WHERE module = 'debt_followup' AND name = 'mt_debt_whatsapp'"
    )
    whatsapp = cr.fetchone()
    cr.execute(
        """
        UPDATE mail_message message
           SET model = 'debt.followup.case',
               res_id = (SELECT case_.id FROM debt_followup_case case_
                          WHERE case_.partner_id = message.res_id
                       ORDER BY case_.company_id = (SELECT company_id FROM res_users
                                                     WHERE partner_id = message.author_id
                                                     LIMIT 1) DESC,
                                case_.id
                          LIMIT 1)
         WHERE message.model = 'res.partner'
           AND (message.mail_activity_type_id = ANY(%s) OR message.subtype_id = %s)
           AND EXISTS (SELECT 1 FROM debt_followup_case c WHERE c.partner_id = message.res_id)
        """,
        [types, whatsapp[0] if whatsapp else None],
    )


def migrate(cr, version):
    if _create_cases(cr):
        _move_traces(cr)
    for _column, name, _type in (*CASE_VALUES, ("no_contact", "debt_no_contact", "boolean")):
        if sql.column_exists(cr, "res_partner", f"debt_v1_{name}"):
            cr.execute(
                SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(f"debt_v1_{name}"))
            )
