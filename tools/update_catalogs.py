"""Bring the message catalogs up to date after a sentence was added or changed.

    python tools/update_catalogs.py

Extracts every marked sentence (``babel.cfg``) into ``wizard/text/locale/convex_auth_wizard.pot``,
merges it into the ``.po`` of every language under ``locale/`` (English, the source language,
gets each message id as its own text), and compiles every ``.po`` to the ``.mo`` the wizard
reads. The same for argparse's own words (``usage:``, its errors): their template is
extracted from the running Python's ``argparse`` into ``locale/argparse.pot`` and merged into
each translated language's ``argparse.po`` (English needs none). The tests fail when one of
these files is stale or a message has no translation.
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
ARGPARSE = "argparse"
ARGPARSE_TEMPLATE = LOCALE / f"{ARGPARSE}.pot"
SOURCE_LANGUAGE = "en"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT,
                   check=True)


def extract(output: Path) -> None:
    """The sentences marked in the code, without locations (a moved line changes nothing)."""
    pybabel("extract", "-F", "babel.cfg", "--no-location", "--sort-output",
            "--project", "convex-auth-wizard", "-o", str(output), "wizard", "screens")


def extract_argparse(output: Path) -> None:
    import argparse

    pybabel("extract", "--no-location", "--sort-output", "-k", "_", "-k", "ngettext:1,2",
            "--project", "argparse", "-o", str(output), argparse.__file__)


def po_file(language: str, domain: str = DOMAIN) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if p.is_dir()) or [SOURCE_LANGUAGE]


def merge(language: str, domain: str, template: Path) -> None:
    if po_file(language, domain).exists():
        pybabel("update", "-D", domain, "-i", str(template), "-d", str(LOCALE), "-l",
                language, "--no-fuzzy-matching", "--ignore-obsolete", "-w", "100")
    else:
        pybabel("init", "-D", domain, "-i", str(template), "-d", str(LOCALE), "-l",
                language, "-w", "100")


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
    extract_argparse(ARGPARSE_TEMPLATE)
    for language in languages():
        merge(language, DOMAIN, TEMPLATE)
        if language == SOURCE_LANGUAGE:
            fill_source_language()
        else:
            merge(language, ARGPARSE, ARGPARSE_TEMPLATE)
    for domain in (DOMAIN, ARGPARSE):
        pybabel("compile", "-D", domain, "-d", str(LOCALE), "--statistics")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
