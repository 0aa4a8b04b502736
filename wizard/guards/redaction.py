"""Recognising and redacting secrets: nothing secret ever leaves the process unredacted."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

SECRET_PREFIXES: tuple[str, ...] = ("sk_test_", "sk_live_", "sk_", "whsec_")
_SECRET_RE = re.compile(r"\b(?:sk_(?:test|live)_|whsec_)[A-Za-z0-9+/=]{10,}")
# A Convex deploy key: ``<kind>:<deployment or team:project>|<secret>``.
_DEPLOY_KEY_RE = re.compile(r"\b(?:dev|prod|preview|project):[A-Za-z0-9_:-]+\|[A-Za-z0-9+/=_-]{16,}")
_SECRET_NAME_RE = re.compile(r"(SECRET|PRIVATE|PASSWORD|TOKEN|DEPLOY_KEY|ADMIN_KEY)", re.I)


def looks_secret(value: str) -> bool:
    return value.strip().startswith(SECRET_PREFIXES)


def looks_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME_RE.search(name))


def redact(value: str) -> str:
    """``sk_test_…abcd``: the prefix and the last four characters, never more."""
    value = value.strip()
    for prefix in ("sk_test_", "sk_live_", "whsec_", "sk_"):
        if value.startswith(prefix):
            tail = value[len(prefix):]
            return prefix + "…" + (tail[-4:] if len(tail) >= 12 else "")
    return "…" + value[-4:] if len(value) >= 12 else "…"


# Three base64url parts, the first two JSON objects: a token, whatever field it hides in.
_JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
TOKEN_REMOVED = "[token removed]"


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """The one scrubber every output goes through: JWT-shaped text removed, known secret
    values and anything shaped like a Clerk secret redacted."""
    text = _JWT_RE.sub(TOKEN_REMOVED, text)
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, redact(secret))
    text = _DEPLOY_KEY_RE.sub(lambda m: m.group(0).split("|", 1)[0] + "|…", text)
    return _SECRET_RE.sub(lambda m: redact(m.group(0)), text)


# What a mistyped command line may echo: part of a token (a header alone, a token cut short),
# or any long opaque value (a key, a signature) that a usage error has no need to repeat.
_TOKEN_PART_RE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)*")
_OPAQUE_RE = re.compile(r"[A-Za-z0-9_+=-]{32,}")
VALUE_REMOVED = "[value removed]"


def secret_values(text: str) -> list[tuple[int, int]]:
    """Where each secret value sits in ``text`` (a Clerk secret key, a webhook secret, a
    deploy key, a token): the spans a copy of the text must never keep."""
    spans = [m.span() for pattern in (_SECRET_RE, _DEPLOY_KEY_RE, _JWT_RE)
             for m in pattern.finditer(text)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def scrub_usage(text: str) -> str:
    """:func:`scrub`, and also whatever in a usage error could be (part of) a token or a key:
    the message says which option was wrong, never what was typed for it."""
    text = scrub(text)
    text = _TOKEN_PART_RE.sub(TOKEN_REMOVED, text)
    return _OPAQUE_RE.sub(VALUE_REMOVED, text)


def scrub_data(value: Any, secrets: Iterable[str] = ()) -> Any:
    """:func:`scrub` applied to every string (keys too) of a JSON-like value."""
    secret_list = [s for s in secrets if s]
    if isinstance(value, str):
        return scrub(value, secret_list)
    if isinstance(value, dict):
        return {scrub(str(k), secret_list): scrub_data(v, secret_list) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_data(v, secret_list) for v in value]
    return value
