"""The matrix's checks, as findings (check id, environment, status, reason, values, fixes).

=========================  ===========  ==================================================
check id                   environment  reasons (status)
=========================  ===========  ==================================================
envs.instances             each         invalid_key, test_key, crossed, mismatch, not_exact
                                        (fail); live_key (warn); paired, key_only (pass);
                                        no_key (skip)
envs.prod_deployment_env   production   missing, development_issuer, mismatch, not_exact
                                        (fail); cli_error, wrong_deployment (warn); matches,
                                        not_development (pass); offline, no_consent, no_cli
                                        (skip)
envs.preview_default       preview      missing (fail, or warn when nothing shows the
                                        project makes previews), mismatch, not_exact (fail);
                                        production_instance, unknown_instance, cli_error
                                        (warn); matches, development_instance (pass);
                                        offline, no_cli, cli_too_old (skip)
envs.prod_providers        production   no_providers, development_instance, domain_differs,
                                        app_id_differs, key_refused (fail); withheld,
                                        inconclusive (warn); matches, not_development
                                        (pass); offline, no_consent, no_key, no_url (skip)
envs.prod_discovery        production   unreachable, issuer_mismatch, no_keys (fail);
                                        answers (pass); no_instance, development_key,
                                        offline (skip)
=========================  ===========  ==================================================

A fix that changes the production deployment is the only one that carries ``--prod``.
Development's missing issuer variable is left to ``convex.deployment_env``, which already
reports it; ``envs.instances`` judges development's pairing once the value is known.
"""

from __future__ import annotations

from typing import Any

from wizard.checks.model import Status
from wizard.environments.convex_cli import ERROR, FOUND, MISSING, CliAnswer
from wizard.environments.discovery import Discovery
from wizard.environments.env_sources import HOSTING, files_for
from wizard.environments.instances import DEVELOPMENT, PRODUCTION, UNKNOWN, instance_type_of
from wizard.environments.model import (
    CLERK_API_KEYS_PAGE,
    CLERK_DOMAINS_PAGE,
    DEV_ISSUER_PLACEHOLDER,
    ENVIRONMENTS,
    INSTANCES,
    PREVIEW_DEFAULT,
    PROD_DEPLOYMENT_ENV,
    PROD_DISCOVERY,
    PROD_ISSUER_PLACEHOLDER,
    PROD_PROVIDERS,
    Environment,
    Finding,
    Fix,
    command,
)
from wizard.environments.rows import MatrixOptions, Row
from wizard.rules.convex import issuer_matches_domain
from wizard.services.convex_probe import ListStatus, ProvidersAnswer

CNAME_TARGET = "frontend-api.clerk.services"
"""Where ``clerk.<domain>`` points (the Clerk dashboard's Domains page lists it;
research-15-18 §18.3)."""


def set_issuer(environment: Environment, variable: str, value: str) -> Fix:
    """``npx convex env set`` for the deployment of ``environment``; previews have no
    deployment of their own to set, so it is the project's default for new previews."""
    if environment is Environment.PRODUCTION:
        return command("npx", "convex", "env", "set", "--prod", variable, value)
    if environment is Environment.PREVIEW:
        return command("npx", "convex", "env", "default", "set", "--type", "preview",
                       variable, value)
    return command("npx", "convex", "env", "set", variable, value)


def _keys_page(instance: str) -> Fix:
    return Fix("dashboard", url=CLERK_API_KEYS_PAGE, instance=instance)


def _expected_url(row: Row, placeholder: str) -> str:
    return row.compared_with.url if row.compared_with is not None else placeholder


def _production_url(row: Row) -> str | None:
    instance = row.instance
    return instance.url if instance is not None and instance.instance_type == PRODUCTION \
        else None


def _cli_skip(check_id: str, row: Row, answer: CliAnswer) -> Finding | None:
    """The finding for a question the CLI did not answer, or None when it did."""
    values: dict[str, Any] = {"command": ["npx", "convex", *answer.args]}
    if answer.status == ERROR:
        return Finding(check_id, row.environment, Status.WARN, "cli_error",
                       {**values, "message": answer.message, "cause": answer.reason or None})
    if answer.status not in (FOUND, MISSING):
        return Finding(check_id, row.environment, Status.SKIP, answer.reason, values)
    if answer.wrong_deployment:
        return Finding(check_id, row.environment, Status.WARN, "wrong_deployment",
                       {**values, "deployment": answer.deployment, "type": answer.notice,
                        "key_source": answer.deploy_key_source})
    return None


def _missing_values(row: Row, variable: str) -> dict[str, Any]:
    listing = row.listing
    return {"variable": variable, "deployment": row.issuer.deployment or row.deployment.name,
            "names": list(listing.names) if listing else [],
            "other_names": dict(listing.values) if listing else {}}


