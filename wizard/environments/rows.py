"""The matrix's rows: one per environment, each column a value or the reason it is empty.

Skip reasons (``*_skip``): offline | no_consent (production was not agreed to) | no_key (no
deploy key of exactly that deployment) | no_token | no_url | no_instance (no publishable key) |
development_key (production's key is a ``pk_test_`` one) | not_a_token | not_applicable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from wizard.environments.convex_cli import FOUND, CliAnswer
from wizard.environments.discovery import Deployment, Discovery
from wizard.environments.instances import ClerkInstance, KeyProblem
from wizard.environments.model import Environment, Finding
from wizard.guards.redaction import scrub_data
from wizard.project.reader import DEFAULT_APPLICATION_ID, DEFAULT_ISSUER_VAR
from wizard.records import record
from wizard.services.convex_cli import CLI_TIMEOUT
from wizard.services.convex_probe import ConvexAnswer, ProvidersAnswer
from wizard.services.http import DEFAULT_TIMEOUT
from wizard.services.issuer_keys import IssuerKeys

OFFLINE, NO_CONSENT, NO_KEY, NO_TOKEN, NO_URL = (
    "offline", "no_consent", "no_key", "no_token", "no_url")
NO_INSTANCE, DEVELOPMENT_KEY, NOT_A_TOKEN, NOT_APPLICABLE = (
    "no_instance", "development_key", "not_a_token", "not_applicable")
CLI_TOO_OLD = "cli_too_old"


@record(frozen=True)
class MatrixOptions:
    issuer_var: str = DEFAULT_ISSUER_VAR
    """The variable ``auth.config`` reads for the Clerk domain."""
    application_id: str = DEFAULT_APPLICATION_ID
    offline: bool = False
    production: bool = False
    """Consent to ask the production deployment (CLI ``--prod``, providers, token probe)."""
    deployment_urls: Mapping[Environment, str] = field(default_factory=dict)
    """Deployment URLs the user named (flag or dialog), per environment: that environment's
    deploy key may go there, as well as to its own ``.convex.cloud`` home."""
    tokens: Mapping[Environment, str] = field(default_factory=dict, repr=False)
    """A token per environment to ask that environment's deployment about."""
    timeout: float = DEFAULT_TIMEOUT
    cli_timeout: float = CLI_TIMEOUT


@record(frozen=True)
class Row:
    environment: Environment
    instance: ClerkInstance | None
    key_problem: KeyProblem | None
    compared_with: ClerkInstance | None
    """The instance the deployment's issuer should name: the row's own, or for a preview
    without one, development's (previews on the host's domain use development keys)."""
    deployment: Deployment
    issuer: CliAnswer
    listing: CliAnswer | None
    issuer_instance: str | None  # development | production | unknown (what the value names)
    same_instance: bool | None
    exact: bool | None
    providers: ProvidersAnswer | None
    providers_skip: str
    discovery: IssuerKeys | None
    discovery_skip: str
    answer: ConvexAnswer | None
    answer_skip: str
    token_issuer: str | None

    @property
    def issuer_value(self) -> str | None:
        """The value the deployment really holds, when the CLI answered for it."""
        if self.issuer.status != FOUND or self.issuer.wrong_deployment:
            return None
        return self.issuer.value

    def to_dict(self) -> dict[str, Any]:
        instance = self.instance.to_dict() if self.instance else None
        return {
            "environment": self.environment.value,
            "publishable_key": instance,
            "publishable_key_problem": self.key_problem.to_dict() if self.key_problem
            else None,
            "compared_with": self.compared_with.frontend_api if self.compared_with else None,
            "deployment": self.deployment.to_dict(),
            "issuer": self.issuer.to_dict(),
            "listing": self.listing.to_dict() if self.listing else None,
            "issuer_instance": self.issuer_instance,
            "same_instance": self.same_instance,
            "exact": self.exact,
            "providers": self.providers.to_dict() if self.providers else None,
            "providers_skip": self.providers_skip or None,
            "discovery": _discovery_dict(self.discovery) if self.discovery else None,
            "discovery_skip": self.discovery_skip or None,
            "convex_answer": self.answer.to_dict() if self.answer else None,
            "convex_answer_skip": self.answer_skip or None,
            "token_issuer": self.token_issuer,
        }


def _discovery_dict(keys: IssuerKeys) -> dict[str, Any]:
    problem = keys.discovery_problem or keys.jwks_problem
    return {"url": keys.discovery_url, "answers": problem is None,
            "problem": None if problem is None else {
                "stage": "discovery" if keys.discovery_problem else "jwks",
                "kind": problem.kind, "url": problem.url, "status": problem.status,
                "message": problem.message},
            "kids": list(keys.kids)}


@record(frozen=True)
class Matrix:
    discovery: Discovery
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...]

    def row(self, environment: Environment) -> Row:
        return next(r for r in self.rows if r.environment is environment)

    def to_dict(self) -> dict[str, Any]:
        """The whole matrix as JSON data, scrubbed of every key the project holds."""
        document = {"discovery": self.discovery.to_dict(),
                    "rows": [r.to_dict() for r in self.rows],
                    "findings": [f.to_dict() for f in self.findings]}
        scrubbed: dict[str, Any] = scrub_data(document, self.discovery.secrets())
        return scrubbed
