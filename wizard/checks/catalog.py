"""The check catalog: every check id, its title, its step, and the fix for each way it fails.

This is the single source of truth that the CLI, the UI and the report read, and its order
is the one order of checks. A check that fails says why with a *reason*, one of its spec's
closed set, which picks the fix; fix texts are message templates (``wizard.text``) filled
with the project's own values (variable names, issuer, file and line), so the user gets the
exact command to run rather than general advice, in their language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field

from wizard.checks.model import Check, Status
from wizard.records import record
from wizard.text.messages import N_, Message, Text

# How a Backend API call can fail; shared by the clerk.* checks that make the call.
_CLERK_API_FIXES: dict[str, str] = {
    "not_secret": N_("{source} does not hold a Clerk secret key (it starts with sk_test_ or "
    "sk_live_). Copy the Secret key from Clerk Dashboard → API keys "
    "(https://dashboard.clerk.com/last-active?path=api-keys) into {source_file} as "
    "CLERK_SECRET_KEY=…"),
    "config": N_("{message}. Remove {api_var} from the environment and the .env files, or set it "
    "to https://api.clerk.com."),
    "invalid_key": N_("This secret key ({redacted}, from {source}) is not valid for any Clerk "
    "instance: it was rolled, deleted or copied incompletely. Copy the current Secret key of "
    "the app whose Frontend API is {key_host} from Clerk Dashboard → API keys "
    "(https://dashboard.clerk.com/last-active?path=api-keys) into {source_file}."),
    "rate_limited": N_("Clerk's Backend API is rate-limiting this key ({said}). Retry in "
    "{retry_after}."),
    "server": N_("Clerk's Backend API {said}. The problem is on Clerk's side: retry later "
    "(https://status.clerk.com shows incidents)."),
    "network": N_("Could not reach {url}: {message}. Check the connection (and {api_var} if you "
    "set "
    "it), then retry."),
    "status": N_("Clerk's Backend API {said} for {url}. Check that {source} holds the Secret key "
    "of "
    "this app (Clerk Dashboard → API keys)."),
    "content": N_("{url} did not answer like Clerk's Backend API ({message}). If you set "
    "{api_var}, "
    "check it; otherwise retry later."),
    "withheld": N_("The secret key goes only to Clerk's API (https://api.clerk.com) or to a host "
    "you name; a URL found in the project or the environment is not your word. If {origin} "
    "really is Clerk's Backend API for you, pass --clerk-api-url {origin} (in the wizard, "
    "answer yes when it names that host); otherwise remove {api_var} from the environment "
    "and the .env files."),
}


# Why an environment's question was not asked or not answered; shared by the envs.* checks.
_ENVS_NOT_ASKED: dict[str, str] = {
    "offline": N_("Not asked: --offline. Run the check without it to ask this environment."),
    "no_consent": N_("Production is asked only when you allow it: run the check with --prod "
    "(the production deploy key goes only to the production deployment)."),
    "no_cli": N_("The Convex CLI is not installed in this project: run npm install, then "
    "check again."),
    "cli_too_old": N_("Preview defaults need convex 1.36.1 or later: run npm install "
    "convex@latest, then check again."),
    "cli_error": N_("{command} failed: {message}. Run it yourself to see why (npx convex "
    "login if you are not logged in)."),
    "wrong_deployment": N_("The Convex CLI answered for {deployment} instead, because of the "
    "deploy key in {key_source}, so its answer is not used. Remove that key from "
    "{key_source}, or run the command with the deploy key of the deployment you mean."),
}


# How the app's code asks Clerk for the token; shared by the client and the server checks.
_TEMPLATE_REQUEST_FIXES: dict[str, str] = {
    "wrong_template": N_("At {where} ask for the template named convex: getToken({{ "
    "template: \"convex\" }}). Convex verifies the token that template makes."),
    "template_missing": N_("At {where} pass {{ template: \"convex\" }} to getToken: on "
    "the JWT-template path the session token has no aud, so Convex rejects it."),
    "template_not_needed": N_("At {where} call getToken() without a template: with "
    "Clerk's Convex integration the session token already carries aud (keep the "
    "template only if you chose the template path)."),
}


@record(frozen=True)
class CheckSpec:
    id: str
    step: str
    title: str
    """A message id, as all the texts here."""
    passes_when: str
    fixes: Mapping[str, str] = field(default_factory=dict)
    """Reason → the fix's message template."""


OFFLINE_FIX = N_("This machine cannot reach the network (no name resolves, or there is no "
                 "route), so the issuer value is not the problem. Connect and check again, or "
                 "verify with a saved key set: convex-auth-wizard check --offline --jwks "
                 "keys.json (save keys.json from {issuer}/.well-known/jwks.json on a machine "
                 "that is online).")

