"""What one parsed file says that the checks need: its imports, directives, JSX elements,
environment reads, calls and ``new`` expressions of interest, and who encloses a node.

One tree-sitter query per grammar (compiled once, on first use) finds the candidates;
identifiers are resolved through the file's own imports, so an aliased
``import { useAuth as useClerkAuth }`` is still Clerk's ``useAuth`` and convex-svelte's own
``useAuth`` is not.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import field
from typing import TYPE_CHECKING

from wizard.appcode.syntax import Grammar, Parsed, language
from wizard.records import record

if TYPE_CHECKING:
    from tree_sitter import Node, Query

CALLS_OF_INTEREST: tuple[str, ...] = (
    "fetchQuery", "preloadQuery", "fetchMutation", "fetchAction", "setAuth", "getToken", "auth",
    "getAuth", "useQuery", "useMutation", "useAction", "usePaginatedQuery", "useQueries",
    "useAuth", "useConvexAuth", "setupAuth", "setupConvex", "useConvexClient", "useSession",
    "useClerkContext")
CONSTRUCTORS: tuple[str, ...] = ("ConvexHttpClient", "ConvexReactClient", "ConvexClient")
ENV_MODULES: frozenset[str] = frozenset({"$env/static/public", "$env/static/private",
                                         "$app/env/public", "$app/env/private"})
"""SvelteKit modules whose named imports are environment variables."""
_CALLS = frozenset(CALLS_OF_INTEREST)

_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function",
                        "generator_function_declaration", "method_definition"})
_WRAPPING_EXPRESSIONS = frozenset({"call_expression", "arguments", "parenthesized_expression",
                                   "as_expression", "satisfies_expression"})


@functools.lru_cache(maxsize=2)
def _query(grammar: Grammar) -> Query:
    """The candidates of one file (the TypeScript grammar has no JSX). Names are filtered in Python, not with ``#eq?``-style
    predicates: those read the node text through the tree's source, which a tree parsed from a
    read callback (the only way to give the parse a deadline) does not keep."""
    from tree_sitter import Query

    jsx = "(jsx_opening_element) @jsx (jsx_self_closing_element) @jsx" if grammar == "tsx" else ""
    query: Query = Query(language(grammar), jsx + """
(import_statement) @import
(member_expression object: [(identifier) (meta_property)] @base
  property: (property_identifier) @env) @envobj
(call_expression function: [(identifier) @callee
                            (member_expression property: (property_identifier) @callee)]) @call
