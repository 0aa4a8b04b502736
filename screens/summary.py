"""The last screen: every step and how it was done."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.widgets import Static

from screens.base import StepPane
from screens.widgets.step_list import STATE_LABELS, STATE_SYMBOLS, SUMMARY_ID
from wizard.progress import StepState
from wizard.step_texts import PATH_LABELS
from wizard.steps import STEPS


class SummaryPane(StepPane):
    step_id = SUMMARY_ID

    def compose(self) -> ComposeResult:
        yield Static("SUMMARY", classes="step-kicker")
        yield Static("Where your setup stands", classes="step-title")
        yield Static("", id="summary-verdict", classes="verdict")
        yield Static("", id="summary-table", classes="facts")
        yield Static("Press e to write convex-auth-report.md into the project (no token, "
                     "signature or secret is ever written).", classes="muted")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        progress = self.wizard.progress
        lines = []
        for number, step in enumerate(STEPS, start=1):
            entry = progress.steps.get(step.id)
            state = progress.state_of(step.id)
            note = f" — {entry.note}" if entry and entry.note else ""
            colour = {"verified": "green", "confirmed": "cyan", "failing": "red"}.get(
                state.value, "dim")
            lines.append(f"[{colour}]{STATE_SYMBOLS[state]}[/] {number}. "
                         f"[b]{escape(step.title)}[/]: {STATE_LABELS[state]}{escape(note)}")
        path = progress.path
        lines.append("")
        lines.append("Path: " + (escape(PATH_LABELS[path]) if path else "not chosen"))
        self.query_one("#summary-table", Static).update("\n".join(lines))
        states = [progress.state_of(s.id) for s in STEPS]
        verdict = self.query_one("#summary-verdict", Static)
        if all(s.done for s in states):
            verdict.update("[b]✔ Every step is done.[/] Convex should now see your Clerk user.")
            verdict.set_classes("verdict -ok")
        else:
            left = sum(1 for s in states if not s.done)
            failing = sum(1 for s in states if s is StepState.FAILING)
            verdict.update(f"[b]{left} step(s) open[/], {failing} failing.")
            verdict.set_classes("verdict -bad" if failing else "verdict")

