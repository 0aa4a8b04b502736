"""The app-code step (between verify-config and check-clerk): the app.* checks of the app's
own code, read by the wizard, never run."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from screens.host import display_path, home_prefix
from screens.panes.base import StepPane
from screens.widgets.apply_button import ApplyFixesButton
from screens.widgets.checks import CheckList
from screens.widgets.copyable import Copyable
from screens.widgets.safe_static import SafeStatic
from wizard.text.messages import _


class AppCodePane(StepPane):
    step_id = "app-code"

    def compose_body(self) -> ComposeResult:
        yield SafeStatic(_("Checks"), classes="section-title")
        yield CheckList(id="app-checks", shorten=home_prefix())
        yield SafeStatic(_("Fixes to copy"), id="app-fixes-title", classes="section-title")
        yield Copyable("", label=_("Copy fixes"), id="app-fixes")
        with Horizontal(classes="buttons"):
            yield ApplyFixesButton(id="app-apply-fixes")
            yield Button(_("Re-run checks (r)"), id="app-rerun-button", variant="primary",
                         action="app.rerun")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        checks = self.walkthrough.app_results
        self.query_one("#app-checks", CheckList).show(checks)
        self.query_one(ApplyFixesButton).show_for(checks)
        fixes = "\n".join(c.fix for c in checks if c.failed and c.fix)
        self.query_one("#app-fixes-title").display = bool(fixes)
        copy = self.query_one("#app-fixes", Copyable)
        copy.display = bool(fixes)
        copy.set_text(display_path(fixes))
