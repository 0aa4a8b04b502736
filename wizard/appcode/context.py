"""What every check reads: the parsed app, its framework, its ``.env`` files and the auth path,
plus the judgements several checks share (is a file client or server code, where a token
comes from and with which template)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from wizard.appcode.facts import Call, FileFacts, Jsx
from wizard.appcode.model import Edit, Finding, FindingStatus, Framework, SourceScan, TokenPath
from wizard.appcode.tree import SourceTree
from wizard.project.envfiles import EnvFiles
from wizard.records import record

if TYPE_CHECKING:
    from tree_sitter import Node

Side = Literal["client", "server", "either"]
VITE_FAMILY = frozenset({"vite-react", "tanstack-start", "svelte", "vue"})
REACT_FAMILY = frozenset({"vite-react", "next", "expo", "tanstack-start", "cra", "unknown"})
_NEXT_SERVER_FILE = re.compile(
    r"(^|/)(route|middleware|proxy|instrumentation)\.[cm]?[jt]sx?$|(^|/)(src/)?pages/api/")
_SERVER_MODULES = ("@clerk/nextjs/server", "convex/nextjs", "server-only", "next/headers")
_TRACE_DEPTH = 4
_EXCERPT = 80
_ELIDED = '"…"'.encode()


def clerk_package(module: str) -> str | None:
    """``@clerk/nextjs`` for ``@clerk/nextjs/server``; None for a non-Clerk module."""
    if not module.startswith("@clerk/"):
        return None
    return "/".join(module.split("/")[:2])


@record
class AppContext:
    framework: Framework
    tree: SourceTree
    env: EnvFiles
    token_path: TokenPath | None
    scan: SourceScan
    props: tuple[str, ...] = ()
    """The props the installed ``ConvexProviderWithClerk`` declares."""
    props_source: str = ""

    @property
    def files(self) -> list[FileFacts]:
        return self.tree.files

    @property
    def uses_clerk(self) -> bool:
        return bool(self.framework.clerk_packages) or any(
            facts.imports_from(("@clerk/", "svelte-clerk", "vue-clerk")) for facts in self.files)

    def elements(self, module: str, name: str) -> list[tuple[FileFacts, Jsx]]:
        """JSX elements that resolve to ``name`` exported by ``module`` (``@clerk/`` matches
        every Clerk package)."""
        found: list[tuple[FileFacts, Jsx]] = []
        for facts in self.files:
            for jsx in facts.jsx:
                resolved = facts.resolve(jsx.name)
                if resolved is not None and resolved[1] == name and (
                        resolved[0] == module
                        or (module == "@clerk/" and clerk_package(resolved[0]) is not None)):
                    found.append((facts, jsx))
        return found

    def calls(self, names: tuple[str, ...], modules: tuple[str, ...]) -> list[tuple[FileFacts,
                                                                                     Call]]:
        """Calls of an imported function (``fetchQuery`` from ``convex/nextjs``)."""
        found: list[tuple[FileFacts, Call]] = []
        for facts in self.files:
            for call in facts.calls:
                if call.receiver is not None or call.name not in names:
                    continue
                resolved = facts.resolve(call.name)
                if resolved is not None and resolved[0] in modules:
                    found.append((facts, call))
        return found

    def side(self, facts: FileFacts) -> Side:
        """Whether ``facts`` runs in the browser, on the server, or may do either."""
        name = self.framework.name
        rel = facts.rel
        if name == "next":
            if "use client" in facts.directives:
                return "client"
            if ("use server" in facts.directives or _NEXT_SERVER_FILE.search(rel)
                    or facts.imports_from(_SERVER_MODULES)):
                return "server"
            if rel.startswith(("app/", "src/app/")):
                return "server"  # a Server Component unless it says "use client"
            if rel.startswith(("pages/", "src/pages/")):
                return "client"
            return "either"
        if name == "sveltekit":
            return "server" if (".server." in rel or "/server/" in rel
                                or "/+server." in rel) else "client"
        if name == "tanstack-start":
            if (facts.imports_from(("@tanstack/react-start/server",))
                    or any(i.module.endswith("/server") for i in facts.imports.values())):
                return "server"
            return "either" if b"createServerFn" in facts.parsed.data else "client"
        if name == "expo":
            return "server" if "+api." in rel else "client"
        return "client"


def finding(check_id: str, status: FindingStatus, reason: str, facts: FileFacts | None = None,
            node: Node | None = None, edit: Edit | None = None, **values: str) -> Finding:
    return Finding(check_id, status, reason, facts.rel if facts is not None else None,
                   node.start_point.row + 1 if node is not None else None, dict(values), edit)


def where(facts: FileFacts, node: Node) -> str:
    """``src/main.tsx:12``: a place given as a value of another finding."""
    return f"{facts.rel}:{node.start_point.row + 1}"


def excerpt(facts: FileFacts, node: Node) -> str:
    """The code of ``node`` on one line, shortened, every string literal shown as ``"…"``: a
    literal in a token expression may be a real token or key, which no finding may carry."""
    data = facts.parsed.data
    parts: list[bytes] = []
    at = node.start_byte
    stack = [node]
    literals: list[Node] = []
    while stack:
        current = stack.pop()
        if current.type in ("string", "template_string"):
            literals.append(current)
        else:
            stack.extend(current.named_children)
    for literal in sorted(literals, key=lambda n: n.start_byte):
        parts += [data[at:literal.start_byte], _ELIDED]
        at = literal.end_byte
    parts.append(data[at:node.end_byte])
    text = " ".join(b"".join(parts).decode("utf-8", "replace").split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


# -- where a token comes from ----------------------------------------------------------------

@record(frozen=True)
class TokenRequest:
    """One ``getToken`` call found behind a token expression."""

    facts: FileFacts
    call: Call
    template: str | None
    """The template asked for; ``""`` for none; None when it is computed."""
    browser_only: bool
    """``getToken`` imported straight from a Clerk React package: it throws on a server."""


def argument(call: Node, index: int) -> Node | None:
    """The call's (or ``new`` expression's) argument at ``index``, if there is one."""
    arguments = call.child_by_field_name("arguments")
    given = arguments.named_children if arguments is not None else []
    return given[index] if index < len(given) else None


def property_value(facts: FileFacts, literal: Node, key: str) -> Node | None:
    """The value of ``key`` in an object literal (the identifier itself for ``{ key }``)."""
    for pair in literal.named_children:
        if pair.type == "pair":
            named = pair.child_by_field_name("key")
            if named is not None and facts.text(named).strip("'\"") == key:
                return pair.child_by_field_name("value")
        elif pair.type == "shorthand_property_identifier" and facts.text(pair) == key:
            return pair
    return None


def has_spread(literal: Node) -> bool:
    return any(child.type == "spread_element" for child in literal.named_children)


def _template(facts: FileFacts, call: Node) -> str | None:
    options = argument(call, 0)
    if options is None:
        return ""
    if options.type != "object":
        return None
    value = property_value(facts, options, "template")
    if value is None:
        return None if has_spread(options) else ""
    return facts.text(value)[1:-1] if value.type == "string" else None


def _within(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _declaration_value(facts: FileFacts, name: str, before: Node) -> Node | None:
    """The initial value of the nearest ``const|let name = …`` (or function) in the file."""
    best: Node | None = None
    stack = [facts.parsed.root]
    while stack:
        node = stack.pop()
        if node.type == "variable_declarator":
            named = node.child_by_field_name("name")
            if named is not None and named.type == "identifier" and facts.text(named) == name:
                value = node.child_by_field_name("value")
                if value is not None and node.start_byte <= before.start_byte:
                    best = value
        elif node.type == "function_declaration":
            named = node.child_by_field_name("name")
            if named is not None and facts.text(named) == name:
                return node
        stack.extend(node.named_children)
    return best


def token_requests(ctx: AppContext, facts: FileFacts, expression: Node,
                   depth: int = _TRACE_DEPTH) -> list[TokenRequest]:
    """The ``getToken`` calls an expression's value comes from: inside it, behind the local
    names it uses, and inside the local or imported helper functions it calls."""
    found = [TokenRequest(facts, call, _template(facts, call.node), _browser_only(facts, call))
             for call in facts.calls
             if call.name == "getToken" and _within(call.node, expression)]
    if found or depth <= 0:
        return found
    for name in _identifiers(facts, expression):
        imported = facts.imports.get(name)
        if imported is not None:
            target = ctx.tree.module_file(facts.rel, imported.module)
            if target is not None:
                value = _declaration_value(target, imported.name, target.parsed.root)
                if value is None and imported.name == "default":
                    value = _default_function(target)
                if value is not None:
                    found += token_requests(ctx, target, value, depth - 1)
            continue
        value = _declaration_value(facts, name, expression)
        if value is not None and not _within(expression, value):
            found += token_requests(ctx, facts, value, depth - 1)
    return found


def _identifiers(facts: FileFacts, node: Node) -> list[str]:
    names: list[str] = []
    stack = [node]
    while stack and len(names) < 32:
        current = stack.pop()
        if current.type in ("identifier", "shorthand_property_identifier"):
            text = facts.text(current)
            if text not in names:
                names.append(text)
        stack.extend(current.named_children)
    return names


def _default_function(facts: FileFacts) -> Node | None:
    for child in facts.parsed.root.named_children:
        if child.type == "export_statement" and any(c.type == "default" for c in child.children):
            return child
    return None


def _browser_only(facts: FileFacts, call: Call) -> bool:
    if call.receiver is not None:
        return False
    resolved = facts.resolve(call.name)
    return resolved is not None and resolved[1] == "getToken" and \
        clerk_package(resolved[0]) == resolved[0]


def judge_template(template: str | None, path: TokenPath | None) -> tuple[FindingStatus, str] | None:
    """A wrong template request as ``(status, reason)``; None when it fits the path (or the
    template is computed, or the path unknown and the template is ``convex`` or none)."""
    if template is None:
        return None
    if template not in ("", "convex"):
        return "fail", "wrong_template"
    if path == "template" and template == "":
        return "fail", "template_missing"
    if path == "integration" and template == "convex":
        return "warn", "template_not_needed"
    return None
