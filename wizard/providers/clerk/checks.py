"""The ``clerk.*`` checks: Clerk's side of the setup, read through the Backend API.

Nothing here sends the secret key unless the caller says the user agreed, and then only to
Clerk's API or a host the user named (:mod:`wizard.services.keys`). The key is read only from the
project's ``.env`` files under its server-side name ``CLERK_SECRET_KEY`` (never from a
browser-exposed variable) and shown at most redacted (``sk_test_…abcd``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field, replace
from typing import TYPE_CHECKING, Any

from wizard.checks.catalog import fix_for, make, passed
from wizard.checks.model import Check, Status
from wizard.checks.options import SessionFacts
from wizard.guards.redaction import redact
from wizard.project.issuer import Issuer
from wizard.project.reader import Project
from wizard.project.sourced import Sourced
from wizard.providers.base import PublicKey
from wizard.providers.clerk.api import (
    API_URL_VAR,
    DEFAULT_API_URL,
    ApiProblem,
    ApiProblemKind,
    ClerkBackend,
    ClerkSide,
    Fetched,
    JwtTemplate,
    convex_template_body,
    read_clerk_side,
    secret_key_instance_type,
)
from wizard.providers.clerk.keys import publishable_key
from wizard.providers.clerk.skipped import NOT_AGREED, skipped_clerk_checks
from wizard.providers.clerk.template import RESERVED_CLAIMS, TEMPLATE_NAME
from wizard.records import record
from wizard.rules.convex import ALLOWED_ALGS
from wizard.rules.jwt import AuthPath
from wizard.services.http import DEFAULT_TIMEOUT
from wizard.services.keys import (
    CLERK_API_FLAG,
    Destinations,
    clerk_secret_key_credential,
    shown_origin,
)
from wizard.text.messages import N_, Joined, Message, _, verbatim

if TYPE_CHECKING:
    import httpx


SECRET_KEY_VAR = "CLERK_SECRET_KEY"
SESSION_ONLY_CLAIMS: tuple[str, ...] = ("sid", "v", "pla", "fea")
MAX_LIFETIME = 3600
MIN_LIFETIME = 30


@record(frozen=True)
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


def skip_reason(project: Project, agreed: bool, offline: bool = False) -> Message | None:
    """Why the clerk.* checks cannot run, or None when they can."""
    if not agreed:
        return NOT_AGREED
    if offline:
        return Message(N_("--offline: no network call"))
    if find_secret_key(project) is None:
        return Message(N_("no {var} in the project's .env files (only a server-side variable "
                          "is used)"), var=SECRET_KEY_VAR)
    return None


@record
class ClerkFindings:
    """The clerk.* checks plus what the Backend API said, for the UI's offer to fix."""

    checks: list[Check]
    side: ClerkSide | None = None
    path: AuthPath | None = None

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
                and self.path is not AuthPath.INTEGRATION)


def check_clerk(project: Project, issuer: Issuer | None, application_id: str,
                path: AuthPath | None, *, agreed: bool, offline: bool = False,
                destinations: Destinations | None = None, timeout: float = DEFAULT_TIMEOUT,
                client: httpx.Client | None = None) -> ClerkFindings:
    """Run the clerk.* checks; a request is made only when ``agreed`` and a key exists, and
    the key goes only to Clerk's API or a host in ``destinations``."""
    reason = skip_reason(project, agreed, offline)
    public = publishable_key(project.env)
    if reason is not None:
        return ClerkFindings(skipped_clerk_checks(reason), path=path)
    key = find_secret_key(project)
    assert key is not None
    if key.instance_type is None:
        values = _problem_values(public, key, None)
        checks = [make("clerk.instance", Status.FAIL, Message(N_(
            "{source} does not start with sk_test_ or sk_live_; it was not sent"),
            source=key.source), "not_secret", **values)]
        rest = skipped_clerk_checks(Message(N_("no usable secret key")))[1:]
        return ClerkFindings(checks + rest, path=path)
    with backend(project, key, destinations or Destinations(), timeout=timeout,
                 client=client) as api:
        side = read_clerk_side(api)
    checks = judge_clerk_side(side, project, public, key, issuer, application_id, path)
    return ClerkFindings(checks, side, path)


