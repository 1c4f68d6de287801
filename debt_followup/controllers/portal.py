# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The debtor's page (DESIGN.md §4): public routes that reach one collection case
through its expiring token, and nothing else."""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.debt_followup_case_portal import PORTAL_ROUTE

# The token is in the address: no cache, no referrer, no search engine.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


class DebtFollowupPortal(http.Controller):
    @http.route(
        f"{PORTAL_ROUTE}/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def debt_portal_page(self, token):
        case, valid = request.env["debt.followup.case"]._debt_portal_case(token)
        if not valid:
            return self._debt_expired(case)
        return self._debt_render(case, "debt_followup.debt_portal_page", case._debt_portal_values())

    @http.route(
        f"{PORTAL_ROUTE}/<string:token>/<string:action>",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def debt_portal_submit(self, token, action, **post):
        case, valid = request.env["debt.followup.case"]._debt_portal_case(token)
        if not valid:
            return self._debt_expired(case)
        form = {key: value for key, value in post.items() if key != "csrf_token"}
        form["move_ids"] = request.httprequest.form.getlist("move_ids")
        values = {}
        try:
            with request.env.cr.savepoint():
                values["notice"] = case._debt_portal_submit(action, form)
        except UserError as error:
            values["error"] = error.args[0]
        values = {**case._debt_portal_values(), **values}
        return self._debt_render(case, "debt_followup.debt_portal_page", values)

    def _debt_expired(self, case):
        """A plain page: the link opens nothing any more; the creditor's phone."""
        company = case.company_id or request.env.company.sudo()
        if case:
            request.update_context(lang=case.env.lang)
        phone = company.phone or ""
        if case:
            phone = case._debt_portal_creditor()["phone"]
        return self._debt_render(
            case, "debt_followup.debt_portal_expired", {"phone": phone}, status=404
        )

    def _debt_render(self, case, template, values, status=200):
        if case:
            request.update_context(lang=case.env.lang)
        response = request.render(template, values, status=status)
        response.headers.update(PRIVATE_HEADERS)
        return response
