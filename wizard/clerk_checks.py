"""The ``clerk.*`` checks: Clerk's side of the setup, read through the Backend API.

Nothing here sends the secret key unless the caller says the user agreed, and then only to
Clerk's API or a host the user named (:mod:`wizard.key_hosts`). The key is read only from the
project's ``.env`` files under its server-side name ``CLERK_SECRET_KEY`` (never from a
browser-exposed variable) and shown at most redacted (``sk_test_…abcd``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from wizard.catalog import CLERK_CHECK_IDS as CLERK_CHECK_IDS  # re-exported for the UI
from wizard.catalog import CLERK_NOT_AGREED, make, passed, skipped
from wizard.clerk_api import (
    API_URL_VAR,
    DEFAULT_API_URL,
    ApiProblem,
    ClerkBackend,
    ClerkSide,
    Fetched,
    JwtTemplate,
    convex_template_body,
    read_clerk_side,
    secret_key_instance_type,
    url_host,
)
from wizard.clerk_template import RESERVED_CLAIMS, TEMPLATE_NAME
from wizard.convex_rules import ALLOWED_ALGS
from wizard.http import DEFAULT_TIMEOUT
from wizard.key_hosts import (
    CLERK_API_FLAG,
    Destinations,
    clerk_secret_key_credential,
    shown_origin,
)
from wizard.model import Check, Sourced, Status
from wizard.project import Project
from wizard.redaction import redact

if TYPE_CHECKING:
    import httpx

    from wizard.engine import Session

SECRET_KEY_VAR = "CLERK_SECRET_KEY"
SESSION_ONLY_CLAIMS: tuple[str, ...] = ("sid", "v", "pla", "fea")
MAX_LIFETIME = 3600
MIN_LIFETIME = 30
NOT_AGREED = CLERK_NOT_AGREED


@dataclass(frozen=True)
class SecretKey:
    """The secret key and where it was found; its ``repr`` never holds the value."""

    value: str = field(repr=False)
    source: str

    @property
    def redacted(self) -> str:
        return redact(self.value)

    @property
    def source_file(self) -> str:
        return self.source.split(":", 1)[0]

    @property
    def instance_type(self) -> str | None:
        return secret_key_instance_type(self.value)


def find_secret_key(project: Project) -> SecretKey | None:
    """``CLERK_SECRET_KEY`` from the ``.env`` files; a browser-exposed copy is never used."""
    found = project.env.file_values.get(SECRET_KEY_VAR)
    if found is None or not found.value.strip():
        return None
    return SecretKey(found.value.strip(), found.source)


def api_root(project: Project, destinations: Destinations) -> Sourced:
    """Where to ask: the URL named with ``--clerk-api-url``, else ``CLERK_API_URL`` from the
    environment or the .env files, else Clerk's API. Only the first is the user's word."""
    if destinations.clerk_api_url:
        return Sourced(destinations.clerk_api_url.strip(), CLERK_API_FLAG)
    found = project.env.get(API_URL_VAR)
    if found is not None and found.value.strip():
        return Sourced(found.value.strip(), found.source)
    return Sourced(DEFAULT_API_URL, "Clerk's API (the default)")


def backend(project: Project, key: SecretKey, destinations: Destinations, *,
            timeout: float = DEFAULT_TIMEOUT,
            client: httpx.Client | None = None) -> ClerkBackend:
    """A Backend API client whose key goes only to Clerk's API or a host the user named."""
    credential = clerk_secret_key_credential(key.value, key.source, destinations)
    return ClerkBackend(credential, api=api_root(project, destinations), timeout=timeout,
                        client=client)


def skip_reason(project: Project, agreed: bool, offline: bool = False) -> str | None:
    """Why the clerk.* checks cannot run, or None when they can."""
    if not agreed:
        return NOT_AGREED
    if offline:
        return "--offline: no network call"
    if find_secret_key(project) is None:
        return (f"no {SECRET_KEY_VAR} in the project's .env files (only a server-side variable "
                "is used)")
    return None


def skipped_clerk_checks(reason: str) -> list[Check]:
    return [skipped(check_id, reason) for check_id in CLERK_CHECK_IDS]