def for_session(session: SessionFacts, path: AuthPath | None) -> list[Check]:
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
        return Fetched(problem=ApiProblem(ApiProblemKind.CONFIG, "", _(
            "no usable {var} in the .env files", var=SECRET_KEY_VAR)))
    with backend(project, key, destinations or Destinations(), timeout=timeout,
                 client=client) as api:
        listed = api.list_jwt_templates()
        if listed.problem is not None:
            return Fetched(problem=listed.problem)
        if any(t.name == TEMPLATE_NAME for t in listed.value or []):
            return Fetched(problem=ApiProblem(
                ApiProblemKind.EXISTS, api.base_url + "/jwt_templates",
                _("a template named convex already exists; it was left as it is")))
        return api.create_jwt_template(convex_template_body(application_id))


def describe_problem(problem: ApiProblem) -> str:
    """One line for the UI: what went wrong with a Backend API call."""
    where = f" ({problem.url})" if problem.url else ""
    return problem.message + where


# -- judging what the Backend API said ---------------------------------------------------------
def _problem_values(public: PublicKey | None, key: SecretKey, problem: ApiProblem | None
                    ) -> dict[str, object]:
    return {
        "source": key.source, "source_file": key.source_file, "redacted": key.redacted,
        "key_host": public.host if public and public.host else Message(N_("your app")),
        "api_var": API_URL_VAR,
        "url": problem.url if problem else "", "message": problem.message if problem else "",
        "origin": shown_origin(problem.url) if problem and problem.url else "",
        "said": problem.message if problem else "",
        "retry_after": Message(N_("{seconds} s"), seconds=problem.retry_after)
        if problem and problem.retry_after else Message(N_("a minute")),
    }


def _api_failure(check_id: str, public: PublicKey | None, key: SecretKey,
                 problem: ApiProblem) -> Check:
    values = _problem_values(public, key, problem)
    detail: Message
    if problem.kind is ApiProblemKind.INVALID_KEY:
        detail = Message(N_("this secret key is not valid for any instance: {source} "
                            "({redacted}) was refused, {message}"), source=key.source,
                         redacted=key.redacted, message=problem.message)
    elif problem.kind in (ApiProblemKind.RATE_LIMITED, ApiProblemKind.SERVER):
        detail = Message(N_("{url} {message}: retry later"), url=problem.url,
                         message=problem.message)
    elif problem.kind is ApiProblemKind.WITHHELD or not problem.url:
        detail = verbatim(problem.message)
    else:
        detail = Message(N_("{url}: {message}"), url=problem.url, message=problem.message)
    return make(check_id, Status.FAIL, detail, problem.kind, **values)


def judge_clerk_side(side: ClerkSide, project: Project, public: PublicKey | None, key: SecretKey,
                     issuer: Issuer | None, application_id: str,
                     path: AuthPath | None) -> list[Check]:
    if side.domains_problem is not None:
        failed = _api_failure("clerk.instance", public, key, side.domains_problem)
        reason = Message(N_("Clerk's Backend API could not be read (see clerk.instance)"))
        return [failed, *skipped_clerk_checks(reason)[1:]]
    checks = [_instance_check(side, public, key, issuer)]
    if side.templates_problem is not None or side.templates is None:
        problem = side.templates_problem or ApiProblem(ApiProblemKind.CONTENT, "", "no templates")
        checks.append(_api_failure("clerk.template", public, key, problem))
        checks += skipped_clerk_checks(Message(N_("the templates could not be listed")))[2:]
        return checks
    template_check, template = _template_check(side.templates, path)
    checks.append(template_check)
    if template is None:
        why = Message(N_("no template named exactly convex"))
        return checks + skipped_clerk_checks(why)[2:]
    checks.append(_claims_check(template, application_id, project.auth_path))
    checks.append(_signing_check(template))
    checks.append(_lifetime_check(template))
    return checks


