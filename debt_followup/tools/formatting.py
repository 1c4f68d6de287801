# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Locale formatting for scripts, e-mails and letters: amounts and dates as CLDR
(Babel) writes them in the debtor's language, phone numbers with phonenumbers,
and the ``{{token}}`` placeholders of call scripts. Never by hand."""

import re
from functools import lru_cache

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency
from markupsafe import Markup, escape

TOKEN = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# A tag, up to the first ">" (sanitized markup writes it as &gt; in attribute values).
TAG = re.compile(r"(<[^>]*>)")
DEFAULT_LOCALE = "en_US"


@lru_cache(maxsize=64)
def babel_locale(lang):
    """Babel locale of an Odoo language code (``it_IT``, ``pt_BR``, ``sr@latin``);
    English when the code is empty or unknown to CLDR."""
    code = (lang or DEFAULT_LOCALE).replace("@latin", "_Latn")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def format_amount(amount, currency_code, lang):
    """``1234.56, "EUR", "it_IT"`` -> ``1.234,56\xa0€`` (CLDR spacing: no-break
    spaces, narrow or not, as the locale has them)."""
    return format_currency(amount, currency_code, locale=babel_locale(lang))


def format_date(value, lang):
    """A date written out in full in the debtor's language:
    ``31 gennaio 2026``, ``31 de janeiro de 2026``."""
    return babel_format_date(value, format="long", locale=babel_locale(lang))


def format_short_date(value, lang):
    """A date in digits, as the language writes it: ``30/11/26`` (it, pt),
    ``30/11/2026`` (pt_BR), ``11/30/26`` (en)."""
    return babel_format_date(value, format="short", locale=babel_locale(lang))


def format_phone(number, region=None):
    """``(national, e164)`` of a phone number, read in ``region`` (ISO country
    code) when it has no international prefix; ``(number, "")`` when it is not
    a valid number, so that a collector still sees what was typed."""
    try:
        parsed = phonenumbers.parse(number or "", region and region.upper())
    except phonenumbers.NumberParseException:
        return number or "", ""
    if not phonenumbers.is_valid_number(parsed):
        return number or "", ""
    return (
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL),
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
    )


def render_tokens(html, values):
    """Replace the ``{{name}}`` tokens of ``html`` (trusted, sanitized markup)
    by ``values[name]``: plain strings are escaped, ``Markup`` is inserted as
    is. Unknown tokens stay visible, so that a typo shows in the preview.
    Nothing is evaluated.

    Only tokens in the text are filled in: a token inside a tag (an attribute
    such as ``href="{{debtor}}"``) stays as written, because escaping does not
    make a value safe there (a name typed as ``javascript:...`` would become a
    link that runs it)."""

    def replace(match):
        name = match.group(1)
        return str(escape(values[name])) if name in values else match.group(0)

    # Split into tags and text: the odd parts are the tags, left untouched.
    parts = TAG.split(str(html or ""))
    return Markup(
        "".join(part if index % 2 else TOKEN.sub(replace, part) for index, part in enumerate(parts))
    )
