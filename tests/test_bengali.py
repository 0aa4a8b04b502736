"""`--lang bn`: the Bengali catalog is complete and current, the language is chosen in the
documented order, and `check`, the report, argparse's words and the wizard speak Bengali
with no English sentence left over (found from the catalog itself, not from a hand list)."""

from __future__ import annotations

import argparse
import gettext
import io
import json
import re
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import NOW
from tests.test_report import assert_clean, failing, state_dir, table_rows, verified
from wizard import cli
from wizard.demo.local_issuer import LocalIssuer
from wizard.text import language as chosen
from wizard.text.messages import DOMAIN, LANGUAGE_ENV, LOCALE_DIR, resolve_language

__all__ = ["failing", "state_dir", "verified"]  # fixtures shared with the report's tests

ROOT = Path(__file__).resolve().parent.parent
BENGALI = LOCALE_DIR / "bn" / "LC_MESSAGES"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
ARGPARSE_TEMPLATE = LOCALE_DIR / "argparse.pot"

VERBATIM = re.compile(
    r"https?://[^\s)\]\"'<>,]*[^\s)\]\"'<>,.;:…]"  # URLs
    r"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"  # variable names: CLERK_JWT_ISSUER_DOMAIN
    r"|(?<![\w/.-])(?:[\w-]+/)*[\w-]*(?:\.[\w-]+)*\.(?:ts|js|json|md|local|env)\b"  # files: auth.config.ts
    r"|(?<![\w-])--[a-z][a-z-]+"  # options: --deploy-key-env
    r"|\bnpx convex(?: env(?: set| get| list)?| dev| deploy)?\b")  # commands
"""What stays in Latin script, exactly as in the English text (docs/glossary.bn.md)."""


def load(path: Path, language: str = "bn") -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def shape(text: str) -> tuple[Counter[str], ...]:
    """Everything a translation must keep: str.format fields (conversion and spec too),
    %-fields, $-fields of the UI's templates, markup tags."""
    fields: Counter[str] = Counter()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            fields[f"{name}!{conversion}:{spec}"] += 1
    return (fields, Counter(re.findall(r"%(?:\([a-z_]+\))?[sdr]", text)),
            Counter(re.findall(r"\$[a-z_]+", text)), Counter(re.findall(r"\[/?[a-z]*\]", text)))


def compiled(catalog: Catalog) -> dict[object, object]:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)._catalog  # type: ignore[attr-defined,no-any-return]


def shipped(path: Path) -> dict[object, object]:
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined,no-any-return]


# -- the catalogs are complete and current ------------------------------------------------------
def test_every_message_has_a_bengali_translation() -> None:
    bengali, template = load(BENGALI / f"{DOMAIN}.po"), load(TEMPLATE)
    assert {m.id for m in bengali if m.id} == {m.id for m in template if m.id}
    problems = []
    for message in bengali:
        if not message.id:
            continue
        assert isinstance(message.id, str) and isinstance(message.string, str)
        if not message.string or message.fuzzy:
            problems.append(("untranslated or fuzzy", message.id))
        elif shape(message.string) != shape(message.id):
            problems.append(("placeholders differ", message.id))
        missing = [token for token in VERBATIM.findall(message.id)
                   if token not in message.string]
        if missing:
            problems.append((f"not kept verbatim: {missing}", message.id))
    assert problems == []


def test_the_verbatim_rule_finds_what_it_must_keep() -> None:
    text = ("Run npx convex env set CLERK_JWT_ISSUER_DOMAIN in convex/auth.config.ts, see "
            "https://dashboard.clerk.com/last-active?path=api-keys, or pass --deploy-key-env.")
    assert sorted(VERBATIM.findall(text)) == sorted([
        "npx convex env set", "CLERK_JWT_ISSUER_DOMAIN", "convex/auth.config.ts",
        "https://dashboard.clerk.com/last-active?path=api-keys", "--deploy-key-env"])


def test_a_translation_that_drops_a_placeholder_is_caught() -> None:
    assert shape("{count}টি যাচাই ফেল করেছে ({ids})") == shape("{count} failed ({ids})")
    assert shape("{count}টি যাচাই ফেল করেছে") != shape("{count} failed ({ids})")
    assert shape("[b]$leftটি ধাপ বাকি[/]") == shape("[b]$left step(s) open[/]")