# -- envs.instances ----------------------------------------------------------------------
def instances(discovery: Discovery, row: Row, options: MatrixOptions) -> Finding:
    env = row.environment
    expected_type = PRODUCTION if env is Environment.PRODUCTION else DEVELOPMENT
    if row.key_problem is not None:
        return Finding(INSTANCES, env, Status.FAIL, "invalid_key", row.key_problem.to_dict(),
                       (_keys_page(expected_type),))
    instance = row.instance
    if instance is None:
        files = [name for name, _ in files_for(env, discovery.framework)]
        shared = discovery.shared_test_key if env is Environment.PRODUCTION else None
        return Finding(INSTANCES, env, Status.SKIP, "no_key",
                       {"files": files, "shared_test_key": shared})
    values: dict[str, Any] = instance.to_dict()
    if env is Environment.PRODUCTION and instance.instance_type == DEVELOPMENT:
        where = Fix("hosting", variable=instance.variable, instance=PRODUCTION) \
            if instance.scope == HOSTING else Fix("file", file=instance.file,
                                                  variable=instance.variable,
                                                  instance=PRODUCTION)
        return Finding(INSTANCES, env, Status.FAIL, "test_key", values,
                       (_keys_page(PRODUCTION), where))
    value = row.issuer_value
    if env is Environment.DEVELOPMENT and value is not None:
        values.update(deployment_issuer=value, issuer_instance=row.issuer_instance)
        fix = (set_issuer(env, options.issuer_var, instance.url),)
        if row.issuer_instance == PRODUCTION and instance.instance_type == DEVELOPMENT:
            return Finding(INSTANCES, env, Status.FAIL, "crossed", values, fix)
        if not row.same_instance:
            return Finding(INSTANCES, env, Status.FAIL, "mismatch", values, fix)
        if not row.exact:
            return Finding(INSTANCES, env, Status.FAIL, "not_exact", values, fix)
    if env is not Environment.PRODUCTION and instance.instance_type == PRODUCTION:
        return Finding(INSTANCES, env, Status.WARN, "live_key", values,
                       (_keys_page(DEVELOPMENT),))
    return Finding(INSTANCES, env, Status.PASS,
                   "paired" if row.same_instance and row.exact else "key_only", values)


# -- envs.prod_deployment_env -------------------------------------------------------------
def prod_deployment_env(row: Row, options: MatrixOptions) -> Finding:
    env, var = row.environment, options.issuer_var
    skipped = _cli_skip(PROD_DEPLOYMENT_ENV, row, row.issuer)
    if skipped is not None:
        return skipped
    expected = _production_url(row)
    fix = (set_issuer(env, var, expected or PROD_ISSUER_PLACEHOLDER),)
    value = row.issuer_value or ""
    if not value.strip():
        return Finding(PROD_DEPLOYMENT_ENV, env, Status.FAIL, "missing",
                       {**_missing_values(row, var), "expected": expected}, fix)
    values = {"variable": var, "value": value, "expected": expected,
              "issuer_instance": row.issuer_instance,
              "deployment": row.issuer.deployment or row.deployment.name}
    if row.issuer_instance == DEVELOPMENT:
        return Finding(PROD_DEPLOYMENT_ENV, env, Status.FAIL, "development_issuer", values, fix)
    if expected is None:
        return Finding(PROD_DEPLOYMENT_ENV, env, Status.PASS, "not_development", values)
    if not row.same_instance:
        return Finding(PROD_DEPLOYMENT_ENV, env, Status.FAIL, "mismatch", values, fix)
    if not row.exact:
        return Finding(PROD_DEPLOYMENT_ENV, env, Status.FAIL, "not_exact", values, fix)
    return Finding(PROD_DEPLOYMENT_ENV, env, Status.PASS, "matches", values)


# -- envs.preview_default -----------------------------------------------------------------
def preview_default(discovery: Discovery, row: Row, options: MatrixOptions) -> Finding:
    env, var = row.environment, options.issuer_var
    skipped = _cli_skip(PREVIEW_DEFAULT, row, row.issuer)
    if skipped is not None:
        return skipped
    fix = (set_issuer(env, var, _expected_url(row, DEV_ISSUER_PLACEHOLDER)),)
    value, compared = row.issuer_value or "", row.compared_with
    base = {"variable": var, "existing_previews_unchanged": True,
            "compared_with": compared.frontend_api if compared else None}
    if not value.strip():
        evidence = list(discovery.preview_evidence)
        if row.listing is not None and row.listing.names:
            evidence.append("preview defaults")
        return Finding(PREVIEW_DEFAULT, env, Status.FAIL if evidence else Status.WARN,
                       "missing", {**base, **_missing_values(row, var), "evidence": evidence},
                       fix)
    values = {**base, "value": value, "issuer_instance": row.issuer_instance}
    if compared is None:
        status, reason = {DEVELOPMENT: (Status.PASS, "development_instance"),
                          PRODUCTION: (Status.WARN, "production_instance")}.get(
            row.issuer_instance or UNKNOWN, (Status.WARN, "unknown_instance"))
        return Finding(PREVIEW_DEFAULT, env, status, reason, values,
                       () if status is Status.PASS else fix)
    if not row.same_instance:
        return Finding(PREVIEW_DEFAULT, env, Status.FAIL, "mismatch", values, fix)
    if not row.exact:
        return Finding(PREVIEW_DEFAULT, env, Status.FAIL, "not_exact", values, fix)
    return Finding(PREVIEW_DEFAULT, env, Status.PASS, "matches", values)


