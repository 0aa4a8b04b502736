"""The environment matrix: one row per environment, every column asked live.

Columns: the publishable key's instance and Frontend API; the issuer the deployment holds
(production: ``env get --prod``; preview: the project's default); whether the two name the
same Clerk instance (and whether Convex would match them exactly); the providers deployed,
read with a deploy key of exactly that deployment; for production, whether its Frontend API
answers discovery; and Convex's answer to a token of that instance when one is given.

What is sent, and where. Nothing under ``offline``. Production is asked only with
``production`` consent: the CLI's ``--prod`` questions, the provider list and the token
probe; without it no request and no CLI call concerns the production deployment. A deploy
key goes only to its own deployment (``NAME.convex.cloud``) or to the URL the user named for
that environment (``deployment_urls``; :mod:`wizard.key_hosts`), never to a URL the project's
files name; a key is never used for another environment's deployment. A token goes only to
the deployment of the environment it was given for. The production Frontend API's discovery
is public (no key) and is fetched like any issuer. Every answer is bounded in time.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from wizard.checks.convex_checks import admin_url
from wizard.environments.convex_cli import (
    DEFAULTS_SINCE,
    KEPT,
    MISSING,
    UNAVAILABLE,
    WANTED_KEY,
    CliAnswer,
    ask_list,
    ask_value,
    child_environment,
    get_args,
    not_run,
    version_tuple,
)
from wizard.environments.deploy_keys import PROD
from wizard.environments.discovery import Discovery
from wizard.environments.findings import judge
from wizard.environments.instances import (
    UNKNOWN,
    ClerkInstance,
    KeyProblem,
    instance_type_of,
    issuer_host,
    names_exactly,
)
from wizard.environments.model import ENVIRONMENTS, Environment
from wizard.environments.rows import (
    CLI_TOO_OLD,
    DEVELOPMENT_KEY,
    NO_CONSENT,
    NO_INSTANCE,
    NO_KEY,
    NO_TOKEN,
    NO_URL,
    NOT_A_TOKEN,
    NOT_APPLICABLE,
    OFFLINE,
    Matrix,
    MatrixOptions,
    Row,
)
from wizard.guards.redaction import looks_secret
from wizard.project.deployment_url import clean_url, deployment_name
from wizard.project.sourced import Sourced
from wizard.rules.jwt import decode_token, normalize_pasted
from wizard.services.convex_probe import (
    ConvexAnswer,
    ProvidersAnswer,
    list_auth_providers,
    probe_token,
)
from wizard.services.issuer_keys import IssuerKeys, fetch_issuer_keys
from wizard.services.keys import Destinations, deploy_key_credential


# -- asking --------------------------------------------------------------------------------
def _clerk_issuer_like(hosts: dict[str, str]) -> Callable[[str, str], bool]:
    """Which values of an env list may be kept: those naming a Clerk instance, never a
    secret."""
    def keep(_name: str, value: str) -> bool:
        if looks_secret(value):
            return False
        host = issuer_host(value)
        return instance_type_of(value, hosts) != UNKNOWN or host.startswith("clerk.")
    return keep


def _reads_production(discovery: Discovery) -> bool:
    """Would a plain ``env get`` read the production deployment? ``CONVEX_DEPLOYMENT``
    decides unless the CLI is left a ``dev:`` key, and ``prod:…`` there means production."""
    _env, decision = child_environment(discovery.environ, discovery.keys.cli,
                                       WANTED_KEY[Environment.DEVELOPMENT])
    selected = discovery.cli_deployment
    return decision != KEPT and selected is not None and \
        deployment_name(selected.value)[0] == PROD


def _ask_issuer(discovery: Discovery, environment: Environment,
                options: MatrixOptions) -> tuple[CliAnswer, CliAnswer | None]:
    args = get_args(environment, options.issuer_var)
    if options.offline:
        return not_run(args, OFFLINE), None
    if not discovery.has_cli:
        return CliAnswer(args, UNAVAILABLE, reason="no_cli"), None
    production = environment is Environment.PRODUCTION or (
        environment is Environment.DEVELOPMENT and _reads_production(discovery))
    if production and not options.production:
        return not_run(args, NO_CONSENT), None
    if environment is Environment.PREVIEW:
        version = version_tuple(discovery.convex_version.value if discovery.convex_version
                                else None)
        if version is not None and version < DEFAULTS_SINCE:
            return not_run(args, CLI_TOO_OLD), None
    common: dict[str, Any] = {"environ": discovery.environ, "key": discovery.keys.cli,
                              "timeout": options.cli_timeout}
    answer = ask_value(discovery.root, environment, options.issuer_var, **common)
    if answer.status != MISSING:
        return answer, None
    return answer, ask_list(discovery.root, environment, keep=_clerk_issuer_like(
        discovery.hosts), **common)


def _named(options: MatrixOptions, environment: Environment) -> Sourced | None:
    named = options.deployment_urls.get(environment)
    return Sourced(clean_url(named), "named") if named else None


def _not_asked_because(environment: Environment, options: MatrixOptions) -> str:
    """Why a deployment must not be sent anything now ("" when it may)."""
    if options.offline:
        return OFFLINE
    if environment is Environment.PRODUCTION and not options.production:
        return NO_CONSENT
    return ""


def _providers(discovery: Discovery, environment: Environment,
               options: MatrixOptions) -> tuple[ProvidersAnswer | None, str]:
    if environment is Environment.PREVIEW:
        return None, NOT_APPLICABLE  # a preview key names a project, not one deployment
    key = discovery.deployments[environment].key
    if key is None:
        return None, NO_KEY
    gate = _not_asked_because(environment, options)
    if gate:
        return None, gate
    named = _named(options, environment)
    destinations = Destinations(deployment_url=named.value if named else None)
    url = admin_url(named or discovery.deployments[environment].url,
                    Sourced(key.secret, key.source), destinations)
    if url is None:
        return None, NO_URL
    credential = deploy_key_credential(key.secret, key.source, destinations)
    return list_auth_providers(url.value, credential, timeout=options.timeout), ""


def _production_discovery(discovery: Discovery,
                          options: MatrixOptions) -> tuple[IssuerKeys | None, str]:
    instance = discovery.instance(Environment.PRODUCTION)
    if instance is None:
        return None, NO_INSTANCE
    if instance.instance_type != "production":
        return None, DEVELOPMENT_KEY
    if options.offline:
        return None, OFFLINE
    return fetch_issuer_keys(instance.url, timeout=options.timeout), ""


def _deployment_url(discovery: Discovery, environment: Environment,
                    options: MatrixOptions) -> str | None:
    named = _named(options, environment)
    if named is not None:
        return named.value
    deployment = discovery.deployments[environment]
    if deployment.url is not None:
        return deployment.url.value
    if deployment.name and deployment.kind in ("dev", "prod", "preview"):
        return f"https://{deployment.name}.convex.cloud"
    return None


def _token_issuer(token: str | None) -> str | None:
    if token is None:
        return None
    claims = decode_token(normalize_pasted(token)).claims or {}
    iss = claims.get("iss")
    return iss if isinstance(iss, str) else None


def _answer(discovery: Discovery, environment: Environment,
            options: MatrixOptions) -> tuple[ConvexAnswer | None, str]:
    token = options.tokens.get(environment)
    if token is None:
        return None, NO_TOKEN
    gate = _not_asked_because(environment, options)
    if gate:
        return None, gate
    text = normalize_pasted(token)
    if looks_secret(text) or not decode_token(text).readable:
        return None, NOT_A_TOKEN
    url = _deployment_url(discovery, environment, options)
    if url is None:
        return None, NO_URL
    return probe_token(url, text, timeout=options.timeout), ""


def _compared_with(discovery: Discovery, environment: Environment) -> ClerkInstance | None:
    own = discovery.instance(environment)
    if own is None and environment is Environment.PREVIEW:
        return discovery.instance(Environment.DEVELOPMENT)
    return own


def _row(discovery: Discovery, environment: Environment,
         issuer: tuple[CliAnswer, CliAnswer | None],
         providers: tuple[ProvidersAnswer | None, str],
         keys: tuple[IssuerKeys | None, str], answer: tuple[ConvexAnswer | None, str],
         options: MatrixOptions) -> Row:
    found = discovery.instances[environment]
    row = Row(environment=environment,
              instance=found if isinstance(found, ClerkInstance) else None,
              key_problem=found if isinstance(found, KeyProblem) else None,
              compared_with=_compared_with(discovery, environment),
              deployment=discovery.deployments[environment],
              issuer=issuer[0], listing=issuer[1],
              issuer_instance=None, same_instance=None, exact=None,
              providers=providers[0], providers_skip=providers[1],
              discovery=keys[0], discovery_skip=keys[1],
              answer=answer[0], answer_skip=answer[1],
              token_issuer=_token_issuer(options.tokens.get(environment)))
    value, compared = row.issuer_value, row.compared_with
    if value is None:
        return row
    same = None if compared is None else issuer_host(value) == compared.frontend_api
    exact = None if compared is None else names_exactly(value, compared)
    return replace(row, issuer_instance=instance_type_of(value, discovery.hosts),
                   same_instance=same, exact=exact)


def build_matrix(discovery: Discovery, options: MatrixOptions) -> Matrix:
    """Ask everything at once (each answer bounded by its own timeout), then judge."""
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="envs") as pool:
        issuers = {e: pool.submit(_ask_issuer, discovery, e, options) for e in ENVIRONMENTS}
        providers = {e: pool.submit(_providers, discovery, e, options) for e in ENVIRONMENTS}
        answers = {e: pool.submit(_answer, discovery, e, options) for e in ENVIRONMENTS}
        production_keys = pool.submit(_production_discovery, discovery, options)
        rows = tuple(
            _row(discovery, e, issuers[e].result(), providers[e].result(),
                 production_keys.result() if e is Environment.PRODUCTION
                 else (None, NOT_APPLICABLE), answers[e].result(), options)
            for e in ENVIRONMENTS)
    return Matrix(discovery, rows, judge(discovery, rows, options))
