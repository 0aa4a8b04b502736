"""Text as data: every sentence comes from the message catalogs (wizard/text/locale), the
catalogs are up to date with the code, every reason a check gives has its fix, and no
sentence is left as a literal where checks are built or the screens draw."""

from __future__ import annotations

import ast
import gettext
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import screens
import wizard
from tests.conftest import NOW
from wizard.checks import catalog
from wizard.checks.catalog import CATALOG, make
from wizard.checks.model import Status
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer
from wizard.providers.clerk.api import ApiProblemKind
from wizard.services.issuer_keys import FetchProblemKind
from wizard.text import messages
from wizard.text.messages import DOMAIN, LOCALE_DIR, N_, Message, render
from wizard.walkthrough.session import run_checks

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
ENGLISH = LOCALE_DIR / "en" / "LC_MESSAGES"


def _ids(catalog_bytes: bytes) -> set[str]:
    return {m.id for m in read_po(io.BytesIO(catalog_bytes)) if m.id}


def python_files(package: object) -> Iterator[Path]:
    folder = Path(package.__file__).parent  # type: ignore[attr-defined]
    yield from sorted(folder.rglob("*.py"))


# -- the catalogs are up to date ---------------------------------------------------------------
def test_the_template_holds_every_marked_sentence(tmp_path: Path) -> None:
    """``pybabel extract`` finds exactly the sentences of the shipped template: a new or
    changed sentence fails here until ``python tools/update_catalogs.py`` is run."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "--no-location", "-o", str(fresh), "wizard", "screens"],
                   cwd=ROOT, check=True, capture_output=True)
    extracted, shipped = _ids(fresh.read_bytes()), _ids(TEMPLATE.read_bytes())
    assert extracted - shipped == set(), "not in the template yet"
    assert shipped - extracted == set(), "no longer in the code"
    assert len(shipped) > 400


def test_the_english_catalog_is_complete_and_compiled() -> None:
    """en.po has every message of the template, each translated to itself, and the shipped
    en.mo is what compiling it gives."""
    with (ENGLISH / f"{DOMAIN}.po").open("rb") as handle:
        english = read_po(handle, locale="en")
    assert {m.id for m in english if m.id} == _ids(TEMPLATE.read_bytes())
    assert all(m.string == m.id for m in english if m.id)
    compiled = io.BytesIO()
    write_mo(compiled, english)
    compiled.seek(0)
    with (ENGLISH / f"{DOMAIN}.mo").open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    assert shipped._catalog == gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]


def test_packaging_ships_the_compiled_catalogs() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"locale/*/LC_MESSAGES/*.mo"' in pyproject
    assert messages.available_languages() == ("bn", "en")


# -- every reason has its text -------------------------------------------------------------------
def test_every_check_has_a_title_and_every_reason_a_fix() -> None:
    for spec in CATALOG.values():
        assert spec.title.strip() and spec.passes_when.strip(), spec.id
        for reason, fix in spec.fixes.items():
            assert fix.strip(), (spec.id, reason)


def literal_reasons() -> Iterator[tuple[str, str, str]]:
    """(file, check id, reason) of every make(...) whose id and reason are written out."""
    for path in python_files(wizard):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node) == "make" and len(node.args) >= 4:
                check_id, reason = node.args[0], node.args[3]
                if isinstance(check_id, ast.Constant) and isinstance(reason, ast.Constant):
                    yield path.name, str(check_id.value), str(reason.value)


def test_every_reason_the_code_gives_has_its_fix() -> None:
    found = list(literal_reasons())
    assert len(found) > 60
    missing = [(file, check_id, reason) for file, check_id, reason in found
               if reason not in CATALOG[check_id].fixes]
    assert missing == []


@pytest.mark.parametrize(("check_id", "reasons"), [
    ("issuer.discovery", {FetchProblemKind.NETWORK, FetchProblemKind.STATUS,
                          FetchProblemKind.CONTENT, FetchProblemKind.ISSUER_MISMATCH,
                          FetchProblemKind.NO_JWKS_URI, FetchProblemKind.OFFLINE}),
    ("issuer.jwks", {FetchProblemKind.NETWORK, FetchProblemKind.STATUS, FetchProblemKind.CONTENT,
                     FetchProblemKind.NO_KEYS, FetchProblemKind.OFFLINE}),
    ("clerk.instance", set(ApiProblemKind) - {ApiProblemKind.EXISTS}),
    ("clerk.template", set(ApiProblemKind) - {ApiProblemKind.EXISTS}),
    ("token.kind", {"session", "key", "other", "unreadable"}),
    ("convex.accepts_token", {"NoAuthProvider", "Unauthenticated", "InvalidAuthHeader",
                              "AuthProviderDiscoveryFailed", "inconclusive", "disagree"}),
])
def test_every_reason_a_service_can_give_has_its_fix(check_id: str, reasons: set[str]) -> None:
    """Reasons that come from a closed set at run time (how a fetch or an API call failed)."""
    assert {str(reason.value if hasattr(reason, "value") else reason) for reason in reasons} \
        <= set(CATALOG[check_id].fixes)


def test_a_reason_without_text_gives_no_fix_and_no_crash() -> None:
    check = make("token.aud", Status.FAIL, Message(N_("the token has no aud claim")),
                 "no-such-reason", app_id="convex")
    assert check.fix == "" and check.reason == "no-such-reason"


# -- no sentence is left as a literal -------------------------------------------------------------
_WORDS = re.compile(r"[A-Za-z]{2,}")
_NOT_WORDS = re.compile(r"\[[^\]]*\]|\$[A-Za-z_]+|\{[^}]*\}")


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _has_words(node: ast.expr) -> bool:
    """A string written in the code that a person would read: a literal, an f-string or a
    concatenation with words in it (markup tags and $fields aside)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_WORDS.search(_NOT_WORDS.sub("", node.value)))
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _has_words(node.left) or _has_words(node.right)
    return False


