"""Rewriting exact byte ranges of ``convex/auth.config.ts``/``.js``, and writing a new one.

The ranges come from tree-sitter (:func:`wizard.auth_config.object_pairs`), so a key is
renamed or a string value replaced without touching a byte around it; the result is read
back with :func:`wizard.auth_config.parse_auth_config` and must say what was intended.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from wizard.fixes.envtext import BOM
from wizard.fixes.model import Refusal, Refused
from wizard.project.auth_config import AuthConfig, PairAt, Provider, object_pairs, parse_auth_config

_NEW_CONFIG = """\
import type {{ AuthConfig }} from "convex/server";

export default {{
  providers: [
    {{
      domain: process.env.{var}!,
      applicationID: {application_id},
    }},
  ],
}} satisfies AuthConfig;
"""


def new_auth_config(path: str, var: str, application_id: str) -> bytes:
    """A new ``auth.config.ts`` for the chosen path, reading the domain from ``var``. On the
    integration path the application ID is always ``convex`` (Clerk sets that ``aud``)."""
    if path == "integration":
        application_id = "convex"
    return _NEW_CONFIG.format(var=var, application_id=json.dumps(application_id)).encode(
        "utf-8")


class AuthText:
    """An auth config's bytes, split into the BOM and the UTF-8 text tree-sitter reads."""

    def __init__(self, data: bytes) -> None:
        self.bom = BOM if data.startswith(BOM) else b""
        self.body = data[len(self.bom):]
        try:
            self.text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(Refusal.NOT_UTF8) from None

    def pairs(self) -> tuple[PairAt, ...]:
        return object_pairs(self.text)

    def replaced(self, ranges: list[tuple[int, int, str]],
                 verify: Callable[[AuthConfig], bool]) -> bytes:
        """The file with each ``(start, end, text)`` byte range replaced, when the result
        parses and ``verify`` accepts it."""
        body = self.body
        for start, end, text in sorted(ranges, reverse=True):
            body = body[:start] + text.encode("utf-8") + body[end:]
        try:
            parsed = parse_auth_config(body.decode("utf-8"))
        except UnicodeDecodeError:  # a range that split a character
            raise Refused(Refusal.EDIT_NOT_VERIFIED) from None
        if not verify(parsed):
            raise Refused(Refusal.EDIT_NOT_VERIFIED)
        return self.bom + body


def _in_provider(pair: PairAt, provider: Provider) -> bool:
    return pair.object_line == provider.line


def renamed_key(data: bytes, auth: AuthConfig, key: str) -> tuple[bytes, str]:
    """Every provider's ``key`` renamed to the key it misspells (quotes kept), and that key."""
    source = AuthText(data)
    providers = [p for p in auth.providers if key in p.misspelled_keys]
    pairs = source.pairs()
    hits = [pair for pair in pairs if pair.key == key and pair.meant is not None
            and any(_in_provider(pair, p) for p in providers)]
    if not hits:
        raise Refused(Refusal.NOT_LOCATED, key=key)
    meant = hits[0].meant or key
    taken = {pair.object_start for pair in pairs if pair.key == meant}
    if any(pair.object_start in taken for pair in hits):
        raise Refused(Refusal.KEY_EXISTS, key=meant)

    def gone(parsed: AuthConfig) -> bool:
        return len(parsed.providers) == len(auth.providers) and not any(
            key in p.misspelled_keys for p in parsed.providers)

    return source.replaced([(p.name_start, p.name_end, meant) for p in hits], gone), meant


def _quoted(value: str, quote: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    if quote == "`":
        escaped = escaped.replace("${", "\\${")
    return quote + escaped + quote


def replaced_domain(data: bytes, auth: AuthConfig, provider: Provider, domain: str) -> bytes:
    """The literal ``domain`` of ``provider`` replaced by ``domain``, in its own quotes."""
    source = AuthText(data)
    hits = [pair for pair in source.pairs() if pair.key == "domain"
            and pair.value == provider.domain and _in_provider(pair, provider)]
    if len(hits) != 1:
        raise Refused(Refusal.NOT_LOCATED, key="domain")
    pair = hits[0]
    quote = source.body[pair.value_start:pair.value_start + 1].decode("ascii", "replace")

    def holds(parsed: AuthConfig) -> bool:
        now = [p for p in parsed.providers if p.index == provider.index]
        return len(parsed.providers) == len(auth.providers) and bool(now) \
            and now[0].domain == domain
    return source.replaced([(pair.value_start, pair.value_end, _quoted(domain, quote))], holds)
