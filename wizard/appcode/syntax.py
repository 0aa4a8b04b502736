"""Parsing JavaScript, TypeScript, JSX, TSX and the script blocks of Svelte and Vue files with
tree-sitter, never executing anything.

Grammars: TypeScript for ``.ts``/``.mts``/``.cts`` (and declaration files), TSX for everything
else. ``tree-sitter-typescript``'s TSX grammar is a superset of JavaScript with JSX and builds
the same nodes for the constructs the checks read (imports, JSX, member reads, calls), so
``.js``/``.jsx``/``.mjs``/``.cjs`` need no third grammar, no third query compile and no
``tree-sitter-javascript`` dependency; the one difference, that TSX reads ``a < b > (c)`` as a
generic call, touches nothing the checks look at. ``.ts`` keeps its own grammar because TSX
cannot read the ``<T>value`` cast.

A ``.svelte`` or ``.vue`` file is parsed whole with only its ``<script>`` blocks included, so
byte offsets and lines are those of the file itself. The blocks are found the way Svelte's own
preprocessor finds them (a pattern over the markup, HTML comments excluded).

tree-sitter loads on first use. Real source parses in microseconds per line; crafted input
whose error recovery turns slow meets a deadline, and a file that does not parse cleanly is
still used for what did parse, its error lines recorded.
"""

from __future__ import annotations

import functools
import re
import time
from typing import TYPE_CHECKING, Literal

from wizard.records import record

if TYPE_CHECKING:
    from tree_sitter import Language, Node, Parser, Range

Grammar = Literal["ts", "tsx"]
_READ_CHUNK = 64 * 1024
_ERROR_LINES_KEPT = 5
_SCRIPT_BLOCK = re.compile(rb"<!--.*?-->|<script(\s[^>]*)?>(.*?)</script\s*>", re.S | re.I)
_LANG_ATTRIBUTE = re.compile(rb"""\blang\s*=\s*["']?(\w+)""", re.I)


_EVERYTHING: list[Range] = []
"""``included_ranges`` that mean the whole input (tree-sitter's default)."""


class ParseTimeout(Exception):
    """tree-sitter gave up at the deadline."""


@functools.lru_cache(maxsize=2)
def language(grammar: Grammar) -> Language:
    from tree_sitter import Language
    from tree_sitter_typescript import language_tsx, language_typescript

    return Language(language_tsx() if grammar == "tsx" else language_typescript())


@functools.lru_cache(maxsize=2)
def parser_for(grammar: Grammar) -> Parser:
    from tree_sitter import Parser

    return Parser(language(grammar))


def grammar_for(name: str) -> Grammar:
    return "ts" if name.endswith((".ts", ".mts", ".cts")) else "tsx"


@record
class Parsed:
    """One parsed file: its bytes and its syntax tree."""

    rel: str
    data: bytes
    root: Node
    grammar: Grammar
    error_lines: tuple[int, ...]
    """The first lines holding an ``ERROR`` or ``MISSING`` node (empty when clean)."""

    def text(self, node: Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    @staticmethod
    def line(node: Node) -> int:
        return node.start_point.row + 1


def _point(data: bytes, offset: int) -> tuple[int, int]:
    row = data.count(b"\n", 0, offset)
    return row, offset - (data.rfind(b"\n", 0, offset) + 1)


def script_ranges(data: bytes) -> tuple[list[Range], Grammar]:
    """The ``<script>`` blocks of a Svelte or Vue file, and the grammar they need."""
    from tree_sitter import Point, Range

    ranges: list[Range] = []
    grammar: Grammar = "ts"
    for match in _SCRIPT_BLOCK.finditer(data):
        if match.group(2) is None:
            continue
        lang = _LANG_ATTRIBUTE.search(match.group(1) or b"")
        if lang is not None and lang.group(1).lower() in (b"tsx", b"jsx"):
            grammar = "tsx"
        start, end = match.span(2)
        ranges.append(Range(Point(*_point(data, start)), Point(*_point(data, end)), start, end))
    return ranges, grammar


def _error_lines(root: Node) -> tuple[int, ...]:
    """Lines of ``ERROR``/``MISSING`` nodes, looking only where ``has_error`` says to."""
    lines: list[int] = []
    stack = [root]
    while stack and len(lines) < _ERROR_LINES_KEPT:
        node = stack.pop()
        if node.is_error or node.is_missing:
            lines.append(node.start_point.row + 1)
            continue
        stack.extend(reversed([child for child in node.children
                               if child.has_error or child.is_missing]))
    return tuple(sorted(set(lines)))


def parse(rel: str, data: bytes, deadline: float) -> Parsed | None:
    """Parse ``data`` (the file ``rel``) by ``deadline`` (a ``time.monotonic()`` value).

    None for a Svelte/Vue file with no script; :class:`ParseTimeout` past the deadline."""
    ranges: list[Range] | None = None
    if rel.endswith((".svelte", ".vue")):
        ranges, grammar = script_ranges(data)
        if not ranges:
            return None
    else:
        grammar = grammar_for(rel)
    parser = parser_for(grammar)
    view = memoryview(data)
    try:
        if ranges is not None:
            parser.included_ranges = ranges
        tree = parser.parse(lambda at, _point: view[at:at + _READ_CHUNK],
                            progress_callback=lambda _at, _error: time.monotonic() > deadline)
    except ValueError:  # cancelled; without a reset the next parse would resume this one
        parser.reset()
        raise ParseTimeout from None
    finally:
        if ranges is not None:
            parser.included_ranges = _EVERYTHING
    root = tree.root_node
    return Parsed(rel, data, root, grammar, _error_lines(root) if root.has_error else ())
