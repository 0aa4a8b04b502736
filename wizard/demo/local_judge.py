"""The Convex stand-in's own token judge: Convex's verdict, written apart from the wizard's.

It is written from research/convex_spec.md (§2, §8) and issue 11, not from the wizard's rule
code, and it must never import it (``wizard.rules.convex``, ``verify``, ``token``, ``issuer``,
``routing``, ``engine``, ``http``; a test enforces this), so that every "Convex agrees" test
compares two implementations. Signatures are checked with joserfc (the wizard uses
``cryptography`` directly), discovery and key sets are fetched with plain httpx.

:func:`judge` answers ``(status, code, message, provider position)`` as the backend would.
"""

from __future__ import annotations

import base64
import json
import math
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

HTTP_TIMEOUT = 5.0
Fetch = Callable[[str], tuple[int, dict[str, str], bytes]]

PARSE_PAYLOAD = ("Could not parse JWT payload. Check that the token is a valid JWT format with "
                 "three base64-encoded parts separated by dots.")
NO_ISS = ("Missing issuer claim ('iss') in JWT payload. The JWT must include an 'iss' claim "
          "that matches one of your configured auth providers.")
NOT_OIDC = "Could not parse as OIDC ID token. Token might not be an OIDC-compliant JWT."
UNVERIFIED = ("Could not verify OIDC token claim. Check that the token signature is valid and "
              "the token hasn't expired.")
INTERNAL = "Your request couldn't be completed. Try again later."
CUSTOM_DECODE = ("Could not decode token. The JWT's 'kid' (key ID) header doesn't match any key "
                 "in the provider's JWKS, or the JWT signature is invalid.")

# Dates chrono can hold: years -262143 .. 262142.
_EARLIEST, _LATEST = -8_334_601_315_200, 8_210_266_876_799
_REGISTERED = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
_ID_TOKEN_FIELDS = ("iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp",
                    "at_hash", "c_hash")
_TAGGABLE = ("name", "given_name", "family_name", "middle_name", "nickname", "profile",
             "picture", "website")
_UNTAGGED = ("sub", "preferred_username", "email", "email_verified", "gender", "birthday",
             "birthdate", "zoneinfo", "locale", "phone_number", "phone_number_verified",
             "address", "updated_at")
_SIGNING = ("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
            "PS256", "PS384", "PS512", "EdDSA", "none")
_ENCRYPTING = ("A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM",
               "A256GCM")
_KEY_WRAPPING = ("RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "A128KW", "A192KW", "A256KW", "dir",
                 "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW", "A128GCMKW",
                 "A192GCMKW", "A256GCMKW", "PBES2-HS256+A128KW", "PBES2-HS384+A192KW",
                 "PBES2-HS512+A256KW")
_MIME_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


class Rejected(Exception):
    """The backend's answer to a token it does not accept."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Verdict:
    status: int
    code: str
    message: str
    position: int | None  # the provider row the token was routed to (None: none)


# --- reading the parts ---------------------------------------------------------------------------

class _Dupes(dict[str, Any]):
    repeated: set[str]


def _pairs(items: list[tuple[str, Any]]) -> _Dupes:
    out = _Dupes()
    out.repeated = set()
    for key, value in items:
        if key in out:
            out.repeated.add(key)
        out[key] = value
    return out


def _repeated(value: Any) -> set[str]:
    return set(getattr(value, "repeated", ()))


def _too_deep(value: Any, room: int) -> bool:
    if isinstance(value, (dict, list)):
        if room <= 1:
            return True
        items = value.values() if isinstance(value, dict) else value
        return any(_too_deep(item, room - 1) for item in items)
    return False


def _bad_float(text: str) -> float:
    number = float(text)
    if number in (math.inf, -math.inf):
        raise ValueError("out of range")
    return number


def _refuse(_: str) -> Any:
    raise ValueError("not JSON")


def read_json(raw: bytes) -> Any:
    """serde_json's reading: UTF-8 text, finite numbers, at most 127 levels of nesting."""
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_pairs,
                           parse_float=_bad_float, parse_constant=_refuse)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValueError("not JSON") from exc
    if _too_deep(value, 128):
        raise ValueError("too deep")
    return value