_SPECS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "project.root", "project", N_("Project folder"),
        N_("a project folder was found (warn if it has no convex/ folder, or if a project file "
        "was skipped as not a regular file or too large)"),
        {
            "no_convex": N_("Run the wizard from your app's folder (the one holding package.json "
            "and convex/), or pass --project DIR. Without convex/ there is no auth.config to "
            "check."),
            "unread_files": N_("The wizard reads only regular files of a sensible size, so it "
            "skipped some ({problems}). Replace each with the regular file it should be (a "
            "FIFO or a link to a device is never a project file), then run the check again."),
            "env_lines": N_("Vite and Next read these lines of your .env files as the wizard "
            "does, not as they were meant. Correct them, then run the check again: "
            "{problems}"),
        },
    ),
    CheckSpec(
        "env.publishable_key", "project", N_("Clerk publishable key"),
        N_("a publishable key is found and valid by Clerk's rules"),
        {
            "missing": N_("Copy the Publishable key from Clerk Dashboard → API keys "
            "(https://dashboard.clerk.com/last-active?path=api-keys) into .env.local as "
            "{suggested_name}=pk_test_…"),
            "invalid": N_("{source} is not a valid Clerk publishable key ({why}). Copy it again "
            "from Clerk Dashboard → API keys "
            "(https://dashboard.clerk.com/last-active?path=api-keys); it starts with "
            "pk_test_ or pk_live_."),
        },
    ),
    CheckSpec(
        "env.secret_exposure", "project", N_("No secret in a browser variable"),
        N_("no sk_…/whsec_… value sits in a browser-exposed variable"),
        {
            "exposed": N_("Remove {names} now: a "
            "VITE_/NEXT_PUBLIC_/EXPO_PUBLIC_/PUBLIC_/REACT_APP_ "
            "variable is bundled into the browser. Keep the secret only as a server variable "
            "(CLERK_SECRET_KEY, CLERK_WEBHOOK_SECRET), and roll it in Clerk Dashboard → API keys "
            "(https://dashboard.clerk.com/last-active?path=api-keys) if the bundle was ever "
            "deployed."),
            "in_key_slot": N_("Replace the value of {names} now with the Publishable key "
            "(pk_test_… or pk_live_) from Clerk Dashboard → API keys "
            "(https://dashboard.clerk.com/last-active?path=api-keys): it holds a secret key, "
            "and this variable is bundled into the browser. Keep the secret key only as "
            "CLERK_SECRET_KEY (a server variable), and roll it in the same page if the bundle "
            "was ever deployed."),
        },
    ),
    CheckSpec(
        "clerk.instance", "open-dashboard", N_("Secret key's Clerk instance"),
        N_("the secret key's instance serves the Frontend API host of the publishable key and "
           "issuer"),
        {
            **_CLERK_API_FIXES,
            "mismatch": N_("CLERK_SECRET_KEY ({redacted}, {source}) belongs to the Clerk instance "
            "at {api_hosts}, but {differs}. Keys of two apps, or of dev and prod, do not mix: "
            "copy the publishable key, the secret key and the Frontend API URL from the same "
            "instance in Clerk Dashboard → API keys "
            "(https://dashboard.clerk.com/last-active?path=api-keys)."),
        },
    ),
    CheckSpec(
        "clerk.template", "create-template", N_("JWT template named convex"),
        N_("a JWT template named exactly convex exists (on the template path)"),
        {
            **_CLERK_API_FIXES,
            "missing": N_("Create a JWT template named exactly convex: Clerk Dashboard → JWT "
            "templates (https://dashboard.clerk.com/last-active?path=jwt-templates) → New template "
            "→ Convex, keeping the "
            "name; or accept the wizard's offer to create it (step create-template)."),
            "near_miss": N_("Clerk has {names}, but the Convex client asks for the template named "
            "exactly convex (lowercase, no spaces). Rename it in Clerk Dashboard → JWT templates "
            "(https://dashboard.clerk.com/last-active?path=jwt-templates), or create one named "
            "convex."),
            "optional": N_("No template named exactly convex{near}. None is needed while Clerk's "
            "Convex integration is active (https://dashboard.clerk.com/apps/setup/convex); on the "
            "JWT-template path create one named convex in Clerk Dashboard → JWT templates "
            "(https://dashboard.clerk.com/last-active?path=jwt-templates)."),
        },
    ),
    CheckSpec(
        "clerk.template_claims", "configure-claims", N_("convex template claims"),
        N_("aud is the application ID as a string; no reserved claim (iss, sub, azp, exp, iat, "
        "nbf, jti)"),
        {
            "not_object": N_("The convex template's claims are not a JSON object. Set them to "
            "{{\"aud\": \"{app_id}\"}} (plus the preset's name/email claims) in Clerk Dashboard → "
            "JWT templates → convex."),
            "no_aud": N_("Add \"aud\": \"{app_id}\" to the convex template's claims in Clerk "
            "Dashboard → JWT templates → convex "
            "(https://dashboard.clerk.com/last-active?path=jwt-templates): without it "
            "Convex rejects every token."),
            "aud_wrong": N_("Set \"aud\" to \"{app_id}\" in the convex template's claims (it is "
            "{found} now), or set applicationID in {auth_path} to the same value."),
            "aud_array": N_("Make \"aud\" the string \"{app_id}\" in the convex template (it is "
            "{found} now): Convex rejects a token that names any other audience."),
            "aud_single_array": N_("\"aud\" is [\"{app_id}\"]: Convex accepts it, but write the "
            "string \"{app_id}\" as the Convex preset does."),
            "reserved": N_("Remove {claims} from the convex template's claims (Clerk Dashboard → "
            "JWT templates → convex): Clerk sets them in every token itself and they cannot be "
            "overridden."),
            "org_slug_iss": N_("Remove \"iss\": \"{{{{org.slug}}}}\" from the convex template (a "
            "mistake in the original guide){others}. Clerk always sets iss to your Frontend API "
            "URL; {{{{org.slug}}}} is the active organization's slug, so Convex would look for an "
            "issuer of that name and reject the token."),
            "session_only": N_("Remove {claims} from the convex template: session claims cannot "
            "be part of a JWT template."),
        },
    ),
    CheckSpec(
        "clerk.template_signing", "save-template", N_("convex template signing"),
        N_("no custom signing key; signed RS256 with the instance key"),
        {
            "custom_key": N_("Turn off \"Custom signing key\" in Clerk Dashboard → JWT templates → "
            "convex and save: Convex checks tokens against the instance's JWKS, which cannot "
            "verify a token signed with your own key ({alg})."),
            "alg": N_("The convex template signs with {alg}; Convex accepts only RS256 and EdDSA "
            "and "
            "Clerk's instance key is RS256. Turn off \"Custom signing key\" in Clerk Dashboard → "
            "JWT templates → convex."),
        },
    ),
    CheckSpec(
        "clerk.template_lifetime", "save-template", N_("convex template lifetime"),
        N_("the token lifetime is between 30 s and one hour"),
        {
            "long": N_("Set Token lifetime to 60 s in Clerk Dashboard → JWT templates → convex (it "
            "is {lifetime} s): a template token stays valid for its whole lifetime, even after "
            "its session is revoked or the user signs out."),
            "short": N_("Set Token lifetime to 60 s in Clerk Dashboard → JWT templates → convex "
            "(it "
            "is {lifetime} s): the token can expire before Convex sees it; Clerk's own minimum "
            "is 30 s."),
        },
    ),
    CheckSpec(
        "env.issuer", "verify-config", N_("Issuer value"),
        N_("an issuer value is found and well formed"),
        {
            "missing": N_("Find your Frontend API URL in Clerk Dashboard → API keys "
            "(https://dashboard.clerk.com/last-active?path=api-keys) and set it on the deployment: "
            "npx convex env set {var} https://<your-frontend-api-host>"),
            "malformed": N_("Set {var} to exactly {suggested}: npx convex env set {var} {suggested}"
            " (and the same in {source_file} if you keep it there)."),
            "jwks_url": N_("{source} holds the {what} URL, not the issuer. Set {var} to "
            "{suggested}: "
            "npx convex env set {var} {suggested}"),
            "http": N_("Clerk issuers are https. Set {var} to {suggested}: "
            "npx convex env set {var} {suggested}"),
            "derived_only": N_("{path} reads {var} on the deployment. If it is set there, "
            "nothing to do; otherwise run: npx convex env set {var} {value} (and add "
            "{var}={value} to .env.local so this check can compare)."),
        },
    ),
    CheckSpec(
        "env.issuer_matches_key", "verify-config", N_("Issuer and publishable key agree"),
        N_("the issuer's host equals the publishable key's Frontend API host"),
        {
            "mismatch": N_("The issuer and the publishable key come from different Clerk instances "
            "(dev vs prod, or two apps). If the key is right, change the issuer in both places: "
            "{var}=https://{key_host} in {where}, and on the deployment: npx convex env set "
            "{var} https://{key_host} — otherwise copy the publishable key of {issuer_host} from "
            "Clerk Dashboard → API keys."),
        },
    ),
    CheckSpec(
        "convex.auth_config", "verify-config", N_("convex/auth.config"),
        N_("one auth config file with a Clerk provider that resolves to the issuer"),
        {
            "missing": N_("Create convex/auth.config.ts:\n  import type {{ AuthConfig }} from "
            "\"convex/server\";\n  export default {{ providers: [{{ domain: "
            "process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: \"convex\" }}] }} satisfies "
            "AuthConfig;\nthen run npx convex dev so the deployment picks it up."),
            "both": N_("Delete one of convex/auth.config.ts and convex/auth.config.js: Convex "
            "refuses to push when both exist (\"Found both … choose one\")."),
            "unreadable": N_("Fix {path}: {problem}."),
            "commented": N_("Uncomment the provider at {path}:{line} and run npx convex dev."),
            "no_providers": N_("Add a provider to {path}: {{ domain: "
            "process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: \"convex\" }}, then run "
            "npx convex dev."),
            "misspelled": N_("In {path}:{line} rename {key} to applicationID (capital I, capital "
            "D); "
            "Convex rejects the config otherwise."),
            "no_app_id": N_("In {path}:{line} add applicationID: \"convex\" to the provider: an "
            "OIDC provider must have one, so Convex refuses to push this auth.config and keeps "
            "whatever it had before."),
            "custom_field": N_("In {path}:{line} remove {field}: {kind} provider cannot have one, "
            "and Convex refuses to push the config."),
            "bad_type": N_("In {path}:{line} the provider's type is {kind!r}; Convex accepts only "
            "\"customJwt\" or no type (OIDC), and refuses to push the config."),
            "custom_missing": N_("In {path}:{line} add {fields} to the customJwt provider: issuer, "
            "jwks and algorithm (RS256 or ES256) are required."),
            "custom_algorithm": N_("In {path}:{line} set algorithm to \"RS256\" or \"ES256\" (it "
            "is {algorithm!r}); Convex supports no other for a customJwt provider."),
            "custom_issuer": N_("In {path}:{line} the issuer {issuer!r} is not a URL Convex "
            "accepts "
            "({why}). Write it with https://."),
            "domain_literal": N_("In {path}:{line} set domain to {issuer} (it is {domain} now), or "
            "better read it from a variable: domain: process.env.CLERK_JWT_ISSUER_DOMAIN!"),
            "domain_invalid": N_("In {path}:{line} the domain {domain!r} is not a URL Convex "
            "accepts ({why}). Use {issuer}."),
            "fallback": N_("In {path}:{line} the domain read has a fallback, but Convex throws "
            "when "
            "{var} is unset even with one. Set it on the deployment: "
            "npx convex env set {var} {issuer}"),
            "custom_only": N_("Only customJwt providers are configured; for Clerk add {{ domain: "
            "process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: \"convex\" }} in {path}."),
        },
    ),
    CheckSpec(
        "convex.deployment_env", "verify-config", N_("Issuer variable on the Convex deployment"),
        N_("the deployment has the variable auth.config reads, equal to the local value"),
        {
            "missing": N_("The deployment does not have {var} (a value in .env.local is never seen "
            "by Convex). Run: npx convex env set {var} {issuer}"),
            "differs": N_("The deployment's {var} is {deployed}, not {expected}. Run: "
            "npx convex env set {var} {expected}"),
            "error": N_("Run npx convex env get {var} yourself to see the problem (npx convex "
            "login, "
            "or npx convex dev once to pick a deployment)."),
            "found_nowhere": N_("Make sure the deployment has it: npx convex env get {var} "
            "(if it is not set: npx convex env set {var} {issuer}). Convex reads only the "
            "deployment's value."),
        },
    ),
    CheckSpec(
        "convex.deployed_providers", "verify-config", N_("Auth providers on the Convex deployment"),
        N_("the providers the deployment really has (read with a deploy key) include the local "
        "auth.config's domain and applicationID"),
        {
            "no_providers": N_("The deployment has no auth providers: convex/auth.config.ts was "
            "never pushed to it. Run {push} (npx convex dev pushes to the dev deployment, "
            "npx convex deploy to production) and check again."),
            "domain_differs": N_("The deployment checks tokens against {deployed}, but the local "
            "auth.config resolves to {issuer}. Run: npx convex env set {var} {issuer} (then "
            "{push} so auth.config is pushed again)."),
            "app_id_differs": N_("The deployment's provider for {issuer} has applicationID "
            "{deployed_app}, the local auth.config says {app_id}. Push the local config: {push}"),
            "withheld": N_("The deploy key goes only to the deployment it names or to a host you "
            "name; a URL from {url_source} is not your word (a pull request can change it). If "
            "{origin} is your deployment, pass {flag} {origin} (in the wizard, press the button "
            "on this step that names it)."),
            "key_refused": N_("The deployment refused the deploy key from {key_source} ({code}). "
            "Generate a new one in the Convex dashboard → your deployment → Settings → "
            "Deploy keys, and keep it out of browser variables."),
            "inconclusive": N_("The deployment did not list its providers ({what}). Check the "
            "deployment URL ({url_source}): it must be the .convex.cloud URL of a live "
            "deployment."),
        },
    ),
    CheckSpec(
        "convex.version", "verify-config", N_("convex package version"),
        N_("the convex package is not a known-bad version for Clerk"),
        {
            "broken_template": N_("convex {version} always sends the default session token, which "
            "breaks the JWT-template setup. Run: npm install convex@latest"),
            "no_integration": N_("convex {version} predates support for Clerk's Convex integration "
            "(1.33.1). Run: npm install convex@latest, or use the JWT template named convex."),
            "stale_session": N_("convex {version} ignores Clerk session changes (fixed in 1.42.2). "
            "Run: npm install convex@latest"),
        },
    ),
    CheckSpec(
        "issuer.discovery", "verify-config", N_("Issuer discovery document"),
        N_("<issuer>/.well-known/openid-configuration answers 200 JSON with the same issuer"),
        {
            "network": N_("Convex cannot reach {url} either. Check the issuer value ({issuer}); it "
            "must be your Clerk Frontend API URL from Clerk Dashboard → API keys."),
            "status": N_("The issuer answered {status}: this is not a Clerk Frontend API URL, or "
            "the instance was deleted. Copy the Frontend API URL from Clerk Dashboard → API keys "
            "and run npx convex env set {var} <that URL>."),
            "content": N_("The discovery document is not JSON ({what}): the issuer URL points at a "
            "web page, not at Clerk's Frontend API. Use the Frontend API URL from Clerk "
            "Dashboard → API keys."),
            "issuer_mismatch": N_("The discovery document says issuer {found}, but the configured "
            "issuer is {issuer}. Convex compares them exactly: run npx convex env set {var} "
            "{found}"),
            "no_jwks_uri": N_("The discovery document has no jwks_uri, so Convex cannot get keys. "
            "Point the issuer at your Clerk Frontend API URL."),
            "offline": OFFLINE_FIX,
        },
    ),
    CheckSpec(
        "issuer.jwks", "verify-config", N_("Issuer signing keys (JWKS)"),
        N_("the JWKS answers 200 with at least one usable RS256 or EdDSA key"),
        {
            "network": N_("Fetching {url} failed; retry, and check the issuer value."),
            "status": N_("The JWKS at {url} answered {status}. Retry later; if it persists, the "
            "issuer is not a Clerk Frontend API URL."),
            "content": N_("The JWKS at {url} is not a JSON key set ({what})."),
            "no_keys": N_("The JWKS at {url} has no RS256 or EdDSA signing key Convex could use "
            "({what})."),
            "offline": OFFLINE_FIX,
        },
    ),
    CheckSpec(
        "envs.instances", "verify-config", N_("Clerk instance of each environment"),
        N_("each environment's publishable key names the Clerk instance its deployment "
        "trusts: pk_test_ for development and previews, pk_live_ for production"),
        {
            "invalid_key": N_("{source} does not hold a valid Clerk publishable key "
            "({problem}). Copy the Publishable key of the {fix_instance} instance from Clerk "
            "Dashboard → API keys ({fix_page})."),
            "test_key": N_("Production builds read a development key (pk_test_, "
            "{frontend_api}) from {source}: your users would sign in to the development "
            "instance. Put the production instance's Publishable key (pk_live_, Clerk "
            "Dashboard → API keys with the production instance selected: {fix_page}) in "
            "{fix_where}."),
            "crossed": N_("The development deployment trusts the production instance "
            "({deployment_issuer}) while the development build uses {frontend_api}: no "
            "token verifies. Run: {fix_commands}"),
            "mismatch": N_("The development deployment trusts {deployment_issuer}, not the "
            "instance of the development publishable key ({frontend_api}). Run: "
            "{fix_commands}"),
            "not_exact": N_("The development deployment's issuer {deployment_issuer} names "
            "the right instance but not exactly as Convex compares it. Run: {fix_commands}"),
            "live_key": N_("The {environment} build uses a production key (pk_live_) from "
            "{source}; a production instance works only on its own domain. Use the "
            "development instance's Publishable key ({fix_page})."),
            "no_key": N_("No Clerk publishable key for {environment} in {files}."),
        },
    ),
    CheckSpec(
        "envs.prod_deployment_env", "verify-config", N_("Production deployment's issuer"),
        N_("the production deployment's issuer variable names the production Clerk instance "
        "(asked only with --prod)"),
        {
            **_ENVS_NOT_ASKED,
            "missing": N_("The production deployment {deployment} has no {variable}, so its "
            "auth.config has no domain. Run: {fix_commands}"),
            "development_issuer": N_("The production deployment {deployment} holds the "
            "development instance's issuer ({value}): your users' production tokens never "
            "verify. Run: {fix_commands}"),
            "mismatch": N_("The production deployment {deployment} holds {value}, not the "
            "production instance {expected}. Run: {fix_commands}"),
            "not_exact": N_("The production deployment {deployment} holds {value}, which "
            "Convex does not compare equal to {expected}. Run: {fix_commands}"),
        },
    ),
    CheckSpec(
        "envs.preview_default", "verify-config", N_("Preview deployments' issuer"),
        N_("the project's default issuer for new preview deployments names the instance "
        "previews use (the development one on the host's own domain)"),
        {
            **_ENVS_NOT_ASKED,
            "missing": N_("New preview deployments get no {variable}, so their auth.config "
            "has no domain. Set the project's default: {fix_commands}. Previews that already "
            "exist keep their variables: set it on each, or let the next deploy create a "
            "fresh preview."),
            "mismatch": N_("The preview default of {variable} is {value}, not the instance "
            "previews use ({compared_with}). Run: {fix_commands}. Previews that already exist "
            "keep the old value."),
            "not_exact": N_("The preview default {value} names {compared_with} but not exactly "
            "as Convex compares it. Run: {fix_commands}"),
            "production_instance": N_("The preview default names the production instance "
            "({value}); previews on the host's own domain can only use the development "
            "instance. Run: {fix_commands}"),
            "unknown_instance": N_("The preview default ({value}) names no Clerk instance this "
            "project uses. If previews should use the development instance, run: "
            "{fix_commands}"),
        },
    ),
    CheckSpec(
        "envs.prod_providers", "verify-config", N_("Providers deployed to production"),
        N_("production's deployed auth.config trusts the production instance with the "
        "expected applicationID (asked only with --prod and a production deploy key)"),
        {
            **_ENVS_NOT_ASKED,
            "no_providers": N_("Production ({url}) has no auth provider deployed. Deploy "
            "auth.config: {fix_commands}"),
            "development_instance": N_("Production trusts the development instance. Set its "
            "variable to the production instance (then it is re-evaluated): {fix_commands}"),
            "domain_differs": N_("Production's deployed providers do not include {expected}. "
            "Run: {fix_commands}"),
            "app_id_differs": N_("Production's provider for {expected} has applicationID "
            "{deployed_app}, not {app_id}. Change auth.config, then deploy: {fix_commands}"),
            "key_refused": N_("The production deployment ({url}) refused the deploy key from "
            "{key_source} ({code}). Generate a production deploy key on the production "
            "deployment's Settings page and put it in CONVEX_DEPLOY_KEY."),
            "withheld": N_("The production deploy key goes only to its own deployment; "
            "{origin}, found in the project, was not sent it. Check the production "
            "deployment's URL in your production env file."),
            "inconclusive": N_("The production deployment ({url}) gave no clear answer "
            "({message}). Retry later."),
            "no_key": N_("No production deploy key (prod:…) in the environment or the .env "
            "files: set CONVEX_DEPLOY_KEY to it to see what production has deployed."),
            "no_url": N_("The production deployment's URL could not be told from its deploy "
            "key."),
        },
    ),
    CheckSpec(
        "envs.prod_discovery", "verify-config", N_("Production Frontend API"),
        N_("the production instance's Frontend API (clerk.<your-domain>) serves its "
        "discovery document and keys"),
        {
            **_ENVS_NOT_ASKED,
            "unreachable": N_("{url} did not answer ({message}). The production Frontend API "
            "needs the DNS record clerk.<your-domain> → {cname_target} and a deployed "
            "certificate: see Clerk Dashboard → Domains ({fix_page})."),
            "issuer_mismatch": N_("{url} names another issuer ({found}), not itself. See "
            "Clerk Dashboard → Domains ({fix_page})."),
            "no_keys": N_("{host} serves its discovery document but no usable signing key "
            "({message}). See Clerk Dashboard → Domains ({fix_page}), then retry."),
            "no_instance": N_("No production publishable key (pk_live_) was found, so the "
            "production Frontend API is not known."),
            "development_key": N_("Production builds use a development key: see "
            "envs.instances."),
        },
    ),
    CheckSpec(
        "app.provider", "app-code", N_("Convex provider wired to Clerk"),
        N_("ConvexProviderWithClerk (or a client's setAuth) gets Clerk's useAuth from the same "
        "package as ClerkProvider, inside it"),
        {
            "plain_convex_provider": N_("At {where} replace ConvexProvider with "
            "ConvexProviderWithClerk from convex/react-clerk, inside ClerkProvider, and pass it "
            "useAuth={{useAuth}} from the Clerk package ClerkProvider comes from."),
            "no_convex_provider": N_("Wrap the app in ConvexProviderWithClerk (from "
            "convex/react-clerk) inside ClerkProvider. If it is in a file the wizard skipped "
            "({files_skipped}), check that file yourself."),
            "outside_clerk_provider": N_("Move ConvexProviderWithClerk ({where}) inside "
            "ClerkProvider ({clerk_providers}): it calls useAuth, which works only under "
            "ClerkProvider."),
            "nesting_unknown": N_("Make sure ConvexProviderWithClerk ({where}) is rendered inside "
            "ClerkProvider ({clerk_providers}); the wizard could not follow the components "
            "between them."),
            "no_clerk_provider": N_("Render ClerkProvider around ConvexProviderWithClerk "
            "({where}). If it is in a file the wizard skipped ({files_skipped}), check it "
            "there."),
            "missing_use_auth": N_("Pass useAuth={{useAuth}} to ConvexProviderWithClerk at "
            "{where}, with useAuth imported from the Clerk package ClerkProvider comes from."),
            "use_auth_not_a_hook": N_("At {where} pass Clerk's hook itself: useAuth={{useAuth}}, "
            "imported from your Clerk package, not {written}."),
            "use_auth_called": N_("At {where} pass the hook without calling it: "
            "useAuth={{useAuth}}, not {written}."),
            "use_auth_not_from_clerk": N_("At {where} import useAuth from the Clerk package "
            "ClerkProvider comes from, not from {imported_from}, unless that module only "
            "re-exports Clerk's own hook."),
            "use_auth_package_mismatch": N_("At {where} import useAuth from "
            "{clerk_provider_package}, the package of ClerkProvider: a useAuth from "
            "{use_auth_package} reads another context and never sees the signed-in user."),
            "use_auth_package_differs": N_("At {where} import useAuth from "
            "{clerk_provider_package} as well: {use_auth_package} shares its context today, but "
            "one package for both is what Clerk documents."),
            "missing_use_client": N_("Add \"use client\" as the first line of {file}: "
            "ConvexProviderWithClerk uses hooks, which run only in client components."),
            "auth_never_set": N_("Call setAuth on {clients} with a function that returns Clerk's "
            "token (getToken from Clerk, with the convex template on the template path), or use "
            "ConvexProviderWithClerk."),
            "token_not_a_function": N_("At {where} pass {call} a function that fetches a fresh "
            "token from Clerk, not {written}: a token given once expires within a minute."),
            **_TEMPLATE_REQUEST_FIXES,
        },
    ),
    CheckSpec(
        "app.provider_props", "app-code", N_("ConvexProviderWithClerk props"),
        N_("only props the installed convex package declares, and the client"),
        {
            "unknown_prop": N_("Remove {prop} from ConvexProviderWithClerk at {where}: the "
            "component has no such prop ({known_props}), so it does nothing. The token comes "
            "from useAuth; the template is named convex in Clerk."),
            "missing_prop": N_("Pass {prop}={{convex}} (your ConvexReactClient) to "
            "ConvexProviderWithClerk at {where}."),
        },
    ),
    CheckSpec(
        "app.env_access", "app-code", N_("Convex URL and publishable key in the code"),
        N_("read through the framework's accessor and prefix, and set in the .env files"),
        {
            "wrong_accessor": N_("At {where} read {name} through {expected} instead of {used}: "
            "in a {framework} app {used} is undefined in the browser."),
            "missing_prefix": N_("Rename {name} to {suggested} in the code ({where}) and in your "
            ".env files: {framework} gives the browser only variables that start with "
            "{prefix}."),
            "not_inlined": N_("At {where} read the variable by its full name, not as {form}: "
            "{framework} fills in only that form at build time."),
            "not_in_env_files": N_("Add {name}=… to .env.local (read: {files_read}), or set it in "
            "your host's environment."),
            "private_in_browser": N_("Do not read {name} in browser code ({where}): it is a "
            "server-only value. Read the public variable (the Convex URL, the publishable key) "
            "instead."),
        },
    ),
    CheckSpec(
        "app.server_token", "app-code", N_("Server-side token"),
        N_("server-side Convex calls get a fresh token from Clerk's server helper, with the "
        "template of the project's path"),
        {
            "no_token": N_("If the call needs the user, pass {{ token }} to {call} at {where}, "
            "with the token from Clerk's server helper (in Next.js: (await auth()).getToken(...))."),
            "token_not_from_clerk": N_("At {where} get the token for {call} from Clerk's server "
            "helper on each request (in Next.js: (await auth()).getToken(...))."),
            "browser_get_token": N_("At {where} get the token from Clerk's server helper (auth() "
            "from your Clerk package's server entry), not from browser code ({used_at})."),
            "shared_client_token": N_("Create {client} inside the request handler, or pass the "
            "token with each call, instead of once at {created_at}: a token lives a minute and "
            "belongs to one user."),
            **_TEMPLATE_REQUEST_FIXES,
        },
    ),
    CheckSpec(
        "app.auth_gating", "app-code", N_("Queries wait for Convex's auth"),
        N_("components that call Convex hooks are gated by Convex's <Authenticated> or "
        "useConvexAuth(), not by Clerk alone (warn)"),
        {
            "clerk_component_gate": N_("Gate {component} with Convex's <Authenticated> instead of "
            "Clerk's {gate} ({gate_at}): Clerk can say signed in before Convex has the token, so "
            "{hook} runs as no user."),
            "clerk_hook_gate": N_("In {component} use useConvexAuth().isAuthenticated instead of "
            "Clerk's {gate} ({gate_at}) to decide when {hook} runs: Clerk can say signed in "
            "before Convex has the token."),
        },
    ),
    CheckSpec(
        "app.convex_copies", "app-code", N_("One copy of convex"),
        N_("one convex package under node_modules (warn)"),
        {
            "several_copies": N_("Make the app use one copy of convex ({layout}): run npm dedupe, "
            "or give every package the same convex version: two copies of convex/react have two "
            "provider contexts, and hooks find no client."),
        },
    ),
    CheckSpec(
        "token.format", "check-token", N_("Token format"),
        N_("three unpadded base64url JSON parts that Convex's parsers read, with the right claim "
        "types"),
        {
            "broken": N_("Copy the whole token again, from the browser console: {get_token}"),
            "crash": N_("Do not send this token: a timestamp this large crashes Convex's backend "
            "instead of being refused. Mint a fresh token with Clerk: {get_token}"),
            "types": N_("Remove or fix the claim {claim} in the JWT template (Clerk Dashboard → "
            "JWT "
            "templates → convex): Convex rejects it as {why}."),
        },
    ),
    CheckSpec(
        "token.kind", "check-token", N_("Token kind"),
        N_("a Convex template token or an integration session token"),
        {
            "session": N_("This is Clerk's default session token, without aud: \"convex\". Either "
            "activate Clerk's Convex integration (https://dashboard.clerk.com/apps/setup/convex) "
            "or "
            "fetch the template token: await window.Clerk.session.getToken({{ template: "
            "'convex', skipCache: true }})"),
            "key": N_("You pasted {what}, not a token. In the browser console run: {get_token}"),
            "other": N_("This looks like {what}. Paste the token Convex receives: {get_token}"),
            "unreadable": N_("This is not a JWT (three base64url parts separated by dots). "
                             "Paste the token Convex receives: {get_token}"),
        },
    ),
    CheckSpec(
        "token.header", "check-token", N_("Token header"),
        N_("typ absent or JWT/JOSE; no crit, no cty"),
        {
            "bad": N_("Convex rejects this header ({what}). Use a token Clerk minted for Convex: "
            "{get_token}"),
        },
    ),
    CheckSpec(
        "token.alg", "check-token", N_("Signing algorithm"),
        N_("alg is RS256 or EdDSA (a customJwt provider: its configured algorithm)"),
        {
            "bad": N_("Convex only accepts RS256 and EdDSA. In Clerk Dashboard → JWT templates → "
            "convex, turn off \"Custom signing key\" so Clerk signs with the instance key "
            "(RS256)."),
            "custom": N_("The customJwt provider {index} is configured for {configured}: sign with "
            "{configured}, or set algorithm to the token's alg (RS256 or ES256 only), and make "
            "the key's alg in the jwks agree."),
        },
    ),
    CheckSpec(
        "token.key", "check-token", N_("Signing key in the JWKS"),
        N_("exactly one JWKS key fits the token's kid, kty, use and alg"),
        {
            "none": N_("No key of {issuer} fits this token ({what}). The token comes from another "
            "Clerk instance, or was signed with a custom key: check the issuer and the "
            "template's \"Custom signing key\" setting."),
            "ambiguous": N_("{count} keys fit and the token has no kid; Convex refuses to guess. "
            "Clerk always sets kid: this token was not minted by Clerk."),
            "cached": N_("Convex may still be using the key set it cached before the change "
            "(Cache-Control: {cache_control}). Wait up to {seconds} s, mint a fresh token and "
            "try again."),
            "custom_jwks": N_("Convex cannot use the customJwt provider's key set at {url} "
            "({what}). Serve it with status 200 and Content-Type application/json, with only "
            "RS256/ES256 keys (no \"alg\": \"EdDSA\" key anywhere in the set), or use a data: "
            "URL."),
            "no_kid": N_("A customJwt provider picks the key by kid: mint the token with a kid "
            "header that names a key of the provider's jwks."),
        },
    ),
    CheckSpec(
        "token.signature", "check-token", N_("Signature"),
        N_("the signature verifies with the matching key"),
        {
            "bad": N_("The signature does not verify with {kid}: the token was altered or copied "
            "incompletely. Copy it again: {get_token}"),
            "key": N_("The key {kid} in the issuer's key set cannot verify this token ({why}). "
            "Publish a 2048- to 8192-bit RSA key or an Ed25519 key, and sign with it."),
        },
    ),
    CheckSpec(
        "token.iss", "check-token", N_("Issuer claim"),
        N_("iss equals the configured issuer (Convex's normalisation) and the discovery issuer"),
        {
            "missing": N_("The token has no iss; Clerk always sets it. This token was not minted "
            "by Clerk."),
            "mismatch": N_("The token was issued by {iss}, but Convex is configured for {issuer}. "
            "If the token's instance is the right one, run: npx convex env set {var} {iss_norm}"),
            "discovery": N_("The token's iss {iss!r} differs from the discovery issuer {found!r}; "
            "Convex compares them exactly. Set {var} to {found}."),
            "no_scheme": N_("The token's iss {iss!r} has no https://: Convex routes it, then fails "
            "with an internal error (500) because its OIDC verifier needs an absolute URL. "
            "Clerk always sets one: mint the token with Clerk: {get_token}"),
        },
    ),
    CheckSpec(
        "token.aud", "check-token", N_("Audience claim"),
        N_("aud is the application ID and nothing else"),
        {
            "missing": N_("Add \"aud\": \"{app_id}\" to the token: activate Clerk's Convex "
            "integration (https://dashboard.clerk.com/apps/setup/convex) or set the JWT template "
            "convex's claims to {{\"aud\": \"{app_id}\"}}."),
            "wrong": N_("Set \"aud\" to exactly \"{app_id}\" (a string) in Clerk Dashboard → JWT "
            "templates → convex, or set applicationID in {auth_path} to what the token carries."),
            "extra": N_("Convex rejects every audience besides \"{app_id}\". Make aud the string "
            "\"{app_id}\", not an array, in Clerk Dashboard → JWT templates → convex."),
        },
    ),
    CheckSpec(
        "token.claims", "check-token", N_("Required claims"),
        N_("sub, iat and exp are present"),
        {
            "missing": N_("Clerk sets {claims} itself; remove any template line that overrides "
            "them (the guide's \"sub\": \"{{{{user.id}}}}\" is one) and mint a fresh token."),
            "custom_missing": N_("A customJwt provider needs sub, iss and exp in the token; add "
            "{claims}."),
        },
    ),
    CheckSpec(
        "token.exp", "check-token", N_("Expiry"),
        N_("floor(now) < exp, no leeway"),
        {
            "expired": N_("Clerk tokens live about 60 s. Get a fresh one and paste it within the "
            "minute: {get_token}"),
            "short": N_("Under 10 s left: Convex will reject it almost at once. {get_token}"),
            "lifetime": N_("exp - iat is {lifetime} s; the Convex client needs more than 2 s to "
            "schedule a refresh. Set the template's token lifetime to 60 s."),
            "custom_expired": N_("The token expired more than 5 s ago. Mint a fresh one and send "
            "it "
            "at once."),
        },
    ),
    CheckSpec(
        "token.clock", "check-token", N_("Clock"),
        N_("iat and nbf are not more than 5 s in the future"),
        {
            "skew": N_("This machine's clock or Clerk's is off by about {skew} s. Sync the clock "
            "(timedatectl set-ntp true, or your OS's date settings). Convex's OIDC path itself "
            "ignores iat and nbf."),
            "custom_future": N_("A customJwt provider refuses a token whose nbf or iat is more "
            "than "
            "5 s ahead of its clock. Sync the issuer's clock (or this machine's) and mint again."),
        },
    ),
    CheckSpec(
        "convex.accepts_token", "check-token", N_("Convex itself accepts the token"),
        N_("the deployment answers POST /api/query (a _system path, no user code) without a 401 "
        "(only with --ask-convex or the Ask Convex action)"),
        {
            "NoAuthProvider": N_("No provider on the deployment has domain {iss_norm} with "
            "applicationID in the token's aud {aud}. Set the deployment's variable and push "
            "auth.config: npx convex env set {var} {iss_norm}, then npx convex dev (or npx "
            "convex deploy); a deploy key in CONVEX_DEPLOY_KEY lets the wizard show what is "
            "deployed."),
            "Unauthenticated": N_("Convex matched the provider but the signature, iss, aud or "
            "expiry did not verify. Clerk tokens live about 60 s: mint a fresh one and ask "
            "again at once: {get_token}"),
            "InvalidAuthHeader": N_("Convex could not read the token ({message}). Paste it exactly "
            "as minted: {get_token}"),
            "AuthProviderDiscoveryFailed": N_("Convex matched a provider but could not fetch the "
            "issuer's discovery document ({message}). The domain must be your Clerk Frontend "
            "API URL: npx convex env set {var} https://<your-frontend-api-host>"),
            "inconclusive": N_("The deployment gave no verdict ({what}). Check the deployment URL "
            "({url_source}): the .convex.cloud URL (not .convex.site) of a live deployment; "
            "then ask again."),
            "disagree": N_("Convex accepts this token but the wizard's checks fail ({failed}): a "
            "rule is missing on one side. Trust Convex for this deployment and please report "
            "it (the output never includes the token)."),
        },
    ),
)

