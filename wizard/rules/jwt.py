"""Pasted text → JWT parts, and what kind of Clerk token (or not-a-token) it is."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from wizard.guards.redaction import looks_secret, redact
from wizard.rules.convex import (
    MAX_INPUT_BYTES,
    JsonRejected,
    audiences,
    decode_b64url,
    parse_json,
)

_QUOTES = ("'", '"', "`")


def normalize_pasted(text: str) -> str:
    """Strip surrounding whitespace, one pair of surrounding quotes, and a leading ``Bearer ``."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in _QUOTES:
        value = value[1:-1].strip()
    if value[:7].lower() == "bearer " or value.lower() == "bearer":  # "Bearer " alone: empty
        value = value[7:].strip()
    return value


@dataclass
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


@dataclass(frozen=True)
class Classification:
    kind: TokenKind
    description: str
    reason: str = ""  # catalog fix reason when the kind fails

    @property
    def path(self) -> AuthPath | None:
        """The path a token of this kind comes from, when it is a token Convex accepts."""
        return {TokenKind.TEMPLATE: AuthPath.TEMPLATE,
                TokenKind.INTEGRATION: AuthPath.INTEGRATION}.get(self.kind)


def describe_non_token(text: str) -> str | None:
    """Name what was pasted when it is a key rather than a token (secrets redacted)."""
    value = text.strip()
    if value.startswith(("pk_test_", "pk_live_")):
        return "a Clerk publishable key"
    if looks_secret(value):
        kind = "webhook signing secret" if value.startswith("whsec_") else "secret key"
        return f"a Clerk {kind} ({redact(value)}); treat it as leaked if pasted anywhere else"
    if value.startswith("ak_"):
        return "a Clerk API key"
    if value.startswith("-----BEGIN"):
        return "a PEM key"
    if value.startswith("{") and '"kty"' in value:
        return "a JSON Web Key"
    return None


def classify_token(token: DecodedToken, application_id: str) -> Classification:
    non_token = describe_non_token(token.raw)
    if non_token is not None:
        return Classification(TokenKind.OTHER, non_token, "key")
    if not token.readable:
        return Classification(TokenKind.OTHER, "not a JWT", "other")
    header = token.header or {}
    claims = token.claims or {}
    typ = str(header.get("typ", "")).lower()
    sub = claims.get("sub")
    has_sid = "sid" in claims
    has_app_aud = application_id in audiences(claims.get("aud"))
    if typ in ("at+jwt", "application/at+jwt"):
        return Classification(TokenKind.OTHER, "an OAuth access token (typ at+jwt)", "other")
    if isinstance(sub, str) and sub.startswith("mch_"):
        return Classification(TokenKind.OTHER, "a Clerk machine-to-machine token", "other")
    if has_sid and has_app_aud:
        return Classification(TokenKind.INTEGRATION,
                              "a session token with the Convex integration's aud")
    if has_sid:
        version = "v2" if claims.get("v") == 2 else "v1"
        return Classification(TokenKind.SESSION, f"Clerk's default session token ({version}) "
                              f"without aud \"{application_id}\"", "session")
    if has_app_aud:
        return Classification(TokenKind.TEMPLATE,
                              f"a JWT-template token with aud \"{application_id}\"")
    aud = claims.get("aud")
    if aud is None:
        return Classification(TokenKind.OTHER, "a token of another JWT template (no aud, no "
                              "sid)", "other")
    return Classification(TokenKind.OTHER, f"a token of another JWT template (aud "
                          f"{json.dumps(aud)})", "other")
