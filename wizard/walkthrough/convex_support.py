"""What the ``convex`` version the wizard read means for Clerk's Convex integration, said with
that version (the wizard never asks the user to check what it has already read)."""

from __future__ import annotations

from wizard.project.sourced import Sourced
from wizard.rules.convex import ProviderRule, convex_release, provider_rule
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
