"""Read ``convex/auth.config.ts`` / ``.js`` without executing it (research/convex_spec.md §1).

The file is parsed with tree-sitter's TypeScript grammar: fast on real code and tolerant, so a
file with a syntax error still yields the providers it spells out; crafted garbage that makes
its error recovery slow meets a size cap and a parse deadline instead. TypeScript
noise (``satisfies``, ``as const``, ``!``, parentheses) is looked through, ``process.env``
reads are recorded, and anything not understood is skipped: garbage never raises. The file is
read through :mod:`wizard.guards.files` (regular files only, at most :data:`MAX_AUTH_CONFIG_BYTES`),
and tree-sitter is loaded only when there is a file to parse.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import os
import re
import time
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from wizard.guards.files import FileRefused, read_regular_file, size_text
from wizard.records import record

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

CANDIDATES: tuple[str, ...] = ("auth.config.ts", "auth.config.js")
"""Looked for in this order, as the Convex CLI does (``bundleAuthConfig``)."""
MAX_AUTH_CONFIG_BYTES = 256 * 1024
"""An auth config is a few lines; past this it is not parsed (and says so)."""

_KNOWN_KEYS = ("domain", "applicationID", "type", "issuer", "jwks", "algorithm")
_ALIASES = {"issuerdomain": "domain", "domainurl": "domain", "appid": "applicationID"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_ESCAPE_RE = re.compile(r"u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})")
_MAX_DEPTH = 64
_TYPE_WRAPPERS = frozenset({"parenthesized_expression", "non_null_expression", "as_expression",
                            "satisfies_expression", "type_assertion"})
_FALLBACK_OPERATORS = frozenset({"??", "||", "?"})
PARSE_SECONDS = 0.5
"""Real auth configs parse in well under a millisecond; a file that takes longer than this
is crafted, and is reported instead of parsed."""
_READ_CHUNK = 64 * 1024
_SYNTAX_PROBLEMS_SHOWN = 3
_SPELL_CHECKED_KEYS = 64
"""Keys of one object checked for misspellings: a provider has six at most, and the check
costs a small edit-distance table per key."""
_COMMENTS_SEARCHED = 200
"""Comment blocks searched for commented-out providers: a real file has a handful."""


@record(frozen=True)
class Provider:
    index: int
    """Position in the providers array (0-based); -1 for a commented-out provider."""
    kind: str
    """``"oidc"``, ``"customJwt"``, or the unexpected ``type`` as written."""
    domain: str | None
    domain_env: str | None
    issuer: str | None
    issuer_env: str | None
    application_id: str | None
    application_id_env: str | None
    jwks: str | None
    jwks_env: str | None
    algorithm: str | None
    """customJwt only: the ``jwks`` URL (or ``data:`` URL) and the ``algorithm`` as written."""
    misspelled_keys: tuple[str, ...]
    line: int
    domain_line: int | None
    commented_out: bool
    env_fallback: bool
    """The domain read has a fallback (``??``, ``||``, ``?:``); Convex still throws if unset."""


@record(frozen=True)
class AuthConfig:
    path: Path | None
    exists: bool
    both_present: bool
    providers: tuple[Provider, ...] = ()
    commented_providers: tuple[Provider, ...] = ()
    env_names: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def display_path(self, root: Path) -> str:
        """The file relative to ``root`` (``convex/auth.config.ts`` when there is none)."""
        if self.path is None:
            return "convex/" + CANDIDATES[0]
        try:
            return self.path.relative_to(root).as_posix()
        except ValueError:
            pass
        try:
            return self.path.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            return str(self.path)


# --- the syntax tree ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _parser() -> Parser:
    """tree-sitter and its TypeScript grammar, loaded on first use (``check`` on a project
    without an auth config never pays for them). The TypeScript grammar reads ``.js`` too."""
    from tree_sitter import Language, Parser
    from tree_sitter_typescript import language_typescript

    return Parser(Language(language_typescript()))


def _unescape(sequence: str) -> str:
    """The character a ``\\…`` escape sequence stands for (a line continuation is none)."""
    body = sequence[1:]
    if body[:1] in ("\n", "\r", "\u2028", "\u2029"):
        return ""
    match = _ESCAPE_RE.fullmatch(body)
    if match:
        try:
            return chr(int(match.group(1) or match.group(2) or match.group(3), 16))
        except (ValueError, OverflowError):
            return ""
    return _ESCAPES.get(body, body)


@record
class _Lit:
    value: str


@record
class _Expr:
    node: Node
    ident: str | None = None  # set when the expression is a bare identifier


@record
class _Obj:
    entries: list[tuple[str, _Value, int]]  # key ("..." for a spread), value, key line
    line: int
    start: int  # byte offsets of the braces, to tell which comments lie inside
    end: int


@record
class _Arr:
    items: list[_Value]
    start: int
    end: int


@record
class _Spread:
    value: _Value


_Value: TypeAlias = "_Lit | _Expr | _Obj | _Arr | _Spread"


@record
class _Comment:
    start: int
    end: int
    row: int
    block: bool


@record
class _Source:
    """One parsed text: the values it spells, and what one walk over its tree found."""

    data: bytes
    first_line: int = 1
    env_reads: list[tuple[int, str]] = field(default_factory=list)  # (byte offset, name)
    fallbacks: list[int] = field(default_factory=list)  # byte offsets of ?? || ?
    comments: list[_Comment] = field(default_factory=list)
    syntax: list[str] = field(default_factory=list)
    syntax_count: int = 0

    def text(self, node: Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def line(self, node: Node) -> int:
        return node.start_point[0] + self.first_line

    # one walk over the whole tree: an explicit cursor, so nesting depth costs no stack
    def walk(self, root: Node) -> None:
        cursor = root.walk()
        while True:
            node = cursor.node
            if node is not None:
                self._visit(node)
            if cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return

    def _visit(self, node: Node) -> None:
        kind = node.type
        if kind in ("member_expression", "subscript_expression"):
            name = self._env_name(node)
            if name is not None:
                self.env_reads.append((node.start_byte, name))
        elif kind in _FALLBACK_OPERATORS and not node.is_named:
            self.fallbacks.append(node.start_byte)
        elif kind == "comment":
            self.comments.append(_Comment(node.start_byte, node.end_byte, node.start_point[0],
                                          self.data.startswith(b"/*", node.start_byte)))
        if node.is_error or node.is_missing:
            self.syntax_count += 1
            if len(self.syntax) < _SYNTAX_PROBLEMS_SHOWN:
                what = f"{kind!r} is missing" if node.is_missing else "syntax error"
                self.syntax.append(f"line {self.line(node)}: {what}")

    def _env_name(self, node: Node) -> str | None:
        """NAME of ``process.env.NAME`` / ``process.env["NAME"]`` (optional chaining too)."""
        env = node.child_by_field_name("object")
        if env is None or env.type != "member_expression":
            return None
        process, prop = env.child_by_field_name("object"), env.child_by_field_name("property")
        if process is None or prop is None or process.type != "identifier" \
                or self.text(process) != "process" or self.text(prop) != "env":
            return None
        if node.type == "member_expression":
            key = node.child_by_field_name("property")
            return self.text(key) if key is not None and key.type == "property_identifier" \
                else None
        index = node.child_by_field_name("index")
        return self.literal(index) if index is not None else None

    def first_env_read(self, node: Node) -> str | None:
        at = bisect.bisect_left(self.env_reads, (node.start_byte, ""))
        if at < len(self.env_reads) and self.env_reads[at][0] < node.end_byte:
            return self.env_reads[at][1]
        return None

    def has_fallback(self, node: Node) -> bool:
        at = bisect.bisect_left(self.fallbacks, node.start_byte)
        return at < len(self.fallbacks) and self.fallbacks[at] < node.end_byte

    # values ------------------------------------------------------------------------------
    def literal(self, node: Node) -> str | None:
        """The value of a string, or of a template with no ``${}``; None for anything else."""
        if node.type not in ("string", "template_string"):
            return None
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(self.text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(self.text(child)))
            elif child.type != "comment":  # a ``${…}`` substitution
                return None
        return "".join(parts)

    def value(self, node: Node, depth: int) -> _Value:
        for _ in range(_MAX_DEPTH):
            inner = node.named_children[-1] if node.type == "type_assertion" \
                else node.named_children[0] if node.named_child_count else None
            if node.type not in _TYPE_WRAPPERS or inner is None:
                break
            node = inner
        if node.type == "object" and depth < _MAX_DEPTH:
            return self.obj(node, depth + 1)
        if node.type == "array" and depth < _MAX_DEPTH:
            return self.arr(node, depth + 1)
        literal = self.literal(node)
        if literal is not None:
            return _Lit(literal)
        return _Expr(node, self.text(node) if node.type == "identifier" else None)

    def key(self, node: Node) -> str | None:
        """An object key as JavaScript reads it; None for computed keys."""
        if node.type in ("property_identifier", "number"):
            return self.text(node)
        return self.literal(node)

    def keys(self, node: Node) -> list[str]:
        """The keys an object literal spells, in order, without building its values."""
        found: list[str] = []
        for child in node.named_children:
            if child.type == "pair" and (key := child.child_by_field_name("key")) is not None:
                found.append(self.key(key) or "")
            elif child.type == "shorthand_property_identifier":
                found.append(self.text(child))
        return found

    def obj(self, node: Node, depth: int) -> _Obj:
        entries: list[tuple[str, _Value, int]] = []
        for child in node.named_children:
            if child.type == "pair":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                name = self.key(key) if key is not None else None
                if key is not None and name is not None and value is not None:
                    # ``domain: process.env.X! applicationID: "c"`` (a comma missing) parses
                    # as one pair whose value is "c": the value is then the whole pair
                    garbled = any(part.is_error for part in child.children)
                    entries.append((name, _Expr(child) if garbled else self.value(value, depth),
                                    self.line(key)))
            elif child.type == "shorthand_property_identifier":
                name = self.text(child)
                entries.append((name, _Expr(child, name), self.line(child)))
            elif child.type == "spread_element" and child.named_child_count:
                entries.append(("...", self.value(child.named_children[0], depth),
                                self.line(child)))
        return _Obj(entries, self.line(node), node.start_byte, node.end_byte)

    def arr(self, node: Node, depth: int) -> _Arr:
        items: list[_Value] = []
        for child in node.named_children:
            if child.type == "spread_element" and child.named_child_count:
                items.append(_Spread(self.value(child.named_children[0], depth)))
            elif child.type != "comment":
                items.append(self.value(child, depth))
        return _Arr(items, node.start_byte, node.end_byte)

    # the module --------------------------------------------------------------------------
    def module(self, root: Node) -> tuple[dict[str, _Value], _Value | None]:
        """Top-level ``const``/``let``/``var`` bindings and the default export (the first
        of ``export default``, ``module.exports =`` and ``export { x as default }``)."""
        bindings: dict[str, _Value] = {}
        defaults: list[_Value] = []
        for statement in root.named_children:
            kind = statement.type
            if kind == "export_statement":
                declaration = statement.child_by_field_name("declaration")
                value = statement.child_by_field_name("value")
                if any(child.type == "default" for child in statement.children):
                    target = value if value is not None else declaration
                    if target is not None:
                        defaults.append(self.value(target, 0))
                elif declaration is not None:
                    self._bind(declaration, bindings)
                for clause in statement.named_children:
                    if clause.type == "export_clause":
                        defaults += self._export_as_default(clause)
            elif kind in ("lexical_declaration", "variable_declaration"):
                self._bind(statement, bindings)
            elif kind == "expression_statement" and statement.named_child_count:
                assignment = statement.named_children[0]
                left = assignment.child_by_field_name("left")
                right = assignment.child_by_field_name("right")
                if assignment.type == "assignment_expression" and left is not None \
                        and right is not None and self.text(left).replace(" ", "") \
                        == "module.exports":
                    defaults.append(self.value(right, 0))
        return bindings, defaults[0] if defaults else None

    def _bind(self, declaration: Node, bindings: dict[str, _Value]) -> None:
        if declaration.type not in ("lexical_declaration", "variable_declaration"):
            return
        for declarator in declaration.named_children:
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if declarator.type == "variable_declarator" and name is not None \
                    and name.type == "identifier" and value is not None:
                bindings.setdefault(self.text(name), self.value(value, 0))

    def _export_as_default(self, clause: Node) -> list[_Value]:
        found: list[_Value] = []
        for spec in clause.named_children:
            name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
            if name is not None and alias is not None and self.text(alias) == "default":
                found.append(_Expr(name, self.text(name)))
        return found


class _TooSlow(Exception):
    """tree-sitter gave up at the parse deadline."""


def _parse_source(text: str, deadline: float, first_line: int = 1) -> tuple[_Source, Node]:
    """Parse and walk ``text``. tree-sitter is linear on real code, but its error recovery
    can go quadratic on crafted garbage, so parsing stops at ``deadline`` (a
    ``time.monotonic()`` value) with :class:`_TooSlow`."""
    source = _Source(text.encode("utf-8", "surrogatepass"), first_line)
    view = memoryview(source.data)
    parser = _parser()
    try:
        tree = parser.parse(lambda at, _point: view[at:at + _READ_CHUNK],
                            progress_callback=lambda _at, _error: time.monotonic() > deadline)
    except ValueError:  # cancelled; without a reset the next parse would resume this one
        parser.reset()
        raise _TooSlow from None
    source.walk(tree.root_node)
    return source, tree.root_node


# --- from parsed values to providers ---------------------------------------------------------

def _resolve(value: _Value | None, bindings: dict[str, _Value]) -> _Value | None:
    for _ in range(16):  # a bounded walk: ``const a = b; const b = a`` must not loop
        if not (isinstance(value, _Expr) and value.ident in bindings):
            break
        value = bindings[value.ident]
    return value


def _osa_distance(a: str, b: str) -> int:
    """Edit distance counting an adjacent swap as one edit (``domian`` is 1 from ``domain``)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            substitute = d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, substitute)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@functools.lru_cache(maxsize=1024)
