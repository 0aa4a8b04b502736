"""Step 5 (guide Step 4): save in the dashboard; a short checklist for the chosen path."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from screens.panes.base import StepPane
from screens.widgets.safe_static import SafeStatic
from wizard.rules.jwt import AuthPath
from wizard.text.messages import _
from wizard.text.steps import SAVE_CHECKLIST
from wizard.walkthrough.convex_support import integration_support


class SaveTemplatePane(StepPane):
    step_id = "save-template"

    def compose_body(self) -> ComposeResult:
        yield SafeStatic("", id="save-checklist", classes="callout")
        with Horizontal(classes="buttons"):
            yield Button(_("Saved: done (d)"), id="save-done", classes="done-button",
                         action="app.done")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        path = self.walkthrough.progress.path or AuthPath.TEMPLATE
        lines = [f"☐ {_(item)}" for item in SAVE_CHECKLIST[path]]
        if path is AuthPath.INTEGRATION:  # what the wizard read, not a box to tick
            found = self.walkthrough.session.project.convex_version
            lines.append(integration_support(found).render())
        self.query_one("#save-checklist", SafeStatic).update("\n".join(lines))
