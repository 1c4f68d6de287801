# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Locale formatting of amounts, dates, phone numbers and script tokens, without
a database."""

from datetime import date

from markupsafe import Markup

from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.formatting import (
    format_amount,
    format_date,
    format_phone,
    format_short_date,
    render_tokens,
)

NBSP = "\xa0"


class TestToolsFormatting(BaseCase):
    def test_amounts_as_cldr_writes_them(self):
        assert format_amount(1234.56, "EUR", "it_IT") == f"1.234,56{NBSP}€"
        assert format_amount(1234.56, "EUR", "pt_PT") == f"1{NBSP}234,56{NBSP}€"
        assert format_amount(1234.56, "BRL", "pt_BR") == f"R${NBSP}1.234,56"

    def test_amount_in_the_invoice_currency_not_the_language_one(self):
        assert format_amount(1234.56, "BRL", "it_IT") == f"1.234,56{NBSP}BRL"
        assert format_amount(1234.56, "EUR", "pt_BR") == f"€{NBSP}1.234,56"

    def test_unknown_language_falls_back_to_english(self):
        assert format_amount(1234.56, "EUR", "xx_XX") == "€1,234.56"
        assert format_amount(1234.56, "EUR", False) == "€1,234.56"

    def test_dates_in_full_in_the_language(self):
        day = date(2026, 1, 31)
        assert format_date(day, "it_IT") == "31 gennaio 2026"
        assert format_date(day, "pt_PT") == "31 de janeiro de 2026"
        assert format_date(day, "pt_BR") == "31 de janeiro de 2026"
        assert format_date(day, "en_US") == "January 31, 2026"

    def test_phone_national_and_e164(self):
        assert format_phone("06 1234 5678", "it") == ("06 1234 5678", "+390612345678")
        assert format_phone("+55 92 98123-4567") == ("(92) 98123-4567", "+5592981234567")
        assert format_phone("212345678", "PT") == ("21 234 5678", "+351212345678")

    def test_invalid_phone_kept_as_typed(self):
        assert format_phone("12", "IT") == ("12", "")
        assert format_phone("call me", None) == ("call me", "")
        assert format_phone(False, "IT") == ("", "")

    def test_tokens_are_escaped_and_never_evaluated(self):
        html = Markup("<p>Hello {{debtor}}, {{ total }} due. {{table}} {{unknown}}</p>")
        rendered = render_tokens(
            html,
            {
                "debtor": "<script>alert(1)</script> & Co",
                "total": f"1.234,56{NBSP}€",
                "table": Markup("<table><tr><td>1</td></tr></table>"),
            },
        )
        assert isinstance(rendered, Markup)
        assert rendered == (
            "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co, "
            f"1.234,56{NBSP}€ due. <table><tr><td>1</td></tr></table> {{{{unknown}}}}</p>"
        )

    def test_tokens_inside_a_tag_are_not_filled(self):
        html = Markup('<p><a href="{{debtor}}" title="{{ debtor }}">{{debtor}}</a></p>')
        rendered = render_tokens(html, {"debtor": "javascript:alert(1)"})
        assert rendered == (
            '<p><a href="{{debtor}}" title="{{ debtor }}">javascript:alert(1)</a></p>'
        )

    def test_tokens_do_not_run_template_code(self):
        html = Markup("<p>{{ object.unlink() }} {{7*7}}</p>")
        assert render_tokens(html, {"object": "x"}) == html

    def test_short_dates_in_digits_as_each_language_writes_them(self):
        due = date(2026, 11, 30)
        assert format_short_date(due, "it_IT") == "30/11/26"
        assert format_short_date(due, "pt_BR") == "30/11/2026"
        assert format_short_date(due, "en_US") == "11/30/26"
