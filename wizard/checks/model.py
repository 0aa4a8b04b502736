"""A check's result: what the CLI, the report and the UI show."""

from __future__ import annotations

from enum import Enum

from wizard.records import record
from wizard.text.messages import N_, Message, Text, render


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


@record(frozen=True)
class Look:
    """How a status is drawn, wherever it is drawn."""

    word: str
    """Its name for people (a message id; JSON keeps the status's own value)."""
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
    Status.PASS: Look(N_("pass"), "✓", "32", "✅", "✔", "green"),
    Status.FAIL: Look(N_("fail"), "✗", "31", "❌", "✖", "red"),
    Status.WARN: Look(N_("warn"), "!", "33", "⚠️", "▲", "yellow"),
    Status.SKIP: Look(N_("skip"), "-", "2", "➖", "–", "dim"),
}
"""The one table of status symbols: ``check``, the report and the wizard read it."""


@record(frozen=True)
class Check:
    """One finding: what was compared with what, and what to do about it. Its texts are
    messages, shown in the current language (``to_dict`` takes another)."""

    id: str
    status: Status
    step: str
    title_text: Message
    detail_text: Text
    reason: str = ""
    """Why it failed or warned: one of the catalog's reasons for this check ("" if none)."""
    fix_text: Text | None = None

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    @property
    def title(self) -> str:
        return render(self.title_text)

    @property
    def detail(self) -> str:
        return render(self.detail_text)

    @property
    def fix(self) -> str:
        return render(self.fix_text) if self.fix_text is not None else ""

    def to_dict(self, language: str | None = None) -> dict[str, str]:
        return {
            "id": self.id,
            "status": self.status.value,
            "title": render(self.title_text, language),
            "detail": render(self.detail_text, language),
            "fix": render(self.fix_text, language) if self.fix_text is not None else "",
            "step": self.step,
        }
