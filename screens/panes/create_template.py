"""Step 3 (guide Step 2): the two ways Clerk can give Convex its token; the choice is saved."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, RadioButton, RadioSet

from screens.messages import PathChosen
from screens.panels.clerk_side import ClerkSidePanel
from screens.panes.base import StepPane
from screens.widgets.safe_static import SafeStatic, styled
from wizard.rules.jwt import AuthPath
from wizard.text.messages import _
from wizard.text.steps import PATH_LABELS, PATH_SUMMARIES
from wizard.walkthrough.convex_support import integration_support


class CreateTemplatePane(StepPane):
    step_id = "create-template"

    def compose_body(self) -> ComposeResult:
        with RadioSet(id="path-choice"):
            for path in AuthPath:
                yield RadioButton(_(PATH_LABELS[path]), id=f"path-{path.value}",
                                  value=self.walkthrough.progress.path == path)
        yield SafeStatic("", id="path-summary", classes="callout")
        with Horizontal(classes="buttons"):
            yield Button(_("Done (d)"), id="template-done", classes="done-button",
                         action="app.done")
        yield ClerkSidePanel(id="clerk-side")  # verified through Clerk's Backend API

    def refresh_view(self) -> None:
        if not self.ready:
            return
        path = self.walkthrough.progress.path
        if path is None:
            text = Content("\n\n").join([*(self._summary(p) for p in AuthPath), styled(_(
                "[i]Choose one above; later steps show what fits it.[/]"))])
        else:
            text = self._summary(path)
        self.query_one("#path-summary", SafeStatic).update(text)
        for candidate in AuthPath:
            button = self.query_one(f"#path-{candidate.value}", RadioButton)
            if button.value != (candidate == path):
                with button.prevent(RadioButton.Changed):
                    button.value = candidate == path


    def _summary(self, path: AuthPath) -> Content:
        summary = styled("[b]$label[/]\n$summary", label=_(PATH_LABELS[path]),
                         summary=_(PATH_SUMMARIES[path]))
        if path is not AuthPath.INTEGRATION:
            return summary
        found = self.walkthrough.session.project.convex_version
        return Content("\n").join([summary, styled("[i]$support[/]", support=(
            integration_support(found).render()))])

    @on(RadioSet.Changed, "#path-choice")
    def chose(self, event: RadioSet.Changed) -> None:
        button_id = event.pressed.id or ""
        chosen = button_id.removeprefix("path-")
        if chosen in tuple(AuthPath):
            self.post_message(PathChosen(AuthPath(chosen)))
