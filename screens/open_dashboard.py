"""Step 2 (guide Step 1): open the Clerk dashboard on the right application."""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from screens.base import StepPane
from wizard.step_texts import DASHBOARD_URL, dashboard_hint


class OpenDashboardPane(StepPane):
    step_id = "open-dashboard"

    def compose_body(self) -> ComposeResult:
        yield Static("", id="dashboard-app", classes="callout")
        with Horizontal(classes="buttons"):
            yield Button("Open the dashboard (o)", id="open-dashboard-button",
                         variant="primary")
            yield Button("Done (d)", id="dashboard-done", classes="done-button")
        yield Static(f"URL: {DASHBOARD_URL}", classes="muted")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        key = self.wizard.session.project.key
        host = key.frontend_api if key else None
        text = dashboard_hint(host)
        if key is not None:
            text = f"[b]Frontend API host: {escape(key.frontend_api)}[/] " \
                   f"({key.instance_type} instance)\n{escape(text)}"
        else:
            text = escape(text)
        self.query_one("#dashboard-app", Static).update(text)


    @on(Button.Pressed, "#open-dashboard-button")
    def open_dashboard(self) -> None:
        self.wizard.action_open_dashboard()

    @on(Button.Pressed, "#dashboard-done")
    def done(self) -> None:
        self.wizard.action_done()
