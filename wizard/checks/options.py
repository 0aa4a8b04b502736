"""How a run was set up (what the user passed), and what the checks that need the whole
picture read from the session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Protocol

from wizard.project.issuer import Issuer
from wizard.project.reader import Project
from wizard.project.sourced import Sourced
from wizard.records import record
from wizard.rules.jwt import AuthPath
from wizard.services.http import DEFAULT_TIMEOUT
from wizard.services.keys import Destinations


@record(frozen=True)
class Options:
    project_dir: Path | None = None
    issuer: str | None = None
    application_id: str | None = None
    jwks_file: Path | None = None
    at: float | None = None
    offline: bool = False
    timeout: float = DEFAULT_TIMEOUT
    environ: Mapping[str, str] = field(default_factory=dict)
    ask_convex: bool = False  # send the token to the deployment (--ask-convex)
    deploy_key_env: str | None = None  # the variable holding the deploy key
    path: AuthPath | None = None  # when the user chose one
    use_secret_key: bool = False  # the user agreed: CLERK_SECRET_KEY may go to Clerk's API
    production: bool = False  # the user agreed: the production deployment may be asked (--prod)
    destinations: Destinations = field(default_factory=Destinations)  # hosts the user named
    provider: str = "clerk"  # the identity provider (wizard.providers.registry)


class SessionFacts(Protocol):
    """What is known about one project: the walkthrough's session is one. The checks read it
    through this view, so they never depend on the walkthrough."""

    @property
    def options(self) -> Options: ...

    @property
    def project(self) -> Project: ...

    @property
    def issuer(self) -> Issuer | None: ...

    @property
    def application_id(self) -> Sourced: ...

    def token_snippet(self) -> str:
        """The console line that mints the token Convex receives on the chosen path."""
