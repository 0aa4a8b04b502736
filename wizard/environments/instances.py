"""The Clerk instances a project names: one per environment, from its publishable key.

A publishable key's prefix says the instance type (``pk_test_`` development, ``pk_live_``
production) and its body the instance's Frontend API host, which is also its issuer (each
instance has its own issuer and keys: a token of one never verifies against the other).
An issuer value is said to name an instance by its host alone; whether Convex would match it
exactly is a separate question (:func:`names_exactly`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wizard.environments.env_sources import EnvironmentFiles, ProjectFiles
from wizard.providers.clerk.keys import (
    PUBLISHABLE_KEY_NAMES,
    InvalidPublishableKey,
    decode_publishable_key,
    find_publishable_key,
)
from wizard.records import record
from wizard.rules.convex import issuer_matches_domain
from wizard.services.keys import is_loopback

DEVELOPMENT, PRODUCTION, UNKNOWN = "development", "production", "unknown"
_DEV_FAPI_SUFFIX = ".clerk.accounts.dev"
"""Every development instance's Frontend API lives under this domain (clerk_facts §1.2)."""


def frontend_api_url(host: str) -> str:
    """The issuer of the instance whose Frontend API is ``host``: https, or http on this
    machine (a local stand-in)."""
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return ("http://" if is_loopback(hostname) else "https://") + host


@record(frozen=True)
class ClerkInstance:
    instance_type: str  # development | production (the key's prefix)
    frontend_api: str  # the host
    source: str  # ".env.production:VITE_CLERK_PUBLISHABLE_KEY"
    scope: str  # hosting | environment | shared (see env_sources)

    @property
    def url(self) -> str:
        return frontend_api_url(self.frontend_api)

    @property
    def file(self) -> str:
        return self.source.rpartition(":")[0]

    @property
    def variable(self) -> str:
        return self.source.rpartition(":")[2]

    def to_dict(self) -> dict[str, Any]:
        return {"instance_type": self.instance_type, "frontend_api": self.frontend_api,
                "frontend_api_url": self.url, "source": self.source, "scope": self.scope}


@record(frozen=True)
class KeyProblem:
    """A publishable key that does not decode (Clerk's own reason)."""

    source: str
    scope: str
    problem: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "scope": self.scope, "problem": self.problem}


def instance_of(files: EnvironmentFiles) -> ClerkInstance | KeyProblem | None:
    """The instance the environment's build would use (the winning publishable key)."""
    found = find_publishable_key(files.env)
    if found is None:
        return None
    scope = files.scope_of(found)
    try:
        key = decode_publishable_key(found.value.strip())
    except InvalidPublishableKey as exc:
        return KeyProblem(found.source, scope, str(exc))
    return ClerkInstance(key.instance_type, key.frontend_api, found.source, scope)


def known_hosts(files: ProjectFiles) -> dict[str, str]:
    """Frontend API host → instance type, for every publishable key in any env file."""
    hosts: dict[str, str] = {}
    for values in files.values.values():
        for name in PUBLISHABLE_KEY_NAMES:
            found = values.get(name)
            if found is None:
                continue
            try:
                key = decode_publishable_key(found.value.strip())
            except InvalidPublishableKey:
                continue
            hosts.setdefault(key.frontend_api, key.instance_type)
    return hosts


def issuer_host(value: str) -> str:
    """The host (with a port, if any) an issuer value names; "" when it names none."""
    text = value.strip().strip("'\"`").strip()
    if "://" not in text:
        text = "https://" + text
    try:
        return urlsplit(text).netloc.rpartition("@")[2]
    except ValueError:
        return ""


def instance_type_of(value: str, hosts: dict[str, str]) -> str:
    """Which kind of instance an issuer value names: one the project's keys name, else a
    development one by its ``*.clerk.accounts.dev`` host, else unknown."""
    host = issuer_host(value)
    if host in hosts:
        return hosts[host]
    return DEVELOPMENT if host.lower().endswith(_DEV_FAPI_SUFFIX) else UNKNOWN


def names_exactly(value: str, instance: ClerkInstance) -> bool:
    """Would Convex match a token of ``instance`` against the domain ``value``?"""
    return issuer_matches_domain(value, instance.url)

