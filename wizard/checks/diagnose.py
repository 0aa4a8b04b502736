"""Paste an error line, get the diagnosis: what the message means and which step to revisit.

The messages are the ones Convex's backend and client, and Clerk's browser SDK, really print
(research/convex_spec.md §3, clerk_facts.md §6). Rules are tried in order, most specific
first; a browser line that wraps a server message (``Failed to authenticate: "…"``) is
unwrapped and the inner message diagnosed. A message that says it all maps to a fixed
:class:`Diagnosis` (data); only messages carrying values (provider list, status, variable name,
template name) have a function. No Textual here: the CLI can use it too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from wizard.checks.catalog import CATALOG, fix_for
from wizard.guards.redaction import scrub
from wizard.records import record
from wizard.text.messages import N_, Joined, Message, Text, render

MAX_LINE_CHARS = 20_000
_DEFAULT_VAR = "CLERK_JWT_ISSUER_DOMAIN"
_ISSUER_PLACEHOLDER = "https://<your-frontend-api-host>"


@record(frozen=True)
class Diagnosis:
    title_text: Text
    explanation_text: Text
    fix_text: Text
    step: str  # the step id to revisit

    @property
    def title(self) -> str:
        return render(self.title_text)

    @property
    def explanation(self) -> str:
        return render(self.explanation_text)

    @property
    def fix(self) -> str:
        return render(self.fix_text)


@record(frozen=True)
class _Fixed:
    """A diagnosis the message alone settles: message ids; the fix may name the project's
    issuer variable (``{var}``) and issuer (``{issuer}``)."""

    title: str
    explanation: str
    fix: str
    step: str


@record(frozen=True)
class _Context:
    issuer: str | None
    issuer_var: str

    @property
    def issuer_text(self) -> str:
        return self.issuer or _ISSUER_PLACEHOLDER


_Rule = Callable[[str, "re.Match[str]", _Context], Diagnosis]

_WRAPPED = re.compile(r"Failed to authenticate: \"(?P<inner>.*)\", check your server auth config",
                      re.S)
_PROVIDER = re.compile(r"(?P<kind>OIDC|CustomJWT)\((?:domain|issuer)=(?P<domain>[^,()]*), "
                       r"app_id=(?P<app>[^()]*?)\)")


def _fill(fixed: _Fixed, ctx: _Context) -> Diagnosis:
    """A table entry with the project's issuer variable and issuer put into its fix."""
    return Diagnosis(Message(fixed.title), Message(fixed.explanation),
                     Message(fixed.fix, var=ctx.issuer_var, issuer=ctx.issuer_text,
                             push="npx convex dev"), fixed.step)


