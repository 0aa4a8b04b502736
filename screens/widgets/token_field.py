"""The token field: a token is pasted whole, so a paste replaces what the field holds (a
paste over an old token would otherwise make five or seven dot-separated parts); ctrl+u
empties it."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType

from screens.widgets.safe_fields import SafeTextArea
from wizard.text.messages import _


class TokenField(SafeTextArea):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+u", "clear_token", _("Clear")),
    ]

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if not self.read_only:
            self.replace_all(event.text)

    def replace_all(self, text: str) -> None:
        self.text = text
        self.move_cursor(self.document.end)
        self.focus()

    def action_clear_token(self) -> None:
        self.replace_all("")
