/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {openCustomersMenu} from "./debt_followup_tour_helper";

const {DateTime} = luxon;

/**
 * A collector starts the day from the menus on "To do today" (his own cases, the
 * whole list on the screen), opens the first case, reads the call script, logs a
 * reached call with a promise in two installments, is told what happens next and
 * finds the promise on the case.
 */
registry.category("web_tour.tours").add("debt_followup_collector", {
    steps: () => [
        ...openCustomersMenu(),
        {
            content: "Open To Do Today",
            trigger: '.o-dropdown-item[data-menu-xmlid="debt_followup.debt_followup_worklist_menu"]',
            run: "click",
        },
        {
            content: "The list opens on the collector's own cases",
            trigger: ".o_searchview_facet:contains(My Cases)",
        },
        {
            content: "The first customer to call is the one owing most for longest",
            trigger: ".o_list_view .o_data_row:first-child .o_data_cell[name=partner_id]:contains(Ferramenta Bianchi)",
        },
        {
            content: "The list fits the screen: no sideways scrolling",
            trigger: ".o_list_renderer",
            run() {
                const renderer = document.querySelector(".o_list_renderer");
                if (renderer.scrollWidth > renderer.clientWidth + 1) {
                    throw new Error(
                        `To Do Today is ${renderer.scrollWidth}px wide in ${renderer.clientWidth}px`
                    );
                }
            },
        },
        {
            content: "A row opens the collection case",
            trigger: ".o_list_view .o_data_row:first-child .o_data_cell[name=partner_id]",
            run: "click",
        },
        {
            content: "Log a call from the case",
            trigger: ".o_form_view .o_form_statusbar button[name=action_log_call]",
            run: "click",
        },
        {
            content: "The script is there, with the facts of the call in the customer's language",
            trigger: ".modal .o_debt_followup_script:contains(2.472,50)",
        },
        {
            content: "The customer promises to pay",
            trigger: ".modal div[name=outcome] label:contains(Promise to pay)",
            run: "click",
        },
        {
            content: "The whole overdue amount",
            trigger: ".modal div[name=promise_amount] input",
            run: "edit 2472.50",
        },
        {
            content: "First installment in a week",
            trigger: ".modal div[name=promise_date] input",
            run: `edit ${DateTime.now().plus({days: 7}).toFormat("MM/dd/yyyy")}`,
        },
        {
            content: "In two installments",
            trigger: ".modal div[name=installment_count] input",
            run: "edit 2 && press Tab",
        },
        {
            content: "The plan has two lines",
            trigger: ".modal div[name=line_ids] .o_data_row:nth-child(2)",
        },
        {
            content: "Log the call",
            trigger: ".modal-footer button[name=action_log_call]",
            run: "click",
        },
        {
            content: "The saved call says what happens next",
            trigger: ".o_notification:contains(Call logged):contains(Promise of)",
        },
        {
            content: "Back on the case, open its promises",
            trigger: "body:not(:has(.modal)) .o_notebook_headers a[name=promises]",
            run: "click",
        },
        {
            content: "The promise is on the case",
            trigger: ".o_field_widget[name=promise_ids] .o_data_row:contains(2,472.50):contains(Open)",
        },
    ],
});
