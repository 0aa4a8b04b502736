"""An app that shows data only as data: notifications and the title are literal text with
control characters made visible, no screenshot is ever written (the screen may show a pasted
token), and no traceback with local variables is printed when it stops."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from wizard.guards.safe_text import one_line, visible

SCREENSHOT_REFUSED = ("Screenshots are off in this wizard: the screen may show a pasted token, "
                      "and a token is never written to a file.")


class SafeApp(App[int]):
    def __init__(self) -> None:
        super().__init__()
        self.crash: BaseException | None = None  # what stopped the app, for run_safely

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is literal text: messages carry paths, issuers' and Convex's
        words and saved notes, so none is ever parsed as markup (``markup`` is ignored)."""
        super().notify(visible(message), title=one_line(title), severity=severity,
                       timeout=timeout, markup=False)

    def format_title(self, title: str, sub_title: str) -> Content:
        return super().format_title(one_line(title), one_line(sub_title))

    def _handle_exception(self, error: Exception) -> None:
        self.crash = error
        super()._handle_exception(error)
        # Textual would print the traceback with its local variables (a pasted token, a
        # secret key) when it exits; run_safely prints one line and writes a scrubbed log.
        self._exit_renderables.clear()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's "Screenshot" would write the screen, a pasted token included, to a file.
        return (command for command in super().get_system_commands(screen)
                if command.title != "Screenshot")

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """Refused: the screen may show a pasted token, and no token is ever written."""
        self.notify(SCREENSHOT_REFUSED, severity="warning", timeout=6)
        return None

    def save_screenshot(self, filename: str | None = None, path: str | None = None,
                        time_format: str | None = None) -> str:
        """Refused as well (TEXTUAL_SCREENSHOT uses it); nothing is written."""
        self.notify(SCREENSHOT_REFUSED, severity="warning", timeout=6)
        return ""