def _surrogates(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_surrogates(k) or _surrogates(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_surrogates(v) for v in value)
    return False


def unb64(text: str, strict: bool) -> bytes:
    """base64url without padding. ``strict``: the text must be exactly what encoding the
    bytes gives back (so unused trailing bits are zero)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if strict and base64.urlsafe_b64encode(data).decode().rstrip("=") != text:
        raise ValueError("trailing bits")
    return data


def _json_object(text: str, strict: bool) -> _Dupes:
    value = read_json(unb64(text, strict))
    if not isinstance(value, _Dupes):
        raise ValueError("not an object")
    return value


# --- timestamps ---------------------------------------------------------------------------------

def registered_time(value: Any) -> int:
    """exp/nbf/iat on the routing parse: u64 (floats rounded half away from zero); a value
    beyond chrono's dates panics the backend (500 here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("not a number")
    if isinstance(value, float):
        if value != value or value < 0 or value >= 18446744073709551616.0:
            raise ValueError("not a u64")
        whole = int(value) + (1 if value - int(value) >= 0.5 else 0)
    else:
        if value < 0:
            raise ValueError("negative")
        if value > 18446744073709551615:
            if float(value) >= 18446744073709551616.0:
                raise ValueError("not a u64")
            whole = int(float(value))
        else:
            whole = value
    signed = whole if whole < 2 ** 63 else whole - 2 ** 64
    if signed < _EARLIEST or signed > _LATEST:
        raise Rejected(500, "InternalServerError", INTERNAL)
    return signed


def oidc_time(value: Any) -> float:
    """openidconnect's timestamps: any JSON number or an RFC 3339 string, in chrono's range."""
    if isinstance(value, bool):
        raise ValueError("bool")
    if isinstance(value, (int, float)):
        if not _EARLIEST <= math.floor(value) <= _LATEST:
            raise ValueError("range")
        return float(value)
    if not isinstance(value, str):
        raise ValueError("type")
    found = re.fullmatch(r"(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)",
                         value)
    if found is None:
        raise ValueError("format")
    seconds = "59" if found.group(3) == "60" else found.group(3)
    zone = "+00:00" if found.group(5) in "Zz" else found.group(5)
    return datetime.fromisoformat(f"{found.group(1)}T{found.group(2)}:{seconds}"
                                  f"{found.group(4) or ''}{zone}").timestamp()


# --- routing ------------------------------------------------------------------------------------

def _routing_payload(parts: list[str]) -> _Dupes:
    if len(parts) < 2:
        raise ValueError("no payload")
    claims = _json_object(parts[1], strict=True)
    if claims.repeated & set(_REGISTERED) or _surrogates(claims):
        raise ValueError("registered claim repeated or lone surrogate")
    for name in ("iss", "sub", "jti"):
        if claims.get(name) is not None and not isinstance(claims[name], str):
            raise ValueError(name)
    aud = claims.get("aud")
    if aud is not None and not isinstance(aud, str) and not (
            isinstance(aud, list) and all(isinstance(a, str) for a in aud)):
        raise ValueError("aud")
    for name in ("exp", "nbf", "iat"):
        if claims.get(name) is not None:
            registered_time(claims[name])
    return claims


def _row_key(row: dict[str, Any]) -> tuple[Any, ...]:
    custom = row.get("type") == "customJwt"
    app = row.get("applicationID")
    where = str(row.get("issuer") if custom else row.get("domain"))
    algorithm = {"RS256": 0, "ES256": 1}.get(_algorithm(row), 2)
    return (custom, app is not None, app or "", where, str(row.get("jwks") or ""), algorithm)


def _algorithm(row: dict[str, Any]) -> str:
    """The ``_auth`` row keeps a customJwt algorithm as serialized JSON (``"\"RS256\""``)."""
    text = str(row.get("algorithm"))
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, str) else text


def provider_order(rows: list[dict[str, Any]]) -> list[int]:
    """Row positions in the order the backend tries them (OIDC, then applicationID, then
    domain), duplicates dropped."""
    seen: dict[tuple[Any, ...], int] = {}
    for position, row in enumerate(rows):
        seen.setdefault(_row_key(row), position)
    return [seen[key] for key in sorted(seen)]


