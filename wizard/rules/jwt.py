"""Pasted text → JWT parts, read once; and the closed sets of what a paste can be."""

from __future__ import annotations

from dataclasses import field
from enum import Enum
from typing import Any

from wizard.records import record
from wizard.rules.convex import (
    MAX_INPUT_BYTES,
    JsonRejected,
    decode_b64url,
    parse_json,
)
from wizard.text.messages import Message

_QUOTES = ("'", '"', "`")


def normalize_pasted(text: str) -> str:
    """Strip surrounding whitespace, one pair of surrounding quotes, and a leading ``Bearer ``."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in _QUOTES:
        value = value[1:-1].strip()
    if value[:7].lower() == "bearer " or value.lower() == "bearer":  # "Bearer " alone: empty
        value = value[7:].strip()
    return value


@record
class DecodedToken:
    """The parts of a JWT. ``signature`` and ``raw`` stay in memory; never serialise them.

    ``header`` and ``claims`` are read as the OIDC parser reads them (lenient base64url), so
    they can be shown; ``strict`` says which parts biscuit's strict base64url refuses."""

    raw: str
    header: dict[str, Any] | None = None
    claims: dict[str, Any] | None = None
    signing_input: bytes = b""
    signature: bytes = field(default=b"", repr=False)
    problems: list[str] = field(default_factory=list)
    parts: int = 0
    strict_refused: tuple[str, ...] = ()
    """Parts ("header", "payload", "signature") that biscuit's base64url refuses."""

    @property
    def readable(self) -> bool:
        """Header and claims could be read (the token may still be malformed)."""
        return self.header is not None and self.claims is not None


def _json_part(name: str, part: str, token: DecodedToken) -> dict[str, Any] | None:
    if "=" in part:
        token.problems.append(f"the {name} is padded base64 ('='); JWTs are unpadded")
        return None
    data = decode_b64url(part, strict=False)
    if data is None:
        token.problems.append(f"the {name} is not base64url")
        return None
    try:
        value = parse_json(data)
    except JsonRejected as exc:
        token.problems.append(f"the {name} is not JSON as Convex reads it ({exc})")
        return None
    if not isinstance(value, dict):
        token.problems.append(f"the {name} is not a JSON object")
        return None
    return value


def decode_token(raw: str) -> DecodedToken:
    """Split and decode without judging anything but the shape; never raises."""
    token = DecodedToken(raw=raw)
    if len(raw.encode("utf-8", "replace")) > MAX_INPUT_BYTES:
        token.problems.append(f"larger than {MAX_INPUT_BYTES // 1024} KiB, more than the wizard "
                              "reads (Convex itself sets no limit)")
        return token
    parts = raw.split(".")
    token.parts = len(parts)
    if len(parts) != 3:
        token.problems.append(f"{len(parts)} dot-separated part(s), a JWT has 3")
        if len(parts) < 2:
            return token
    token.header = _json_part("header", parts[0], token)
    token.claims = _json_part("payload", parts[1], token)
    token.strict_refused = tuple(
        name for name, part in zip(("header", "payload", "signature"), parts, strict=False)
        if decode_b64url(part, strict=True) is None)
    if len(parts) == 3:
        signature = decode_b64url(parts[2], strict=False)
        if "=" in parts[2]:
            token.problems.append("the signature is padded base64 ('='); JWTs are unpadded")
        elif signature is None:
            token.problems.append("the signature is not base64url")
        else:
            token.signature = signature
        token.signing_input = (parts[0] + "." + parts[1]).encode("ascii", "replace")
    return token


def read_paste(text: str) -> DecodedToken:
    """What was pasted (or passed with ``--token``), as a token: normalised once, decoded
    once. Everything after this takes the :class:`DecodedToken`; ``raw`` is "" when nothing
    but whitespace, quotes or ``Bearer`` was pasted."""
    return decode_token(normalize_pasted(text))


class AuthPath(str, Enum):
    """How the identity provider makes the token Convex receives."""

    INTEGRATION = "integration"
    """The provider's session token carries the application ID as aud (Clerk's Convex
    integration)."""
    TEMPLATE = "template"
    """A token made for Convex by a JWT template."""


class TokenKind(str, Enum):
    """What a pasted text is, as far as Convex is concerned."""

    TEMPLATE = "template"
    INTEGRATION = "integration"
    SESSION = "session"
    """A session token without the application ID as aud: Convex rejects it."""
    OTHER = "other"
    """Another template's token, a key, or no JWT at all."""


@record(frozen=True)
class Classification:
    """What a paste is, as the identity provider tells (``wizard.providers``)."""

    kind: TokenKind
    description: Message
    reason: str = ""  # catalog fix reason when the kind fails

    @property
    def path(self) -> AuthPath | None:
        """The path a token of this kind comes from, when it is a token Convex accepts."""
        return {TokenKind.TEMPLATE: AuthPath.TEMPLATE,
                TokenKind.INTEGRATION: AuthPath.INTEGRATION}.get(self.kind)
