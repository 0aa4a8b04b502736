"""Judging a token by exactly the rules the Convex backend applies (convex_spec.md §2, §8).

Every ``token.*`` check is computed and reported, not only the first failure, so one paste
shows everything that is wrong. A token routed to a Clerk (OIDC) provider is judged by
:func:`verify_token`, one routed to a customJwt provider by :func:`verify_custom_jwt`; both
also predict Convex's own answer (:class:`Answer`) by walking its stages in order.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import field
from typing import Any

from wizard.checks import catalog
from wizard.checks.catalog import make, passed, skipped
from wizard.checks.model import Check, Status
from wizard.guards.safe_text import bounded
from wizard.records import record
from wizard.rules.convex import (
    CLOCK_SKEW_WARNING_SECONDS,
    EXPIRY_WARNING_SECONDS,
    MIN_REFRESHABLE_LIFETIME,
    OIDC_ALGS,
    AuthProvider,
    Crash,
    audience_verifies,
    audiences,
    biscuit_seconds,
    custom_jwt_alg_problem,
    custom_jwt_audience_ok,
    custom_jwt_key,
    custom_jwt_missing_claims,
    custom_jwt_time_problem,
    header_rejection,
    is_expired,
    iss_is_absolute_url,
    issuer_matches_domain,
    key_is_candidate,
    oidc_claim_problems,
    oidc_header_problems,
    oidc_seconds,
    routing_claims_problem,
    token_issuer_with_scheme,
)
from wizard.rules.jwt import AuthPath, Classification, DecodedToken, TokenKind
from wizard.services.issuer_keys import (
    CustomJwks,
    FetchProblem,
    FetchProblemKind,
    IssuerKeys,
    SigningKey,
    load_public_key,
    verify_signature,
)
from wizard.text.durations import how_long
from wizard.text.messages import N_, Message, _, verbatim

_NOT_READABLE = Message(N_("the token could not be decoded"))
_PARSED_LATER = ("sub", "exp", "iat", "iss")  # judged by token.claims / token.iss


@record(frozen=True)
class TokenContext:
    """What a token is judged against: the provider it routes to (or the closest one)."""

    issuer: str | None
    application_id: str
    issuer_var: str = "CLERK_JWT_ISSUER_DOMAIN"
    auth_path: str = "convex/auth.config.ts"
    path: AuthPath | None = None  # None: not known
    provider: AuthProvider | None = None
    routed: bool = True
    """False when no provider matches: the context is the closest one, to explain why."""
    position: int | None = None  # the provider's place in Convex's order
    route_note: str = ""
    get_token: str = ""
    """The console line that mints the token Convex receives (the identity provider's)."""


@record(frozen=True)
class Answer:
    """What Convex itself would answer: HTTP status and error code ("" when accepted)."""

    status: int
    code: str
    why: str

    @property
    def accepted(self) -> bool:
        return self.status == 200

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "code": self.code or None, "why": self.why}


ACCEPTED = Answer(200, "", "the token is accepted")


