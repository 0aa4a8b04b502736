"""``convex.accepts_token`` and ``convex.deployed_providers``: Convex's own answer, as checks.

Nothing is sent unless asked: the token only with ``--ask-convex`` (or the UI's action), the
deploy key only when one is present and only where it belongs (its own deployment, or a host
the user named: :mod:`wizard.services.keys`), and neither under ``--offline``. The deploy key's
value never leaves this module except in the ``Authorization`` header; only its source is
shown.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wizard.checks.catalog import make, ordered, passed, skipped
from wizard.checks.model import Check, Status
from wizard.checks.options import SessionFacts
from wizard.guards.redaction import looks_secret
from wizard.project.deployment_url import clean_url, find_deploy_key, find_deployment_url
from wizard.project.sourced import Sourced
from wizard.records import record
from wizard.rules.convex import audiences, issuer_matches_domain, token_issuer_with_scheme
from wizard.rules.jwt import DecodedToken
from wizard.services.convex_probe import (
    ConvexAnswer,
    DeployedProvider,
    ListStatus,
    ProbeStatus,
    ProvidersAnswer,
    list_auth_providers,
    probe_token,
)
from wizard.services.keys import (
    DEPLOYMENT_FLAG,
    Destinations,
    deploy_key_credential,
    deploy_key_target,
)
from wizard.text.messages import N_, Message, verbatim

if TYPE_CHECKING:
    from wizard.checks.token_checks import TokenVerdict

ACCEPTS = "convex.accepts_token"
PROVIDERS = "convex.deployed_providers"
NO_KEY = Message(N_("no deploy key (CONVEX_DEPLOY_KEY in the environment or a .env file, or "
                    "--deploy-key-env NAME)"))
NOT_ASKED = Message(N_("Convex was not asked (check --ask-convex, or the wizard's Ask Convex "
                       "action)"))
NO_URL = Message(N_("no deployment URL in the project (CONVEX_URL or VITE_/NEXT_PUBLIC_/"
                    "PUBLIC_/REACT_APP_/EXPO_PUBLIC_CONVEX_URL, CONVEX_SELF_HOSTED_URL, "
                    "CONVEX_DEPLOYMENT)"))
OFFLINE = Message(N_("--offline: Convex was not asked"))


@record
class ConvexReport:
    """Where the deployment is, and what it said (never the token or the key)."""

    url: Sourced | None
    answer: ConvexAnswer | None = None
    providers: ProvidersAnswer | None = None
    providers_url: Sourced | None = None
    key_source: str | None = None
    push: str = "npx convex dev"
    token_skip: Message = NOT_ASKED
    providers_skip: Message = NO_KEY
    agrees: bool | None = None

    def to_json(self) -> dict[str, Any]:
        answer = self.answer.to_dict() if self.answer else None
        if answer is not None:
            answer["agrees_with_wizard"] = self.agrees
        return {
            "deployment_url": self.url.value if self.url else None,
            "deployment_url_source": self.url.source if self.url else None,
            "answer": answer,
            "providers": self.providers.to_dict() if self.providers else None,
            "deploy_key_source": self.key_source,
        }


def deployment_target(session: SessionFacts) -> Sourced | None:
    """The deployment to ask: the one named with ``--deployment-url``, else the project's."""
    named = session.options.destinations.deployment_url
    if named:
        return Sourced(clean_url(named), DEPLOYMENT_FLAG)
    return find_deployment_url(session.project.env, session.project.root)


def deploy_key(session: SessionFacts) -> Sourced | None:
    return find_deploy_key(session.project.env, session.options.deploy_key_env)


def withheld_deploy_key(session: SessionFacts) -> tuple[Sourced, Sourced] | None:
    """The deploy key and the deployment URL it would be asked at, when it may not go there
    (no one named that host); None when there is no key or URL, or when it may go."""
    key = deploy_key(session)
    if key is None or session.options.offline:
        return None
    destinations = session.options.destinations
    target = admin_url(deployment_target(session), key, destinations)
    credential = deploy_key_credential(key.value, key.source, destinations)
    if target is None or credential.admits(target.value):
        return None
    return key, target


def _push_command(key: str | None) -> str:
    target = deploy_key_target(key) if key else None
    if target is not None and target[0] in ("prod", "preview"):
        return "npx convex deploy"
    return "npx convex dev"


def _sendable(token: DecodedToken | None, verdict: TokenVerdict | None) -> Message | None:
    """Why this token must not go to Convex, or None: only a decodable JWT is ever sent."""
    if token is None or verdict is None:
        return Message(N_("no token given"))
    if looks_secret(token.raw) or (verdict.kind is not None and verdict.kind.reason == "key"):
        return Message(N_("what was pasted is a key, not a token; it is never sent anywhere"))
    if not verdict.header:
        return Message(N_("the text is not a JWT, so it was not sent"))
    return None


def ask_token(session: SessionFacts, token: DecodedToken | None,
              verdict: TokenVerdict | None) -> ConvexAnswer | Message:
    """One probe of the project's deployment; a message says why nothing was sent."""
    if session.options.offline:
        return OFFLINE
    url = deployment_target(session)
    if url is None:
        return NO_URL
    why = _sendable(token, verdict)
    if why is not None:
        return why
    assert token is not None
    return probe_token(url.value, token.raw, timeout=session.options.timeout)


