/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const {DateTime} = luxon;

/**
 * A salesperson opens, from the Contacts menu, a customer with overdue invoices: the payment-status banner
 * tells what the customer owes and where follow-up stands, and nothing of the
 * collectors' work (call notes, Follow-up tab) is shown.
 */
registry.category("web_tour.tours").add("debt_followup_salesperson", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            content: "Open Contacts",
            trigger: '.o_app[data-menu-xmlid="contacts.menu_contacts"]',
            run: "click",
        },
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: "edit Ferramenta Bianchi",
        },
        {
            content: "...by name",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains(Ferramenta Bianchi), .o_list_view .o_data_row:contains(Ferramenta Bianchi) .o_data_cell",
            run: "click",
        },
        {
            content: "The banner shows the overdue amount",
            trigger: ".o_debt_followup_banner [name=debt_debtor_overdue_amount]:contains(2,472.50)",
        },
        {
            content: "...the oldest overdue days",
            trigger: ".o_debt_followup_banner [name=debt_oldest_overdue_days]:contains(40)",
        },
        {
            content: "...the follow-up level",
            trigger:
                ".o_debt_followup_banner [name=debt_followup_level_id]:contains(Second call), .o_debt_followup_banner [name=debt_followup_level_id] input:value(Second call)",
        },
        {
            content: "...the open promise",
            trigger: ".o_debt_followup_banner [name=debt_debtor_promise_amount]:contains(1,000.00)",
        },
        {
            content: "...the last contact",
            trigger: `.o_debt_followup_banner [name=debt_last_contact]:contains(${DateTime.now()
                .minus({days: 3})
                .toFormat("LLL d")})`,
        },
        {
            content: "...the collector",
            trigger:
                ".o_debt_followup_banner [name=debt_collector_id]:contains(Giulia Collector), .o_debt_followup_banner [name=debt_collector_id] input:value(Giulia Collector)",
        },
        {
            content: "The customer's own tabs are there",
            trigger: ".o_notebook_headers a[name=sales_purchases]",
        },
        {
            content: "No Follow-up tab and no call notes for a salesperson",
            trigger:
                ".o_form_view:not(:has(.o_notebook_headers a[name=debt_followup])):not(:contains(Confidential call note))",
        },
    ],
});