def _instance_check(side: ClerkSide, public: PublicKey | None, key: SecretKey,
                    issuer: Issuer | None) -> Check:
    hosts = sorted({d.host for d in side.domains if d.host})
    where: Message = (verbatim(", ".join(hosts)) if hosts
                      else Message(N_("no Frontend API host")))
    satellites = [d.host for d in side.domains if d.is_satellite]
    if satellites:
        where = Message(N_("{hosts} (satellite: {satellites})"), hosts=where,
                        satellites=", ".join(satellites))
    compared: list[tuple[Message, str]] = []
    if public is not None and public.host is not None:
        compared.append((Message(N_("the publishable key ({source})"), source=public.found.source),
                         public.host.lower()))
    if issuer is not None and not issuer.derived:
        compared.append((Message(N_("the issuer ({source})"), source=issuer.source),
                         issuer.host))
    if not compared:
        return make("clerk.instance", Status.WARN, Message(N_(
            "{source} ({redacted}) reads the instance at {where}; there is no publishable key "
            "or issuer to compare"), source=key.source, redacted=key.redacted, where=where))
    differs: list[Message | Joined] = [Message(N_("{label} says {host}"), label=label, host=host)
                                       for label, host in compared if host not in hosts]
    if differs or not hosts:
        said = (Joined(tuple(differs), "; ") if differs
                else Message(N_("the instance lists no domain")))
        return make("clerk.instance", Status.FAIL, Message(N_(
            "{source} ({redacted}) belongs to {where}; {differs}"), source=key.source,
            redacted=key.redacted, where=where, differs=said),
            "mismatch", redacted=key.redacted, source=key.source, api_hosts=where,
            differs=_and(differs) if differs else said)
    return passed("clerk.instance", Message(N_(
        "{source} ({redacted}, {instance}) belongs to the instance at {where}, the same host "
        "as {labels}"), source=key.source, redacted=key.redacted, instance=key.instance_type,
        where=where, labels=_and([label for label, _ in compared])))


def _and(parts: list[Message | Joined]) -> Message | Joined:
    """``a``, ``a and b``, ``a and b and c``, in the current language."""
    joined: Message | Joined = parts[0]
    for part in parts[1:]:
        joined = Message(N_("{first} and {second}"), first=joined, second=part)
    return joined


def _near_misses(templates: list[JwtTemplate]) -> list[str]:
    def squash(name: str) -> str:
        return "".join(ch for ch in name.lower() if ch.isalnum())

    return [t.name for t in templates if t.name != TEMPLATE_NAME and "convex" in squash(t.name)]


