"""From a project's problems to plans: which bytes each fix would write, or which command.

Planning changes nothing on disk. Plans are made in order against an overlay of the project's
files, so two fixes of one file (a secret moved and the issuer added to ``.env.local``)
chain: the second starts from the bytes the first leaves, and applying them in order works.
A fix that exists but cannot be made here (a read-only file, a ``.env.local`` linked outside
the project, a value set in the process environment) comes back as a :class:`Blocked` with
its reason.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import field
from urllib.parse import urlsplit

from wizard.checks.config_checks import suggested_issuer
from wizard.fixes.authtext import AuthText, new_auth_config, renamed_key, replaced_domain
from wizard.fixes.diff import unified_diff
from wizard.fixes.envtext import EnvText
from wizard.fixes.guard import (
    read_current,
    refuse_new_secret,
    refuse_unwritable,
    resolve_inside,
)
from wizard.fixes.model import (
    NO_KEY,
    Blocked,
    CommandFix,
    FileEdit,
    FixPlan,
    FixReason,
    FixSet,
    KeyFacts,
    Refusal,
    Refused,
)
from wizard.guards.redaction import looks_secret, looks_secret_name, redact
from wizard.project.auth_config import AuthConfig, parse_auth_config
from wizard.project.envfiles import BROWSER_PREFIXES, ENV_FILES, is_browser_exposed
from wizard.project.reader import Project
from wizard.records import record
from wizard.rules.convex import domain_problem
from wizard.services.convex_cli import DeploymentValue, EnvLookup, convex_cli

SECRET_EXPOSURE = "env.secret_exposure"
ISSUER = "env.issuer"
ISSUER_MATCHES_KEY = "env.issuer_matches_key"
AUTH_CONFIG = "convex.auth_config"
DEPLOYMENT_ENV = "convex.deployment_env"
FIXABLE_CHECKS: tuple[str, ...] = (SECRET_EXPOSURE, ISSUER, ISSUER_MATCHES_KEY, AUTH_CONFIG,
                                   DEPLOYMENT_ENV)
"""The checks a fix exists for, in the order plans are made (and applied)."""
DEFAULT_ENV_FILE = ".env.local"
_HOST = re.compile(r"[A-Za-z0-9.-]+(?::\d{1,5})?")


@record(frozen=True)
class Intended:
    """The issuer a fix writes, and whether it was derived from the publishable key."""

    value: str
    derived: bool


def _cleaned(value: str) -> str | None:
    """``value`` trimmed, unquoted, https, no path or trailing slash; None when what is left
    is not a URL worth writing."""
    url = suggested_issuer(value)
    netloc = urlsplit(url).netloc
    return url if _HOST.fullmatch(netloc) and domain_problem(url) is None else None


def _host(url: str) -> str:
    return urlsplit(url).netloc


def intended_issuer(key: KeyFacts, written: str | None) -> Intended | None:
    """What the issuer should be, from what is ``written``: that value cleaned when it names
    the publishable key's instance (or there is no key), else ``https://`` + the key's host."""
    key_host = key.host
    cleaned = _cleaned(written) if written and written.strip() else None
    if cleaned is not None and (key_host is None or _host(cleaned) == key_host):
        return Intended(cleaned, False)
    if key_host is not None:
        return Intended("https://" + key_host, True)
    return None


def server_name(name: str) -> str:
    """The server-only name of a browser-exposed variable: its prefixes removed."""
    while is_browser_exposed(name):
        name = next(name[len(p):] for p in BROWSER_PREFIXES if name.startswith(p))
    return name


@record
class Workspace:
    """What a family of plans works on: the project, its files as the plans before leave
    them (:meth:`read`), and the plans and blocked fixes made so far."""

    project: Project
    key: KeyFacts
    only: Collection[str] | None
    files: dict[str, bytes | None] = field(default_factory=dict)
    plans: list[FixPlan] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)

    def wants(self, *check_ids: str) -> bool:
        return self.only is None or any(c in self.only for c in check_ids)

    def read(self, rel: str) -> bytes | None:
        if rel not in self.files:
            self.files[rel] = read_current(resolve_inside(self.project.root, rel), rel)
        return self.files[rel]

    def edit(self, rel: str, new: bytes | None) -> FileEdit:
        """The edit of ``rel`` from its overlay bytes to ``new``, when it may be written."""
        old = self.read(rel)
        refuse_unwritable(resolve_inside(self.project.root, rel), rel)
        refuse_new_secret(old, new, rel)
        secrets = list(self.key.secrets)
        shown_old, shown_new = old, new
        if rel in ENV_FILES:
            before, after = (EnvText(data) if data is not None else None for data in (old, new))
            shown_old, shown_new = (e.redacted() if e else None for e in (before, after))
            secrets += [s for e in (before, after) if e for s in e.secrets()]
        return FileEdit(rel, old, new, unified_diff(rel, shown_old, shown_new, secrets))

    def add(self, plan: FixPlan, *, chained: bool = True) -> None:
        """Keep ``plan`` if its check was asked for; ``chained``: later plans start from the
        bytes it leaves (alternatives are not chained)."""
        if not self.wants(plan.check_id):
            return
        if chained:
            for edit in plan.edits:
                self.files[edit.path] = edit.new
        self.plans.append(plan)

    @contextlib.contextmanager
    def blocking(self, check_id: str) -> Iterator[None]:
        try:
            yield
        except Refused as refused:
            if self.wants(check_id):
                self.blocked.append(Blocked(check_id, refused.reason, refused.values))


# --- env.secret_exposure ----------------------------------------------------------------------

def _secret_exposure(ws: Workspace) -> None:
    env = ws.project.env
    if not any(is_browser_exposed(name) and looks_secret(found.value)
               for name, found in env.file_values.items()):
        return
    for rel in env.files_read:  # a .env folder (a virtualenv) is no env file
        with ws.blocking(SECRET_EXPOSURE):
            data = ws.read(rel)
            exposed = [] if data is None else [
                key for key, value in EnvText(data).values().items()
                if is_browser_exposed(key) and value is not None and looks_secret(value)]
            for key in exposed:
                with ws.blocking(SECRET_EXPOSURE):
                    _move_secret(ws, rel, key)


def secret_home(key: str, value: str) -> str:
    """Where a secret found in ``key`` belongs: the server-only name of the variable, except
    a secret pasted where the publishable key goes, which is Clerk's own secret variable (the
    publishable key's name would only hide it under the wrong name)."""
    if key.endswith("PUBLISHABLE_KEY"):
        if value.startswith("sk_"):
            return "CLERK_SECRET_KEY"
        if value.startswith("whsec_"):
            return "CLERK_WEBHOOK_SECRET"
        return ""
    return server_name(key)


