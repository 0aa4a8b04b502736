"""The wizard in Bengali: switched from the command palette, redrawn at once (typed text
kept), remembered for the next run; and its pictures at 80×24 and 120×40."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Static, TextArea

from screens.app import WizardApp
from screens.widgets.key_bar import KeyBar
from tests.test_ui_snapshots import Snap, fixed_issuer, go, snap_app, token
from tests.ui_support import make_app, settle
from wizard.demo.local_issuer import LocalIssuer
from wizard.text import language as chosen
from wizard.text.messages import Message, set_language
from wizard.walkthrough.steps import step_by_id

__all__ = ["fixed_issuer", "snap_app"]  # fixtures shared with the English snapshots

SIZE = (120, 40)


def bengali(msgid: str) -> str:
    return Message(msgid).render("bn")


def title(app: WizardApp) -> str:
    """The step's title, from its header line ``9/10 · Title``."""
    pane = app.current_pane()
    header = str(pane.query_one(".step-header", Static).content).splitlines()[0]
    return header.split(" · ", 1)[1]


def footer_words(app: WizardApp) -> set[str]:
    return {binding.description for (_node, binding, _enabled, _tooltip)
            in app.screen.active_bindings.values()}


async def choose_from_palette(app: WizardApp, pilot: object, typed: str) -> None:
    await pilot.press("ctrl+p")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*typed)  # type: ignore[attr-defined]
    await pilot.pause(0.5)  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    for _ in range(5):
        await pilot.pause(0.1)  # type: ignore[attr-defined]


async def test_the_palette_switches_the_language_and_it_is_remembered(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    settings = chosen.settings_path()
    step_title = "Check a real token"
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("check-token")
        await pilot.pause()
        typed = "not a token, but the user's"
        app.query_one("#token-input", TextArea).text = typed
        await pilot.pause()
        assert title(app) == step_title and "Next" in footer_words(app)

        await choose_from_palette(app, pilot, "Language")
        assert json.loads(settings.read_text(encoding="utf-8")) == {"language": "bn"}
        assert title(app) == bengali(step_title) != step_title
        assert bengali("Next") in footer_words(app) and "Next" not in footer_words(app)
        assert bengali("Steps") in footer_words(app)
        assert app.query_one("#token-input", TextArea).text == typed  # nothing typed is lost
        assert app.screen.query_one(KeyBar) is not None

    # The next run starts in Bengali, as the command line chooses it.
    set_language(None)
    assert chosen.choose_language(None).source == "saved"
    again = make_app(project, tmp_path / "state")
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        again.go_to("check-token")
        await pilot.pause()
        assert title(again) == bengali(step_title)
        await choose_from_palette(again, pilot, "English")
        assert title(again) == step_title
    assert json.loads(settings.read_text(encoding="utf-8")) == {"language": "en"}


async def test_a_corrupt_settings_file_is_a_notice_in_the_wizard(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    settings = chosen.settings_path()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("{not json", encoding="utf-8")
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.2)
        shown = [str(n.message) for n in app._notifications]
        assert any(f"The settings file {settings} cannot be used" in m for m in shown), shown
        assert title(app) == step_by_id(app.current).title  # English, and running


# -- pictures ---------------------------------------------------------------------------------
@pytest.fixture
def bengali_app(snap_app: WizardApp) -> WizardApp:
    set_language("bn")
    snap_app.label_keys()  # built before the language was chosen, as a test builds it
    return snap_app


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_check_token_failing_in_bengali(size: tuple[int, int], bengali_app: WizardApp,
                                        fixed_issuer: LocalIssuer, snap_compare: Snap) -> None:
    assert snap_compare(bengali_app, terminal_size=size,
                        run_before=go("check-token", token(fixed_issuer, aud="other")))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_project_step_in_bengali(size: tuple[int, int], bengali_app: WizardApp,
                                 snap_compare: Snap) -> None:
    assert snap_compare(bengali_app, terminal_size=size, run_before=go("project"))


def test_the_bengali_pictures_hold_no_token() -> None:
    folder = Path(__file__).parent / "__snapshots__" / "test_bengali_ui"
    pictures = sorted(folder.glob("*.svg"))
    assert len(pictures) == 4
    for svg in pictures:
        text = svg.read_text(encoding="utf-8")
        assert "eyJ" not in text, svg.name
        assert "ধাপ" in text, svg.name


def test_bengali_is_measured_as_terminals_draw_it() -> None:
    """Rich's count after the wizard starts: one cell per letter and per spacing vowel sign,
    none per non-spacing mark: the widest any measured terminal draws (glossary.bn.md),
    for every Bengali text of the catalog."""
    from babel.messages.pofile import read_po
    from rich.cells import cell_len

    from screens.cells import count_bengali_spacing_marks
    from tests.test_bengali import BENGALI, terminal_width
    from wizard.text.messages import DOMAIN

    count_bengali_spacing_marks()
    assert (cell_len("কা"), cell_len("কি"), cell_len("কু"), cell_len("ক্ষ")) == (2, 2, 1, 2)
    assert cell_len("যাচাই ফেল করেছে") == 15 and cell_len("fail") == 4
    with (BENGALI / f"{DOMAIN}.po").open("rb") as handle:
        texts = [m.string for m in read_po(handle) if m.id and isinstance(m.string, str)]
    bengali = [t for t in texts if any("\u0980" <= c <= "\u09ff" for c in t)]
    assert len(bengali) > 700
    differ = [t for t in bengali if cell_len(t) != terminal_width(t)
              and not any(ord(c) > 0x2000 for c in t)]  # symbols and emoji: Rich's own count
    assert differ == []