def _misspelling_of(key: str) -> str | None:
    """The provider key ``key`` was probably meant to be, if it is not that key already."""
    if key in _KNOWN_KEYS or len(key) > 40:
        return None
    norm = re.sub(r"[\W_]", "", key).lower()
    for known in _KNOWN_KEYS:
        target = known.lower()
        limit = 0 if len(target) < 6 else 1 if len(target) < 9 else 2
        if norm in (target, target + "s"):
            return known
        # the distance is at least the difference in length: most keys need no table
        if abs(len(norm) - len(target)) <= limit and _osa_distance(norm, target) <= limit:
            return known
    return _ALIASES.get(norm)


def _entries(
    obj: _Obj, bindings: dict[str, _Value], depth: int = 0
) -> list[tuple[str, _Value, int]]:
    """Entries in order, with ``...base`` spreads of known objects expanded."""
    out: list[tuple[str, _Value, int]] = []
    for key, value, line in obj.entries:
        target = _resolve(value, bindings) if key == "..." else None
        if isinstance(target, _Obj) and depth < 8:
            out += _entries(target, bindings, depth + 1)
        elif key != "...":
            out.append((key, value, line))
    return out


def _flatten(
    array: _Arr, bindings: dict[str, _Value], problems: list[str], outer: tuple[int, ...] = ()
) -> list[_Value]:
    """Array items with ``...known`` spreads expanded (a self-including spread is not)."""
    items: list[_Value] = []
    for item in array.items:
        if len(items) > 10_000:
            break
        if not isinstance(item, _Spread):
            items.append(item)
            continue
        spread = _resolve(item.value, bindings)
        if isinstance(spread, _Arr) and id(spread) not in (*outer, id(array)) and len(outer) < 8:
            items += _flatten(spread, bindings, problems, (*outer, id(array)))
        else:
            problems.append("the providers array has a spread (...) that could not be read; "
                            "provider indexes after it may be off")
    return items


