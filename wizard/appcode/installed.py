"""What is installed under ``node_modules``: the props of the installed
``ConvexProviderWithClerk``, and every copy of ``convex``.

Nothing is read outside the project: a path that resolves (through a symlink) elsewhere is
treated as absent. The searches are bounded: a package is never walked into, only its own
``node_modules`` folder is looked at, to a fixed depth and a fixed number of folders.
"""

from __future__ import annotations

import os
import posixpath
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.appcode.framework import inside, read_json, workspace_patterns
from wizard.appcode.syntax import ParseTimeout, parse
from wizard.guards.files import read_regular_file
from wizard.records import record

if TYPE_CHECKING:
    from tree_sitter import Node

DEFAULT_PROPS: tuple[str, ...] = ("children", "client", "useAuth")
"""The props of every published ``convex`` 1.x (research-16-17 §17.1)."""
_DECLARATION_BYTES = 256 * 1024
_PARSE_SECONDS = 0.5
_FALLBACKS = ("dist/esm-types/react-clerk/ConvexProviderWithClerk.d.ts",
              "dist/cjs-types/react-clerk/ConvexProviderWithClerk.d.ts",
              "dist/types/react-clerk/ConvexProviderWithClerk.d.ts",
              "src/react-clerk/ConvexProviderWithClerk.tsx")
_FUNCTIONS = frozenset({"function_signature", "function_declaration"})
_NESTING_DEPTH = 3
"""``node_modules/a/node_modules/b/node_modules/convex`` is as deep as npm nests in practice."""
MAX_NODE_MODULES = 2000
"""``node_modules`` folders looked into, all layouts together."""
_YARN_RESOLUTION = re.compile(r'^\s*resolution:\s*"convex@npm:([^"]+)"', re.M)
_YARN_LOCK_BYTES = 16 * 1024 * 1024


def _types_entry(entry: object) -> str | None:
    """The ``types`` path of an ``exports`` entry: flat, or under ``import``/``require``."""
    if isinstance(entry, str):
        return entry if entry.endswith((".d.ts", ".d.mts", ".d.cts")) else None
    if isinstance(entry, dict):
        for key in ("types", "import", "require", "default"):
            if key in entry:
                found = _types_entry(entry[key])
                if found is not None:
                    return found
    return None


def _props_in(rel: str, data: bytes) -> tuple[str, ...] | None:
    """The property names of ``ConvexProviderWithClerk``'s first parameter's object type."""
    try:
        parsed = parse(rel, data, time.monotonic() + _PARSE_SECONDS)
    except ParseTimeout:
        return None
    if parsed is None:
        return None
    stack: list[Node] = [parsed.root]
    while stack:
        node = stack.pop()
        name = node.child_by_field_name("name") if node.type in _FUNCTIONS else None
        if name is not None and data[name.start_byte:name.end_byte] == b"ConvexProviderWithClerk":
            params = node.child_by_field_name("parameters")
            first = params.named_children[0] if params is not None and params.named_children \
                else None
            annotation = first.child_by_field_name("type") if first is not None else None
            shape = next((c for c in annotation.named_children if c.type == "object_type"),
                         None) if annotation is not None else None
            if shape is None:
                return None
            props = [shape_child.child_by_field_name("name") for shape_child in
                     shape.named_children if shape_child.type == "property_signature"]
            return tuple(data[p.start_byte:p.end_byte].decode("utf-8", "replace")
                         for p in props if p is not None)
        stack.extend(node.named_children)
    return None


def provider_props(root: Path) -> tuple[tuple[str, ...], str]:
    """The props the installed ``ConvexProviderWithClerk`` accepts and where they were read;
    :data:`DEFAULT_PROPS` and ``default`` when no installed declaration can be read."""
    manifest = read_json(root, "node_modules/convex/package.json")
    candidates: list[str] = []
    if isinstance(manifest, dict):
        exports = manifest.get("exports")
        types = _types_entry(exports.get("./react-clerk")) if isinstance(exports, dict) else None
        if types is not None:
            folder = posixpath.dirname(posixpath.normpath(types))
            candidates += [posixpath.join(folder, "ConvexProviderWithClerk.d.ts"),
                           posixpath.normpath(types)]
    candidates += [c for c in _FALLBACKS if c not in candidates]
    for candidate in candidates:
        if candidate.startswith(".."):
            continue
        rel = f"node_modules/convex/{candidate}"
        path = inside(root, rel)
        if path is None:
            continue
        try:
            data = read_regular_file(path, _DECLARATION_BYTES)
        except OSError:
            continue
        props = _props_in(rel, data)
        if props:
            return props, rel
    return DEFAULT_PROPS, "default"


