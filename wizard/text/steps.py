"""What each step says: what to do, why, and how the wizard knows it is done.

Data only, in one place, so the UI never hard-codes prose: every sentence is a message id
(``N_``), translated where it is shown (the original guide is Bengali). The texts follow the
guide's steps as corrected by guide/corrections.md: no ``"iss"``/``"sub"`` claims, no ``jwtTemplateName`` prop, no jwt.io,
``skipCache: true`` rather than ``session.reload()``, the issuer variable named by
auth.config and set on the deployment, and Clerk's Convex integration as the first path.
"""

from __future__ import annotations

from wizard.records import record
from wizard.text.messages import N_

PATH_LABELS: dict[str, str] = {
    "integration": N_("Clerk's Convex integration (recommended)"),
    "template": N_("A JWT template named convex"),
}
PATH_SUMMARIES: dict[str, str] = {
    "integration": N_("Clerk Dashboard → Convex integration setup "
    "(https://dashboard.clerk.com/apps/setup/convex) → choose your options → \"Activate Convex "
    "integration\". Clerk then adds \"aud\": "
    "\"convex\" to the default session token; no template is needed. Needs convex ≥ 1.33.1."),
    "template": N_("Dashboard → JWT templates "
    "(https://dashboard.clerk.com/last-active?path=jwt-templates) → New template "
    "→ pick the Convex preset, and keep the name exactly convex (lowercase). "
    "ConvexProviderWithClerk asks for that name and has no prop to change it."),
}


@record(frozen=True)
class StepText:
    what: str
    why: str
    done_when: str


_TEXTS: dict[str, StepText] = {
    "project": StepText(
        what=N_("Check what the wizard found in your project: the folder, the .env files it "
        "read, the Clerk publishable key, the issuer and where it comes from, the providers "
        "in convex/auth.config and the convex package version."),
        why=N_("Every later check compares against these values. A wrong folder or a missing "
        "key here explains most failures further on."),
        done_when=N_("Done by verification: the project is read and none of its checks fail."),
    ),
    "open-dashboard": StepText(
        what=N_("Open the Clerk dashboard and select the application whose Frontend API host is "
        "shown below: it is encoded in your publishable key."),
        why=N_("Clerk accounts often hold several applications, each with a development and a "
        "production instance. Changes made in the wrong one have no effect on your tokens."),
        done_when=N_("Done by your word: the wizard cannot see your browser. Press d when the "
        "right application is open."),
    ),
    "create-template": StepText(
        what=N_("Choose how Clerk gives Convex its token. Both work, and having both is safe."),
        why=N_("Convex accepts a token only when its aud is \"convex\" (the applicationID in "
        "convex/auth.config). Clerk's default session token has no aud, so one of these must "
        "add it. ConvexProviderWithClerk uses the session token when it carries aud "
        "\"convex\", otherwise it asks for the template named convex."),
        done_when=N_("Done by your word, once the integration is active or the template exists. "
        "Your choice changes what the next steps show."),
    ),
    "configure-claims": StepText(
        what=N_("Make sure the token carries the claims Convex needs."),
        why=N_("Convex routes a token by iss and aud, then requires sub, iat and exp. Clerk sets "
        "iss, sub, iat, exp, nbf, azp and jti itself; a template cannot override them."),
        done_when=N_("Done by your word; the check-token step later proves it with a real token."),
    ),
    "save-template": StepText(
        what=N_("Save your changes in the Clerk dashboard (\"Apply changes\" / \"Save\")."),
        why=N_("Unsaved changes do nothing, and Clerk caches tokens for up to a minute: after "
        "saving, fetch a fresh token with skipCache: true."),
        done_when=N_("Done by your word."),
    ),
    "verify-config": StepText(
        what=N_("Let the wizard check your configuration: the issuer value and where it comes "
        "from, that it matches the publishable key, convex/auth.config, the variable on the "
        "Convex deployment, the convex version, and the issuer's live discovery document and "
        "signing keys."),
        why=N_("Convex must find a provider whose domain equals the token's iss exactly, and it "
        "reads that domain from a variable on the deployment (never from .env.local). It then "
        "fetches the issuer's keys, as the wizard does here."),
        done_when=N_("Done by verification: every env.*, convex.* and issuer.* check passes and "
        "the live JWKS is fetched. Press r to run the checks again."),
    ),
    "app-code": StepText(
        what=N_("Let the wizard read your app's own code (never run it): how the Convex provider "
        "is wired to Clerk, the props it gets, how the Convex URL and publishable key are read, "
        "and how server-side calls get their token."),
        why=N_("A token Convex would accept is only half of it: if ConvexProviderWithClerk sits "
        "outside ClerkProvider, gets useAuth from another Clerk package, or the URL is read the "
        "wrong way for your framework, Convex never sees the user. The guide's jwtTemplateName "
        "prop never existed."),
        done_when=N_("Done by verification: no app.* check fails (warnings are shown, not "
        "blocking). Press r to read the code again."),
    ),
    "check-clerk": StepText(
        what=N_("Start your app, sign in, open the browser console (F12) and run the snippet "
        "below. It shows that Clerk is loaded, who is signed in, and the token Convex gets."),
        why=N_("If Clerk is not loaded or nobody is signed in, no token can reach Convex at all."),
        done_when=N_("Done by your word, when the console shows your user id."),
    ),
    "check-token": StepText(
        what=N_("Copy the token printed by the console snippet and paste it below. It is "
        "verified here, on this machine, against the issuer's live keys, by the rules the "
        "Convex backend applies."),
        why=N_("This is exactly what Convex does on every request. Do not paste live tokens "
        "into third-party sites such as jwt.io; they also do not apply Convex's rules "
        "(exact issuer, aud exactly the application ID, RS256/EdDSA, no expiry leeway)."),
        done_when=N_("Done by verification only: every token.* check passes for a pasted token."),
    ),
    "user-sync": StepText(
        what=N_("Run your app (npm run dev), sign out and in again, and watch the browser "
        "console and the Convex logs (npx convex dev)."),
        why=N_("With a verified token Convex authenticates the user: ctx.auth.getUserIdentity() "
        "returns the identity and useConvexAuth().isAuthenticated becomes true."),
        done_when=N_("Done by your word when you see the user, or when a pasted log line shows "
        "it (for example your own hasIdentity: true log)."),
    ),
}

