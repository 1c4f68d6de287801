# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import debt_followup_call_wizard
from . import debt_followup_call_wizard_line
from . import debt_followup_dispute_wizard
from . import debt_followup_assign_wizard
from . import base_partner_merge_automatic_wizard
from . import debt_followup_contact_wizard