def _reading(source: _Source, value: _Value | None) -> tuple[str | None, str | None, bool]:
    """(literal, env name, has fallback) of a property value."""
    if isinstance(value, _Lit):
        return value.value, None, False
    if isinstance(value, _Expr):
        return None, source.first_env_read(value.node), source.has_fallback(value.node)
    return None, None, False


def _provider(source: _Source, obj: _Obj, index: int, bindings: dict[str, _Value],
              commented: bool) -> Provider:
    props: dict[str, tuple[_Value, int]] = {}
    misspelled: list[str] = []
    for n, (key, value, line) in enumerate(_entries(obj, bindings)):
        props[key] = (value, line)  # the last duplicate wins, as in JavaScript
        if n < _SPELL_CHECKED_KEYS and _misspelling_of(key) and key not in misspelled:
            misspelled.append(key)
    kind_value = props.get("type", (None, 0))[0]
    kind = "oidc"
    if isinstance(kind_value, _Lit):
        kind = kind_value.value
    elif isinstance(kind_value, _Expr):
        kind = " ".join(source.text(kind_value.node).split())

    def reading(key: str) -> tuple[str | None, str | None, bool]:
        return _reading(source, props.get(key, (None, 0))[0])

    domain, domain_env, fallback = reading("domain")
    issuer, issuer_env, _ = reading("issuer")
    app_id, app_id_env, _ = reading("applicationID")
    jwks, jwks_env, _ = reading("jwks")
    algorithm, _, _ = reading("algorithm")
    return Provider(
        index=index, kind=kind, domain=domain, domain_env=domain_env, issuer=issuer,
        issuer_env=issuer_env, application_id=app_id, application_id_env=app_id_env,
        jwks=jwks, jwks_env=jwks_env, algorithm=algorithm,
        misspelled_keys=tuple(misspelled), line=obj.line,
        domain_line=props["domain"][1] if "domain" in props else None,
        commented_out=commented, env_fallback=fallback,
    )


