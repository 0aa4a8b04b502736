"""Step 2 (guide Step 1): open the Clerk dashboard on the right application."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from screens.panes.base import StepPane
from screens.widgets.safe_static import SafeStatic, Shown, styled
from wizard.text.messages import _


class OpenDashboardPane(StepPane):
    step_id = "open-dashboard"

    def compose_body(self) -> ComposeResult:
        yield SafeStatic("", id="dashboard-app", classes="callout")
        with Horizontal(classes="buttons"):
            yield Button(_("Open the dashboard (o)"), id="open-dashboard-button",
                         variant="primary", action="app.open_dashboard")
            yield Button(_("Done (d)"), id="dashboard-done", classes="done-button",
                         action="app.done")
        yield SafeStatic(_("URL: {url}", url=self.walkthrough.session.provider.dashboard_url),
                         classes="muted")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        session = self.walkthrough.session
        key = session.public_key
        hint = session.provider.dashboard_hint(key).render()
        text: Shown = hint
        if key is not None and key.host is not None:
            text = styled(_("[b]Frontend API host: $host[/] ($kind instance)\n$hint"),
                          host=key.host, kind=key.instance_type, hint=hint)
        self.query_one("#dashboard-app", SafeStatic).update(text)
