"""Clerk publishable keys, decoded exactly as @clerk/shared ``parsePublishableKey`` does."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from wizard.project.envfiles import EnvFiles
from wizard.project.sourced import Sourced
from wizard.text.messages import N_

PUBLISHABLE_KEY_NAMES: tuple[str, ...] = (
    "VITE_CLERK_PUBLISHABLE_KEY",
    "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
    "EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY",
    "PUBLIC_CLERK_PUBLISHABLE_KEY",
    "REACT_APP_CLERK_PUBLISHABLE_KEY",
    "CLERK_PUBLISHABLE_KEY",
)


@dataclass(frozen=True)
class PublishableKey:
    instance_type: str  # "development" or "production", decided by the prefix alone, as Clerk does
    frontend_api: str   # the host, e.g. "verb-noun-00.clerk.accounts.dev"


class InvalidPublishableKey(ValueError):
    """Why a publishable key is not one; its text is a message id."""


def decode_publishable_key(key: str) -> PublishableKey:
    """Raise :class:`InvalidPublishableKey` with the reason Clerk would give."""
    if not key.startswith(("pk_test_", "pk_live_")):
        raise InvalidPublishableKey(N_("expected format: pk_test_… or pk_live_…"))
    parts = key.split("_")
    if len(parts) != 3 or not parts[2]:
        raise InvalidPublishableKey(N_("expected format: pk_test_… or pk_live_…"))
    encoded = parts[2]
    try:
        decoded_bytes = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        decoded = decoded_bytes.decode("utf-8")
    except (binascii.Error, ValueError):
        raise InvalidPublishableKey(N_("failed to decode key")) from None
    host = decoded[:-1]
    if not decoded.endswith("$") or "$" in host or "." not in host:
        raise InvalidPublishableKey(N_("decoded key has invalid format"))
    instance = "production" if key.startswith("pk_live_") else "development"
    return PublishableKey(instance, host)


def find_publishable_key(env: EnvFiles) -> Sourced | None:
    for name in PUBLISHABLE_KEY_NAMES:
        found = env.get(name)
        if found is not None and found.value != "":
            return found
    return None


def encode_publishable_key(host: str, *, live: bool = False) -> str:
    """Build a key the way Clerk's ``buildPublishableKey`` does (unpadded base64 of ``host$``)."""
    body = base64.b64encode((host + "$").encode()).decode().rstrip("=")
    return ("pk_live_" if live else "pk_test_") + body
