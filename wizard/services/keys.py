"""Where a key may be sent (SPEC §6): to its own home, or to a host the user named.

Homes: a Convex cloud deploy key (``prod:NAME|…``, ``dev:NAME|…``, ``preview:NAME|…``) belongs
to NAME's ``.convex.cloud`` host, in any region; Clerk's secret key belongs to
``https://api.clerk.com``; a token sent with ``--ask-convex`` to the deployment it is asked
about. A self-hosted admin key, a preview or project deploy key (no deployment inside) and a
legacy untyped key have no home. Any other host needs the user's word: a command-line flag
(``--deployment-url``, ``--clerk-api-url``) or a yes in the wizard's dialog that names the
host, kept in memory for this run only. A URL read from the project, its ``.env`` files or the
environment is never that word, and neither is finding a key there.

:func:`wizard.services.http.request_capped` is the only code that puts a key in an ``Authorization``
header, and it does so only where :meth:`Credential.admits` says yes, on every redirect hop.
Nothing here imports httpx until a URL is judged.
"""

from __future__ import annotations

import re
from dataclasses import field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wizard.records import record

if TYPE_CHECKING:
    import httpx

DEPLOYMENT_FLAG = "--deployment-url"
CLERK_API_FLAG = "--clerk-api-url"
CLERK_API_HOME = "https://api.clerk.com"
_CLERK_API_HOST = re.compile(r"api\.clerk\.com")
# A deploy key of one cloud deployment names it (convex-js deploymentNameFromAdminKey); a
# preview deploy key ("preview:team:project|…"), a project key and a self-hosted or legacy
# untyped key name none.
_KEY_NAME_RE = re.compile(r"^(prod|dev|preview):([a-z0-9]+(?:-[a-z0-9]+)*)\|")


def is_loopback(host: str | None) -> bool:
    """This machine: where plain http is acceptable (a local issuer, a local deployment)."""
    return host is not None and (host in ("localhost", "::1") or host.startswith("127."))


