"""Finding the app's own source files, within bounds, without leaving the project.

Where the reader looks:

- the conventional source folders (:data:`SOURCE_ROOTS`: ``src/``, ``app/`` — also Expo
  Router's —, ``pages/``, ``components/``, ``lib/``), to any depth;
- everywhere else at most :attr:`Limits.shallow_depth` folders down (the project root's own
  files included; a monorepo's workspace package folders excluded), keeping only files that
  import ``convex/react*``, ``convex/nextjs``,
  ``convex/browser``, ``@clerk/*`` or a Convex client for Svelte/Vue: a ``providers/`` folder
  or a root ``middleware.ts`` is found, a monorepo's thousands of package files are not read.

What it never does: enter :data:`SKIPPED_FOLDERS` (dependencies, build output), a hidden
folder, or a path the root ``.gitignore`` ignores (matched by ``pathspec``'s implementation of
git's own rules, negations included); follow a symlink whose target is outside the project;
open anything but a regular file (each read goes through :func:`wizard.guards.files.read_regular_file`,
which checks again after opening). Each bound that stops the walk is recorded in the
:class:`~wizard.appcode.model.SourceScan` with what it left out.
"""

from __future__ import annotations

import os
import re
import stat
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.appcode.model import SourceScan
from wizard.guards.files import FileRefused, read_regular_file
from wizard.records import record

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

SOURCE_ROOTS: tuple[str, ...] = ("src", "app", "pages", "components", "lib")
SKIPPED_FOLDERS: frozenset[str] = frozenset({"node_modules", "dist", "build", ".next", ".output",
                                             ".svelte-kit", ".expo", "coverage"})
SOURCE_SUFFIXES: frozenset[str] = frozenset({".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts",
                                             ".cts", ".svelte", ".vue"})
_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
SKIPPED_LISTED = 50
"""Skipped paths kept by name; past this they are only counted."""
_GITIGNORE_BYTES = 256 * 1024

_MENTIONS = re.compile(rb"(?i)convex|clerk")
"""A file that names neither cannot hold anything the checks look at, so it is not parsed."""
_Folder = tuple[str, str, int | None, bool]
"""A folder to walk: its path, its relative name, how deep below it to go (None: no bound),
and whether only files importing a Convex or Clerk client count."""
_CLIENT_IMPORT = re.compile(
    rb"""['"](?:convex/(?:react|nextjs|browser)|@clerk/|convex-(?:svelte|vue|nuxt)"""
    rb"""|svelte-clerk|vue-clerk)""")


@record(frozen=True)
class Limits:
    """The bounds of one reading. The defaults fit real apps many times over."""

    max_files: int = 4000
    """Source files read."""
    max_file_bytes: int = 512 * 1024
    """A bigger "source" file is a bundle or generated code, not the app's own."""
    max_total_bytes: int = 32 * 1024 * 1024
    max_folders: int = 4000
    """Folders listed."""
    shallow_depth: int = 2
    """How far below the root (outside :data:`SOURCE_ROOTS`) files are looked for."""
    parse_seconds_per_file: float = 0.5
    parse_seconds_total: float = 10.0


@record(frozen=True)
class SourceFile:
    rel: str
    """Relative to the project, POSIX separators."""
    data: bytes


def _is_source(name: str) -> bool:
    return (os.path.splitext(name)[1] in SOURCE_SUFFIXES
            and not name.endswith(_DECLARATION_SUFFIXES))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # gone since the listing
        return False


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def load_gitignore(root: Path) -> GitIgnoreSpec | None:
    """The root ``.gitignore`` as git reads it, or None when there is none to read."""
    try:
        data = read_regular_file(root / ".gitignore", _GITIGNORE_BYTES)
    except OSError:
        return None
    from pathspec import GitIgnoreSpec  # only a project with a .gitignore pays for the import

    return GitIgnoreSpec.from_lines(data.decode("utf-8", "replace").splitlines())


