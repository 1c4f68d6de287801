/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_utils";

/**
 * A collection manager rewrites the call script of a level in Italian and in
 * Brazilian Portuguese through the translation dialog (one row per paragraph of
 * the script and per language), then shortens the calling window of Rio de Janeiro.
 */
registry.category("web_tour.tours").add("debt_followup_manager", {
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        {
            content: "Open the accounting configuration",
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_configuration']",
            run: "click",
        },
        {
            content: "Open the follow-up levels",
            trigger: ".o-dropdown-item[data-menu-xmlid='debt_followup.debt_followup_level_menu']",
            run: "click",
        },
        {
            content: "Open the level 'Second call'",
            trigger: ".o_list_view .o_data_cell:contains(Second call)",
            run: "click",
        },
        {
            content: "Click into the call script: its language button appears",
            trigger: ".o_field_widget[name=call_script] [contenteditable=true]",
            run: "click",
        },
        {
            content: "Open the translations of the call script",
            trigger: ".o_field_widget[name=call_script] button.o_field_translate",
            run: "click",
        },
        {
            content: "Write the Italian script",
            trigger:
                ".o_translation_dialog .row:contains(Italian) .translation textarea",
            run: "edit Buongiorno, sono Giulia di Conti Forniture: parlo con il titolare?",
        },
        {
            content: "Write the Brazilian Portuguese script",
            trigger:
                ".o_translation_dialog .row:contains(Portuguese (BR)) .translation textarea",
            run: "edit Bom dia, aqui é a Giulia da Conti Forniture: falo com o responsável?",
        },
        {
            content: "Save the translations",
            trigger: ".modal-footer .btn-primary:contains(Save)",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.o_translation_dialog))",
        },
        {
            content: "Open the accounting configuration again",
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_configuration']",
            run: "click",
        },
        {
            content: "Open the calling windows",
            trigger: ".o-dropdown-item[data-menu-xmlid='debt_followup.debt_followup_calling_window_menu']",
            run: "click",
        },
        {
            content: "Open the window of Rio de Janeiro",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Rio de Janeiro)",
            run: "click",
        },
        {
            content: "Calls until 18:00 on weekdays",
            trigger: ".o_form_view div[name=weekday_end] input",
            run: "edit 18:00",
        },
        ...stepUtils.saveForm(),
    ],
});
