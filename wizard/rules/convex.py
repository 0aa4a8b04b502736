"""How the Convex backend judges an auth config and a token, rule by rule.

Every rule the verdict relies on lives here, named, with the source line it follows: the
``@follows`` mark (functions) or a ``SOURCES`` entry (constants) names ``repo@rev path:line``
at the revisions Convex pins (research/convex_spec.md §0). Where a general JWT library is more
lenient or stricter, these functions follow Convex and the libraries it builds on.

Three parsers read a token on its way through Convex, and they disagree with each other:
routing reads the payload with biscuit (strict base64url, registered claim types), the OIDC
path re-reads all three parts with openidconnect-rs (lenient base64url, typed OIDC claims),
and a customJwt provider decodes it with biscuit again (strict everywhere).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from wizard.records import record

BACKEND = "get-convex/convex-backend@94a42c3db8d7"
OIDC_LIB = "get-convex/openidconnect-rs@15a9c551eafc"
BISCUIT = "get-convex/biscuit@05bdaab2f43d"
SERDE_JSON = "serde-rs/json@v1.0.145"
DATA_ENCODING = "ia0/data-encoding@v2.3.3"
CHRONO = "chronotope/chrono@v0.4.41"
MIME = "hyperium/mime@v0.3.17"
TLD_CRATE = "pagescrape/tld.rs@v2.36.0"
CACHE_SEMANTICS = "kornelski/rusty-http-cache-semantics@v2.1.0"

SOURCES: dict[str, str] = {}
"""Every rule's name → the source line it follows (the closing table is made from this)."""

_F = TypeVar("_F", bound=Callable[..., Any])


def follows(source: str) -> Callable[[_F], _F]:
    """Record the source line a rule follows (``repo@rev path:line``)."""

    def mark(function: _F) -> _F:
        SOURCES[function.__name__] = source
        return function

    return mark


def _cite(name: str, source: str) -> None:
    SOURCES[name] = source


# --- limits and sets ---------------------------------------------------------------------------

OIDC_ALGS: tuple[str, ...] = ("RS256", "EdDSA")
_cite("OIDC_ALGS", f"{BACKEND} crates/authentication/src/lib.rs:252-257")
CUSTOM_JWT_ALGS: tuple[str, ...] = ("RS256", "ES256")
_cite("CUSTOM_JWT_ALGS", f"{BACKEND} crates/common/src/auth.rs:85-89")
ALLOWED_ALGS = OIDC_ALGS  # the algorithms a Clerk (OIDC) provider accepts
KTY_FOR_ALG: dict[str, str] = {"RS256": "RSA", "EdDSA": "OKP", "ES256": "EC"}
_cite("KTY_FOR_ALG", f"{OIDC_LIB} src/core/mod.rs:670-690")
CUSTOM_JWT_LEEWAY = 5
_cite("CUSTOM_JWT_LEEWAY", f"{BACKEND} crates/authentication/src/lib.rs:361-367")
RSA_BITS = (2048, 8192)
_cite("RSA_BITS", f"{OIDC_LIB} src/core/jwk/mod.rs:191 (RSA_PKCS1_2048_8192_SHA256); "
      f"{BISCUIT} src/jwa.rs:291")
JSON_MAX_NESTING = 127
_cite("JSON_MAX_NESTING", f"{SERDE_JSON} src/de.rs:63 (remaining_depth: 128)")
# chrono's DateTime range: -262143-01-01T00:00:00Z .. +262142-12-31T23:59:59Z.
CHRONO_MIN_SECONDS = -8_334_601_315_200
CHRONO_MAX_SECONDS = 8_210_266_876_799
_cite("CHRONO_MIN_SECONDS", f"{CHRONO} src/naive/date/mod.rs:2346-2351, src/datetime/mod.rs:747")
_cite("CHRONO_MAX_SECONDS", f"{CHRONO} src/naive/date/mod.rs:2346-2351, src/datetime/mod.rs:747")
MAX_INPUT_BYTES = 1024 * 1024
"""Not Convex's: the backend has no token size limit. The wizard's own cap on pasted text,
so a hostile paste cannot make it slow."""
EXPIRY_WARNING_SECONDS = 10
CLOCK_SKEW_WARNING_SECONDS = 5
MIN_REFRESHABLE_LIFETIME = 2
"""The Convex client needs ``exp - iat > 2`` to schedule a refresh (authentication_manager.ts)."""