class _Walk:
    def __init__(self, root: Path, limits: Limits, scan: SourceScan) -> None:
        self.root = os.path.realpath(root)
        self.limits = limits
        self.scan = scan
        self.ignore = load_gitignore(Path(self.root))
        self.folders = 0
        self.seen_dirs: set[tuple[int, int]] = set()
        self.found: list[SourceFile] = []

    def skip(self, rel: str, reason: str) -> None:
        self.scan.skip(rel, reason, SKIPPED_LISTED)

    def ignored(self, rel: str, folder: bool) -> bool:
        return self.ignore is not None and self.ignore.match_file(rel + "/" if folder else rel)

    def entries(self, path: str, rel: str) -> Iterator[tuple[os.DirEntry[str], str]]:
        """The folder's entries in name order, or none when a bound is reached."""
        if self.folders >= self.limits.max_folders:
            self.skip(rel or ".", "folder_limit")
            return
        try:
            info = os.stat(path)
        except OSError:
            self.skip(rel or ".", "unreadable")
            return
        identity = (info.st_dev, info.st_ino)
        if identity in self.seen_dirs:  # a symlink loop or a second link to one folder
            return
        self.seen_dirs.add(identity)
        self.folders += 1
        try:
            with os.scandir(path) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            self.skip(rel or ".", "unreadable")
            return
        for entry in entries:
            yield entry, f"{rel}/{entry.name}" if rel else entry.name

    def follow(self, entry: os.DirEntry[str], rel: str) -> bool:
        """True when ``entry`` may be entered or read: a symlink must stay in the project."""
        if entry.is_symlink() and not _inside(os.path.realpath(entry.path), self.root):
            self.skip(rel, "symlink_outside")
            return False
        return True

    def walk(self, queue: deque[_Folder]) -> None:
        """Read the source files under the queued folders, breadth first: a folder's own
        files before any of its subfolders', so a bound reached in a deep tree costs the
        deepest files, never ``src/main.tsx``."""
        while queue:
            path, rel, depth, only_clients = queue.popleft()
            for entry, entry_rel in self.entries(path, rel):
                if _is_dir(entry):
                    if self.enterable(entry, entry_rel, depth):
                        queue.append((entry.path, entry_rel,
                                      None if depth is None else depth - 1, only_clients))
                elif self.readable(entry, entry_rel):
                    self.read(entry, entry_rel, only_clients)

    def enterable(self, entry: os.DirEntry[str], rel: str, depth: int | None) -> bool:
        name = entry.name
        return not (name.startswith(".") or name in SKIPPED_FOLDERS
                    or (depth is not None and depth <= 0)
                    or self.ignored(rel, folder=True) or not self.follow(entry, rel))

    def readable(self, entry: os.DirEntry[str], rel: str) -> bool:
        return (_is_source(entry.name) and not self.ignored(rel, folder=False)
                and self.follow(entry, rel))

    def read(self, entry: os.DirEntry[str], rel: str, only_clients: bool) -> None:
        self.scan.files_seen += 1
        self.scan.paths_seen.add(rel)
        try:
            info = entry.stat()
        except OSError:
            self.skip(rel, "unreadable")
            return
        if not stat.S_ISREG(info.st_mode):  # never opened: a FIFO blocks, a device never ends
            self.skip(rel, "not_regular")
            return
        if info.st_size > self.limits.max_file_bytes:
            self.skip(rel, "too_large")
            return
        if self.scan.files_read >= self.limits.max_files:
            self.skip(rel, "file_limit")
            return
        room = self.limits.max_total_bytes - self.scan.bytes_read
        if info.st_size > room:
            self.skip(rel, "byte_limit")
            return
        try:
            data = read_regular_file(Path(entry.path), min(room, self.limits.max_file_bytes))
        except FileRefused as exc:
            self.skip(rel, "too_large" if exc.too_large else "not_regular")
            return
        except OSError:
            self.skip(rel, "unreadable")
            return
        self.scan.files_read += 1
        self.scan.bytes_read += len(data)
        wanted = _CLIENT_IMPORT if only_clients else _MENTIONS
        if wanted.search(data):
            self.found.append(SourceFile(rel, data))


def discover_sources(root: Path, limits: Limits, scan: SourceScan,
                     other_packages: frozenset[str] = frozenset()) -> list[SourceFile]:
    """The project's source files that can matter to the checks, read within ``limits``.

    ``other_packages`` are folders (relative) holding other workspace packages: their code is
    not this app's, and the shallow search does not enter them. Every file seen is counted in
    ``scan``; those skipped are recorded there with the reason."""
    walk = _Walk(root, limits, scan)
    top = walk.root
    queue: deque[_Folder] = deque()
    for name in SOURCE_ROOTS:
        path = os.path.join(top, name)
        if not os.path.isdir(path) or walk.ignored(name, folder=True):
            continue
        if os.path.islink(path) and not _inside(os.path.realpath(path), top):
            walk.skip(name, "symlink_outside")
            continue
        queue.append((path, name, None, False))
    walk.walk(queue)
    for entry, rel in walk.entries(top, ""):
        if _is_dir(entry):
            if (entry.name not in SOURCE_ROOTS and rel not in other_packages
                    and walk.enterable(entry, rel, limits.shallow_depth)):
                queue.append((entry.path, rel, limits.shallow_depth - 1, True))
        elif walk.readable(entry, rel):
            walk.read(entry, rel, only_clients=True)
    walk.walk(queue)
    return walk.found
