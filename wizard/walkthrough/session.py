"""Putting it together: read the project, ask the deployment, fetch the issuer, judge a token.

The CLI runs :func:`run_checks` in one go; the UI calls the same phases one at a time
(``load`` on start, ``fetch`` in a worker, ``verify_token`` on paste).
"""

from __future__ import annotations

import os
import time
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.checks.catalog import ordered
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.checks.project_checks import project_checks
from wizard.guards.redaction import scrub
from wizard.project.deployment_url import deploy_key_secrets
from wizard.project.issuer import Issuer, resolve_issuer
from wizard.project.reader import (
    Project,
    find_project_root,
    read_project,
    resolve_application_id,
)
from wizard.project.sourced import Sourced
from wizard.providers.base import IdentityProvider, PublicKey
from wizard.providers.registry import DEFAULT_PROVIDER, provider_named
from wizard.records import record
from wizard.rules.jwt import AuthPath, DecodedToken, read_paste
from wizard.text.messages import N_, Message, current_language

if TYPE_CHECKING:
    from concurrent.futures import Future

    # What the session needs only once it fetches, judges a token or asks Convex is
    # imported there, so that the wizard's first frame does not wait for it.
    from wizard.checks.convex_checks import ConvexReport
    from wizard.checks.routing import Evaluated
    from wizard.checks.token_checks import TokenContext, TokenVerdict
    from wizard.environments import Matrix
    from wizard.rules.convex import AuthProvider
    from wizard.services.convex_cli import DeploymentValue
    from wizard.services.issuer_keys import CustomJwks, IssuerKeys


