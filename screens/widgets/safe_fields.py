"""The wizard's text fields: what is pasted into them is kept, but never drawn raw.

A pasted token or log line can hold an escape sequence (a "token" handed over by someone
else, a log line from a hostile server). The field keeps the text as it is, so the checks
judge (and show visibly) exactly what was pasted, but the characters a terminal would act on
are left out of what is drawn.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Input, TextArea

from wizard.guards.safe_text import has_unsafe, without_unsafe


def drawable(strip: Strip) -> Strip:
    """The strip with every unsafe character left out, padded back to its width."""
    if not any(has_unsafe(segment.text) for segment in strip if not segment.control):
        return strip
    cleaned = Strip([segment if segment.control else
                     Segment(without_unsafe(segment.text), segment.style)
                     for segment in strip])
    return cleaned.adjust_cell_length(strip.cell_length)


class SafeTextArea(TextArea):
    def render_line(self, y: int) -> Strip:
        return drawable(super().render_line(y))


class SafeInput(Input):
    def render_line(self, y: int) -> Strip:
        return drawable(super().render_line(y))