def ask_convex(session: SessionFacts, token: DecodedToken | None, verdict: TokenVerdict | None,
               ask: bool | None = None) -> ConvexReport:
    """The slow part: the token probe (when asked) and the provider list (when a key exists)."""
    opts = session.options
    report = ConvexReport(url=deployment_target(session))
    key = deploy_key(session)
    report.key_source = key.source if key else None
    report.push = _push_command(key.value if key else None)
    if opts.deploy_key_env and key is None:
        report.providers_skip = Message(N_("--deploy-key-env {name}: that variable is not set"),
                                        name=opts.deploy_key_env)
    if opts.offline:
        report.token_skip = report.providers_skip = OFFLINE
    elif key is not None:
        report.providers_url = admin_url(report.url, key, opts.destinations)
        if report.providers_url is None:
            report.providers_skip = NO_URL
        else:
            credential = deploy_key_credential(key.value, key.source, opts.destinations)
            report.providers = list_auth_providers(report.providers_url.value, credential,
                                                   timeout=opts.timeout)
    if ask if ask is not None else opts.ask_convex:
        answer = ask_token(session, token, verdict)
        if isinstance(answer, Message):
            report.token_skip = answer
        else:
            report.answer = answer
    report.agrees = agreement(report.answer, verdict)
    return report


def agreement(answer: ConvexAnswer | None, verdict: TokenVerdict | None) -> bool | None:
    """Do Convex and the wizard agree? None when either has no verdict."""
    if answer is None or verdict is None or answer.status not in (ProbeStatus.ACCEPTED, ProbeStatus.REJECTED):
        return None
    failed = any(c.status is Status.FAIL for c in verdict.checks)
    if answer.status is ProbeStatus.ACCEPTED:
        return False if failed else (True if verdict.verified else None)
    return False if verdict.verified else (True if failed else None)


def _failed_ids(verdict: TokenVerdict | None) -> str:
    if verdict is None:
        return ""
    return ", ".join(c.id for c in verdict.checks if c.status is Status.FAIL)


def accepts_token_check(session: SessionFacts, report: ConvexReport,
                        verdict: TokenVerdict | None) -> Check:
    answer = report.answer
    if answer is None:
        return skipped(ACCEPTS, report.token_skip)
    url_source: str | Message = report.url.source if report.url else Message(N_("the project"))
    where = Message(N_("{url} ({source})"), url=answer.url,
                    source=report.url.source if report.url else Message(N_("given")))
    came_back = answer.what_came_back
    if answer.status is ProbeStatus.NOT_SENT:
        return skipped(ACCEPTS, verbatim(came_back))
    if answer.status is ProbeStatus.INCONCLUSIVE:
        return make(ACCEPTS, Status.WARN, Message(N_("{where} gave no verdict: {said}"),
                                                  where=where, said=came_back),
                    "inconclusive", what=came_back, url_source=url_source)
    claims = verdict.claims if verdict else {}
    iss = claims.get("iss") if isinstance(claims.get("iss"), str) else ""
    detail: Message
    if answer.status is ProbeStatus.ACCEPTED:
        if report.agrees is False:
            failed = _failed_ids(verdict)
            return make(ACCEPTS, Status.WARN, Message(N_(
                "{where} accepted the token ({said}). DISAGREEMENT: Convex accepts it, but the "
                "wizard's checks fail ({failed}); a rule is missing on one side."),
                where=where, said=came_back, failed=failed), "disagree", failed=failed)
        if report.agrees is None:
            detail = Message(N_("{where} accepted the token ({said}) (the wizard's own checks "
                                "could not verify it fully)"), where=where, said=came_back)
        else:
            detail = Message(N_("{where} accepted the token ({said}); the wizard's checks "
                                "agree"), where=where, said=came_back)
        return passed(ACCEPTS, detail)
    said = came_back.rstrip(".")
    detail = Message(N_("{where} rejected the token: {said}"), where=where, said=said)
    if report.agrees is False:
        detail = Message(N_(
            "{where} rejected the token: {said}. DISAGREEMENT: the wizard's checks verify this "
            "token, but Convex rejects it: the deployment's configuration differs from the "
            "local one (see convex.deployed_providers), or a rule is missing on the wizard's "
            "side."), where=where, said=said)
    elif verdict is not None and (failed := _failed_ids(verdict)):
        detail = Message(N_("{where} rejected the token: {said}; the wizard's checks agree "
                            "({failed})"), where=where, said=said, failed=failed)
    reason = answer.code if answer.code in ("NoAuthProvider", "Unauthenticated",
                                            "InvalidAuthHeader",
                                            "AuthProviderDiscoveryFailed") else "inconclusive"
    return make(ACCEPTS, Status.FAIL, detail, reason,
                iss_norm=token_issuer_with_scheme(iss).rstrip("/") if iss else "<issuer>",
                aud=json.dumps(audiences(claims.get("aud"))), var=session.project.issuer_var,
                message=answer.message, what=came_back, url_source=url_source,
                get_token=session.token_snippet())


