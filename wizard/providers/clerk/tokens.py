"""What a pasted text is, in Clerk's terms: a template token, an integration session token, a
session token without the application ID, or something else (a key pasted by mistake)."""

from __future__ import annotations

import json

from wizard.guards.redaction import looks_secret, redact
from wizard.rules.convex import audiences
from wizard.rules.jwt import Classification, DecodedToken, TokenKind
from wizard.text.messages import N_, Message


def describe_non_token(text: str) -> Message | None:
    """Name what was pasted when it is a key rather than a token (secrets redacted)."""
    value = text.strip()
    if value.startswith(("pk_test_", "pk_live_")):
        return Message(N_("a Clerk publishable key"))
    if looks_secret(value):
        if value.startswith("whsec_"):
            return Message(N_("a Clerk webhook signing secret ({redacted}); treat it as leaked "
                              "if pasted anywhere else"), redacted=redact(value))
        return Message(N_("a Clerk secret key ({redacted}); treat it as leaked if pasted "
                          "anywhere else"), redacted=redact(value))
    if value.startswith("ak_"):
        return Message(N_("a Clerk API key"))
    if value.startswith("-----BEGIN"):
        return Message(N_("a PEM key"))
    if value.startswith("{") and '"kty"' in value:
        return Message(N_("a JSON Web Key"))
    return None


def classify_token(token: DecodedToken, application_id: str) -> Classification:
    non_token = describe_non_token(token.raw)
    if non_token is not None:
        return Classification(TokenKind.OTHER, non_token, "key")
    if not token.readable:
        return Classification(TokenKind.OTHER, Message(N_("not a JWT")), "unreadable")
    header = token.header or {}
    claims = token.claims or {}
    typ = str(header.get("typ", "")).lower()
    sub = claims.get("sub")
    has_sid = "sid" in claims
    has_app_aud = application_id in audiences(claims.get("aud"))
    if typ in ("at+jwt", "application/at+jwt"):
        return Classification(TokenKind.OTHER, Message(N_("an OAuth access token (typ at+jwt)")),
                              "other")
    if isinstance(sub, str) and sub.startswith("mch_"):
        return Classification(TokenKind.OTHER, Message(N_("a Clerk machine-to-machine token")),
                              "other")
    if has_sid and has_app_aud:
        return Classification(TokenKind.INTEGRATION, Message(N_(
            "a session token with the Convex integration's aud")))
    if has_sid:
        return Classification(TokenKind.SESSION, Message(N_(
            "Clerk's default session token ({version}) without aud \"{app}\""),
            version="v2" if claims.get("v") == 2 else "v1", app=application_id), "session")
    if has_app_aud:
        return Classification(TokenKind.TEMPLATE, Message(N_(
            "a JWT-template token with aud \"{app}\""), app=application_id))
    aud = claims.get("aud")
    if aud is None:
        return Classification(TokenKind.OTHER, Message(N_(
            "a token of another JWT template (no aud, no sid)")), "other")
    return Classification(TokenKind.OTHER, Message(N_(
        "a token of another JWT template (aud {aud})"), aud=json.dumps(aud)), "other")
