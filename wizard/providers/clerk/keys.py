"""Clerk publishable keys, decoded exactly as @clerk/shared ``parsePublishableKey`` does, and
the two checks of them: the key itself, and that the issuer names the same instance."""

from __future__ import annotations

import base64
import binascii

from wizard.checks.catalog import make, passed, skipped
from wizard.checks.model import Check, Status
from wizard.guards.redaction import looks_secret
from wizard.project.envfiles import EnvFiles
from wizard.project.issuer import Issuer
from wizard.project.reader import Project
from wizard.project.sourced import Sourced
from wizard.providers.base import PublicKey
from wizard.records import record
from wizard.text.messages import N_, Message

NEXT_CONFIGS: tuple[str, ...] = ("next.config.js", "next.config.mjs", "next.config.ts")
PUBLISHABLE_KEY_NAMES: tuple[str, ...] = (
    "VITE_CLERK_PUBLISHABLE_KEY",
    "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
    "EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY",
    "PUBLIC_CLERK_PUBLISHABLE_KEY",
    "REACT_APP_CLERK_PUBLISHABLE_KEY",
    "CLERK_PUBLISHABLE_KEY",
)


@record(frozen=True)
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


def publishable_key(env: EnvFiles) -> PublicKey | None:
    """The publishable key, decoded (or why it does not decode)."""
    found = find_publishable_key(env)
    if found is None:
        return None
    try:
        decoded = decode_publishable_key(found.value.strip())
    except InvalidPublishableKey as exc:
        return PublicKey(found, problem=str(exc))
    return PublicKey(found, decoded.instance_type, decoded.frontend_api)


def publishable_key_check(project: Project, key: PublicKey | None) -> Check:
    suggested = "VITE_CLERK_PUBLISHABLE_KEY"
    if any((project.root / name).exists() for name in NEXT_CONFIGS):
        suggested = "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"
    if key is None:
        return make("env.publishable_key", Status.FAIL, Message(
            N_("none of {names} is set"), names=", ".join(PUBLISHABLE_KEY_NAMES)), "missing",
            suggested_name=suggested)
    found = key.found
    if key.host is None:
        why = Message(key.problem or N_("invalid"))
        if looks_secret(found.value):
            why = Message(N_("it is a secret key, not a publishable key"))
        return make("env.publishable_key", Status.FAIL, Message(
            N_("{source}: {why}"), source=found.source, why=why), "invalid",
            source=found.source, why=why)
    return passed("env.publishable_key", Message(
        N_("{source}: {instance} instance, Frontend API {host}"), source=found.source,
        instance=key.instance_type, host=key.host))


def issuer_matches_key_check(project: Project, key: PublicKey | None,
                             issuer: Issuer | None) -> Check:
    if issuer is None or key is None or key.host is None:
        return skipped("env.issuer_matches_key", Message(N_(
            "needs both an issuer and a valid publishable key")))
    issuer_host = issuer.host
    if issuer_host == key.host:
        return passed("env.issuer_matches_key", Message(N_("both name {host}"), host=key.host))
    return make("env.issuer_matches_key", Status.FAIL, Message(
        N_("issuer host {issuer_host} ({issuer_source}) ≠ publishable key host {key_host} "
           "({key_source})"), issuer_host=issuer_host or Message(N_("(none)")),
        issuer_source=issuer.source, key_host=key.host, key_source=key.found.source),
        "mismatch", var=project.issuer_var, key_host=key.host,
        issuer_host=issuer_host or issuer.shown, where=_issuer_places(issuer.source))


def _issuer_places(source: str) -> str:
    """Where the issuer value is to be changed besides the deployment: the file it was read
    from (or .env.local, where a project keeps it when it came from elsewhere)."""
    origin = source.split(":", 1)[0]
    if origin.startswith(".env"):
        return origin
    return ".env.local"