CATALOG: dict[str, CheckSpec] = {spec.id: spec for spec in _SPECS}
CHECK_IDS: tuple[str, ...] = tuple(spec.id for spec in _SPECS)
_POSITION: dict[str, int] = {check_id: index for index, check_id in enumerate(CHECK_IDS)}
_TITLES: dict[str, Message] = {spec.id: Message(spec.title) for spec in _SPECS}


def position(check_id: str) -> int:
    """Where a check comes in the one order every output uses: the catalog's (an unknown id
    comes last)."""
    return _POSITION.get(check_id, len(_POSITION))


def ordered(checks: Iterable[Check]) -> list[Check]:
    """``checks`` in the catalog's order."""
    return sorted(checks, key=lambda check: position(check.id))


def fix_for(check_id: str, reason: str, /, **values: object) -> Message | None:
    """The fix for ``reason``, filled with ``values``; None for a reason the catalog does not
    know (a test holds every reason the code gives to its text, so none is ever missing)."""
    template = CATALOG[check_id].fixes.get(reason)
    return Message(template, **values) if template is not None else None


def make(check_id: str, status: Status, detail: Text, reason: str = "", /,
         **values: object) -> Check:
    """Build a check from the catalog; ``reason`` picks the fix template to fill."""
    spec = CATALOG[check_id]
    fix = fix_for(check_id, reason, **values) if reason else None
    return Check(check_id, status, spec.step, _TITLES[check_id], detail, reason, fix)


def passed(check_id: str, detail: Text) -> Check:
    return make(check_id, Status.PASS, detail)


def skipped(check_id: str, detail: Text) -> Check:
    return make(check_id, Status.SKIP, detail)
