/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {openCustomersMenu} from "./debt_followup_tour_helper";

/**
 * A collector (read-only accounting) opens, from the menus, an invoice that was
 * sent with its PDF, then its customer: no error dialog, no console error (the
 * tour fails on either), and corrects the customer's phone number.
 */
registry.category("web_tour.tours").add("debt_followup_collector_documents", {
    steps: () => [
        ...openCustomersMenu(),
        {
            content: "Open the invoices",
            trigger: '.o-dropdown-item[data-menu-xmlid="account.menu_action_move_out_invoice_type"]',
            run: "click",
        },
        {
            content: "Open the invoice sent with its PDF",
            trigger: ".o_list_view .o_data_row:contains(Ferramenta Bianchi):contains(1,830.00) .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Scroll down to the invoice's chatter",
            trigger: ".o_form_view .o-mail-Chatter",
            run() {
                document.querySelector(".o-mail-Chatter").scrollIntoView();
            },
        },
        {
            content: "The chatter shows the PDF (its thumbnail is offered, not saved)",
            trigger: ".o-mail-Chatter .o-mail-AttachmentList:contains(invoice.pdf)",
        },
        {
            content: "Open the invoice's customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] a.o_form_uri",
            run: "click",
        },
        {
            content: "The customer opens",
            trigger: ".o_form_view .o_notebook_headers a[name=sales_purchases]",
        },
        {
            content: "Open the Follow-up tab",
            trigger: ".o_form_view .o_notebook_headers a[name=debt_followup]",
            run: "click",
        },
        {
            content: "Correct the customer's phone number",
            trigger: ".o_form_view button:contains(Correct Contact Data)",
            run: "click",
        },
        {
            content: "The new number",
            trigger: ".modal div[name=phone] input",
            run: "edit +39 06 9876 5432",
        },
        {
            content: "Save it",
            trigger: ".modal-footer button[name=action_save]",
            run: "click",
        },
        {
            content: "The customer shows the new number",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=phone]:contains(+39 06 9876 5432)",
        },
    ],
});
