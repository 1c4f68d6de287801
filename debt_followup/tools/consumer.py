# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who is a consumer (COMPLIANCE.md "Who is a consumer").

Late-payment rules (Directive 2011/7/EU) are for business debtors only, consumer rules
(CDC, UNIREC) for consumers only. A tax number alone does not make a business: every
Portuguese resident has a NIF, a Brazilian person has a CPF in the same field as a
company's CNPJ, an Italian person has a codice fiscale. The shape of the number tells a
person from an entity; a number shaped like an entity's makes a business, otherwise the
partner's own "is a company" flag decides (a sole trader is a person with a business).
"""

import re

PERSON = "person"
ENTITY = "entity"

_NOISE = re.compile(r"[\s./\-]")


def tax_id_kind(vat, country_code):
    """``"person"``, ``"entity"`` or ``None`` (unknown shape) for a tax number.

    :param vat: the tax number as typed (spaces, dots, dashes and a two-letter
        country prefix are allowed)
    :param country_code: the partner's country (ISO code), used when the number
        has no prefix
    """
    if not vat:
        return None
    number = _NOISE.sub("", vat).upper()
    country = (country_code or "").upper()
    # A country prefix (PT123456789, IT12345678901, or IT before a codice fiscale);
    # a bare codice fiscale starts with letters too, and keeps them.
    if number[:2].isalpha() and (number[2:].isdigit() or len(number) == 18):
        country, number = number[:2], number[2:]
    if country == "PT" and len(number) == 9 and number.isdigit():
        # NIF: 1, 2, 3 and 45 are natural persons; 5, 6, 7, 8, 9 are entities.
        return PERSON if number[0] in "123" or number.startswith("45") else ENTITY
    if country == "BR" and number.isdigit():
        return {11: PERSON, 14: ENTITY}.get(len(number))
    if country == "IT":
        if len(number) == 11 and number.isdigit():
            return ENTITY  # partita IVA
        if len(number) == 16 and number.isalnum() and not number.isdigit():
            return PERSON  # codice fiscale of a natural person
    return None


def is_consumer(is_company, vat, country_code, override=None):
    """Whether a debtor is a consumer.

    :param is_company: the partner's own flag
    :param vat: its tax number (may be empty)
    :param country_code: its country (ISO code)
    :param override: ``"consumer"`` or ``"business"`` when a collector decided,
        anything else to decide from the flag and the number
    """
    if override == "consumer":
        return True
    if override == "business":
        return False
    if tax_id_kind(vat, country_code) == ENTITY:
        return False
    return not is_company