CLAIMS_NOTES: dict[str, str] = {
    "template": N_("The Convex preset fills these in for you. Only \"aud\": \"convex\" is "
    "required; the rest become fields of the Convex identity (name, email, …). Clerk "
    "substitutes the shortcodes and keeps booleans and numbers typed."),
    "integration": N_("The integration pre-maps aud on the session token (Dashboard → Sessions "
    "→ Customize session token → Claims). Nothing else is required; add name or email there "
    "only if your functions read them (keep it small: the session token lives in a cookie)."),
}
GUIDE_MISTAKE_WARNING = (
    N_("Do not copy the original guide's claims \"iss\": \"{{org.slug}}\" and \"sub\": "
    "\"{{user.id}}\". iss and sub are reserved: Clerk sets them itself and the dashboard "
    "refuses them (\"You can't use the reserved claim\"). {{org.slug}} is the active "
    "organization's slug; as iss it would send Convex to an issuer that does not exist.")
)
LIFETIME_ADVICE = (
    N_("Token lifetime: keep Clerk's default of 60 s (allowed 30 s – 10 years). Short is "
    "safer: a template token outlives the revocation of its session. The Convex client "
    "refreshes 10 s before exp. Allowed clock skew: keep the default 5 s (it sets nbf).")
)
SAVE_CHECKLIST: dict[str, tuple[str, ...]] = {
    "template": (
        N_("The template is named exactly convex (lowercase)."),
        N_("Its claims contain \"aud\": \"convex\" and no iss or sub."),
        N_("Signing: \"Custom signing key\" is off, so Clerk signs with RS256."),
        N_("You clicked \"Apply changes\"."),
    ),
    "integration": (
        N_("The Convex integration shows as active."),
        N_("Sessions → Customize session token lists \"aud\": \"convex\"."),
        N_("You saved the session token's changes."),
    ),
}
FRESH_TOKEN_ADVICE = (
    N_("Clerk tokens live about 60 s, so paste within the minute. Run the snippet again for a "
    "fresh one: skipCache: true makes Clerk mint a new token instead of returning its cached "
    "one (session.reload() does not).")
)
USER_SYNC_SUCCESS: tuple[str, ...] = (
    N_("Browser: useConvexAuth() reports isAuthenticated: true and the console shows no "
    "\"Failed to authenticate\" line."),
    N_("Convex functions: ctx.auth.getUserIdentity() returns an object whose subject is the "
    "Clerk user id (user_…) and whose tokenIdentifier is <issuer>|<user id>."),
    N_("Your own logs, if you wrote any (the guide's users.store prints hasIdentity): they now "
    "show the identity."),
    N_("Convex dashboard → Data → users: a row for your user appears (if your app stores users)."),
)
TROUBLESHOOT_HINT = (
    N_("Paste an error line from the browser console or the Convex logs (for example "
    "Failed to authenticate: \"…\", check your server auth config) to get the diagnosis.")
)


def text_for(step_id: str) -> StepText:
    return _TEXTS[step_id]
