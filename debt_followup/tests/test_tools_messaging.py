# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.messaging import (
    is_mobile_number,
    sms_encoding,
    sms_length,
    sms_plain,
    sms_segments,
    whatsapp_url,
)


class TestToolsMessaging(BaseCase):
    def test_gsm7_text_with_italian_accents_is_one_segment_up_to_160(self):
        text = "Ferramenta: la fattura è scaduta, può pagarla qui"
        assert sms_encoding(text) == "gsm7"
        assert sms_segments("a" * 160) == 1
        assert sms_segments("a" * 161) == 2
        assert sms_segments("a" * 306) == 2
        assert sms_segments("a" * 307) == 3

    def test_euro_sign_counts_twice_in_gsm7(self):
        assert sms_encoding("1.234,56 €") == "gsm7"
        assert sms_length("1.234,56 €") == 11
        assert sms_segments("€" * 80) == 1
        assert sms_segments("€" * 81) == 2

    def test_portuguese_accents_switch_to_ucs2_and_70_characters(self):
        text = "Lembramos que a fatura já venceu"
        assert sms_encoding(text) == "ucs2"
        assert sms_segments("ã" * 70) == 1
        assert sms_segments("ã" * 71) == 2
        assert sms_segments("ã" * 134) == 2
        assert sms_segments("ã" * 135) == 3
        # an emoji is two UTF-16 units
        assert sms_length("ok 👍") == 5
        assert sms_segments("") == 0

    def test_no_break_spaces_of_cldr_amounts_become_plain_spaces(self):
        assert sms_plain("R$\u00a01.234,56 ") == "R$ 1.234,56"
        assert sms_plain("1\u202f234,56\u00a0€") == "1 234,56 €"
        assert sms_encoding(sms_plain("1\u00a0234,56\u00a0€")) == "gsm7"
        assert sms_encoding("1\u00a0234,56\u00a0€") == "ucs2"

    def test_mobile_numbers_of_italy_brazil_portugal(self):
        assert is_mobile_number("+393471234567")
        assert is_mobile_number("+5511912345678")
        assert is_mobile_number("+5592991234567")
        assert is_mobile_number("+351912345678")
        # landlines
        assert not is_mobile_number("+390612345678")
        assert not is_mobile_number("+551134567890")
        assert not is_mobile_number("+351212345678")
        # North American numbers cannot be told apart: offered
        assert is_mobile_number("+12015550123")
        assert not is_mobile_number("not a number")
        assert not is_mobile_number("+39347")

    def test_whatsapp_url_digits_only_and_message_fully_encoded(self):
        url = whatsapp_url("+39 347 123 4567", "Pago 1.234,56 € & grazie? #1\nciao/ok")
        assert url == (
            "https://wa.me/393471234567?text="
            "Pago%201.234%2C56%20%E2%82%AC%20%26%20grazie%3F%20%231%0Aciao%2Fok"
        )
        assert whatsapp_url("+5511912345678") == "https://wa.me/5511912345678"
        assert whatsapp_url("+5511912345678", "Olá, não") == (
            "https://wa.me/5511912345678?text=Ol%C3%A1%2C%20n%C3%A3o"
        )
        assert whatsapp_url(False, "x") is False