@pytest.mark.parametrize("domain", [DOMAIN, "argparse"])
def test_the_compiled_bengali_catalogs_are_current(domain: str) -> None:
    """The shipped .mo is what compiling the .po gives: an edit left uncompiled fails."""
    assert shipped(BENGALI / f"{domain}.mo") == compiled(load(BENGALI / f"{domain}.po"))


def test_argparse_words_are_translated_and_current(tmp_path: Path) -> None:
    """The template is what this Python's argparse marks; every one of its words has
    Bengali with the same %-fields."""
    fresh = tmp_path / "argparse.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location",
                    "-k", "_", "-k", "ngettext:1,2", "-o", str(fresh), argparse.__file__],
                   check=True, capture_output=True)
    ids = {m.id for m in load(fresh) if m.id}
    assert ids == {m.id for m in load(ARGPARSE_TEMPLATE) if m.id}
    bengali = {m.id: m for m in load(BENGALI / "argparse.po") if m.id}
    assert set(bengali) == ids
    for message in bengali.values():
        first = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, first
        assert all(shape(text)[1] == shape(first)[1] for text in strings), first


# -- choosing the language --------------------------------------------------------------------
@pytest.mark.parametrize(("flag", "environ", "saved", "expected"), [
    ("en", {LANGUAGE_ENV: "bn", "LANG": "bn_BD.UTF-8"}, "bn", ("en", "--lang")),
    ("bn", {}, None, ("bn", "--lang")),
    (None, {LANGUAGE_ENV: "bn", "LANG": "en_US.UTF-8"}, "en", ("bn", LANGUAGE_ENV)),
    (None, {LANGUAGE_ENV: "de", "LANG": "bn_BD.UTF-8"}, None, ("bn", "LANG")),
    (None, {"LANG": "bn_BD.UTF-8"}, "en", ("en", "saved")),
    (None, {"LC_ALL": "bn_IN.UTF-8", "LANG": "en_US.UTF-8"}, None, ("bn", "LC_ALL")),
    (None, {"LC_MESSAGES": "bn", "LANG": "en_GB.UTF-8"}, None, ("bn", "LC_MESSAGES")),
    (None, {"LC_ALL": "en_US.UTF-8", "LANG": "bn_BD.UTF-8"}, None, ("en", "LC_ALL")),
    (None, {"LANG": "bn_BD.UTF-8"}, None, ("bn", "LANG")),
    (None, {"LANG": "de_DE.UTF-8"}, None, ("en", "default")),
    (None, {"LANG": "C"}, None, ("en", "default")),
])
def test_the_language_is_chosen_in_the_documented_order(
        flag: str | None, environ: dict[str, str], saved: str | None,
        expected: tuple[str, str]) -> None:
    choice = resolve_language(flag, environ, saved)
    assert (choice.language, choice.source) == expected


def test_every_command_takes_lang_without_code_of_its_own() -> None:
    parser = cli.build_parser()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(subcommands.choices) >= {"check", "report", "demo", "reset"}
    for name, sub in [("", parser), *subcommands.choices.items()]:
        options = {o for action in sub._actions for o in action.option_strings}
        assert "--lang" in options, name
    # A command added later (as `fix` will be) has it too.
    added = subcommands.add_parser("later")
    assert added.parse_args(["--lang", "bn"]).lang == "bn"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_lang_before_or_after_the_command_and_over_the_locale(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        project: Path) -> None:
    offline = ("--project", str(project), "--offline", "--json")
    monkeypatch.setenv("LANG", "bn_BD.UTF-8")
    assert json.loads(run_cli(capsys, "check", *offline)[1])["lang"] == "bn"
    assert json.loads(run_cli(capsys, "check", "--lang", "en", *offline)[1])["lang"] == "en"
    assert json.loads(run_cli(capsys, "--lang", "en", "check", *offline)[1])["lang"] == "en"
    monkeypatch.setenv(LANGUAGE_ENV, "en")
    assert json.loads(run_cli(capsys, "check", *offline)[1])["lang"] == "en"
    assert json.loads(run_cli(capsys, "check", "--lang=bn", *offline)[1])["lang"] == "bn"