def _describe(providers: tuple[DeployedProvider, ...]) -> str | Message:
    return ", ".join(p.describe() for p in providers) or Message(N_("none"))


def deployed_providers_check(session: SessionFacts, report: ConvexReport) -> Check:
    found = report.providers
    if found is None:
        return skipped(PROVIDERS, report.providers_skip)
    target = report.providers_url
    url_source: str | Message = target.source if target else Message(N_("the project"))
    where = Message(N_("{url} ({source})"), url=found.url, source=url_source)
    if found.status is ListStatus.WITHHELD:
        return make(PROVIDERS, Status.WARN, Message(N_("{message} (the URL is from {source})"),
                                                    message=found.message, source=url_source),
                    "withheld", origin=found.refused_origin, url_source=url_source,
                    flag=DEPLOYMENT_FLAG)
    if found.status is ListStatus.KEY_REFUSED:
        return make(PROVIDERS, Status.FAIL, Message(N_(
            "{where} refused the deploy key from {key_source}: {code}"), where=where,
            key_source=report.key_source, code=found.code), "key_refused",
            key_source=report.key_source, code=found.code)
    if found.status is ListStatus.INCONCLUSIVE:
        what = (f"HTTP {found.http_status}" + (f" {found.code}" if found.code else "") + ": "
                if found.http_status is not None else "") + found.message
        return make(PROVIDERS, Status.WARN, Message(N_("{where}: {what}"), where=where,
                                                    what=what), "inconclusive", what=what,
                    url_source=url_source)
    providers = found.providers
    if not providers:
        return make(PROVIDERS, Status.FAIL, Message(N_("{where} has no auth providers deployed"),
                                                    where=where),
                    "no_providers", push=report.push)
    listed = _describe(providers)
    issuer = session.issuer.shown if session.issuer else None
    app = session.application_id.value
    if issuer is None:
        return make(PROVIDERS, Status.WARN, Message(N_(
            "{where} has {listed}; there is no local issuer to compare with"), where=where,
            listed=listed), "inconclusive", what=Message(N_("no local issuer")),
            url_source=url_source)
    oidc = [p for p in providers if p.kind == "oidc"]
    same_domain = [p for p in oidc if p.domain and issuer_matches_domain(p.domain, issuer)]
    if any(p.application_id == app for p in same_domain):
        return passed(PROVIDERS, Message(N_(
            "{where} has {listed}; it matches the local issuer {issuer} and applicationID "
            "{app}"), where=where, listed=listed, issuer=issuer, app=app))
    if same_domain:
        deployed_app = same_domain[0].application_id
        return make(PROVIDERS, Status.FAIL, Message(N_(
            "{where} has {listed}: applicationID {deployed!r} ≠ local {app!r} ({source})"),
            where=where, listed=listed, deployed=deployed_app, app=app,
            source=session.application_id.source),
            "app_id_differs", issuer=issuer, deployed_app=deployed_app, app_id=app,
            push=report.push)
    deployed = (", ".join(p.domain or "(none)" for p in oidc)
                or Message(N_("customJwt providers only")))
    return make(PROVIDERS, Status.FAIL, Message(N_(
        "{where} has {listed}: no OIDC domain equals the local issuer {issuer} ({source})"),
        where=where, listed=listed, issuer=issuer,
        source=session.issuer.source if session.issuer else ""),
        "domain_differs", deployed=deployed, issuer=issuer,
        var=session.project.issuer_var, push=report.push)


def providers_check(session: SessionFacts) -> Check:
    """``convex.deployed_providers`` on its own, for the wizard's verify-config step: the
    deploy key is sent only when one is present, and the token never."""
    return deployed_providers_check(session, ask_convex(session, None, None, ask=False))


def with_providers_check(checks: list[Check], providers: Check) -> list[Check]:
    """``checks`` with ``providers`` (replacing an earlier one), in catalog order."""
    return ordered([*(c for c in checks if c.id != PROVIDERS), providers])


def convex_checks(session: SessionFacts, report: ConvexReport,
                  verdict: TokenVerdict | None) -> list[Check]:
    """``convex.deployed_providers`` and ``convex.accepts_token`` from what was asked."""
    return [deployed_providers_check(session, report),
            accepts_token_check(session, report, verdict)]


def admin_url(url: Sourced | None, key: Sourced, destinations: Destinations) -> Sourced | None:
    """Where to ask with the deploy key: ``url`` when the key may go there (its own deployment,
    or a URL the user named); else, for a key of a cloud deployment, that deployment's own URL
    (a prod key beside a dev URL, a custom domain, a URL the project made up); else ``url``,
    which the request refuses and says why (:mod:`wizard.services.keys`)."""
    if url is not None and deploy_key_credential(key.value, key.source,
                                                 destinations).admits(url.value):
        return url
    target = deploy_key_target(key.value)
    if target is None:
        return url
    kind, name = target
    return Sourced(f"https://{name}.convex.cloud", f"the deploy key's {kind} deployment {name} "
                   "(default-region URL)", derived=True)
