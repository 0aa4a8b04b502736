"""Fetching an issuer's discovery document and JWKS the way Convex does, within SPEC §6's limits.

One client, one connection: discovery then ``jwks_uri``. Every failure is returned as a
:class:`FetchProblem` (what, where, why), never raised.
"""

from __future__ import annotations

import base64
import binascii
import functools
import time
from dataclasses import field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from wizard.guards.files import read_regular_file
from wizard.records import record
from wizard.rules.convex import (
    JWKS_MEDIA_TYPES,
    OIDC_ALGS,
    RSA_BITS,
    JsonRejected,
    biscuit_jwks_problem,
    cache_lifetime,
    custom_jwt_content_type_ok,
    discovery_url,
    oidc_content_type_ok,
    oidc_curve,
    oidc_jwk_problem,
    parse_json,
    rsa_size_ok,
)
from wizard.services.http import (
    DEFAULT_TIMEOUT,
    MAX_BODY_BYTES,
    clock_skew,
    network_errors,
    network_message,
    new_client,
    request_capped,
    status_text,
)

if TYPE_CHECKING:  # imported on first use: reading a project needs neither
    import httpx

__all__ = ["DEFAULT_TIMEOUT", "MAX_BODY_BYTES", "CustomJwks", "FetchProblem", "IssuerKeys",
           "SigningKey", "fetch_custom_jwks", "fetch_issuer_keys", "load_jwks_file", "new_client",
           "parse_jwks"]

class FetchProblemKind(str, Enum):
    """How fetching the issuer's documents failed; each is a reason of its check's fixes."""

    NETWORK = "network"
    STATUS = "status"
    CONTENT = "content"
    ISSUER_MISMATCH = "issuer_mismatch"
    NO_JWKS_URI = "no_jwks_uri"
    NO_KEYS = "no_keys"
    OFFLINE = "offline"
    """This machine reaches no network (:mod:`wizard.services.reachability`)."""


@record(frozen=True)
class FetchProblem:
    kind: FetchProblemKind
    url: str
    message: str
    status: int | None = None
    found: str | None = None


@record(frozen=True)
class SigningKey:
    """A key Convex's OIDC verifier keeps from the set (it may still be unable to verify)."""

    kid: str | None
    kty: str
    alg: str | None
    jwk: dict[str, Any]

    def public_key(self, alg: str) -> tuple[Any, str]:
        """The key to verify ``alg`` with, or None and why it cannot be used."""
        return load_public_key(self.jwk, alg)


@record
class IssuerKeys:
    """What the issuer published, or why it could not be had."""

    issuer: str
    discovery_url: str = ""
    discovery_issuer: str | None = None
    jwks_uri: str | None = None
    keys: list[SigningKey] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    discovery_problem: FetchProblem | None = None
    jwks_problem: FetchProblem | None = None
    from_file: str | None = None
    clock_skew: float | None = None
    """How far the issuer's ``Date`` header is ahead of this machine's clock (seconds)."""
    fetched_at: float | None = None
    cache_seconds: int | None = None
    """How long Convex's HTTP cache may keep serving this key set (from Cache-Control)."""
    cache_control: str | None = None
    previous_kids: tuple[str, ...] | None = None
    changed_at: float | None = None
    """When a refetch found a different set of kids than the fetch before (this session)."""

    @property
    def usable(self) -> bool:
        """Some key could verify an RS256 or EdDSA token."""
        return any(_can_sign(k.jwk) for k in self.keys)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(k.kid for k in self.keys if k.kid is not None)

    def note_previous(self, before: IssuerKeys | None) -> None:
        """Remember the set this refetch replaced when its kids differ (a rotation)."""
        if before is None or before.fetched_at is None or not before.keys:
            return
        if set(before.kids) != set(self.kids):
            self.previous_kids, self.changed_at = before.kids, self.fetched_at
        else:
            self.previous_kids, self.changed_at = before.previous_kids, before.changed_at


