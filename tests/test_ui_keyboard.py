"""The wizard at 80×24 and by keyboard alone: the step rail, the key bar, code that is never
broken, dialogs with a safe default, the token field, and the demo walked with keys only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import TextArea

from screens.app import WizardApp
from screens.dialogs.clerk_dialogs import SecretKeyAgreement
from screens.run import build_app, run_demo
from screens.widgets.key_bar import KeyBar
from screens.widgets.step_rail import StepRail
from screens.widgets.title_bar import middle_ellipsis
from screens.widgets.token_field import TokenField
from tests.conftest import NOW
from tests.ui_support import make_app, settle
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer
from wizard.walkthrough.progress import StepState
from wizard.walkthrough.steps import STEP_IDS

SMALL = (80, 24)
WIDE = (120, 40)

# The demo from its first screen to "every step done", by keys only (no click, no call into
# the app): each key, and what it is expected to do.
DEMO_WALK: tuple[tuple[str, str], ...] = (
    ("d", "open-dashboard done by your word; on to create-template (the path choice has focus)"),
    ("enter", "the highlighted path (Clerk's Convex integration, listed first) is chosen"),
    ("d", "create-template done; on to configure-claims"),
    ("d", "configure-claims done; on to save-template"),
    ("d", "save-template done; on to verify-config (verified by the wizard)"),
    ("n", "on to app-code (the wizard reads the demo app's code: verified)"),
    ("n", "on to check-clerk"),
    ("d", "check-clerk done; on to check-token (the console snippet has focus)"),
    ("tab", "focus moves to Receive from the browser"),
    ("tab", "focus moves to Mint with the secret key…"),
    ("tab", "focus moves to the first sample token button"),
    ("enter", "the sample token is pasted and verified"),
    ("n", "on to user-sync (Ask Convex has focus)"),
    ("enter", "Ask Convex: the demo deployment accepts the token"),
    ("n", "on to the summary"),
)


def screen_lines(app: WizardApp) -> list[str]:
    """What the terminal shows, one string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def test_the_demo_is_walked_to_the_end_by_keyboard_alone() -> None:
    seen: dict[str, Any] = {}

    def runner(app: WizardApp) -> None:
        async def drive() -> None:
            async with app.run_test(size=SMALL) as pilot:
                await settle(app, pilot)
                for key, _what in DEMO_WALK:
                    await pilot.press(key)
                    await settle(app, pilot)
                    await pilot.pause()
                seen["states"] = {s: app.walkthrough.progress.state_of(s) for s in STEP_IDS}
                seen["current"] = app.current
                await pilot.press("q")

        asyncio.run(drive())

    assert run_demo(runner=runner) == 0
    assert seen["current"] == "summary"
    assert all(state.done for state in seen["states"].values()), seen["states"]
    for verified in ("project", "verify-config", "app-code", "check-token", "user-sync"):
        assert seen["states"][verified] is StepState.VERIFIED, verified


async def test_the_rail_is_narrow_below_100_columns_and_s_opens_it(project: Path,
                                                                   tmp_path: Path) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        rail = app.query_one(StepRail)
        assert rail.outer_size.width <= 8
        assert "Read the project" not in "\n".join(screen_lines(app))
        start = app.current
        await pilot.press("s")
        await pilot.pause()
        assert rail.drawer and rail.has_focus and rail.outer_size.width >= 40
        assert "Read the project" in "\n".join(screen_lines(app))
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not rail.drawer and app.current == STEP_IDS[STEP_IDS.index(start) + 1]
        await pilot.press("s", "escape")
        await pilot.pause()
        assert not rail.drawer and not rail.has_focus


async def test_the_wide_rail_shows_titles_and_s_folds_it(project: Path, tmp_path: Path) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        rail = app.query_one(StepRail)
        assert rail.outer_size.width >= 40
        assert "Read the project" in "\n".join(screen_lines(app))
        await pilot.press("s")
        await pilot.pause()
        assert rail.outer_size.width <= 8


async def test_the_key_bar_shows_whole_entries_that_fit(project: Path, tmp_path: Path) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        bar = screen_lines(app)[-1]
        for entry in ("n Next", "b Back", "s Steps", "? Help", "q Quit"):
            assert entry in bar, bar
        assert len(bar.rstrip()) <= SMALL[0]
        shown = app.query_one(KeyBar).shown()
        drawn = [b for b in shown if f"{app.get_key_display(b)} {b.description}" in bar]
        assert drawn == shown[:len(drawn)]  # the most useful first, none cut in the middle


