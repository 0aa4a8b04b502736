"""A small client for Clerk's Backend API: the instance's domains and JWT templates.

It is only ever built with the user's agreement (``--use-secret-key`` or the wizard's
prompt), because every request carries the secret key. The key lives in a
:class:`~wizard.services.keys.Credential` and nowhere else: it is never part of a message, a
problem or a ``repr``, and it goes only to ``https://api.clerk.com`` or a host the user named
(``--clerk-api-url``, or a yes in the wizard): a ``CLERK_API_URL`` read from the project or the
environment only says where to ask, and the key is withheld there unless named. Same limits
as the issuer client (SPEC §6): one deadline per request, at most 5 redirects (none carries
the key to another host), bodies capped at 1 MiB, TLS verified. Every failure comes back as an
:class:`ApiProblem`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

from wizard.project.issuer import url_host
from wizard.project.sourced import Sourced
from wizard.providers.clerk.template import (
    DEFAULT_CLOCK_SKEW,
    DEFAULT_LIFETIME,
    TEMPLATE_NAME,
    preset_claims,
)
from wizard.records import record
from wizard.services.http import (
    DEFAULT_TIMEOUT,
    network_errors,
    network_message,
    new_client,
    request_capped,
    status_text,
)
from wizard.services.keys import CLERK_API_HOME, Credential, KeyWithheld, is_loopback

if TYPE_CHECKING:
    import httpx

DEFAULT_API_URL = CLERK_API_HOME
API_VERSION = "v1"
API_URL_VAR = "CLERK_API_URL"

T = TypeVar("T")


def convex_template_body(application_id: str = TEMPLATE_NAME) -> dict[str, Any]:
    """What ``POST /jwt_templates`` sends: the Convex preset, 60 s lifetime, 5 s skew."""
    return {
        "name": TEMPLATE_NAME,
        "claims": preset_claims(application_id),
        "lifetime": DEFAULT_LIFETIME,
        "allowed_clock_skew": DEFAULT_CLOCK_SKEW,
    }


class ApiProblemKind(str, Enum):
    """Why a Backend API call gave no usable answer; each is a reason of the clerk.* fixes."""

    CONFIG = "config"
    WITHHELD = "withheld"
    NETWORK = "network"
    INVALID_KEY = "invalid_key"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"
    STATUS = "status"
    CONTENT = "content"
    EXISTS = "exists"
    """A template named convex is there already: nothing was created."""


@record(frozen=True)
class ApiProblem:
    """Why a Backend API call gave no usable answer."""

    kind: ApiProblemKind
    url: str
    message: str
    status: int | None = None
    code: str | None = None  # Clerk's errors[0].code, e.g. clerk_key_invalid
    retry_after: str | None = None
    clerk_message: str | None = None  # Clerk's errors[0].long_message (else .message), as sent


@record(frozen=True)
class Fetched(Generic[T]):
    value: T | None = None
    problem: ApiProblem | None = None


@record(frozen=True)
class JwtTemplate:
    """A ``JWTTemplate`` object of the Backend API (the fields the checks read)."""

    id: str
    name: str
    claims: Any
    lifetime: int | None
    allowed_clock_skew: int | None
    custom_signing_key: bool
    signing_algorithm: str | None

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> JwtTemplate:
        def number(name: str) -> int | None:
            value = raw.get(name)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        alg = raw.get("signing_algorithm")
        return cls(
            id=str(raw.get("id") or ""), name=str(raw.get("name") or ""),
            claims=raw.get("claims"), lifetime=number("lifetime"),
            allowed_clock_skew=number("allowed_clock_skew"),
            custom_signing_key=raw.get("custom_signing_key") is True,
            signing_algorithm=alg if isinstance(alg, str) and alg else None,
        )


@record(frozen=True)
class ClerkDomain:
    """A ``Domain`` object: where the instance's Frontend API answers."""

    name: str
    frontend_api_url: str
    is_satellite: bool

    @property
    def host(self) -> str:
        """``host[:port]`` of the Frontend API, lowercased, as the publishable key encodes it."""
        return url_host(self.frontend_api_url)


def resolve_api_url(configured: str | None) -> tuple[str, ApiProblem | None]:
    """The versioned base URL. ``CLERK_API_URL`` holds the unversioned root, as Clerk's SDKs
    read it; the secret key goes only over https (or http to this machine)."""
    root = (configured or "").strip().rstrip("/") or DEFAULT_API_URL
    base = root if root.endswith("/" + API_VERSION) else f"{root}/{API_VERSION}"
    try:
        parts = urlsplit(base)
    except ValueError:
        return base, ApiProblem(ApiProblemKind.CONFIG, base, f"{API_URL_VAR}={root} is not a URL")
    if parts.scheme == "https" and parts.hostname:
        return base, None
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return base, None
    return base, ApiProblem(
        ApiProblemKind.CONFIG, base, f"{API_URL_VAR}={root} is not an https URL; the secret key is never "
        "sent over plain http (except to this machine)")


def _clerk_error(body: bytes) -> tuple[str | None, str | None]:
    """``(code, message)`` from Clerk's ``{"errors": [{"code", "message", "long_message"}]}``."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, None
    errors = document.get("errors") if isinstance(document, dict) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None, None
    first = errors[0]
    code = first.get("code") if isinstance(first.get("code"), str) else None
    message = first.get("long_message") or first.get("message")
    return code, message if isinstance(message, str) else None


def secret_key_instance_type(secret: str) -> str | None:
    """"development" (``sk_test_``) or "production" (``sk_live_``), by the prefix alone, as
    Clerk's SDKs tell them apart; None for anything else."""
    if secret.startswith("sk_test_"):
        return "development"
    if secret.startswith("sk_live_"):
        return "production"
    return None


