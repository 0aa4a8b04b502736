"""The app as the UI tests build it: a temporary project, a frozen clock, no real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import TextArea

from screens.app import WizardApp
from screens.run import build_app
from tests.conftest import NOW
from wizard.checks.options import Options
from wizard.services.keys import Destinations


def make_app(project: Path, state_dir: Path, **kwargs: Any) -> WizardApp:
    """``opened`` (a list) collects the URLs the app tried to open in a browser;
    ``destinations`` are the hosts named on the command line for the keys."""
    opened: list[str] = kwargs.pop("opened", [])
    destinations: Destinations = kwargs.pop("destinations", Destinations())

    def browser(url: str) -> bool:
        opened.append(url)
        return False

    return build_app(project_dir=project, state_dir=state_dir,
                     options=Options(project_dir=project, environ={}, timeout=5,
                                     destinations=destinations),
                     clock=kwargs.pop("clock", lambda: float(NOW)), browser=browser, **kwargs)


async def paste_token(app: WizardApp, pilot: Any, token: str) -> None:
    """Paste ``token`` into the check-token step's box (it is checked as it changes)."""
    app.go_to("check-token")
    await pilot.pause()
    app.query_one("#token-input", TextArea).text = token
    await pilot.pause()


async def settle(app: WizardApp, pilot: Any) -> None:
    """Wait for the app's workers (the fetch) and the messages they posted."""
    await app.workers.wait_for_complete()
    await pilot.pause()
