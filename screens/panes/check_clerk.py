"""Step 7 (guide Verification 1): the console snippet for the chosen path."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from screens.panes.base import StepPane
from screens.widgets.copyable import Copyable
from screens.widgets.safe_static import SafeStatic
from wizard.text.messages import _
from wizard.text.steps import PATH_LABELS


class CheckClerkPane(StepPane):
    step_id = "check-clerk"

    def compose_body(self) -> ComposeResult:
        yield SafeStatic("", id="clerk-path", classes="section-title")
        yield Copyable(self.walkthrough.console_check(), id="clerk-snippet")
        yield SafeStatic(_("Expected: Clerk loaded: true user: user_… and then a long token "
                           "(eyJ…). Copy that token for the next step."), classes="muted")
        with Horizontal(classes="buttons"):
            yield Button(_("Done (d)"), id="clerk-done", classes="done-button",
                         action="app.done")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        path = self.walkthrough.progress.path
        label = _(PATH_LABELS[path]) if path else _("no path chosen yet (showing the template)")
        self.query_one("#clerk-path", SafeStatic).update(_("Console snippet for: {label}",
                                                           label=label))
        self.query_one("#clerk-snippet", Copyable).set_text(self.walkthrough.console_check())
