"""The two questions before tokens are minted with the secret key: may these calls be made,
and (a development instance with no active session) may a session be created for the check
and revoked right after. Each answers True only for an explicit yes; escape means no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button

from screens.dialogs.question import QUESTION_CSS, Question
from screens.widgets.safe_static import SafeStatic, styled
from wizard.text.messages import _


def _calls_text(calls: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"{method} {url}" for method, url in calls)


class MintAgreementDialog(Question):
    """Names every call the secret key will make before any is made."""

    DEFAULT_CSS = QUESTION_CSS.format(name="MintAgreementDialog")
    yes_id = "mint-agree-yes"
    no_id = "mint-agree-no"

    def __init__(self, *, source: str, redacted: str, calls: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.source, self.redacted, self.calls = source, redacted, calls

    def compose(self) -> ComposeResult:
        with Vertical():
            yield SafeStatic(_("Mint a token with your Clerk secret key?"),
                             classes="dialog-title")
            yield SafeStatic(styled(_(
                "With [b]CLERK_SECRET_KEY[/] from $source ($redacted) the wizard finds the most "
                "recent active session of a user of your instance and mints its two tokens "
                "(the session token and the convex template's). These calls are made:"),
                source=self.source, redacted=self.redacted))
            with VerticalScroll():
                yield SafeStatic(_calls_text(self.calls), id="mint-agree-calls")
            yield SafeStatic(_("Nothing in Clerk is changed. The tokens stay in memory: never "
                               "shown, saved or written to the report."), classes="muted")
            with Horizontal():
                yield Button(_("Yes, mint the tokens"), id=self.yes_id, variant="warning")
                yield Button(_("No (esc)"), id=self.no_id, variant="primary")


class CreateSessionDialog(Question):
    """The second yes: a development instance only; says the session is created, then
    revoked."""

    DEFAULT_CSS = QUESTION_CSS.format(name="CreateSessionDialog")
    yes_id = "mint-create-yes"
    no_id = "mint-create-no"

    def __init__(self, *, calls: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.calls = calls

    def compose(self) -> ComposeResult:
        with Vertical():
            yield SafeStatic(_("No active session: create one for the check?"),
                             classes="dialog-title")
            yield SafeStatic(_(
                "No user of this development instance has an active session. The wizard can "
                "create a session for the most recently signed-in user, mint its two tokens, "
                "and revoke the session at once. These calls are made:"))
            with VerticalScroll():
                yield SafeStatic(_calls_text(self.calls), id="mint-create-calls")
            with Horizontal():
                yield Button(_("Yes, create and revoke a session"), id=self.yes_id,
                             variant="warning")
                yield Button(_("No (esc)"), id=self.no_id, variant="primary")
