# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who is a consumer, without a database (COMPLIANCE.md)."""

from odoo.tests import BaseCase

from odoo.addons.debt_followup.tools.consumer import ENTITY, PERSON, is_consumer, tax_id_kind


class TestToolsConsumer(BaseCase):
    def test_portuguese_nif(self):
        assert tax_id_kind("PT123456789", "PT") == PERSON
        assert tax_id_kind("234 567 890", "PT") == PERSON
        assert tax_id_kind("PT 501 234 567", "PT") == ENTITY
        assert tax_id_kind("980123456", "PT") == ENTITY
        assert is_consumer(False, "PT123456789", "PT")
        assert not is_consumer(False, "PT501234567", "PT")

    def test_brazilian_cpf_and_cnpj(self):
        assert tax_id_kind("123.456.789-09", "BR") == PERSON
        assert tax_id_kind("12.345.678/0001-95", "BR") == ENTITY
        assert is_consumer(False, "123.456.789-09", "BR")
        assert not is_consumer(False, "12.345.678/0001-95", "BR")

    def test_italian_codice_fiscale_and_partita_iva(self):
        assert tax_id_kind("RSSMRA80A01H501U", "IT") == PERSON
        assert tax_id_kind("IT RSSMRA80A01H501U", "IT") == PERSON
        assert tax_id_kind("IT12345670017", "IT") == ENTITY
        assert tax_id_kind("12345670017", "IT") == ENTITY
        assert is_consumer(False, "RSSMRA80A01H501U", "IT")
        assert not is_consumer(False, "IT12345670017", "IT")

    def test_the_prefix_wins_over_the_country(self):
        """A Portuguese NIF on a partner whose country is Italy is still a NIF."""
        assert tax_id_kind("PT501234567", "IT") == ENTITY
        assert tax_id_kind("PT123456789", "IT") == PERSON

    def test_a_sole_trader_is_decided_by_the_flag(self):
        """A person's number with the company flag set: a business (sole trader)."""
        assert not is_consumer(True, "PT123456789", "PT")
        assert not is_consumer(True, "RSSMRA80A01H501U", "IT")
        assert not is_consumer(True, "", "IT")

    def test_elsewhere_the_flag_decides(self):
        assert tax_id_kind("FR40303265045", "FR") is None
        assert is_consumer(False, "FR40303265045", "FR")
        assert not is_consumer(True, "FR40303265045", "FR")
        assert is_consumer(False, "", False)

    def test_a_collector_overrides(self):
        assert not is_consumer(False, "PT123456789", "PT", override="business")
        assert is_consumer(True, "PT501234567", "PT", override="consumer")
        assert is_consumer(False, "PT123456789", "PT", override="auto")