def _move_secret(ws: Workspace, rel: str, key: str) -> None:
    env = EnvText(ws.read(rel) or b"")
    value = env.values()[key]
    target = secret_home(key, value or "")
    values = {"file": rel, "name": key, "to": target}
    if not target:
        raise Refused(Refusal.NOT_LOCATED, **values)
    elsewhere = ws.project.env.file_values.get(target)
    held = (env.values().get(target), elsewhere.value if elsewhere else None)
    if any(other is not None and other != value for other in held):
        raise Refused(Refusal.SERVER_NAME_TAKEN, **values)
    if target in env.values():
        env.remove(key)
        reason = FixReason.SECRET_COPY_REMOVED
    else:
        env.rename(key, target)
        reason = FixReason.SECRET_MOVED
    ws.add(FixPlan(SECRET_EXPOSURE, reason, values, (ws.edit(rel, env.data),), must_roll=True))


# --- env.issuer / env.issuer_matches_key ------------------------------------------------------

def _issuer_env(ws: Workspace) -> None:
    project = ws.project
    provider = project.oidc_provider
    if provider is not None and provider.domain is not None and provider.domain_env is None:
        return  # a literal domain: no variable is involved
    var = project.issuer_var
    in_environ = project.env.environ.get(var)
    in_file = project.env.file_values.get(var)
    now = in_environ if in_environ is not None else in_file.value if in_file else None
    intended = intended_issuer(ws.key, now)
    if not now:
        reason, check_id = FixReason.ISSUER_ADDED, ISSUER
    elif intended is not None and now == intended.value:
        return
    elif intended is not None and intended.derived:
        reason, check_id = FixReason.ISSUER_DERIVED, ISSUER_MATCHES_KEY
    else:  # nothing to clean it into, without a key, is blocked below
        reason, check_id = FixReason.ISSUER_CLEANED, ISSUER
    with ws.blocking(check_id):
        if intended is None:
            raise Refused(Refusal.NO_PUBLISHABLE_KEY, var=var)
        if in_environ is not None:
            raise Refused(Refusal.SET_IN_ENVIRONMENT, var=var)
        rel = in_file.source.split(":", 1)[0] if in_file else DEFAULT_ENV_FILE
        env = EnvText(ws.read(rel) or b"")
        key_name = ws.key.source.split(":", 1)[-1]
        values = {"file": rel, "var": var, "value": intended.value}
        comment = None
        if intended.derived:
            values["derived_from"] = key_name
            comment = f"derived from {key_name}"
        env.set(var, intended.value, comment)
        ws.add(FixPlan(check_id, reason, values, (ws.edit(rel, env.data),)))


