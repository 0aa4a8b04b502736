"""Fetching an issuer's discovery document and JWKS the way Convex does, within SPEC §6's limits.

One client, one connection: discovery then ``jwks_uri``. Every failure is returned as a
:class:`FetchProblem` (what, where, why), never raised.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.convex_rules import ALLOWED_ALGS, discovery_url
from wizard.files import read_regular_file
from wizard.http import (
    DEFAULT_TIMEOUT,
    MAX_BODY_BYTES,
    clock_skew,
    content_essence,
    network_errors,
    network_message,
    new_client,
    request_capped,
    status_text,
)

if TYPE_CHECKING:  # imported on first use: reading a project needs neither
    import httpx
    from jwt import PyJWK

__all__ = ["DEFAULT_TIMEOUT", "MAX_BODY_BYTES", "FetchProblem", "IssuerKeys", "SigningKey",
           "fetch_issuer_keys", "load_jwks_file", "new_client", "parse_jwks"]

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
    clock_skew: float | None = None
    """How far the issuer's ``Date`` header is ahead of this machine's clock (seconds)."""

    @property
    def usable(self) -> bool:
        return bool(self.keys)


def _fetch_json(client: httpx.Client, url: str, timeout: float, content_types: tuple[str, ...],
                result: IssuerKeys | None = None) -> tuple[Any, FetchProblem | None]:
    try:
        status, headers, body = request_capped(client, "GET", url)
    except network_errors() as exc:
        return None, FetchProblem("network", url, network_message(exc, timeout))
    if result is not None and result.clock_skew is None:
        result.clock_skew = clock_skew(headers, time.time())
    if status != 200:
        return None, FetchProblem("status", url, f"answered {status_text(status)}", status)
    content_type = headers.get("content-type", "")
    essence = content_essence(content_type)
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
    from jwt import PyJWK
    from jwt.exceptions import PyJWTError

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
    result = IssuerKeys(issuer=issuer, discovery_url=discovery_url(issuer))
    owned = client is None
    try:
        http = client or new_client(timeout)
    except (OSError, ValueError) as exc:  # e.g. SSL_CERT_FILE naming a missing file
        result.discovery_problem = FetchProblem(
            "network", result.discovery_url, f"could not set up TLS ({exc})")
        return result
    try:
        document, problem = _fetch_json(http, result.discovery_url, timeout, ("application/json",),
                                        result)
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
        if owned:
            http.close()


def load_jwks_file(path: Path, issuer: str) -> IssuerKeys:
    """``--jwks FILE``: a key set from disk instead of the network; discovery is skipped."""
    result = IssuerKeys(issuer=issuer, from_file=str(path), jwks_uri=str(path))
    try:
        document = json.loads(read_regular_file(path, MAX_BODY_BYTES).decode("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        result.jwks_problem = FetchProblem("content", str(path), f"could not be read as JSON ({exc})")
        return result
    result.keys, result.skipped = parse_jwks(document)
    if not result.keys:
        result.jwks_problem = FetchProblem("no_keys", str(path),
                                           "; ".join(result.skipped) or "the key set is empty")
    return result
