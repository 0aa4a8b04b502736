"""Putting it together: read the project, ask the deployment, fetch the issuer, judge a token.

The CLI runs :func:`run_checks` in one go; the UI calls the same phases one at a time
(``load`` on start, ``fetch`` in a worker, ``verify_token`` on paste).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.catalog import CLERK_CHECK_IDS, CLERK_NOT_AGREED, skipped
from wizard.config_checks import (
    auth_config_check,
    deployment_env_check,
    issuer_check,
    issuer_checks,
    issuer_matches_key_check,
    project_checks,
    version_check,
)
from wizard.convex_probe_checks import (
    ConvexReport,
    add_convex_checks,
    ask_convex,
    deploy_key_secrets,
)
from wizard.convex_rules import audience_routes, issuer_matches_domain, stored_domain
from wizard.deployment import DeploymentValue, get_deployment_env
from wizard.issuer import DEFAULT_TIMEOUT, IssuerKeys, fetch_issuer_keys, load_jwks_file
from wizard.key_hosts import Destinations
from wizard.model import Check, Sourced, Status
from wizard.project import (
    Project,
    find_project_root,
    read_project,
    resolve_application_id,
    resolve_issuer,
)
from wizard.redaction import scrub
from wizard.token import decode_token, normalize_pasted
from wizard.verify import TokenContext, TokenVerdict, not_given_checks, verify_token


@dataclass(frozen=True)
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
    path: str | None = None  # "integration" | "template", when the user chose one
    use_secret_key: bool = False  # the user agreed: CLERK_SECRET_KEY may go to Clerk's API
    destinations: Destinations = field(default_factory=Destinations)  # hosts the user named


@dataclass(frozen=True)
class Route:
    """One Clerk (OIDC) provider of auth.config with the domain it resolves to."""

    index: int
    domain: str  # as Convex stores it: the text, with https:// added when it has no scheme
    application_id: str
    issuer_var: str


@dataclass
class Session:
    """Everything known about one project; the UI keeps one and refreshes parts of it."""

    options: Options
    project: Project
    issuer: Sourced | None = None
    application_id: Sourced = field(default_factory=lambda: Sourced("convex", "default"))
    deployment: DeploymentValue | None = None
    keys: IssuerKeys | None = None
    other_keys: dict[str, IssuerKeys] = field(default_factory=dict)
    """Keys of the other Clerk providers' issuers, by stored domain (a dev and a prod
    instance in one auth.config): a token is judged against the provider it routes to."""

    def now(self) -> float:
        return self.options.at if self.options.at is not None else time.time()

    def token_context(self, path: str | None = None) -> TokenContext:
        return TokenContext(
            # Not stripped: Convex compares the stored domain as is, whitespace included.
            issuer=stored_domain(self.issuer.value) if self.issuer else None,
            application_id=self.application_id.value,
            issuer_var=self.project.issuer_var,
            auth_path=self.project.auth_path,
            path=path or self.options.path,
        )

    def other_routes(self) -> list[Route]:
        """The Clerk providers after the first, with a domain known locally."""
        if self.options.issuer:
            return []  # --issuer pins the one issuer to judge against
        routes: list[Route] = []
        oidc = [p for p in self.project.auth.providers if p.kind == "oidc"]
        for provider in oidc[1:]:
            if provider.domain_env:
                found = self.project.env.get(provider.domain_env)
                domain = found.value if found else None
            else:
                domain = provider.domain
            app = provider.application_id
            if provider.application_id_env:
                found_app = self.project.env.get(provider.application_id_env)
                app = found_app.value if found_app else None
            if domain and app:
                routes.append(Route(provider.index, stored_domain(domain), app,
                                    provider.domain_env or self.project.issuer_var))
        return routes

    def _route_for(self, text: str) -> Route | None:
        """Convex takes the first provider whose domain and applicationID match the token; a
        token that matches the first one, or none, is judged against the first."""
        claims = decode_token(normalize_pasted(text)).claims or {}
        iss, aud = claims.get("iss"), claims.get("aud")
        if not isinstance(iss, str):
            return None
        first = self.token_context()
        if first.issuer is not None and issuer_matches_domain(first.issuer, iss) \
                and audience_routes(aud, first.application_id):
            return None
        for route in self.other_routes():
            if issuer_matches_domain(route.domain, iss) and audience_routes(aud, route.application_id):
                return route
        return None

    def project_checks(self) -> list[Check]:
        return project_checks(self.project)

    def config_checks(self, path: str | None = None) -> list[Check]:
        """``env.*``, ``convex.*`` and ``issuer.*`` (after :meth:`fetch`)."""
        var = self.project.issuer_var
        checks = [
            issuer_check(self.project, self.issuer),
            issuer_matches_key_check(self.project, self.issuer),
            auth_config_check(self.project, self.issuer),
            deployment_env_check(self.project, self.issuer, self.deployment,
                                 self.options.offline),
            version_check(self.project, path or self.options.path),
        ]
        if self.options.offline and self.keys is None:
            reason = "--offline: no network call"
        elif self.issuer is None:
            reason = "no issuer to fetch"
        else:
            reason = "the issuer was not fetched"
        checks += issuer_checks(self.keys, var, reason)
        return checks

    def fetch(self) -> None:
        """The slow part: the deployment's variable (subprocess) and the issuer's keys."""
        opts = self.options
        if not opts.offline and self.project.issuer_var_declared:
            self.deployment = get_deployment_env(self.project.root, self.project.issuer_var)
            deployed = self.deployment.value if self.deployment.status == "found" else None
            self.issuer = resolve_issuer(self.project, opts.issuer, deployed)
        issuer = stored_domain(self.issuer.value.strip()) if self.issuer else None
        if opts.jwks_file is not None:
            self.keys = load_jwks_file(opts.jwks_file, issuer or "")
        elif issuer and not opts.offline:
            self.keys = fetch_issuer_keys(issuer, timeout=opts.timeout)
            for route in self.other_routes():
                if route.domain.strip() != issuer and route.domain not in self.other_keys:
                    self.other_keys[route.domain] = fetch_issuer_keys(route.domain.strip(),
                                                                      timeout=opts.timeout)

    def verify(self, text: str, path: str | None = None,
               now: float | None = None) -> TokenVerdict:
        """Judge ``text`` against the fetched keys at ``now`` (the UI passes its clock)."""
        when = self.now() if now is None else now
        route = self._route_for(text)
        if route is None:
            return verify_token(text, self.token_context(path), self.keys, when)
        context = TokenContext(issuer=route.domain, application_id=route.application_id,
                               issuer_var=route.issuer_var, auth_path=self.project.auth_path,
                               path=path or self.options.path)
        keys = self.other_keys.get(route.domain)
        if keys is None and (self.options.jwks_file is not None or (
                self.keys is not None and self.keys.issuer == route.domain.strip())):
            keys = self.keys  # the same issuer as the first provider, or --jwks
        return verify_token(text, context, keys, when)


def load(options: Options) -> Session:
    """Fast: reads a few fixed files, no network, no subprocess."""
    if options.project_dir is not None:
        root, found = options.project_dir.resolve(), True
        found = (root / "package.json").is_file() or (root / "convex").is_dir()
    else:
        root, found = find_project_root(Path.cwd())
    project = read_project(root, found, options.environ)
    session = Session(options=options, project=project)
    session.issuer = resolve_issuer(project, options.issuer, None)
    session.application_id = resolve_application_id(project, options.application_id)
    return session


@dataclass
class Verdict:
    session: Session
    checks: list[Check]
    token: TokenVerdict | None
    convex: ConvexReport | None = None

    @property
    def ok(self) -> bool:
        if any(c.status is Status.FAIL for c in self.checks):
            return False
        if self.token is not None:
            return self.token.verified
        return True

    def to_json(self) -> dict[str, Any]:
        session, project = self.session, self.session.project
        document: dict[str, Any] = {
            "ok": self.ok,
            "project": str(project.root),
            "issuer": session.issuer.value if session.issuer else None,
            "issuer_source": session.issuer.source if session.issuer else None,
            "application_id": session.application_id.value,
            "publishable_key": project.publishable_key_info(),
            "token": self.token.to_dict() if self.token else None,
            "checks": [c.to_dict() for c in self.checks],
            "convex": self.convex.to_json() if self.convex else None,
        }
        return document

    def secrets(self) -> list[str]:
        return self.session.project.secret_values() + deploy_key_secrets(self.session)

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets())


def clerk_side_checks(session: Session, path: str | None) -> list[Check]:
    """The clerk.* checks; the Backend API client is loaded only when the user agreed."""
    if not session.options.use_secret_key:
        return [skipped(check_id, CLERK_NOT_AGREED) for check_id in CLERK_CHECK_IDS]
    from wizard.clerk_checks import for_session

    return for_session(session, path)


def run_checks(options: Options, token_text: str | None = None) -> Verdict:
    session = load(options)
    session.fetch()
    path = options.path
    token: TokenVerdict | None = None
    if token_text is not None:
        token = session.verify(token_text)
        if path is None and token.kind is not None and token.kind.kind in ("integration",
                                                                          "template"):
            path = token.kind.kind
    clerk = clerk_side_checks(session, path)
    checks = session.project_checks() + clerk + session.config_checks(path)
    if token is not None:
        checks += token.checks
    else:
        checks += not_given_checks("no token given (use --token, --token-file or --token -)")
    convex = ask_convex(session, token_text, token)  # sends only when asked or keyed
    checks = add_convex_checks(checks, session, convex, token)
    return Verdict(session, checks, token, convex)
