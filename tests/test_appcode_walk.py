"""The two ways the reader finds its candidates agree: the Python walk used for small files
gives exactly the tree-sitter query's matches, in the same order, on every sample app's files
and on any soup of tokens (either may serve any file, so they must never differ)."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st
from tree_sitter import Node, QueryCursor

from tests.appcode_apps import APPS
from tests.test_appcode import _TOKENS
from wizard.appcode.facts import _query, _walked
from wizard.appcode.syntax import Parsed, parse

Shape = list[dict[str, list[tuple[str, int, int]]]]


def _shape(matches: list[dict[str, list[Node]]]) -> Shape:
    return [{name: [(n.type, n.start_byte, n.end_byte) for n in nodes]
             for name, nodes in sorted(captures.items())} for captures in matches]


def _both(parsed: Parsed) -> tuple[Shape, Shape]:
    queried = [captures for _p, captures in
               QueryCursor(_query(parsed.grammar)).matches(parsed.root)]
    return _shape(list(_walked(parsed))), _shape(queried)


def _parsed(rel: str, text: str) -> Parsed:
    parsed = parse(rel, text.encode(), time.monotonic() + 30)
    assert parsed is not None
    return parsed


def test_the_walk_finds_what_the_query_finds_in_every_sample_file() -> None:
    compared = 0
    for files in APPS.values():
        for rel, text in files.items():
            if rel.endswith((".ts", ".tsx", ".js", ".jsx", ".svelte", ".vue")):
                walked, queried = _both(_parsed(rel, text))
                assert walked == queried, rel
                compared += bool(queried)
    assert compared >= 10


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=120),
       st.sampled_from(["a.tsx", "a.ts", "a.jsx"]))
def test_the_walk_finds_what_the_query_finds_in_any_token_soup(tokens: list[str],
                                                               rel: str) -> None:
    walked, queried = _both(_parsed(rel, " ".join(tokens)))
    assert walked == queried
