"""Bring the message catalogs up to date after a sentence was added or changed.

    python tools/update_catalogs.py

Extracts every marked sentence (``babel.cfg``) into ``wizard/text/locale/convex_auth_wizard.pot``,
merges it into each language's ``.po`` (English, the source language, gets each message id as
its own text), and compiles every ``.po`` to the ``.mo`` the wizard reads. The tests fail when
one of these files is stale.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "wizard" / "text" / "locale"
DOMAIN = "convex_auth_wizard"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
SOURCE_LANGUAGE = "en"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT,
                   check=True)


def extract(output: Path) -> None:
    """The sentences marked in the code, without locations (a moved line changes nothing)."""
    pybabel("extract", "-F", "babel.cfg", "--no-location", "--sort-output",
            "--project", "convex-auth-wizard", "-o", str(output), "wizard", "screens")


def po_file(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def fill_source_language() -> None:
    """The English catalog translates each message to itself."""
    path = po_file(SOURCE_LANGUAGE)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=SOURCE_LANGUAGE)
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)


def main() -> int:
    extract(TEMPLATE)
    for language in sorted(p.name for p in LOCALE.iterdir() if p.is_dir()) or [SOURCE_LANGUAGE]:
        if po_file(language).exists():
            pybabel("update", "-D", DOMAIN, "-i", str(TEMPLATE), "-d", str(LOCALE), "-l",
                    language, "--no-fuzzy-matching", "--ignore-obsolete", "-w", "100")
        else:
            pybabel("init", "-D", DOMAIN, "-i", str(TEMPLATE), "-d", str(LOCALE), "-l",
                    language, "-w", "100")
        if language == SOURCE_LANGUAGE:
            fill_source_language()
    pybabel("compile", "-D", DOMAIN, "-d", str(LOCALE), "--statistics")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
