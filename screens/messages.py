"""What the panes and panels tell the app: the app handles each by calling the walkthrough and
redrawing what changed. No pane, panel or widget changes a step's state itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from textual.message import Message

from wizard.rules.jwt import AuthPath, DecodedToken
from wizard.walkthrough.walkthrough import Fetched

if TYPE_CHECKING:
    from wizard.checks.token_checks import TokenVerdict
    from wizard.fixes import ApplyReport
    from wizard.providers.clerk.checks import ClerkFindings
    from wizard.services.convex_probe import ConvexAnswer
    from wizard.walkthrough.evidence import TokenEvidence


class FetchDone(Message):
    """The fetch worker is done (the app's own message)."""

    def __init__(self, result: Fetched) -> None:
        super().__init__()
        self.result = result


class TokenPasted(Message):
    """The text in the token box changed (the raw text is never kept beyond the box)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ConvexAsked(Message):
    """"Ask Convex" was pressed: the app reads and judges the pasted text, then ``start``
    sends the token."""

    def __init__(self, text: str,
                 start: Callable[[DecodedToken, TokenVerdict | None], object]) -> None:
        super().__init__()
        self.text, self.start = text, start


class ConvexAnswered(Message):
    """Convex answered a token (never the token itself)."""

    def __init__(self, answer: ConvexAnswer, verdict: TokenVerdict | None) -> None:
        super().__init__()
        self.answer, self.verdict = answer, verdict


class ClerkChecked(Message):
    """The clerk.* checks ran through Clerk's Backend API."""

    def __init__(self, findings: ClerkFindings) -> None:
        super().__init__()
        self.findings = findings


class PathChosen(Message):
    def __init__(self, path: AuthPath) -> None:
        super().__init__()
        self.path = path


class LineDiagnosed(Message):
    """A pasted log line was diagnosed; ``step_id`` is the step it points at."""

    def __init__(self, step_id: str) -> None:
        super().__init__()
        self.step_id = step_id


class StepChosen(Message):
    """Go to this step (a click on the step list, or "Revisit the step")."""

    def __init__(self, step_id: str) -> None:
        super().__init__()
        self.step_id = step_id


class HostAgreed(Message):
    """The user agreed, in a dialog naming ``url``, that a key may go there (this run only):
    ``key`` is "deploy-key" or "clerk-secret-key"."""

    def __init__(self, key: Literal["deploy-key", "clerk-secret-key"], url: str) -> None:
        super().__init__()
        self.key, self.url = key, url


class FixesRequested(Message):
    """"Apply fixes" was pressed on a step: the app shows the fixes of ``check_ids``."""

    def __init__(self, check_ids: tuple[str, ...]) -> None:
        super().__init__()
        self.check_ids = check_ids


class FixesApplied(Message):
    """The apply worker is done (the app's own message)."""

    def __init__(self, report: ApplyReport) -> None:
        super().__init__()
        self.report = report


class TokensGot(Message):
    """Tokens came without a paste (the browser's receiver, or minted): the app's walkthrough
    judges them and marks the steps they prove."""

    def __init__(self, evidence: TokenEvidence) -> None:
        super().__init__()
        self.evidence = evidence
