"""Judging a token by exactly the rules the Convex backend applies (convex_spec.md §2).

Every ``token.*`` check is computed and reported, not only the first failure, so one paste
shows everything that is wrong. The signature is checked with PyJWT's algorithm objects
directly, because ``jwt.decode`` applies its own claim rules (leeway, ``nbf``, ``iat``),
which are not Convex's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from wizard import catalog
from wizard.catalog import get_token_snippet, make, passed, skipped
from wizard.convex_rules import (
    ALLOWED_ALGS,
    BOOLEAN_CLAIMS,
    CLOCK_SKEW_WARNING_SECONDS,
    EXPIRY_WARNING_SECONDS,
    MAX_TOKEN_BYTES,
    MIN_REFRESHABLE_LIFETIME,
    NUMERIC_DATE_CLAIMS,
    OBJECT_CLAIMS,
    REQUIRED_CLAIMS,
    STRING_CLAIMS,
    STRING_LIST_CLAIMS,
    TIMESTAMP_CLAIMS,
    audience_routes,
    audience_verifies,
    audiences,
    is_expired,
    is_numeric_date,
    is_timestamp_claim,
    issuer_matches_domain,
    key_fits,
    token_issuer_with_scheme,
    typ_accepted,
)
from wizard.issuer import IssuerKeys, SigningKey
from wizard.model import Check, Status
from wizard.safe_text import bounded
from wizard.token import DecodedToken, TokenKind, classify_token, decode_token, normalize_pasted

_NOT_READABLE = "the token could not be decoded"


@dataclass(frozen=True)
class TokenContext:
    """What a token is judged against."""

    issuer: str | None
    application_id: str
    issuer_var: str = "CLERK_JWT_ISSUER_DOMAIN"
    auth_path: str = "convex/auth.config.ts"
    path: str | None = None  # "integration" | "template" | None (unknown)


@dataclass
class TokenVerdict:
    checks: list[Check] = field(default_factory=list)
    kind: TokenKind | None = None
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    expires_in: int | None = None

    @property
    def verified(self) -> bool:
        """Every token check is pass or warn, and the signature passed."""
        statuses = {c.id: c.status for c in self.checks}
        return statuses.get("token.signature") is Status.PASS and all(
            c.status in (Status.PASS, Status.WARN) for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``token`` object: decoded header and claims, never the signature."""
        return {
            "kind": self.kind.kind if self.kind else None,
            "header": bounded(self.header),
            "claims": bounded(self.claims),
            "expires_in": self.expires_in,
        }


def _claim_type_problems(claims: dict[str, Any]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for name in NUMERIC_DATE_CLAIMS:
        if name in claims and not is_numeric_date(claims[name]):
            problems.append((name, f"{name} must be a non-negative number, "
                             f"not {type(claims[name]).__name__} {claims[name]!r}"))
    for name in STRING_CLAIMS:
        if name in ("iss", "sub") and name in claims and not isinstance(claims[name], str):
            problems.append((name, f"{name} must be a string"))
        elif name not in ("iss", "sub") and claims.get(name) is not None \
                and not isinstance(claims[name], str):
            problems.append((name, f"{name} must be a string or null"))
    aud = claims.get("aud")
    if aud is not None and not (isinstance(aud, str) or (
            isinstance(aud, list) and all(isinstance(a, str) for a in aud))):
        problems.append(("aud", "aud must be a string or a list of strings"))
    for name in BOOLEAN_CLAIMS:
        if claims.get(name) is not None and not isinstance(claims[name], bool):
            problems.append((name, f"{name} must be a JSON boolean, not {claims[name]!r}"))
    for name in TIMESTAMP_CLAIMS:
        if claims.get(name) is not None and not is_timestamp_claim(name, claims[name]):
            problems.append((name, f"{name} must be a timestamp, not {claims[name]!r}"))
    for name in STRING_LIST_CLAIMS:
        value = claims.get(name)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(v, str) for v in value)):
            problems.append((name, f"{name} must be a list of strings"))
    for name in OBJECT_CLAIMS:
        if claims.get(name) is not None and not isinstance(claims[name], dict):
            problems.append((name, f"{name} must be a JSON object"))
    return problems


