/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * The steps from the home screen to the Customers menu of Invoicing, which a
 * collector's day starts with: its menu item comes next.
 */
export function openCustomersMenu() {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            content: "Open Invoicing",
            trigger: '.o_app[data-menu-xmlid="account.menu_finance"]',
            run: "click",
        },
        {
            content: "Open the Customers menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="account.menu_finance_receivables"]',
            run: "click",
        },
    ];
}
