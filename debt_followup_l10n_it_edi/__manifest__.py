# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Debt Follow-up - Italian PEC",
    "summary": "Send the formal notice of debt follow-up to the customer's PEC address",
    "version": "19.0.1.0.0",
    "category": "Accounting/Localizations",
    "website": "https://github.com/debt-followup/debt_followup",
    "author": "Debt Follow-up contributors",
    "license": "AGPL-3",
    "depends": ["debt_followup", "l10n_it_edi"],
    "auto_install": True,
}