def _looks_like_provider(keys: list[str]) -> bool:
    spelled = set(keys)
    return bool(spelled & {"domain", "applicationID"}) or {"issuer", "jwks"} <= spelled or any(
        _misspelling_of(key) in ("domain", "applicationID") for key in keys[:_SPELL_CHECKED_KEYS]
    )


def _comment_blocks(source: _Source) -> list[tuple[int, int, str]]:
    """(byte offset, first line, text) of each block comment and each run of ``//`` lines."""
    blocks: list[tuple[int, int, list[str]]] = []
    prev: _Comment | None = None
    for comment in source.comments:
        body = source.data[comment.start + 2:comment.end].decode("utf-8", "replace")
        joins = prev is not None and not prev.block and not comment.block \
            and comment.row == prev.row + 1 \
            and not source.data[prev.end:comment.start].strip()
        if joins:
            blocks[-1][2].append(body)
        else:
            if comment.block:  # the closing */ and the " * " gutter of JSDoc-style comments
                body = body.removesuffix("*/")
                body = "\n".join(re.sub(r"^\s*\*(?!/)", " ", ln) for ln in body.split("\n"))
            blocks.append((comment.start, comment.row + source.first_line, [body]))
        prev = comment
    return [(pos, line, "\n".join(lines)) for pos, line, lines in blocks]


