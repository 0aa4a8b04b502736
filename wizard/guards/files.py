"""Reading files that a repository or the user supplied: regular files only, never past a cap.

A repository can commit any path as a FIFO (reading it blocks forever) or as a symlink to
``/dev/zero`` (reading it exhausts memory), and a 200 MB ``.env`` is still a regular file.
Every read of a project or user file goes through :func:`read_regular_file`, which looks
before it opens (a device is never opened at all), opens without blocking and without taking
a terminal, checks that what it opened is a regular file, and reads at most one byte past the
cap, so the largest read is bounded by the cap whatever the file claims its size to be.

Symlinks are followed: monorepos share one ``.env`` between their apps that way, and what a
link points at passes the same checks as any file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0))
_CHUNK = 1024 * 1024


class FileRefused(OSError):
    """A file that was deliberately not read; ``str()`` says why, after the file's name
    ("is a FIFO, not a regular file", "is larger than 256 KiB")."""

    def __init__(self, reason: str, mode: int = 0) -> None:
        super().__init__(reason)
        self.mode = mode
        """The file's mode when it is not a regular file, else 0."""

    @property
    def is_folder(self) -> bool:
        return stat.S_ISDIR(self.mode)

    @property
    def too_large(self) -> bool:
        return self.mode == 0


def size_text(size: int) -> str:
    """``256 KiB``, ``1 MiB``: caps are powers of two, shown the way people count them."""
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def refuse_special(mode: int) -> None:
    """Raise :class:`FileRefused` unless ``mode`` is a regular file's."""
    if not stat.S_ISREG(mode):
        raise FileRefused(f"is {_kind(mode)}, not a regular file", mode)


def read_regular_file(path: Path, limit: int, *, head: bool = False) -> bytes:
    """The file's bytes, at most ``limit`` of them.

    Raises :class:`FileRefused` for anything but a regular file and, unless ``head`` (then
    the first ``limit`` bytes come back), for a file longer than ``limit``; other failures
    raise the usual OSError (FileNotFoundError, PermissionError, ...)."""
    refuse_special(os.stat(path).st_mode)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        opened = os.fstat(fd)
        refuse_special(opened.st_mode)  # swapped between the look and the open
        if opened.st_size > limit and not head:
            raise FileRefused(f"is larger than {size_text(limit)}")
        wanted = limit if head else limit + 1
        chunks: list[bytes] = []
        while wanted > 0:
            chunk = os.read(fd, min(wanted, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # it grew after the fstat
        raise FileRefused(f"is larger than {size_text(limit)}")
    return data


def why_unread(exc: OSError) -> str:
    """Why a read failed, as words that follow the file's name."""
    if isinstance(exc, FileRefused):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    return f"cannot be read ({exc.strerror or exc})"


def is_absent(exc: OSError) -> bool:
    """The file is simply not there (a missing optional file is no problem to report)."""
    return isinstance(exc, (FileNotFoundError, NotADirectoryError))


__all__ = ["FileRefused", "is_absent", "read_regular_file", "refuse_special", "size_text",
           "why_unread"]


def write_atomically(target: Path, data: bytes, mode: int, *, temp_suffix: str = ".tmp") -> None:
    """Replace (or create) ``target`` with ``data`` and permission bits ``mode``, so that a
    reader sees the old bytes or the new ones, never half of them: a temporary file in the
    same folder (``.<name>.<random><temp_suffix>``), fsync, rename over ``target``, fsync of
    the folder. A symlink at ``target`` is replaced, not followed: resolve it first to write
    through it. On failure the temporary file is removed and the error raised."""
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=temp_suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """Make a rename or removal in ``folder`` durable where the platform allows it."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
