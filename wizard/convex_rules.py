"""How the Convex backend judges an issuer and a Clerk token (research/convex_spec.md §1.3, §2).

Every rule the verdict relies on lives here, named, so each has one definition and a test.
Where a general JWT library is more lenient or stricter, these functions follow Convex.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlsplit

ALLOWED_ALGS: tuple[str, ...] = ("RS256", "EdDSA")
"""The only algorithms the OIDC verifier accepts (``set_allowed_algs``)."""

KTY_FOR_ALG: dict[str, str] = {"RS256": "RSA", "EdDSA": "OKP"}
NUMERIC_DATE_CLAIMS: tuple[str, ...] = ("exp", "iat", "nbf")
STRING_CLAIMS: tuple[str, ...] = (
    "iss", "sub", "nonce", "acr", "azp", "at_hash", "c_hash", "name", "given_name",
    "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
    "website", "email", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
)
BOOLEAN_CLAIMS: tuple[str, ...] = ("email_verified", "phone_number_verified")
TIMESTAMP_CLAIMS: tuple[str, ...] = ("auth_time", "updated_at")
"""Optional claims the OIDC parser reads as timestamps: a number (``updated_at`` may also be
an RFC 3339 string, the ``accept-rfc3339-timestamps`` feature Convex enables)."""
STRING_LIST_CLAIMS: tuple[str, ...] = ("amr",)
OBJECT_CLAIMS: tuple[str, ...] = ("address",)
MAX_TIMESTAMP = 253_402_300_799
"""9999-12-31T23:59:59Z. Larger values cannot become a date (inferred: the verifier converts
timestamps to a calendar date, which has a bounded range)."""
_RFC3339_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
REQUIRED_CLAIMS: tuple[str, ...] = ("sub", "iat", "exp")
MAX_TOKEN_BYTES = 16 * 1024
EXPIRY_WARNING_SECONDS = 10
CLOCK_SKEW_WARNING_SECONDS = 5
MIN_REFRESHABLE_LIFETIME = 2
"""The Convex client needs ``exp - iat > 2`` to schedule a refresh (authentication_manager.ts)."""

_SCHEME_RE = re.compile(r"^\w+://")
_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")


def token_issuer_with_scheme(iss: str) -> str:
    """Routing adds ``https://`` to a token ``iss`` that has neither ``https://`` nor ``http://``."""
    if iss.startswith(("https://", "http://")):
        return iss
    return "https://" + iss


def issuer_matches_domain(domain: str, iss: str) -> bool:
    """``AuthInfo::matches_token``: exact, case-sensitive, all trailing ``/`` removed on both
    sides; no host lowercasing, no default port stripping, no whitespace trimming."""
    return domain.rstrip("/") == token_issuer_with_scheme(iss).rstrip("/")


def audiences(aud: Any) -> list[Any]:
    if aud is None:
        return []
    if isinstance(aud, list):
        return aud
    return [aud]


def audience_routes(aud: Any, application_id: str) -> bool:
    """Provider routing: the application ID must be one of the audiences (exact match)."""
    return application_id in audiences(aud)


def audience_verifies(aud: Any, application_id: str) -> bool:
    """The OIDC verifier also rejects every audience that is not the application ID."""
    values = audiences(aud)
    return bool(values) and all(value == application_id for value in values)


def discovery_url(iss: str) -> str:
    """``IssuerUrl::join``: the raw issuer, with ``/`` added only when it lacks one."""
    return iss + (".well-known/openid-configuration" if iss.endswith("/")
                  else "/.well-known/openid-configuration")


def typ_accepted(typ: Any) -> bool:
    """``typ`` absent, or normalising (lowercase, ``application/`` added) to jwt or jose."""
    if typ is None:
        return True
    if not isinstance(typ, str):
        return False
    value = typ.lower()
    if "/" not in value:
        value = "application/" + value
    return value in ("application/jwt", "application/jose")


def is_expired(now: float, exp: float) -> bool:
    """The verifier's clock is truncated to whole seconds and allows no leeway."""
    return math.floor(now) >= exp


def is_numeric_date(value: Any) -> bool:
    """A non-negative, finite JSON number (an integer too large for a double is not one)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        as_float = float(value)
    except OverflowError:
        return False
    return math.isfinite(as_float) and 0 <= as_float <= MAX_TIMESTAMP


def is_timestamp_claim(name: str, value: Any) -> bool:
    """``auth_time``/``updated_at``: a numeric date, or for ``updated_at`` an RFC 3339 string."""
    if is_numeric_date(value):
        return True
    return name == "updated_at" and isinstance(value, str) and bool(_RFC3339_RE.match(value))


def is_b64url_nopad(part: str) -> bool:
    return bool(_B64URL_RE.match(part)) and len(part) % 4 != 1


def key_fits(jwk: dict[str, Any], alg: str, kid: str | None) -> bool:
    """``JsonWebKeySet::filter_keys``: kid (when the token has one), kty, use and alg."""
    if kid is not None and jwk.get("kid") != kid:
        return False
    if jwk.get("kty") != KTY_FOR_ALG.get(alg):
        return False
    if alg == "EdDSA" and jwk.get("crv") != "Ed25519":
        return False
    use = jwk.get("use")
    if use is not None and use != "sig":
        return False
    key_alg = jwk.get("alg")
    return key_alg is None or key_alg == alg


def domain_problem(domain: str) -> str | None:
    """Why Convex would refuse ``domain`` in auth.config (``deserialize_issuer_url``), or None."""
    if domain.startswith('"'):
        return "starts with a double quote"
    if not _SCHEME_RE.match(domain):
        try:
            host = urlsplit("https://" + domain).hostname or ""
        except ValueError:
            return "does not parse as a URL"
        if host != "localhost" and not re.search(r"\.[A-Za-z]{2,}$", host):
            return "must have a scheme or end with a top-level domain"
        domain = "https://" + domain
    try:
        parts = urlsplit(domain)
        hostname = parts.hostname
    except ValueError:
        return "does not parse as a URL"
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http or https"
    if not hostname:
        return "has no host"
    return None


def stored_domain(domain: str) -> str:
    """What Convex stores: the original text, with ``https://`` added when it has no scheme."""
    return domain if _SCHEME_RE.match(domain) else "https://" + domain