def _commented_providers(text: str, line: int, deadline: float) -> list[Provider]:
    """Providers spelled out inside a comment. The text is read as the items of an array, so
    ``{ … },`` lines parse as the objects they are rather than as blocks of statements."""
    source, root = _parse_source("[" + text + "\n]", deadline, line)
    found: list[Provider] = []
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and node.type == "object" and _looks_like_provider(source.keys(node)):
            found.append(_provider(source, source.obj(node, 1), -1, {}, commented=True))
        elif cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return found


def parse_auth_config(text: str, path: Path | None = None) -> AuthConfig:
    """Read auth.config source text. Never raises, never executes anything."""
    if len(text) > MAX_AUTH_CONFIG_BYTES or len(text.encode("utf-8", "surrogatepass")) \
            > MAX_AUTH_CONFIG_BYTES:
        return AuthConfig(path, True, False, problems=(_TOO_LARGE,))
    try:
        return _parse(text, path)
    except _TooSlow:
        return AuthConfig(path, True, False, problems=(
            f"it could not be parsed within {PARSE_SECONDS:g} s (an auth config is a few "
            "lines); it was given up",))
    except Exception as exc:  # a last net; the property test asserts it never catches
        return AuthConfig(path, True, False, problems=(f"internal parser error: {exc!r}",))


_TOO_LARGE = (f"it is larger than {size_text(MAX_AUTH_CONFIG_BYTES)} (an auth config is a few "
              "lines), so it was not parsed")


def _parse(text: str, path: Path | None) -> AuthConfig:
    deadline = time.monotonic() + PARSE_SECONDS
    source, root = _parse_source(text.replace("\r\n", "\n").replace("\r", "\n"), deadline)
    problems: list[str] = list(source.syntax)
    if source.syntax_count > len(source.syntax):
        problems.append(f"{source.syntax_count - len(source.syntax)} more syntax errors")
    bindings, default = source.module(root)
    providers: list[Provider] = []
    spans: list[tuple[int, int]] = []
    config = _resolve(default, bindings)
    if default is None:
        problems.append("no default export")
    elif not isinstance(config, _Obj):
        problems.append("the default export is not an object literal")
    else:
        spans.append((config.start, config.end))
        entries = _entries(config, bindings)
        value = next((v for k, v, _ in reversed(entries) if k == "providers"), None)
        array = _resolve(value, bindings)
        if value is None:
            near = [k for k, _, _ in entries if k.lower().startswith("provider") or k == "provides"]
            problems.append("no providers array found"
                            + (f" (found {near[0]!r}; the key is 'providers')" if near else ""))
        elif not isinstance(array, _Arr):
            problems.append("providers is not an array literal")
        else:
            spans.append((array.start, array.end))
            for index, item in enumerate(_flatten(array, bindings, problems)):
                obj = _resolve(item, bindings)
                if isinstance(obj, _Obj):
                    providers.append(_provider(source, obj, index, bindings, commented=False))
                    spans.append((obj.start, obj.end))
                else:
                    problems.append(f"provider at index {index} is not an object literal")
    commented: list[Provider] = []
    searched = 0
    for pos, line, body in _comment_blocks(source):
        inside = not spans or any(a <= pos <= b for a, b in spans)
        if inside and "{" in body and searched < _COMMENTS_SEARCHED:
            searched += 1
            try:
                commented += _commented_providers(body, line, deadline)
            except _TooSlow:
                break  # the code's providers stand; only these hints are cut short
    return AuthConfig(
        path=path, exists=True, both_present=False, providers=tuple(providers),
        commented_providers=tuple(commented),
        env_names=tuple(dict.fromkeys(name for _, name in source.env_reads)),
        problems=tuple(problems),
    )