OIDC_OWN_CLAIMS: tuple[str, ...] = (
    "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "c_hash")
_cite("OIDC_OWN_CLAIMS", f"{OIDC_LIB} src/id_token/mod.rs:202-245")
LOCALIZED_CLAIMS: tuple[str, ...] = (
    "name", "given_name", "family_name", "middle_name", "nickname", "profile", "picture",
    "website")
_cite("LOCALIZED_CLAIMS", f"{OIDC_LIB} src/claims.rs:254-304")
PLAIN_STANDARD_CLAIMS: tuple[str, ...] = (
    "sub", "preferred_username", "email", "email_verified", "gender", "birthday", "birthdate",
    "zoneinfo", "locale", "phone_number", "phone_number_verified", "address", "updated_at")
_cite("PLAIN_STANDARD_CLAIMS", f"{OIDC_LIB} src/claims.rs:254-304, src/helpers.rs:89-95")
BOOLEAN_CLAIMS: tuple[str, ...] = ("email_verified", "phone_number_verified")
_cite("BOOLEAN_CLAIMS", f"{OIDC_LIB} src/claims.rs:284-295, src/helpers.rs:389-395 "
      "(accept-string-booleans is off)")
REGISTERED_CLAIMS: tuple[str, ...] = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
_cite("REGISTERED_CLAIMS", f"{BISCUIT} src/lib.rs:736-764")
ADDRESS_FIELDS: tuple[str, ...] = (
    "formatted", "street_address", "locality", "region", "postal_code", "country")
_cite("ADDRESS_FIELDS", f"{OIDC_LIB} src/claims.rs:33-56")
JWS_ALGS: tuple[str, ...] = (
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256",
    "PS384", "PS512", "EdDSA", "none")
_cite("JWS_ALGS", f"{OIDC_LIB} src/core/mod.rs:615-667")
JWE_ENC_ALGS: tuple[str, ...] = (
    "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM")
_cite("JWE_ENC_ALGS", f"{OIDC_LIB} src/core/mod.rs:516-535, src/jwt/mod.rs:146-175")
BISCUIT_SIGNATURE_ALGS: tuple[str, ...] = (
    "none", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
    "PS256", "PS384", "PS512")
_cite("BISCUIT_SIGNATURE_ALGS", f"{BISCUIT} src/jwa.rs:54-70 (no EdDSA)")
BISCUIT_KEY_ALGS: tuple[str, ...] = BISCUIT_SIGNATURE_ALGS + JWE_ENC_ALGS + (
    "RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "A128KW", "A192KW", "A256KW", "dir", "ECDH-ES",
    "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW", "A128GCMKW", "A192GCMKW",
    "A256GCMKW", "PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW")
_cite("BISCUIT_KEY_ALGS", f"{BISCUIT} src/jwa.rs:40-128")
BISCUIT_CURVES: tuple[str, ...] = ("P-256", "P-384", "P-521", "Ed25519", "Ed448")
_cite("BISCUIT_CURVES", f"{BISCUIT} src/jwk.rs:428-441")
OIDC_CURVES: tuple[str, ...] = ("P-256", "P-384", "P-521", "Ed25519")
_cite("OIDC_CURVES", f"{OIDC_LIB} src/core/jwk/mod.rs:566-579")
OIDC_KEY_TYPES: tuple[str, ...] = ("EC", "RSA", "OKP", "oct")
_cite("OIDC_KEY_TYPES", f"{OIDC_LIB} src/core/jwk/mod.rs:545-560")
JWKS_MEDIA_TYPES: tuple[str, ...] = ("application/json", "application/jwk-set+json")
_cite("JWKS_MEDIA_TYPES", f"{BACKEND} crates/authentication/src/lib.rs:390-395; "
      f"{OIDC_LIB} src/types/jwks.rs:152-162")


# --- JSON as serde_json reads it -----------------------------------------------------------------

class JsonRejected(ValueError):
    """serde_json would refuse these bytes."""


class JsonObject(dict[str, Any]):
    """A JSON object that remembers which member names appeared more than once."""

    duplicates: frozenset[str] = frozenset()


def _object(pairs: list[tuple[str, Any]]) -> JsonObject:
    result = JsonObject()
    seen: set[str] = set()
    repeated: set[str] = set()
    for key, value in pairs:
        if key in seen:
            repeated.add(key)
        seen.add(key)
        result[key] = value
    result.duplicates = frozenset(repeated)
    return result


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonRejected("number out of range")
    return value


def _no_constant(text: str) -> Any:
    raise JsonRejected(f"{text} is not JSON")


def _nesting(value: Any) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        nested: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                nested.extend(item.values())
            elif isinstance(item, list):
                nested.extend(item)
        level = [item for item in nested if isinstance(item, (dict, list))]
    return depth


@follows(f"{SERDE_JSON} src/de.rs:63 (depth), src/read.rs:869 (UTF-8), src/de.rs:378 (range)")
def parse_json(data: bytes) -> Any:
    """Parse bytes as serde_json does: UTF-8 only (no BOM, no UTF-16/32, which RFC 7519 §7.2
    also demands), no NaN or Infinity, no number out of f64 range, at most 127 nested
    containers. Objects keep track of repeated member names."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonRejected("not UTF-8") from exc
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_float=_finite,
                           parse_constant=_no_constant)
    except RecursionError as exc:
        raise JsonRejected("nested too deeply") from exc
    except JsonRejected:
        raise
    except ValueError as exc:
        raise JsonRejected(str(exc)) from exc
    if isinstance(value, (dict, list)) and _nesting(value) > JSON_MAX_NESTING:
        raise JsonRejected("nested too deeply")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


@follows(f"{SERDE_JSON} src/read.rs:900-960 (LoneLeadingSurrogateInHexEscape)")
def has_lone_surrogate(value: Any) -> bool:
    """A string read into a typed value may not hold a lone surrogate escape (``\\ud800``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# --- base64url ----------------------------------------------------------------------------------

_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_B64_VALUE = {c: i for i, c in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}


@follows(f"{BISCUIT} src/lib.rs:383 (BASE64URL_NOPAD); {DATA_ENCODING} lib/src/lib.rs:2367 "
         f"(check_trailing_bits); {OIDC_LIB} src/core/mod.rs:1018-1020 (trailing bits allowed)")
def decode_b64url(part: str, *, strict: bool) -> bytes | None:
    """Unpadded base64url, or None. ``strict`` (biscuit's data-encoding) also refuses a last
    character whose unused bits are not zero; openidconnect-rs allows them."""
    if not _B64URL_RE.match(part) or len(part) % 4 == 1:
        return None
    if strict and len(part) % 4:
        unused = 0x0F if len(part) % 4 == 2 else 0x03
        if _B64_VALUE[part[-1]] & unused:
            return None
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return None


# --- timestamps ---------------------------------------------------------------------------------

class Crash(Exception):
    """The backend would panic (release builds abort: no answer at all)."""


@follows(f"{BISCUIT} src/serde_custom/numeric_type.rs:52-88, src/lib.rs:719-732; "
         f"{BACKEND} Cargo.toml:270-273 (panic = abort)")
def biscuit_seconds(value: Any) -> int:
    """A registered timestamp as biscuit reads it: a non-negative number below 2^64 (floats
    rounded); ValueError otherwise. Raises :class:`Crash` for a number chrono cannot hold:
    biscuit unwraps the conversion, so the backend panics."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("not a number")
    if isinstance(value, float):
        if not (math.isfinite(value) and 0.0 <= value < 2.0 ** 64):
            raise ValueError("not representable as a u64")
        whole = math.floor(value)
        whole += 1 if value - whole >= 0.5 else 0  # f64::round: half away from zero
    elif value < 0:
        raise ValueError("negative")
    elif value >= 2 ** 64:
        if float(value) >= 2.0 ** 64:
            raise ValueError("not representable as a u64")
        whole = int(float(value))
    else:
        whole = value
    whole = min(whole, 2 ** 64 - 1)
    seconds = whole - 2 ** 64 if whole >= 2 ** 63 else whole  # `as i64` wraps
    if not CHRONO_MIN_SECONDS <= seconds <= CHRONO_MAX_SECONDS:
        raise Crash(f"{value!r} is beyond chrono's date range")
    return seconds


_RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@follows(f"{OIDC_LIB} src/helpers.rs:408-445 (Seconds or Rfc3339, chrono range)")
def oidc_seconds(value: Any) -> float:
    """A timestamp as openidconnect-rs reads it (``exp``, ``iat``, ``auth_time``,
    ``updated_at``): any number, negative too, or an RFC 3339 string (the
    ``accept-rfc3339-timestamps`` feature), within chrono's range. ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("not a timestamp")
    if isinstance(value, (int, float)):
        seconds = math.floor(value)
        if not CHRONO_MIN_SECONDS <= seconds <= CHRONO_MAX_SECONDS:
            raise ValueError("beyond chrono's date range")
        return float(value) if isinstance(value, float) else float(seconds)
    if isinstance(value, str):
        match = _RFC3339_RE.match(value)
        if match is None:
            raise ValueError("not an RFC 3339 date")
        text = value[:10] + "T" + value[11:].upper().replace("Z", "+00:00")
        if match.group(6) == "60":  # chrono accepts a leap second
            text = text[:17] + "59" + text[19:]
        try:
            return datetime.fromisoformat(text).timestamp()
        except ValueError as exc:
            raise ValueError("not an RFC 3339 date") from exc
    raise ValueError("not a timestamp")


@follows(f"{OIDC_LIB} src/verification/mod.rs:826-833; "
         f"{BACKEND} crates/authentication/src/lib.rs:153-157")
def is_expired(now: float, exp: float) -> bool:
    """The OIDC verifier's clock is truncated to whole seconds and allows no leeway."""
    return math.floor(now) >= exp


# --- routing: the unverified payload (biscuit ClaimsSet<Empty>) ---------------------------------

@follows(f"{BACKEND} crates/authentication/src/lib.rs:161-173; {BISCUIT} src/lib.rs:736-764, "
         "1025-1032 (flattened: every member is buffered)")
def routing_claims_problem(claims: Any) -> str | None:
    """Why routing cannot read the payload (401 InvalidAuthHeader "Could not parse JWT
    payload"), or None. Raises :class:`Crash` for a timestamp the backend panics on."""
    if not isinstance(claims, dict):
        return "the payload is not a JSON object"
    repeated = [n for n in REGISTERED_CLAIMS if n in getattr(claims, "duplicates", ())]
    if repeated:
        return f"the payload repeats {repeated[0]!r}"
    if has_lone_surrogate(claims):
        return "the payload holds a lone UTF-16 surrogate escape"
    for name in ("iss", "sub", "jti"):
        if claims.get(name) is not None and not isinstance(claims[name], str):
            return f"{name} must be a string"
    aud = claims.get("aud")
    if aud is not None and not (isinstance(aud, str) or (
            isinstance(aud, list) and all(isinstance(a, str) for a in aud))):
        return "aud must be a string or a list of strings"
    for name in ("exp", "nbf", "iat"):
        if claims.get(name) is not None:
            try:
                biscuit_seconds(claims[name])
            except ValueError:
                return f"{name} must be a non-negative number"
    return None


def audiences(aud: Any) -> list[Any]:
    """``aud`` as the list routing matches against ([] when absent)."""
    if aud is None:
        return []
    if isinstance(aud, list):
        return aud
    return [aud]


_cite("audiences", f"{BACKEND} crates/authentication/src/lib.rs:181-185")


@follows(f"{BACKEND} crates/common/src/auth.rs:66-74")
def token_issuer_with_scheme(iss: str) -> str:
    """Routing adds ``https://`` to a token ``iss`` that has neither ``https://`` nor ``http://``."""
    if iss.startswith(("https://", "http://")):
        return iss
    return "https://" + iss


@follows(f"{BACKEND} crates/common/src/auth.rs:76-81")
def issuer_matches_domain(domain: str, iss: str) -> bool:
    """Exact, case-sensitive, every trailing ``/`` removed on both sides; no host lowercasing,
    no default port stripping, no whitespace trimming."""
    return domain.rstrip("/") == token_issuer_with_scheme(iss).rstrip("/")


ProviderKind = Literal["oidc", "customJwt"]


@record(frozen=True)
class AuthProvider:
    """One provider as the deployment holds it (``AuthInfo``), after env vars are read."""

    kind: ProviderKind
    domain: str  # stored form: the text, https:// added when it had no scheme
    application_id: str | None  # always set for OIDC
    jwks: str | None = None  # customJwt only
    algorithm: str | None = None  # customJwt only
    index: int = 0  # position in auth.config (for messages; not part of Convex's order)

    @property
    def sort_key(self) -> tuple[int, int, str, str, str, int]:
        return convex_sort_key(self)

    def describe(self) -> str:
        if self.kind == "oidc":
            return f"OIDC(domain={self.domain}, app_id={self.application_id})"
        return f"CustomJWT(issuer={self.domain}, app_id={self.application_id or 'none'})"


@follows(f"{BACKEND} crates/common/src/auth.rs:17-38 (derived Ord), 85-89; "
         f"{OIDC_LIB} src/macros.rs:410-419 (IssuerUrl orders by its text)")
def convex_sort_key(provider: AuthProvider) -> tuple[int, int, str, str, str, int]:
    """``AuthInfo``'s derived order: every OIDC provider before every customJwt one, then by
    ``applicationID`` (absent first), then domain/issuer, then ``jwks``, then algorithm."""
    app = provider.application_id
    algorithm = CUSTOM_JWT_ALGS.index(provider.algorithm) \
        if provider.algorithm in CUSTOM_JWT_ALGS else len(CUSTOM_JWT_ALGS)
    return (0 if provider.kind == "oidc" else 1, 0 if app is None else 1, app or "",
            provider.domain, provider.jwks or "", algorithm)


@follows(f"{BACKEND} crates/model/src/auth/mod.rs:57-107 (BTreeSet, scan by creation time)")
def convex_order(providers: Iterable[AuthProvider]) -> list[AuthProvider]:
    """The order the deployment tries providers in after one push of this config: sorted by
    :func:`convex_sort_key`, duplicates dropped. (Rows kept from an earlier push come first.)"""
    unique: dict[tuple[int, int, str, str, str, int], AuthProvider] = {}
    for provider in providers:
        unique.setdefault(convex_sort_key(provider), provider)
    return [unique[key] for key in sorted(unique)]


@follows(f"{BACKEND} crates/common/src/auth.rs:48-64")
def provider_matches(provider: AuthProvider, aud: Any, iss: str) -> bool:
    """``AuthInfo::matches_token``: the applicationID (always, for OIDC) must be one of the
    audiences, then the issuer must match."""
    app = provider.application_id
    if app is not None and app not in audiences(aud):
        return False
    return issuer_matches_domain(provider.domain, iss)


@follows(f"{BACKEND} crates/authentication/src/lib.rs:186-198")
def route(providers: Iterable[AuthProvider], aud: Any, iss: str) -> AuthProvider | None:
    """The first provider in Convex's order that matches; there is no fallback after it."""
    return next((p for p in convex_order(providers) if provider_matches(p, aud, iss)), None)


@follows(f"{BACKEND} crates/authentication/src/lib.rs:208 (IssuerUrl::new(..)?: a plain "
         "error, answered 500)")
def iss_is_absolute_url(iss: str) -> bool:
    """The OIDC path parses the token's raw ``iss`` as an absolute URL before anything else."""
    match = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iss)
    if match is None:
        return False
    scheme = match.group(0)[:-1].lower()
    if scheme in ("http", "https", "ws", "wss", "ftp"):
        try:
            return bool(urlsplit(iss).hostname)
        except ValueError:
            return False
    return True


# --- the OIDC path (openidconnect-rs) ----------------------------------------------------------

@follows(f"{OIDC_LIB} src/jwt/mod.rs:193-215 (header struct), 146-175 (alg)")
def oidc_header_problems(header: Any) -> list[str]:
    """Why openidconnect-rs cannot read the header (401 InvalidAuthHeader "Could not parse as
    OIDC ID token"): ``alg`` a known JWS/JWE name, ``kid``/``typ``/``cty`` strings,
    ``crit`` a list of strings (null means absent), no repeated known member."""
    if not isinstance(header, dict):
        return ["the header is not a JSON object"]
    problems: list[str] = []
    repeated = [n for n in ("alg", "crit", "cty", "kid", "typ")
                if n in getattr(header, "duplicates", ())]
    if repeated:
        problems.append(f"the header repeats {repeated[0]!r}")
    alg = header.get("alg")
    if "alg" not in header:
        problems.append("the header has no alg")
    elif not isinstance(alg, str) or alg not in JWS_ALGS + JWE_ENC_ALGS:
        problems.append(f"alg {alg!r} is not a JWS or JWE algorithm name")
    for name in ("kid", "typ", "cty"):
        value = header.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"the header's {name} must be a string")
    crit = header.get("crit")
    if crit is not None and not (isinstance(crit, list)
                                 and all(isinstance(c, str) for c in crit)):
        problems.append("the header's crit must be a list of strings")
    known = {n: header[n] for n in ("alg", "kid", "typ", "cty", "crit") if n in header}
    if not problems and has_lone_surrogate(known):
        problems.append("the header holds a lone UTF-16 surrogate escape")
    return problems


