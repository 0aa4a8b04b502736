"""The title bar at the top: the wizard's name, the project, and what mode it runs in.

One line drawn by one widget (Textual's ``Header`` is a clock and four children): the project
is shortened in the middle to fit, so the badges on the right always show."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from wizard.guards.safe_text import one_line

ELLIPSIS = "…"


def middle_ellipsis(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, its middle replaced by … when it is longer."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    keep = width - 1
    return text[: keep - keep // 2] + ELLIPSIS + text[len(text) - keep // 2:]


class TitleBar(Widget):
    DEFAULT_CSS = """
    TitleBar { dock: top; height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, name: str, place: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.app_name = name
        self.place = one_line(place)
        self.badges: tuple[str, ...] = ()

    def set_badges(self, *badges: str) -> None:
        if badges != self.badges:
            self.badges = badges
            self.refresh()

    def render(self) -> Content:
        width = self.content_region.width
        badges = Content(" ").join(Content.styled(f" {one_line(b)} ", "reverse $warning")
                                   for b in self.badges)
        head = Content.styled(f"◆ {self.app_name}", "bold")
        room = width - head.cell_length - badges.cell_length - 3
        place = Content.styled(middle_ellipsis(self.place, max(room, 0)), "$text-muted")
        left = Content.assemble(head, "  ", place)
        pad = max(width - left.cell_length - badges.cell_length, 1)
        return Content.assemble(left, " " * pad, badges)
