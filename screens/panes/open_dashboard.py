"""Step 2 (guide Step 1): open the Clerk dashboard on the right application."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from screens.panes.base import StepPane
from screens.widgets.safe_static import SafeStatic, Shown, styled
from wizard.text.steps import DASHBOARD_URL, dashboard_hint


class OpenDashboardPane(StepPane):
    step_id = "open-dashboard"

    def compose_body(self) -> ComposeResult:
        yield SafeStatic("", id="dashboard-app", classes="callout")
        with Horizontal(classes="buttons"):
            yield Button("Open the dashboard (o)", id="open-dashboard-button",
                         variant="primary", action="app.open_dashboard")
            yield Button("Done (d)", id="dashboard-done", classes="done-button",
                         action="app.done")
        yield SafeStatic(f"URL: {DASHBOARD_URL}", classes="muted")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        key = self.walkthrough.session.project.key
        host = key.frontend_api if key else None
        text: Shown = dashboard_hint(host)
        if key is not None:
            text = styled("[b]Frontend API host: $host[/] ($kind instance)\n$hint",
                          host=key.frontend_api, kind=key.instance_type, hint=text)
        self.query_one("#dashboard-app", SafeStatic).update(text)
