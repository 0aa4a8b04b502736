"""A code block with a Copy button (Textual's clipboard: OSC 52 in the terminal).

What is copied is what is shown: a control character in the text (from a ``.env`` value or an
issuer, say) is copied as its visible escape, never as the character a shell would act on."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button

from screens.widgets.safe_static import SafeStatic
from wizard.guards.safe_text import visible
from wizard.text.messages import _


class Copyable(Vertical):
    def __init__(self, text: str, *, label: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id, classes="copyable")
        self.text = visible(text)
        self.label = label or _("Copy")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="copy-bar"):
            yield SafeStatic(self.text, classes="code")
            yield Button(self.label, classes="copy-button", compact=True)

    def set_text(self, text: str) -> None:
        self.text = visible(text)
        self.query_one(".code", SafeStatic).update(self.text)

    @on(Button.Pressed, ".copy-button")
    def copy(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.copy_to_clipboard(self.text)
        self.app.notify(_("Copied to the clipboard."), timeout=2)
