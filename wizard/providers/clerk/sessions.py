"""Real tokens minted with the secret key, through Clerk's Backend API (issue 15 §2).

The calls (Clerk's Backend API reference, research 15.1):

- ``GET /v1/users?order_by=-last_sign_in_at&limit=N``: users, most recent sign-in first.
- ``GET /v1/sessions?user_id=…&status=active``: a user's active sessions, newest first.
- ``POST /v1/sessions/{id}/tokens``: the session token (with Clerk's Convex integration on,
  its ``aud`` is ``"convex"``); ``POST /v1/sessions/{id}/tokens/convex``: the template token,
  or 404 ``No JWT template exists with name: convex``. No body: Clerk's lifetimes apply.
- ``POST /v1/sessions`` ``{"user_id"}``: a new session, for testing, on development instances
  only (a production instance answers 400 ``request_invalid_for_environment``), and
  ``POST /v1/sessions/{id}/revoke`` right after its tokens are minted.

Consent: nothing is sent without a :class:`MintAgreement` naming the calls and the API they
go to, built from the user's yes; creating a session also needs a separate
:class:`SessionCreationAgreement` naming the user, and is refused here, before any request,
for a production (``sk_live_``) key. Every request goes through :class:`ClerkBackend`: the key
only to ``api.clerk.com`` or the host the user named, one deadline, capped bodies.

Results are values with reason codes; the tokens live in a
:class:`~wizard.token_pair.TokenPair` in memory only, never in a ``repr``, a dict or a message.
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Any
from urllib.parse import quote, urlencode

from wizard.providers.clerk.api import ApiProblem, ApiProblemKind, ClerkBackend
from wizard.providers.clerk.template import TEMPLATE_NAME
from wizard.providers.clerk.token_pair import (
    NoToken,
    TokenError,
    TokenOutcome,
    TokenPair,
    clerk_error,
)
from wizard.records import record

DEFAULT_USER_LIMIT = 10
MAX_USER_LIMIT = 500
ENVIRONMENT_REFUSED_CODE = "request_invalid_for_environment"
_CLERK_ANSWERED = frozenset({ApiProblemKind.STATUS, ApiProblemKind.INVALID_KEY,
                             ApiProblemKind.RATE_LIMITED, ApiProblemKind.SERVER})


class Call(str, Enum):
    LIST_USERS = "list_users"
    LIST_SESSIONS = "list_sessions"
    MINT_SESSION_TOKEN = "mint_session_token"
    MINT_TEMPLATE_TOKEN = "mint_template_token"
    CREATE_SESSION = "create_session"
    REVOKE_SESSION = "revoke_session"

    @property
    def endpoint(self) -> tuple[str, str]:
        """``(method, path)`` under the versioned API root; ``{…}`` are filled in per call."""
        return _ENDPOINTS[self]


_ENDPOINTS = {
    Call.LIST_USERS: ("GET", "/users?order_by=-last_sign_in_at&limit={limit}"),
    Call.LIST_SESSIONS: ("GET", "/sessions?user_id={user_id}&status=active"),
    Call.MINT_SESSION_TOKEN: ("POST", "/sessions/{session_id}/tokens"),
    Call.MINT_TEMPLATE_TOKEN: ("POST", "/sessions/{session_id}/tokens/" + TEMPLATE_NAME),
    Call.CREATE_SESSION: ("POST", "/sessions"),
    Call.REVOKE_SESSION: ("POST", "/sessions/{session_id}/revoke"),
}
_MINT = (Call.MINT_SESSION_TOKEN, Call.MINT_TEMPLATE_TOKEN)
_FIND = (Call.LIST_USERS, Call.LIST_SESSIONS)


def _planned(api_url: str, calls: tuple[Call, ...]) -> list[tuple[str, str]]:
    return [(call.endpoint[0], api_url + call.endpoint[1]) for call in calls]


@record(frozen=True)
class MintAgreement:
    """The user's yes: the secret key may go to ``api_url`` for exactly ``calls``, and, when
    ``session_id`` is set (``--session-id``), only to mint for that session. Build it only
    from that yes, after showing :meth:`planned`."""

    api_url: str
    calls: frozenset[Call]
    session_id: str | None = None

    @classmethod
    def find_and_mint(cls, backend: ClerkBackend) -> MintAgreement:
        return cls(backend.base_url, frozenset(_FIND + _MINT))

    @classmethod
    def mint_for(cls, backend: ClerkBackend, session_id: str) -> MintAgreement:
        return cls(backend.base_url, frozenset(_MINT), session_id)

    def planned(self) -> list[tuple[str, str]]:
        """``(method, URL)`` of each call agreed to, in the order they are made."""
        return _planned(self.api_url, tuple(call for call in Call if call in self.calls))

    def allows(self, backend: ClerkBackend, call: Call, session_id: str | None = None) -> bool:
        return (self.api_url == backend.base_url and call in self.calls
                and (self.session_id is None or self.session_id == session_id))


@record(frozen=True)
class SessionCreationAgreement:
    """The second, separate yes: on a development instance, create a session for ``user_id``,
    mint its two tokens, and revoke it at once."""

    api_url: str
    user_id: str

    @classmethod
    def for_user(cls, backend: ClerkBackend, user_id: str) -> SessionCreationAgreement:
        return cls(backend.base_url, user_id)

    def planned(self) -> list[tuple[str, str]]:
        return _planned(self.api_url, (Call.CREATE_SESSION, *_MINT, Call.REVOKE_SESSION))


# -- what the API holds ---------------------------------------------------------------------
@record(frozen=True)
class ClerkUser:
    """The fields to pick a user by; text as Clerk holds it (show it made safe)."""

    id: str
    username: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    last_sign_in_at: int | None  # milliseconds since the epoch

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "first_name": self.first_name,
                "last_name": self.last_name, "email": self.email,
                "last_sign_in_at": self.last_sign_in_at}


@record(frozen=True)
class ClerkSession:
    id: str
    user_id: str
    status: str
    last_active_at: int | None  # milliseconds
    expire_at: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "user_id": self.user_id, "status": self.status,
                "last_active_at": self.last_active_at, "expire_at": self.expire_at}


@record(frozen=True)
class UserSessions:
    user: ClerkUser
    sessions: tuple[ClerkSession, ...]


class SearchReason(str, Enum):
    FOUND = "found"
    NO_USERS = "no_users"
    NO_ACTIVE_SESSION = "no_active_session"
    NOT_AGREED = "not_agreed"
    API_PROBLEM = "api_problem"


@record(frozen=True)
class SessionSearch:
    reason: SearchReason
    users: tuple[UserSessions, ...] = ()
    """Most recent sign-in first; each user's active sessions, newest first."""
    problem: ApiProblem | None = None

    @property
    def latest(self) -> ClerkSession | None:
        """The CLI's pick: the newest active session of the most recently signed-in user."""
        return next((found.sessions[0] for found in self.users if found.sessions), None)

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason.value,
                "users": [{"user": found.user.to_dict(),
                           "sessions": [s.to_dict() for s in found.sessions]}
                          for found in self.users],
                "problem": _problem_dict(self.problem)}


