"""The check catalog: every check id, its title, its step, and the fix for each way it fails.

This is the single source of truth that the CLI, the UI and the report read. Fix texts are
templates filled with the project's own values (variable names, issuer, file and line), so
the user gets the exact command to run rather than general advice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from wizard.checks.model import Check, Status
from wizard.rules.jwt import AuthPath

CLERK_API_KEYS_PAGE = "https://dashboard.clerk.com/last-active?path=api-keys"
CLERK_JWT_TEMPLATES_PAGE = "https://dashboard.clerk.com/last-active?path=jwt-templates"
CLERK_CONVEX_INTEGRATION_PAGE = "https://dashboard.clerk.com/apps/setup/convex"
# How a Backend API call can fail; shared by the clerk.* checks that make the call.
_CLERK_API_FIXES: dict[str, str] = {
    "not_secret": "{source} does not hold a Clerk secret key (it starts with sk_test_ or "
    "sk_live_). Copy the Secret key from Clerk Dashboard → API keys (" + CLERK_API_KEYS_PAGE
    + ") into {source_file} as CLERK_SECRET_KEY=…",
    "config": "{message}. Remove {api_var} from the environment and the .env files, or set it "
    "to https://api.clerk.com.",
    "invalid_key": "This secret key ({redacted}, from {source}) is not valid for any Clerk "
    "instance: it was rolled, deleted or copied incompletely. Copy the current Secret key of "
    "the app whose Frontend API is {key_host} from Clerk Dashboard → API keys ("
    + CLERK_API_KEYS_PAGE + ") into {source_file}.",
    "rate_limited": "Clerk's Backend API is rate-limiting this key ({said}). Retry in "
    "{retry_after}.",
    "server": "Clerk's Backend API {said}. The problem is on Clerk's side: retry later "
    "(https://status.clerk.com shows incidents).",
    "network": "Could not reach {url}: {message}. Check the connection (and {api_var} if you set "
    "it), then retry.",
    "status": "Clerk's Backend API {said} for {url}. Check that {source} holds the Secret key of "
    "this app (Clerk Dashboard → API keys).",
    "content": "{url} did not answer like Clerk's Backend API ({message}). If you set {api_var}, "
    "check it; otherwise retry later.",
    "withheld": "The secret key goes only to Clerk's API (https://api.clerk.com) or to a host "
    "you name; a URL found in the project or the environment is not your word. If {origin} "
    "really is Clerk's Backend API for you, pass --clerk-api-url {origin} (in the wizard, "
    "answer yes when it names that host); otherwise remove {api_var} from the environment "
    "and the .env files.",
}


@dataclass(frozen=True)
class CheckSpec:
    id: str
    step: str
    title: str
    passes_when: str
    fixes: Mapping[str, str] = field(default_factory=dict)


class _Blank(dict[str, object]):
    """Leaves an unknown placeholder visible instead of raising, so a missing value in a
    fix template can never crash a run."""

    def __missing__(self, key: str) -> str:
        return "<" + key + ">"


_SPECS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "project.root", "project", "Project folder",
        "a project folder was found (warn if it has no convex/ folder, or if a project file "
        "was skipped as not a regular file or too large)",
        {
            "no_convex": "Run the wizard from your app's folder (the one holding package.json "
            "and convex/), or pass --project DIR. Without convex/ there is no auth.config to check.",
            "unread_files": "The wizard reads only regular files of a sensible size, so it "
            "skipped some ({problems}). Replace each with the regular file it should be (a "
            "FIFO or a link to a device is never a project file), then run the check again.",
        },
    ),
    CheckSpec(
        "env.publishable_key", "project", "Clerk publishable key",
        "a publishable key is found and valid by Clerk's rules",
        {
            "missing": "Copy the Publishable key from Clerk Dashboard → API keys ("
            + CLERK_API_KEYS_PAGE + ") into .env.local as {suggested_name}=pk_test_…",
            "invalid": "{source} is not a valid Clerk publishable key ({why}). Copy it again "
            "from Clerk Dashboard → API keys (" + CLERK_API_KEYS_PAGE + "); it starts with "
            "pk_test_ or pk_live_.",
        },
    ),
    CheckSpec(
        "env.secret_exposure", "project", "No secret in a browser variable",
        "no sk_…/whsec_… value sits in a browser-exposed variable",
        {
            "exposed": "Remove {names} now: a VITE_/NEXT_PUBLIC_/EXPO_PUBLIC_/PUBLIC_/REACT_APP_ "
            "variable is bundled into the browser. Keep the secret only as a server variable "
            "(CLERK_SECRET_KEY, CLERK_WEBHOOK_SECRET), and roll it in Clerk Dashboard → API keys "
            "(" + CLERK_API_KEYS_PAGE + ") if the bundle was ever deployed.",
        },
    ),
    CheckSpec(
        "clerk.instance", "open-dashboard", "Secret key's Clerk instance",
        "the secret key's instance serves the Frontend API host of the publishable key and issuer",
        {
            **_CLERK_API_FIXES,
            "mismatch": "CLERK_SECRET_KEY ({redacted}, {source}) belongs to the Clerk instance "
            "at {api_hosts}, but {differs}. Keys of two apps, or of dev and prod, do not mix: "
            "copy the publishable key, the secret key and the Frontend API URL from the same "
            "instance in Clerk Dashboard → API keys (" + CLERK_API_KEYS_PAGE + ").",
        },
    ),
    CheckSpec(
        "clerk.template", "create-template", "JWT template named convex",
        "a JWT template named exactly convex exists (on the template path)",
        {
            **_CLERK_API_FIXES,
            "missing": "Create a JWT template named exactly convex: Clerk Dashboard → JWT "
            "templates (" + CLERK_JWT_TEMPLATES_PAGE + ") → New template → Convex, keeping the "
            "name; or accept the wizard's offer to create it (step create-template).",
            "near_miss": "Clerk has {names}, but the Convex client asks for the template named "
            "exactly convex (lowercase, no spaces). Rename it in Clerk Dashboard → JWT templates ("
            + CLERK_JWT_TEMPLATES_PAGE + "), or create one named convex.",
            "optional": "No template named exactly convex{near}. None is needed while Clerk's "
            "Convex integration is active (" + CLERK_CONVEX_INTEGRATION_PAGE + "); on the "
            "JWT-template path create one named convex in Clerk Dashboard → JWT templates ("
            + CLERK_JWT_TEMPLATES_PAGE + ").",
        },
    ),
    CheckSpec(
        "clerk.template_claims", "configure-claims", "convex template claims",
        "aud is the application ID as a string; no reserved claim (iss, sub, azp, exp, iat, "
        "nbf, jti)",
        {
            "not_object": "The convex template's claims are not a JSON object. Set them to "
            "{{\"aud\": \"{app_id}\"}} (plus the preset's name/email claims) in Clerk Dashboard → "
            "JWT templates → convex.",
            "no_aud": "Add \"aud\": \"{app_id}\" to the convex template's claims in Clerk "
            "Dashboard → JWT templates → convex (" + CLERK_JWT_TEMPLATES_PAGE + "): without it "
            "Convex rejects every token.",
            "aud_wrong": "Set \"aud\" to \"{app_id}\" in the convex template's claims (it is "
            "{found} now), or set applicationID in {auth_path} to the same value.",
            "aud_array": "Make \"aud\" the string \"{app_id}\" in the convex template (it is "
            "{found} now): Convex rejects a token that names any other audience.",
            "aud_single_array": "\"aud\" is [\"{app_id}\"]: Convex accepts it, but write the "
            "string \"{app_id}\" as the Convex preset does.",
            "reserved": "Remove {claims} from the convex template's claims (Clerk Dashboard → "
            "JWT templates → convex): Clerk sets them in every token itself and they cannot be "
            "overridden.",
            "org_slug_iss": "Remove \"iss\": \"{{{{org.slug}}}}\" from the convex template (a "
            "mistake in the original guide){others}. Clerk always sets iss to your Frontend API "
            "URL; {{{{org.slug}}}} is the active organization's slug, so Convex would look for an "
            "issuer of that name and reject the token.",
            "session_only": "Remove {claims} from the convex template: session claims cannot "
            "be part of a JWT template.",
        },
    ),
    CheckSpec(
        "clerk.template_signing", "save-template", "convex template signing",
        "no custom signing key; signed RS256 with the instance key",
        {
            "custom_key": "Turn off \"Custom signing key\" in Clerk Dashboard → JWT templates → "
            "convex and save: Convex checks tokens against the instance's JWKS, which cannot "
            "verify a token signed with your own key ({alg}).",
            "alg": "The convex template signs with {alg}; Convex accepts only RS256 and EdDSA and "
            "Clerk's instance key is RS256. Turn off \"Custom signing key\" in Clerk Dashboard → "
            "JWT templates → convex.",
        },
    ),
    CheckSpec(
        "clerk.template_lifetime", "save-template", "convex template lifetime",
        "the token lifetime is between 30 s and one hour",
        {
            "long": "Set Token lifetime to 60 s in Clerk Dashboard → JWT templates → convex (it "
            "is {lifetime} s): a template token stays valid for its whole lifetime, even after "
            "its session is revoked or the user signs out.",
            "short": "Set Token lifetime to 60 s in Clerk Dashboard → JWT templates → convex (it "
            "is {lifetime} s): the token can expire before Convex sees it; Clerk's own minimum "
            "is 30 s.",
        },
    ),
    CheckSpec(
        "env.issuer", "verify-config", "Issuer value",
        "an issuer value is found and well formed",
        {
            "missing": "Find your Frontend API URL in Clerk Dashboard → API keys ("
            + CLERK_API_KEYS_PAGE + ") and set it on the deployment: "
            "npx convex env set {var} https://<your-frontend-api-host>",
            "malformed": "Set {var} to exactly {suggested}: npx convex env set {var} {suggested}"
            " (and the same in {source_file} if you keep it there).",
            "jwks_url": "{source} holds the {what} URL, not the issuer. Set {var} to {suggested}: "
            "npx convex env set {var} {suggested}",
            "http": "Clerk issuers are https. Set {var} to {suggested}: "
            "npx convex env set {var} {suggested}",
        },
    ),
    CheckSpec(
        "env.issuer_matches_key", "verify-config", "Issuer and publishable key agree",
        "the issuer's host equals the publishable key's Frontend API host",
        {
            "mismatch": "The issuer and the publishable key come from different Clerk instances "
            "(dev vs prod, or two apps). If the key is right, run: npx convex env set {var} "
            "https://{key_host} — otherwise copy the publishable key of {issuer_host} from Clerk "
            "Dashboard → API keys.",
        },
    ),
    CheckSpec(
        "convex.auth_config", "verify-config", "convex/auth.config",
        "one auth config file with a Clerk provider that resolves to the issuer",
        {
            "missing": "Create convex/auth.config.ts:\n  import type {{ AuthConfig }} from "
            "\"convex/server\";\n  export default {{ providers: [{{ domain: "
            "process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: \"convex\" }}] }} satisfies "
            "AuthConfig;\nthen run npx convex dev so the deployment picks it up.",
            "both": "Delete one of convex/auth.config.ts and convex/auth.config.js: Convex "
            "refuses to push when both exist (\"Found both … choose one\").",
            "unreadable": "Fix {path}: {problem}.",
            "commented": "Uncomment the provider at {path}:{line} and run npx convex dev.",
            "no_providers": "Add a provider to {path}: {{ domain: "
            "process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: \"convex\" }}, then run "
            "npx convex dev.",
            "misspelled": "In {path}:{line} rename {key} to applicationID (capital I, capital D); "
            "Convex rejects the config otherwise.",
            "no_app_id": "In {path}:{line} add applicationID: \"convex\" to the provider: an "
            "OIDC provider must have one, so Convex refuses to push this auth.config and keeps "
            "whatever it had before.",
            "custom_field": "In {path}:{line} remove {field}: {kind} provider cannot have one, "
            "and Convex refuses to push the config.",
            "bad_type": "In {path}:{line} the provider's type is {kind!r}; Convex accepts only "
            "\"customJwt\" or no type (OIDC), and refuses to push the config.",
            "custom_missing": "In {path}:{line} add {fields} to the customJwt provider: issuer, "
            "jwks and algorithm (RS256 or ES256) are required.",
            "custom_algorithm": "In {path}:{line} set algorithm to \"RS256\" or \"ES256\" (it "
            "is {algorithm!r}); Convex supports no other for a customJwt provider.",
            "custom_issuer": "In {path}:{line} the issuer {issuer!r} is not a URL Convex accepts "
            "({why}). Write it with https://.",
            "domain_literal": "In {path}:{line} set domain to {issuer} (it is {domain} now), or "
            "better read it from a variable: domain: process.env.CLERK_JWT_ISSUER_DOMAIN!",
            "domain_invalid": "In {path}:{line} the domain {domain!r} is not a URL Convex "
            "accepts ({why}). Use {issuer}.",
            "fallback": "In {path}:{line} the domain read has a fallback, but Convex throws when "
            "{var} is unset even with one. Set it on the deployment: "
            "npx convex env set {var} {issuer}",
            "custom_only": "Only customJwt providers are configured; for Clerk add {{ domain: "
            "process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: \"convex\" }} in {path}.",
        },
    ),
    CheckSpec(
        "convex.deployment_env", "verify-config", "Issuer variable on the Convex deployment",
        "the deployment has the variable auth.config reads, equal to the local value",
        {
            "missing": "The deployment does not have {var} (a value in .env.local is never seen "
            "by Convex). Run: npx convex env set {var} {issuer}",
            "differs": "The deployment's {var} is {deployed}, not {expected}. Run: "
            "npx convex env set {var} {expected}",
            "error": "Run npx convex env get {var} yourself to see the problem (npx convex login, "
            "or npx convex dev once to pick a deployment).",
        },
    ),
    CheckSpec(
        "convex.deployed_providers", "verify-config", "Auth providers on the Convex deployment",
        "the providers the deployment really has (read with a deploy key) include the local "
        "auth.config's domain and applicationID",
        {
            "no_providers": "The deployment has no auth providers: convex/auth.config.ts was "
            "never pushed to it. Run {push} (npx convex dev pushes to the dev deployment, "
            "npx convex deploy to production) and check again.",
            "domain_differs": "The deployment checks tokens against {deployed}, but the local "
            "auth.config resolves to {issuer}. Run: npx convex env set {var} {issuer} (then "
            "{push} so auth.config is pushed again).",
            "app_id_differs": "The deployment's provider for {issuer} has applicationID "
            "{deployed_app}, the local auth.config says {app_id}. Push the local config: {push}",
            "withheld": "The deploy key goes only to the deployment it names or to a host you "
            "name; a URL from {url_source} is not your word (a pull request can change it). If "
            "{origin} is your deployment, pass {flag} {origin} (in the wizard, press the button "
            "on this step that names it).",
            "key_refused": "The deployment refused the deploy key from {key_source} ({code}). "
            "Generate a new one in the Convex dashboard → your deployment → Settings → "
            "Deploy keys, and keep it out of browser variables.",
            "inconclusive": "The deployment did not list its providers ({what}). Check the "
            "deployment URL ({url_source}): it must be the .convex.cloud URL of a live "
            "deployment.",
        },
    ),
    CheckSpec(
        "convex.version", "verify-config", "convex package version",
        "the convex package is not a known-bad version for Clerk",
        {
            "broken_template": "convex {version} always sends the default session token, which "
            "breaks the JWT-template setup. Run: npm install convex@latest",
            "no_integration": "convex {version} predates support for Clerk's Convex integration "
            "(1.33.1). Run: npm install convex@latest, or use the JWT template named convex.",
            "stale_session": "convex {version} ignores Clerk session changes (fixed in 1.42.2). "
            "Run: npm install convex@latest",
        },
    ),
    CheckSpec(
        "issuer.discovery", "verify-config", "Issuer discovery document",
        "<issuer>/.well-known/openid-configuration answers 200 JSON with the same issuer",
        {
            "network": "Convex cannot reach {url} either. Check the issuer value ({issuer}); it "
            "must be your Clerk Frontend API URL from Clerk Dashboard → API keys.",
            "status": "The issuer answered {status}: this is not a Clerk Frontend API URL, or "
            "the instance was deleted. Copy the Frontend API URL from Clerk Dashboard → API keys "
            "and run npx convex env set {var} <that URL>.",
            "content": "The discovery document is not JSON ({what}): the issuer URL points at a "
            "web page, not at Clerk's Frontend API. Use the Frontend API URL from Clerk "
            "Dashboard → API keys.",
            "issuer_mismatch": "The discovery document says issuer {found}, but the configured "
            "issuer is {issuer}. Convex compares them exactly: run npx convex env set {var} {found}",
            "no_jwks_uri": "The discovery document has no jwks_uri, so Convex cannot get keys. "
            "Point the issuer at your Clerk Frontend API URL.",
        },
    ),
    CheckSpec(
        "issuer.jwks", "verify-config", "Issuer signing keys (JWKS)",
        "the JWKS answers 200 with at least one usable RS256 or EdDSA key",
        {
            "network": "Fetching {url} failed; retry, and check the issuer value.",
            "status": "The JWKS at {url} answered {status}. Retry later; if it persists, the "
            "issuer is not a Clerk Frontend API URL.",
            "content": "The JWKS at {url} is not a JSON key set ({what}).",
            "no_keys": "The JWKS at {url} has no RS256 or EdDSA signing key Convex could use "
            "({what}).",
        },
    ),
    CheckSpec(
        "token.format", "check-token", "Token format",
        "three unpadded base64url JSON parts that Convex's parsers read, with the right claim "
        "types",
        {
            "broken": "Copy the whole token again, from the browser console: {get_token}",
            "crash": "Do not send this token: a timestamp this large crashes Convex's backend "
            "instead of being refused. Mint a fresh token with Clerk: {get_token}",
            "types": "Remove or fix the claim {claim} in the JWT template (Clerk Dashboard → JWT "
            "templates → convex): Convex rejects it as {why}.",
        },
    ),
    CheckSpec(
        "token.kind", "check-token", "Token kind",
        "a Convex template token or an integration session token",
        {
            "session": "This is Clerk's default session token, without aud: \"convex\". Either "
            "activate Clerk's Convex integration (" + CLERK_CONVEX_INTEGRATION_PAGE + ") or "
            "fetch the template token: await window.Clerk.session.getToken({{ template: "
            "'convex', skipCache: true }})",
            "key": "You pasted {what}, not a token. In the browser console run: {get_token}",
            "other": "This looks like {what}. Paste the token Convex receives: {get_token}",
        },
    ),
    CheckSpec(
        "token.header", "check-token", "Token header",
        "typ absent or JWT/JOSE; no crit, no cty",
        {
            "bad": "Convex rejects this header ({what}). Use a token Clerk minted for Convex: "
            "{get_token}",
        },
    ),
    CheckSpec(
        "token.alg", "check-token", "Signing algorithm",
        "alg is RS256 or EdDSA (a customJwt provider: its configured algorithm)",
        {
            "bad": "Convex only accepts RS256 and EdDSA. In Clerk Dashboard → JWT templates → "
            "convex, turn off \"Custom signing key\" so Clerk signs with the instance key (RS256).",
            "custom": "The customJwt provider {index} is configured for {configured}: sign with "
            "{configured}, or set algorithm to the token's alg (RS256 or ES256 only), and make "
            "the key's alg in the jwks agree.",
        },
    ),
    CheckSpec(
        "token.key", "check-token", "Signing key in the JWKS",
        "exactly one JWKS key fits the token's kid, kty, use and alg",
        {
            "none": "No key of {issuer} fits this token ({what}). The token comes from another "
            "Clerk instance, or was signed with a custom key: check the issuer and the "
            "template's \"Custom signing key\" setting.",
            "ambiguous": "{count} keys fit and the token has no kid; Convex refuses to guess. "
            "Clerk always sets kid: this token was not minted by Clerk.",
            "cached": "Convex may still be using the key set it cached before the change "
            "(Cache-Control: {cache_control}). Wait up to {seconds} s, mint a fresh token and "
            "try again.",
            "custom_jwks": "Convex cannot use the customJwt provider's key set at {url} "
            "({what}). Serve it with status 200 and Content-Type application/json, with only "
            "RS256/ES256 keys (no \"alg\": \"EdDSA\" key anywhere in the set), or use a data: "
            "URL.",
            "no_kid": "A customJwt provider picks the key by kid: mint the token with a kid "
            "header that names a key of the provider's jwks.",
        },
    ),
    CheckSpec(
        "token.signature", "check-token", "Signature",
        "the signature verifies with the matching key",
        {
            "bad": "The signature does not verify with {kid}: the token was altered or copied "
            "incompletely. Copy it again: {get_token}",
            "key": "The key {kid} in the issuer's key set cannot verify this token ({why}). "
            "Publish a 2048- to 8192-bit RSA key or an Ed25519 key, and sign with it.",
        },
    ),
    CheckSpec(
        "token.iss", "check-token", "Issuer claim",
        "iss equals the configured issuer (Convex's normalisation) and the discovery issuer",
        {
            "missing": "The token has no iss; Clerk always sets it. This token was not minted "
            "by Clerk.",
            "mismatch": "The token was issued by {iss}, but Convex is configured for {issuer}. "
            "If the token's instance is the right one, run: npx convex env set {var} {iss_norm}",
            "discovery": "The token's iss {iss!r} differs from the discovery issuer {found!r}; "
            "Convex compares them exactly. Set {var} to {found}.",
            "no_scheme": "The token's iss {iss!r} has no https://: Convex routes it, then fails "
            "with an internal error (500) because its OIDC verifier needs an absolute URL. "
            "Clerk always sets one: mint the token with Clerk: {get_token}",
        },
    ),
    CheckSpec(
        "token.aud", "check-token", "Audience claim",
        "aud is the application ID and nothing else",
        {
            "missing": "Add \"aud\": \"{app_id}\" to the token: activate Clerk's Convex "
            "integration (" + CLERK_CONVEX_INTEGRATION_PAGE + ") or set the JWT template "
            "convex's claims to {{\"aud\": \"{app_id}\"}}.",
            "wrong": "Set \"aud\" to exactly \"{app_id}\" (a string) in Clerk Dashboard → JWT "
            "templates → convex, or set applicationID in {auth_path} to what the token carries.",
            "extra": "Convex rejects every audience besides \"{app_id}\". Make aud the string "
            "\"{app_id}\", not an array, in Clerk Dashboard → JWT templates → convex.",
        },
    ),
    CheckSpec(
        "token.claims", "check-token", "Required claims",
        "sub, iat and exp are present",
        {
            "missing": "Clerk sets {claims} itself; remove any template line that overrides "
            "them (the guide's \"sub\": \"{{{{user.id}}}}\" is one) and mint a fresh token.",
            "custom_missing": "A customJwt provider needs sub, iss and exp in the token; add "
            "{claims}.",
        },
    ),
    CheckSpec(
        "token.exp", "check-token", "Expiry",
        "floor(now) < exp, no leeway",
        {
            "expired": "Clerk tokens live about 60 s. Get a fresh one and paste it within the "
            "minute: {get_token}",
            "short": "Under 10 s left: Convex will reject it almost at once. {get_token}",
            "lifetime": "exp - iat is {lifetime} s; the Convex client needs more than 2 s to "
            "schedule a refresh. Set the template's token lifetime to 60 s.",
            "custom_expired": "The token expired more than 5 s ago. Mint a fresh one and send it "
            "at once.",
        },
    ),
    CheckSpec(
        "token.clock", "check-token", "Clock",
        "iat and nbf are not more than 5 s in the future",
        {
            "skew": "This machine's clock or Clerk's is off by about {skew} s. Sync the clock "
            "(timedatectl set-ntp true, or your OS's date settings). Convex's OIDC path itself "
            "ignores iat and nbf.",
            "custom_future": "A customJwt provider refuses a token whose nbf or iat is more than "
            "5 s ahead of its clock. Sync the issuer's clock (or this machine's) and mint again.",
        },
    ),
    CheckSpec(
        "convex.accepts_token", "check-token", "Convex itself accepts the token",
        "the deployment answers POST /api/query (a _system path, no user code) without a 401 "
        "(only with --ask-convex or the Ask Convex action)",
        {
            "NoAuthProvider": "No provider on the deployment has domain {iss_norm} with "
            "applicationID in the token's aud {aud}. Set the deployment's variable and push "
            "auth.config: npx convex env set {var} {iss_norm}, then npx convex dev (or npx "
            "convex deploy); a deploy key in CONVEX_DEPLOY_KEY lets the wizard show what is "
            "deployed.",
            "Unauthenticated": "Convex matched the provider but the signature, iss, aud or "
            "expiry did not verify. Clerk tokens live about 60 s: mint a fresh one and ask "
            "again at once: {get_token}",
            "InvalidAuthHeader": "Convex could not read the token ({message}). Paste it exactly "
            "as minted: {get_token}",
            "AuthProviderDiscoveryFailed": "Convex matched a provider but could not fetch the "
            "issuer's discovery document ({message}). The domain must be your Clerk Frontend "
            "API URL: npx convex env set {var} https://<your-frontend-api-host>",
            "inconclusive": "The deployment gave no verdict ({what}). Check the deployment URL "
            "({url_source}): the .convex.cloud URL (not .convex.site) of a live deployment; "
            "then ask again.",
            "disagree": "Convex accepts this token but the wizard's checks fail ({failed}): a "
            "rule is missing on one side. Trust Convex for this deployment and please report "
            "it (the output never includes the token).",
        },
    ),
)

CATALOG: dict[str, CheckSpec] = {spec.id: spec for spec in _SPECS}
CHECK_IDS: tuple[str, ...] = tuple(spec.id for spec in _SPECS)
_POSITION: dict[str, int] = {check_id: index for index, check_id in enumerate(CHECK_IDS)}


def position(check_id: str) -> int:
    """Where a check comes in the one order every output uses: the catalog's (an unknown id
    comes last)."""
    return _POSITION.get(check_id, len(_POSITION))


def ordered(checks: Iterable[Check]) -> list[Check]:
    """``checks`` in the catalog's order."""
    return sorted(checks, key=lambda check: position(check.id))
CLERK_CHECK_IDS: tuple[str, ...] = tuple(i for i in CHECK_IDS if i.startswith("clerk."))
CLERK_NOT_AGREED = ("the secret key was not used: pass --use-secret-key (or agree in the "
                    "wizard) to let the wizard read the Clerk instance through Clerk's "
                    "Backend API")


def get_token_snippet(path: AuthPath | None) -> str:
    """The browser-console line that mints the token Convex receives on a given path."""
    if path is AuthPath.INTEGRATION:
        return "await window.Clerk.session.getToken({ skipCache: true })"
    return "await window.Clerk.session.getToken({ template: 'convex', skipCache: true })"


def make(check_id: str, status: Status, detail: str, reason: str = "", /,
         **values: object) -> Check:
    """Build a check from the catalog; ``reason`` picks the fix template to fill."""
    spec = CATALOG[check_id]
    fix = ""
    if reason:
        fix = spec.fixes[reason].format_map(_Blank(values))
    return Check(check_id, status, spec.title, detail, fix, spec.step)


def passed(check_id: str, detail: str) -> Check:
    return make(check_id, Status.PASS, detail)


def skipped(check_id: str, detail: str) -> Check:
    return make(check_id, Status.SKIP, detail)
