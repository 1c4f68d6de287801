# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Refresh the addon's translation files from a database where it is installed.

python dev/i18n.py export DB   export debt_followup.pot, then merge it into
                               it.po, pt.po and pt_BR.po (keeping translations)
python dev/i18n.py check       list the strings still untranslated
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "debt_followup" / "i18n"
POT = I18N / "debt_followup.pot"
LANGS = {"it": "Italian", "pt": "Portuguese", "pt_BR": "Portuguese (Brazil)"}


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def merge(lang):
    pot = polib.pofile(str(POT))
    path = I18N / f"{lang}.po"
    old = {_key(e): e for e in polib.pofile(str(path))} if path.exists() else {}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update(
        {
            "Language": lang,
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        }
    )
    po.header = f"Translation of debt_followup into {LANGS[lang]}."
    for entry in pot:
        previous = old.get(_key(entry))
        entry.msgstr = previous.msgstr if previous else ""
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        po.append(entry)
    po.save(str(path))


def untranslated():
    pot = polib.pofile(str(POT))
    tables = {
        lang: {_key(e): e.msgstr for e in polib.pofile(str(I18N / f"{lang}.po"))} for lang in LANGS
    }
    missing = {}
    for lang in LANGS:
        table = (
            {**tables["pt"], **{k: v for k, v in tables[lang].items() if v}}
            if lang == "pt_BR"
            else tables[lang]
        )
        missing[lang] = [e.msgid for e in pot if not table.get(_key(e))]
    return missing


def main(argv):
    if argv[:1] == ["export"] and len(argv) == 2:
        subprocess.run(
            [
                str(ROOT / "dev" / "env.sh"),
                "odoo-cmd",
                "i18n",
                "export",
                "-d",
                argv[1],
                "debt_followup",
                "-l",
                "pot",
            ],
            check=True,
        )
        for lang in LANGS:
            merge(lang)
    elif argv != ["check"]:
        sys.exit(__doc__)
    status = 0
    for lang, ids in untranslated().items():
        print(f"{lang}: {len(ids)} untranslated")
        for msgid in ids:
            print(f"   {msgid[:100]!r}")
        status = status or bool(ids)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
