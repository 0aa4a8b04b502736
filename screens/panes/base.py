"""What every step pane shares: its heading and texts (from wizard.text.steps) and hooks."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from screens.host import Host, host
from screens.widgets.safe_static import SafeStatic, styled
from wizard.text.messages import _
from wizard.text.steps import text_for
from wizard.walkthrough.steps import STEP_IDS, step_by_id
from wizard.walkthrough.walkthrough import Walkthrough


class StepPane(VerticalScroll):
    """One guide step: what to do, why, the step's own body, how the wizard knows it's done."""

    step_id: ClassVar[str]
    # Tab should reach the step's controls first; the app scrolls the pane with keys.
    can_focus = False

    def __init__(self) -> None:
        super().__init__(id=self.step_id, classes="step-pane")
        self.ready = False

    @property
    def host(self) -> Host:
        return host(self)

    @property
    def walkthrough(self) -> Walkthrough:
        return self.host.walkthrough

    def compose(self) -> ComposeResult:
        # The controls come right after a short heading, so they are above the fold at 80×24;
        # why the step matters and when it is done come last.
        step = step_by_id(self.step_id)
        text = text_for(self.step_id)
        number = STEP_IDS.index(self.step_id) + 1
        yield SafeStatic(styled(_("[b]$number/$count · $title[/]\n$what"), number=number,
                                count=len(STEP_IDS), title=_(step.title), what=_(text.what)),
                         classes="step-header")
        yield from self.compose_body()
        yield SafeStatic(styled(_("[b]Why:[/] $why\n\n[b]Done when:[/] $done"),
                                why=_(text.why), done=_(text.done_when)),
                         classes="step-notes")

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.ready = True
        self.refresh_view()

    def refresh_view(self) -> None:
        """The session, the progress or the chosen path changed."""

    def accept_paste(self, text: str) -> None:
        """A paste outside any text field, while this pane is current: ignored by default."""
