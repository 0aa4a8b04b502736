"""Asking a Convex deployment itself (research/convex_http_probe.md §2, §3, §6).

``probe_token`` sends the token to ``POST <deployment>/api/query`` with a ``_system/`` path:
Convex parses the path, then authenticates the ``Authorization`` header, and only then looks
the function up, so a 401 means the token was rejected and a 200 means it was accepted, and a
``_system`` function is refused to every user identity before any module is loaded, so no user
code can run. ``list_auth_providers`` reads the providers the deployment really has, with a
deploy key. Both judge by status and ``code``; the message is only shown. Nothing here raises.

Network rules are those of :mod:`wizard.services.http` (one deadline, capped bodies, keys only where
they belong), and redirects are not followed: the token and the key go to the deployment URL
and nowhere else. A deploy key that may not go to the URL is not sent (status ``withheld``).
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from wizard.records import record
from wizard.rules.convex import ProviderKind
from wizard.services.http import (
    DEFAULT_TIMEOUT,
    content_essence,
    network_errors,
    network_message,
    new_client,
    request_capped,
)
from wizard.services.keys import Credential, KeyWithheld, token_credential, url_problem

if TYPE_CHECKING:
    import httpx

PROBE_PATH = "_system/authWizard:probe"
"""Valid syntax (parsed before authentication), refused to users before any lookup."""
LIST_PROVIDERS_PATH = "_system/frontend/listAuthProviders"
REJECTION_CODES = frozenset({"NoAuthProvider", "Unauthenticated", "InvalidAuthHeader"})
DISCOVERY_FAILED = "AuthProviderDiscoveryFailed"
KEY_REFUSED_CODES = frozenset({"BadAdminKey", "InvalidAdminKey", "BadDeployKey"})
MAX_MESSAGE_CHARS = 400



class ProbeStatus(str, Enum):
    """Convex's verdict on a token."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    INCONCLUSIVE = "inconclusive"
    NOT_SENT = "not_sent"


class ListStatus(str, Enum):
    """What came of asking the deployment for its auth providers."""

    LISTED = "listed"
    KEY_REFUSED = "key_refused"
    INCONCLUSIVE = "inconclusive"
    WITHHELD = "withheld"
    """The deploy key may not go to that host: nothing was sent."""


S = TypeVar("S", ProbeStatus, ListStatus)


@record(frozen=True)
class Reply:
    """What came back from one request (or why nothing did)."""

    http_status: int | None
    code: str | None
    message: str
    body: Any = None
    network: str | None = None
    withheld: KeyWithheld | None = None


@record(frozen=True)
class _Answer(Generic[S]):
    """What came back from one request to the deployment (never the token or the key)."""

    status: S
    url: str
    http_status: int | None = None
    code: str | None = None
    message: str = ""
    time: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status.value, "http_status": self.http_status, "code": self.code,
                "message": self.message, "time": round(self.time, 3), "url": self.url}


@record(frozen=True)
class ConvexAnswer(_Answer[ProbeStatus]):
    """Convex's verdict on a token: accepted, rejected, inconclusive, or not sent."""

    @property
    def what_came_back(self) -> str:
        """One line: the status, code and message, or the network failure."""
        if self.http_status is None:
            return self.message
        head = f"HTTP {self.http_status}" + (f" {self.code}" if self.code else "")
        return f"{head}: {self.message}" if self.message else head


@record(frozen=True)
class DeployedProvider:
    """One row of the deployment's ``_auth`` table."""

    kind: ProviderKind
    domain: str | None
    application_id: str | None
    issuer: str | None = None
    jwks: str | None = None
    algorithm: str | None = None

    def describe(self) -> str:
        if self.kind == "oidc":
            return f"OIDC(domain={self.domain}, applicationID={self.application_id})"
        return (f"customJwt(issuer={self.issuer}, applicationID={self.application_id}, "
                f"jwks={self.jwks}, algorithm={self.algorithm})")

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {"type": self.kind, "applicationID": self.application_id}
        if self.kind == "oidc":
            document["domain"] = self.domain
        else:
            document.update(issuer=self.issuer, jwks=self.jwks, algorithm=self.algorithm)
        return document


@record(frozen=True)
class ProvidersAnswer(_Answer[ListStatus]):
    """The deployment's auth providers (status listed | key refused | inconclusive | withheld)."""

    providers: tuple[DeployedProvider, ...] = ()
    refused_origin: str | None = None
    """Withheld: the host the deploy key was not sent to."""

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "providers": [p.to_dict() for p in self.providers]}


def _visible_ascii(text: str) -> bool:
    return bool(text) and all(33 <= ord(c) <= 126 for c in text)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + "…"


