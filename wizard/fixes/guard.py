"""What every write of a fix goes through: inside the project, writable, atomic.

Tests (and many containers) run as root, for whom every file is writable and ``os.access``
says yes; a file the user made read-only is recognised by its permission bits instead
(research-16-17.md §16.2). A file is replaced atomically: a temporary file in the same
folder, fsync, ``os.replace`` over the real file (a symlink inside the project is followed, so
the link stays a link), with the original file's mode.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from wizard.fixes.model import Refusal, Refused
from wizard.guards.files import FileRefused, read_regular_file, write_atomically
from wizard.guards.redaction import scrub

MAX_EDITED_BYTES = 1024 * 1024
"""``.env`` files and auth configs are small; past this a file is not edited."""
NEW_FILE_MODE = 0o644
_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
_WORDS = re.compile(r"[^\s'\"`=#,;]+")


def resolve_inside(root: Path, rel: str) -> Path:
    """Where ``root/rel`` really is, links followed; refused when that is outside ``root``
    (a ``.env.local`` linked to a file elsewhere, ``..`` in the path)."""
    real_root = root.resolve()
    try:
        target = (real_root / rel).resolve()
    except (OSError, RuntimeError):  # a link loop
        raise Refused(Refusal.OUTSIDE_PROJECT, path=rel) from None
    if not target.is_relative_to(real_root) or target == real_root:
        raise Refused(Refusal.OUTSIDE_PROJECT, path=rel)
    return target


def read_current(target: Path, rel: str) -> bytes | None:
    """The file's bytes now; None when it does not exist."""
    try:
        return read_regular_file(target, MAX_EDITED_BYTES)
    except FileRefused as exc:
        refusal = Refusal.UNREADABLE if exc.too_large else Refusal.NOT_REGULAR_FILE
        raise Refused(refusal, path=rel) from None
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise Refused(Refusal.UNREADABLE, path=rel, why=exc.strerror or str(exc)) from None


def _read_only(path: Path) -> bool:
    return os.stat(path).st_mode & _WRITE_BITS == 0 or not os.access(path, os.W_OK)


def refuse_unwritable(target: Path, rel: str) -> None:
    """Refused when the file (or, for a new or removed file, its folder) is read-only."""
    folder = target.parent
    try:
        if target.exists() and _read_only(target):
            raise Refused(Refusal.READ_ONLY, path=rel)
        if _read_only(folder):
            raise Refused(Refusal.READ_ONLY_FOLDER, path=rel)
    except OSError as exc:
        raise Refused(Refusal.UNREADABLE, path=rel, why=exc.strerror or str(exc)) from None


def secrets_in(data: bytes) -> set[str]:
    """The secret-shaped words of a text, as :func:`wizard.redaction.scrub` recognises them."""
    text = data.decode("utf-8", "replace")
    return {word for word in _WORDS.findall(text) if scrub(word) != word}


def refuse_new_secret(old: bytes | None, new: bytes | None, rel: str) -> None:
    """A fix moves or keeps secrets; it never writes one the file did not already hold."""
    if new is not None and secrets_in(new) - secrets_in(old or b""):
        raise Refused(Refusal.NEW_SECRET, path=rel)


def write_file(target: Path, data: bytes, mode: int | None) -> None:
    """Replace (or create) ``target`` atomically with ``mode`` (a new file: 0644; a fix
    never writes a secret into a file that did not hold it)."""
    write_atomically(target, data, NEW_FILE_MODE if mode is None else mode, temp_suffix=".fix")


def file_mode(target: Path) -> int:
    return stat.S_IMODE(os.stat(target).st_mode)
