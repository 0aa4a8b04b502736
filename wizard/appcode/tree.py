"""The component tree across files: which JSX elements wrap a given place in the app.

The rule (the same for provider nesting and for auth gating), followed at most
:data:`MAX_DEPTH` components up and :data:`MAX_CHAINS` paths wide:

1. The JSX elements around the place in its own file wrap it.
2. The place belongs to a component (the top-level function around it). Where that
   component is rendered — in its own file, or in a file that imports it by a relative path or
   the ``@/``/``~/`` aliases — the elements around each render site wrap it too, and so on up.
3. A route file of a file-system router has no render site; its layouts are its parents:
   Next.js ``layout`` files up the ``app/`` folders (at their ``{children}``), Expo Router
   ``_layout`` files (at ``<Slot>``/``<Stack>``/``<Tabs>``/``<Drawer>``), TanStack Start's
   ``__root`` (at ``<Outlet>``). A layout that names neither Convex nor Clerk is not parsed and
   passes its children straight through.
4. A path ends at the top of the app (``root``) when it reaches module-level JSX (``main.tsx``'s
   ``createRoot(...).render(...)``) or the component of a root file (Next.js's root layout and
   ``pages/_app``, Expo Router's root ``_layout``, TanStack Start's ``__root``, Remix's
   ``root``). It ends ``open`` when no render site is found or a bound is reached: then what
   wraps the place further up is unknown, and the checks say so rather than guess.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import field
from typing import TYPE_CHECKING, Literal

from wizard.appcode.facts import Component, FileFacts, Import, Jsx
from wizard.records import record

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_DEPTH = 8
MAX_CHAINS = 16
_STRIPPED_SUFFIXES = (".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts", ".svelte",
                      ".vue")
_ROUTE_OUTLETS = frozenset({"Slot", "Stack", "Tabs", "Drawer", "Outlet"})
_CHILDREN = frozenset({"{children}", "{props.children}"})
_NEXT_ROUTE_FILES = frozenset({"page", "layout", "template", "default", "loading", "error",
                               "not-found"})
_ROOT_FILES = frozenset({"pages/_app", "src/pages/_app", "app/root", "src/root"})


def _stem(rel: str) -> str:
    for suffix in _STRIPPED_SUFFIXES:
        if rel.endswith(suffix):
            return rel[: -len(suffix)]
    return rel


@record(frozen=True)
class Wrapper:
    facts: FileFacts
    jsx: Jsx


@record(frozen=True)
class Chain:
    wrappers: tuple[Wrapper, ...]
    """Innermost first."""
    end: Literal["root", "open"]


@record
class SourceTree:
    """The parsed files of one app, indexed for following imports and routes."""

    files: list[FileFacts]
    all_sources: frozenset[str] = frozenset()
    """Every source file seen, parsed or not (a route layout may exist unparsed)."""
    by_stem: dict[str, FileFacts] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for facts in self.files:
            stem = _stem(facts.rel)
            self.by_stem[stem] = facts
            if stem.endswith("/index"):
                self.by_stem.setdefault(stem[: -len("/index")], facts)

    def module_file(self, importer: str, spec: str) -> FileFacts | None:
        """The parsed file an import specifier names, for relative and aliased imports."""
        if spec.startswith(("./", "../")):
            bases = [posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))]
        elif spec.startswith(("@/", "~/")):
            rest = spec[2:]
            bases = [f"src/{rest}", rest, f"app/{rest}"]
        else:
            return None
        for base in bases:
            found = self.by_stem.get(_stem(base)) or self.by_stem.get(base)
            if found is not None:
                return found
        return None

    # -- where a component is rendered ------------------------------------------------------
    def render_sites(self, facts: FileFacts, component: Component) -> list[tuple[FileFacts, Node]]:
        sites: list[tuple[FileFacts, Node]] = []
        if component.name is not None:
            sites += [(facts, jsx.element) for jsx in facts.jsx
                      if jsx.name == component.name and not _within(jsx.tag, component.node)]
        for other, imported in self.importers.get(facts.rel, ()):
            if other is not facts and (imported.name == component.name or (
                    imported.name == "default" and component.default_export)):
                sites += [(other, jsx.element) for jsx in other.jsx
                          if jsx.name == imported.local]
        return sites

    @functools.cached_property
    def importers(self) -> dict[str, list[tuple[FileFacts, Import]]]:
        """For each parsed file, the parsed files importing it and what they import."""
        index: dict[str, list[tuple[FileFacts, Import]]] = {}
        for other in self.files:
            for imported in other.imports.values():
                target = self.module_file(other.rel, imported.module)
                if target is not None:
                    index.setdefault(target.rel, []).append((other, imported))
        return index

    # -- file-system routers ----------------------------------------------------------------
    def _route(self, rel: str) -> tuple[str, str, bool] | None:
        """``(routes folder, layout name, is a layout)`` for a route file, else None."""
        name = posixpath.basename(_stem(rel))
        for top in ("app", "src/app"):
            if rel.startswith(top + "/"):
                if any(s.startswith(f"{top}/_layout.") for s in self.all_sources):
                    return top, "_layout", name == "_layout"
                if name in _NEXT_ROUTE_FILES:
                    return top, "layout", name == "layout"
                return None
        for top in ("src/routes", "app/routes"):
            if rel.startswith(top + "/"):
                return top, "__root", name == "__root"
        return None

    def is_root_file(self, rel: str) -> bool:
        stem = _stem(rel)
        if stem in _ROOT_FILES:
            return True
        route = self._route(rel)
        return route is not None and route[2] and posixpath.dirname(stem) == route[0]

    def route_parents(self, rel: str) -> list[tuple[FileFacts, Node]] | None:
        """Where the enclosing layout renders a route file; None when ``rel`` is no route file;
        an empty list when its layouts are unknown."""
        route = self._route(rel)
        if route is None:
            return None
        top, layout, is_layout = route
        folder = posixpath.dirname(rel)
        if is_layout:
            folder = posixpath.dirname(folder)
        while folder == top or folder.startswith(top + "/"):
            for candidate in self.files:
                if posixpath.dirname(candidate.rel) == folder and \
                        posixpath.basename(_stem(candidate.rel)) == layout:
                    return [(candidate, node) for node in _outlets(candidate)]
            folder = posixpath.dirname(folder)
        return []

    # -- chains -----------------------------------------------------------------------------
    def chains(self, facts: FileFacts, node: Node) -> list[Chain]:
        """Every path from ``node`` up to the top of the app (bounded), each with its
        wrapping elements."""
        return self._chains(facts, node, MAX_DEPTH, frozenset())[:MAX_CHAINS]

    def _chains(self, facts: FileFacts, node: Node, depth: int,
                seen: frozenset[tuple[str, int]]) -> list[Chain]:
        here = tuple(Wrapper(facts, jsx) for jsx in _jsx_ancestors(facts, node))
        component = facts.component_of(node)
        if component is None or (component.default_export and self.is_root_file(facts.rel)):
            return [Chain(here, "root")]
        key = (facts.rel, component.node.start_byte)
        if depth <= 0 or key in seen:
            return [Chain(here, "open")]
        parents = self.route_parents(facts.rel) if component.default_export else None
        if parents is None:
            parents = self.render_sites(facts, component)
        if not parents:
            return [Chain(here, "open")]
        found: list[Chain] = []
        for parent_facts, parent_node in parents:
            for chain in self._chains(parent_facts, parent_node, depth - 1, seen | {key}):
                found.append(Chain(here + chain.wrappers, chain.end))
                if len(found) >= MAX_CHAINS:
                    return found
        return found


def _within(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _jsx_ancestors(facts: FileFacts, node: Node) -> list[Jsx]:
    by_element = {(jsx.element.start_byte, jsx.element.end_byte): jsx for jsx in facts.jsx}
    found: list[Jsx] = []
    current = node.parent
    while current is not None:
        if current.type == "jsx_element":
            jsx = by_element.get((current.start_byte, current.end_byte))
            if jsx is not None:
                found.append(jsx)
        current = current.parent
    return found


def _outlets(layout: FileFacts) -> list[Node]:
    """Where a layout renders its route's content."""
    found: list[Node] = []
    for jsx in layout.jsx:
        if jsx.name in _ROUTE_OUTLETS:
            found.append(jsx.element)
        element = jsx.element
        if element.type == "jsx_element":
            found += [child for child in element.named_children
                      if child.type == "jsx_expression" and layout.text(child) in _CHILDREN]
    return found