def _post_query(client: httpx.Client, url: str, path: str, credential: Credential,
                timeout: float) -> Reply:
    """``POST <url>/api/query`` with the body capped; never follows a redirect."""
    body = {"path": path, "args": {}, "format": "json"}
    try:
        status, headers, raw = request_capped(
            client, "POST", url.rstrip("/") + "/api/query", json_body=body,
            credential=credential, follow_redirects=False)
    except KeyWithheld as exc:
        return Reply(None, None, exc.sentence, withheld=exc)
    except network_errors() as exc:
        return Reply(None, None, f"{url}: {network_message(exc, timeout)}",
                     network=network_message(exc, timeout))
    ctype, location = headers.get("content-type", ""), headers.get("location", "")
    if 300 <= status < 400:
        return Reply(status, None, f"a redirect to {location or '(no Location)'}; Convex's API "
                     "does not redirect, so this is not a deployment URL (not followed)")
    try:
        document = json.loads(raw) if raw else None
    except (ValueError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict):
        essence = content_essence(ctype) or "no content type"
        start = raw[:60].decode("utf-8", "replace")
        shown = f"a {essence} body starting {_short(start)!r}" if raw else "an empty body"
        return Reply(status, None, shown)
    code = document.get("code")
    message = document.get("message") or document.get("errorMessage") or ""
    return Reply(status, code if isinstance(code, str) else None,
                 _short(str(message)), body=document)


def classify_token_reply(reply: Reply) -> ProbeStatus:
    """§6's decision table, on status and ``code`` only."""
    body = reply.body if isinstance(reply.body, dict) else {}
    if reply.http_status == 200 and body.get("status") in ("success", "error"):
        return ProbeStatus.ACCEPTED
    if reply.http_status == 404 and reply.code == "FunctionPathNotFound":
        return ProbeStatus.ACCEPTED  # backends built with UDF_404_ON_BAD_PATH
    if reply.http_status == 401 and reply.code in REJECTION_CODES:
        return ProbeStatus.REJECTED
    if reply.code == DISCOVERY_FAILED and reply.http_status is not None \
            and 400 <= reply.http_status < 500:
        return ProbeStatus.REJECTED  # a provider matched, but its issuer's keys could not be had
    return ProbeStatus.INCONCLUSIVE


def probe_token(url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT,
                client: httpx.Client | None = None) -> ConvexAnswer:
    """Does the deployment at ``url`` accept ``token``? One request; never an empty header."""
    token = token.strip()
    now = time.time()
    problem = url_problem(url)
    if problem is not None:
        return ConvexAnswer(ProbeStatus.NOT_SENT, url, message=f"not sent: {problem}", time=now)
    if not _visible_ascii(token):
        # An absent or empty header authenticates as nobody and would read as "accepted".
        return ConvexAnswer(ProbeStatus.NOT_SENT, url, message="not sent: the token is empty or has "
                            "characters a header cannot carry", time=now)
    owned = client is None
    http = client or new_client(timeout)
    try:
        reply = _post_query(http, url, PROBE_PATH, token_credential(token, url), timeout)
    finally:
        if owned:
            http.close()
    status = classify_token_reply(reply)
    return ConvexAnswer(status, url, reply.http_status, reply.code, reply.message, time.time())


def parse_providers(value: Any) -> tuple[DeployedProvider, ...] | None:
    """``_auth`` documents → providers; None when the value is not a list of objects."""
    if not isinstance(value, list):
        return None
    providers: list[DeployedProvider] = []
    for row in value:
        if not isinstance(row, dict):
            return None

        def text(name: str, source: dict[str, Any] = row) -> str | None:
            item = source.get(name)
            return item if isinstance(item, str) else None

        if row.get("type") == "customJwt":
            algorithm = text("algorithm")
            if algorithm is not None:
                algorithm = algorithm.strip('"')  # stored JSON-encoded, quotes included
            providers.append(DeployedProvider("customJwt", None, text("applicationID"),
                                              text("issuer"), text("jwks"), algorithm))
        else:
            providers.append(DeployedProvider("oidc", text("domain"), text("applicationID")))
    return tuple(providers)


def list_auth_providers(url: str, deploy_key: Credential, *, timeout: float = DEFAULT_TIMEOUT,
                        client: httpx.Client | None = None) -> ProvidersAnswer:
    """The providers the deployment really has (``_system/frontend/listAuthProviders``); the
    key is sent only where ``deploy_key`` may go (else status ``withheld``)."""
    key = deploy_key.secret
    problem = url_problem(url)
    if problem is not None:
        return ProvidersAnswer(ListStatus.INCONCLUSIVE, url, message=f"not sent: {problem}",
                               time=time.time())
    if not all(32 <= ord(c) <= 126 for c in key) or not key:
        return ProvidersAnswer(ListStatus.INCONCLUSIVE, url, message="not sent: the deploy key is empty or "
                               "has characters a header cannot carry", time=time.time())
    owned = client is None
    http = client or new_client(timeout)
    try:
        reply = _post_query(http, url, LIST_PROVIDERS_PATH, deploy_key, timeout)
    finally:
        if owned:
            http.close()
    body = reply.body if isinstance(reply.body, dict) else {}
    answer = ProvidersAnswer(ListStatus.INCONCLUSIVE, url, reply.http_status, reply.code, reply.message,
                             time.time())
    if reply.withheld is not None:
        return replace(answer, status=ListStatus.WITHHELD, refused_origin=reply.withheld.origin)
    if reply.code in KEY_REFUSED_CODES:
        return replace(answer, status=ListStatus.KEY_REFUSED)
    if reply.http_status == 200 and body.get("status") == "success":
        providers = parse_providers(body.get("value"))
        if providers is not None:
            return replace(answer, status=ListStatus.LISTED, providers=providers, message="")
        return replace(answer, message="the answer is not a list of providers")
    return answer

