"""The step list on the left: every step with its state, the current one highlighted."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical

from screens.messages import StepChosen
from screens.widgets.safe_static import SafeStatic, styled
from wizard.text.messages import _
from wizard.walkthrough.progress import STATE_LOOKS, Progress, StepState
from wizard.walkthrough.steps import STEPS

SUMMARY_ID = "summary"


class StepRow(SafeStatic):
    """One clickable line: state symbol, number and title."""

    def __init__(self, step_id: str, number: str, title: str) -> None:
        super().__init__(id=f"row-{step_id}", classes="step-row")
        self.step_id = step_id
        self.number = number
        self.title_text = title
        self.set_state(None)

    def set_state(self, state: StepState | None) -> None:
        symbol = STATE_LOOKS[state].symbol if state is not None else "≡"
        for known in StepState:
            self.set_class(state is known, f"-{known.value}")
        self.update(f"{symbol} {self.number:>2} {self.title_text}")
        self.tooltip = _(STATE_LOOKS[state].label) if state is not None else _("the summary")

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(StepChosen(self.step_id))


class StepList(Vertical):
    """Always visible; shows pending / verified / confirmed / failing for each step.

    Given the progress and the current step, the rows are built in their final state, so the
    first frame is drawn once instead of being restyled right after it is mounted."""

    def __init__(self, progress: Progress | None = None, current: str = "", *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.initial = progress
        self.initial_current = current

    def compose(self) -> ComposeResult:
        yield SafeStatic(_("Steps"), classes="panel-title")
        rows = [StepRow(step.id, str(number), _(step.title))
                for number, step in enumerate(STEPS, start=1)]
        rows.append(StepRow(SUMMARY_ID, "", _("Summary")))
        if self.initial is not None:
            self._show_rows(rows, self.initial, self.initial_current)
        yield from rows
        yield SafeStatic(
            styled(_("[green]✔[/] verified  [$accent]✓[/] your word\n[red]✖[/] failing   "
                     "[dim]○[/] pending")),
            id="legend",
        )

    def show(self, progress: Progress, current: str) -> None:
        self._show_rows(self.query(StepRow), progress, current)

    @staticmethod
    def _show_rows(rows: Iterable[StepRow], progress: Progress, current: str) -> None:
        for row in rows:
            if row.step_id != SUMMARY_ID:
                row.set_state(progress.state_of(row.step_id))
            row.set_class(row.step_id == current, "-current")
