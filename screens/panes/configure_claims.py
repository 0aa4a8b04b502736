"""Step 4 (guide Step 3): the claims for the chosen path, and the guide's iss/sub mistake."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from screens.panes.base import StepPane
from screens.widgets.copyable import Copyable
from screens.widgets.safe_static import SafeStatic
from wizard.rules.jwt import AuthPath
from wizard.text.messages import _
from wizard.text.steps import (
    CLAIMS_NOTES,
    GUIDE_MISTAKE_WARNING,
    LIFETIME_ADVICE,
    PATH_LABELS,
)


class ConfigureClaimsPane(StepPane):
    step_id = "configure-claims"

    def compose_body(self) -> ComposeResult:
        yield SafeStatic(_(GUIDE_MISTAKE_WARNING), id="guide-warning", classes="warning")
        yield SafeStatic("", id="claims-heading", classes="section-title")
        yield Copyable(self._claims(AuthPath.TEMPLATE), id="claims")
        yield SafeStatic("", id="claims-note", classes="muted")
        yield SafeStatic(_(LIFETIME_ADVICE), id="lifetime", classes="callout")
        with Horizontal(classes="buttons"):
            yield Button(_("Done (d)"), id="claims-done", classes="done-button",
                         action="app.done")

    def _claims(self, path: AuthPath) -> str:
        """The claims to paste, with the audience auth.config expects."""
        session = self.walkthrough.session
        return session.provider.claims(path, session.application_id.value)

    def refresh_view(self) -> None:
        if not self.ready:
            return
        path = self.walkthrough.progress.path or AuthPath.TEMPLATE
        heading = (_("Claims for: {label}", label=_(PATH_LABELS[path]))
                   if self.walkthrough.progress.path else
                   _("Claims for: {label} (no path chosen yet: showing the template)",
                     label=_(PATH_LABELS[path])))
        self.query_one("#claims-heading", SafeStatic).update(heading)
        self.query_one("#claims", Copyable).set_text(self._claims(path))
        self.query_one("#claims-note", SafeStatic).update(_(CLAIMS_NOTES[path]))
