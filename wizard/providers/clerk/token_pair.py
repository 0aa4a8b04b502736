"""Two tokens of one signed-in session, and what they say about the Clerk side (issue 15).

Both ways the wizard gets tokens without a paste (the browser's loopback receiver,
:mod:`wizard.browser`, and minting with the secret key, :mod:`wizard.providers.clerk.sessions`) end in a
:class:`TokenPair`: Clerk's session token and the ``convex`` template token, each either the
token itself (kept in memory only: never in a ``repr``, a dict or a file) or why there is none.

:func:`analyse_pair` reads the claims without verifying anything and answers, as values: is
the Convex integration active (the session token's ``aud`` is exactly ``"convex"``), does the
``convex`` template exist, and which of the two ``ConvexProviderWithClerk`` sends for the
project's ``convex`` version. Verifying each token is the engine's job:
:meth:`TokenPair.to_verify` gives the ``(text, path)`` arguments of ``Session.verify``.
"""

from __future__ import annotations

from dataclasses import field
from enum import Enum
from typing import Any

from wizard.providers.clerk.template import TEMPLATE_NAME
from wizard.records import record
from wizard.rules.convex import INTEGRATION_AUD, ProviderRule, convex_release, provider_rule
from wizard.rules.jwt import AuthPath, DecodedToken, decode_token, read_paste

_TEMPLATE_MISSING = f"No JWT template exists with name: {TEMPLATE_NAME}"
"""Clerk's ``long_message`` for an unknown template (``JWTTemplateNotFound``, 404); the browser
SDK throws it as the error's ``message``."""
_SESSION_MISSING = "No session was found with id"


class Slot(str, Enum):
    """Which of the two tokens; ``path`` is the engine's name for the auth path it proves."""

    SESSION = "session"
    TEMPLATE = "template"

    @property
    def path(self) -> AuthPath:
        return AuthPath.INTEGRATION if self is Slot.SESSION else AuthPath.TEMPLATE


class NoToken(str, Enum):
    """Why a slot holds no token."""

    NO_CLERK = "no_clerk"  # the page has no window.Clerk
    SIGNED_OUT = "signed_out"  # Clerk.session is null, or getToken gave null
    TEMPLATE_NOT_FOUND = "template_not_found"  # Clerk: No JWT template exists with name: convex
    SESSION_NOT_FOUND = "session_not_found"  # Clerk: No session was found with id …
    TIMED_OUT = "timed_out"  # getToken did not settle in the snippet's time
    REQUEST_FAILED = "request_failed"  # the Backend API call got no answer from Clerk
    CLERK_ERROR = "clerk_error"  # any other error Clerk answered


@record(frozen=True)
class TokenError:
    """What stood in the token's place. ``message`` is Clerk's own text (data, to be shown with
    control characters made visible), ``status`` and ``code`` its HTTP status and error code."""

    reason: NoToken
    message: str | None = None
    status: int | None = None
    code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason.value, "message": self.message, "status": self.status,
                "code": self.code}


def clerk_error(message: str | None, status: int | None, code: str | None) -> TokenError:
    """Name an error Clerk answered, from its text: the browser SDK and the Backend API give the
    same ``long_message`` for a missing template or session."""
    text = (message or "").strip()
    if text == _TEMPLATE_MISSING:
        reason = NoToken.TEMPLATE_NOT_FOUND
    elif text.startswith(_SESSION_MISSING):
        reason = NoToken.SESSION_NOT_FOUND
    else:
        reason = NoToken.CLERK_ERROR
    return TokenError(reason, message, status, code)


@record(frozen=True)
class TokenOutcome:
    """One token, or the error in its place (exactly one of the two)."""

    token: str | None = field(default=None, repr=False)
    error: TokenError | None = None

    def __post_init__(self) -> None:
        if (self.token is None) == (self.error is None):
            raise ValueError("a TokenOutcome holds a token or an error, not both or neither")

    def to_dict(self) -> dict[str, Any]:
        """Never the token: only whether there is one."""
        return {"obtained": self.token is not None,
                "error": self.error.to_dict() if self.error else None}