def _header_type_problems(header: dict[str, Any]) -> list[str]:
    """The OIDC parser reads ``alg`` and ``kid`` as strings; anything else fails parsing."""
    return [f"the header's {name} must be a string" for name in ("alg", "kid")
            if name in header and not isinstance(header[name], str)]


def _format_check(token: DecodedToken, size: int, snippet: str) -> Check:
    problems = list(token.problems) + _header_type_problems(token.header or {})
    if size > MAX_TOKEN_BYTES:
        problems.append(f"{size} bytes, over {MAX_TOKEN_BYTES // 1024} KiB")
    if problems:
        return make("token.format", Status.FAIL, "; ".join(problems), "broken", get_token=snippet)
    type_problems = _claim_type_problems(token.claims or {})
    if type_problems:
        claim, why = type_problems[0]
        detail = "; ".join(why for _, why in type_problems)
        return make("token.format", Status.FAIL, detail, "types", claim=claim, why=why)
    return passed("token.format", f"three base64url parts, {size} bytes, claim types valid")


def _header_check(header: dict[str, Any], snippet: str) -> Check:
    bad: list[str] = []
    if not typ_accepted(header.get("typ")):
        bad.append(f"typ {header.get('typ')!r} is not JWT or JOSE")
    for name in ("crit", "cty"):
        if name in header:
            bad.append(f"a {name!r} header is present")
    if bad:
        return make("token.header", Status.FAIL, "; ".join(bad), "bad", what="; ".join(bad),
                    get_token=snippet)
    return passed("token.header", f"typ {header.get('typ', '(absent)')}, no crit, no cty")


def _select_key(header: dict[str, Any], keys: IssuerKeys | None,
                issuer: str) -> tuple[Check, SigningKey | None]:
    alg = header.get("alg")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if keys is None or not keys.usable:
        return skipped("token.key", "no signing keys were loaded from the issuer"), None
    if alg not in ALLOWED_ALGS:
        return skipped("token.key", f"no key is selected for alg {alg!r}"), None
    fits = [k for k in keys.keys if key_fits(k.jwk, str(alg), kid)]
    available = ", ".join(f"{k.kid or '(no kid)'} {k.alg}" for k in keys.keys)
    if len(fits) == 1:
        return passed("token.key", f"{fits[0].kid or '(no kid)'} ({fits[0].alg}) fits the "
                      f"token's {'kid ' + kid if kid else 'alg (no kid)'}"), fits[0]
    if not fits:
        what = (f"kid {kid!r} is not among {available}" if kid
                else f"no {alg} key among {available}")
        return make("token.key", Status.FAIL, what, "none", issuer=issuer, what=what), None
    return make("token.key", Status.FAIL, f"{len(fits)} keys fit and the token has no kid",
                "ambiguous", count=len(fits)), None


def _signature_check(token: DecodedToken, alg: str, key: SigningKey | None,
                     snippet: str) -> Check:
    if key is None:
        return skipped("token.signature", "no single key was selected, so nothing was verified")
    from jwt import get_algorithm_by_name  # keys are loaded by now, so PyJWT is too
    from jwt.exceptions import InvalidKeyError

    try:
        algorithm = get_algorithm_by_name(alg)
        ok = algorithm.verify(token.signing_input, key.key.key, token.signature)
    except (InvalidKeyError, ValueError, TypeError, NotImplementedError):
        ok = False
    if ok:
        return passed("token.signature", f"verified with {key.kid or 'the key'} ({alg})")
    return make("token.signature", Status.FAIL, f"does not verify with {key.kid} ({alg})", "bad",
                kid=key.kid, get_token=snippet)