def _with_https(iss: str) -> str:
    return iss if iss.startswith(("https://", "http://")) else "https://" + iss


def _matches(row: dict[str, Any], auds: list[str], iss: str) -> bool:
    app = row.get("applicationID")
    if app is not None and app not in auds:
        return False
    where = str(row.get("issuer") if row.get("type") == "customJwt" else row.get("domain"))
    return where.rstrip("/") == _with_https(iss).rstrip("/")


# --- fetching -----------------------------------------------------------------------------------

def http_get(url: str) -> tuple[int, dict[str, str], bytes]:
    import httpx

    with httpx.Client(timeout=HTTP_TIMEOUT, follow_redirects=True) as client:
        answer = client.get(url, headers={"Accept": "application/json"})
        return answer.status_code, {k.lower(): v for k, v in answer.headers.items()}, \
            answer.content


def _essence_is(value: str | None, allowed: tuple[str, ...]) -> bool:
    return value is None or value[:value.find(";") if ";" in value else len(value)].lower() \
        in allowed


def _discovery_failure(iss: str, status: int | None, text: str = "") -> Rejected:
    base = f"Auth provider discovery of {iss} failed"
    if status is None:
        return Rejected(400, "AuthProviderDiscoveryFailed", base)
    mapped = {401: 401, 403: 403, 404: 404, 429: 429}.get(status, 503 if status >= 500 else 400)
    return Rejected(mapped, "AuthProviderDiscoveryFailed", f"{base}: {status} {text}")


def _discover(iss: str, fetch: Fetch) -> list[dict[str, Any]]:
    """Discovery then the key set; the keys the verifier keeps (unreadable ones dropped)."""
    url = iss + ("" if iss.endswith("/") else "/") + ".well-known/openid-configuration"
    try:
        status, headers, body = fetch(url)
        if status != 200:
            raise _discovery_failure(iss, status)
        if not _essence_is(headers.get("content-type"), ("application/json",)):
            raise _discovery_failure(iss, 200)
        metadata = read_json(body)
        if not isinstance(metadata, dict) or metadata.get("issuer") != iss or \
                not isinstance(metadata.get("jwks_uri"), str):
            raise _discovery_failure(iss, None)
        status, headers, body = fetch(metadata["jwks_uri"])
        if status != 200:
            raise _discovery_failure(iss, status)
        if not _essence_is(headers.get("content-type"),
                           ("application/json", "application/jwk-set+json")):
            raise _discovery_failure(iss, 200)
        document = read_json(body)
    except Rejected:
        raise
    except Exception as exc:  # transport errors and unreadable documents alike
        raise _discovery_failure(iss, None) from exc
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise _discovery_failure(iss, None)
    return [key for key in document["keys"] if _oidc_keeps(key)]


def _oidc_keeps(key: Any) -> bool:
    if not isinstance(key, dict) or key.get("kty") not in ("RSA", "EC", "OKP", "oct"):
        return False
    if _repeated(key) & {"kty", "use", "kid", "alg", "n", "e", "crv", "x", "y", "d", "k"}:
        return False
    if any(key.get(f) is not None and not isinstance(key.get(f), str) for f in ("use", "kid")):
        return False
    return key.get("alg") is None or key.get("alg") in _SIGNING + _ENCRYPTING


# --- verifying ----------------------------------------------------------------------------------

def _b64int(text: Any) -> int:
    return int.from_bytes(unb64(str(text), strict=False), "big")


def _signature_ok(alg: str, key: dict[str, Any], signed: bytes, signature: bytes) -> bool:
    """joserfc verifies; the RSA size and the curve are checked as the backend checks them."""
    from joserfc.jwk import ECKey, OKPKey, RSAKey
    from joserfc.jws import JWSRegistry

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if alg == "RS256":
                if not 2048 <= _b64int(key["n"]).bit_length() <= 8192:
                    return False
                loaded: Any = RSAKey.import_key({"kty": "RSA", "n": key["n"], "e": key["e"]})
            elif alg == "EdDSA":
                if key.get("crv") != "Ed25519":
                    return False
                loaded = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": key["x"]})
            elif alg == "ES256":
                loaded = ECKey.import_key({"kty": "EC", "crv": "P-256", "x": key["x"],
                                           "y": key["y"]})
            else:
                return False
            return bool(JWSRegistry.algorithms[alg].verify(signed, signature, loaded))
    except Exception:  # a key joserfc cannot load verifies nothing
        return False


