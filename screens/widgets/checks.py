"""Check results as rows: status symbol, title, what was compared, and the fix."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content

from screens.widgets.safe_static import SafeStatic, styled
from wizard.checks.model import LOOKS, Check, Status
from wizard.guards.safe_text import MAX_DETAIL, clip
from wizard.text.messages import _


class CheckRow(Vertical):
    """One check; a failing or warning one shows its fix, selectable for copying."""

    def __init__(self, check: Check, shorten: str = "") -> None:
        super().__init__(classes=f"check-row -{check.status.value} "
                         f"check-{check.id.replace('.', '-')}")
        self.check = check
        self.shorten = shorten

    def _short(self, text: str) -> str:
        return clip(text.replace(self.shorten, "~") if self.shorten else text, MAX_DETAIL)

    def _title(self, status: Status) -> Content:
        look = LOOKS[status]
        mark = f"[{look.colour}]{look.screen} $word[/]"
        return styled(f"{mark}  [b]$title[/]  [dim]$id[/]", word=_(look.word),
                      title=self.check.title, id=self.check.id)

    def compose(self) -> ComposeResult:
        check = self.check
        yield SafeStatic(self._title(check.status), classes="check-title")
        if check.detail:
            yield SafeStatic(self._short(check.detail), classes="check-detail")
        if check.fix and check.status in (Status.FAIL, Status.WARN):
            yield SafeStatic(styled(_("[b]Fix:[/] $fix"), fix=self._short(check.fix)),
                             classes="check-fix")


    def show_live(self, status: Status, detail: str) -> None:
        """What the check would say now (a token's expiry as the clock moves): its mark and
        detail, without judging anything again."""
        self.set_class(status is Status.FAIL, "-fail")
        self.set_class(status is Status.WARN, "-warn")
        self.set_class(status is Status.PASS, "-pass")
        self.query_one(".check-title", SafeStatic).update(self._title(status))
        for box in self.query(".check-detail").results(SafeStatic):
            box.update(self._short(detail))


class CheckList(Vertical):
    """A replaceable list of :class:`CheckRow`."""

    def __init__(self, *, id: str | None = None, shorten: str = "") -> None:
        super().__init__(id=id, classes="check-list")
        self.shorten = shorten
        self.checks: list[Check] = []

    def show(self, checks: Iterable[Check]) -> None:
        self.checks = list(checks)
        self.remove_children()
        self.mount_all([CheckRow(check, self.shorten) for check in self.checks])

    def row(self, check_id: str) -> CheckRow | None:
        return next((row for row in self.query(CheckRow).results(CheckRow)
                     if row.check.id == check_id), None)

    def fixes(self) -> str:
        return "\n".join(c.fix for c in self.checks if c.failed and c.fix)
