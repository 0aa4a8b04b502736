"""Which framework the app is built with: ``package.json`` dependencies decide, files confirm.

File names alone are ambiguous (``app/`` is Next.js's App Router and Expo Router's folder,
``app.config.ts`` is Expo's and old TanStack Start's), so a dependency decides whenever there
is one; only a project without a readable ``package.json`` is judged by its files.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from wizard.appcode.model import Framework
from wizard.guards.files import read_regular_file

_MANIFEST_BYTES = 1024 * 1024
_MAJOR = re.compile(r"(\d+)")
_CLIENT_LIBRARIES = ("convex", "convex-svelte", "convex-vue", "convex-nuxt")
_COMMUNITY_CLERK = ("svelte-clerk", "vue-clerk")
_SCRIPT_SUFFIXES = (".tsx", ".ts", ".jsx", ".js", ".mjs", ".mts", ".cjs", ".cts")
# (framework, the dependency that decides it), most specific first: a Next or Expo app also
# depends on react, a TanStack Start app on vite.
_BY_DEPENDENCY: tuple[tuple[str, str], ...] = (
    ("next", "next"), ("expo", "expo"), ("expo", "react-native"),
    ("tanstack-start", "@tanstack/react-start"), ("tanstack-start", "@tanstack/start"),
    ("sveltekit", "@sveltejs/kit"), ("nuxt", "nuxt"), ("svelte", "svelte"), ("vue", "vue"),
    ("cra", "react-scripts"), ("vite-react", "vite"))
_BY_FILE: tuple[tuple[str, str], ...] = (
    ("next", "next.config"), ("sveltekit", "svelte.config"), ("nuxt", "nuxt.config"),
    ("vite-react", "vite.config"))


def inside(root: Path, rel: str) -> Path | None:
    """``root/rel`` when it resolves (symlinks followed) to a place inside the project."""
    top = os.path.realpath(root)
    real = os.path.realpath(os.path.join(top, rel))
    return Path(real) if real == top or real.startswith(top.rstrip(os.sep) + os.sep) else None


def read_json(root: Path, rel: str, limit: int = _MANIFEST_BYTES) -> object:
    """The parsed JSON file ``root/rel``; None when it is absent, refused, outside the project
    (through a symlink) or not JSON."""
    path = inside(root, rel)
    if path is None:
        return None
    try:
        return json.loads(read_regular_file(path, limit).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def workspace_patterns(root: Path) -> list[tuple[str, bool]]:
    """The root ``package.json`` ``workspaces`` as ``(folder, True)`` for ``folder/*`` (its
    subfolders are the packages) or ``(folder, False)`` for a package named outright; other
    globs, absolute paths, negations and ``..`` are left out."""
    manifest = read_json(root, "package.json")
    patterns: object = manifest.get("workspaces") if isinstance(manifest, dict) else None
    if isinstance(patterns, dict):
        patterns = patterns.get("packages")
    found: list[tuple[str, bool]] = []
    for pattern in patterns[:64] if isinstance(patterns, list) else []:
        if not isinstance(pattern, str) or pattern.startswith(("/", "!")) or ".." in pattern:
            continue
        base = pattern.rstrip("/")
        if base.endswith(("/*", "/**")):
            base = base.rsplit("/", 1)[0]
            if "*" not in base:
                found.append((base, True))
        elif "*" not in base and base:
            found.append((base, False))
    return found


def dependencies(manifest: object) -> dict[str, str]:
    """Every dependency named in a ``package.json`` (runtime, dev and peer), with its range."""
    found: dict[str, str] = {}
    if isinstance(manifest, dict):
        for section in ("peerDependencies", "devDependencies", "dependencies"):
            deps = manifest.get(section)
            if isinstance(deps, dict):
                found.update({k: v for k, v in deps.items() if isinstance(v, str)})
    return found


def _first_file(root: Path, folder: str, stem: str) -> str | None:
    for suffix in _SCRIPT_SUFFIXES:
        rel = f"{folder}/{stem}{suffix}" if folder else f"{stem}{suffix}"
        if os.path.isfile(root / rel):
            return rel
    return None


def _major(root: Path, package: str, declared: str | None) -> int | None:
    installed = read_json(root, f"node_modules/{package}/package.json")
    version = installed.get("version") if isinstance(installed, dict) else None
    for text in (version, declared):
        if isinstance(text, str):
            match = _MAJOR.search(text)
            if match:
                return int(match.group(1))
    return None


def _routers(root: Path, name: str, evidence: list[str]) -> tuple[str, ...]:
    routers: list[str] = []
    if name == "next":
        for router, folder, stem in (("app", "app", "layout"), ("app", "src/app", "layout"),
                                     ("pages", "pages", "_app"), ("pages", "src/pages", "_app")):
            found = _first_file(root, folder, stem)
            if found is not None and router not in routers:
                routers.append(router)
                evidence.append(found)
    elif name == "expo":
        found = _first_file(root, "app", "_layout") or _first_file(root, "src/app", "_layout")
        if found is not None:
            routers.append("expo-router")
            evidence.append(found)
    return tuple(routers)


def detect_framework(root: Path) -> Framework:
    manifest = read_json(root, "package.json")
    deps: Mapping[str, str] = dependencies(manifest)
    evidence: list[str] = []
    name = "unknown"
    decided_by: str | None = None
    for framework, dependency in _BY_DEPENDENCY:
        if dependency in deps:
            name, decided_by = framework, dependency
            evidence.append(f"package.json:{dependency}")
            break
    if name == "vite-react" and "react" not in deps:
        name = "unknown"
    if decided_by is None:
        for framework, stem in _BY_FILE:
            found = _first_file(root, "", stem)
            if found is not None:
                name = framework
                evidence.append(found)
                break
    clerk = tuple(sorted(d for d in deps if d.startswith("@clerk/") or d in _COMMUNITY_CLERK))
    clients = tuple(d for d in _CLIENT_LIBRARIES if d in deps)
    return Framework(name=name, routers=_routers(root, name, evidence),
                     evidence=tuple(evidence), clerk_packages=clerk, convex_clients=clients,
                     major=None if decided_by is None else _major(root, decided_by,
                                                                  deps.get(decided_by)))