def _id_token_readable(header: _Dupes, claims: _Dupes) -> bool:
    """openidconnect's ID-token parse of header and claims."""
    if header.repeated & {"alg", "crit", "cty", "kid", "typ"} or \
            header.get("alg") not in _SIGNING + _ENCRYPTING:
        return False
    if any(header.get(f) is not None and not isinstance(header.get(f), str)
           for f in ("kid", "typ", "cty")):
        return False
    crit = header.get("crit")
    if crit is not None and not (isinstance(crit, list) and all(isinstance(c, str) for c in crit)):
        return False
    if _surrogates({f: header[f] for f in ("alg", "kid", "typ", "cty", "crit") if f in header}):
        return False
    if claims.repeated & set(_ID_TOKEN_FIELDS):
        return False
    aud = claims.get("aud", [])
    if not isinstance(aud, str) and not (isinstance(aud, list)
                                         and all(isinstance(a, str) for a in aud)):
        return False
    try:
        oidc_time(claims.get("exp"))
        oidc_time(claims.get("iat"))
        if claims.get("auth_time") is not None:
            oidc_time(claims["auth_time"])
    except ValueError:
        return False
    for name in ("nonce", "acr", "azp", "at_hash", "c_hash"):
        if claims.get(name) is not None and not isinstance(claims[name], str):
            return False
    amr = claims.get("amr")
    if amr is not None and not (isinstance(amr, list) and all(isinstance(a, str) for a in amr)):
        return False
    return _standard_claims_readable(claims)


def _standard_claims_readable(claims: _Dupes) -> bool:
    seen: set[tuple[str, str]] = set()
    for key, value in claims.items():
        if key in _ID_TOKEN_FIELDS:
            continue
        name, _, tag = key.partition("#")
        if name not in _TAGGABLE + _UNTAGGED:
            continue
        if key in claims.repeated or (name, tag) in seen or (tag and name in _UNTAGGED):
            return False
        seen.add((name, tag))
        if not _standard_value_ok(name, value):
            return False
    return ("sub", "") in seen


def _standard_value_ok(name: str, value: Any) -> bool:
    if name == "sub":
        return isinstance(value, str)
    if value is None:
        return True
    if name in ("email_verified", "phone_number_verified"):
        return isinstance(value, bool)
    if name == "updated_at":
        try:
            oidc_time(value)
        except ValueError:
            return False
        return True
    if name == "address":
        fields = ("formatted", "street_address", "locality", "region", "postal_code", "country")
        if isinstance(value, list):
            return len(value) == 6 and all(v is None or isinstance(v, str) for v in value)
        return isinstance(value, dict) and not (_repeated(value) & set(fields)) and all(
            value.get(f) is None or isinstance(value.get(f), str) for f in fields)
    return isinstance(value, str)


def _typ_ok(typ: Any) -> bool:
    if typ is None:
        return True
    lowered = str(typ).lower()
    return ("application/" + lowered if "/" not in lowered else lowered) in (
        "application/jwt", "application/jose")


