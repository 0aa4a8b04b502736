"""What the panes and panels read from the app that hosts them, without importing it: the
walkthrough (the session, the progress, the last verdicts) and the demo, if one runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from textual.dom import DOMNode

from wizard.walkthrough.walkthrough import Walkthrough

if TYPE_CHECKING:  # the demo's stand-ins are loaded only when the demo runs
    from wizard.demo.context import DemoContext


class Host(Protocol):
    @property
    def walkthrough(self) -> Walkthrough: ...

    @property
    def demo(self) -> DemoContext | None: ...


def host(node: DOMNode) -> Host:
    """The app ``node`` lives in, as what the panes and panels may read of it."""
    return cast(Host, node.app)


def home_prefix() -> str:
    home = str(Path.home())
    return home if home not in ("", "/") else ""


def display_path(text: str) -> str:
    """Home shortened to ~ (shorter, and the same on every machine)."""
    home = home_prefix()
    return text.replace(home, "~") if home else text