# The arguments that hold what a person reads: (positions, keywords).
SCREEN_TEXT: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "SafeStatic": ((0,), ()), "Static": ((0,), ()), "update": ((0,), ()),
    "Button": ((0,), ("label", "tooltip")), "RadioButton": ((0,), ()),
    "SafeInput": ((), ("placeholder",)), "Input": ((), ("placeholder",)),
    "Copyable": ((), ("label",)), "notify": ((0,), ("title",)), "styled": ((0,), ()),
    "literal": ((0,), ()), "SystemCommand": ((0, 1), ()), "Binding": ((2,), ("description",)),
    "Notice": ((0,), ()), "set_text": ((0,), ()),
}
CHECK_TEXT: dict[str, tuple[int, ...]] = {"make": (2,), "passed": (1,), "skipped": (1,),
                                          "Notice": (0,)}


def literal_text(package: object, calls: dict[str, tuple[tuple[int, ...], tuple[str, ...]]]
                 ) -> list[str]:
    found = []
    for path in python_files(package):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or _name(node) not in calls:
                continue
            positions, keywords = calls[_name(node)]
            args = [node.args[i] for i in positions if i < len(node.args)]
            args += [k.value for k in node.keywords if k.arg in keywords]
            if any(_has_words(arg) for arg in args):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {_name(node)}")
    return found


def test_the_screens_draw_no_literal_sentence() -> None:
    assert literal_text(screens, SCREEN_TEXT) == []


def test_checks_are_built_from_messages() -> None:
    assert literal_text(wizard, {name: (positions, ()) for name, positions
                                 in CHECK_TEXT.items()}) == []


def test_a_message_key_is_always_marked_for_extraction() -> None:
    """A Message made from a bare literal would never reach the catalog."""
    unmarked = []
    for path in python_files(wizard):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node) == "Message" and node.args \
                    and _has_words(node.args[0]):
                unmarked.append(f"{path.name}:{node.lineno}")
    assert unmarked == []


def test_the_scans_would_find_a_literal() -> None:
    """The scanner itself: a literal sentence in a screen or a check is found."""
    source = 'SafeStatic("Hello there")\nmake("x", s, f"{a} is wrong", "r")\n' \
             'styled("[b]Why:[/] $why")\nstyled("[b]$title[/]")\n'
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    flagged = [_name(c) for c in calls if any(_has_words(a) for a in c.args[:3])]
    assert flagged == ["SafeStatic", "make", "styled"]


# -- rendering in another language ----------------------------------------------------------------
@pytest.fixture
def pig_latin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A second language, compiled from the English catalog with one title changed."""
    with (ENGLISH / f"{DOMAIN}.po").open("rb") as handle:
        english = read_po(handle, locale="en")
    english[CATALOG["token.aud"].title].string = "Audienceway aimclay"
    folder = tmp_path / "locale" / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / f"{DOMAIN}.mo").open("wb") as handle:
        write_mo(handle, english)
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path / "locale")
    for cached in (messages.available_languages, messages._translations,
                   messages._from_environment):
        cached.cache_clear()
    yield "xx"
    messages.set_language(None)
    for cached in (messages.available_languages, messages._translations,
                   messages._from_environment):
        cached.cache_clear()


def test_check_speaks_the_chosen_language(project: Path, issuer: LocalIssuer,
                                         pig_latin: str) -> None:
    messages.set_language(pig_latin)
    verdict = run_checks(Options(project_dir=project, at=NOW),
                         issuer.mint(issuer.template_claims(NOW)))
    titles = {c.id: c.title for c in verdict.checks}
    assert titles["token.aud"] == "Audienceway aimclay"
    assert titles["token.iss"] == render(Message(CATALOG["token.iss"].title))  # untranslated
    document = verdict.to_json()
    assert document["lang"] == "xx"
    by_id = {c["id"]: c for c in document["checks"]}
    assert by_id["token.aud"]["title"] == "Audienceway aimclay"


def test_the_language_comes_from_the_environment(pig_latin: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "xx_XX.UTF-8")
    messages._from_environment.cache_clear()
    assert messages.current_language() == "xx"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    messages._from_environment.cache_clear()
    assert messages.current_language() == "en"  # no German catalog: English


def test_check_ids_reasons_and_statuses_stay_english(pig_latin: str) -> None:
    messages.set_language(pig_latin)
    check = make("token.aud", Status.FAIL, Message(N_("the token has no aud claim")), "missing",
                 app_id="convex")
    data = check.to_dict()
    assert (data["id"], data["status"], data["step"], check.reason) == (
        "token.aud", "fail", "check-token", "missing")
    assert check.to_dict("en")["title"] == "Audience claim"


def test_catalog_module_has_no_unmarked_sentence() -> None:
    """The catalog's texts are message ids (N_), so they are extracted: each is in the
    template."""
    shipped = _ids(TEMPLATE.read_bytes())
    for spec in catalog.CATALOG.values():
        assert spec.title in shipped and spec.passes_when in shipped, spec.id
        assert set(spec.fixes.values()) <= shipped, spec.id