def _template_check(templates: list[JwtTemplate], path: AuthPath | None
                    ) -> tuple[Check, JwtTemplate | None]:
    found = next((t for t in templates if t.name == TEMPLATE_NAME), None)
    names = ", ".join(json.dumps(t.name) for t in templates) or Message(N_("none"))
    if found is not None:
        return passed("clerk.template", Message(N_(
            "template \"convex\" ({id}) exists; the instance has {count} template(s): {names}"),
            id=found.id, count=len(templates), names=names)), found
    near = ", ".join(json.dumps(n) for n in _near_misses(templates))
    detail = Message(N_("no template named exactly \"convex\"; the instance has: {names}"),
                     names=names)
    if path is AuthPath.TEMPLATE:
        if near:
            return make("clerk.template", Status.FAIL, detail, "near_miss", names=near), None
        return make("clerk.template", Status.FAIL, detail, "missing"), None
    on = (Message(N_("{detail} (the integration path)"), detail=detail)
          if path is AuthPath.INTEGRATION else
          Message(N_("{detail} (an unknown path)"), detail=detail))
    near_text = Message(N_(" (there is {names}: the name must be exactly convex)"),
                        names=near) if near else ""
    return make("clerk.template", Status.WARN, on, "optional", near=near_text), None


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _claims_check(template: JwtTemplate, application_id: str, auth_path: str) -> Check:
    claims = template.claims
    if not isinstance(claims, Mapping):
        return make("clerk.template_claims", Status.FAIL, Message(N_(
            "claims are {claims}, not an object"), claims=_show(claims)), "not_object",
            app_id=application_id)
    problems: list[tuple[Status, Message, str, dict[str, object]]] = []
    reserved = [name for name in RESERVED_CLAIMS if name in claims]
    if reserved:
        listed = ", ".join(f"{n}: {_show(claims[n])}" for n in reserved)
        if "org.slug" in str(claims.get("iss", "")):
            others = [n for n in reserved if n != "iss"]
            problems.append((Status.FAIL, Message(N_(
                "reserved claims set ({claims}); \"iss\": \"{{{{org.slug}}}}\" is the original "
                "guide's mistake"), claims=listed), "org_slug_iss",
                {"others": Message(N_("; remove {claims} as well"), claims=", ".join(others))
                 if others else ""}))
        else:
            problems.append((Status.FAIL, Message(N_("reserved claims set ({claims})"),
                                                  claims=listed), "reserved",
                             {"claims": ", ".join(reserved)}))
    aud = claims.get("aud")
    if "aud" not in claims:
        problems.append((Status.FAIL, Message(N_("no aud claim")), "no_aud", {}))
    elif isinstance(aud, list):
        if aud == [application_id]:
            problems.append((Status.WARN, Message(N_("aud is {aud}, a one-element array"),
                                                  aud=_show(aud)), "aud_single_array", {}))
        else:
            problems.append((Status.FAIL, Message(N_("aud is {aud}, an array"), aud=_show(aud)),
                             "aud_array", {"found": _show(aud)}))
    elif aud != application_id:
        problems.append((Status.FAIL, Message(N_("aud is {aud}, not \"{app}\""),
                                              aud=_show(aud), app=application_id),
                         "aud_wrong", {"found": _show(aud)}))
    session_only = [name for name in SESSION_ONLY_CLAIMS if name in claims]
    if session_only:
        problems.append((Status.WARN, Message(N_("session-only claims set ({claims})"),
                                              claims=", ".join(session_only)),
                         "session_only", {"claims": ", ".join(session_only)}))
    if not problems:
        return passed("clerk.template_claims", Message(N_(
            "aud is \"{app}\" (a string); no reserved claim; claims: {claims}"),
            app=application_id, claims=", ".join(claims) or Message(N_("none"))))
    status = Status.FAIL if any(p[0] is Status.FAIL for p in problems) else Status.WARN
    # One fix per problem, worst first, so the user fixes everything in one visit.
    ordered = [p for p in problems if p[0] is Status.FAIL] + [
        p for p in problems if p[0] is not Status.FAIL]
    fixes = tuple(fix for p in ordered if (fix := fix_for(
        "clerk.template_claims", p[2], app_id=application_id, auth_path=auth_path, **p[3]))
        is not None)
    first = make("clerk.template_claims", status, Joined(tuple(p[1] for p in problems), "; "),
                 ordered[0][2], app_id=application_id, auth_path=auth_path, **ordered[0][3])
    return replace(first, fix_text=Joined(fixes))


def _signing_check(template: JwtTemplate) -> Check:
    alg = template.signing_algorithm or "RS256"
    if template.custom_signing_key:
        return make("clerk.template_signing", Status.FAIL, Message(N_(
            "the template uses a custom signing key ({alg})"), alg=alg), "custom_key", alg=alg)
    if alg not in ALLOWED_ALGS or alg != "RS256":
        return make("clerk.template_signing", Status.FAIL, Message(N_(
            "the template signs with {alg}"), alg=alg), "alg", alg=alg)
    return passed("clerk.template_signing", Message(N_(
        "no custom signing key; signed RS256 with the instance key, which the JWKS publishes")))


def _lifetime_check(template: JwtTemplate) -> Check:
    lifetime, skew = template.lifetime, template.allowed_clock_skew
    skew_text = Message(N_(", clock skew {skew} s"), skew=skew) if skew is not None else ""
    if lifetime is None:
        return make("clerk.template_lifetime", Status.WARN, Message(N_(
            "the Backend API reported no lifetime for the template")))
    if lifetime > MAX_LIFETIME:
        return make("clerk.template_lifetime", Status.WARN, Message(N_(
            "lifetime {lifetime} s is over one hour{skew}"), lifetime=lifetime, skew=skew_text),
            "long", lifetime=lifetime)
    if lifetime < MIN_LIFETIME:
        return make("clerk.template_lifetime", Status.WARN, Message(N_(
            "lifetime {lifetime} s is under {minimum} s{skew}"), lifetime=lifetime,
            minimum=MIN_LIFETIME, skew=skew_text), "short", lifetime=lifetime)
    return passed("clerk.template_lifetime", Message(N_("lifetime {lifetime} s{skew}"),
                                                     lifetime=lifetime, skew=skew_text))

