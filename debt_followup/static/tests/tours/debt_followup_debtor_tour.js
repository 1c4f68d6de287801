/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

/** ISO date (yyyy-mm-dd) in ``days`` days, in the browser's time zone. */
function inDays(days) {
    const day = new Date();
    day.setDate(day.getDate() + days);
    const pad = (n) => String(n).padStart(2, "0");
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/**
 * A debtor opens the link of a reminder without logging in: it proposes to pay
 * two invoices in two monthly installments (inside the creditor's limits),
 * disputes the third invoice and pays the fourth with the demo payment provider.
 */
registry.category("web_tour.tours").add("debt_followup_debtor", {
    steps: () => [
        {
            content: "The open invoices, in the debtor's language and currency",
            trigger: ".o_debt_portal_invoice .o_debt_portal_amount:contains(1.830,00)",
        },
        {
            content: "The third invoice is left out of the plan",
            trigger: "#debt_portal_propose .form-check:contains(410,00) input",
            run: "uncheck",
        },
        {
            content: "The fourth invoice too: it will be paid online",
            trigger: "#debt_portal_propose .form-check:contains(275,00) input",
            run: "uncheck",
        },
        {
            content: "First payment in a week",
            trigger: "#debt_first_date",
            run() {
                // a date input takes its value as yyyy-mm-dd whatever the locale
                this.anchor.value = inDays(7);
            },
        },
        {
            content: "In two installments",
            trigger: "#debt_installments",
            run: "select 2",
        },
        {
            content: "Send the proposal",
            trigger: "button.o_debt_portal_propose",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The promise is recorded at once",
            trigger: ".o_debt_portal_notice",
        },
        {
            content: "Dispute the third invoice",
            trigger: "#debt_dispute_move",
            run: "selectByLabel 410,00",
        },
        {
            content: "Say why",
            trigger: "#debt_dispute_reason",
            run: "edit Goods arrived damaged <b>twice</b>",
        },
        {
            content: "Send the dispute",
            trigger: "button.o_debt_portal_dispute",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The disputed invoice is marked so",
            trigger: ".o_debt_portal_invoice:contains(410,00) .badge.text-bg-secondary",
        },
        {
            content: "The dispute is acknowledged, and nothing went wrong",
            trigger: ".o_debt_portal_notice",
        },
        {
            content: "No error shown",
            trigger: "body:not(:has(.o_debt_portal_error))",
        },
        {
            content: "Pay the fourth invoice online",
            trigger: ".o_debt_portal_invoice:contains(275,00) a.o_debt_portal_pay",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The demo provider's card number",
            trigger: "#pay_with input[name=customer_input]",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "#pay_with button[name=o_payment_submit_button]:not(:disabled)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            // the test checks the transaction and the reconciliation
            content: "Back on the invoice once paid",
            trigger: ".o_portal_invoice_sidebar",
        },
    ],
});
