"""Fetching an issuer's discovery document and JWKS the way Convex does, within SPEC §6's limits.

One client, one connection: discovery then ``jwks_uri``. Every failure is returned as a
:class:`FetchProblem` (what, where, why), never raised.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from wizard import __version__
from wizard.convex_rules import ALLOWED_ALGS, discovery_url
from wizard.tls import verified_context

DEFAULT_TIMEOUT = 10.0
MAX_REDIRECTS = 5
MAX_BODY_BYTES = 1024 * 1024
USER_AGENT = f"convex-auth-wizard/{__version__}"


@dataclass(frozen=True)
class FetchProblem:
    kind: str  # network | status | content | issuer_mismatch | no_jwks_uri | no_keys
    url: str
    message: str
    status: int | None = None
    found: str | None = None


@dataclass(frozen=True)
class SigningKey:
    kid: str | None
    kty: str
    alg: str
    jwk: dict[str, Any]
    key: PyJWK


@dataclass
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
    elapsed: float = 0.0

    @property
    def usable(self) -> bool:
        return bool(self.keys)


class _BodyTooLarge(Exception):
    pass


def new_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    return httpx.Client(
        timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS,
        verify=verified_context(),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )


def _network_message(exc: Exception, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, _BodyTooLarge):
        return f"the answer is larger than {MAX_BODY_BYTES // 1024} KiB"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL, ValueError)):
        return f"not a fetchable URL ({exc})"
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"TLS certificate could not be verified ({text})"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({text})"
    return f"{type(exc).__name__}: {text}"


def _get(client: httpx.Client, url: str) -> tuple[int, str, bytes]:
    """GET with the body capped: a larger answer is an error, not a memory problem."""
    with client.stream("GET", url) as response:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _BodyTooLarge()
            chunks.append(chunk)
        content_type = response.headers.get("content-type", "")
        return response.status_code, content_type, b"".join(chunks)


def _essence(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _status_text(status: int) -> str:
    try:
        from http import HTTPStatus

        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _fetch_json(client: httpx.Client, url: str, timeout: float,
                content_types: tuple[str, ...]) -> tuple[Any, FetchProblem | None]:
    try:
        status, content_type, body = _get(client, url)
    except (httpx.HTTPError, httpx.InvalidURL, _BodyTooLarge, ValueError) as exc:
        return None, FetchProblem("network", url, _network_message(exc, timeout))
    if status != 200:
        return None, FetchProblem("status", url, f"answered {_status_text(status)}", status)
    essence = _essence(content_type)
    if content_type and essence not in content_types:
        return None, FetchProblem("content", url, f"answered with Content-Type {essence!r}", 200,
                                  found=essence)
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        start = body[:40].decode("utf-8", "replace").strip()
        return None, FetchProblem("content", url, f"the body is not JSON (starts {start!r})", 200)
    if not isinstance(document, dict):
        return None, FetchProblem("content", url, "the JSON is not an object", 200)
    return document, None


def parse_jwks(document: Any) -> tuple[list[SigningKey], list[str]]:
    """Keep the keys Convex could use; describe the ones it would skip."""
    keys: list[SigningKey] = []
    skipped: list[str] = []
    raw_keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(raw_keys, list):
        return keys, ["the document has no \"keys\" array"]
    for raw in raw_keys:
        if not isinstance(raw, dict):
            skipped.append("an entry that is not an object")
            continue
        label = str(raw.get("kid") or raw.get("kty") or "a key")
        try:
            key = PyJWK(raw)
        except (PyJWTError, ValueError, TypeError, KeyError) as exc:
            skipped.append(f"{label}: unusable ({exc})")
            continue
        alg = str(raw.get("alg") or key.algorithm_name)
        if alg not in ALLOWED_ALGS:
            skipped.append(f"{label}: {alg} (Convex accepts only RS256 and EdDSA)")
            continue
        if raw.get("use") not in (None, "sig"):
            skipped.append(f"{label}: use {raw.get('use')!r} is not for signatures")
            continue
        kid = raw.get("kid")
        keys.append(SigningKey(kid if isinstance(kid, str) else None, str(raw.get("kty")),
                               alg, raw, key))
    return keys, skipped


def fetch_issuer_keys(issuer: str, *, timeout: float = DEFAULT_TIMEOUT,
                      client: httpx.Client | None = None) -> IssuerKeys:
    """Discovery, then the ``jwks_uri`` it names (never an assumed ``/.well-known/jwks.json``)."""
    started = time.perf_counter()
    result = IssuerKeys(issuer=issuer, discovery_url=discovery_url(issuer))
    owned = client is None
    http = client or new_client(timeout)
    try:
        document, problem = _fetch_json(http, result.discovery_url, timeout, ("application/json",))
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
                "issuer_mismatch", result.discovery_url,
                f"the document's issuer is {found_issuer!r}", 200, found=result.discovery_issuer)
        if result.jwks_uri is None:
            result.discovery_problem = FetchProblem(
                "no_jwks_uri", result.discovery_url, "the document has no jwks_uri", 200)
            return result
        jwks, problem = _fetch_json(http, result.jwks_uri, timeout,
                                    ("application/json", "application/jwk-set+json"))
        if problem is not None:
            result.jwks_problem = problem
            return result
        result.keys, result.skipped = parse_jwks(jwks)
        if not result.keys:
            result.jwks_problem = FetchProblem(
                "no_keys", result.jwks_uri,
                "; ".join(result.skipped) or "the key set is empty", 200)
        return result
    finally:
        result.elapsed = time.perf_counter() - started
        if owned:
            http.close()


def load_jwks_file(path: Path, issuer: str) -> IssuerKeys:
    """``--jwks FILE``: a key set from disk instead of the network; discovery is skipped."""
    result = IssuerKeys(issuer=issuer, from_file=str(path), jwks_uri=str(path))
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        result.jwks_problem = FetchProblem("content", str(path), f"could not be read as JSON ({exc})")
        return result
    result.keys, result.skipped = parse_jwks(document)
    if not result.keys:
        result.jwks_problem = FetchProblem("no_keys", str(path),
                                           "; ".join(result.skipped) or "the key set is empty")
    return result


# Public names for other HTTP clients (Clerk's Backend API) held to the same limits.
BodyTooLarge = _BodyTooLarge
network_message = _network_message
status_text = _status_text


def request_capped(client: httpx.Client, method: str, url: str, *, json_body: Any = None,
                   headers: dict[str, str] | None = None) -> tuple[int, httpx.Headers, bytes]:
    """Any request with the body capped at :data:`MAX_BODY_BYTES` (raises BodyTooLarge)."""
    kwargs: dict[str, Any] = {} if json_body is None else {"json": json_body}
    with client.stream(method, url, headers=headers, **kwargs) as response:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _BodyTooLarge()
            chunks.append(chunk)
        return response.status_code, response.headers, b"".join(chunks)