class MintReason(str, Enum):
    MINTED = "minted"  # the session token came back; the template's outcome is in the pair
    NOT_AGREED = "not_agreed"  # nothing was sent
    PRODUCTION_INSTANCE = "production_instance"  # sk_live_ key: refused here, nothing sent
    UNKNOWN_INSTANCE = "unknown_instance"  # neither sk_test_ nor sk_live_: nothing sent
    ENVIRONMENT_REFUSED = "environment_refused"  # Clerk: 400 request_invalid_for_environment
    SESSION_NOT_FOUND = "session_not_found"
    API_PROBLEM = "api_problem"


@record(frozen=True)
class MintResult:
    reason: MintReason
    session_id: str | None = None
    pair: TokenPair | None = None
    problem: ApiProblem | None = None
    """The failure that stopped the minting (creating the session, or the session token)."""
    template_problem: ApiProblem | None = None
    created_session_id: str | None = None
    """The session created for this (development instances only), then revoked."""
    revoked: bool | None = None
    revoke_problem: ApiProblem | None = None

    def to_dict(self) -> dict[str, Any]:
        """Everything but the tokens themselves."""
        return {
            "reason": self.reason.value, "session_id": self.session_id,
            "tokens": self.pair.to_dict() if self.pair else None,
            "problem": _problem_dict(self.problem),
            "template_problem": _problem_dict(self.template_problem),
            "created_session_id": self.created_session_id, "revoked": self.revoked,
            "revoke_problem": _problem_dict(self.revoke_problem),
        }