# -- envs.prod_providers ------------------------------------------------------------------
def _provider_values(found: ProvidersAnswer) -> dict[str, Any]:
    return {"url": found.url, "deployed": [p.to_dict() for p in found.providers]}


def prod_providers(discovery: Discovery, row: Row, options: MatrixOptions) -> Finding:
    env, found = row.environment, row.providers
    if found is None:
        return Finding(PROD_PROVIDERS, env, Status.SKIP, row.providers_skip)
    key = row.deployment.key
    key_source = key.source if key is not None else None
    if found.status == ListStatus.WITHHELD:
        return Finding(PROD_PROVIDERS, env, Status.WARN, "withheld",
                       {"origin": found.refused_origin, "key_source": key_source})
    if found.status == ListStatus.KEY_REFUSED:
        return Finding(PROD_PROVIDERS, env, Status.FAIL, "key_refused",
                       {"url": found.url, "code": found.code, "key_source": key_source})
    if found.status == ListStatus.INCONCLUSIVE:
        return Finding(PROD_PROVIDERS, env, Status.WARN, "inconclusive",
                       {"url": found.url, "http_status": found.http_status,
                        "code": found.code, "message": found.message})
    values = _provider_values(found)
    deploy = (command("npx", "convex", "deploy"),)
    if not found.providers:
        return Finding(PROD_PROVIDERS, env, Status.FAIL, "no_providers", values, deploy)
    expected = _production_url(row)
    values["expected"] = expected
    domains = [p for p in found.providers if p.kind == "oidc" and p.domain]
    matching = [p for p in domains if expected and issuer_matches_domain(p.domain or "",
                                                                         expected)]
    if any(p.application_id == options.application_id for p in matching):
        return Finding(PROD_PROVIDERS, env, Status.PASS, "matches", values)
    if matching:
        values.update(app_id=options.application_id,
                      deployed_app=matching[0].application_id)
        return Finding(PROD_PROVIDERS, env, Status.FAIL, "app_id_differs", values, deploy)
    fix = (set_issuer(env, options.issuer_var, expected or PROD_ISSUER_PLACEHOLDER),)
    if any(instance_type_of(p.domain or "", discovery.hosts) == DEVELOPMENT for p in domains):
        return Finding(PROD_PROVIDERS, env, Status.FAIL, "development_instance", values, fix)
    if expected is None:
        return Finding(PROD_PROVIDERS, env, Status.PASS, "not_development", values)
    return Finding(PROD_PROVIDERS, env, Status.FAIL, "domain_differs", values, fix)


# -- envs.prod_discovery ------------------------------------------------------------------
def prod_discovery(row: Row) -> Finding:
    env, keys = row.environment, row.discovery
    if keys is None:
        return Finding(PROD_DISCOVERY, env, Status.SKIP, row.discovery_skip)
    host = row.instance.frontend_api if row.instance else None
    problem = keys.discovery_problem or keys.jwks_problem
    if problem is None:
        return Finding(PROD_DISCOVERY, env, Status.PASS, "answers",
                       {"url": keys.discovery_url, "host": host, "kids": list(keys.kids)})
    if keys.discovery_problem is None:
        reason = "no_keys"
    else:
        reason = "issuer_mismatch" if problem.kind == "issuer_mismatch" else "unreachable"
    values = {"url": problem.url, "host": host, "kind": problem.kind,
              "http_status": problem.status, "message": problem.message,
              "found": problem.found, "cname_target": CNAME_TARGET}
    return Finding(PROD_DISCOVERY, env, Status.FAIL, reason, values,
                   (Fix("dashboard", url=CLERK_DOMAINS_PAGE, instance=PRODUCTION),))


def judge(discovery: Discovery, rows: tuple[Row, ...],
          options: MatrixOptions) -> tuple[Finding, ...]:
    """Every check, in the catalog's order: ``envs.instances`` once per environment, then
    the production checks and the preview default."""
    by_env = {row.environment: row for row in rows}
    production = by_env[Environment.PRODUCTION]
    return (
        *(instances(discovery, by_env[e], options) for e in ENVIRONMENTS),
        prod_deployment_env(production, options),
        preview_default(discovery, by_env[Environment.PREVIEW], options),
        prod_providers(discovery, production, options),
        prod_discovery(production),
    )