async def test_urls_and_variable_names_are_never_broken_at_80_columns(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        for step in ("project", "verify-config", "check-token"):
            app.go_to(step)
            await pilot.pause()
            await pilot.pause()
            text = "\n".join(screen_lines(app))
            for value in (issuer.url, "CLERK_JWT_ISSUER_DOMAIN"):
                cut = value[: len(value) // 2]
                # Wherever the start of the value is shown, the whole value follows it.
                for line in text.splitlines():
                    if cut in line:
                        rest = line[line.index(cut):]
                        assert rest.startswith(value) or len(line.rstrip()) < SMALL[0] - 2, (
                            step, line)


async def test_a_dialog_fits_and_its_safe_answer_has_the_focus(project: Path,
                                                               tmp_path: Path) -> None:
    app = make_app(project, tmp_path / "state")
    answers: list[bool | None] = []
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        for key, expected in (("enter", False), ("escape", False), ("y", True), ("n", False)):
            dialog = SecretKeyAgreement(redacted="sk_test_…", source=".env.local",
                                        api_url="https://api.clerk.com", api_source="default",
                                        foreign=True)
            app.push_screen(dialog, answers.append)
            await pilot.pause()
            assert app.focused is not None and app.focused.id == dialog.no_id
            yes = dialog.query_one(f"#{dialog.yes_id}")
            assert yes.region.bottom <= SMALL[1]  # the buttons are on screen
            await pilot.press(key)
            await pilot.pause()
            assert answers[-1] is expected, key


async def test_a_paste_replaces_the_token_and_ctrl_u_clears_it(project: Path, tmp_path: Path,
                                                               issuer: LocalIssuer) -> None:
    app = make_app(project, tmp_path / "state")
    first = issuer.mint(issuer.template_claims(NOW))
    second = issuer.mint(issuer.template_claims(NOW, sub="user_other"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        app.go_to("check-token")
        await pilot.pause()
        field = app.query_one(TokenField)
        field.focus()
        field.post_message(events.Paste(first))
        await pilot.pause()
        field.post_message(events.Paste(second))
        await pilot.pause()
        assert field.text == second  # not two tokens run together (five dot-parts)
        assert app.walkthrough.progress.state_of("check-token") is StepState.VERIFIED
        await pilot.press("escape")  # leaves the field; a paste still lands in it
        app.post_message(events.Paste(first))
        await pilot.pause()
        assert app.query_one("#token-input", TextArea).text == first
        field.focus()
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert field.text == ""


async def test_ctrl_c_quits(project: Path, tmp_path: Path) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


async def test_textuals_keys_panel_is_the_wizards_help_closed_by_escape(
        project: Path, tmp_path: Path) -> None:
    from screens.dialogs.help import HelpDialog

    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Keys" not in titles and "Wizard help" in titles
        app.action_show_help_panel()  # however Textual's panel is asked for
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpDialog)


def _offline_app(project: Path, tmp_path: Path, jwks: Path | None) -> WizardApp:
    return build_app(project_dir=project, state_dir=tmp_path / "state",
                     options=Options(project_dir=project, environ={}, offline=True,
                                     jwks_file=jwks),
                     clock=lambda: float(NOW), browser=lambda url: False)


async def test_offline_with_a_saved_key_set_verifies_the_token(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    jwks = tmp_path / "keys.json"
    jwks.write_text(json.dumps(issuer.jwks()), encoding="utf-8")
    requests_before = issuer.requests if hasattr(issuer, "requests") else None
    app = _offline_app(project, tmp_path, jwks)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        app.go_to("verify-config")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Keys read from" in text and "Fetched from" not in text
        assert "keys: keys.json" in screen_lines(app)[0]
        app.go_to("check-token")
        await pilot.pause()
        app.query_one(TokenField).replace_all(issuer.mint(issuer.template_claims(NOW)))
        await pilot.pause()
        assert app.walkthrough.token_verdict is not None
        assert app.walkthrough.token_verdict.verified
    if requests_before is not None:
        assert issuer.requests == requests_before


async def test_offline_without_keys_says_the_signature_was_not_checked(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    app = _offline_app(project, tmp_path, None)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        app.go_to("check-token")
        await pilot.pause()
        app.query_one(TokenField).replace_all(issuer.mint(issuer.template_claims(NOW)))
        await pilot.pause()
        text = " ".join(screen_lines(app))
        assert "signature could not be checked" in text
        assert "0 check(s) fail" not in text


@pytest.mark.parametrize(("text", "width", "shown"), [
    ("~/src/my-app", 20, "~/src/my-app"),
    ("~/src/a-very-long-project-name", 11, "~/src…-name"),
])
def test_the_project_path_is_shortened_in_the_middle(text: str, width: int, shown: str) -> None:
    assert middle_ellipsis(text, width) == shown


async def test_a_resume_opens_the_step_where_the_user_stopped(project: Path,
                                                              tmp_path: Path) -> None:
    first = make_app(project, tmp_path / "state")
    async with first.run_test(size=SMALL) as pilot:
        await settle(first, pilot)
        first.go_to("check-clerk")  # verify-config, before it, is not done: not the first open
        await pilot.pause()
        assert first.walkthrough.progress.first_open_step() != "check-clerk"
    again = make_app(project, tmp_path / "state")
    async with again.run_test(size=SMALL, notifications=True) as pilot:
        await settle(again, pilot)
        assert again.current == "check-clerk"
        shown = " ".join(str(n.message) for n in again._notifications)
        assert "you stopped at Check Clerk in the browser" in shown


async def test_done_is_offered_only_where_your_word_counts(project: Path,
                                                           tmp_path: Path) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        for step, offered in (("open-dashboard", True), ("verify-config", False),
                              ("check-token", False), ("summary", False)):
            app.go_to(step)
            await pilot.pause()
            app.screen.set_focus(None)
            await pilot.pause()
            assert ("d Done" in screen_lines(app)[-1]) is offered, step