def url_problem(url: str) -> str | None:
    """Why a token or a deploy key must not be sent to ``url``, or None when it may.

    Only https, or plain http to this machine (a local or self-hosted backend)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:
        return f"{url!r} is not a URL"
    if parts.scheme not in ("http", "https") or not host:
        return f"{url!r} is not an http(s) URL"
    if parts.path not in ("", "/"):
        return f"{url} has a path; a deployment URL is an origin such as https://name.convex.cloud"
    if parts.scheme == "http" and not is_loopback(host):
        return f"{url} is plain http to another machine; a token is only sent over https " \
            "(or http to 127.0.0.1/localhost)"
    return None


def deploy_key_target(key: str) -> tuple[str, str] | None:
    """("prod"|"dev"|"preview", name) for a key of one cloud deployment, else None."""
    match = _KEY_NAME_RE.match(key.strip())
    return (match.group(1), match.group(2)) if match else None


@record(frozen=True)
class Destinations:
    """The hosts the user named for the keys: with a flag, or by agreeing in the wizard."""

    deployment_url: str | None = None
    """``--deployment-url``: the deployment to ask (instead of the project's URL)."""
    clerk_api_url: str | None = None
    """``--clerk-api-url``: the root of Clerk's Backend API (instead of api.clerk.com)."""
    agreed_deployments: frozenset[str] = frozenset()
    """Deployment URLs the deploy key may go to: agreed in the wizard, this run only."""
    agreed_clerk_apis: frozenset[str] = frozenset()
    """Backend API URLs the secret key may go to: agreed in the wizard, this run only."""

    def for_deploy_key(self) -> tuple[str, ...]:
        named = (self.deployment_url,) if self.deployment_url else ()
        return named + tuple(sorted(self.agreed_deployments))

    def for_clerk_secret_key(self) -> tuple[str, ...]:
        named = (self.clerk_api_url,) if self.clerk_api_url else ()
        return named + tuple(sorted(self.agreed_clerk_apis))

    def agree_deployment(self, url: str) -> Destinations:
        return replace(self, agreed_deployments=self.agreed_deployments | {url})

    def agree_clerk_api(self, url: str) -> Destinations:
        return replace(self, agreed_clerk_apis=self.agreed_clerk_apis | {url})


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """What a request connects to: scheme, host and port (the scheme's default made explicit),
    exactly as httpx parses the URL it will send."""
    default = {"https": 443, "http": 80}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def shown_origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, for messages and for the flag to pass."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return url
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii', 'replace')}"


@record(frozen=True)
class Credential:
    """An ``Authorization`` header and the only hosts it may go to. Its ``repr`` never holds
    the secret, and the secret is never part of a message."""

    scheme: str  # "Bearer" | "Convex"
    secret: str = field(repr=False)
    label: str  # "the deploy key", "the Clerk secret key", "the token"
    source: str  # where it was read: "environment:CONVEX_DEPLOY_KEY"
    flag: str  # the command-line flag that names another host for it
    home: str = ""  # where it belongs, for messages ("" when it has no home)
    home_host: re.Pattern[str] | None = None  # the https hosts (port 443) that are its home
    named: tuple[str, ...] = ()  # URLs the user named or agreed to

    @property
    def header(self) -> str:
        return f"{self.scheme} {self.secret}"

    def admits(self, url: httpx.URL | str) -> bool:
        """May this credential be sent to ``url``? Its home, or an origin the user named."""
        import httpx

        try:
            target = _origin(url if isinstance(url, httpx.URL) else httpx.URL(url))
        except (httpx.InvalidURL, ValueError):
            return False
        if self.home_host is not None and target[0] == "https" and target[2] == 443 \
                and self.home_host.fullmatch(target[1]):
            return True
        for named in self.named:
            try:
                if _origin(httpx.URL(named)) == target:
                    return True
            except (httpx.InvalidURL, ValueError):
                continue
        return False


class KeyWithheld(Exception):
    """A request that would have carried a key to a host it does not belong to; nothing was
    sent. Raised before any connection is made."""

    def __init__(self, credential: Credential, url: str, redirected_from: str | None = None):
        self.credential = credential
        self.url = url
        self.origin = shown_origin(url)
        self.redirected_from = redirected_from
        super().__init__(self.sentence)

    @property
    def why(self) -> str:
        credential = self.credential
        if self.redirected_from is not None:
            return (f"{shown_origin(self.redirected_from)} redirected there, and a key never "
                    "follows a redirect to a host you did not name")
        if credential.home:
            return f"it belongs to {credential.home}, and you did not name {self.origin}"
        return f"{credential.label} names no deployment, so it goes only to a host you name"

    @property
    def sentence(self) -> str:
        credential = self.credential
        return (f"{credential.label} from {credential.source} was not sent to {self.origin}: "
                f"{self.why}")


def clerk_secret_key_credential(secret: str, source: str,
                                destinations: Destinations) -> Credential:
    return Credential("Bearer", secret.strip(), "the Clerk secret key", source, CLERK_API_FLAG,
                      CLERK_API_HOME, _CLERK_API_HOST, destinations.for_clerk_secret_key())


def deploy_key_credential(key: str, source: str, destinations: Destinations) -> Credential:
    """Its home is the cloud deployment the key names, if it names one."""
    target = deploy_key_target(key)
    deployment = target[1] if target else None
    home, pattern = "", None
    if deployment is not None:
        home = f"deployment {deployment} (https://{deployment}.convex.cloud)"
        pattern = re.compile(re.escape(deployment) + r"(?:\.[a-z0-9-]+)?\.convex\.cloud")
    return Credential("Convex", key.strip(), "the deploy key", source, DEPLOYMENT_FLAG, home,
                      pattern, destinations.for_deploy_key())


def token_credential(token: str, url: str) -> Credential:
    """The token goes to the one deployment it was sent to ask (``--ask-convex`` or the
    wizard's button, both naming it), and never follows a redirect elsewhere."""
    return Credential("Bearer", token.strip(), "the token", "what you pasted", DEPLOYMENT_FLAG,
                      named=(url,))
