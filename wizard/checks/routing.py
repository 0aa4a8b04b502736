"""Which providers the deployment holds, and which one a token goes to (convex_spec.md §2.2).

auth.config is evaluated on the deployment against its own variables; here each provider is
evaluated with what the project knows (the resolved issuer for the Clerk provider, the .env
files for the others). A provider Convex would refuse at push time is left out and said so.
"""

from __future__ import annotations

from dataclasses import field, replace
from typing import Any

from wizard.checks.token_checks import TokenContext, routing_problem
from wizard.project.auth_config import Provider
from wizard.project.issuer import Issuer
from wizard.project.reader import Project
from wizard.project.sourced import Sourced
from wizard.records import record
from wizard.rules.convex import (
    AuthProvider,
    Crash,
    convex_order,
    custom_jwt_algorithm_ok,
    domain_problem,
    issuer_matches_domain,
    route,
    stored_domain,
)
from wizard.rules.jwt import DecodedToken
from wizard.text.messages import _


@record(frozen=True)
class Evaluated:
    """The providers as the deployment would hold them, in auth.config order."""

    providers: tuple[AuthProvider, ...] = ()
    left_out: tuple[str, ...] = ()
    """Providers that are not on the deployment, and why (push-time errors, unknown values)."""
    assumed: bool = False
    """No provider in auth.config: the Clerk provider the setup needs is assumed."""
    issuer_vars: dict[int, str] = field(default_factory=dict)

    @property
    def ordered(self) -> list[AuthProvider]:
        return convex_order(self.providers)


def _value(project: Project, literal: str | None, env: str | None) -> str | None:
    if env is not None:
        found = project.env.get(env)
        return found.value if found is not None else None
    return literal


def _oidc(project: Project, provider: Provider, clerk: Provider | None, issuer: Issuer | None,
          application_id: Sourced) -> tuple[AuthProvider | None, str]:
    if provider.application_id is None and provider.application_id_env is None:
        return None, (f"provider {provider.index} has no applicationID, so Convex refuses "
                      "to push this auth.config")
    if provider is clerk:
        domain = issuer.raw if issuer is not None else None
        app: str | None = application_id.value if provider.application_id_env is None or \
            application_id.source == "--application-id" else \
            _value(project, None, provider.application_id_env)
    else:
        domain = _value(project, provider.domain, provider.domain_env)
        app = _value(project, provider.application_id, provider.application_id_env)
    if domain is None or app is None:
        return None, f"provider {provider.index}: its domain or applicationID is not known here"
    why = domain_problem(domain)
    if why is not None:
        return None, f"provider {provider.index}: domain {domain!r} {why}"
    return AuthProvider("oidc", stored_domain(domain), app, index=provider.index), ""


def _custom(project: Project, provider: Provider) -> tuple[AuthProvider | None, str]:
    issuer = _value(project, provider.issuer, provider.issuer_env)
    jwks = _value(project, provider.jwks, provider.jwks_env)
    app = _value(project, provider.application_id, provider.application_id_env)
    if provider.application_id_env is not None and app is None:
        return None, f"provider {provider.index}: its applicationID is not known here"
    if issuer is None or jwks is None:
        return None, f"provider {provider.index}: its issuer or jwks is not known here"
    if not custom_jwt_algorithm_ok(provider.algorithm):
        return None, (f"provider {provider.index}: algorithm {provider.algorithm!r} is not "
                      "RS256 or ES256, so Convex refuses to push this auth.config")
    why = domain_problem(issuer)
    if why is not None:
        return None, f"provider {provider.index}: issuer {issuer!r} {why}"
    return AuthProvider("customJwt", stored_domain(issuer), app, jwks, provider.algorithm,
                        provider.index), ""


def evaluate_providers(project: Project, issuer: Issuer | None, application_id: Sourced, *,
                       pinned: bool = False) -> Evaluated:
    """The deployment's providers. ``pinned`` (``--issuer``): only the Clerk provider, with
    that issuer."""
    clerk = project.oidc_provider
    if pinned or not project.auth.providers:
        if issuer is None:
            return Evaluated()
        index = clerk.index if clerk is not None else 0
        return Evaluated((AuthProvider("oidc", issuer.stored, application_id.value,
                                       index=index),), assumed=not project.auth.providers)
    providers: list[AuthProvider] = []
    left_out: list[str] = []
    issuer_vars: dict[int, str] = {}
    for provider in project.auth.providers:
        if provider.kind == "oidc":
            found, why = _oidc(project, provider, clerk, issuer, application_id)
            var = provider.domain_env
        elif provider.kind == "customJwt":
            found, why = _custom(project, provider)
            var = provider.issuer_env
        else:
            found, why = None, (f"provider {provider.index} has type {provider.kind!r}, which "
                                "Convex refuses")
            var = None
        if found is None:
            left_out.append(why)
            continue
        providers.append(found)
        issuer_vars[found.index] = var or project.issuer_var
    return Evaluated(tuple(providers), tuple(left_out), issuer_vars=issuer_vars)


def _closest(evaluated: Evaluated, iss: Any) -> AuthProvider | None:
    """Where to explain a token that matches no provider: the first whose issuer matches,
    else the first OIDC provider, else the first."""
    ordered = evaluated.ordered
    if isinstance(iss, str):
        same = [p for p in ordered if issuer_matches_domain(p.domain, iss)]
        if same:
            return same[0]
    oidc = [p for p in ordered if p.kind == "oidc"]
    candidates = oidc or ordered
    return candidates[0] if candidates else None


def _none_note(evaluated: Evaluated, claims: dict[str, Any]) -> str:
    listed = ", ".join(p.describe() for p in evaluated.ordered) or _("no providers")
    note = _("iss {iss!r} with aud {aud!r} matches none of [{listed}]",
             iss=claims.get("iss"), aud=claims.get("aud"), listed=listed)
    if evaluated.left_out:
        note += _("; not on the deployment: {providers}",
                  providers="; ".join(evaluated.left_out))
    return note


def route_token(evaluated: Evaluated, token: DecodedToken,
                clerk: TokenContext) -> tuple[AuthProvider | None, TokenContext]:
    """The provider Convex routes the token to (None: none) and the context to judge it in."""
    claims = token.claims or {}
    iss, aud = claims.get("iss"), claims.get("aud")
    try:
        readable = routing_problem(token) is None and isinstance(iss, str)
    except Crash:
        readable = False
    target = route(evaluated.providers, aud, iss) if readable and isinstance(iss, str) else None
    if not readable:
        note = _("Convex cannot read the payload's iss and aud, so the token goes nowhere")
    elif target is None:
        note = _none_note(evaluated, claims)
    else:
        note = _("assumed: auth.config has no provider") if evaluated.assumed else ""
    shown = target or _closest(evaluated, iss)
    if shown is None:
        return None, replace(clerk, routed=False, route_note=note)
    ctx = replace(
        clerk, issuer=shown.domain,
        application_id=shown.application_id or clerk.application_id,
        issuer_var=evaluated.issuer_vars.get(shown.index, clerk.issuer_var),
        provider=shown, routed=target is not None, position=evaluated.ordered.index(shown),
        route_note=note)
    return target, ctx
