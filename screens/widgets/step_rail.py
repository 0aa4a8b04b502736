"""The step rail on the left: every step with its state, the current one reversed.

One widget that draws every row itself (no child per row: the first frame lays out one widget
instead of a dozen). Wide, it shows the titles and a legend; narrow (the rail is a few cells
wide, below 100 columns), only each step's state symbol and number. ``s`` opens the narrow rail
as a drawer over the step, or folds the wide one; while it has focus ↑/↓ move and Enter goes.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from screens.messages import StepChosen
from screens.widgets.safe_static import styled
from wizard.text.messages import _
from wizard.walkthrough.progress import STATE_LOOKS, Progress, StepState
from wizard.walkthrough.steps import STEPS

SUMMARY_ID = "summary"
ROW_IDS: tuple[str, ...] = (*(step.id for step in STEPS), SUMMARY_ID)
NARROW_WIDTH = 12  # at most this many cells: numbers and symbols only, no titles
STATE_STYLES: dict[StepState, str] = {
    StepState.PENDING: "$text-muted",
    StepState.VERIFIED: "$success",
    StepState.CONFIRMED: "$accent",
    StepState.FAILING: "$error",
}


class StepRail(Widget):
    """Always visible; shows pending / verified / confirmed / failing for each step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", _("Move"), show=False),
        Binding("down,j", "move(1)", _("Move"), show=False),
        Binding("home", "move_to(0)", show=False),
        Binding("end", "move_to(-1)", show=False),
        Binding("enter,space", "choose", _("Go"), show=False),
        Binding("escape", "close", _("Close"), show=False),
    ]

    cursor: reactive[int] = reactive(0)
    drawer: reactive[bool] = reactive(False, toggle_class="-drawer")
    can_focus = False  # only while open (s): Tab cycles through the step's controls

    def __init__(self, progress: Progress, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.progress = progress
        self.current = current
        self.set_reactive(StepRail.cursor, ROW_IDS.index(current))

    def show(self, progress: Progress, current: str) -> None:
        self.progress, self.current = progress, current
        self.cursor = ROW_IDS.index(current)
        self.refresh()

    # -- drawing ------------------------------------------------------------------------
    def _title(self, step_id: str) -> str:
        if step_id == SUMMARY_ID:
            return _("Summary")
        return _(next(step.title for step in STEPS if step.id == step_id))

    def _row(self, index: int, step_id: str, narrow: bool) -> Content:
        state = None if step_id == SUMMARY_ID else self.progress.state_of(step_id)
        symbol = "≡" if state is None else STATE_LOOKS[state].symbol
        number = "" if state is None else str(index + 1)
        text = f"{symbol}{number:>2}" if narrow else f"{symbol} {number:>2} {self._title(step_id)}"
        style = "$text" if state is None else STATE_STYLES[state]
        if step_id == self.current:
            style += " reverse bold"
        elif self.has_focus and index == self.cursor:
            style += " underline"
        return Content.styled(text, style)

    def render(self) -> Content:
        narrow = self.content_region.width < NARROW_WIDTH
        rows = [self._row(index, step_id, narrow) for index, step_id in enumerate(ROW_IDS)]
        if not narrow:
            rows += [Content(""), styled(_("[green]✔[/] verified  [$accent]✓[/] your word\n"
                                           "[red]✖[/] failing   [dim]○[/] pending"))]
        return Content("\n").join(rows)

    def render_tooltip(self, index: int) -> str:
        step_id = ROW_IDS[index]
        if step_id == SUMMARY_ID:
            return _("the summary")
        return _(STATE_LOOKS[self.progress.state_of(step_id)].label)

    # -- opening and closing ------------------------------------------------------------
    def toggle(self) -> None:
        """``s``: narrow, open or close the drawer; wide, fold or unfold."""
        if self.screen.has_class("-wide") and not self.drawer:
            self.toggle_class("-folded")
            return
        if self.drawer:
            self.action_close()
        else:
            self.drawer = True
            self.can_focus = True
            self.cursor = ROW_IDS.index(self.current)
            self.focus()

    def action_close(self) -> None:
        if not self.drawer:
            return
        self.drawer = False
        self.can_focus = False
        self.screen.set_focus(None)
        self.post_message(StepChosen(self.current))  # the step takes the focus back

    # -- moving -------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        self.cursor = (self.cursor + delta) % len(ROW_IDS)

    def action_move_to(self, index: int) -> None:
        self.cursor = index % len(ROW_IDS)

    def action_choose(self) -> None:
        self._choose(self.cursor)

    def watch_cursor(self) -> None:
        self.refresh()

    def _choose(self, index: int) -> None:
        step_id = ROW_IDS[index]
        if self.drawer:
            self.drawer = False
            self.can_focus = False
        self.post_message(StepChosen(step_id))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        row = event.y - self.styles.padding.top
        if 0 <= row < len(ROW_IDS):
            self._choose(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = event.y - self.styles.padding.top
        self.tooltip = self.render_tooltip(row) if 0 <= row < len(ROW_IDS) else None