# -- fixed diagnoses: the message alone says it all (fix texts are str.format templates) ------
_NO_PROVIDER_AT_ALL = _Fixed(
    N_("Convex has no auth provider at all"),
    N_("The deployment received a token but its auth config lists no providers: "
    "convex/auth.config.ts was never pushed, or it has no provider."),
    N_("Make sure convex/auth.config.ts has {{ domain: process.env.{var}!, applicationID: "
    "\"convex\" }}, set the variable with npx convex env set {var} {issuer}, and run npx "
    "convex dev (or npx convex deploy for production)."),
    "verify-config",
)
_OIDC_CLAIM = _Fixed(
    N_("Convex could not verify the token"),
    N_("The token routed to your provider, but OIDC verification failed. Convex hides the "
    "reason; it is one of: the token expired (Convex allows no leeway), the signature "
    "does not verify with the issuer's JWKS, alg is not RS256/EdDSA, typ is not JWT, aud "
    "lists more than one audience, or iss differs from the discovery document's issuer."),
    N_("Paste a fresh token into the check-token step: it runs each of these checks and names "
    "the one that fails. For an expired token, mint a new one with skipCache: true."),
    "check-token",
)
_PARSE_PAYLOAD = _Fixed(
    N_("The token is not a readable JWT"),
    N_("Convex could not split the token into three unpadded base64url parts with JSON "
    "inside, or a time claim (exp, iat, nbf) is not a number. Usually the app sent "
    "something else than a token (an empty string, \"null\", a key) or a truncated copy."),
    N_("Paste the token your app sends into the check-token step. If it is a custom claim "
    "with a string date, remove it from the JWT template."),
    "check-token",
)
_PARSE_OIDC = _Fixed(
    N_("The token is not an OIDC ID token Convex accepts"),
    N_("A claim Convex requires is missing (sub, iat, exp) or has the wrong type: "
    "email_verified and phone_number_verified must be real booleans, name/email/picture "
    "strings, updated_at a number. A template claim that overrides a standard claim with "
    "a different type causes this."),
    N_("Open the convex JWT template's claims and keep only \"aud\": \"convex\" plus "
    "shortcodes of the right type (the Convex preset's claims are safe); never set sub or "
    "iss. Then paste a fresh token into the check-token step."),
    "configure-claims",
)
_MISSING_ISS = _Fixed(
    N_("The token has no iss claim"),
    N_("Clerk always sets iss, so the token Convex received was not minted by Clerk (or a "
    "hand-written useAuth adapter sends something else)."),
    N_("Send the token from window.Clerk.session.getToken(); check it in the check-token step."),
    "check-token",
)
_IDENTITY_EXPIRED = _Fixed(
    N_("The token expired while the connection was open"),
    N_("Clerk tokens live about 60 s and the Convex client refreshes them 10 s before exp. "
    "Seen once, it is harmless; if it repeats, the client cannot refresh: the token lives "
    "2 s or less, lacks iat/exp, the machine's clock is off, or getToken fails (so the "
    "client gets no new token)."),
    N_("Keep the template's lifetime at 60 s or more, sync the clock, and check that "
    "getToken works: paste a fresh token into the check-token step."),
    "check-token",
)
_BOTH_CONFIGS = _Fixed(
    N_("Two auth config files"),
    N_("convex/ holds both auth.config.ts and auth.config.js; Convex refuses to push."),
    CATALOG["convex.auth_config"].fixes["both"],
    "verify-config",
)
_CUSTOM_JWT = _Fixed(
    N_("The token went to a customJwt provider"),
    N_("This message only comes from a provider with type: \"customJwt\". Clerk needs the "
    "plain OIDC provider, which fetches Clerk's discovery document and keys."),
    N_("In convex/auth.config.ts use {{ domain: process.env.{var}!, applicationID: \"convex\" }} "
    "without type/jwks/algorithm, then npx convex dev."),
    "verify-config",
)
_INVALID_DOMAIN = _Fixed(
    N_("Convex rejects the provider's domain"),
    N_("The domain in auth.config (or the variable it reads) is not a URL Convex accepts: it "
    "starts with a quote, has no scheme and no real top-level domain, or is not http(s)."),
    N_("Set it to the bare Frontend API URL, no quotes: npx convex env set {var} {issuer}"),
    "verify-config",
)
_NO_PROVIDERS_DASHBOARD = _Fixed(
    N_("The deployment has no auth providers"),
    N_("The Convex dashboard shows this when convex/auth.config was never pushed to this "
    "deployment (or a production deployment was never deployed with it)."),
    CATALOG["convex.deployed_providers"].fixes["no_providers"],
    "verify-config",
)
_INVALID_ADMIN_KEY = _Fixed(
    N_("The Authorization header is not a Bearer token"),
    N_("Convex's HTTP API treats any Authorization header that does not start with "
    "\"Bearer \" as an admin key, and this one is not valid."),
    N_("Send Authorization: Bearer <token>, with the token from getToken()."),
    "check-token",
)
_INVALID_AUTH_HEADER = _Fixed(
    N_("Convex could not read the token (InvalidAuthHeader)"),
    N_("InvalidAuthHeader is the error code for a token Convex cannot parse: not three "
    "base64url parts, no iss, or claims of the wrong type. The message next to the code "
    "says which; paste the whole line to get it diagnosed."),
    N_("Paste the token your app sends into the check-token step."),
    "check-token",
)
_SEES_USER = _Fixed(
    N_("Convex sees the user"),
    N_("hasIdentity is a log line of your own app code (the users.store mutation), not "
    "of Convex; true means ctx.auth.getUserIdentity() returned the user."),
    N_("Nothing to fix. Check the users table in the Convex dashboard (Data tab)."),
    "user-sync",
)
_NO_IDENTITY = _Fixed(
    N_("Your function saw no identity"),
    N_("hasIdentity is printed by your own app code (the users.store mutation), not by "
    "Convex. false means ctx.auth.getUserIdentity() returned null: the client sent no "
    "token, or Convex rejected it. Convex's own reason is in the browser console as "
    "Failed to authenticate: \"…\", check your server auth config."),
    N_("Paste that browser-console line here for the exact cause, or paste a token into the "
    "check-token step. No such line means no token was sent: check the getToken call."),
    "check-token",
)
_PRODUCTION_KEYS = _Fixed(
    N_("Production keys on the wrong domain"),
    N_("pk_live_ keys only work on the production domain configured in Clerk; this page "
    "runs elsewhere (localhost, a preview deployment)."),
    N_("Use the development instance's pk_test_ key locally, and make sure the issuer is the "
    "same instance's Frontend API URL."),
    "open-dashboard",
)
_REFRESH_LIFETIME = _Fixed(
    N_("The Convex client cannot schedule a token refresh"),
    N_("The client needs iat and exp in the token, and exp - iat greater than 2 s, to "
    "refresh it before it expires."),
    N_("Set the convex JWT template's token lifetime to 60 s and do not override iat or exp "
    "in its claims."),
    "configure-claims",
)


