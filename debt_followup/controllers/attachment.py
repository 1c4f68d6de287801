# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request, route

from odoo.addons.mail.controllers.attachment import AttachmentController


class DebtFollowupAttachmentController(AttachmentController):
    @route()
    def mail_attachement_update_thumbnail(self, attachment_id, thumbnail=None, access_token=None):
        """A collector reads invoices without writing them (read-only accounting):
        when the chatter shows a PDF it may read but not write (an invoice sent
        to the customer), the browser offers its thumbnail and Odoo answers 404,
        an error dialog. The thumbnail is not saved (a reader may not change what
        others see), and nothing is wrong: no error."""
        attachment = request.env["ir.attachment"].browse(int(attachment_id)).exists()
        if (
            attachment
            and request.env.user.has_group("debt_followup.group_debt_collector")
            and attachment.has_access("read")
            and not attachment.has_access("write")
            and not attachment._has_attachments_ownership([access_token])
        ):
            return None
        return super().mail_attachement_update_thumbnail(
            attachment_id, thumbnail=thumbnail, access_token=access_token
        )
