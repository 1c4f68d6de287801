# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools import consteq


class DebtFollowupController(http.Controller):
    @http.route("/debt_followup/whatsapp/<int:case_id>", type="http", auth="user")
    def debt_followup_whatsapp(self, case_id, token=None):
        """Log the WhatsApp chat on the customer and go to wa.me: a plain link that
        works where a button would first have to save a record (the call wizard,
        lists). The token ties the link to the user, so that another site cannot
        make a collector's browser log a chat."""
        case = request.env["debt.followup.case"].browse(case_id).exists()
        if not case or not consteq(token or "", case._debt_whatsapp_token()):
            raise NotFound()
        action = case.action_whatsapp()
        return request.redirect(action["url"], local=False)
