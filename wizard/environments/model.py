"""The values the environment matrix is made of: environments, fixes and findings, as data.

Nothing here is a sentence: a finding carries its check id, the environment, a status, a
reason code and the values a sentence would need; a fix is a command line (argv), a
dashboard page, or a file to edit. The catalog turns them into words.
"""

from __future__ import annotations

import shlex
from dataclasses import field
from enum import Enum
from typing import Any

from wizard.checks.model import Status
from wizard.records import record


class Environment(str, Enum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    PREVIEW = "preview"


ENVIRONMENTS: tuple[Environment, ...] = (
    Environment.DEVELOPMENT, Environment.PRODUCTION, Environment.PREVIEW)

INSTANCES = "envs.instances"
PROD_DEPLOYMENT_ENV = "envs.prod_deployment_env"
PREVIEW_DEFAULT = "envs.preview_default"
PROD_PROVIDERS = "envs.prod_providers"
PROD_DISCOVERY = "envs.prod_discovery"
CHECK_IDS: tuple[str, ...] = (
    INSTANCES, PROD_DEPLOYMENT_ENV, PREVIEW_DEFAULT, PROD_PROVIDERS, PROD_DISCOVERY)
"""The matrix's checks, in the order they are shown."""

CLERK_DOMAINS_PAGE = "https://dashboard.clerk.com/last-active?path=domains"
CLERK_API_KEYS_PAGE = "https://dashboard.clerk.com/last-active?path=api-keys"
PROD_ISSUER_PLACEHOLDER = "https://clerk.<your-domain>"
"""Stands in a fix for the production Frontend API URL when no ``pk_live_`` key names it."""
DEV_ISSUER_PLACEHOLDER = "https://<slug>.clerk.accounts.dev"


@record(frozen=True)
class Fix:
    """One thing to do: run ``argv`` (command); open ``url`` on the ``instance``
    (development or production) of the Clerk application (dashboard); set ``variable`` in
    ``file`` (file), or in the hosting provider's variables for ``instance``'s environment
    (hosting). An empty ``value`` means the instance's own value, which only its dashboard
    shows (a publishable key)."""

    kind: str  # "command" | "dashboard" | "file" | "hosting"
    argv: tuple[str, ...] = ()
    url: str = ""
    instance: str = ""
    file: str = ""
    variable: str = ""
    value: str = ""

    @property
    def command(self) -> str:
        """The command line to type (each argument quoted for a POSIX shell)."""
        return shlex.join(self.argv)

    @property
    def touches_production(self) -> bool:
        return "--prod" in self.argv

    def to_dict(self) -> dict[str, Any]:
        """The fields this kind of fix uses (the empty ones left out)."""
        document: dict[str, Any] = {"kind": self.kind}
        if self.argv:
            document.update(argv=list(self.argv), command=self.command)
        for name in ("url", "instance", "file", "variable", "value"):
            if getattr(self, name):
                document[name] = getattr(self, name)
        return document


def command(*argv: str) -> Fix:
    return Fix("command", argv=argv)


@record(frozen=True)
class Finding:
    """One check's verdict for one environment."""

    check_id: str
    environment: Environment
    status: Status
    reason: str
    values: dict[str, Any] = field(default_factory=dict)
    fixes: tuple[Fix, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.check_id, "environment": self.environment.value,
                "status": self.status.value, "reason": self.reason, "values": dict(self.values),
                "fixes": [f.to_dict() for f in self.fixes]}
