/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const {DateTime} = luxon;

/**
 * A collector starts the day on "To do today", opens the first customer, reads the
 * call script, logs a reached call with a promise in two installments and finds
 * the promise on the customer.
 */
registry.category("web_tour.tours").add("debt_followup_collector", {
    steps: () => [
        {
            content: "The first customer to call is the one owing most for longest",
            trigger: ".o_list_view .o_data_row:first-child .o_data_cell[name=partner_id]:contains(Ferramenta Bianchi)",
        },
        {
            content: "Open the first customer",
            trigger: ".o_list_view .o_data_row:first-child button[name=action_open_partner]",
            run: "click",
        },
        {
            content: "Log a call from the customer's banner",
            trigger: ".o_debt_followup_banner button:contains(Log a Call)",
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
            content: "Back on the customer, open the Follow-up tab",
            trigger: "body:not(:has(.modal)) .o_notebook_headers a[name=debt_followup]",
            run: "click",
        },
        {
            content: "The promise is on the customer",
            trigger: ".o_field_widget[name=debt_promise_ids] .o_data_row:contains(2,472.50):contains(Open)",
        },
    ],
});
