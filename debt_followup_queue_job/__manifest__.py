# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Debt Follow-up - Job Queue",
    "summary": "The daily follow-up run as one queue job per batch of customers, "
    "shared by the job runners of any number of Odoo servers",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/debt-followup/debt_followup",
    "author": "Debt Follow-up contributors",
    "license": "AGPL-3",
    "depends": ["debt_followup", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "auto_install": True,
}
