# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import debt_followup_letter_report
from . import debt_followup_aging
from . import debt_followup_overview
