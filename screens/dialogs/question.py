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
{name} > Vertical {{
    width: 90;
    max-width: 100%;
    height: auto;
    max-height: 90%;
    padding: 1 2;
    border: thick $warning;
    background: $surface;
}}
{name} .dialog-title {{
    text-style: bold;
    margin-bottom: 1;
}}
{name} VerticalScroll {{
    height: auto;
    max-height: 20;
    border: round $primary;
    padding: 0 1;
    margin: 1 0;
}}
{name} Horizontal {{
    height: auto;
    margin-top: 1;
}}
{name} Button {{
    margin-right: 2;
}}
"""


class Question(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "answer_no", _("No"))]
    yes_id: ClassVar[str]
    no_id: ClassVar[str]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.answer(event.button.id == self.yes_id)

    def action_answer_no(self) -> None:
        self.answer(False)

    def answer(self, yes: bool) -> None:
        # A click and a key can arrive together; only the first one answers (a second would
        # pop the wizard's own screen).
        if self.is_current:
            self.dismiss(yes)
