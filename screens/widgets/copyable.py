"""A code block with a Copy button (Textual's clipboard: OSC 52 in the terminal)."""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static


class Copyable(Vertical):
    def __init__(self, text: str, *, label: str = "Copy", id: str | None = None) -> None:
        super().__init__(id=id, classes="copyable")
        self.text = text
        self.label = label

    def compose(self) -> ComposeResult:
        with Horizontal(classes="copy-bar"):
            yield Static(escape(self.text), classes="code")
            yield Button(self.label, classes="copy-button", compact=True)

    def set_text(self, text: str) -> None:
        self.text = text
        self.query_one(".code", Static).update(escape(text))

    @on(Button.Pressed, ".copy-button")
    def copy(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.copy_to_clipboard(self.text)
        self.app.notify("Copied to the clipboard.", timeout=2)
