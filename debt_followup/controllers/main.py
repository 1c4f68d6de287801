# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools import consteq


class DebtFollowupController(http.Controller):
    @http.route("/debt_followup/whatsapp/<int:partner_id>", type="http", auth="user")
    def debt_followup_whatsapp(self, partner_id, token=None):
        """Log the WhatsApp chat on the customer and go to wa.me: a plain link that
        works where a button would first have to save a record (the call wizard,
        lists). The token ties the link to the user, so that another site cannot
        make a collector's browser log a chat."""
        partner = request.env["res.partner"].browse(partner_id).exists()
        if not partner or not consteq(token or "", partner._debt_whatsapp_token()):
            raise NotFound()
        action = partner.action_debt_whatsapp()
        return request.redirect(action["url"], local=False)
