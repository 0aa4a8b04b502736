"""The key bar at the bottom: the keys that work now, as many as fit, most useful first.

Drawn as one line from the screen's active bindings (the same source as Textual's ``Footer``,
so a binding its ``check_action`` hides is hidden here too), in the order the bindings are
declared, which is their priority: what does not fit the width is left out whole, never cut.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

GAP = 2  # cells between two entries


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def shown(self) -> list[Binding]:
        """The bindings to show, one per action, in priority order."""
        seen: set[str] = set()
        shown: list[Binding] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.show and active.enabled and binding.action not in seen:
                seen.add(binding.action)
                shown.append(binding)
        return shown

    def render(self) -> Content:
        width = self.content_region.width
        parts: list[Content] = []
        self._spans = []
        used = 0
        for binding in self.shown():
            key = self.app.get_key_display(binding)
            entry = Content.assemble((key, "bold $accent"), " ", binding.description)
            start = used + (GAP if parts else 0)
            if start + entry.cell_length > width:
                break
            if parts:
                parts.append(Content(" " * GAP))
            parts.append(entry)
            used = start + entry.cell_length
            self._spans.append((start, used, binding.key.split(",")[0]))
        return Content("").join(parts)

    def on_click(self, event: events.Click) -> None:
        x = event.x - self.styles.padding.left
        for start, end, key in self._spans:
            if start <= x < end:
                self.app.simulate_key(key)
                return
