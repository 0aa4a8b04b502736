"""A check's result: what the CLI, the report and the UI show."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


@dataclass(frozen=True)
class Look:
    """How a status is drawn, wherever it is drawn."""

    text: str
    """In ``check``'s table, in a terminal."""
    sgr: str
    """Its colour there (an SGR code)."""
    markdown: str
    """In the Markdown report."""
    screen: str
    """In the wizard."""
    colour: str
    """Its colour there (a Textual colour)."""


LOOKS: dict[Status, Look] = {
    Status.PASS: Look("✓", "32", "✅", "✔", "green"),
    Status.FAIL: Look("✗", "31", "❌", "✖", "red"),
    Status.WARN: Look("!", "33", "⚠️", "▲", "yellow"),
    Status.SKIP: Look("-", "2", "➖", "–", "dim"),
}
"""The one table of status symbols: ``check``, the report and the wizard read it."""


@dataclass(frozen=True)
class Check:
    """One finding: what was compared with what, and what to do about it."""

    id: str
    status: Status
    title: str
    detail: str
    fix: str
    step: str

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "status": self.status.value,
            "title": self.title,
            "detail": self.detail,
            "fix": self.fix,
            "step": self.step,
        }
