"""The configuration checks: ``env.issuer*``, ``convex.*`` (from the project) and ``issuer.*``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wizard.checks.catalog import make, passed, skipped
from wizard.checks.model import Check, Status
from wizard.guards.redaction import looks_secret_name
from wizard.project.auth_config import Provider
from wizard.project.envfiles import TYPOGRAPHIC_QUOTES, typographic_quotes
from wizard.project.issuer import Issuer, url_host
from wizard.project.reader import Project
from wizard.rules.convex import (
    ProviderRule,
    convex_release,
    custom_jwt_algorithm_ok,
    domain_problem,
    issuer_matches_domain,
    provider_rule,
    stored_domain,
)
from wizard.rules.jwt import AuthPath
from wizard.services.keys import is_loopback
from wizard.text.messages import N_, Joined, Message

if TYPE_CHECKING:  # a resumed wizard re-judges its project before the first frame without them
    from wizard.services.convex_cli import DeploymentValue
    from wizard.services.issuer_keys import FetchProblem, IssuerKeys

_WELL_KNOWN = {
    "/.well-known/jwks.json": "JWKS",
    "/.well-known/openid-configuration": "discovery",
}


def suggested_issuer(value: str) -> str:
    """The issuer the user most likely meant: trimmed, unquoted, https, no path."""
    text = value.strip().strip("'\"` " + TYPOGRAPHIC_QUOTES).strip()
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
        return make("env.issuer", Status.FAIL, Message(N_(
            "no issuer: {var} is not set in the .env files and there is no publishable key to "
            "derive it from"), var=var), "missing", var=var)
    value, source = issuer.raw, issuer.source
    source_file = source.split(":", 1)[0]
    suggested = suggested_issuer(value)
    problems: list[Message] = []
    if value != value.strip() or re.search(r"\s", value):
        problems.append(Message(N_("it contains whitespace")))
    if value.strip()[:1] in ("'", '"', "`") or value.strip()[-1:] in ("'", '"', "`"):
        problems.append(Message(N_("it is wrapped in quotes")))
    elif (quotes := typographic_quotes(value.strip())) is not None:
        problems.append(Message(N_("it is wrapped in typographic quotes ({quotes}), which are "
                                   "part of the value"), quotes=quotes))
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(Message(N_("it is not an http(s) URL")))
    path = parts.path.rstrip("/")
    if path in _WELL_KNOWN:
        what = _WELL_KNOWN[path]
        return make("env.issuer", Status.FAIL, Message(N_("{source} = {value} is the {what} URL"),
                                                       source=source, value=value, what=what),
                    "jwks_url", source=source, what=what, var=var, suggested=suggested)
    if path:
        problems.append(Message(N_("it has a path ({path})"), path=parts.path))
    if parts.query or parts.fragment:
        problems.append(Message(N_("it has a query string or fragment")))
    if "@" in parts.netloc:
        problems.append(Message(N_("it has credentials (user@) in it")))
    if problems:
        return make("env.issuer", Status.FAIL, Message(
            N_("{source} = {value!r}: {problems}"), source=source, value=value,
            problems=Joined(tuple(problems), "; ")),
            "malformed", var=var, suggested=suggested, source_file=source_file)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return make("env.issuer", Status.WARN, Message(N_("{source} = {value} uses http://"),
                                                       source=source, value=value), "http",
                    var=var, suggested=suggested)
    if issuer.derived and project.issuer_var_declared:
        # auth.config reads the variable on the deployment: a value derived here is only a
        # guess of what it should hold, said once, here.
        return make("env.issuer", Status.WARN, Message(N_(
            "{var} is set nowhere here (no .env file, not the environment); {value} is only "
            "derived from the publishable key"), var=var, value=value), "derived_only",
            var=var, value=value, path=project.auth_path)
    if issuer.derived:
        return passed("env.issuer", Message(N_(
            "{value}, derived from the publishable key (auth.config names no variable)"),
            value=value))
    return passed("env.issuer", Message(N_("{value} from {source}"), value=value, source=source))


def auth_config_check(project: Project, issuer: Issuer | None) -> Check:
    auth = project.auth
    path = project.auth_path
    shown_issuer = issuer.shown if issuer else "https://<your-frontend-api-host>"
    if auth.both_present:
        return make("convex.auth_config", Status.FAIL, Message(N_(
            "both convex/auth.config.ts and convex/auth.config.js exist")), "both")
    if not auth.exists:
        return make("convex.auth_config", Status.FAIL, Message(N_(
            "no convex/auth.config.ts or .js")), "missing")
    if not auth.providers:
        if auth.commented_providers:
            line = auth.commented_providers[0].line
            return make("convex.auth_config", Status.FAIL, Message(N_(
                "{path}: the only provider is commented out (line {line})"), path=path,
                line=line), "commented", path=path, line=line)
        if auth.problems:
            problem = "; ".join(auth.problems)
            return make("convex.auth_config", Status.FAIL, Message(N_("{path}: {problem}"),
                                                                   path=path, problem=problem),
                        "unreadable", path=path, problem=problem)
        return make("convex.auth_config", Status.FAIL, Message(N_("{path} has no providers"),
                                                               path=path),
                    "no_providers", path=path)
    for candidate in auth.providers:
        if candidate.misspelled_keys:
            key = candidate.misspelled_keys[0]
            return make("convex.auth_config", Status.FAIL, Message(
                N_("{path}:{line}: provider {index} spells {key}"), path=path,
                line=candidate.line, index=candidate.index, key=key), "misspelled", path=path,
                line=candidate.line, key=key)
        refused = _push_refusal(candidate, path)
        if refused is not None:
            return refused
    provider = project.oidc_provider
    if provider is None:
        return make("convex.auth_config", Status.FAIL, Message(
            N_("{path} has only customJwt providers"), path=path), "custom_only", path=path)
    if provider.application_id is None and provider.application_id_env is None:
        return make("convex.auth_config", Status.FAIL, Message(
            N_("{path}:{line}: the provider has no applicationID"), path=path,
            line=provider.line), "no_app_id", path=path, line=provider.line)
    app = provider.application_id or f"process.env.{provider.application_id_env}"
    line = provider.domain_line or provider.line
    if provider.domain is not None and provider.domain_env is None:
        why = domain_problem(provider.domain)
        if why is not None:
            return make("convex.auth_config", Status.FAIL, _domain_refused(
                path, line, provider.domain, why), "domain_invalid", path=path, line=line,
                domain=provider.domain, why=why, issuer=shown_issuer)
        if issuer is not None and not issuer_matches_domain(stored_domain(provider.domain),
                                                             issuer.raw):
            return make("convex.auth_config", Status.FAIL, Message(
                N_("{path}:{line}: domain {domain} ≠ issuer {issuer}"), path=path, line=line,
                domain=provider.domain, issuer=issuer.raw), "domain_literal",
                path=path, line=line, domain=provider.domain, issuer=issuer.shown)
        return passed("convex.auth_config", Message(
            N_("{path}: provider {index} has the literal domain {domain}, applicationID {app}"),
            path=path, index=provider.index, domain=provider.domain, app=app))
    if provider.domain_env is None:
        return make("convex.auth_config", Status.FAIL, Message(
            N_("{path}:{line}: the provider's domain is neither a string nor process.env.NAME"),
            path=path, line=line), "no_providers", path=path)
    if provider.env_fallback:
        return make("convex.auth_config", Status.WARN, Message(
            N_("{path}:{line}: domain reads process.env.{var} with a fallback"), path=path,
            line=line, var=provider.domain_env), "fallback", path=path,
            line=line, var=provider.domain_env, issuer=shown_issuer)
    return passed("convex.auth_config", Message(
        N_("{path}: provider {index} reads process.env.{var}, applicationID {app}"), path=path,
        index=provider.index, var=provider.domain_env, app=app))


def _domain_refused(path: str, line: int, domain: str, why: str) -> Message:
    return Message(N_("{path}:{line}: domain {domain!r} {why}"), path=path, line=line,
                   domain=domain, why=why)


def _push_refusal(provider: Provider, path: str) -> Check | None:
    """A provider that makes Convex refuse to push the whole auth.config (common/src/auth.rs
    ``SerializedAuthInfo``, ``deserialize_issuer_url``; isolate auth_config.rs)."""
    where = {"path": path, "line": provider.line, "index": provider.index}
    if provider.kind == "oidc":
        if provider.application_id is None and provider.application_id_env is None:
            return make("convex.auth_config", Status.FAIL, Message(N_(
                "{path}:{line}: provider {index} has no applicationID (required for an OIDC "
                "provider: Convex refuses to push this config)"), **where),
                "no_app_id", path=path, line=provider.line)
        if provider.issuer is not None or provider.issuer_env is not None:
            return make("convex.auth_config", Status.FAIL, Message(N_(
                "{path}:{line}: provider {index} is OIDC but has an issuer"), **where),
                "custom_field", path=path, line=provider.line, field="issuer",
                kind=Message(N_("an OIDC")))
        why = domain_problem(provider.domain) if provider.domain is not None else None
        if why is not None and provider.domain is not None:
            line = provider.domain_line or provider.line
            return make("convex.auth_config", Status.FAIL, _domain_refused(
                path, line, provider.domain, why), "domain_invalid", path=path, line=line,
                domain=provider.domain, why=why, issuer="https://<your-frontend-api-host>")
        return None
    if provider.kind != "customJwt":
        return make("convex.auth_config", Status.FAIL, Message(N_(
            "{path}:{line}: provider {index} has type {kind!r}"), kind=provider.kind, **where),
            "bad_type", path=path, line=provider.line, kind=provider.kind)
    if provider.domain is not None or provider.domain_env is not None:
        return make("convex.auth_config", Status.FAIL, Message(N_(
            "{path}:{line}: provider {index} is a customJwt provider but has a domain"),
            **where), "custom_field", path=path, line=provider.line,
            field="domain", kind=Message(N_("a customJwt")))
    missing = [name for name, literal, env in (
        ("issuer", provider.issuer, provider.issuer_env),
        ("jwks", provider.jwks, provider.jwks_env)) if literal is None and env is None]
    if provider.algorithm is None:
        missing.append("algorithm")
    if missing:
        return make("convex.auth_config", Status.FAIL, Message(N_(
            "{path}:{line}: provider {index} lacks {fields}"), fields=", ".join(missing),
            **where), "custom_missing", path=path, line=provider.line, fields=", ".join(missing))
    if not custom_jwt_algorithm_ok(provider.algorithm):
        return make("convex.auth_config", Status.FAIL, Message(N_(
            "{path}:{line}: provider {index}: algorithm {algorithm!r} is not RS256 or ES256"),
            algorithm=provider.algorithm, **where), "custom_algorithm",
            path=path, line=provider.line, algorithm=provider.algorithm)
    why = domain_problem(provider.issuer) if provider.issuer is not None else None
    if why is not None:
        return make("convex.auth_config", Status.FAIL, Message(N_(
            "{path}:{line}: provider {index}: issuer {issuer!r} {why}"), issuer=provider.issuer,
            why=why, **where), "custom_issuer", path=path, line=provider.line,
            issuer=provider.issuer, why=why)
    return None


def deployment_env_check(project: Project, issuer: Issuer | None, derived: str | None,
                         deployment: DeploymentValue | None, offline: bool) -> Check:
    from wizard.services.convex_cli import EnvLookup

    var = project.issuer_var
    if not project.issuer_var_declared:
        return skipped("convex.deployment_env", Message(N_(
            "auth.config reads no variable for the domain")))
    unasked = offline or deployment is None or deployment.status is EnvLookup.UNAVAILABLE
    if unasked and project.env.get(var) is None:
        # Nothing here holds the variable, and the one place that must cannot be asked.
        why = Message(N_("--offline")) if offline else (
            deployment.message if deployment else Message(N_("the deployment was not asked")))
        return make("convex.deployment_env", Status.WARN, Message(N_(
            "{var}, which {path} reads, was found nowhere: not in the .env files or the "
            "environment, and the deployment could not be asked ({why})"), var=var,
            path=project.auth_path, why=why), "found_nowhere", var=var,
            issuer=derived or "https://<frontend-api-host>")
    if offline:
        return skipped("convex.deployment_env", Message(N_(
            "--offline: the deployment was not asked")))
    if deployment is None or deployment.status is EnvLookup.UNAVAILABLE:
        why = deployment.message if deployment else Message(N_("the deployment was not asked"))
        return skipped("convex.deployment_env", Message(N_(
            "cannot run npx convex env get {var}: {why}"), var=var, why=why))
    secret = looks_secret_name(var)
    local = project.env.get(var)
    expected = issuer.shown if issuer and not issuer.source.startswith("deployment:") else (
        local.value if local else (derived or "https://<frontend-api-host>"))
    if deployment.status is EnvLookup.MISSING:
        return make("convex.deployment_env", Status.FAIL, Message(N_(
            "{var} is not set on the deployment"), var=var), "missing", var=var, issuer=expected)
    if deployment.status is EnvLookup.ERROR:
        return make("convex.deployment_env", Status.FAIL, Message(N_(
            "npx convex env get {var} failed: {message}"), var=var,
            message=deployment.message), "error", var=var)
    deployed = deployment.value or ""
    hidden = Message(N_("(hidden)"))
    shown = hidden if secret else repr(deployed)
    if local is None:
        return passed("convex.deployment_env", Message(N_(
            "the deployment has {var} = {shown} (no local copy to compare; Convex reads only "
            "the deployment's)"), var=var, shown=shown))
    if local.value == deployed:
        return passed("convex.deployment_env", Message(N_(
            "the deployment's {var} equals {source}"), var=var, source=local.source))
    right = local.value
    if derived is not None and url_host(local.value) != url_host(derived):
        right = derived
    return make("convex.deployment_env", Status.FAIL, Message(N_(
        "deployment {var} = {shown} but {source} = {local}"), var=var, shown=shown,
        source=local.source, local=hidden if secret else repr(local.value)), "differs",
        var=var, deployed=shown, expected=right)


def version_check(project: Project, path: AuthPath | None) -> Check:
    found = project.convex_version
    if found is None:
        return skipped("convex.version", Message(N_(
            "no convex package in node_modules, lock files or package.json")))
    version = convex_release(found.value)
    if version is None:
        return skipped("convex.version", Message(N_("unrecognised version {version} ({source})"),
                                                 version=found.value, source=found.source))
    where = Message(N_("{version} ({source})"), version=found.value, source=found.source)
    rule = provider_rule(version)
    if rule is ProviderRule.SESSION_ALWAYS and path is not AuthPath.INTEGRATION:
        return make("convex.version", Status.WARN, where, "broken_template", version=found.value)
    if rule is ProviderRule.TEMPLATE_ALWAYS and path is not AuthPath.TEMPLATE:
        return make("convex.version", Status.WARN, where, "no_integration", version=found.value)
    if version < (1, 42, 2):
        return make("convex.version", Status.WARN, where, "stale_session", version=found.value)
    return passed("convex.version", where)


def _problem_check(check_id: str, problem: FetchProblem, keys: IssuerKeys, var: str) -> Check:
    values: dict[str, object] = {"url": problem.url, "issuer": keys.issuer, "var": var,
                                 "status": problem.message.removeprefix("answered "),
                                 "what": problem.message,
                                 "found": problem.found}
    detail = Message(N_("{url}: {message}"), url=problem.url, message=problem.message)
    return make(check_id, Status.FAIL, detail, problem.kind, **values)


def issuer_checks(keys: IssuerKeys | None, var: str, reason: Message) -> list[Check]:
    if keys is None:
        return [skipped("issuer.discovery", reason), skipped("issuer.jwks", reason)]
    checks: list[Check] = []
    if keys.from_file:
        checks.append(skipped("issuer.discovery", Message(N_(
            "--jwks {file}: discovery skipped"), file=keys.from_file)))
    elif keys.discovery_problem is not None:
        checks.append(_problem_check("issuer.discovery", keys.discovery_problem, keys, var))
    else:
        checks.append(passed("issuer.discovery", Message(N_(
            "{url}: issuer {issuer}, jwks_uri {jwks_uri}"), url=keys.discovery_url,
            issuer=keys.discovery_issuer, jwks_uri=keys.jwks_uri)))
    if keys.jwks_problem is not None:
        checks.append(_problem_check("issuer.jwks", keys.jwks_problem, keys, var))
    elif keys.jwks_uri is None:
        checks.append(skipped("issuer.jwks", Message(N_("no jwks_uri to fetch"))))
    else:
        listed = ", ".join(f"{k.kid or '(no kid)'} {k.alg}" for k in keys.keys)
        if keys.skipped:
            checks.append(passed("issuer.jwks", Message(N_(
                "{url}: {keys}; skipped {count} unusable"), url=keys.jwks_uri, keys=listed,
                count=len(keys.skipped))))
        else:
            checks.append(passed("issuer.jwks", Message(N_("{url}: {keys}"), url=keys.jwks_uri,
                                                        keys=listed)))
    return checks