@dataclass
class ClerkFindings:
    """The clerk.* checks plus what the Backend API said, for the UI's offer to fix."""

    checks: list[Check]
    side: ClerkSide | None = None
    path: str | None = None

    @property
    def convex_template(self) -> JwtTemplate | None:
        if self.side is None or self.side.templates is None:
            return None
        return next((t for t in self.side.templates if t.name == TEMPLATE_NAME), None)

    @property
    def can_create_template(self) -> bool:
        """Templates were listed, none is named convex, and the template path is possible."""
        return (self.side is not None and self.side.templates is not None
                and self.side.templates_problem is None and self.convex_template is None
                and self.path != "integration")


def check_clerk(project: Project, issuer: Sourced | None, application_id: str,
                path: str | None, *, agreed: bool, offline: bool = False,
                destinations: Destinations | None = None, timeout: float = DEFAULT_TIMEOUT,
                client: httpx.Client | None = None) -> ClerkFindings:
    """Run the clerk.* checks; a request is made only when ``agreed`` and a key exists, and
    the key goes only to Clerk's API or a host in ``destinations``."""
    reason = skip_reason(project, agreed, offline)
    if reason is not None:
        return ClerkFindings(skipped_clerk_checks(reason), path=path)
    key = find_secret_key(project)
    assert key is not None
    if key.instance_type is None:
        values = _problem_values(project, key, None)
        checks = [make("clerk.instance", Status.FAIL, f"{key.source} does not start with "
                       "sk_test_ or sk_live_; it was not sent", "not_secret", **values)]
        rest = skipped_clerk_checks("no usable secret key")[1:]
        return ClerkFindings(checks + rest, path=path)
    with backend(project, key, destinations or Destinations(), timeout=timeout,
                 client=client) as api:
        side = read_clerk_side(api)
    checks = judge_clerk_side(side, project, key, issuer, application_id, path)
    return ClerkFindings(checks, side, path)


def for_session(session: Session, path: str | None) -> list[Check]:
    """The engine's entry point: the options say whether the user agreed."""
    opts = session.options
    return check_clerk(
        session.project, session.issuer, session.application_id.value, path,
        agreed=opts.use_secret_key, offline=opts.offline, destinations=opts.destinations,
        timeout=opts.timeout).checks


def create_convex_template(project: Project, application_id: str, *,
                           destinations: Destinations | None = None,
                           timeout: float = DEFAULT_TIMEOUT,
                           client: httpx.Client | None = None) -> Fetched[JwtTemplate]:
    """POST the Convex preset as a new template named ``convex``. Only call this after the
    user saw :func:`convex_template_body` and said yes. It never changes or deletes a
    template: when one named ``convex`` already exists nothing is posted."""
    key = find_secret_key(project)
    if key is None or key.instance_type is None:
        return Fetched(problem=ApiProblem("config", "", f"no usable {SECRET_KEY_VAR} in the "
                                          ".env files"))
    with backend(project, key, destinations or Destinations(), timeout=timeout,
                 client=client) as api:
        listed = api.list_jwt_templates()
        if listed.problem is not None:
            return Fetched(problem=listed.problem)
        if any(t.name == TEMPLATE_NAME for t in listed.value or []):
            return Fetched(problem=ApiProblem(
                "exists", api.base_url + "/jwt_templates",
                "a template named convex already exists; it was left as it is"))
        return api.create_jwt_template(convex_template_body(application_id))


def describe_problem(problem: ApiProblem) -> str:
    """One line for the UI: what went wrong with a Backend API call."""
    where = f" ({problem.url})" if problem.url else ""
    return problem.message + where


# -- judging what the Backend API said ---------------------------------------------------------
def _problem_values(project: Project, key: SecretKey, problem: ApiProblem | None
                    ) -> dict[str, object]:
    return {
        "source": key.source, "source_file": key.source_file, "redacted": key.redacted,
        "key_host": project.key.frontend_api if project.key else "your app",
        "api_var": API_URL_VAR,
        "url": problem.url if problem else "", "message": problem.message if problem else "",
        "origin": shown_origin(problem.url) if problem and problem.url else "",
        "said": problem.message if problem else "",
        "retry_after": f"{problem.retry_after} s" if problem and problem.retry_after
        else "a minute",
    }