# -- diagnoses built from values the message carries ------------------------------------------
def _no_provider(line: str, match: re.Match[str], ctx: _Context) -> Diagnosis:
    if "no providers configured" in line:
        return _fill(_NO_PROVIDER_AT_ALL, ctx)
    providers = _PROVIDER.findall(line)
    parts: list[Message] = [Message(N_(
        "Convex picks a provider whose domain equals the token's iss (trailing / aside; case, "
        "scheme and port matter) and whose applicationID is in the token's aud. No provider "
        "matched, so either the issuer or the audience is wrong; Convex reports both the same "
        "way."))]
    if providers:
        listed = Joined(tuple(
            Message(N_("{kind} provider with domain {domain} and applicationID {app}"),
                    kind=kind, domain=domain or Message(N_("(empty)")), app=app)
            for kind, domain, app in providers), "; ")
        parts.append(Message(N_("The deployment expected: {providers}."), providers=listed))
        oidc = [(d, a) for kind, d, a in providers if kind == "OIDC"]
        if oidc:
            domain, app = oidc[0]
            parts.append(Message(N_("So the token needs iss {iss} and aud \"{app}\"."),
                                 iss=domain.rstrip("/"), app=app))
    else:
        parts.append(Message(N_("(A production deployment hides the provider list; a dev "
                                "deployment prints it.)")))
    return Diagnosis(
        Message(N_("No auth provider matches the token")),
        Joined(tuple(parts)),
        Message(N_("Paste the token into the check-token step to see which of iss or aud "
                   "differs. Most often the token is Clerk's default session token without aud "
                   "\"convex\": activate Clerk's Convex integration "
                   "(https://dashboard.clerk.com/apps/setup/convex) or create a JWT template "
                   "named convex, and update the convex package (1.33.0 sent the wrong token). "
                   "If iss differs, run npx convex env set {var} <the token's iss>."),
                var=ctx.issuer_var),
        "check-token",
    )


def _discovery(line: str, match: re.Match[str], ctx: _Context) -> Diagnosis:
    issuer = match.group("iss").strip()
    status = match.group("status")
    parts: list[Message] = []
    if status:
        parts.append(Message(N_("Convex fetched {issuer}/.well-known/openid-configuration (or "
                                "the JWKS it points to) and got HTTP {status}."),
                             issuer=issuer, status=status))
        if status.startswith("404"):
            parts.append(Message(N_("That address is not a Clerk Frontend API: the token's "
                                    "iss, and so the issuer variable, point at the wrong host "
                                    "or a deleted instance.")))
        elif status.startswith("5"):
            parts.append(Message(N_("The issuer had a server error; it may be temporary.")))
    else:
        parts.append(Message(N_("Convex could not fetch or accept the discovery document of "
                                "{issuer}: the host does not resolve or answer, the answer is "
                                "not JSON, or its issuer differs from the token's iss."),
                             issuer=issuer))
    return Diagnosis(
        Message(N_("Convex could not reach the issuer {issuer}"), issuer=issuer),
        Joined(tuple(parts)),
        Message(N_("The issuer must be your Clerk Frontend API URL (Clerk Dashboard → API "
                   "keys), not the JWKS URL or your app's domain. Run the verify-config step, "
                   "which fetches the same documents, then: npx convex env set {var} <Frontend "
                   "API URL>."), var=ctx.issuer_var),
        "verify-config",
    )


def _no_template(line: str, match: re.Match[str], ctx: _Context) -> Diagnosis:
    name = match.groupdict().get("name") or "convex"
    return Diagnosis(
        Message(N_("Clerk has no JWT template named {name}"), name=name),
        Message(N_("getToken({{ template: '{name}' }}) got 404 from Clerk. "
                   "ConvexProviderWithClerk swallows this error and returns null, so Convex "
                   "just sees no user. It asks for the template when the session token lacks "
                   "aud \"convex\", that is when Clerk's Convex integration is not active."),
                name=name),
        _catalog_fix("clerk.template", "optional", near=""),
        "create-template",
    )


