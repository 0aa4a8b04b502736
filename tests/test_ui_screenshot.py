"""Textual's screenshot would write the screen, a pasted token included, to an SVG file:
the wizard removes the command from the palette and refuses every way to save one."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import TextArea

from screens.run import build_app
from screens.safe_app import SCREENSHOT_REFUSED
from tests.conftest import NOW
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer

SIZE = (120, 40)


def svg_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".svg"]


async def test_no_screenshot_is_written_while_a_token_is_on_screen(
        project: Path, tmp_path: Path, issuer: LocalIssuer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # Textual's default folder is ~/Downloads
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(home / "Downloads"))
    monkeypatch.chdir(tmp_path)
    shots = tmp_path / "shots"
    shots.mkdir()
    app = build_app(project_dir=project, state_dir=tmp_path / "state",
                    options=Options(project_dir=project, environ={}, timeout=5),
                    clock=lambda: float(NOW), browser=lambda url: False)
    token = issuer.mint(issuer.template_claims(NOW))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        app.go_to("check-token")
        await pilot.pause()
        app.query_one("#token-input", TextArea).text = token
        await pilot.pause()
        assert app.walkthrough.progress.state_of("check-token").value == "verified"

        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert "Next step" in titles and "Quit" in titles

        # Typed into the palette, "screenshot" finds nothing to run.
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"screenshot")
        await pilot.pause(0.3)
        results = app.screen.query_one(CommandList)
        shown = [str(results.get_option_at_index(i).prompt)
                 for i in range(results.option_count)]
        assert not any("screenshot" in text.lower() for text in shown), shown
        await pilot.press("escape")
        await pilot.pause()

        # Every way Textual offers to save one refuses, with a message.
        app.action_screenshot(path=str(shots))
        assert app.deliver_screenshot(path=str(shots)) is None
        assert app.save_screenshot(filename="shot.svg", path=str(shots)) == ""
        app.deliver_screenshot()
        await pilot.pause(0.2)
        messages = [n.message for n in app._notifications]
        assert SCREENSHOT_REFUSED in messages
    assert svg_files(tmp_path) == []
    assert svg_files(project) == []