def test_help_and_usage_errors_are_bengali(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--lang", "bn", "check", "--help"])
    helped = capsys.readouterr().out
    assert helped.startswith("ব্যবহার: convex-auth-wizard check")
    assert "\noption:\n" in helped and "এই সাহায্য দেখিয়ে বেরিয়ে যান" in helped
    assert "usage:" not in helped and "show this help" not in helped
    status, _, err = run_cli(capsys, "check", "--lang", "bn", "--bogus")
    assert status == cli.EXIT_USAGE
    assert err == ("convex-auth-wizard: ত্রুটি: অচেনা argument: --bogus "
                   "(convex-auth-wizard --help দেখুন)\n")
    # English again in the same process: argparse's words are set per run.
    status, _, err = run_cli(capsys, "check", "--bogus")
    assert err.startswith("convex-auth-wizard: error: unrecognized arguments: --bogus")


def test_a_corrupt_settings_file_is_reported_and_english_is_used(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, project: Path) -> None:
    monkeypatch.setenv(chosen.CONFIG_DIR_ENV, str(tmp_path / "config"))
    settings = chosen.settings_path()
    settings.parent.mkdir()
    settings.write_bytes(b'{"language": "bn"')  # cut off mid-write by another tool
    status, out, err = run_cli(capsys, "check", "--project", str(project), "--offline", "--json")
    assert json.loads(out)["lang"] == "en" and status in (0, 1)
    assert f"The settings file {settings} cannot be used" in err
    assert chosen.save_language("bn") is None  # choosing again repairs it
    assert json.loads(settings.read_text()) == {"language": "bn"}
    assert json.loads(run_cli(capsys, "check", "--project", str(project), "--offline",
                              "--json")[1])["lang"] == "bn"


@pytest.mark.parametrize("content", [b"[]", b'{"language": "xx"}', b'{"language": 7}',
                                     b"\xff\xfe", b" " * (chosen.MAX_BYTES + 1)])
def test_every_unusable_settings_file_is_a_problem_not_a_crash(
        tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    saved = chosen.saved_language(path)
    assert saved.language is None and saved.problem is not None


def test_a_settings_folder_in_the_way_is_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    problem = chosen.save_language("bn", blocker / "settings.json")
    assert problem is not None and "could not be saved" in problem.render()


# -- what a person reads, in Bengali ------------------------------------------------------------
def english_fragments() -> set[str]:
    """Runs of three or more English words from every message the Bengali catalog
    translates, that its Bengali does not repeat: if one is printed, a sentence was left
    in English."""
    fragments = set()
    for message in load(BENGALI / f"{DOMAIN}.po"):
        if not message.id or message.string == message.id:
            continue
        for literal, *_ in string.Formatter().parse(message.id):
            for run in re.findall(r"[A-Za-z][A-Za-z' ]*[A-Za-z]", literal):
                words = run.split()
                if (len(words) >= 3 and run not in message.string
                        and not VERBATIM.search(run) and any(w.islower() for w in words)):
                    fragments.add(run)
    return fragments


ENGLISH = english_fragments()


def english_left(text: str) -> list[str]:
    return sorted(fragment for fragment in ENGLISH if fragment in text)


def test_the_english_finder_finds_english() -> None:
    assert len(ENGLISH) > 300
    assert english_left("NOT OK: 1 check(s) failed (token.aud)") == []  # too short to tell
    assert "Convex would accept this token" in english_left(
        "OK: Convex would accept this token")


def bengali_check(capsys: pytest.CaptureFixture[str], project: Path,
                  token: str) -> tuple[int, str]:
    status, out, err = run_cli(capsys, "check", "--project", str(project), "--at", str(NOW),
                               "--token", token)
    assert err == ""
    return status, out


def test_check_in_bengali_for_a_passing_and_a_failing_token(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        project: Path, issuer: LocalIssuer) -> None:
    monkeypatch.setenv("LANG", "bn_BD.UTF-8")
    status, out = bengali_check(capsys, project, issuer.mint(issuer.template_claims(NOW)))
    assert status == 0 and english_left(out) == []
    assert out.rstrip().endswith("ঠিক আছে: Convex এই token মেনে নেবে")
    status, out = bengali_check(capsys, project,
                                issuer.mint(issuer.template_claims(NOW, aud="other")))
    assert status == 1 and english_left(out) == []
    verdict = out.rstrip().splitlines()[-1]
    assert re.fullmatch(r"ঠিক নেই: \d+টি যাচাই ফেল করেছে \(.*token\.aud.*\)", verdict), verdict
    assert "সমাধান: " in out and "token.aud" in out  # ids stay English
    status, out, _ = run_cli(capsys, "check", "--project", str(project), "--at", str(NOW),
                             "--json", "--token",
                             issuer.mint(issuer.template_claims(NOW, aud="other")))
    document = json.loads(out)
    aud = next(c for c in document["checks"] if c["id"] == "token.aud")
    assert document["lang"] == "bn" and (aud["id"], aud["status"]) == ("token.aud", "fail")
    assert all(re.search("[\u0980-\u09ff]", aud[key]) for key in ("detail", "fix"))


def test_check_table_columns_line_up_in_bengali(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        project: Path, issuer: LocalIssuer) -> None:
    """Every row's text starts in the same terminal column, and no line is wider than the
    terminal, measured as Rich measures and as a wcwidth terminal (xterm, VTE) does."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LANG", "bn_BD.UTF-8")
    _status, out = bengali_check(capsys, project,
                                 issuer.mint(issuer.template_claims(NOW, aud="other")))
    rows = [line for line in out.splitlines() if re.match(r" [✓✗!-] ", line)]
    assert len(rows) > 10
    starts = set()
    for row in rows:
        label = re.match(r" [✓✗!-] \S+(?: \(\d+\))? +", row)
        assert label is not None, row
        starts.add(cell_len(label.group()))
    assert len(starts) == 1, starts
    column = starts.pop()
    for line in out.splitlines()[out.splitlines().index(rows[0]):]:
        assert cell_len(line) <= 100 and terminal_width(line) <= 100, line
        if line.startswith(" ") and line.strip() and line not in rows:  # a detail goes on
            assert len(line) - len(line.lstrip(" ")) >= column, line


def terminal_width(text: str) -> int:
    """Cells as a wcwidth terminal counts them: a spacing vowel sign (Mc) takes a cell,
    a non-spacing mark (Mn) none."""
    import unicodedata

    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf", "Cc") else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.fixture
def in_bengali() -> None:
    """Bengali from here on, fixtures included: the saved progress a Bengali user leaves
    holds its check texts in Bengali (texts saved in another language stay in it)."""
    chosen.set_language("bn")


def test_the_report_in_bengali_keeps_every_table(
        in_bengali: None, failing: tuple[Path, str], tmp_path: Path) -> None:
    root, token = failing
    output = tmp_path / "report.md"
    assert cli.main(["report", "--lang", "bn", "--project", str(root), "--format", "md",
                     "--output", str(output)]) == 0
    markdown = output.read_text(encoding="utf-8")
    assert english_left(markdown) == [], english_left(markdown)
    rows = table_rows(markdown)
    assert rows and {len(row) for row in rows} <= {2, 3, 5}
    assert "| ❌ ফেল | token.aud (saved) | check-token |" in markdown.replace(
        "(সেভ করা)", "(saved)")
    assert_clean(output, token)
    english = tmp_path / "english.md"
    assert cli.main(["report", "--lang", "en", "--project", str(root), "--format", "md",
                     "--output", str(english)]) == 0
    assert len(table_rows(english.read_text(encoding="utf-8"))) == len(rows)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize("xdg", [None, "/somewhere/config"])
def test_the_settings_file_is_where_platformdirs_puts_it(
        monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    import platformdirs

    monkeypatch.delenv(chosen.CONFIG_DIR_ENV)
    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    assert chosen.settings_path() == (
        Path(platformdirs.user_config_dir(chosen.APP_NAME)) / chosen.FILE_NAME)