def _env_not_set(line: str, match: re.Match[str], ctx: _Context) -> Diagnosis:
    var = match.group("var")
    return Diagnosis(
        Message(N_("{var} is not set on the Convex deployment"), var=var),
        Message(N_("convex/auth.config reads process.env.{var}, and the deployment has no value "
                   "for it. Convex never reads your .env.local; the variable must live on the "
                   "deployment."), var=var),
        _catalog_fix("convex.deployment_env", "missing", var=var, issuer=ctx.issuer_text),
        "verify-config",
    )


def _catalog_fix(check_id: str, reason: str, /, **values: object) -> Message:
    """The catalog's fix for the check this message is about (one text for both)."""
    fix = fix_for(check_id, reason, **values)
    assert fix is not None, (check_id, reason)  # a test reads every fix used here
    return fix


def _has_identity(line: str, match: re.Match[str], ctx: _Context) -> Diagnosis:
    return _fill(_SEES_USER if match.group("value") == "true" else _NO_IDENTITY, ctx)


_RULES: tuple[tuple[re.Pattern[str], _Fixed | _Rule], ...] = (
    (re.compile(r"No auth provider found matching the given token"), _no_provider),
    (re.compile(r"Could not verify OIDC token claim"), _OIDC_CLAIM),
    (re.compile(r"Could not parse JWT payload"), _PARSE_PAYLOAD),
    (re.compile(r"Could not parse as OIDC ID token"), _PARSE_OIDC),
    (re.compile(r"Missing issuer claim"), _MISSING_ISS),
    (re.compile(r"Auth provider discovery of (?P<iss>\S+?) failed(?::\s*(?P<status>\d{3}[^\n]*))?"
                r"(?=$|[\s\"'.,}])"), _discovery),
    (re.compile(r"No JWT template exists with name:?\s*(?P<name>[\w-]+)?"), _no_template),
    (re.compile(r"JWT template not found"), _no_template),
    (re.compile(r"Environment variable (?P<var>\w+) is used in auth config file but its value "
                r"was not set"), _env_not_set),
    (re.compile(r"Convex token identity expired|TokenExpired"), _IDENTITY_EXPIRED),
    (re.compile(r"Found both .*auth\.config", re.S), _BOTH_CONFIGS),
    (re.compile(r"Could not (?:validate|decode) token|Could not fetch JWKS from URL"),
     _CUSTOM_JWT),
    (re.compile(r"Invalid provider domain URL|InvalidProviderDomainUrl"), _INVALID_DOMAIN),
    (re.compile(r"no configured authentication providers"), _NO_PROVIDERS_DASHBOARD),
    (re.compile(r"Invalid admin key|InvalidAdminKey"), _INVALID_ADMIN_KEY),
    (re.compile(r"Auth token does not (?:live long enough|have required fields)"),
     _REFRESH_LIFETIME),
    (re.compile(r"Production Keys are only allowed for domain|origin_invalid"),
     _PRODUCTION_KEYS),
    (re.compile(r"InvalidAuthHeader"), _INVALID_AUTH_HEADER),
    (re.compile(r"hasIdentity['\"]?\s*[:=]\s*(?P<value>true|false)"), _has_identity),
)


def _unwrap(line: str) -> str:
    """The server message inside the browser's wrapper, JSON escapes undone."""
    match = _WRAPPED.search(line)
    if match is None:
        return line
    inner = match.group("inner")
    try:
        decoded = json.loads('"' + inner + '"')
        return decoded if isinstance(decoded, str) else inner
    except ValueError:
        return inner


def diagnose(line: str, *, issuer: str | None = None,
             issuer_var: str | None = None) -> Diagnosis | None:
    """What a pasted error line means, or None when it is not one this catalog knows.

    ``issuer`` and ``issuer_var`` (from the project) make the fix commands exact."""
    if not isinstance(line, str):
        return None
    text = line[:MAX_LINE_CHARS].strip()
    if not text:
        return None
    ctx = _Context(issuer, issuer_var or _DEFAULT_VAR)
    inner = _unwrap(text)
    for pattern, rule in _RULES:
        match = pattern.search(inner)
        if match is not None:
            return _fill(rule, ctx) if isinstance(rule, _Fixed) else rule(inner, match, ctx)
    if inner is not text:
        return Diagnosis(
            Message(N_("Convex rejected the token")),
            Message(N_("The browser's Convex client gave up authenticating; the server said: "
                       "{said}"), said=scrub(inner[:300])),
            Message(N_("Paste the token into the check-token step to see which check fails.")),
            "check-token",
        )
    return None
