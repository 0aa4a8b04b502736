"""The configuration checks: ``env.issuer*``, ``convex.*`` (from the project) and ``issuer.*``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from wizard.checks.catalog import make, passed, skipped
from wizard.checks.model import Check, Status
from wizard.guards.redaction import looks_secret_name
from wizard.project.auth_config import Provider
from wizard.project.issuer import Issuer, url_host
from wizard.project.reader import Project
from wizard.rules.convex import (
    custom_jwt_algorithm_ok,
    domain_problem,
    issuer_matches_domain,
    stored_domain,
)
from wizard.rules.jwt import AuthPath
from wizard.services.convex_cli import DeploymentValue, EnvLookup
from wizard.services.issuer_keys import FetchProblem, IssuerKeys
from wizard.services.keys import is_loopback

_WELL_KNOWN = {
    "/.well-known/jwks.json": "JWKS",
    "/.well-known/openid-configuration": "discovery",
}


def suggested_issuer(value: str) -> str:
    """The issuer the user most likely meant: trimmed, unquoted, https, no path."""
    text = value.strip().strip("'\"` ").strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return "https://<your-frontend-api-host>"
    scheme = parts.scheme if is_loopback(host) else "https"
    return f"{scheme}://{parts.netloc.rpartition('@')[2]}"


def issuer_check(project: Project, issuer: Issuer | None) -> Check:
    var = project.issuer_var
    if issuer is None:
        return make("env.issuer", Status.FAIL, f"no issuer: {var} is not set in the .env files "
                    "and there is no publishable key to derive it from", "missing", var=var)
    value, source = issuer.raw, issuer.source
    source_file = source.split(":", 1)[0]
    suggested = suggested_issuer(value)
    problems: list[str] = []
    if value != value.strip() or re.search(r"\s", value):
        problems.append("it contains whitespace")
    if value.strip()[:1] in ("'", '"', "`") or value.strip()[-1:] in ("'", '"', "`"):
        problems.append("it is wrapped in quotes")
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append("it is not an http(s) URL")
    path = parts.path.rstrip("/")
    if path in _WELL_KNOWN:
        what = _WELL_KNOWN[path]
        return make("env.issuer", Status.FAIL, f"{source} = {value} is the {what} URL",
                    "jwks_url", source=source, what=what, var=var, suggested=suggested)
    if path:
        problems.append(f"it has a path ({parts.path})")
    if parts.query or parts.fragment:
        problems.append("it has a query string or fragment")
    if "@" in parts.netloc:
        problems.append("it has credentials (user@) in it")
    if problems:
        return make("env.issuer", Status.FAIL, f"{source} = {value!r}: " + "; ".join(problems),
                    "malformed", var=var, suggested=suggested, source_file=source_file)
    derived = " (derived: no issuer variable found, so https:// + the publishable key's host)" \
        if issuer.derived else ""
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return make("env.issuer", Status.WARN, f"{source} = {value} uses http://", "http",
                    var=var, suggested=suggested)
    return passed("env.issuer", f"{value} from {source}{derived}")


def issuer_matches_key_check(project: Project, issuer: Issuer | None) -> Check:
    if issuer is None or project.key is None:
        return skipped("env.issuer_matches_key", "needs both an issuer and a valid publishable key")
    issuer_host = issuer.host
    key_host = project.key.frontend_api
    if issuer_host == key_host:
        return passed("env.issuer_matches_key", f"both name {key_host}")
    return make("env.issuer_matches_key", Status.FAIL,
                f"issuer host {issuer_host or '(none)'} ({issuer.source}) ≠ publishable key host "
                f"{key_host} ({project.publishable_key.source if project.publishable_key else ''})",
                "mismatch", var=project.issuer_var, key_host=key_host,
                issuer_host=issuer_host or issuer.shown)


def auth_config_check(project: Project, issuer: Issuer | None) -> Check:
    auth = project.auth
    path = project.auth_path
    shown_issuer = issuer.shown if issuer else "https://<your-frontend-api-host>"
    if auth.both_present:
        return make("convex.auth_config", Status.FAIL, "both convex/auth.config.ts and "
                    "convex/auth.config.js exist", "both")
    if not auth.exists:
        return make("convex.auth_config", Status.FAIL, "no convex/auth.config.ts or .js",
                    "missing")
    if not auth.providers:
        if auth.commented_providers:
            line = auth.commented_providers[0].line
            return make("convex.auth_config", Status.FAIL, f"{path}: the only provider is "
                        f"commented out (line {line})", "commented", path=path, line=line)
        if auth.problems:
            problem = "; ".join(auth.problems)
            return make("convex.auth_config", Status.FAIL, f"{path}: {problem}", "unreadable",
                        path=path, problem=problem)
        return make("convex.auth_config", Status.FAIL, f"{path} has no providers",
                    "no_providers", path=path)
    for candidate in auth.providers:
        if candidate.misspelled_keys:
            key = candidate.misspelled_keys[0]
            return make("convex.auth_config", Status.FAIL, f"{path}:{candidate.line}: provider "
                        f"{candidate.index} spells {key}", "misspelled", path=path,
                        line=candidate.line, key=key)
        refused = _push_refusal(candidate, path)
        if refused is not None:
            return refused
    provider = project.clerk_provider
    if provider is None:
        return make("convex.auth_config", Status.FAIL, f"{path} has only customJwt providers",
                    "custom_only", path=path)
    if provider.application_id is None and provider.application_id_env is None:
        return make("convex.auth_config", Status.FAIL, f"{path}:{provider.line}: the provider "
                    "has no applicationID", "no_app_id", path=path, line=provider.line)
    app = provider.application_id or f"process.env.{provider.application_id_env}"
    line = provider.domain_line or provider.line
    if provider.domain is not None and provider.domain_env is None:
        why = domain_problem(provider.domain)
        if why is not None:
            return make("convex.auth_config", Status.FAIL, f"{path}:{line}: domain "
                        f"{provider.domain!r} {why}", "domain_invalid", path=path, line=line,
                        domain=provider.domain, why=why, issuer=shown_issuer)
        if issuer is not None and not issuer_matches_domain(stored_domain(provider.domain),
                                                             issuer.raw):
            return make("convex.auth_config", Status.FAIL, f"{path}:{line}: domain "
                        f"{provider.domain} ≠ issuer {issuer.raw}", "domain_literal",
                        path=path, line=line, domain=provider.domain, issuer=issuer.shown)
        return passed("convex.auth_config", f"{path}: provider {provider.index} has the literal "
                      f"domain {provider.domain}, applicationID {app}")
    if provider.domain_env is None:
        return make("convex.auth_config", Status.FAIL, f"{path}:{line}: the provider's domain is "
                    "neither a string nor process.env.NAME", "no_providers", path=path)
    if provider.env_fallback:
        return make("convex.auth_config", Status.WARN, f"{path}:{line}: domain reads "
                    f"process.env.{provider.domain_env} with a fallback", "fallback", path=path,
                    line=line, var=provider.domain_env, issuer=shown_issuer)
    return passed("convex.auth_config", f"{path}: provider {provider.index} reads "
                  f"process.env.{provider.domain_env}, applicationID {app}")


def _push_refusal(provider: Provider, path: str) -> Check | None:
    """A provider that makes Convex refuse to push the whole auth.config (common/src/auth.rs
    ``SerializedAuthInfo``, ``deserialize_issuer_url``; isolate auth_config.rs)."""
    where = f"{path}:{provider.line}: provider {provider.index}"
    if provider.kind == "oidc":
        if provider.application_id is None and provider.application_id_env is None:
            return make("convex.auth_config", Status.FAIL, f"{where} has no applicationID "
                        "(required for an OIDC provider: Convex refuses to push this config)",
                        "no_app_id", path=path, line=provider.line)
        if provider.issuer is not None or provider.issuer_env is not None:
            return make("convex.auth_config", Status.FAIL, f"{where} is OIDC but has an issuer",
                        "custom_field", path=path, line=provider.line, field="issuer",
                        kind="an OIDC")
        why = domain_problem(provider.domain) if provider.domain is not None else None
        if why is not None:
            line = provider.domain_line or provider.line
            return make("convex.auth_config", Status.FAIL, f"{path}:{line}: domain "
                        f"{provider.domain!r} {why}", "domain_invalid", path=path, line=line,
                        domain=provider.domain, why=why, issuer="https://<your-frontend-api-host>")
        return None
    if provider.kind != "customJwt":
        return make("convex.auth_config", Status.FAIL, f"{where} has type {provider.kind!r}",
                    "bad_type", path=path, line=provider.line, kind=provider.kind)
    if provider.domain is not None or provider.domain_env is not None:
        return make("convex.auth_config", Status.FAIL, f"{where} is a customJwt provider but "
                    "has a domain", "custom_field", path=path, line=provider.line,
                    field="domain", kind="a customJwt")
    missing = [name for name, literal, env in (
        ("issuer", provider.issuer, provider.issuer_env),
        ("jwks", provider.jwks, provider.jwks_env)) if literal is None and env is None]
    if provider.algorithm is None:
        missing.append("algorithm")
    if missing:
        return make("convex.auth_config", Status.FAIL, f"{where} lacks {', '.join(missing)}",
                    "custom_missing", path=path, line=provider.line, fields=", ".join(missing))
    if not custom_jwt_algorithm_ok(provider.algorithm):
        return make("convex.auth_config", Status.FAIL, f"{where}: algorithm "
                    f"{provider.algorithm!r} is not RS256 or ES256", "custom_algorithm",
                    path=path, line=provider.line, algorithm=provider.algorithm)
    why = domain_problem(provider.issuer) if provider.issuer is not None else None
    if why is not None:
        return make("convex.auth_config", Status.FAIL, f"{where}: issuer {provider.issuer!r} "
                    f"{why}", "custom_issuer", path=path, line=provider.line,
                    issuer=provider.issuer, why=why)
    return None


def deployment_env_check(project: Project, issuer: Issuer | None, derived: str | None,
                         deployment: DeploymentValue | None, offline: bool) -> Check:
    var = project.issuer_var
    if offline:
        return skipped("convex.deployment_env", "--offline: the deployment was not asked")
    if not project.issuer_var_declared:
        return skipped("convex.deployment_env", "auth.config reads no variable for the domain")
    if deployment is None or deployment.status is EnvLookup.UNAVAILABLE:
        why = deployment.message if deployment else "the deployment was not asked"
        return skipped("convex.deployment_env", f"cannot run npx convex env get {var}: {why}")
    secret = looks_secret_name(var)
    local = project.env.get(var)
    expected = issuer.shown if issuer and not issuer.source.startswith("deployment:") else (
        local.value if local else (derived or "https://<frontend-api-host>"))
    if deployment.status is EnvLookup.MISSING:
        return make("convex.deployment_env", Status.FAIL, f"{var} is not set on the deployment",
                    "missing", var=var, issuer=expected)
    if deployment.status is EnvLookup.ERROR:
        return make("convex.deployment_env", Status.FAIL, f"npx convex env get {var} failed: "
                    f"{deployment.message}", "error", var=var)
    deployed = deployment.value or ""
    shown = "(hidden)" if secret else repr(deployed)
    if local is None:
        return passed("convex.deployment_env", f"the deployment has {var} = {shown} (no local "
                      "copy to compare; Convex reads only the deployment's)")
    if local.value == deployed:
        return passed("convex.deployment_env", f"the deployment's {var} equals {local.source}")
    right = local.value
    if derived is not None and url_host(local.value) != url_host(derived):
        right = derived
    return make("convex.deployment_env", Status.FAIL, f"deployment {var} = {shown} but "
                f"{local.source} = {'(hidden)' if secret else repr(local.value)}", "differs",
                var=var, deployed=shown, expected=right)


def _version_tuple(text: str) -> tuple[int, int, int] | None:
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", text)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def version_check(project: Project, path: AuthPath | None) -> Check:
    found = project.convex_version
    if found is None:
        return skipped("convex.version", "no convex package in node_modules, lock files or "
                       "package.json")
    version = _version_tuple(found.value)
    if version is None:
        return skipped("convex.version", f"unrecognised version {found.value} ({found.source})")
    where = f"{found.value} ({found.source})"
    if version == (1, 33, 0) and path is not AuthPath.INTEGRATION:
        return make("convex.version", Status.WARN, where, "broken_template", version=found.value)
    if version < (1, 33, 0) and path is not AuthPath.TEMPLATE:
        return make("convex.version", Status.WARN, where, "no_integration", version=found.value)
    if version < (1, 42, 2):
        return make("convex.version", Status.WARN, where, "stale_session", version=found.value)
    return passed("convex.version", where)


def _problem_check(check_id: str, problem: FetchProblem, keys: IssuerKeys, var: str) -> Check:
    values: dict[str, object] = {"url": problem.url, "issuer": keys.issuer, "var": var,
                                 "status": problem.message.removeprefix("answered "),
                                 "what": problem.message,
                                 "found": problem.found}
    detail = f"{problem.url}: {problem.message}"
    return make(check_id, Status.FAIL, detail, problem.kind, **values)


def issuer_checks(keys: IssuerKeys | None, var: str, reason: str) -> list[Check]:
    if keys is None:
        return [skipped("issuer.discovery", reason), skipped("issuer.jwks", reason)]
    checks: list[Check] = []
    if keys.from_file:
        checks.append(skipped("issuer.discovery", f"--jwks {keys.from_file}: discovery skipped"))
    elif keys.discovery_problem is not None:
        checks.append(_problem_check("issuer.discovery", keys.discovery_problem, keys, var))
    else:
        checks.append(passed("issuer.discovery", f"{keys.discovery_url}: issuer "
                             f"{keys.discovery_issuer}, jwks_uri {keys.jwks_uri}"))
    if keys.jwks_problem is not None:
        checks.append(_problem_check("issuer.jwks", keys.jwks_problem, keys, var))
    elif keys.jwks_uri is None:
        checks.append(skipped("issuer.jwks", "no jwks_uri to fetch"))
    else:
        listed = ", ".join(f"{k.kid or '(no kid)'} {k.alg}" for k in keys.keys)
        extra = f"; skipped {len(keys.skipped)} unusable" if keys.skipped else ""
        checks.append(passed("issuer.jwks", f"{keys.jwks_uri}: {listed}{extra}"))
    return checks