def _api_failure(check_id: str, project: Project, key: SecretKey,
                 problem: ApiProblem) -> Check:
    values = _problem_values(project, key, problem)
    if problem.kind == "invalid_key":
        detail = (f"this secret key is not valid for any instance: {key.source} "
                  f"({key.redacted}) was refused, {problem.message}")
    elif problem.kind in ("rate_limited", "server"):
        detail = f"{problem.url} {problem.message}: retry later"
    elif problem.kind == "withheld":
        detail = problem.message
    else:
        detail = f"{problem.url}: {problem.message}" if problem.url else problem.message
    return make(check_id, Status.FAIL, detail, problem.kind, **values)


def judge_clerk_side(side: ClerkSide, project: Project, key: SecretKey,
                     issuer: Sourced | None, application_id: str,
                     path: str | None) -> list[Check]:
    if side.domains_problem is not None:
        failed = _api_failure("clerk.instance", project, key, side.domains_problem)
        reason = "Clerk's Backend API could not be read (see clerk.instance)"
        return [failed, *skipped_clerk_checks(reason)[1:]]
    checks = [_instance_check(side, project, key, issuer)]
    if side.templates_problem is not None or side.templates is None:
        problem = side.templates_problem or ApiProblem("content", "", "no templates")
        checks.append(_api_failure("clerk.template", project, key, problem))
        checks += skipped_clerk_checks("the templates could not be listed")[2:]
        return checks
    template_check, template = _template_check(side.templates, path)
    checks.append(template_check)
    if template is None:
        why = "no template named exactly convex"
        return checks + skipped_clerk_checks(why)[2:]
    checks.append(_claims_check(template, application_id, project.auth_path))
    checks.append(_signing_check(template))
    checks.append(_lifetime_check(template))
    return checks


def _instance_check(side: ClerkSide, project: Project, key: SecretKey,
                    issuer: Sourced | None) -> Check:
    hosts = sorted({d.host for d in side.domains if d.host})
    where = ", ".join(hosts) or "no Frontend API host"
    satellites = [d.host for d in side.domains if d.is_satellite]
    if satellites:
        where += f" (satellite: {', '.join(satellites)})"
    compared: list[tuple[str, str]] = []
    if project.key is not None and project.publishable_key is not None:
        compared.append((f"the publishable key ({project.publishable_key.source})",
                         project.key.frontend_api.lower()))
    if issuer is not None and not issuer.derived:
        compared.append((f"the issuer ({issuer.source})", url_host(issuer.value)))
    if not compared:
        return make("clerk.instance", Status.WARN, f"{key.source} ({key.redacted}) reads the "
                    f"instance at {where}; there is no publishable key or issuer to compare")
    differs = [f"{label} says {host}" for label, host in compared if host not in hosts]
    if differs or not hosts:
        return make("clerk.instance", Status.FAIL,
                    f"{key.source} ({key.redacted}) belongs to {where}; "
                    + "; ".join(differs or ["the instance lists no domain"]),
                    "mismatch", redacted=key.redacted, source=key.source, api_hosts=where,
                    differs=" and ".join(differs) or "the instance lists no domain")
    labels = " and ".join(label for label, _ in compared)
    return passed("clerk.instance", f"{key.source} ({key.redacted}, {key.instance_type}) "
                  f"belongs to the instance at {where}, the same host as {labels}")


def _near_misses(templates: list[JwtTemplate]) -> list[str]:
    def squash(name: str) -> str:
        return "".join(ch for ch in name.lower() if ch.isalnum())

    return [t.name for t in templates if t.name != TEMPLATE_NAME and "convex" in squash(t.name)]


