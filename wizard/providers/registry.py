"""The identity providers the wizard knows, by the name ``Options.provider`` gives."""

from __future__ import annotations

from wizard.providers.base import IdentityProvider
from wizard.providers.clerk.provider import CLERK

PROVIDERS: dict[str, IdentityProvider] = {"clerk": CLERK}
DEFAULT_PROVIDER = "clerk"


def provider_named(name: str) -> IdentityProvider:
    return PROVIDERS[name]