def _problem_dict(problem: ApiProblem | None) -> dict[str, Any] | None:
    if problem is None:
        return None
    return {"kind": problem.kind, "url": problem.url, "status": problem.status,
            "code": problem.code, "clerk_message": problem.clerk_message}


# -- reading Clerk's objects ----------------------------------------------------------------
def _items(document: Any) -> list[dict[str, Any]] | None:
    """A plain array, or ``{"data": [...], "total_count": n}`` when paginated."""
    raw = document.get("data") if isinstance(document, dict) else document
    return [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else None


def _str(raw: dict[str, Any], name: str) -> str | None:
    value = raw.get(name)
    return value if isinstance(value, str) else None


def _int(raw: dict[str, Any], name: str) -> int | None:
    value = raw.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _user(raw: dict[str, Any]) -> ClerkUser | None:
    user_id = _str(raw, "id")
    if not user_id:
        return None
    primary = _str(raw, "primary_email_address_id")
    addresses = raw.get("email_addresses")
    email = next((_str(a, "email_address") for a in addresses or ()
                  if isinstance(a, dict) and primary and a.get("id") == primary), None) \
        if isinstance(addresses, list) else None
    return ClerkUser(user_id, _str(raw, "username"), _str(raw, "first_name"),
                     _str(raw, "last_name"), email, _int(raw, "last_sign_in_at"))


def _session(raw: Any) -> ClerkSession | None:
    if not isinstance(raw, dict):
        return None
    session_id, user_id = _str(raw, "id"), _str(raw, "user_id")
    if not session_id or not user_id:
        return None
    return ClerkSession(session_id, user_id, _str(raw, "status") or "",
                        _int(raw, "last_active_at"), _int(raw, "expire_at"))


def _jwt(document: Any) -> str | None:
    if isinstance(document, dict) and document.get("object") == "token":
        jwt = document.get("jwt")
        return jwt if isinstance(jwt, str) and jwt else None
    return None


def _token_error(problem: ApiProblem) -> TokenError:
    if problem.kind in _CLERK_ANSWERED:
        return clerk_error(problem.clerk_message, problem.status, problem.code)
    return TokenError(NoToken.REQUEST_FAILED, None, problem.status, problem.code)


# -- the calls --------------------------------------------------------------------------------
def find_sessions(backend: ClerkBackend, agreement: MintAgreement, *,
                  limit: int = DEFAULT_USER_LIMIT, first_only: bool = False) -> SessionSearch:
    """Users by last sign-in (at most ``limit``) and their active sessions; ``first_only``
    stops at the first user who has one (the CLI's "most recent")."""
    if not 1 <= limit <= MAX_USER_LIMIT:
        raise ValueError(f"limit must be 1..{MAX_USER_LIMIT}")
    if not all(agreement.allows(backend, call) for call in _FIND):
        return SessionSearch(SearchReason.NOT_AGREED)
    query = urlencode({"order_by": "-last_sign_in_at", "limit": limit})
    document, problem = backend.request("GET", f"/users?{query}")
    users = None if problem is not None else _items(document)
    if users is None:
        return SessionSearch(SearchReason.API_PROBLEM, problem=problem or backend.content_problem(
            "/users", "not a list of users"))
    found: list[UserSessions] = []
    for user in filter(None, map(_user, users)):
        query = urlencode({"user_id": user.id, "status": "active"})
        document, problem = backend.request("GET", f"/sessions?{query}")
        sessions = None if problem is not None else _items(document)
        if sessions is None:
            return SessionSearch(SearchReason.API_PROBLEM, tuple(found), problem or
                                 backend.content_problem("/sessions", "not a list of sessions"))
        active = tuple(s for s in map(_session, sessions)
                       if s is not None and s.status == "active" and s.user_id == user.id)
        found.append(UserSessions(user, active))
        if first_only and active:
            break
    if not found:
        return SessionSearch(SearchReason.NO_USERS)
    reason = SearchReason.FOUND if any(f.sessions for f in found) \
        else SearchReason.NO_ACTIVE_SESSION
    return SessionSearch(reason, tuple(found))


def mint_tokens(backend: ClerkBackend, agreement: MintAgreement, session_id: str) -> MintResult:
    """Both tokens of an existing session."""
    if not all(agreement.allows(backend, call, session_id) for call in _MINT):
        return MintResult(MintReason.NOT_AGREED, session_id)
    return _mint(backend, session_id)


def _mint(backend: ClerkBackend, session_id: str) -> MintResult:
    tokens = f"/sessions/{quote(session_id, safe='')}/tokens"
    document, problem = backend.request("POST", tokens)
    session_token = None if problem is not None else _jwt(document)
    if session_token is None:
        problem = problem or backend.content_problem(tokens, "not a token object")
        not_found = _token_error(problem).reason is NoToken.SESSION_NOT_FOUND
        return MintResult(MintReason.SESSION_NOT_FOUND if not_found else MintReason.API_PROBLEM,
                          session_id, problem=problem)
    template_path = f"{tokens}/{TEMPLATE_NAME}"
    document, template_problem = backend.request("POST", template_path)
    template_token = None if template_problem is not None else _jwt(document)
    if template_token is None:
        template_problem = template_problem or backend.content_problem(template_path,
                                                                "not a token object")
        template = TokenOutcome(error=_token_error(template_problem))
    else:
        template = TokenOutcome(token=template_token)
    return MintResult(MintReason.MINTED, session_id,
                      TokenPair(TokenOutcome(token=session_token), template),
                      template_problem=template_problem)


def mint_with_new_session(backend: ClerkBackend, agreement: MintAgreement,
                          creation: SessionCreationAgreement) -> MintResult:
    """No active session: create one for the agreed user (development instances only), mint
    both tokens, and revoke it whatever happened in between."""
    agreed = isinstance(creation, SessionCreationAgreement) \
        and creation.api_url == backend.base_url and agreement.session_id is None \
        and all(agreement.allows(backend, call) for call in _MINT)
    if not agreed:
        return MintResult(MintReason.NOT_AGREED)
    instance = backend.instance_type
    if instance != "development":
        return MintResult(MintReason.PRODUCTION_INSTANCE if instance == "production"
                          else MintReason.UNKNOWN_INSTANCE)
    document, problem = backend.request("POST", "/sessions", {"user_id": creation.user_id})
    if problem is not None:
        refused = problem.status == 400 and problem.code == ENVIRONMENT_REFUSED_CODE
        return MintResult(MintReason.ENVIRONMENT_REFUSED if refused else MintReason.API_PROBLEM,
                          problem=problem)
    created = _session(document)
    if created is None:
        return MintResult(MintReason.API_PROBLEM,
                          problem=backend.content_problem("/sessions", "not a session object"))
    try:
        result = _mint(backend, created.id)
    finally:
        _document, revoke_problem = backend.request(
            "POST", f"/sessions/{quote(created.id, safe='')}/revoke")
    return replace(result, created_session_id=created.id, revoked=revoke_problem is None,
                   revoke_problem=revoke_problem)