def _oidc(parts: list[str], iss: str, app: str, now: float, fetch: Fetch) -> None:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iss) or (
            iss.lower().startswith(("http:", "https:")) and not urlsplit(iss).hostname):
        raise Rejected(500, "InternalServerError", INTERNAL)
    keys = _discover(iss, fetch)
    try:
        if len(parts) != 3:
            raise ValueError("parts")
        header, claims = _json_object(parts[0], False), _json_object(parts[1], False)
        signature = unb64(parts[2], strict=False)
        if not _id_token_readable(header, claims):
            raise ValueError("not an ID token")
    except ValueError:
        raise Rejected(401, "InvalidAuthHeader", NOT_OIDC) from None
    refuse = Rejected(401, "Unauthenticated", UNVERIFIED)
    alg = header.get("alg")
    if not _typ_ok(header.get("typ")) or header.get("cty") is not None or \
            header.get("crit") is not None or alg in _ENCRYPTING:
        raise refuse
    auds = [claims["aud"]] if isinstance(claims.get("aud"), str) else claims.get("aud", [])
    if claims.get("iss") != iss or app not in auds or any(a != app for a in auds):
        raise refuse
    if alg not in ("RS256", "EdDSA"):
        raise refuse
    kid = header.get("kid")
    kty = {"RS256": "RSA", "EdDSA": "OKP"}[str(alg)]
    fitting = [k for k in keys
               if (kid is None or k.get("kid") == kid) and k.get("use") in (None, "sig")
               and k.get("kty") == kty and k.get("alg") in (None, alg)]
    if len(fitting) != 1:
        raise refuse
    signed = f"{parts[0]}.{parts[1]}".encode()
    if not _signature_ok(str(alg), fitting[0], signed, signature):
        raise refuse
    if math.floor(now) >= oidc_time(claims["exp"]):
        raise refuse


# --- customJwt ----------------------------------------------------------------------------------

def _media_type_ok(value: str | None) -> bool:
    """The mime crate's reading of a JWKS Content-Type, which must be present."""
    if value is None:
        return False
    head, _, params = value.partition(";")
    kind, slash, sub = head.partition("/")
    if not slash or not _MIME_TOKEN.match(kind) or not (sub == "" or _MIME_TOKEN.match(sub)):
        return False
    if head.lower() not in ("application/json", "application/jwk-set+json"):
        return False
    charset = None
    for piece in params.split(";") if params else []:
        text = piece.lstrip(" ")
        if not text and piece == params.split(";")[-1]:
            continue
        name, eq, val = text.partition("=")
        quoted = re.fullmatch(r'"([^"\x00-\x1f\x7f]*)" *', val)
        if not eq or not _MIME_TOKEN.match(name) or not (quoted or _MIME_TOKEN.match(val)):
            return False
        if name.lower() == "charset" and charset is None:
            charset = quoted.group(1) if quoted else val
    return charset is None or charset.lower() == "utf-8"


def _strict_bytes(value: Any) -> bool:
    try:
        unb64(str(value), strict=True) if isinstance(value, str) else None
    except ValueError:
        return False
    return isinstance(value, str)


def _biscuit_key_ok(key: Any) -> bool:
    if not isinstance(key, dict):
        return False
    for name in ("use", "kid", "x5u", "x5t"):
        if key.get(name) is not None and not isinstance(key[name], str):
            return False
    for name in ("key_ops", "x5c"):
        if key.get(name) is not None and not (isinstance(key[name], list)
                                              and all(isinstance(v, str) for v in key[name])):
            return False
    alg = key.get("alg")
    if alg is not None and alg not in tuple(a for a in _SIGNING if a != "EdDSA") \
            + _ENCRYPTING + _KEY_WRAPPING:
        return False
    curves = ("P-256", "P-384", "P-521", "Ed25519", "Ed448")
    kty = key.get("kty")
    if kty == "RSA":
        return _strict_bytes(key.get("n")) and _strict_bytes(key.get("e"))
    if kty == "EC":
        return key.get("crv") in curves and _strict_bytes(key.get("x")) and \
            _strict_bytes(key.get("y"))
    if kty == "OKP":
        return key.get("crv") in curves and _strict_bytes(key.get("x"))
    return kty == "oct" and _strict_bytes(key.get("k"))


def _custom_jwks(location: str, fetch: Fetch) -> dict[str, Any]:
    bad = Rejected(401, "InvalidAuthHeader", "Invalid JWKS response body")
    if location.strip()[:5].lower() == "data:":
        meta, _, data = location.strip()[5:].partition(",")
        body = unquote_to_bytes(data)
        if meta.rstrip(" ").lower().endswith(";base64"):
            cleaned = re.sub(rb"\s", b"", body)
            body = base64.b64decode(cleaned + b"=" * (-len(cleaned) % 4))
    else:
        try:
            status, headers, body = fetch(location)
        except Exception as exc:
            raise Rejected(401, "InvalidAuthHeader", "Could not fetch JWKS") from exc
        if status != 200:
            raise Rejected(401, "InvalidAuthHeader", f"Could not fetch JWKS: HTTP {status}")
        if not _media_type_ok(headers.get("content-type")):
            raise Rejected(401, "InvalidAuthHeader", "Invalid Content-Type")
    try:
        document = read_json(body)
    except ValueError:
        raise bad from None
    if not isinstance(document, dict) or "keys" in _repeated(document) or \
            not isinstance(document.get("keys"), list) or \
            not all(_biscuit_key_ok(k) for k in document["keys"]):
        raise bad
    return document