class ClerkBackend:
    """Backend API calls with one secret key. Use as a context manager. ``api`` is where to
    ask (default Clerk's API) and where that came from; the key goes there only when
    ``secret_key`` admits it."""

    def __init__(self, secret_key: Credential, *, api: Sourced | None = None,
                 timeout: float = DEFAULT_TIMEOUT, client: httpx.Client | None = None) -> None:
        self.base_url, self.config_problem = resolve_api_url(api.value if api else None)
        self.api_source = api.source if api else None
        self.timeout = timeout
        self._owned = client is None
        self._client = client or new_client(timeout)
        self._credential = secret_key
        self.requests_sent = 0

    def __repr__(self) -> str:
        return f"ClerkBackend({self.base_url!r})"

    @property
    def instance_type(self) -> str | None:
        """The instance the key belongs to, from its prefix (nothing is sent to know it)."""
        return secret_key_instance_type(self._credential.secret)

    def close(self) -> None:
        if self._owned:
            self._client.close()

    def __enter__(self) -> ClerkBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- endpoints -------------------------------------------------------------------------
    def list_domains(self) -> Fetched[list[ClerkDomain]]:
        document, problem = self.request("GET", "/domains")
        if problem is not None:
            return Fetched(problem=problem)
        raw = document.get("data") if isinstance(document, dict) else None
        if not isinstance(raw, list):
            return Fetched(problem=self.content_problem("/domains", "no \"data\" list of domains"))
        domains = [
            ClerkDomain(str(d.get("name") or ""), str(d.get("frontend_api_url") or ""),
                        d.get("is_satellite") is True)
            for d in raw if isinstance(d, dict) and isinstance(d.get("frontend_api_url"), str)
        ]
        return Fetched(domains)

    def list_jwt_templates(self) -> Fetched[list[JwtTemplate]]:
        document, problem = self.request("GET", "/jwt_templates")
        if problem is not None:
            return Fetched(problem=problem)
        # A plain array; ``{"data": [...], "total_count": n}`` when paginated.
        raw = document.get("data") if isinstance(document, dict) else document
        if not isinstance(raw, list):
            return Fetched(problem=self.content_problem("/jwt_templates", "not a list of templates"))
        return Fetched([JwtTemplate.from_api(t) for t in raw if isinstance(t, dict)])

    def create_jwt_template(self, body: Mapping[str, Any]) -> Fetched[JwtTemplate]:
        document, problem = self.request("POST", "/jwt_templates", dict(body))
        if problem is not None:
            return Fetched(problem=problem)
        if not isinstance(document, dict):
            return Fetched(problem=self.content_problem("/jwt_templates", "not a template object"))
        return Fetched(JwtTemplate.from_api(document))

    # -- any call, through the key-host rules ----------------------------------------------
    def content_problem(self, path: str, message: str) -> ApiProblem:
        """A 2xx answer whose body is not what Clerk sends for ``path``."""
        return ApiProblem(ApiProblemKind.CONTENT, self.base_url + path,
                          f"the answer is not what Clerk's Backend API sends ({message})", 200)

    def request(self, method: str, path: str,
                body: dict[str, Any] | None = None) -> tuple[Any, ApiProblem | None]:
        """One call under the versioned root: the parsed JSON of a 2xx answer, or the problem.
        The key leaves only through ``request_capped`` and the key-host rules."""
        url = self.base_url + path
        if self.config_problem is not None:
            return None, self.config_problem
        self.requests_sent += 1
        try:
            status, headers, data = request_capped(self._client, method, url, json_body=body,
                                                   credential=self._credential)
        except KeyWithheld as exc:
            named_by = "" if exc.redirected_from or not self.api_source else \
                f" ({self.api_source} names it)"
            return None, ApiProblem(ApiProblemKind.WITHHELD, exc.url, exc.sentence + named_by)
        except network_errors() as exc:
            return None, ApiProblem(ApiProblemKind.NETWORK, url, network_message(exc, self.timeout))
        if not 200 <= status < 300:
            return None, _status_problem(url, status, headers, data)
        try:
            return json.loads(data), None
        except (ValueError, UnicodeDecodeError, RecursionError):
            start = data[:40].decode("utf-8", "replace").strip()
            return None, ApiProblem(ApiProblemKind.CONTENT, url, f"the body is not JSON (starts {start!r})",
                                    status)


def _status_problem(url: str, status: int, headers: httpx.Headers, body: bytes) -> ApiProblem:
    code, message = _clerk_error(body)
    said = f"answered {status_text(status)}" + (f": {message}" if message else "")
    if status == 401 or code == "clerk_key_invalid":
        kind = ApiProblemKind.INVALID_KEY
    elif status == 429:
        kind = ApiProblemKind.RATE_LIMITED
    elif status >= 500:
        kind = ApiProblemKind.SERVER
    else:
        kind = ApiProblemKind.STATUS
    return ApiProblem(kind, url, said, status, code, clerk_message=message,
                      retry_after=headers.get("retry-after") if status == 429 else None)


@record
class ClerkSide:
    """What the Backend API said about one instance (or why it could not be read)."""

    domains: list[ClerkDomain] = field(default_factory=list)
    templates: list[JwtTemplate] | None = None
    domains_problem: ApiProblem | None = None
    templates_problem: ApiProblem | None = None


def read_clerk_side(backend: ClerkBackend) -> ClerkSide:
    """Domains first: a key that cannot read them (401, 429, 5xx) is not asked again."""
    side = ClerkSide()
    domains = backend.list_domains()
    if domains.problem is not None:
        side.domains_problem = domains.problem
        return side
    side.domains = domains.value or []
    templates = backend.list_jwt_templates()
    side.templates, side.templates_problem = templates.value, templates.problem
    return side
