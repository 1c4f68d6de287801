# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Text messages: SMS length in GSM 03.38 terms, and WhatsApp click-to-chat links.

An SMS is sent in the GSM 7-bit alphabet when every character belongs to it
(160 characters in one segment, 153 per segment of a longer message; the
characters of the extension table such as ``€`` take two), otherwise in UCS-2
(70 characters in one segment, 67 per segment).
"""

import re
from urllib.parse import quote

import phonenumbers

# GSM 03.38 basic character set (escape character excluded).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# GSM 03.38 extension table: each character is sent as escape + character.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SEGMENT_LIMITS = {
    # encoding: (one segment, per segment of a concatenated message)
    "gsm7": (160, 153),
    "ucs2": (70, 67),
}

# phonenumbers types of a number that can receive SMS and WhatsApp messages.
# Italy, Portugal and Brazil tell mobile and fixed numbers apart by their
# prefix (IT 3xx, PT 9x, BR 9 digits starting with 9), so their numbers are
# MOBILE or FIXED_LINE; FIXED_LINE_OR_MOBILE is what numbering plans that cannot
# tell them apart (North America) return, and such a number may well be a mobile.
MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)

_NO_BREAK_SPACES = re.compile("[\u00a0\u2007\u202f]")


def sms_plain(text):
    """The text as an SMS carries it: no-break spaces (which CLDR puts in
    amounts such as ``1 234,56 €`` and ``R$ 1.234,56``) become plain spaces,
    since they are not in the GSM alphabet and would double the cost."""
    return _NO_BREAK_SPACES.sub(" ", text or "").strip()


def sms_encoding(text):
    """``"gsm7"`` when every character is in the GSM alphabet, else ``"ucs2"``."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        return "gsm7"
    return "ucs2"


def sms_length(text):
    """Length of the text in units of its encoding: GSM extension characters
    count twice, and in UCS-2 a character outside the BMP (an emoji) counts twice."""
    if sms_encoding(text) == "gsm7":
        return sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text):
    """Number of SMS segments needed to send the text (0 for an empty text)."""
    length = sms_length(text)
    if not length:
        return 0
    single, multi = SEGMENT_LIMITS[sms_encoding(text)]
    if length <= single:
        return 1
    return -(-length // multi)


def is_mobile_number(e164):
    """Whether an E.164 number is a mobile number that can receive messages."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in MOBILE_TYPES


def whatsapp_url(e164, message=""):
    """The click-to-chat link ``https://wa.me/<number>?text=<message>``.

    wa.me wants the international number as digits only (no ``+``, spaces or
    dashes) and the message percent-encoded as UTF-8, spaces as ``%20`` and
    line breaks as ``%0A``: nothing of the message may stay unescaped, since
    ``&``, ``#`` or ``?`` in a text would cut it short.
    """
    digits = "".join(char for char in e164 or "" if char.isdigit())
    if not digits:
        return False
    url = f"https://wa.me/{digits}"
    if message:
        url += "?text=" + quote(message, safe="")
    return url


LINK = re.compile(r"https?://\S+")


def mask_links(text, label):
    """``text`` with every web address replaced by ``label``: the copy of a text
    message kept in a chatter must not carry the debtor's link and its token."""
    return LINK.sub(label, text)
