"""The issuer: found once (SPEC §3), then read through one value everywhere.

The same text is needed in several shapes: as written (to say what is wrong with it), as Convex
stores it (to compare a token's ``iss`` with, whitespace and all), as a URL to fetch, and as a
host (to compare with the publishable key's). :class:`Issuer` holds the text and gives each
shape by one recipe, so no caller strips quotes, slashes or whitespace its own way.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from wizard.project.reader import Project
from wizard.project.sourced import Sourced
from wizard.records import record
from wizard.rules.convex import stored_domain

_QUOTES = "'\"`"


@record(frozen=True)
class Issuer:
    raw: str
    """The text exactly as found (a ``.env`` value keeps its quotes and spaces here)."""
    source: str
    """Where it was found: ``.env.local:CLERK_JWT_ISSUER_DOMAIN``, ``--issuer`` …"""
    derived: bool = False
    """Not found anywhere: made from the publishable key's host."""

    @property
    def stored(self) -> str:
        """What Convex stores and compares a token's ``iss`` with: the text as it is, with
        ``https://`` added when it has no scheme (never stripped)."""
        return stored_domain(self.raw)

    @property
    def shown(self) -> str:
        """The text without surrounding whitespace, for people."""
        return self.raw.strip()

    @property
    def fetch_url(self) -> str:
        """Where its discovery document is fetched from: the text without surrounding
        whitespace, with ``https://`` added when it has no scheme."""
        return stored_domain(self.shown)

    @property
    def host(self) -> str:
        """``host[:port]``, lowercased, of the text without whitespace or quotes around it
        (a bare host counts as https); "" when it does not parse."""
        return url_host(self.shown.strip(_QUOTES))

    def same_as(self, saved: str | None) -> bool:
        """Whether ``saved`` (an issuer kept from an earlier run) is this issuer: the same
        URL, whitespace around it and trailing slashes aside (Convex drops those too)."""
        return saved is not None and \
            Issuer(saved, "saved").fetch_url.rstrip("/") == self.fetch_url.rstrip("/")


def url_host(url: str) -> str:
    """``host[:port]`` of ``url``, lowercased (a bare host counts as https); "" when it does
    not parse."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        return urlsplit(text).netloc.lower()
    except ValueError:
        return ""


def resolve_issuer(project: Project, override: str | None, deployment_value: str | None, *,
                   usual_vars: tuple[str, ...] = (), derived: str | None = None) -> Issuer | None:
    """SPEC §3: ``--issuer``; a literal domain in auth.config; the deployment's value; the
    variable in .env files; the identity provider's ``usual_vars``; ``derived`` (the issuer
    its public key implies), marked as derived."""
    if override:
        return Issuer(override, "--issuer")
    provider = project.oidc_provider
    if provider is not None and provider.domain and not provider.domain_env:
        # A literal domain in auth.config is what Convex uses; no variable is involved.
        line = provider.domain_line or provider.line
        return Issuer(provider.domain, f"{project.auth_path}:{line}")
    var = project.issuer_var
    if deployment_value:
        return Issuer(deployment_value, f"deployment:{var}")
    candidates = [var] + [name for name in usual_vars if name != var]
    for name in candidates:
        found: Sourced | None = project.env.get(name)
        if found is not None and found.value != "":
            return Issuer(found.value, found.source)
    if derived is not None:
        return Issuer(derived, "derived from the publishable key", derived=True)
    return None