@follows(f"{OIDC_LIB} src/types/localized.rs:23-35")
def split_language_tag(key: str) -> tuple[str, str | None]:
    """``name#en`` → (``name``, ``en``); an empty tag (``name#``) is no tag."""
    name, _, tag = key.partition("#")
    return name, (tag or None)


def _string_or_null(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _address_problem(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):  # a derived struct also reads a 6-element array
        if len(value) == len(ADDRESS_FIELDS) and all(_string_or_null(v) for v in value):
            return None
        return "address must be a JSON object"
    if not isinstance(value, dict):
        return "address must be a JSON object"
    repeated = [n for n in ADDRESS_FIELDS if n in getattr(value, "duplicates", ())]
    if repeated:
        return f"address repeats {repeated[0]!r}"
    bad = [n for n in ADDRESS_FIELDS if not _string_or_null(value.get(n))]
    return f"address.{bad[0]} must be a string" if bad else None


def _standard_claim_problem(name: str, value: Any) -> str | None:
    if name in BOOLEAN_CLAIMS:
        if value is not None and not isinstance(value, bool):
            return f"{name} must be a JSON boolean, not {value!r}"
        return None
    if name == "address":
        return _address_problem(value)
    if name == "updated_at":
        if value is None:
            return None
        try:
            oidc_seconds(value)
        except ValueError as exc:
            return f"updated_at must be a timestamp ({exc})"
        return None
    if name == "sub":
        return None if isinstance(value, str) else "sub must be a string"
    return None if _string_or_null(value) else f"{name} must be a string or null"


@follows(f"{OIDC_LIB} src/claims.rs:193-343 (StandardClaims visitor), src/helpers.rs:76-136 "
         "(duplicates, language tags)")
def oidc_standard_claim_problems(claims: Mapping[str, Any],
                                 repeated: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The standard-claims visitor over every member the ID token struct does not own:
    ``sub`` required; language tags only on the localized claims; no claim twice (``email``
    and ``email#`` are the same claim); each value of its type."""
    problems: list[tuple[str, str]] = []
    seen: set[tuple[str, str | None]] = set()
    if "sub" not in claims and "sub#" not in claims:
        problems.append(("sub", "sub is missing"))
    repeated_keys = set(repeated)
    for key, value in claims.items():
        if key in OIDC_OWN_CLAIMS:
            continue
        name, tag = split_language_tag(key)
        if name not in LOCALIZED_CLAIMS and name not in PLAIN_STANDARD_CLAIMS:
            continue
        if (name, tag) in seen or key in repeated_keys:
            problems.append((name, f"{key} appears twice"))
            continue
        seen.add((name, tag))
        if name in PLAIN_STANDARD_CLAIMS and tag is not None:
            problems.append((name, f"{key}: {name} cannot carry a language tag"))
            continue
        if name in LOCALIZED_CLAIMS:
            if not _string_or_null(value):
                problems.append((name, f"{key} must be a string or null"))
            continue
        why = _standard_claim_problem(name, value)
        if why is not None:
            problems.append((name, why))
    return problems


@follows(f"{OIDC_LIB} src/id_token/mod.rs:199-245, src/helpers.rs:16-29 (aud), 408-445")
def oidc_claim_problems(claims: Any) -> list[tuple[str, str]]:
    """Why openidconnect-rs cannot read the payload as an ID token (401 InvalidAuthHeader
    "Could not parse as OIDC ID token"), as (claim, why) pairs."""
    if not isinstance(claims, dict):
        return [("payload", "the payload is not a JSON object")]
    problems: list[tuple[str, str]] = []
    repeated = set(getattr(claims, "duplicates", ()))
    for name in OIDC_OWN_CLAIMS:
        if name in repeated:
            problems.append((name, f"{name} appears twice"))
    iss = claims.get("iss")
    if not isinstance(iss, str) or not iss_is_absolute_url(iss):
        problems.append(("iss", "iss must be an absolute URL"))
    aud = claims.get("aud", [])
    if not (isinstance(aud, str) or (isinstance(aud, list)
                                     and all(isinstance(a, str) for a in aud))):
        problems.append(("aud", "aud must be a string or a list of strings"))
    for name in ("exp", "iat"):
        if name not in claims:
            problems.append((name, f"{name} is missing"))
            continue
        try:
            oidc_seconds(claims[name])
        except ValueError as exc:
            problems.append((name, f"{name} must be a timestamp ({exc})"))
    if claims.get("auth_time") is not None:
        try:
            oidc_seconds(claims["auth_time"])
        except ValueError as exc:
            problems.append(("auth_time", f"auth_time must be a timestamp ({exc})"))
    for name in ("nonce", "acr", "azp", "at_hash", "c_hash"):
        if not _string_or_null(claims.get(name)):
            problems.append((name, f"{name} must be a string or null"))
    amr = claims.get("amr")
    if amr is not None and not (isinstance(amr, list) and all(isinstance(a, str) for a in amr)):
        problems.append(("amr", "amr must be a list of strings"))
    problems += oidc_standard_claim_problems(claims, repeated)
    return problems


@follows(f"{OIDC_LIB} src/jwt/mod.rs:88-124, src/verification/mod.rs:144-152, 231-253")
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


@follows(f"{OIDC_LIB} src/verification/mod.rs:255-279")
def header_rejection(header: Mapping[str, Any]) -> str | None:
    """The verifier refuses a ``cty`` or ``crit`` header (null counts as absent), a JWE
    ``alg``, and a ``typ`` other than JWT/JOSE."""
    if not typ_accepted(header.get("typ")):
        return f"typ {header.get('typ')!r} is not JWT or JOSE"
    for name in ("cty", "crit"):
        if header.get(name) is not None:
            return f"a {name!r} header is present"
    if header.get("alg") in JWE_ENC_ALGS:
        return f"alg {header.get('alg')!r} is an encryption algorithm"
    return None


@follows(f"{OIDC_LIB} src/verification/mod.rs:340-373 (other_aud_verifier_fn rejects all)")
def audience_verifies(aud: Any, application_id: str) -> bool:
    """The OIDC verifier rejects every audience that is not the application ID."""
    values = audiences(aud)
    return bool(values) and all(value == application_id for value in values)


@follows(f"{OIDC_LIB} src/discovery/mod.rs:318-320, src/types/mod.rs:306-312")
def discovery_url(iss: str) -> str:
    """``IssuerUrl::join``: the raw issuer, with ``/`` added only when it lacks one."""
    return iss + (".well-known/openid-configuration" if iss.endswith("/")
                  else "/.well-known/openid-configuration")


@follows(f"{OIDC_LIB} src/http_utils.rs:13-43")
def oidc_content_type_ok(content_type: str | None, expected: tuple[str, ...]) -> bool:
    """Discovery and JWKS on the OIDC path: no Content-Type is fine; otherwise the text
    before the first ``;``, lowercased but NOT trimmed, must be one of ``expected``. So
    ``application/json ; charset=utf-8`` and an empty header fail."""
    if content_type is None:
        return True
    return content_type.split(";", 1)[0].lower() in expected


def _jwk_string_ok(jwk: Mapping[str, Any], name: str) -> bool:
    return jwk.get(name) is None or isinstance(jwk.get(name), str)


@follows(f"{OIDC_LIB} src/core/jwk/mod.rs:34-73 (serde), src/types/jwks.rs:28-32 (VecSkipError)")
def oidc_jwk_problem(jwk: Any) -> str | None:
    """Why openidconnect-rs skips a key of the set (the rest of the set still counts):
    ``kty`` unknown, ``use``/``kid`` not strings, ``alg`` an unknown name, a repeated member.
    ``n``, ``e``, ``crv``, ``x``, ``y`` that do not parse just count as absent."""
    if not isinstance(jwk, dict):
        return "not a JSON object"
    repeated = [n for n in ("kty", "use", "kid", "alg", "n", "e", "crv", "x", "y", "d", "k")
                if n in getattr(jwk, "duplicates", ())]
    if repeated:
        return f"repeats {repeated[0]!r}"
    if jwk.get("kty") not in OIDC_KEY_TYPES:
        return f"kty {jwk.get('kty')!r} is unknown"
    for name in ("use", "kid"):
        if not _jwk_string_ok(jwk, name):
            return f"its {name} is not a string"
    alg = jwk.get("alg")
    if alg is not None and alg not in JWS_ALGS + JWE_ENC_ALGS:
        return f"alg {alg!r} is unknown"
    return None


@follows(f"{OIDC_LIB} src/types/jwks.rs:36-62 (compatibility), 74-91 (kid filter)")
def key_is_candidate(jwk: Mapping[str, Any], alg: str, kid: str | None) -> bool:
    """``JsonWebKeySet::filter_keys``: the token's kid (when it has one) equals the key's;
    ``use`` absent or ``sig``; ``kty`` fits the alg; the key's ``alg`` absent or equal. An
    unknown ``crv`` or a missing ``e`` does not disqualify a key here."""
    if kid is not None and jwk.get("kid") != kid:
        return False
    if jwk.get("use") is not None and jwk.get("use") != "sig":
        return False
    if jwk.get("kty") != KTY_FOR_ALG.get(alg):
        return False
    key_alg = jwk.get("alg")
    return key_alg is None or key_alg == alg


@follows(f"{OIDC_LIB} src/helpers.rs:53-63 (unparsable → absent), src/core/jwk/mod.rs:262-272")
def oidc_curve(jwk: Mapping[str, Any]) -> str | None:
    """The key's ``crv`` as openidconnect-rs holds it: unknown curves read as absent."""
    crv = jwk.get("crv")
    return crv if crv in OIDC_CURVES else None


@follows(f"{OIDC_LIB} src/core/crypto.rs:79-100; {BISCUIT} src/jwa.rs:291")
def rsa_size_ok(bits: int) -> bool:
    """RSA signatures verify only with a 2048- to 8192-bit modulus (leading zeros trimmed)."""
    return RSA_BITS[0] <= bits <= RSA_BITS[1]


# --- the customJwt path (biscuit) ---------------------------------------------------------------

_TOKEN_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~")


def _mime_params(text: str) -> dict[str, str] | None:
    """mime's parameter grammar after the first ``;``: names and values of token characters,
    values may be quoted, spaces only before a name or after a quoted value."""
    params: dict[str, str] = {}
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] == " ":
            i += 1
        if i >= n:
            break
        start = i
        while i < n and text[i] in _TOKEN_CHARS:
            i += 1
        if i >= n or text[i] != "=" or i == start:
            return None
        name = text[start:i].lower()
        i += 1
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0 or any(ord(c) < 32 or ord(c) == 127 for c in text[i + 1:end]):
                return None
            value = text[i + 1:end]
            i = end + 1
            while i < n and text[i] == " ":
                i += 1
            if i < n and text[i] != ";":
                return None
            i += 1
        else:
            start = i
            while i < n and text[i] in _TOKEN_CHARS:
                i += 1
            if i < n and (text[i] != ";" or i == start):
                return None
            value = text[start:i]
            i += 1
        params.setdefault(name, value)
    return params


@follows(f"{BACKEND} crates/authentication/src/lib.rs:445-472; {MIME} src/parse.rs:111-305")
def custom_jwt_content_type_ok(content_type: str | None) -> bool:
    """customJwt JWKS answers need a Content-Type (absent fails) that the ``mime`` crate
    parses: ``type/subtype`` of token characters with nothing before the ``;`` (so no space),
    essence ``application/json`` or ``application/jwk-set+json`` (any case), ``charset``
    absent or ``utf-8`` (any case)."""
    if content_type is None:
        return False
    essence, sep, rest = content_type.partition(";")
    kind, slash, sub = essence.partition("/")
    if not slash or not kind or not all(c in _TOKEN_CHARS for c in kind + sub):
        return False
    if essence.lower() not in JWKS_MEDIA_TYPES:
        return False
    params = _mime_params(rest) if sep else {}
    if params is None:
        return False
    charset = params.get("charset")
    return charset is None or charset.lower() == "utf-8"


def _jwk_b64(value: Any) -> bool:
    return isinstance(value, str) and decode_b64url(value, strict=True) is not None


def _biscuit_key_params_ok(jwk: Mapping[str, Any]) -> bool:
    kty = jwk.get("kty")
    if kty == "EC":
        return (jwk.get("crv") in BISCUIT_CURVES and _jwk_b64(jwk.get("x"))
                and _jwk_b64(jwk.get("y")))
    if kty == "RSA":
        return _jwk_b64(jwk.get("n")) and _jwk_b64(jwk.get("e"))
    if kty == "oct":
        return _jwk_b64(jwk.get("k"))
    if kty == "OKP":
        return jwk.get("crv") in BISCUIT_CURVES and _jwk_b64(jwk.get("x"))
    return False


@follows(f"{BACKEND} crates/authentication/src/lib.rs:280-289; {BISCUIT} src/jwk.rs:165-200 "
         "(common, untagged key parameters), 428-441, 482-485")
def biscuit_jwks_problem(document: Any) -> str | None:
    """Why biscuit cannot read the WHOLE key set (one bad key fails it: "Invalid JWKS
    response body"), or None. Biscuit knows no EdDSA: ``"alg": "EdDSA"`` fails the set."""
    if not isinstance(document, dict):
        return "the document is not a JSON object"
    if "keys" in getattr(document, "duplicates", ()):
        return "the document repeats \"keys\""
    keys = document.get("keys")
    if not isinstance(keys, list):
        return "the document has no \"keys\" array"
    for position, jwk in enumerate(keys):
        label = f"key {position}"
        if not isinstance(jwk, dict):
            return f"{label} is not a JSON object"
        if isinstance(jwk.get("kid"), str):
            label += f" ({jwk['kid']})"
        for name in ("use", "kid", "x5u", "x5t"):
            if not _jwk_string_ok(jwk, name):
                return f"{label}: {name} is not a string"
        for name in ("key_ops", "x5c"):
            value = jwk.get(name)
            if value is not None and not (isinstance(value, list)
                                          and all(isinstance(v, str) for v in value)):
                return f"{label}: {name} is not a list of strings"
        alg = jwk.get("alg")
        if alg is not None and alg not in BISCUIT_KEY_ALGS:
            return f"{label}: alg {alg!r} is unknown to the library Convex uses here"
        if not _biscuit_key_params_ok(jwk):
            return f"{label}: its {jwk.get('kty')!r} key parameters do not parse"
    return None


@follows(f"{BISCUIT} src/jwk.rs:487-492 (find), src/jws/compact.rs:160-166")
def custom_jwt_key(document: Mapping[str, Any], kid: Any) -> Mapping[str, Any] | None:
    """The first key whose ``kid`` equals the token's (the token must have a ``kid``)."""
    if not isinstance(kid, str):
        return None
    return next((k for k in document.get("keys", []) if k.get("kid") == kid), None)


@follows(f"{BISCUIT} src/jws/compact.rs:168-196")
def custom_jwt_alg_problem(key_alg: Any, header_alg: Any, configured: str) -> str | None:
    """The key's ``alg`` (when set) must equal the header's and the configured algorithm;
    without one, the header's ``alg`` must equal the configured algorithm."""
    if key_alg is not None:
        if key_alg not in BISCUIT_SIGNATURE_ALGS:
            return f"the key's alg {key_alg!r} is not a signature algorithm"
        if header_alg != key_alg:
            return f"the header's alg {header_alg!r} is not the key's {key_alg!r}"
        if key_alg != configured:
            return f"the key's alg {key_alg!r} is not the configured {configured!r}"
        return None
    if header_alg != configured:
        return f"the header's alg {header_alg!r} is not the configured {configured!r}"
    return None


@follows(f"{BACKEND} crates/authentication/src/lib.rs:361-378; {BISCUIT} src/lib.rs:906-966")
def custom_jwt_time_problem(claims: Mapping[str, Any], now: float) -> str | None:
    """``exp``, ``nbf``, ``iat`` are optional; each is judged with 5 s of leeway against the
    clock truncated to whole seconds (biscuit rounds the claims)."""
    clock = math.floor(now)
    exp = claims.get("exp")
    if exp is not None and clock - biscuit_seconds(exp) > CUSTOM_JWT_LEEWAY:
        return f"Token expired {clock - biscuit_seconds(exp)} seconds ago"
    for name in ("nbf", "iat"):
        value = claims.get(name)
        if value is not None and biscuit_seconds(value) - clock > CUSTOM_JWT_LEEWAY:
            return f"Token will be valid in {biscuit_seconds(value) - clock} seconds ({name})"
    return None


@follows(f"{BACKEND} crates/keybroker/src/broker.rs:507-524")
def custom_jwt_missing_claims(claims: Mapping[str, Any]) -> list[str]:
    """The identity needs ``sub``, ``iss`` and ``exp``."""
    return [name for name in ("sub", "iss", "exp") if claims.get(name) is None]


@follows(f"{BACKEND} crates/authentication/src/lib.rs:339-360")
def custom_jwt_audience_ok(aud: Any, application_id: str | None) -> bool:
    """Checked only when ``applicationID`` is set; other audiences beside it are fine."""
    return application_id is None or application_id in audiences(aud)


# --- configuration (push time) -----------------------------------------------------------------

_SCHEME_RE = re.compile(r"^\w+://")
_cite("_SCHEME_RE", f"{BACKEND} crates/common/src/auth.rs:203")


@cache
def _suffix_list() -> Any:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=True, accept_unknown=False)


@follows(f"{BACKEND} crates/common/src/auth.rs:243-251; {TLD_CRATE} src/lib.rs:38-40 (IANA "
         "root zone list)")
def ends_with_tld(host: str) -> bool:
    """``localhost``, or a host whose last label is a top-level domain. Convex uses the
    ``tld`` crate (IANA's root zone list); the wizard asks the ICANN section of the bundled
    Public Suffix List, which holds the same delegated TLDs (``za`` only below its
    second-level names, hence the whole-host question too)."""
    if host == "localhost":
        return True
    label = host.rpartition(".")[2]
    if "." not in host or not label:
        return False
    suffixes = _suffix_list()
    return bool(suffixes.is_public(label)) or suffixes.publicsuffix(host) is not None


def _ascii_host(host: str) -> str | None:
    """The host as the url crate stores it: lowercase, IDNA (punycode) labels."""
    if host.isascii():
        return host.lower()
    try:
        import idna

        return str(idna.encode(host, uts46=True).decode("ascii"))
    except (ImportError, UnicodeError, ValueError):
        return None


@follows(f"{BACKEND} crates/common/src/auth.rs:209-241")
def domain_problem(domain: str) -> str | None:
    """Why Convex would refuse ``domain`` (or a customJwt ``issuer``) at push time, or None."""
    if domain.startswith('"'):
        return "starts with a double quote"
    had_scheme = bool(_SCHEME_RE.match(domain))
    url = domain if had_scheme else "https://" + domain
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return "does not parse as a URL"
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http or https"
    if not hostname:
        return "has no host"
    if not had_scheme:
        host = _ascii_host(hostname)
        if host is None or not ends_with_tld(host):
            return "must have a scheme or end with a top-level domain"
    return None


@follows(f"{BACKEND} crates/common/src/auth.rs:215-219, 240")
def stored_domain(domain: str) -> str:
    """What Convex stores: the original text, with ``https://`` added when it has no scheme."""
    return domain if _SCHEME_RE.match(domain) else "https://" + domain


@follows(f"{BACKEND} crates/common/src/auth.rs:107-118, 120-139")
def custom_jwt_algorithm_ok(algorithm: str | None) -> bool:
    """``algorithm`` must be exactly ``RS256`` or ``ES256``."""
    return algorithm in CUSTOM_JWT_ALGS


# --- caching (CachedHttpClient) ----------------------------------------------------------------

def _directives(cache_control: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for part in cache_control.split(","):
        name, eq, value = part.strip().partition("=")
        if name:
            found.setdefault(name.lower(), value.strip().strip('"') if eq else None)
    return found


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    import email.utils  # only when a Date header is read (slow to import; not at start-up)

    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _seconds(value: str | None) -> int:
    try:
        return max(0, int(value or "0"))
    except ValueError:
        return 0


@follows(f"{BACKEND} crates/http_client/src/lib.rs:80-86 (CacheMode::Default, default "
         f"options); {CACHE_SEMANTICS} src/lib.rs:139-148 (shared cache), 258-287, 521-585")
def cache_lifetime(headers: Mapping[str, str], received_at: float) -> int:
    """How many seconds Convex's shared HTTP cache may keep answering with this response
    without asking again: ``s-maxage``, else ``max-age``, else ``Expires``, else 10% of the
    time since ``Last-Modified``; 0 for ``no-store``, ``no-cache``, ``private`` and the like.
    The ``Age`` already spent is taken off."""
    lower = {k.lower(): v for k, v in headers.items()}
    directives = _directives(lower.get("cache-control", ""))
    if any(d in directives for d in ("no-store", "no-cache", "private", "proxy-revalidate")):
        return 0
    if "set-cookie" in lower and "public" not in directives and "immutable" not in directives:
        return 0
    if lower.get("vary", "").strip() == "*":
        return 0
    date = _http_date(lower.get("date")) or received_at
    if "s-maxage" in directives:
        lifetime = _seconds(directives["s-maxage"])
    elif "max-age" in directives:
        lifetime = _seconds(directives["max-age"])
    else:
        lifetime = 24 * 3600 if "immutable" in directives else 0
        expires = lower.get("expires")
        modified = _http_date(lower.get("last-modified"))
        if expires is not None:
            when = _http_date(expires)
            lifetime = max(lifetime, int(when - date) if when is not None else 0)
        elif modified is not None and date >= modified:
            lifetime = max(lifetime, int((date - modified) * 0.1))
    return max(0, lifetime - _seconds(lower.get("age")))


# --- the `convex` npm package's Clerk provider ------------------------------------------------

CONVEX_JS = "get-convex/convex-js@8e20ab9e02ba"

INTEGRATION_AUD = "convex"
"""ConvexProviderWithClerk (>= 1.33.1) compares the session claims' ``aud`` with this literal,
whatever ``applicationID`` auth.config holds (convex-js ``ConvexProviderWithClerk.tsx``)."""
_RELEASE_RE = re.compile(r"\s*v?(\d+)\.(\d+)\.(\d+)")


class ProviderRule(str, Enum):
    """How ``ConvexProviderWithClerk`` picks its token, by ``convex`` version (research 15.4)."""

    TEMPLATE_ALWAYS = "template_always"  # <= 1.32.x
    SESSION_ALWAYS = "session_always"  # 1.33.0
    AUD_DECIDES = "aud_decides"  # >= 1.33.1: the session token when its aud is "convex"
    VERSION_UNKNOWN = "version_unknown"


@follows(f"{CONVEX_JS} package.json:4 (version: major.minor.patch)")
def convex_release(version: str | None) -> tuple[int, int, int] | None:
    """``major.minor.patch`` at the start of a ``convex`` version (a pre-release counts as its
    release); None when there is none."""
    match = _RELEASE_RE.match(version or "")
    return None if match is None else (int(match[1]), int(match[2]), int(match[3]))


@follows(f"{CONVEX_JS} src/react-clerk/ConvexProviderWithClerk.tsx:73-97 (1.45.0; 1.33.0 "
         "lines 63-66; before 1.33.0 lines 67-68)")
def provider_rule(release: tuple[int, int, int] | None) -> ProviderRule:
    if release is None:
        return ProviderRule.VERSION_UNKNOWN
    if release < (1, 33, 0):
        return ProviderRule.TEMPLATE_ALWAYS
    if release == (1, 33, 0):
        return ProviderRule.SESSION_ALWAYS
    return ProviderRule.AUD_DECIDES
