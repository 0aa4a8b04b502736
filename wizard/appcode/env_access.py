"""``app.env_access``: the Convex URL and the Clerk publishable key are read the way the
framework exposes them to the browser, and the variables read exist in the ``.env`` files.

| framework | browser accessor | prefix |
|---|---|---|
| Vite (React, Vue, Svelte), TanStack Start | ``import.meta.env.X`` | ``VITE_`` |
| Next.js | ``process.env.X`` (static dot form only) | ``NEXT_PUBLIC_`` |
| Expo | ``process.env.X`` (static dot form only) | ``EXPO_PUBLIC_`` |
| Create React App | ``process.env.X`` | ``REACT_APP_`` |
| SvelteKit ≤ 2 | ``$env/static/public`` (or Vite's ``import.meta.env``) | ``PUBLIC_`` |
| SvelteKit 3 | ``$app/env/public`` (declared in ``src/env.ts``) | none |

Server code (Next.js Server Components, route handlers, SvelteKit ``.server`` files, …) may
read any name, through its own accessor. The reads judged are those whose name speaks of the
Convex URL or the publishable key, and any read handed to a Convex client constructor,
``setupConvex`` or ``ClerkProvider``'s ``publishableKey`` (directly or through one local
constant).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wizard.appcode.context import VITE_FAMILY, AppContext, Side, argument, finding
from wizard.appcode.facts import CONSTRUCTORS, EnvRead, FileFacts
from wizard.appcode.model import Edit, Finding
from wizard.records import record

if TYPE_CHECKING:
    from tree_sitter import Node

ENV = "app.env_access"
_NAMES = re.compile(r"CONVEX_(?:SITE_)?URL|PUBLISHABLE_KEY")


@record(frozen=True)
class _Rule:
    accessors: tuple[str, ...]
    """Accepted in browser code; the first is the one to suggest."""
    prefix: str
    static_only: bool = False
    """Only ``process.env.X`` is inlined (Next.js, Expo): other forms read nothing."""


_VITE = _Rule(("import.meta.env",), "VITE_")
_RULES: dict[str, _Rule] = {
    **dict.fromkeys(VITE_FAMILY, _VITE),
    "next": _Rule(("process.env",), "NEXT_PUBLIC_", static_only=True),
    "expo": _Rule(("process.env",), "EXPO_PUBLIC_", static_only=True),
    "cra": _Rule(("process.env",), "REACT_APP_"),
    "sveltekit": _Rule(("$env/static/public", "$app/env/public", "$env/dynamic/public",
                        "import.meta.env"), "PUBLIC_"),
}
_PUBLIC_PREFIXES = ("VITE_", "NEXT_PUBLIC_", "EXPO_PUBLIC_", "PUBLIC_", "REACT_APP_")
_PRIVATE_MODULES = ("$env/static/private", "$app/env/private")
_SERVER_ACCESSORS = ("process.env", *_PRIVATE_MODULES)
"""What code that may run on the server can read anything through (``import.meta.env`` in
Next.js or Expo is undefined everywhere, so it is never among them)."""
_MEMBER_ACCESSORS = ("process.env", "import.meta.env")
"""Accessors a one-token edit can swap; a SvelteKit module needs an import instead."""


def _handed_to_clients(facts: FileFacts) -> list[tuple[int, int]]:
    """Byte ranges of expressions handed to a Convex client or to ``publishableKey``."""
    ranges: list[tuple[int, int]] = []
    targets = [node for name, node in facts.news if name in CONSTRUCTORS]
    targets += [call.node for call in facts.calls if call.name == "setupConvex"]
    for node in targets:
        first = argument(node, 0)
        if first is not None:
            ranges.append((first.start_byte, first.end_byte))
    for jsx in facts.jsx:
        attribute = jsx.attribute("publishableKey")
        if attribute is not None and attribute.value is not None:
            ranges.append((attribute.value.start_byte, attribute.value.end_byte))
    # one step through a local constant: const url = import.meta.env.VITE_X; new Client(url)
    names = {facts.text(node) for node in _identifiers_in(facts, ranges)}
    stack = [facts.parsed.root]
    while stack:
        node = stack.pop()
        if node.type == "variable_declarator":
            named, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if named is not None and value is not None and facts.text(named) in names:
                ranges.append((value.start_byte, value.end_byte))
            continue
        stack.extend(node.named_children)
    return ranges


def _identifiers_in(facts: FileFacts, ranges: list[tuple[int, int]]) -> list[Node]:
    found: list[Node] = []
    stack = [facts.parsed.root]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and any(s <= node.start_byte and node.end_byte <= e
                                             for s, e in ranges):
            found.append(node)
        stack.extend(c for c in node.named_children
                     if any(c.start_byte < e and s < c.end_byte for s, e in ranges))
    return found


def _relevant(facts: FileFacts) -> list[EnvRead]:
    ranges: list[tuple[int, int]] | None = None
    found: list[EnvRead] = []
    for read in facts.env_reads:
        if read.name is not None and _NAMES.search(read.name):
            found.append(read)
            continue
        if ranges is None:
            ranges = _handed_to_clients(facts)
        if any(s <= read.node.start_byte and read.node.end_byte <= e for s, e in ranges):
            found.append(read)
    return found


def _accessor_edit(facts: FileFacts, read: EnvRead, replacement: str) -> Edit | None:
    node = read.accessor_node
    if node is None or read.form != "dot":
        return None
    return Edit(facts.rel, node.start_byte, node.end_byte, facts.text(node), replacement)


def _suggested(name: str, prefix: str) -> str:
    bare = next((name[len(p):] for p in _PUBLIC_PREFIXES if name.startswith(p)), name)
    return prefix + bare


def _judge(ctx: AppContext, facts: FileFacts, read: EnvRead, rule: _Rule | None,
           side: Side) -> list[Finding]:
    name = read.name or ""
    node = read.node
    found: list[Finding] = []
    if side == "client" and read.accessor in _PRIVATE_MODULES:
        return [finding(ENV, "fail", "private_in_browser", facts, node, name=name,
                        used=read.accessor)]
    accessor_ok = rule is None or read.accessor in rule.accessors or (
        side != "client" and read.accessor in _SERVER_ACCESSORS)
    if not accessor_ok and rule is not None:
        expected = ("$app/env/public" if ctx.framework.name == "sveltekit"
                    and (ctx.framework.major or 0) >= 3 else rule.accessors[0])
        edit = (_accessor_edit(facts, read, expected)
                if name.startswith(rule.prefix) and expected in _MEMBER_ACCESSORS else None)
        found.append(finding(ENV, "fail", "wrong_accessor", facts, node, edit=edit, name=name,
                             used=read.accessor, expected=expected, prefix=rule.prefix,
                             framework=ctx.framework.name))
    if (rule is not None and side == "client" and read.name is not None
            and read.accessor != "$app/env/public" and not name.startswith(rule.prefix)):
        found.append(finding(ENV, "fail", "missing_prefix", facts, node, name=name,
                             prefix=rule.prefix, suggested=_suggested(name, rule.prefix),
                             framework=ctx.framework.name))
    if rule is not None and rule.static_only and side != "server" and \
            read.form in ("subscript", "computed", "destructure"):
        found.append(finding(ENV, "warn", "not_inlined", facts, node, name=name,
                             form=read.form, framework=ctx.framework.name))
    if read.name is not None and ctx.env.get(read.name) is None:
        found.append(finding(ENV, "fail", "not_in_env_files", facts, node, name=name,
                             files_read=", ".join(ctx.env.files_read)))
    return found


def check_env_access(ctx: AppContext) -> list[Finding]:
    rule = _RULES.get(ctx.framework.name)
    found: list[Finding] = []
    judged: list[str] = []
    for facts in ctx.files:
        reads = _relevant(facts)
        if not reads:
            continue
        side = ctx.side(facts)
        for read in reads:
            judged.append(read.name or "?")
            found += _judge(ctx, facts, read, rule, side)
    if found:
        return found
    if not judged:
        return [finding(ENV, "skip", "no_reads")]
    return [finding(ENV, "pass", "read_correctly", names=", ".join(sorted(set(judged))),
                    framework=ctx.framework.name)]