def _template_check(templates: list[JwtTemplate], path: str | None
                    ) -> tuple[Check, JwtTemplate | None]:
    found = next((t for t in templates if t.name == TEMPLATE_NAME), None)
    names = ", ".join(json.dumps(t.name) for t in templates) or "none"
    if found is not None:
        return passed("clerk.template", f"template \"convex\" ({found.id}) exists; the "
                      f"instance has {len(templates)} template(s): {names}"), found
    near = ", ".join(json.dumps(n) for n in _near_misses(templates))
    detail = f"no template named exactly \"convex\"; the instance has: {names}"
    if path == "template":
        if near:
            return make("clerk.template", Status.FAIL, detail, "near_miss", names=near), None
        return make("clerk.template", Status.FAIL, detail, "missing"), None
    on = "the integration path" if path == "integration" else "an unknown path"
    near_text = f" (there is {near}: the name must be exactly convex)" if near else ""
    return make("clerk.template", Status.WARN, f"{detail} ({on})", "optional",
                near=near_text), None


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _claims_check(template: JwtTemplate, application_id: str, auth_path: str) -> Check:
    claims = template.claims
    if not isinstance(claims, Mapping):
        return make("clerk.template_claims", Status.FAIL, f"claims are {_show(claims)}, not an "
                    "object", "not_object", app_id=application_id)
    problems: list[tuple[Status, str, str, dict[str, object]]] = []
    reserved = [name for name in RESERVED_CLAIMS if name in claims]
    if reserved:
        listed = ", ".join(f"{n}: {_show(claims[n])}" for n in reserved)
        if "org.slug" in str(claims.get("iss", "")):
            others = [n for n in reserved if n != "iss"]
            problems.append((Status.FAIL, f"reserved claims set ({listed}); \"iss\": "
                             "\"{{org.slug}}\" is the original guide's mistake", "org_slug_iss",
                             {"others": f"; remove {', '.join(others)} as well" if others
                              else ""}))
        else:
            problems.append((Status.FAIL, f"reserved claims set ({listed})", "reserved",
                             {"claims": ", ".join(reserved)}))
    aud = claims.get("aud")
    if "aud" not in claims:
        problems.append((Status.FAIL, "no aud claim", "no_aud", {}))
    elif isinstance(aud, list):
        if aud == [application_id]:
            problems.append((Status.WARN, f"aud is {_show(aud)}, a one-element array",
                             "aud_single_array", {}))
        else:
            problems.append((Status.FAIL, f"aud is {_show(aud)}, an array", "aud_array",
                             {"found": _show(aud)}))
    elif aud != application_id:
        problems.append((Status.FAIL, f"aud is {_show(aud)}, not \"{application_id}\"",
                         "aud_wrong", {"found": _show(aud)}))
    session_only = [name for name in SESSION_ONLY_CLAIMS if name in claims]
    if session_only:
        problems.append((Status.WARN, f"session-only claims set ({', '.join(session_only)})",
                         "session_only", {"claims": ", ".join(session_only)}))
    if not problems:
        return passed("clerk.template_claims", f"aud is \"{application_id}\" (a string); no "
                      f"reserved claim; claims: {', '.join(claims) or 'none'}")
    status = Status.FAIL if any(p[0] is Status.FAIL for p in problems) else Status.WARN
    detail = "; ".join(p[1] for p in problems)
    # One fix per problem, worst first, so the user fixes everything in one visit.
    ordered = [p for p in problems if p[0] is Status.FAIL] + [
        p for p in problems if p[0] is not Status.FAIL]
    fixes = [make("clerk.template_claims", p[0], p[1], p[2], app_id=application_id,
                  auth_path=auth_path, **p[3]).fix for p in ordered]
    first = make("clerk.template_claims", status, detail, ordered[0][2], app_id=application_id,
                 auth_path=auth_path, **ordered[0][3])
    return replace(first, fix=" ".join(fixes))


def _signing_check(template: JwtTemplate) -> Check:
    alg = template.signing_algorithm or "RS256"
    if template.custom_signing_key:
        return make("clerk.template_signing", Status.FAIL, f"the template uses a custom "
                    f"signing key ({alg})", "custom_key", alg=alg)
    if alg not in ALLOWED_ALGS or alg != "RS256":
        return make("clerk.template_signing", Status.FAIL, f"the template signs with {alg}",
                    "alg", alg=alg)
    return passed("clerk.template_signing", "no custom signing key; signed RS256 with the "
                  "instance key, which the JWKS publishes")


def _lifetime_check(template: JwtTemplate) -> Check:
    lifetime, skew = template.lifetime, template.allowed_clock_skew
    skew_text = f", clock skew {skew} s" if skew is not None else ""
    if lifetime is None:
        return make("clerk.template_lifetime", Status.WARN, "the Backend API reported no "
                    "lifetime for the template")
    if lifetime > MAX_LIFETIME:
        return make("clerk.template_lifetime", Status.WARN, f"lifetime {lifetime} s is over "
                    f"one hour{skew_text}", "long", lifetime=lifetime)
    if lifetime < MIN_LIFETIME:
        return make("clerk.template_lifetime", Status.WARN, f"lifetime {lifetime} s is under "
                    f"{MIN_LIFETIME} s{skew_text}", "short", lifetime=lifetime)
    return passed("clerk.template_lifetime", f"lifetime {lifetime} s{skew_text}")

