"""The JSON the console snippet sends (or copies to the clipboard), read into a token pair.

Shape (version 1)::

    {"v": 1, "origin": "<location.origin>",
     "session":  {"token": "<jwt>"} | {"error": ERROR},
     "template": {"token": "<jwt>"} | {"error": ERROR}}
    ERROR = {"kind": "no_clerk" | "signed_out" | "timeout"}
          | {"kind": "clerk", "message": str | null, "status": int | null, "code": str | null}

Anything else (other keys, a duplicate key, a token with spaces or control characters, text
past its cap) is refused whole: the receiver is single use, so it takes only what its own
snippet sends. The same reader takes the text the ``copy(...)`` fallback put on the clipboard.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from wizard.providers.clerk.token_pair import (
    NoToken,
    TokenError,
    TokenOutcome,
    TokenPair,
    clerk_error,
)
from wizard.records import record

PAYLOAD_VERSION = 1
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_TOKEN_CHARS = 16 * 1024
MAX_TEXT_CHARS = 1000
MAX_CODE_CHARS = 100
_KINDS = {"no_clerk": NoToken.NO_CLERK, "signed_out": NoToken.SIGNED_OUT,
          "timeout": NoToken.TIMED_OUT}
_TOP_KEYS = frozenset({"v", "origin", "session", "template"})


class PayloadProblem(str, Enum):
    TOO_LARGE = "too_large"
    MALFORMED_JSON = "malformed_json"
    MALFORMED_BODY = "malformed_body"


@record(frozen=True)
class BrowserTokens:
    pair: TokenPair
    page_origin: str | None
    """``location.origin`` as the page reported it (for the receiver, the ``Origin`` header is
    what counts; for a pasted copy this is the only origin there is)."""


class _Malformed(Exception):
    """The document is JSON but not the snippet's."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise _Malformed
    return document


def _text(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise _Malformed
    return value


def _token(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TOKEN_CHARS \
            or not value.isascii() or not value.isprintable() or " " in value:
        raise _Malformed
    return value


def _error(value: Any) -> TokenError:
    if not isinstance(value, dict):
        raise _Malformed
    kind = value.get("kind")
    if isinstance(kind, str) and kind in _KINDS and set(value) == {"kind"}:
        return TokenError(_KINDS[kind])
    if kind != "clerk" or not set(value) <= {"kind", "message", "status", "code"}:
        raise _Malformed
    status = value.get("status")
    if status is not None and (not isinstance(status, int) or isinstance(status, bool)
                               or not 0 <= status <= 999):
        raise _Malformed
    return clerk_error(_text(value.get("message"), MAX_TEXT_CHARS), status,
                       _text(value.get("code"), MAX_CODE_CHARS))


def _outcome(value: Any) -> TokenOutcome:
    if not isinstance(value, dict) or len(value) != 1:
        raise _Malformed
    if "token" in value:
        return TokenOutcome(token=_token(value["token"]))
    if "error" in value:
        return TokenOutcome(error=_error(value["error"]))
    raise _Malformed


def read_payload(data: bytes | str) -> BrowserTokens | PayloadProblem:
    """The snippet's document, or why it is not one. Never raises."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_PAYLOAD_BYTES:
        return PayloadProblem.TOO_LARGE
    try:
        document = json.loads(raw.decode("utf-8").strip(), object_pairs_hook=_no_duplicates)
    except _Malformed:
        return PayloadProblem.MALFORMED_BODY
    except (ValueError, RecursionError):
        return PayloadProblem.MALFORMED_JSON
    try:
        if not isinstance(document, dict) or set(document) != _TOP_KEYS \
                or document["v"] != PAYLOAD_VERSION or isinstance(document["v"], bool):
            raise _Malformed
        pair = TokenPair(_outcome(document["session"]), _outcome(document["template"]))
        return BrowserTokens(pair, _text(document["origin"], MAX_TEXT_CHARS))
    except _Malformed:
        return PayloadProblem.MALFORMED_BODY
