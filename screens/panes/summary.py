"""The last screen: every step and how it was done."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content

from screens.panes.base import StepPane
from screens.widgets.safe_static import SafeStatic, literal, styled
from screens.widgets.step_rail import SUMMARY_ID
from wizard.text.messages import _
from wizard.text.steps import PATH_LABELS
from wizard.walkthrough.progress import STATE_LOOKS, StepState
from wizard.walkthrough.steps import STEPS


class SummaryPane(StepPane):
    step_id = SUMMARY_ID

    def compose(self) -> ComposeResult:
        yield SafeStatic(styled(_("[b]Summary · where your setup stands[/]")),
                         classes="step-header")
        yield SafeStatic("", id="summary-verdict", classes="verdict")
        yield SafeStatic("", id="summary-table", classes="facts")
        where = (_("Press e to write convex-auth-report.md into the folder you started the "
                   "demo from (no token, signature or secret is ever written).")
                 if self.host.demo is not None else
                 _("Press e to write convex-auth-report.md into the project (no token, "
                   "signature or secret is ever written)."))
        yield SafeStatic(where, classes="muted")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        progress = self.walkthrough.progress
        lines = []
        for number, step in enumerate(STEPS, start=1):
            entry = progress.steps.get(step.id)
            state = progress.state_of(step.id)
            note = f" — {entry.note}" if entry and entry.note else ""
            look = STATE_LOOKS[state]
            lines.append(styled(f"[{look.colour}]{look.symbol}[/] {number}. [b]$title[/]: "
                                "$label$note", title=_(step.title), label=_(look.label),
                                note=note))
        path = progress.path
        lines.append(literal(""))
        lines.append(literal(_("Path: {path}", path=_(PATH_LABELS[path]) if path
                               else _("not chosen"))))
        self.query_one("#summary-table", SafeStatic).update(Content("\n").join(lines))
        states = [progress.state_of(s.id) for s in STEPS]
        verdict = self.query_one("#summary-verdict", SafeStatic)
        if all(s.done for s in states):
            verdict.update(styled(_("[b]✔ Every step is done.[/] Convex should now see your "
                                    "Clerk user.")))
            verdict.set_classes("verdict -ok")
        else:
            left = sum(1 for s in states if not s.done)
            failing = sum(1 for s in states if s is StepState.FAILING)
            verdict.update(styled(_("[b]$left step(s) open[/], $failing failing."), left=left,
                                  failing=failing))
            verdict.set_classes("verdict -bad" if failing else "verdict")

