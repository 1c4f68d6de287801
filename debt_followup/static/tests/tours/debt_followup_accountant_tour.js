/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

/**
 * An accountant lists the overdue invoices at one follow-up level, selects two
 * invoices of the same customer and logs the call about both.
 */
registry.category("web_tour.tours").add("debt_followup_accountant", {
    steps: () => [
        {
            content: "Search the invoices of a follow-up level",
            trigger: ".o_searchview_input",
            run: "edit Second call",
        },
        {
            content: "...by their follow-up level",
            trigger: ".o_searchview_autocomplete .o-dropdown-item:contains(Follow-up Level)",
            run: "click",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Only overdue invoices",
            trigger: ".o_filter_menu .o-dropdown-item:contains(Overdue)",
            run: "click",
        },
        {
            content: "Two invoices are left, both of Ferramenta Bianchi",
            trigger:
                ".o_list_view:not(:has(.o_data_row:nth-child(3))) .o_data_row:nth-child(2):contains(Ferramenta Bianchi)",
        },
        {
            content: "Select both invoices",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Both are selected",
            trigger: ".o_list_view .o_data_row:nth-child(2) .o_list_record_selector input:checked",
        },
        {
            content: "Open the actions",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Log a call about the two invoices",
            trigger: ".o-dropdown-item:contains(Log a Call)",
            run: "click",
        },
        {
            content: "The call covers both invoices",
            trigger: ".modal div[name=move_ids] .o_tag:nth-child(2)",
        },
        {
            content: "The customer was reached",
            trigger: ".modal div[name=outcome] label:contains(Reached, no promise)",
            run: "click",
        },
        {
            content: "What the customer said",
            trigger: ".modal div[name=note] textarea",
            run: "edit Paying both invoices with the next bank transfer.",
        },
        {
            content: "Log the call",
            trigger: ".modal-footer button[name=action_log_call]",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal)) .o_list_view",
        },
    ],
});