def read_auth_config(project_root: Path) -> AuthConfig:
    """Find and read the project's auth config; every failure becomes a problem message."""
    present = [p for p in (Path(project_root) / "convex" / name for name in CANDIDATES)
               if os.path.exists(p)]
    if not present:
        return AuthConfig(None, exists=False, both_present=False)
    path, both = present[0], len(present) > 1
    failed = AuthConfig(path, exists=True, both_present=both)
    try:
        data = read_regular_file(path, MAX_AUTH_CONFIG_BYTES)
    except FileRefused as exc:
        problem = _TOO_LARGE if exc.too_large else f"it {exc}"
        return dataclasses.replace(failed, problems=(f"could not read file: {problem}",))
    except OSError as exc:
        return dataclasses.replace(failed, problems=(
            f"could not read file: {exc.strerror or exc}",))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return dataclasses.replace(failed, problems=(
            f"could not read file: not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})",
        ))
    return dataclasses.replace(parse_auth_config(text, path), both_present=both)


# --- where pairs are written (for fixes that rewrite one key or one value) -------------------

@record(frozen=True)
class PairAt:
    """One ``key: value`` pair of an object literal, located by byte offsets into the UTF-8
    text, so a fix can rewrite exactly the key or the value and nothing around them."""

    key: str
    meant: str | None
    """The provider key ``key`` misspells (``applicationId`` → ``applicationID``), if any."""
    name_start: int
    name_end: int
    """The key's characters: inside its quotes for a plain quoted key, else the whole key."""
    value: str | None
    """The value when it is a plain string literal (then its quotes are the range's ends)."""
    value_start: int
    value_end: int
    object_start: int
    object_line: int
    """The enclosing object's ``{`` (its line is the :attr:`Provider.line` of a provider)."""


_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def _pair_at(source: _Source, pair: Node, breaks: list[int]) -> PairAt | None:
    key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
    name = source.key(key) if key is not None else None
    if key is None or value is None or pair.parent is None or not name:
        return None
    fragments = key.named_children
    inner = fragments[0] if key.type == "string" and len(fragments) == 1 \
        and fragments[0].type == "string_fragment" else key
    return PairAt(key=name, meant=_misspelling_of(name), name_start=inner.start_byte,
                  name_end=inner.end_byte, value=source.literal(value),
                  value_start=value.start_byte, value_end=value.end_byte,
                  object_start=pair.parent.start_byte,
                  object_line=bisect.bisect_right(breaks, pair.parent.start_byte) + 1)


def object_pairs(text: str) -> tuple[PairAt, ...]:
    """Every ``key: value`` pair of every object literal in ``text``, in source order; ()
    when the text is too large or too slow to parse. Lines are counted as
    :func:`parse_auth_config` counts them (CRLF, CR and LF each end one)."""
    if len(text) > MAX_AUTH_CONFIG_BYTES:
        return ()
    try:
        source, root = _parse_source(text, time.monotonic() + PARSE_SECONDS)
    except _TooSlow:
        return ()
    breaks = [match.end() for match in _LINE_BREAK.finditer(source.data)]
    found: list[PairAt] = []
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and node.type == "pair" \
                and (pair := _pair_at(source, node, breaks)) is not None:
            found.append(pair)
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return tuple(found)


__all__ = ["CANDIDATES", "MAX_AUTH_CONFIG_BYTES", "AuthConfig", "PairAt", "Provider",
           "object_pairs", "parse_auth_config", "read_auth_config"]