# --- convex.auth_config -----------------------------------------------------------------------

def _auth_config(ws: Workspace, path: str, keep: str | None, application_id: str) -> None:
    project, auth = ws.project, ws.project.auth
    if auth.both_present:
        with ws.blocking(AUTH_CONFIG):
            _keep_one(ws, keep)
        return
    if not auth.exists:
        rel = "convex/auth.config.ts"
        with ws.blocking(AUTH_CONFIG):
            if not (project.root / "convex").is_dir():
                raise Refused(Refusal.NO_CONVEX_FOLDER, path=rel)
            new = new_auth_config(path, project.issuer_var, application_id)
            ws.add(FixPlan(AUTH_CONFIG, FixReason.AUTH_CONFIG_CREATED,
                           {"path": rel, "for_path": path, "var": project.issuer_var},
                           (ws.edit(rel, new),)))
        return
    rel = auth.display_path(project.root)
    misspelled = dict.fromkeys(k for p in auth.providers for k in p.misspelled_keys)
    for key in misspelled:
        with ws.blocking(AUTH_CONFIG):
            data, now = _auth_now(ws, rel)
            new, meant = renamed_key(data, now, key)
            ws.add(FixPlan(AUTH_CONFIG, FixReason.KEY_RENAMED,
                           {"path": rel, "key": key, "to": meant}, (ws.edit(rel, new),)))
    with ws.blocking(AUTH_CONFIG):
        _literal_domain(ws, rel)


def _auth_now(ws: Workspace, rel: str) -> tuple[bytes, AuthConfig]:
    """The auth config as the fixes before this one leave it."""
    data = ws.read(rel)
    if data is None:
        raise Refused(Refusal.UNREADABLE, path=rel)
    return data, parse_auth_config(AuthText(data).text)


def _literal_domain(ws: Workspace, rel: str) -> None:
    data, now = _auth_now(ws, rel)
    provider = next((p for p in now.providers if p.kind == "oidc"), None)
    if provider is None or provider.domain is None or provider.domain_env is not None:
        return
    intended = intended_issuer(ws.key, provider.domain)
    if intended is None or intended.value == provider.domain:
        return
    check_id = AUTH_CONFIG if domain_problem(provider.domain) else \
        ISSUER_MATCHES_KEY if intended.derived else ISSUER
    with ws.blocking(check_id):
        new = replaced_domain(data, now, provider, intended.value)
        ws.add(FixPlan(check_id, FixReason.DOMAIN_REPLACED,
                       {"path": rel, "line": str(provider.domain_line or provider.line),
                        "value": intended.value}, (ws.edit(rel, new),)))


def _keep_one(ws: Workspace, keep: str | None) -> None:
    for kept, aside in (("ts", "js"), ("js", "ts")):
        if keep in (None, kept):
            rel = f"convex/auth.config.{aside}"
            plan = FixPlan(AUTH_CONFIG, FixReason.AUTH_CONFIG_KEPT,
                           {"kept": f"convex/auth.config.{kept}", "set_aside": rel},
                           (ws.edit(rel, None),), choice=kept)
            ws.add(plan, chained=keep is not None)


# --- convex.deployment_env --------------------------------------------------------------------

