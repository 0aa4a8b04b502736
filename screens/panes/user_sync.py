"""Step 9 (guide Verification 3): what success looks like, and the troubleshooting box."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input

from screens.messages import LineDiagnosed, StepChosen
from screens.panels.ask_convex import AskConvex
from screens.panes.base import StepPane
from screens.panes.check_token import CheckTokenPane
from screens.widgets.safe_fields import SafeInput
from screens.widgets.safe_static import SafeStatic, styled
from wizard.checks.diagnose import diagnose
from wizard.text.messages import _
from wizard.text.steps import TROUBLESHOOT_HINT, USER_SYNC_SUCCESS
from wizard.walkthrough.steps import STEP_IDS, step_by_id


class UserSyncPane(StepPane):
    step_id = "user-sync"

    revisit_step: str | None = None  # the step the last diagnosis points at

    def compose_body(self) -> ComposeResult:
        success = "\n".join(f"✔ {_(line)}" for line in USER_SYNC_SUCCESS)
        yield SafeStatic(_("What success looks like"), classes="section-title")
        yield SafeStatic(success, id="success", classes="callout")
        yield AskConvex(self._pasted_token, id="ask-convex-sync")
        yield SafeStatic(_("Troubleshooting"), classes="section-title")
        yield SafeStatic(_(TROUBLESHOOT_HINT), classes="muted")
        yield SafeInput(placeholder=_("Paste an error line…"), id="log-line")
        yield SafeStatic("", id="diagnosis", classes="diagnosis")
        with Horizontal(classes="buttons"):
            yield Button(_("It works: done (d)"), id="sync-done", classes="done-button",
                         action="app.done")
            yield Button(_("Revisit the step"), id="revisit", disabled=True)

    def _pasted_token(self) -> str:
        pane = next(iter(self.screen.query(CheckTokenPane)), None)
        return pane.pasted_text() if pane is not None else ""

    def refresh_view(self) -> None:
        if self.ready:
            self.query_one(AskConvex).refresh_view()

    def accept_paste(self, text: str) -> None:
        box = self.query_one("#log-line", Input)
        if not box.has_focus:
            box.value = text.strip().splitlines()[0] if text.strip() else ""

    @on(Input.Changed, "#log-line")
    @on(Input.Submitted, "#log-line")
    def diagnose_line(self, event: Input.Changed | Input.Submitted) -> None:
        session = self.walkthrough.session
        issuer = session.issuer.shown if session.issuer else None
        found = diagnose(event.value, issuer=issuer, issuer_var=session.project.issuer_var)
        box = self.query_one("#diagnosis", SafeStatic)
        revisit = self.query_one("#revisit", Button)
        self.revisit_step = None
        if found is None:
            box.update(styled(_("[dim]Not a message the wizard knows. Paste the whole line, "
                                "as printed.[/]")) if event.value.strip() else "")
            revisit.disabled = True
            return
        number = STEP_IDS.index(found.step) + 1
        title = _(step_by_id(found.step).title)
        box.update(styled(_("[b]$title[/]\n$explanation\n\n[b]Fix:[/] $fix\n[b]Revisit:[/] "
                            "step $number, $step"), title=found.title, number=number,
                          explanation=found.explanation, fix=found.fix, step=title))
        self.revisit_step = found.step
        self.call_after_refresh(revisit.scroll_visible, animate=False)
        revisit.disabled = found.step == self.step_id
        revisit.label = _("Revisit step {number}", number=number)
        self.post_message(LineDiagnosed(found.step))

    @on(Button.Pressed, "#revisit")
    def revisit(self) -> None:
        if self.revisit_step:
            self.post_message(StepChosen(self.revisit_step))