def _iss_check(claims: dict[str, Any], ctx: TokenContext, keys: IssuerKeys | None) -> Check:
    iss = claims.get("iss")
    if not isinstance(iss, str):
        return make("token.iss", Status.FAIL, "the token has no iss claim", "missing")
    if ctx.issuer is None:
        return skipped("token.iss", f"iss is {iss}; no configured issuer to compare with")
    if not issuer_matches_domain(ctx.issuer, iss):
        return make("token.iss", Status.FAIL,
                    f"iss {iss!r} ≠ configured issuer {ctx.issuer!r} (compared as Convex does: "
                    "trailing / stripped, https:// added to a bare host, case and port kept)",
                    "mismatch", iss=iss, issuer=ctx.issuer, var=ctx.issuer_var,
                    iss_norm=token_issuer_with_scheme(iss).rstrip("/"))
    if not iss.startswith(("https://", "http://")):
        # Routing added https:, but discovery and the verifier use the raw iss (§2.3 step 1).
        return make("token.iss", Status.FAIL, f"iss {iss!r} has no scheme: it routes to "
                    f"{ctx.issuer} but is not an absolute URL", "no_scheme", iss=iss,
                    get_token=get_token_snippet(ctx.path))
    found = keys.discovery_issuer if keys is not None else None
    if found is None:
        return passed("token.iss", f"iss {iss} matches the configured issuer (the discovery "
                      "issuer was not available to compare)")
    if found != iss:
        return make("token.iss", Status.FAIL, f"iss {iss!r} ≠ discovery issuer {found!r} "
                    "(exact comparison)", "discovery", iss=iss, found=found, var=ctx.issuer_var)
    return passed("token.iss", f"{iss} matches the configured and the discovery issuer")


def _aud_check(claims: dict[str, Any], ctx: TokenContext) -> Check:
    aud = claims.get("aud")
    app = ctx.application_id
    if aud is None:
        return make("token.aud", Status.FAIL, "the token has no aud claim", "missing", app_id=app)
    if audience_verifies(aud, app):
        return passed("token.aud", f"aud is {aud!r}, the application ID")
    if audience_routes(aud, app):
        others = [a for a in audiences(aud) if a != app]
        return make("token.aud", Status.FAIL, f"aud {aud!r} also names {others!r}", "extra",
                    app_id=app)
    return make("token.aud", Status.FAIL, f"aud {aud!r} does not contain {app!r} (exact, "
                "case-sensitive)", "wrong", app_id=app, auth_path=ctx.auth_path)


def _exp_checks(claims: dict[str, Any], now: float, snippet: str) -> tuple[Check, int | None]:
    if not is_numeric_date(claims.get("exp")):
        return skipped("token.exp", "no numeric exp to compare"), None
    exp: float = claims["exp"]
    expires_in = int(exp - math.floor(now))
    if is_expired(now, exp):
        return make("token.exp", Status.FAIL, f"expired {-expires_in} s ago (exp {exp}, now "
                    f"{math.floor(now)}; Convex allows no leeway)", "expired",
                    get_token=snippet), expires_in
    iat: float = claims["iat"] if is_numeric_date(claims.get("iat")) else exp
    if is_numeric_date(claims.get("iat")) and exp - iat <= MIN_REFRESHABLE_LIFETIME:
        return make("token.exp", Status.WARN, f"lives only {exp - iat} s", "lifetime",
                    lifetime=exp - iat), expires_in
    if expires_in < EXPIRY_WARNING_SECONDS:
        return make("token.exp", Status.WARN, f"expires in {expires_in} s", "short",
                    get_token=snippet), expires_in
    return passed("token.exp", f"expires in {expires_in} s"), expires_in