(new_expression constructor: (identifier) @ctor) @new
""")
    return query


@record(frozen=True)
class Import:
    local: str
    module: str
    name: str
    """The exported name; ``default`` for a default import, ``*`` for a namespace."""
    line: int


@record(frozen=True)
class Attribute:
    name: str
    node: Node
    value: Node | None


@record
class Jsx:
    name: str
    """As written: ``ClerkProvider``, ``Convex.Authenticated``."""
    tag: Node
    """The opening or self-closing tag."""
    attributes: list[Attribute]
    has_spread: bool

    @property
    def element(self) -> Node:
        """The whole element (the tag itself when self-closing)."""
        parent = self.tag.parent
        if self.tag.type == "jsx_opening_element" and parent is not None:
            return parent
        return self.tag

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@record(frozen=True)
class EnvRead:
    accessor: str
    """``process.env``, ``import.meta.env`` or a SvelteKit module (``$env/static/public``)."""
    name: str | None
    """None when the key is computed."""
    form: str
    """``dot``, ``subscript``, ``computed``, ``destructure`` or ``import``."""
    node: Node
    accessor_node: Node | None
    """The ``process.env`` / ``import.meta.env`` part, the target of an accessor fix."""


@record(frozen=True)
class Call:
    name: str
    node: Node
    receiver: Node | None
    """The object of a member call (``client`` in ``client.setAuth``)."""


@record(frozen=True)
class Component:
    """The top-level function a node belongs to."""

    name: str | None
    default_export: bool
    node: Node


@record
class FileFacts:
    parsed: Parsed
    imports: dict[str, Import] = field(default_factory=dict)
    directives: tuple[str, ...] = ()
    jsx: list[Jsx] = field(default_factory=list)
    env_reads: list[EnvRead] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    news: list[tuple[str, Node]] = field(default_factory=list)
    default_export: str | None = None
    """The name of ``export default Name;`` when the file has one."""

    @property
    def rel(self) -> str:
        return self.parsed.rel

    def text(self, node: Node) -> str:
        return self.parsed.text(node)

    def resolve(self, written: str) -> tuple[str, str] | None:
        """``(module, exported name)`` of an identifier or ``Namespace.Member`` as written."""
        base, _, member = written.partition(".")
        found = self.imports.get(base)
        if found is None:
            return None
        if member:
            return (found.module, member) if found.name == "*" else None
        return found.module, found.name

    def imports_from(self, prefixes: tuple[str, ...]) -> bool:
        return any(i.module.startswith(prefixes) for i in self.imports.values())

    def component_of(self, node: Node) -> Component | None:
        """The outermost function around ``node``, named as the module knows it; None at
        module level (a ``createRoot(...).render(<App />)`` in ``main.tsx``)."""
        outermost: Node | None = None
        current = node.parent
        while current is not None:
            if current.type in _FUNCTIONS:
                outermost = current
            current = current.parent
        if outermost is None:
            return None
        name: str | None = None
        holder: Node | None = outermost
        if outermost.type in ("function_declaration", "generator_function_declaration"):
            named = outermost.child_by_field_name("name")
            name = self.text(named) if named is not None else None
            holder = outermost.parent
        else:
            while holder is not None and holder.type in _WRAPPING_EXPRESSIONS:
                holder = holder.parent
            if holder is not None and holder.type == "variable_declarator":
                named = holder.child_by_field_name("name")
                name = self.text(named) if named is not None else None
                holder = holder.parent.parent if holder.parent is not None else None
        default = (holder is not None and holder.type == "export_statement"
                   and any(child.type == "default" for child in holder.children))
        return Component(name, default or (name is not None and name == self.default_export),
                         outermost)


def _string_value(parsed: Parsed, node: Node | None) -> str | None:
    if node is None or node.type != "string":
        return None
    return parsed.text(node)[1:-1]


def _record_import(facts: FileFacts, node: Node) -> None:
    parsed = facts.parsed
    module = _string_value(parsed, node.child_by_field_name("source"))
    if module is None:
        return
    line = parsed.line(node)
    clause = next((c for c in node.named_children if c.type == "import_clause"), None)
    if clause is None:
        return
    for part in clause.named_children:
        if part.type == "identifier":
            facts.imports[parsed.text(part)] = Import(parsed.text(part), module, "default", line)
        elif part.type == "namespace_import":
            local = next((c for c in part.named_children if c.type == "identifier"), None)
            if local is not None:
                facts.imports[parsed.text(local)] = Import(parsed.text(local), module, "*", line)
        elif part.type == "named_imports":
            for spec in part.named_children:
                if spec.type != "import_specifier":
                    continue
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                if name is None or alias is None:
                    continue
                exported = parsed.text(name).strip("'\"")
                facts.imports[parsed.text(alias)] = Import(parsed.text(alias), module, exported,
                                                           line)
                if module in ENV_MODULES:
                    facts.env_reads.append(EnvRead(module, exported, "import", spec, None))


def _record_jsx(facts: FileFacts, tag: Node) -> None:
    name = tag.child_by_field_name("name")
    if name is None:
        return
    attributes: list[Attribute] = []
    spread = False
    for child in tag.named_children:
        if child.type == "jsx_attribute":
            parts = child.named_children
            if parts and parts[0].type == "property_identifier":
                value = parts[1] if len(parts) > 1 else None
                attributes.append(Attribute(facts.text(parts[0]), child, value))
        elif child.type == "jsx_expression":  # {...props}
            spread = True
    facts.jsx.append(Jsx(facts.text(name), tag, attributes, spread))


def _record_env(facts: FileFacts, accessor_node: Node, base: Node) -> None:
    accessor = "import.meta.env" if base.type == "meta_property" else facts.text(base) + ".env"
    if accessor not in ("process.env", "import.meta.env"):
        return
    parent = accessor_node.parent
    if parent is None:
        return
    if parent.type == "member_expression" and parent.child_by_field_name("object") == accessor_node:
        prop = parent.child_by_field_name("property")
        if prop is not None:
            facts.env_reads.append(EnvRead(accessor, facts.text(prop), "dot", parent,
                                           accessor_node))
    elif (parent.type == "subscript_expression"
          and parent.child_by_field_name("object") == accessor_node):
        index = parent.child_by_field_name("index")
        literal = _string_value(facts.parsed, index)
        facts.env_reads.append(EnvRead(accessor, literal,
                                       "subscript" if literal is not None else "computed",
                                       parent, accessor_node))
    elif parent.type == "variable_declarator":
        pattern = parent.child_by_field_name("name")
        if pattern is not None and pattern.type == "object_pattern":
            for prop in pattern.named_children:
                key = (prop if prop.type == "shorthand_property_identifier_pattern"
                       else prop.child_by_field_name("key"))
                if key is not None:
                    facts.env_reads.append(EnvRead(accessor, facts.text(key), "destructure",
                                                   prop, accessor_node))


def _directives(parsed: Parsed) -> tuple[str, ...]:
    """The directive prologue: leading string statements (comments may come between)."""
    found: list[str] = []
    for child in parsed.root.named_children:
        if child.type == "comment":
            continue
        if (child.type == "expression_statement" and child.named_child_count == 1
                and child.named_children[0].type == "string"):
            found.append(parsed.text(child.named_children[0])[1:-1])
            continue
        break
    return tuple(found)


def _default_export_name(parsed: Parsed) -> str | None:
    for child in parsed.root.named_children:
        if child.type == "export_statement" and any(c.type == "default" for c in child.children):
            value = child.child_by_field_name("value")
            if value is not None and value.type == "identifier":
                return parsed.text(value)
    return None


# Below this size a walk of the tree in Python is cheaper than compiling the query (about
# 10 ms per grammar and process); above it the query's C matching wins. Both give the same
# captures in the same order (tests/test_appcode_walk.py).
WALK_BELOW_BYTES = 48 * 1024


def _walked(parsed: Parsed) -> list[dict[str, list[Node]]]:
    """The query's matches, found by a walk of the tree, in the query's order: a match is
    complete at the last of its captures to start (the walk finds them in pre-order, which
    breaks ties as the query does)."""
    found = list(_candidates(parsed))
    found.sort(key=lambda captures: max(n.start_byte for nodes in captures.values()
                                        for n in nodes))
    return found


def _candidates(parsed: Parsed) -> Iterator[dict[str, list[Node]]]:
    jsx = parsed.grammar == "tsx"
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "import_statement":
            yield {"import": [node]}
        elif jsx and kind in ("jsx_opening_element", "jsx_self_closing_element"):
            yield {"jsx": [node]}
        elif kind == "member_expression":
            base, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if base is not None and prop is not None and prop.type == "property_identifier" \
                    and base.type in ("identifier", "meta_property"):
                yield {"envobj": [node], "base": [base], "env": [prop]}
        elif kind == "call_expression":
            function = node.child_by_field_name("function")
            callee = None
            if function is not None and function.type == "identifier":
                callee = function
            elif function is not None and function.type == "member_expression":
                prop = function.child_by_field_name("property")
                if prop is not None and prop.type == "property_identifier":
                    callee = prop
            if callee is not None:
                yield {"call": [node], "callee": [callee]}
        elif kind == "new_expression":
            ctor = node.child_by_field_name("constructor")
            if ctor is not None and ctor.type == "identifier":
                yield {"new": [node], "ctor": [ctor]}
        stack.extend(reversed(node.children))


def _matches(parsed: Parsed) -> Iterator[dict[str, list[Node]]]:
    if len(parsed.data) < WALK_BELOW_BYTES:
        yield from _walked(parsed)
        return
    from tree_sitter import QueryCursor

    for _pattern, captures in QueryCursor(_query(parsed.grammar)).matches(parsed.root):
        yield captures


def extract(parsed: Parsed) -> FileFacts:
    facts = FileFacts(parsed, directives=_directives(parsed),
                      default_export=_default_export_name(parsed))
    for captures in _matches(parsed):
        if "import" in captures:
            _record_import(facts, captures["import"][0])
        elif "jsx" in captures:
            _record_jsx(facts, captures["jsx"][0])
        elif "envobj" in captures:
            if facts.text(captures["env"][0]) == "env":
                _record_env(facts, captures["envobj"][0], captures["base"][0])
        elif "call" in captures:
            name = facts.text(captures["callee"][0])
            if name not in _CALLS:
                continue
            call = captures["call"][0]
            function = call.child_by_field_name("function")
            receiver = (function.child_by_field_name("object")
                        if function is not None and function.type == "member_expression"
                        else None)
            facts.calls.append(Call(name, call, receiver))
        elif "new" in captures:
            constructor = facts.text(captures["ctor"][0])
            if constructor in CONSTRUCTORS:
                facts.news.append((constructor, captures["new"][0]))
    return facts