# -- copies of convex ----------------------------------------------------------------------

@record(frozen=True)
class ConvexCopy:
    path: str
    """Relative to the project (the ``.pnpm`` store entry for pnpm, a lock entry for PnP)."""
    version: str


def _version_at(root: Path, rel: str) -> str | None:
    manifest = read_json(root, f"{rel}/package.json")
    if isinstance(manifest, dict) and manifest.get("name") == "convex":
        version = manifest.get("version")
        return version if isinstance(version, str) else "?"
    return None


def _is_real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _real_subfolders(folder: str | Path) -> list[str]:
    """Names of the folder's subfolders that are not symlinks nor hidden, in name order
    (``DirEntry`` answers from the listing itself, without a stat per entry)."""
    try:
        with os.scandir(folder) as listing:
            return sorted(entry.name for entry in listing if not entry.name.startswith(".")
                          and entry.is_dir(follow_symlinks=False))
    except OSError:
        return []


def _workspace_folders(root: Path) -> list[str]:
    """Workspace package folders named by ``package.json`` ``workspaces``."""
    folders: list[str] = []
    for base, members in workspace_patterns(root):
        if not members:
            if _is_real_dir(root / base):
                folders.append(base)
        elif inside(root, base) is not None:
            folders += [f"{base}/{name}" for name in
                        _real_subfolders(root / base)[:MAX_NODE_MODULES]]
    return folders


class _CopySearch:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.visited = 0
        self.copies: list[ConvexCopy] = []
        self.real_paths: set[str] = set()

    def add(self, rel: str) -> None:
        version = _version_at(self.root, rel)
        real = os.path.realpath(self.root / rel)
        if version is not None and real not in self.real_paths and ".pnpm" not in Path(real).parts:
            self.real_paths.add(real)
            self.copies.append(ConvexCopy(rel, version))

    def node_modules(self, rel: str, depth: int) -> None:
        """``rel`` is a ``node_modules`` folder: its convex, then its packages' own."""
        folder = os.path.join(self.root, rel)
        if (self.visited >= MAX_NODE_MODULES or not os.path.isdir(folder)
                or os.path.islink(folder) or inside(self.root, rel) is None):
            return
        self.visited += 1
        self.add(f"{rel}/convex")
        if depth <= 0:
            return
        for name in _real_subfolders(folder):
            packages = ([f"{name}/{scoped}" for scoped in
                         _real_subfolders(os.path.join(folder, name))]
                        if name.startswith("@") else [name])
            for package in packages:  # string paths: a big node_modules makes this the hot loop
                if os.path.isdir(os.path.join(folder, package, "node_modules")):
                    self.node_modules(f"{rel}/{package}/node_modules", depth - 1)

    def pnpm_store(self) -> None:
        store = self.root / "node_modules" / ".pnpm"
        if not _is_real_dir(store) or inside(self.root, "node_modules/.pnpm") is None:
            return
        try:
            names = sorted(os.listdir(store))
        except OSError:
            return
        for name in names:
            if name.startswith("convex@"):
                rel = f"node_modules/.pnpm/{name}/node_modules/convex"
                version = _version_at(self.root, rel) or name[len("convex@"):].split("_")[0]
                self.copies.append(ConvexCopy(rel, version))

    def yarn_pnp(self) -> None:
        path = inside(self.root, "yarn.lock")
        if path is None:
            return
        try:
            text = read_regular_file(path, _YARN_LOCK_BYTES).decode("utf-8", "replace")
        except OSError:
            return
        for version in sorted(set(_YARN_RESOLUTION.findall(text))):
            self.copies.append(ConvexCopy(f"yarn.lock:convex@npm:{version}", version))


def convex_copies(root: Path) -> tuple[list[ConvexCopy], str]:
    """Every installed copy of ``convex`` and the layout they were found in (``npm``,
    ``pnpm``, ``yarn-pnp``)."""
    search = _CopySearch(root)
    if (root / ".pnp.cjs").is_file() and not (root / "node_modules").is_dir():
        search.yarn_pnp()
        return search.copies, "yarn-pnp"
    search.pnpm_store()
    layout = "pnpm" if search.copies else "npm"
    search.node_modules("node_modules", _NESTING_DEPTH)
    for folder in _workspace_folders(root):
        search.node_modules(f"{folder}/node_modules", _NESTING_DEPTH)
    return search.copies, layout