def _clock_check(claims: dict[str, Any], now: float, issuer_skew: float | None) -> Check:
    ahead = [(name, claims[name] - now) for name in ("iat", "nbf")
             if is_numeric_date(claims.get(name))
             and claims[name] - now > CLOCK_SKEW_WARNING_SECONDS]
    if ahead:
        name, skew = max(ahead, key=lambda item: item[1])
        return make("token.clock", Status.WARN, f"{name} is {skew:.0f} s in the future",
                    "skew", skew=f"{skew:.0f}")
    if issuer_skew is not None and abs(issuer_skew) > CLOCK_SKEW_WARNING_SECONDS:
        return make("token.clock", Status.WARN, f"the issuer's Date header is {issuer_skew:+.0f} s "
                    "from this machine's clock", "skew", skew=f"{abs(issuer_skew):.0f}")
    return passed("token.clock", "iat and nbf are not in the future")


def verify_token(raw_text: str, ctx: TokenContext, keys: IssuerKeys | None,
                 now: float) -> TokenVerdict:
    """Every ``token.*`` check for pasted text, against already-fetched keys; never raises."""
    raw = normalize_pasted(raw_text)
    token = decode_token(raw)
    kind = classify_token(token, ctx.application_id)
    verdict = TokenVerdict(kind=kind, header=dict(token.header or {}),
                           claims=dict(token.claims or {}))
    snippet = get_token_snippet(ctx.path if ctx.path else
                                ("integration" if kind.kind == "integration" else None))
    size = len(raw.encode("utf-8", "replace"))
    checks = verdict.checks
    if kind.reason == "key":
        # A key pasted by mistake: say so once and judge nothing else (and never decode it).
        checks.append(make("token.format", Status.FAIL, "this is not a JWT", "broken",
                           get_token=snippet))
        checks.append(make("token.kind", Status.FAIL, kind.description, "key",
                           what=kind.description, get_token=snippet))
        verdict.header, verdict.claims = {}, {}
        checks.extend(skipped(i, _NOT_READABLE) for i in _AFTER_KIND)
        return verdict
    checks.append(_format_check(token, size, snippet))
    if kind.reason:
        checks.append(make("token.kind", Status.FAIL, kind.description, kind.reason,
                           what=kind.description, get_token=snippet))
    else:
        checks.append(passed("token.kind", kind.description))
    if not token.readable:
        checks.extend(skipped(i, _NOT_READABLE) for i in _AFTER_KIND)
        return verdict
    header, claims = verdict.header, verdict.claims
    alg = header.get("alg")
    checks.append(_header_check(header, snippet))
    if alg in ALLOWED_ALGS:
        checks.append(passed("token.alg", f"alg {alg}"))
    else:
        checks.append(make("token.alg", Status.FAIL, f"alg {alg!r} is not RS256 or EdDSA", "bad"))
    key_check, key = _select_key(header, keys, ctx.issuer or "the issuer")
    checks.append(key_check)
    checks.append(_signature_check(token, str(alg), key, snippet))
    checks.append(_iss_check(claims, ctx, keys))
    checks.append(_aud_check(claims, ctx))
    missing = [name for name in REQUIRED_CLAIMS if name not in claims]
    if missing:
        checks.append(make("token.claims", Status.FAIL, "missing " + ", ".join(missing),
                           "missing", claims=", ".join(missing)))
    else:
        checks.append(passed("token.claims", f"sub, iat and exp present; Convex's "
                             f"tokenIdentifier would be {claims.get('iss')}|{claims.get('sub')}"))
    exp_check, verdict.expires_in = _exp_checks(claims, now, snippet)
    checks.append(exp_check)
    checks.append(_clock_check(claims, now, keys.clock_skew if keys is not None else None))
    return verdict


_AFTER_KIND: tuple[str, ...] = tuple(
    i for i in catalog.CHECK_IDS if i.startswith("token.") and i not in ("token.format",
                                                                         "token.kind"))
TOKEN_CHECK_IDS: tuple[str, ...] = tuple(i for i in catalog.CHECK_IDS if i.startswith("token."))


def not_given_checks(reason: str) -> list[Check]:
    """The token checks when there is no token to judge."""
    return [skipped(i, reason) for i in TOKEN_CHECK_IDS]


