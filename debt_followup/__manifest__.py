# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Debt Follow-up",
    "summary": "Collect overdue invoices step by step: call scripts, call log, "
    "promises to pay, letters and fair-collection guardrails",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/debt-followup/debt_followup",
    "author": "Debt Follow-up contributors",
    "license": "AGPL-3",
    "depends": ["account", "board", "mail", "phone_validation"],
    "external_dependencies": {"python": ["babel", "phonenumbers", "holidays"]},
    "data": [
        "security/debt_followup_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/debt_followup_level_data.xml",
        "wizard/debt_followup_call_wizard_views.xml",
        "views/debt_followup_level_views.xml",
        "views/debt_followup_call_views.xml",
        "views/debt_followup_promise_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/debt_followup_overview_views.xml",
        "report/debt_followup_letter_report.xml",
        "views/debt_followup_menus.xml",
    ],
    "demo": ["demo/debt_followup_demo.xml"],
    "assets": {
        "web.assets_backend": ["debt_followup/static/src/scss/*.scss"],
        "web.assets_tests": ["debt_followup/static/tests/tours/*.js"],
    },
}
