# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Translations: it.po, pt.po and pt_BR.po cover the whole .pot, and the .pot
holds every term Odoo exports for the addon (nobody forgot to re-export)."""

import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = Path(__file__).resolve().parent.parent / "debt_followup" / "i18n"
LANGS = ("it", "pt", "pt_BR")
# Printf placeholders and the {{token}} placeholders of call scripts.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|\{\{ *[a-z_]+ *\}\}")


def _pot():
    return polib.pofile(str(I18N / "debt_followup.pot"))


def _exported_terms(env, module):
    """The source terms Odoo's export finds for ``module``."""
    return {
        source
        for _module, _type, _name, _res_id, source, _value, _comments in (
            TranslationModuleReader(env.cr, [module])
        )
    }


def test_every_pot_string_is_translated_in_each_language():
    msgids = [(entry.msgctxt, entry.msgid) for entry in _pot()]
    for lang in LANGS:
        translated = {
            (entry.msgctxt, entry.msgid)
            for entry in polib.pofile(str(I18N / f"{lang}.po"))
            if entry.msgstr.strip() and "fuzzy" not in entry.flags
        }
        missing = [msgid for ctx, msgid in msgids if (ctx, msgid) not in translated]
        assert not missing, f"{lang}.po lacks {len(missing)} translation(s): {missing[:5]}"


def test_translations_keep_the_placeholders():
    for lang in LANGS:
        for entry in polib.pofile(str(I18N / f"{lang}.po")):
            if entry.msgstr:
                expected = sorted(PLACEHOLDER.findall(entry.msgid))
                assert sorted(PLACEHOLDER.findall(entry.msgstr)) == expected, (
                    f"{lang}.po changes the placeholders of {entry.msgid[:80]!r}"
                )


@tagged("post_install", "-at_install")
class TestPotIsExported(TransactionCase):
    def test_pot_holds_every_exported_term(self):
        exported = _exported_terms(self.env, "debt_followup")
        in_pot = {entry.msgid for entry in _pot()}
        self.assertFalse(
            sorted(exported - in_pot)[:5],
            "Terms missing from debt_followup.pot: run `make i18n` and translate them.",
        )
        self.assertFalse(
            sorted(in_pot - exported)[:5],
            "Stale terms in debt_followup.pot: run `make i18n`.",
        )


@tagged("post_install", "-at_install")
class TestBridgesWithoutTerms(TransactionCase):
    """A bridge without an i18n folder must have no term of its own: what it
    exports (the labels of the models it extends) is debt_followup's, translated
    in debt_followup's .po files. The day it gets a user-visible term of its
    own, it needs its .pot and its .po files."""

    def test_queue_job_bridge_exports_no_term_of_its_own(self):
        exported = _exported_terms(self.env, "debt_followup_queue_job")
        in_pot = {entry.msgid for entry in _pot()}
        self.assertFalse(
            sorted(exported - in_pot)[:5],
            "Terms of debt_followup_queue_job: give it an i18n folder.",
        )