def _can_sign(jwk: dict[str, Any]) -> bool:
    alg = {"RSA": "RS256", "OKP": "EdDSA"}.get(str(jwk.get("kty")))
    return alg is not None and jwk.get("use") in (None, "sig") and \
        jwk.get("alg") in (None, alg) and load_public_key(jwk, alg)[0] is not None


def _int(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


_KEY_MEMBERS = ("kty", "crv", "n", "e", "x", "y")


def load_public_key(jwk: dict[str, Any], alg: str) -> tuple[Any, str]:
    """A ``cryptography`` public key from the JWK for ``alg``, checked as Convex checks it,
    or None and the reason it cannot verify. Loading an RSA key costs as much as checking a
    signature, so the same key (the members that make it) is loaded once per process."""
    members = tuple(jwk.get(name) for name in _KEY_MEMBERS)
    if all(value is None or isinstance(value, str) for value in members):
        return _load_cached(alg, members)
    return _load_public_key(jwk, alg)


@functools.lru_cache(maxsize=64)
def _load_cached(alg: str, members: tuple[Any, ...]) -> tuple[Any, str]:
    jwk = {name: value for name, value in zip(_KEY_MEMBERS, members, strict=True)
           if value is not None}
    return _load_public_key(jwk, alg)


def _load_public_key(jwk: dict[str, Any], alg: str) -> tuple[Any, str]:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    try:
        if alg == "RS256":
            if not isinstance(jwk.get("n"), str) or not isinstance(jwk.get("e"), str):
                return None, "the RSA key has no n or e"
            n, e = _int(jwk["n"]), _int(jwk["e"])
            if not rsa_size_ok(n.bit_length()):
                return None, (f"the RSA key has {n.bit_length()} bits; Convex verifies only "
                              f"{RSA_BITS[0]}-{RSA_BITS[1]}-bit keys")
            return rsa.RSAPublicNumbers(e, n).public_key(), ""
        if alg == "EdDSA":
            if oidc_curve(jwk) != "Ed25519":
                return None, f"the key's crv {jwk.get('crv')!r} is not Ed25519"
            raw = base64.urlsafe_b64decode(str(jwk.get("x")) + "==")
            return ed25519.Ed25519PublicKey.from_public_bytes(raw), ""
        if alg == "ES256":
            x, y = _int(str(jwk.get("x"))), _int(str(jwk.get("y")))
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key(), ""
    except (ValueError, TypeError, binascii.Error) as exc:
        return None, f"the key does not load ({exc})"
    return None, f"no key type for {alg}"


def verify_signature(public_key: Any, alg: str, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` over ``message`` verifies (RS256 PKCS#1 v1.5, EdDSA, ES256 with
    the fixed 64-byte r||s form)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        if alg == "RS256":
            public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "EdDSA":
            public_key.verify(signature, message)
        elif alg == "ES256":
            if len(signature) != 64:
                return False
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big"))
            public_key.verify(der, message, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, AttributeError):
        return False
    return True


def _fetch_json(client: httpx.Client, url: str, timeout: float, content_types: tuple[str, ...],
                result: IssuerKeys | None = None,
                ) -> tuple[Any, FetchProblem | None, httpx.Headers | None]:
    try:
        status, headers, body = request_capped(client, "GET", url)
    except network_errors() as exc:
        from wizard.services.reachability import offline

        why = offline(url, exc)
        if why is not None:
            return None, FetchProblem(FetchProblemKind.OFFLINE, url, (
                f"{network_message(exc, timeout)}; {why}: this machine seems to be offline")), None
        return None, FetchProblem(FetchProblemKind.NETWORK, url, network_message(exc, timeout)), None
    if result is not None and result.clock_skew is None:
        result.clock_skew = clock_skew(headers, time.time())
    if status != 200:
        return None, FetchProblem(FetchProblemKind.STATUS, url, f"answered {status_text(status)}", status), \
            headers
    content_type = headers.get("content-type")
    if not oidc_content_type_ok(content_type, content_types):
        found = content_type if content_type is not None else ""
        return None, FetchProblem(FetchProblemKind.CONTENT, url, f"answered with Content-Type {found!r}", 200,
                                  found=found), headers
    try:
        document = parse_json(body)
    except JsonRejected as exc:
        start = body[:40].decode("utf-8", "replace").strip()
        return None, FetchProblem(FetchProblemKind.CONTENT, url, f"the body is not JSON ({exc}; starts "
                                  f"{start!r})", 200), headers
    if not isinstance(document, dict):
        return None, FetchProblem(FetchProblemKind.CONTENT, url, "the JSON is not an object", 200), headers
    return document, None, headers


def parse_jwks(document: Any) -> tuple[list[SigningKey], list[str]]:
    """The keys Convex's OIDC verifier keeps (a key it cannot read is skipped, the rest of the
    set still counts); the skipped ones and the ones that cannot sign are described."""
    keys: list[SigningKey] = []
    skipped: list[str] = []
    raw_keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(raw_keys, list):
        return keys, ["the document has no \"keys\" array"]
    for raw in raw_keys:
        label = str(raw.get("kid") or raw.get("kty") or "a key") if isinstance(raw, dict) \
            else "an entry"
        problem = oidc_jwk_problem(raw)
        if problem is not None:
            skipped.append(f"{label}: skipped by Convex ({problem})")
            continue
        kid = raw.get("kid")
        alg = raw.get("alg")
        keys.append(SigningKey(kid if isinstance(kid, str) else None, str(raw.get("kty")),
                               alg if isinstance(alg, str) else None, raw))
        if raw.get("use") not in (None, "sig"):
            skipped.append(f"{label}: use {raw.get('use')!r} is not for signatures")
        elif raw.get("kty") not in ("RSA", "OKP") or (alg is not None and alg not in OIDC_ALGS):
            skipped.append(f"{label}: {alg or raw.get('kty')} (Convex accepts only RS256 and "
                           "EdDSA)")
        elif not _can_sign(raw):
            why = load_public_key(raw, "RS256" if raw.get("kty") == "RSA" else "EdDSA")[1]
            skipped.append(f"{label}: cannot verify ({why})")
    return keys, skipped


def fetch_issuer_keys(issuer: str, *, timeout: float = DEFAULT_TIMEOUT,
                      client: httpx.Client | None = None) -> IssuerKeys:
    """Discovery, then the ``jwks_uri`` it names (never an assumed ``/.well-known/jwks.json``)."""
    result = IssuerKeys(issuer=issuer, discovery_url=discovery_url(issuer))
    owned = client is None
    try:
        http = client or new_client(timeout)
    except (OSError, ValueError) as exc:  # e.g. SSL_CERT_FILE naming a missing file
        result.discovery_problem = FetchProblem(
            FetchProblemKind.NETWORK, result.discovery_url, f"could not set up TLS ({exc})")
        return result
    try:
        document, problem, _ = _fetch_json(http, result.discovery_url, timeout,
                                           ("application/json",), result)
        if problem is not None:
            result.discovery_problem = problem
            return result
        assert document is not None
        found_issuer = document.get("issuer")
        result.discovery_issuer = found_issuer if isinstance(found_issuer, str) else None
        jwks_uri = document.get("jwks_uri")
        if isinstance(jwks_uri, str) and jwks_uri:
            result.jwks_uri = jwks_uri
        if result.discovery_issuer is None or \
                result.discovery_issuer.rstrip("/") != issuer.rstrip("/"):
            result.discovery_problem = FetchProblem(
                FetchProblemKind.ISSUER_MISMATCH, result.discovery_url,
                f"the document's issuer is {found_issuer!r}", 200, found=result.discovery_issuer)
        if result.jwks_uri is None:
            result.discovery_problem = FetchProblem(
                FetchProblemKind.NO_JWKS_URI, result.discovery_url, "the document has no jwks_uri", 200)
            return result
        jwks, problem, headers = _fetch_json(http, result.jwks_uri, timeout, JWKS_MEDIA_TYPES)
        result.fetched_at = time.time()
        if headers is not None:
            result.cache_seconds = cache_lifetime(dict(headers.items()), result.fetched_at)
            result.cache_control = headers.get("cache-control")
        if problem is not None:
            result.jwks_problem = problem
            return result
        result.keys, result.skipped = parse_jwks(jwks)
        if not result.usable:
            result.jwks_problem = FetchProblem(
                FetchProblemKind.NO_KEYS, result.jwks_uri,
                "; ".join(result.skipped) or "the key set is empty", 200)
        return result
    finally:
        if owned:
            http.close()


def load_jwks_file(path: Path, issuer: str) -> IssuerKeys:
    """``--jwks FILE``: a key set from disk instead of the network; discovery is skipped."""
    result = IssuerKeys(issuer=issuer, from_file=str(path), jwks_uri=str(path))
    try:
        document = parse_json(read_regular_file(path, MAX_BODY_BYTES))
    except (OSError, ValueError) as exc:
        result.jwks_problem = FetchProblem(FetchProblemKind.CONTENT, str(path), f"could not be read as JSON ({exc})")
        return result
    result.keys, result.skipped = parse_jwks(document)
    if not result.usable:
        result.jwks_problem = FetchProblem(FetchProblemKind.NO_KEYS, str(path),
                                           "; ".join(result.skipped) or "the key set is empty")
    return result


@record
class CustomJwks:
    """A customJwt provider's key set as Convex reads it: no discovery, the whole set must
    parse (``problem`` says why not), and every failure is the token's (401)."""

    url: str
    document: dict[str, Any] | None = None
    problem: str | None = None
    fetched_at: float | None = None
    cache_seconds: int | None = None
    cache_control: str | None = None

    @property
    def kids(self) -> tuple[str, ...]:
        keys = self.document.get("keys", []) if self.document else []
        return tuple(k["kid"] for k in keys if isinstance(k.get("kid"), str))


def decode_data_url(url: str) -> bytes | None:
    """The bytes of a ``data:`` URL (base64 or percent-encoded), or None when ``url`` is not
    one. Its media type is ignored, as Convex ignores it."""
    text = url.strip()
    if text[:5].lower() != "data:" or "," not in text:
        return None
    meta, _, data = text[5:].partition(",")
    raw = unquote_to_bytes(data)
    if meta.rstrip(" ").lower().endswith(";base64"):
        squeezed = bytes(b for b in raw if b not in b" \t\n\r\f")
        try:
            return base64.b64decode(squeezed + b"=" * (-len(squeezed) % 4), validate=True)
        except (binascii.Error, ValueError):
            return b""
    return raw


def fetch_custom_jwks(url: str, *, timeout: float = DEFAULT_TIMEOUT,
                      client: httpx.Client | None = None) -> CustomJwks:
    """The ``jwks`` of a customJwt provider: a ``data:`` URL decoded in place, any other URL
    fetched (200 and a JSON Content-Type required); then the whole set parsed."""
    result = CustomJwks(url=url)
    body = decode_data_url(url)
    if body is None:
        owned = client is None
        try:
            http = client or new_client(timeout)
        except (OSError, ValueError) as exc:
            result.problem = f"could not set up TLS ({exc})"
            return result
        try:
            status, headers, body = request_capped(http, "GET", url)
        except network_errors() as exc:
            result.problem = f"could not fetch {url}: {network_message(exc, timeout)}"
            return result
        finally:
            if owned:
                http.close()
        result.fetched_at = time.time()
        result.cache_seconds = cache_lifetime(dict(headers.items()), result.fetched_at)
        result.cache_control = headers.get("cache-control")
        if status != 200:
            result.problem = f"{url} answered {status_text(status)}"
            return result
        content_type = headers.get("content-type")
        if not custom_jwt_content_type_ok(content_type):
            result.problem = (f"{url} answered with Content-Type {content_type!r}; Convex "
                              "needs application/json or application/jwk-set+json")
            return result
    try:
        document = parse_json(body)
    except JsonRejected as exc:
        result.problem = f"the key set is not JSON ({exc})"
        return result
    problem = biscuit_jwks_problem(document)
    if problem is not None:
        result.problem = f"the key set does not parse as Convex reads it: {problem}"
        return result
    result.document = document
    return result