@record
class TokenVerdict:
    checks: list[Check] = field(default_factory=list)
    kind: Classification | None = None
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    expires_in: int | None = None
    route: dict[str, Any] | None = None
    answer: Answer | None = None
    """Convex's predicted answer; None when it cannot be known (keys not fetched)."""

    @property
    def verified(self) -> bool:
        """Every token check is pass or warn, and the signature passed."""
        statuses = {c.id: c.status for c in self.checks}
        return statuses.get("token.signature") is Status.PASS and all(
            c.status in (Status.PASS, Status.WARN) for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``token`` object: decoded header and claims, never the signature."""
        return {
            "kind": self.kind.kind.value if self.kind else None,
            "header": bounded(self.header),
            "claims": bounded(self.claims),
            "expires_in": self.expires_in,
            "route": self.route,
            "convex_answer": self.answer.to_dict() if self.answer else None,
        }


def route_dict(ctx: TokenContext) -> dict[str, Any]:
    """Which provider the token goes to, as the JSON output and the header line name it."""
    provider = ctx.provider
    if provider is None or not ctx.routed:
        return {"matched": False, "index": None, "type": None, "domain": None,
                "application_id": None, "order": None, "note": ctx.route_note}
    return {"matched": True, "index": provider.index, "type": provider.kind,
            "domain": provider.domain, "application_id": provider.application_id,
            "order": ctx.position, "note": ctx.route_note}


def describe_route(route: dict[str, Any] | None) -> str:
    """One line for people: ``provider 0 (oidc, https://…)`` or why there is none."""
    if not route:
        return _("not routed")
    if not route.get("matched"):
        return _("no provider matches: {note}", note=route["note"]) if route.get("note") else \
            _("no provider matches")
    kind = "customJwt" if route["type"] == "customJwt" else "OIDC"
    return _("provider {index} ({kind}, {domain})", index=route["index"], kind=kind,
             domain=route["domain"])


# --- the unverified payload, as routing reads it ------------------------------------------------

def routing_problem(token: DecodedToken) -> str | None:
    """Why routing cannot read the payload; raises :class:`Crash` where the backend panics."""
    if token.parts < 2:
        return "there is no payload part"
    if token.claims is None:
        return "the payload cannot be read"
    if "payload" in token.strict_refused:
        return "the payload's base64url has non-zero trailing bits"
    return routing_claims_problem(token.claims)


def _routing(token: DecodedToken) -> tuple[str | None, str | None]:
    try:
        return routing_problem(token), None
    except Crash as exc:
        return None, str(exc)


def _claim_problems(claims: dict[str, Any]) -> list[tuple[str, str]]:
    return [(claim, why) for claim, why in oidc_claim_problems(claims)
            if claim not in _PARSED_LATER or "must be" in why or "twice" in why
            or "language tag" in why]


def _format_check(token: DecodedToken, routing: str | None, crash: str | None, snippet: str,
                  strict_parts: bool = False) -> Check:
    if crash is not None:
        return make("token.format", Status.FAIL, Message(N_(
            "Convex's backend panics reading this token ({crash}): no answer comes back"),
            crash=crash), "crash", get_token=snippet)
    problems = list(token.problems)
    if token.header is not None:
        problems += oidc_header_problems(token.header) if not strict_parts else \
            [p for p in oidc_header_problems(token.header) if "alg" not in p]
    refused = [p for p in token.strict_refused if p != "payload"] if strict_parts else []
    problems += [f"the {part}'s base64url has non-zero trailing bits" for part in refused
                 if not any(part in p for p in token.problems)]
    if problems:
        return make("token.format", Status.FAIL, verbatim("; ".join(problems)), "broken",
                    get_token=snippet)
    type_problems: list[tuple[str, str]] = []
    if routing is not None:
        type_problems.append((routing.split(" ", 1)[0], routing))
    if not strict_parts:
        type_problems += [p for p in _claim_problems(token.claims or {})
                          if p[1] not in {why for _, why in type_problems}]
    if type_problems:
        claim, why = type_problems[0]
        detail = "; ".join(why for _, why in type_problems)
        return make("token.format", Status.FAIL, verbatim(detail), "types", claim=claim, why=why)
    size = len(token.raw.encode("utf-8", "replace"))
    return passed("token.format", Message(N_(
        "three base64url parts, {size} bytes, claim types valid"), size=size))


def _kind_check(kind: Classification, snippet: str) -> Check:
    if kind.reason:
        return make("token.kind", Status.FAIL, kind.description, kind.reason,
                    what=kind.description, get_token=snippet)
    return passed("token.kind", kind.description)


# --- the OIDC path ------------------------------------------------------------------------------

def _header_check(header: dict[str, Any], snippet: str) -> Check:
    why = header_rejection(header)
    if why is not None:
        return make("token.header", Status.FAIL, verbatim(why), "bad", what=why,
                    get_token=snippet)
    return passed("token.header", Message(N_("typ {typ}, no crit, no cty"),
                                          typ=header.get("typ") or Message(N_("(absent)"))))


def _no_key(what: Message, cache_seconds: int | None, cache_control: str | None) -> Message:
    """Why no key fits, and what Convex's cache of the key set means for it."""
    if cache_seconds is None:
        return what
    said = (Message(N_("Cache-Control: {value}"), value=cache_control) if cache_control
            else Message(N_("no Cache-Control")))
    if cache_seconds <= 0:
        return Message(N_("{what}. Convex refetches this key set on every token ({said})."),
                       what=what, said=said)
    return Message(N_("{what}. Convex caches this key set for up to {seconds} s ({said}) and "
                      "does not refetch it for an unknown kid, so a key published less than "
                      "that ago may not be in the set Convex holds yet."),
                   what=what, seconds=cache_seconds, said=said)


def _rotation_check(keys: IssuerKeys, key: SigningKey, now: float) -> Check | None:
    """A key set that changed recently: Convex may still hold the one before."""
    if keys.changed_at is None or keys.previous_kids is None or key.kid in keys.previous_kids:
        return None
    left = (keys.cache_seconds or 0) - int(time.time() - keys.changed_at)
    if left <= 0:
        return None
    return make("token.key", Status.WARN, Message(N_(
        "{kid} is new: the key set changed {ago} s ago and Convex may still hold the previous "
        "one (without {kid}) for up to {left} s"), kid=key.kid,
        ago=int(time.time() - keys.changed_at), left=left), "cached", seconds=left,
        cache_control=keys.cache_control or "none")


def _select_key(header: dict[str, Any], keys: IssuerKeys | None, issuer: str,
                now: float) -> tuple[Check, SigningKey | None]:
    alg = header.get("alg")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if keys is None or not keys.usable:
        return skipped("token.key", Message(N_("no signing keys were loaded from the issuer"))), \
            None
    if alg not in OIDC_ALGS:
        return skipped("token.key", Message(N_("no key is selected for alg {alg!r}"),
                                            alg=alg)), None
    fits = [k for k in keys.keys if key_is_candidate(k.jwk, str(alg), kid)]
    available = ", ".join(f"{k.kid or '(no kid)'} {k.alg or k.kty}" for k in keys.keys)
    if len(fits) == 1:
        rotated = _rotation_check(keys, fits[0], now)
        if rotated is not None:
            return rotated, fits[0]
        fit = fits[0]
        shown = fit.kid or Message(N_("(no kid)"))
        detail = (Message(N_("{key} ({alg}) fits the token's kid {kid}"), key=shown,
                          alg=fit.alg or fit.kty, kid=kid) if kid else
                  Message(N_("{key} ({alg}) fits the token's alg (no kid)"), key=shown,
                          alg=fit.alg or fit.kty))
        return passed("token.key", detail), fit
    if not fits:
        what = (Message(N_("kid {kid!r} is not among {keys}"), kid=kid, keys=available) if kid
                else Message(N_("no {alg} key among {keys}"), alg=alg, keys=available))
        return make("token.key", Status.FAIL, _no_key(what, keys.cache_seconds,
                                                      keys.cache_control), "none",
                    issuer=issuer, what=what), None
    return make("token.key", Status.FAIL, Message(N_("{count} keys fit and the token has no kid"),
                                                  count=len(fits)),
                "ambiguous", count=len(fits)), None


def _signature_check(token: DecodedToken, alg: str, jwk: dict[str, Any] | None,
                     kid: str | None, snippet: str) -> Check:
    if jwk is None:
        return skipped("token.signature", Message(N_(
            "no single key was selected, so nothing was verified")))
    public_key, why = load_public_key(jwk, alg)
    shown = kid or Message(N_("the key"))
    if public_key is None:
        return make("token.signature", Status.FAIL, Message(N_("{key} cannot verify {alg}: {why}"),
                                                            key=shown, alg=alg, why=why),
                    "key", kid=kid, why=why)
    if verify_signature(public_key, alg, token.signing_input, token.signature):
        return passed("token.signature", Message(N_("verified with {key} ({alg})"), key=shown,
                                                 alg=alg))
    return make("token.signature", Status.FAIL, Message(N_("does not verify with {kid} ({alg})"),
                                                        kid=kid, alg=alg), "bad",
                kid=kid, get_token=snippet)


def _iss_check(claims: dict[str, Any], ctx: TokenContext, keys: IssuerKeys | None) -> Check:
    iss = claims.get("iss")
    if not isinstance(iss, str):
        return make("token.iss", Status.FAIL, Message(N_("the token has no iss claim")),
                    "missing")
    if ctx.issuer is None:
        return skipped("token.iss", Message(N_(
            "iss is {iss}; no configured issuer to compare with"), iss=iss))
    if not issuer_matches_domain(ctx.issuer, iss):
        return make("token.iss", Status.FAIL, Message(N_(
            "iss {iss!r} ≠ configured issuer {issuer!r} (compared as Convex does: trailing / "
            "stripped, https:// added to a bare host, case and port kept)"), iss=iss,
            issuer=ctx.issuer), "mismatch", iss=iss, issuer=ctx.issuer, var=ctx.issuer_var,
                    iss_norm=token_issuer_with_scheme(iss).rstrip("/"))
    if not iss_is_absolute_url(iss):
        return make("token.iss", Status.FAIL, Message(N_(
            "iss {iss!r} has no scheme: it routes to {issuer}, then Convex's OIDC verifier "
            "fails to read it as a URL and Convex answers 500 (an internal error, not a 401)"),
            iss=iss, issuer=ctx.issuer), "no_scheme", iss=iss,
                    get_token=ctx.get_token)
    found = keys.discovery_issuer if keys is not None else None
    if found is None:
        return passed("token.iss", Message(N_(
            "iss {iss} matches the configured issuer (the discovery issuer was not available "
            "to compare)"), iss=iss))
    if found != iss:
        return make("token.iss", Status.FAIL, Message(N_(
            "iss {iss!r} ≠ discovery issuer {found!r} (exact comparison)"), iss=iss,
            found=found), "discovery", iss=iss, found=found, var=ctx.issuer_var)
    return passed("token.iss", Message(N_(
        "{iss} matches the configured and the discovery issuer"), iss=iss))


def _aud_check(claims: dict[str, Any], ctx: TokenContext) -> Check:
    aud = claims.get("aud")
    app = ctx.application_id
    if aud is None:
        return make("token.aud", Status.FAIL, Message(N_("the token has no aud claim")),
                    "missing", app_id=app)
    if audience_verifies(aud, app):
        return passed("token.aud", Message(N_("aud is {aud!r}, the application ID"), aud=aud))
    if app in audiences(aud):
        others = [a for a in audiences(aud) if a != app]
        return make("token.aud", Status.FAIL, Message(N_("aud {aud!r} also names {others!r}"),
                                                      aud=aud, others=others), "extra",
                    app_id=app)
    return make("token.aud", Status.FAIL, Message(N_(
        "aud {aud!r} does not contain {app!r} (exact, case-sensitive)"), aud=aud, app=app),
        "wrong", app_id=app, auth_path=ctx.auth_path)


def _claims_check(claims: dict[str, Any]) -> Check:
    missing = [name for name in ("sub", "iat", "exp") if name not in claims]
    if missing:
        return make("token.claims", Status.FAIL, Message(N_("missing {claims}"),
                                                         claims=", ".join(missing)), "missing",
                    claims=", ".join(missing))
    return passed("token.claims", Message(N_(
        "sub, iat and exp present; Convex's tokenIdentifier would be {iss}|{sub}"),
        iss=claims.get("iss"), sub=claims.get("sub")))


def _seconds_or_none(value: Any) -> float | None:
    try:
        return oidc_seconds(value)
    except ValueError:
        return None


def _seconds_text(value: float) -> str:
    """A timestamp as written in the token: every digit (``1733412345``, not ``1.73341e+09``)."""
    return str(int(value)) if value == int(value) else repr(value)


def _exp_checks(claims: dict[str, Any], now: float, snippet: str) -> tuple[Check, int | None]:
    exp = _seconds_or_none(claims.get("exp"))
    if exp is None:
        return skipped("token.exp", Message(N_("no numeric exp to compare"))), None
    expires_in = int(exp - math.floor(now))
    if is_expired(now, exp):
        return make("token.exp", Status.FAIL, Message(N_(
            "expired {ago} ago (exp {exp}, now {now}; Convex allows no leeway)"),
            ago=how_long(expires_in), exp=_seconds_text(exp), now=math.floor(now)), "expired",
            get_token=snippet), expires_in
    iat = _seconds_or_none(claims.get("iat"))
    if iat is not None and exp - iat <= MIN_REFRESHABLE_LIFETIME:
        return make("token.exp", Status.WARN, Message(N_("lives only {lifetime} s"),
                                                      lifetime=f"{exp - iat:g}"), "lifetime",
                    lifetime=f"{exp - iat:g}"), expires_in
    expires = Message(N_("expires in {left}"), left=how_long(expires_in))
    if expires_in < EXPIRY_WARNING_SECONDS:
        return make("token.exp", Status.WARN, expires, "short", get_token=snippet), expires_in
    return passed("token.exp", expires), expires_in


def expiry_now(verdict: TokenVerdict, now: float, snippet: str) -> Check | None:
    """The ``token.exp`` row as it reads at ``now``. A verdict is judged once, but the token
    keeps getting closer to its ``exp``: the wizard's live "expires in" line and this row must
    say the same. None when there is no row to follow (no numeric ``exp``; a customJwt
    provider, whose own rule the row quotes)."""
    current = next((c for c in verdict.checks if c.id == "token.exp"), None)
    custom = (verdict.route or {}).get("type") == "customJwt"
    if current is None or current.status is Status.SKIP or custom:
        return None
    return _exp_checks(verdict.claims, now, snippet)[0]


def _future(claims: dict[str, Any], now: float) -> list[tuple[str, float]]:
    found = []
    for name in ("iat", "nbf"):
        value = claims.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value):
            found.append((name, value - now))
    return found


def _clock_check(claims: dict[str, Any], now: float, issuer_skew: float | None) -> Check:
    ahead = [(n, s) for n, s in _future(claims, now) if s > CLOCK_SKEW_WARNING_SECONDS]
    if ahead:
        name, skew = max(ahead, key=lambda item: item[1])
        return make("token.clock", Status.WARN, Message(N_("{claim} is {ahead} in the future"),
                                                        claim=name, ahead=how_long(skew)),
                    "skew", skew=f"{skew:.0f}")
    if issuer_skew is not None and abs(issuer_skew) > CLOCK_SKEW_WARNING_SECONDS:
        return make("token.clock", Status.WARN, Message(N_(
            "the issuer's Date header is {skew} s from this machine's clock"),
            skew=f"{issuer_skew:+.0f}"), "skew", skew=f"{abs(issuer_skew):.0f}")
    return passed("token.clock", Message(N_("iat and nbf are not in the future")))


def _discovery_answer(iss: str, problem: FetchProblem | None) -> Answer:
    message = f"Auth provider discovery of {iss} failed"
    if problem is None or problem.kind is not FetchProblemKind.STATUS or problem.status is None:
        return Answer(400, "AuthProviderDiscoveryFailed", message)
    status = problem.status
    mapped = status if status in (401, 403, 404, 429) else (503 if status >= 500 else 400)
    return Answer(mapped, "AuthProviderDiscoveryFailed", f"{message}: {problem.message}")


def _front_answer(token: DecodedToken, routing: str | None, crash: str | None,
                  ctx: TokenContext) -> Answer | None:
    """Convex's answer from the stages every token goes through: parse, iss, route."""
    if crash is not None:
        return Answer(500, "InternalServerError", f"the backend panics: {crash}")
    if routing is not None:
        return Answer(401, "InvalidAuthHeader", f"Could not parse JWT payload ({routing})")
    if (token.claims or {}).get("iss") is None:
        return Answer(401, "InvalidAuthHeader", "Missing issuer claim ('iss') in JWT payload")
    if not ctx.routed:
        return Answer(401, "NoAuthProvider", "No auth provider found matching the given token")
    return None


_VERIFIER_IDS = ("token.header", "token.alg", "token.key", "token.signature", "token.iss",
                 "token.aud", "token.exp")


def _oidc_answer(token: DecodedToken, routing: str | None, crash: str | None,
                 ctx: TokenContext, keys: IssuerKeys | None, checks: list[Check]) -> Answer | None:
    front = _front_answer(token, routing, crash, ctx)
    if front is not None:
        return front
    iss = str((token.claims or {}).get("iss"))
    if not iss_is_absolute_url(iss):
        return Answer(500, "InternalServerError", "the token's iss is not an absolute URL")
    if keys is None:
        return None
    if keys.from_file is None:
        problem = keys.discovery_problem or (
            keys.jwks_problem if keys.jwks_problem and keys.jwks_problem.kind is not FetchProblemKind.NO_KEYS
            else None)
        if problem is not None or keys.discovery_issuer != iss:
            return _discovery_answer(iss, problem)
    statuses = {c.id: c for c in checks}
    for check_id in ("token.format", "token.claims"):
        if statuses[check_id].status is Status.FAIL:
            return Answer(401, "InvalidAuthHeader", "Could not parse as OIDC ID token: "
                          + statuses[check_id].detail)
    failed = [c for c in checks if c.id in _VERIFIER_IDS and c.status in (Status.FAIL,
                                                                          Status.SKIP)]
    if failed:
        return Answer(401, "Unauthenticated", "Could not verify OIDC token claim: "
                      + failed[0].detail)
    return ACCEPTED


def _start(token: DecodedToken, kind: Classification, ctx: TokenContext) -> tuple[TokenVerdict,
                                                                                  str]:
    verdict = TokenVerdict(kind=kind, header=dict(token.header or {}),
                           claims=dict(token.claims or {}), route=route_dict(ctx))
    return verdict, ctx.get_token


def _first_checks(token: DecodedToken, verdict: TokenVerdict, ctx: TokenContext, snippet: str,
                  *, strict: bool) -> tuple[str | None, str | None]:
    """token.format and token.kind; for a token that cannot be read, the rest skipped and
    Convex's answer settled. Returns the routing problem and the crash, if any."""
    routing, crash = _routing(token)
    verdict.checks.append(_format_check(token, routing, crash, snippet, strict_parts=strict))
    verdict.checks.append(_kind_check(verdict.kind or Classification(
        TokenKind.OTHER, verbatim("")), snippet))
    if not token.readable:
        verdict.checks.extend(skipped(i, _NOT_READABLE) for i in _AFTER_KIND)
        verdict.answer = _front_answer(token, routing or "unreadable", crash, ctx)
    return routing, crash


def _pasted_key(verdict: TokenVerdict, snippet: str) -> TokenVerdict:
    """A key pasted by mistake: say so once and judge nothing else (and never decode it)."""
    kind = verdict.kind
    assert kind is not None
    verdict.checks += [
        make("token.format", Status.FAIL, Message(N_("this is not a JWT")), "broken",
             get_token=snippet),
        make("token.kind", Status.FAIL, kind.description, "key",
             what=kind.description, get_token=snippet)]
    verdict.header, verdict.claims = {}, {}
    verdict.checks.extend(skipped(i, _NOT_READABLE) for i in _AFTER_KIND)
    verdict.answer = Answer(401, "InvalidAuthHeader", "Could not parse JWT payload")
    return verdict


def verify_token(token: DecodedToken, kind: Classification, ctx: TokenContext,
                 keys: IssuerKeys | None,
                 now: float) -> TokenVerdict:
    """Every ``token.*`` check of a token routed to an OIDC (Clerk) provider, against
    already-fetched keys; never raises."""
    verdict, snippet = _start(token, kind, ctx)
    if kind.reason == "key":
        return _pasted_key(verdict, snippet)
    routing, crash = _first_checks(token, verdict, ctx, snippet, strict=False)
    if not token.readable:
        return verdict
    checks = verdict.checks
    header, claims = verdict.header, verdict.claims
    alg = header.get("alg")
    checks.append(_header_check(header, snippet))
    if alg in OIDC_ALGS:
        checks.append(passed("token.alg", Message(N_("alg {alg}"), alg=alg)))
    else:
        checks.append(make("token.alg", Status.FAIL, Message(N_(
            "alg {alg!r} is not RS256 or EdDSA"), alg=alg), "bad"))
    key_check, key = _select_key(header, keys, ctx.issuer or "the issuer", now)
    checks.append(key_check)
    checks.append(_signature_check(token, str(alg), key.jwk if key else None,
                                   key.kid if key else None, snippet))
    checks.append(_iss_check(claims, ctx, keys))
    checks.append(_aud_check(claims, ctx))
    checks.append(_claims_check(claims))
    exp_check, verdict.expires_in = _exp_checks(claims, now, snippet)
    checks.append(exp_check)
    checks.append(_clock_check(claims, now, keys.clock_skew if keys is not None else None))
    verdict.answer = _oidc_answer(token, routing, crash, ctx, keys, checks)
    return verdict


# --- the customJwt path ------------------------------------------------------------------------

def _custom_key_check(header: dict[str, Any], jwks: CustomJwks | None
                      ) -> tuple[Check, dict[str, Any] | None]:
    if jwks is None:
        return skipped("token.key", Message(N_("the provider's jwks was not fetched"))), None
    if jwks.problem is not None:
        return make("token.key", Status.FAIL, verbatim(jwks.problem), "custom_jwks",
                    url=jwks.url, what=jwks.problem), None
    kid = header.get("kid")
    if not isinstance(kid, str):
        return make("token.key", Status.FAIL, Message(N_(
            "the token has no kid; a customJwt provider needs one to pick a key")),
            "no_kid"), None
    assert jwks.document is not None
    key = custom_jwt_key(jwks.document, kid)
    if key is None:
        what = Message(N_("kid {kid!r} is not among {keys}"), kid=kid,
                       keys=", ".join(jwks.kids) or Message(N_("no keys")))
        return make("token.key", Status.FAIL, _no_key(what, jwks.cache_seconds,
                                                      jwks.cache_control), "none",
                    issuer=jwks.url, what=what), None
    return passed("token.key", Message(N_("{kid} is the first key with the token's kid"),
                                       kid=kid)), dict(key)


def _custom_time_checks(claims: dict[str, Any], now: float) -> tuple[Check, Check, int | None]:
    try:
        problem = custom_jwt_time_problem(claims, now)
    except (ValueError, Crash):
        problem = None  # token.format already says why
    exp = claims.get("exp")
    expires_in = None
    with contextlib.suppress(ValueError, Crash):
        expires_in = biscuit_seconds(exp) - math.floor(now) if exp is not None else None
    if problem is not None and problem.startswith("Token expired"):
        exp_check = make("token.exp", Status.FAIL, Message(N_("{problem} (customJwt allows 5 s)"),
                                                           problem=problem), "custom_expired")
    elif exp is None:
        exp_check = skipped("token.exp", Message(N_("no exp (token.claims says so)")))
    else:
        exp_check = passed("token.exp", Message(N_(
            "expires in {left} (customJwt allows 5 s after exp)"),
            left=how_long(expires_in) if expires_in is not None else "?"))
    if problem is not None and problem.startswith("Token will be valid"):
        clock = make("token.clock", Status.FAIL, Message(N_("{problem}; customJwt allows 5 s"),
                                                         problem=problem), "custom_future")
    else:
        clock = passed("token.clock", Message(N_("nbf and iat are at most 5 s in the future")))
    return exp_check, clock, expires_in


def verify_custom_jwt(token: DecodedToken, kind: Classification, ctx: TokenContext,
                      jwks: CustomJwks | None,
                      now: float) -> TokenVerdict:
    """Every ``token.*`` check of a token routed to a customJwt provider (biscuit's rules:
    no discovery, ``kid`` required, the configured algorithm, 5 s of leeway)."""
    verdict, snippet = _start(token, kind, ctx)
    if kind.reason == "key":
        return _pasted_key(verdict, snippet)
    provider = ctx.provider
    assert provider is not None and provider.kind == "customJwt"
    configured = provider.algorithm or "RS256"
    routing, crash = _first_checks(token, verdict, ctx, snippet, strict=True)
    if not token.readable:
        return verdict
    checks = verdict.checks
    header, claims = verdict.header, verdict.claims
    checks.append(passed("token.header", Message(N_(
        "customJwt providers do not check typ, cty or crit"))))
    key_check, jwk = _custom_key_check(header, jwks)
    why = custom_jwt_alg_problem(jwk.get("alg") if jwk else None, header.get("alg"), configured)
    checks.append(make("token.alg", Status.FAIL, verbatim(why), "custom", configured=configured,
                       index=provider.index) if why else
                  passed("token.alg", Message(N_("alg {alg}, as configured"),
                                              alg=header.get("alg"))))
    checks.append(key_check)
    checks.append(_signature_check(token, configured, jwk, header.get("kid"), snippet))
    iss = claims.get("iss")
    if isinstance(iss, str) and issuer_matches_domain(provider.domain, iss):
        checks.append(passed("token.iss", Message(N_("{iss} matches the provider's issuer"),
                                                  iss=iss)))
    else:
        checks.append(_iss_check(claims, ctx, None))
    if custom_jwt_audience_ok(claims.get("aud"), provider.application_id):
        checks.append(passed("token.aud", Message(N_(
            "not checked: the provider has no applicationID"))
            if provider.application_id is None else
            Message(N_("aud includes {app!r}"), app=provider.application_id)))
    else:
        checks.append(make("token.aud", Status.FAIL, Message(N_(
            "aud {aud!r} does not include {app!r}"), aud=claims.get("aud"),
            app=provider.application_id), "wrong",
            app_id=provider.application_id, auth_path=ctx.auth_path))
    missing = custom_jwt_missing_claims(claims)
    checks.append(make("token.claims", Status.FAIL, Message(N_("missing {claims}"),
                                                            claims=", ".join(missing)),
                       "custom_missing", claims=", ".join(missing)) if missing else
                  passed("token.claims", Message(N_("sub, iss and exp present"))))
    exp_check, clock, verdict.expires_in = _custom_time_checks(claims, now)
    checks += [exp_check, clock]
    front = _front_answer(token, routing, crash, ctx)
    failed = [c for c in checks if c.id != "token.kind" and c.status is Status.FAIL]
    if front is not None:
        verdict.answer = front
    elif failed:
        verdict.answer = Answer(401, "InvalidAuthHeader", failed[0].detail)
    elif jwks is None:
        verdict.answer = None
    else:
        verdict.answer = ACCEPTED
    return verdict


_AFTER_KIND: tuple[str, ...] = tuple(
    i for i in catalog.CHECK_IDS if i.startswith("token.") and i not in ("token.format",
                                                                         "token.kind"))
TOKEN_CHECK_IDS: tuple[str, ...] = tuple(i for i in catalog.CHECK_IDS if i.startswith("token."))


def not_given_checks(reason: Message) -> list[Check]:
    """The token checks when there is no token to judge."""
    return [skipped(i, reason) for i in TOKEN_CHECK_IDS]
