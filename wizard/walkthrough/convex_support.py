"""What the wizard read says about the chosen path: the ``convex`` version (the integration
needs 1.33.1 or newer) and the kind of token that verified. Said with what was read: the
wizard never asks the user to check what it already knows."""

from __future__ import annotations

from wizard.project.sourced import Sourced
from wizard.rules.convex import ProviderRule, convex_release, provider_rule
from wizard.rules.jwt import AuthPath, TokenKind
from wizard.text.messages import N_, Message


def integration_support(found: Sourced | None) -> Message:
    """One sentence: can this project's ``convex`` use the integration's session token?"""
    if found is None:
        return Message(N_("No convex version was found (node_modules, lock files, "
                          "package.json): the integration needs convex 1.33.1 or newer."))
    rule = provider_rule(convex_release(found.value))
    values = {"version": found.value, "source": found.source}
    if rule is ProviderRule.AUD_DECIDES:
        return Message(N_("This project has convex {version} ({source}): it sends the session "
                          "token when its aud is \"convex\", as the integration needs."), **values)
    if rule is ProviderRule.SESSION_ALWAYS:
        return Message(N_("This project has convex {version} ({source}): it always sends the "
                          "session token, so the integration works but a template never would; "
                          "1.33.1 or newer decides by the token's aud."), **values)
    if rule is ProviderRule.TEMPLATE_ALWAYS:
        return Message(N_("This project has convex {version} ({source}): too old for the "
                          "integration (it always asks Clerk for the template named convex). "
                          "Upgrade first (npm install convex@latest), or choose the JWT "
                          "template."), **values)
    return Message(N_("This project's convex version {version} ({source}) is not one the "
                      "wizard recognises: the integration needs 1.33.1 or newer."), **values)


def path_disagreement(path: AuthPath | str | None, kind: TokenKind | str | None) -> Message | None:
    """The chosen path and the kind of a verified token disagree (the integration chosen, a
    template's token verified, or the other way round): what that means; None when they agree
    or either is unknown."""
    chosen = path.value if isinstance(path, AuthPath) else path
    made = kind.value if isinstance(kind, TokenKind) else kind
    if chosen == AuthPath.INTEGRATION.value and made == TokenKind.TEMPLATE.value:
        return Message(N_("You chose Clerk's Convex integration, but the token that verified is "
                          "the JWT template's: the app asks Clerk for the template, so the "
                          "integration is not what it uses. Choose the template path, or let the "
                          "app call getToken() without a template."))
    if chosen == AuthPath.TEMPLATE.value and made == TokenKind.INTEGRATION.value:
        return Message(N_("You chose the JWT template, but the token that verified is the "
                          "integration's session token: the app does not ask for the template. "
                          "Choose the integration path, or keep the template and have the app "
                          "call getToken({ template: 'convex' })."))
    return None
