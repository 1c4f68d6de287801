# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import res_company
from . import res_users
from . import res_config_settings
from . import debt_followup_level
from . import debt_followup_promise
from . import debt_followup_promise_line
from . import debt_followup_call
from . import debt_followup_calling_window
from . import debt_followup_late_payment_rule
from . import debt_followup_interest_rate
from . import debt_followup_case
from . import debt_followup_send
from . import res_partner
from . import account_move
from . import account_move_line
from . import debt_followup_worklist
from . import debt_followup_demo
