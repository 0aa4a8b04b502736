"""A code block to copy: one line per line of code, never wrapped, scrolled sideways when it
is wider than the pane (a URL, a command or a variable name is never broken). One Tab stop;
Enter or ``c`` copies it (Textual's clipboard: OSC 52 in the terminal), as does a click on the
copy hint.

What is copied is what is shown: a control character in the text (from a ``.env`` value or an
issuer, say) is copied as its visible escape, never as the character a shell would act on."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer

from screens.widgets.safe_static import SafeStatic
from wizard.guards.safe_text import visible
from wizard.text.messages import _


class CopyHint(SafeStatic):
    def on_click(self, event: events.Click) -> None:
        event.stop()
        block = self.parent
        if isinstance(block, Copyable):
            block.action_copy()


class Copyable(ScrollableContainer, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,c", "copy", _("Copy")),
        Binding("home", "scroll_home_x", show=False),
        Binding("end", "scroll_end_x", show=False),
    ]

    def __init__(self, text: str, *, label: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id, classes="copyable")
        self.text = visible(text)
        self.label = label or _("Copy")

    def compose(self) -> ComposeResult:
        yield CopyHint(f"⏎ {self.label}", classes="copy-hint")
        yield SafeStatic(self.text, classes="code")

    def set_text(self, text: str) -> None:
        self.text = visible(text)
        self.query_one(".code", SafeStatic).update(self.text)

    def action_scroll_home_x(self) -> None:
        self.scroll_to(x=0, animate=False)

    def action_scroll_end_x(self) -> None:
        self.scroll_to(x=self.max_scroll_x, animate=False)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        # OSC 52 gets no answer, so whether a clipboard was reached cannot be known here.
        self.app.notify(_("Sent to your terminal's clipboard (OSC 52). If nothing was copied, "
                          "your terminal does not allow it: select the text with shift and the "
                          "mouse instead."), timeout=5)