@record(frozen=True)
class TokenPair:
    session: TokenOutcome
    template: TokenOutcome

    def outcome(self, slot: Slot) -> TokenOutcome:
        return self.session if slot is Slot.SESSION else self.template

    def to_verify(self) -> list[tuple[Slot, DecodedToken, AuthPath]]:
        """``(slot, token, path)`` for each token obtained: ``Session.verify(token, path)``;
        each read exactly as a pasted one."""
        return [(slot, read_paste(outcome.token), slot.path) for slot in Slot
                if (outcome := self.outcome(slot)).token is not None]

    def secrets(self) -> list[str]:
        """The token texts, for the scrubber of every output."""
        return [token for slot in Slot if (token := self.outcome(slot).token) is not None]

    def to_dict(self) -> dict[str, Any]:
        return {slot.value: self.outcome(slot).to_dict() for slot in Slot}


class Integration(str, Enum):
    ACTIVE = "active"  # the session token's aud is exactly "convex"
    INACTIVE = "inactive"  # a readable session token with any other aud, or none
    UNKNOWN = "unknown"  # no readable session token


class TemplateState(str, Enum):
    EXISTS = "exists"  # Clerk minted a token from it
    ABSENT = "absent"  # Clerk said: No JWT template exists with name: convex
    UNKNOWN = "unknown"  # another error, or not asked


@record(frozen=True)
class PairAnalysis:
    integration: Integration
    session_aud: Any
    """The session token's ``aud`` as found (None when absent or unreadable)."""
    template: TemplateState
    convex_version: str | None
    rule: ProviderRule
    sends: Slot | None
    """The token the provider asks Clerk for; None when the version or the integration
    cannot be told."""
    sends_available: bool | None
    """Whether that token could be had. False: the provider catches the error, hands Convex
    null, and the app stays signed out of Convex without a word."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "integration": self.integration.value, "session_aud": self.session_aud,
            "template": self.template.value, "convex_version": self.convex_version,
            "rule": self.rule.value, "sends": self.sends.value if self.sends else None,
            "sends_available": self.sends_available,
        }


def _session_aud(pair: TokenPair) -> tuple[Integration, Any]:
    token = pair.session.token
    claims = decode_token(token).claims if token is not None else None
    if claims is None:
        return Integration.UNKNOWN, None
    aud = claims.get("aud")
    # A strict comparison, as the provider makes it: ["convex"] is not "convex".
    active = isinstance(aud, str) and aud == INTEGRATION_AUD
    return (Integration.ACTIVE if active else Integration.INACTIVE), aud


def _template_state(pair: TokenPair) -> TemplateState:
    if pair.template.token is not None:
        return TemplateState.EXISTS
    error = pair.template.error
    if error is not None and error.reason is NoToken.TEMPLATE_NOT_FOUND:
        return TemplateState.ABSENT
    return TemplateState.UNKNOWN


def analyse_pair(pair: TokenPair, convex_version: str | None) -> PairAnalysis:
    """What the two tokens say, and which one the app's provider would send."""
    integration, aud = _session_aud(pair)
    rule = provider_rule(convex_release(convex_version))
    sends: Slot | None = {
        ProviderRule.TEMPLATE_ALWAYS: Slot.TEMPLATE,
        ProviderRule.SESSION_ALWAYS: Slot.SESSION,
        ProviderRule.AUD_DECIDES: {Integration.ACTIVE: Slot.SESSION,
                                   Integration.INACTIVE: Slot.TEMPLATE}.get(integration),
    }.get(rule)
    available = None if sends is None else pair.outcome(sends).token is not None
    return PairAnalysis(integration, aud, _template_state(pair), convex_version, rule, sends,
                        available)