def _deployment_env(ws: Workspace, deployment: DeploymentValue | None, prod: bool) -> None:
    project = ws.project
    if not project.issuer_var_declared or (deployment is None and not prod):
        return
    var = project.issuer_var
    local = project.env.get(var)
    intended = intended_issuer(ws.key, local.value if local else None)
    if not prod and deployment is not None and deployment.status is EnvLookup.FOUND \
            and intended is not None and deployment.value == intended.value:
        return
    if not prod and deployment is not None and deployment.status is EnvLookup.ERROR:
        raise Refused(Refusal.DEPLOYMENT_NOT_READ, var=var)
    cli = convex_cli(project.root)
    if cli is None:
        raise Refused(Refusal.NO_CONVEX_CLI, var=var)
    if intended is None:
        raise Refused(Refusal.NO_PUBLISHABLE_KEY, var=var)
    if prod and ws.key.development:
        # A development key's issuer on production is the very mistake envs.prod_deployment_env
        # catches: production's issuer comes from its own pk_live_ key, in that family.
        return
    secret = looks_secret_name(var) or looks_secret(intended.value)
    command = CommandFix(cli.relative_to(project.root).as_posix(), var, intended.value,
                         value_secret=secret, prod=prod)
    ws.add(FixPlan(DEPLOYMENT_ENV, FixReason.DEPLOYMENT_ENV_SET,
                   {"var": var, "value": redact(intended.value) if secret else intended.value,
                    "deployment": "prod" if prod else "dev"}, command=command))


@record(frozen=True)
class PlanFamily:
    """Plans for some checks: ``plan`` adds them to the workspace with :meth:`Workspace.add`
    (built from :meth:`Workspace.edit`), inside :meth:`Workspace.blocking` for what cannot
    be fixed here."""

    checks: tuple[str, ...]
    plan: Callable[[Workspace, PlanRequest], None]


@record(frozen=True)
class PlanRequest:
    """What the caller of :func:`plan_fixes` asked for, as every family sees it."""

    deployment: DeploymentValue | None = None
    path: str = "integration"
    keep: str | None = None
    prod: bool = False
    application_id: str = "convex"


_FAMILIES: list[PlanFamily] = []


def register_family(*checks: str) -> Callable[[FamilyPlanner], FamilyPlanner]:
    """Register a family of plans for ``checks`` (decorator). Families plan in the order
    they were registered, after the engine's own, so a family's edits of a file start from
    the bytes the earlier ones leave. A module of families is registered by importing it
    (``wizard/fixes/__init__.py`` imports each)."""
    def register(planner: FamilyPlanner) -> FamilyPlanner:
        _FAMILIES.append(PlanFamily(checks, planner))
        return planner
    return register


FamilyPlanner = Callable[[Workspace, PlanRequest], None]


def fixable_checks() -> tuple[str, ...]:
    """Every check a fix exists for: the engine's and the registered families'."""
    return tuple(dict.fromkeys(c for family in _FAMILIES for c in family.checks))


register_family(SECRET_EXPOSURE)(lambda ws, _: _secret_exposure(ws))
register_family(ISSUER, ISSUER_MATCHES_KEY)(lambda ws, _: _issuer_env(ws))
register_family(AUTH_CONFIG, ISSUER, ISSUER_MATCHES_KEY)(
    lambda ws, asked: _auth_config(ws, asked.path, asked.keep, asked.application_id))


@register_family(DEPLOYMENT_ENV)
def _deployment_family(ws: Workspace, asked: PlanRequest) -> None:
    with ws.blocking(DEPLOYMENT_ENV):
        _deployment_env(ws, asked.deployment, asked.prod)


def plan_fixes(project: Project, *, key: KeyFacts = NO_KEY,
               deployment: DeploymentValue | None = None,
               path: str = "integration", keep: str | None = None, prod: bool = False,
               application_id: str = "convex",
               only: Collection[str] | None = None,
               remote: Sequence[FixPlan] = ()) -> FixSet:
    """Every fix the project needs, as plans (in the order they are to be applied) and
    blocked fixes. ``deployment``: the issuer variable as read from the deployment the fix
    would set (``--prod`` when ``prod``); ``path``: the auth path a new auth.config is written
    for; ``keep``: ``"ts"``/``"js"`` when both auth configs exist (None: both choices are
    offered, as alternatives); ``only``: check ids to fix; ``key``: what the identity
    provider's public key says (and the secrets no diff may show); ``remote``: plans of
    changes through a provider's API the caller made (they come last)."""
    ws = Workspace(project, key, only)
    asked = PlanRequest(deployment, path, keep, prod, application_id)
    for family in _FAMILIES:
        if ws.wants(*family.checks):
            family.plan(ws, asked)
    for plan in remote:
        ws.add(plan)
    return FixSet(tuple(ws.plans), tuple(ws.blocked))


__all__ = ["FIXABLE_CHECKS", "Intended", "PlanFamily", "PlanRequest", "Workspace",
           "fixable_checks", "intended_issuer", "plan_fixes", "register_family", "server_name"]
