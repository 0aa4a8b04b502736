"""What the core needs from an identity provider (Clerk is the one there is).

The Convex rules, the project reading, the checks of the issuer, auth.config and the deployment,
and the walkthrough are the provider's business only through :class:`IdentityProvider`: its
public key in the project's env and the issuer that key implies, what kind of token a paste
is, the console line that mints a token, its dashboard, its own checks and its secrets. A
second provider is one module that implements it and one line in
:mod:`wizard.providers.registry`.
"""

from __future__ import annotations

from typing import Any, Protocol

from wizard.checks.model import Check
from wizard.checks.options import SessionFacts
from wizard.project.envfiles import EnvFiles
from wizard.project.issuer import Issuer
from wizard.project.reader import Project
from wizard.project.sourced import Sourced
from wizard.records import record
from wizard.rules.jwt import AuthPath, Classification, DecodedToken
from wizard.text.messages import Message


@record(frozen=True)
class PublicKey:
    """The provider's public key as the project holds it (Clerk's publishable key)."""

    found: Sourced
    """The value and the variable it was found in."""
    instance_type: str | None = None
    """"development" or "production"; None when the key does not decode."""
    host: str | None = None
    """The host the key names (Clerk's Frontend API); None when the key does not decode."""
    problem: str | None = None
    """Why it is not a valid key (a message id), when it is not."""

    def to_json(self) -> dict[str, Any]:
        """As the JSON output and the report show it (it is public)."""
        return {"instance_type": self.instance_type, "frontend_api": self.host,
                "source": self.found.source}


class IdentityProvider(Protocol):
    """An identity provider whose tokens a Convex app verifies (OIDC, as Convex reads it)."""

    @property
    def name(self) -> str: ...

    @property
    def dashboard_url(self) -> str: ...

    @property
    def issuer_vars(self) -> tuple[str, ...]:
        """The variables that may hold its issuer when auth.config names none."""

    def find_key(self, env: EnvFiles) -> PublicKey | None:
        """Its public key in the project's env files or environment."""

    def derived_issuer(self, key: PublicKey | None) -> str | None:
        """The issuer ``key`` implies (used, marked as derived, when none is set)."""

    def classify(self, token: DecodedToken, application_id: str) -> Classification:
        """What kind of token (or not a token) a paste is."""

    def token_snippet(self, path: AuthPath | None) -> str:
        """The browser-console line that mints the token Convex receives on ``path``."""

    def console_check(self, path: AuthPath | None) -> str:
        """The browser-console lines that show the provider is loaded and print the token."""

    def claims(self, path: AuthPath, application_id: str) -> str:
        """The claims the token must carry on ``path``, as pasteable JSON."""

    def dashboard_hint(self, key: PublicKey | None) -> Message:
        """How to pick the right application in its dashboard."""

    def key_checks(self, project: Project, key: PublicKey | None,
                   issuer: Issuer | None) -> list[Check]:
        """Its checks of the project's env: the public key, and the issuer it implies."""

    def api_checks(self, session: SessionFacts, path: AuthPath | None) -> list[Check]:
        """Its checks through its own API (skipped ones when the user did not agree)."""

    @property
    def template_check(self) -> str:
        """The id of its check that a JWT template exists (fixed by creating it)."""

    def template_request(self, session: SessionFacts) -> tuple[str, dict[str, Any]]:
        """The URL and body of the request that creates that template."""

    def create_template(self, session: SessionFacts) -> str | None:
        """Send it (only after the user saw it and said yes, and agreed to use the key):
        None when created, else why not, in one line."""

    def secret_values(self, env: EnvFiles) -> list[str]:
        """Every value of ``env`` that is one of its secrets (no output may show them)."""