def _custom(parts: list[str], row: dict[str, Any], now: float, fetch: Fetch) -> None:
    document = _custom_jwks(str(row.get("jwks")), fetch)
    refuse = Rejected(401, "InvalidAuthHeader", CUSTOM_DECODE)
    configured = _algorithm(row)
    try:
        if len(parts) != 3:
            raise ValueError("parts")
        signature = unb64(parts[2], strict=True)
        header = _json_object(parts[0], strict=True)
        claims = _json_object(parts[1], strict=True)
    except ValueError:
        raise refuse from None
    kid = header.get("kid")
    if not isinstance(kid, str) or header.get("alg") not in _SIGNING or header.get("alg") \
            == "EdDSA" or any(header.get(f) is not None and not isinstance(header[f], str)
                              for f in ("typ", "cty")):
        raise refuse
    crit = header.get("crit")
    if crit is not None and not (isinstance(crit, list) and all(isinstance(c, str) for c in crit)):
        raise refuse
    key = next((k for k in document["keys"] if k.get("kid") == kid), None)
    if key is None:
        raise refuse
    if key.get("alg") is not None and (key["alg"] != header["alg"] or key["alg"] != configured):
        raise refuse
    if key.get("alg") is None and header["alg"] != configured:
        raise refuse
    if not _signature_ok(configured, key, f"{parts[0]}.{parts[1]}".encode(), signature):
        raise refuse
    auds = [claims["aud"]] if isinstance(claims.get("aud"), str) else claims.get("aud") or []
    app = row.get("applicationID")
    if app is not None and app not in auds:
        raise Rejected(401, "InvalidAuthHeader", "Invalid audience")
    clock = math.floor(now)
    if claims.get("exp") is not None and clock - registered_time(claims["exp"]) > 5:
        raise Rejected(401, "InvalidAuthHeader", "Could not validate token: Token expired")
    for name in ("nbf", "iat"):
        if claims.get(name) is not None and registered_time(claims[name]) - clock > 5:
            raise Rejected(401, "InvalidAuthHeader",
                           "Could not validate token: Token will be valid later")
    if any(claims.get(n) is None for n in ("sub", "iss", "exp")):
        raise Rejected(401, "InvalidAuthHeader", "Could not verify token claim.")


# --- the whole judgement ------------------------------------------------------------------------

def judge(token: str, rows: list[dict[str, Any]], *, now: float | None = None,
          fetch: Fetch = http_get, no_provider: Callable[[], str] | None = None) -> Verdict:
    """Convex's answer to ``Authorization: Bearer <token>`` given the ``_auth`` rows."""
    clock = time.time() if now is None else now
    parts = token.split(".")
    position: int | None = None
    try:
        try:
            claims = _routing_payload(parts)
        except ValueError:
            raise Rejected(401, "InvalidAuthHeader", PARSE_PAYLOAD) from None
        iss = claims.get("iss")
        if iss is None:
            raise Rejected(401, "InvalidAuthHeader", NO_ISS)
        aud = claims.get("aud")
        auds = [aud] if isinstance(aud, str) else (aud or [])
        position = next((p for p in provider_order(rows) if _matches(rows[p], auds, iss)), None)
        if position is None:
            text = no_provider() if no_provider else "No auth provider found matching the " \
                "given token"
            raise Rejected(401, "NoAuthProvider", text)
        row = rows[position]
        if row.get("type") == "customJwt":
            _custom(parts, row, clock, fetch)
        else:
            _oidc(parts, iss, str(row.get("applicationID")), clock, fetch)
    except Rejected as answer:
        return Verdict(answer.status, answer.code, answer.message, position)
    return Verdict(200, "", "", position)
