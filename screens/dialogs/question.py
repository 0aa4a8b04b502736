"""What every yes/no question before something is sent shares: the frame and the answer.
It answers True only for the yes button; escape and the other button mean no."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Button

from wizard.text.messages import _

QUESTION_CSS = """
{name} {{
    align: center middle;
}}
{name} > VerticalScroll {{
    width: 100%;
    max-width: 90;
    height: auto;
    max-height: 100%;
    padding: 0 1;
    border: thick $warning;
    background: $surface;
}}
{name}.-tall > VerticalScroll {{
    max-height: 90%;
    padding: 1 2;
}}
{name} .dialog-title {{
    text-style: bold;
    margin-bottom: 1;
}}
{name} VerticalScroll VerticalScroll {{
    height: auto;
    max-height: 12;
    border: round $primary;
    padding: 0 1;
    margin: 1 0;
}}
{name} .dialog-buttons {{
    dock: bottom;
    height: auto;
    padding-top: 1;
    background: $surface;
}}
{name} Button {{
    margin-right: 2;
}}
"""
"""Every question fits 80×24: its buttons are docked at the bottom (composed first) and the
body above them scrolls."""


class Question(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer_no", _("No")),
        Binding("y", "answer_yes", _("Yes")),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]
    yes_id: ClassVar[str]
    no_id: ClassVar[str]

    def on_mount(self) -> None:
        # The safe answer has the focus: Enter right away never sends anything.
        self.query_one(f"#{self.no_id}").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.answer(event.button.id == self.yes_id)

    def action_answer_no(self) -> None:
        self.answer(False)

    def action_answer_yes(self) -> None:
        self.answer(True)

    def answer(self, yes: bool) -> None:
        # A click and a key can arrive together; only the first one answers (a second would
        # pop the wizard's own screen).
        if self.is_current:
            self.dismiss(yes)