@record
class Session:
    """Everything known about one project; the UI keeps one and refreshes parts of it."""

    options: Options
    project: Project
    provider: IdentityProvider = field(default_factory=lambda: provider_named(DEFAULT_PROVIDER))
    public_key: PublicKey | None = None
    """The identity provider's public key in the project (Clerk's publishable key)."""
    issuer: Issuer | None = None
    application_id: Sourced = field(default_factory=lambda: Sourced("convex", "default"))
    deployment: DeploymentValue | None = None
    keys: IssuerKeys | None = None
    other_keys: dict[str, IssuerKeys] = field(default_factory=dict)
    """Keys of the other OIDC providers' issuers, by stored domain (a dev and a prod
    instance in one auth.config): a token is judged against the provider it routes to."""
    custom_jwks: dict[str, CustomJwks] = field(default_factory=dict)
    """customJwt providers' key sets, by their ``jwks`` URL."""
    environments: Matrix | None = None
    """Every environment side by side (``envs.*``), after :meth:`fetch`."""

    def now(self) -> float:
        return self.options.at if self.options.at is not None else time.time()

    def secrets(self) -> list[str]:
        """Every value no file, report, JSON output, log or screen may show: the project's
        secrets and the deploy key (what every output is scrubbed of)."""
        return self.provider.secret_values(self.project.env) + deploy_key_secrets(
            self.project.env, self.options.deploy_key_env) + (
            self.environments.discovery.secrets() if self.environments else [])

    def token_snippet(self) -> str:
        """The console line that mints the token Convex receives on the chosen path."""
        return self.provider.token_snippet(self.options.path)

    def derived_issuer(self) -> str | None:
        return self.provider.derived_issuer(self.public_key)

    def token_context(self, path: AuthPath | None = None) -> TokenContext:
        """The context of the first OIDC provider of auth.config (the identity provider's)."""
        from wizard.checks.token_checks import TokenContext

        return TokenContext(
            issuer=self.issuer.stored if self.issuer else None,
            application_id=self.application_id.value,
            issuer_var=self.project.issuer_var,
            auth_path=self.project.auth_path,
            path=path or self.options.path,
        )

    def _key_checks(self, step: str) -> list[Check]:
        """The identity provider's checks of its key that belong to ``step``."""
        return [check for check in self.provider.key_checks(self.project, self.public_key,
                                                            self.issuer) if check.step == step]

    def evaluated(self) -> Evaluated:
        """The providers the deployment would hold, evaluated with what is known here."""
        from wizard.checks.routing import evaluate_providers

        return evaluate_providers(self.project, self.issuer, self.application_id,
                                  pinned=bool(self.options.issuer))

    def project_checks(self) -> list[Check]:
        """``project.root`` and the ``env.*`` checks of what the project holds (the identity
        provider's key among them)."""
        return ordered([*project_checks(self.project), *self._key_checks("project")])

    def config_checks(self, path: AuthPath | None = None) -> list[Check]:
        """``env.issuer*``, ``convex.*`` and ``issuer.*`` (after :meth:`fetch`)."""
        from wizard.checks.config_checks import (
            auth_config_check,
            deployment_env_check,
            issuer_check,
            issuer_checks,
            version_check,
        )

        var = self.project.issuer_var
        checks = [
            issuer_check(self.project, self.issuer),
            *self._key_checks("verify-config"),
            auth_config_check(self.project, self.issuer),
            deployment_env_check(self.project, self.issuer, self.derived_issuer(),
                                 self.deployment, self.options.offline),
            version_check(self.project, path or self.options.path),
        ]
        if self.options.offline and self.keys is None:
            reason = Message(N_("--offline: no network call"))
        elif self.issuer is None:
            reason = Message(N_("no issuer to fetch"))
        else:
            reason = Message(N_("the issuer was not fetched"))
        checks += issuer_checks(self.keys, var, reason)
        if self.environments is not None:
            from wizard.environments.checks import matrix_checks

            checks += matrix_checks(self.environments)
        return checks

    def app_checks(self, path: AuthPath | None = None) -> list[Check]:
        """The ``app.*`` checks: the app's own code, read (never run) from the project."""
        from wizard.checks.app_checks import app_checks

        return app_checks(self.project.root, path or self.options.path, self.options.environ)

    def fetch(self) -> None:
        """The slow part: every environment's matrix (the project's Convex CLI, asked once
        per environment at the same time), the deployment's variable and the issuer's keys.
        The matrix is built in a thread; only its development answer is waited for."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="environments") as pool:
            matrix = pool.submit(self._environments)
            self._fetch_deployment_and_keys(matrix)
            self.environments = matrix.result()

    def _fetch_deployment_and_keys(self, matrix: Future[Matrix]) -> None:
        from wizard.services.convex_cli import EnvLookup
        from wizard.services.issuer_keys import (
            fetch_custom_jwks,
            fetch_issuer_keys,
            load_jwks_file,
        )

        opts = self.options
        if not opts.offline and self.project.issuer_var_declared:
            self.deployment = self._development_value(matrix)
            deployed = self.deployment.value if self.deployment.status is EnvLookup.FOUND else None
            self.issuer = resolve_issuer(self.project, opts.issuer, deployed,
                                         usual_vars=self.provider.issuer_vars,
                                         derived=self.derived_issuer())
        issuer = self.issuer.fetch_url if self.issuer else None
        if opts.jwks_file is not None:
            self.keys = load_jwks_file(opts.jwks_file, issuer or "")
            return
        if opts.offline:
            return
        if issuer:
            fresh = fetch_issuer_keys(issuer, timeout=opts.timeout)
            fresh.note_previous(self.keys)
            self.keys = fresh
        for provider in self.evaluated().providers:
            if provider.kind == "customJwt" and provider.jwks:
                self.custom_jwks[provider.jwks] = fetch_custom_jwks(provider.jwks,
                                                                    timeout=opts.timeout)
            elif provider.domain.strip() != issuer and provider.domain not in self.other_keys:
                self.other_keys[provider.domain] = fetch_issuer_keys(provider.domain.strip(),
                                                                     timeout=opts.timeout)

    def _environments(self) -> Matrix:
        from wizard.environments import MatrixOptions, check_environments

        opts = self.options
        return check_environments(self.project.root, MatrixOptions(
            issuer_var=self.project.issuer_var, application_id=self.application_id.value,
            offline=opts.offline, production=opts.production, timeout=opts.timeout),
            opts.environ or os.environ)

    def _development_value(self, matrix: Future[Matrix]) -> DeploymentValue:
        """The matrix's answer for development, waited for only when there is a CLI to run
        (without one the matrix finishes beside the issuer's fetch). Where the matrix held
        back (``CONVEX_DEPLOYMENT`` names production and ``--prod`` was not given) ``check``
        asks as it always has, with only that deployment's key in play."""
        from wizard.services.convex_cli import (
            CLI_TIMEOUT,
            DeploymentValue,
            EnvLookup,
            convex_cli,
            no_cli,
        )

        if convex_cli(self.project.root) is None:
            missing = no_cli()
            return DeploymentValue(missing.status, message=missing.message)
        from wizard.environments import Environment
        from wizard.environments.convex_cli import NOT_RUN, development_value

        asked = matrix.result().row(Environment.DEVELOPMENT).issuer
        if asked.status == NOT_RUN:
            return development_value(self.project.root, self.project.issuer_var,
                                     self.options.environ or os.environ, timeout=CLI_TIMEOUT)
        return DeploymentValue(EnvLookup(asked.status), asked.value, asked.message)

    def verify(self, token: DecodedToken, path: AuthPath | None = None,
               now: float | None = None) -> TokenVerdict:
        """Judge ``token`` as Convex would: route it among the providers, then verify it by
        that provider's rules at ``now`` (the UI passes its clock)."""
        from wizard.checks.routing import route_token
        from wizard.checks.token_checks import verify_custom_jwt, verify_token

        when = self.now() if now is None else now
        target, ctx = route_token(self.evaluated(), token, self.token_context(path))
        kind = self.provider.classify(token, ctx.application_id)
        ctx = replace(ctx, get_token=self.provider.token_snippet(ctx.path or kind.path))
        if target is not None and target.kind == "customJwt":
            jwks = self.custom_jwks.get(target.jwks or "")
            return verify_custom_jwt(token, kind, ctx, jwks, when)
        return verify_token(token, kind, ctx, self._keys_for(target), when)

    def _keys_for(self, provider: AuthProvider | None) -> IssuerKeys | None:
        if provider is None or self.options.jwks_file is not None:
            return self.keys
        keys = self.other_keys.get(provider.domain)
        if keys is None and self.keys is not None and \
                self.keys.issuer == provider.domain.strip():
            keys = self.keys
        return keys


def load(options: Options) -> Session:
    """Fast: reads a few fixed files, no network, no subprocess."""
    if options.project_dir is not None:
        root, found = options.project_dir.resolve(), True
        found = (root / "package.json").is_file() or (root / "convex").is_dir()
    else:
        root, found = find_project_root(Path.cwd())
    provider = provider_named(options.provider)
    project = read_project(root, found, options.environ,
                           assumed_issuer_var=provider.issuer_vars[0])
    session = Session(options=options, project=project, provider=provider,
                      public_key=provider.find_key(project.env))
    session.issuer = resolve_issuer(project, options.issuer, None,
                                    usual_vars=provider.issuer_vars,
                                    derived=session.derived_issuer())
    session.application_id = resolve_application_id(project, options.application_id)
    return session


@record
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
        language = current_language()  # one language for "lang" and every text it names
        document: dict[str, Any] = {
            "ok": self.ok,
            "lang": language,
            "project": str(project.root),
            "issuer": session.issuer.raw if session.issuer else None,
            "issuer_source": session.issuer.source if session.issuer else None,
            "application_id": session.application_id.value,
            "publishable_key": session.public_key.to_json() if session.public_key else None,
            "token": self.token.to_dict() if self.token else None,
            "checks": [c.to_dict(language) for c in self.checks],
            "convex": self.convex.to_json() if self.convex else None,
            "environments": session.environments.to_dict() if session.environments else None,
        }
        return document

    def scrub(self, text: str) -> str:
        return scrub(text, self.session.secrets())


def run_checks(options: Options, pasted: DecodedToken | str | None = None) -> Verdict:
    """Every check in one go (``check``); ``pasted`` is the token, as decoded by
    :func:`~wizard.rules.jwt.read_paste` or as text still to be read."""
    from wizard.checks.convex_checks import ask_convex, convex_checks
    from wizard.checks.token_checks import not_given_checks

    session = load(options)
    session.fetch()
    path = options.path
    decoded = read_paste(pasted) if isinstance(pasted, str) else pasted
    token: TokenVerdict | None = None
    if decoded is not None:
        token = session.verify(decoded)
        if path is None and token.kind is not None:
            path = token.kind.path
    provider_checks = session.provider.api_checks(session, path)
    checks = (session.project_checks() + provider_checks + session.config_checks(path)
              + session.app_checks(path))
    if token is not None:
        checks += token.checks
    else:
        checks += not_given_checks(Message(N_(
            "no token given (use --token, --token-file or --token -)")))
    convex = ask_convex(session, decoded, token)  # sends only when asked or keyed
    checks = ordered(checks + convex_checks(session, convex, token))
    return Verdict(session, checks, token, convex)
