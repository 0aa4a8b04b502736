"""Backups and the run manifest, kept beside the wizard's state, never in the repository.

One run of ``fix`` is one folder, ``<state dir>/fixes/<project key>/<run id>/``: ``files/<n>``
hold the bytes each file had before the run, each secret value replaced by a marker
(:mod:`wizard.fixes.secret_backup`; mode 0600, in folders of mode 0700), and
``manifest.json`` lists, for each file, its path in the project, the hash of its bytes
before and after the run, its mode, its backup and the hash of each secret value the backup
leaves out; for each command, what was run (a secret
value redacted) and its exit status. The manifest never holds a value from a file. It is
written before each change is made, so a run cut short can still be undone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from dataclasses import field
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.fixes.model import Refusal, Refused, sha256
from wizard.fixes.secret_backup import mask_secrets
from wizard.guards.files import read_regular_file, write_atomically
from wizard.guards.state_dir import project_key
from wizard.records import record

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1024 * 1024
_RUN_ID = re.compile(r"\d{8}T\d{6}-\d{9}")
_BACKUP_NAME = re.compile(r"files/\d{1,6}")


def project_fixes_folder(root: Path, state_dir: Path) -> Path:
    """This project's runs, under the same per-project key as its saved progress."""
    return state_dir / "fixes" / project_key(root)


def _new_run_id() -> str:
    now = time.time_ns()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f"-{now % 10**9:09d}"


@record
class FileRecord:
    path: str
    before: str | None
    """sha256 of the bytes before the run; None when the run created the file."""
    after: str | None
    """sha256 of the bytes the run left; None when the run removed the file."""
    mode: int | None
    backup: str | None
    fixes: list[str] = field(default_factory=list)
    """``check_id:reason`` of each fix that changed the file."""
    secrets: list[str] = field(default_factory=list)
    """sha256 of each secret value the backup leaves out, in the order of its markers."""

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after,
                "mode": self.mode, "backup": self.backup, "fixes": self.fixes,
                "secrets": self.secrets}


@record
class CommandRecord:
    check_id: str
    argv: list[str]
    exit_status: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"check_id": self.check_id, "argv": self.argv, "exit_status": self.exit_status}


@record
class Manifest:
    run_id: str
    project: str
    started_at: float
    files: list[FileRecord] = field(default_factory=list)
    commands: list[CommandRecord] = field(default_factory=list)
    undone_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "tool": f"convex-auth-wizard {__version__}",
                "run_id": self.run_id, "project": self.project, "started_at": self.started_at,
                "files": [f.to_dict() for f in self.files],
                "commands": [c.to_dict() for c in self.commands], "undone_at": self.undone_at}


class RunLog:
    """The record of one run; its folder is made when the first thing is recorded."""

    def __init__(self, root: Path, state_dir: Path) -> None:
        self.manifest = Manifest(_new_run_id(), str(root), time.time())
        self.folder = project_fixes_folder(root, state_dir) / self.manifest.run_id
        self._by_path: dict[str, FileRecord] = {}

    @property
    def used(self) -> bool:
        return bool(self.manifest.files or self.manifest.commands)

    def backups(self) -> list[tuple[str, Path]]:
        """(project path, backup file) of each file the run changed that existed before."""
        return [(f.path, self.folder / f.backup) for f in self.manifest.files if f.backup]

    def before_change(self, rel: str, current: bytes | None, mode: int | None,
                      after: bytes | None, fix: str) -> str | None:
        """Keep the file's first bytes (once per run) and record what it will be, before
        the change is made; returns the hash it had, for :meth:`revert`."""
        record = self._by_path.get(rel)
        previous = None if current is None else sha256(current)
        try:
            if record is None:
                backup: str | None = None
                hashes: list[str] = []
                if current is not None:
                    backup = f"files/{len(self.manifest.files)}"
                    kept, hashes = mask_secrets(current)
                    self._write_private(self.folder / backup, kept)
                record = FileRecord(rel, previous, previous, mode, backup, secrets=hashes)
                self._by_path[rel] = record
                self.manifest.files.append(record)
            record.after = None if after is None else sha256(after)
            record.fixes.append(fix)
            try:
                self.save()
            except OSError:
                self.revert(rel, previous, save=False)
                raise
        except OSError as exc:
            raise Refused(Refusal.BACKUP_FAILED, path=rel, why=exc.strerror or str(exc)) \
                from None
        return previous

    def revert(self, rel: str, previous: str | None, *, save: bool = True) -> None:
        """The change recorded last for ``rel`` was not made (or was taken back)."""
        record = self._by_path[rel]
        record.after = previous
        record.fixes.pop()
        if save:
            self.save()

    def command(self, record: CommandRecord) -> None:
        self.manifest.commands.append(record)
        with contextlib.suppress(OSError):  # the command ran; losing its record loses no data
            self.save()

    def _write_private(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def save(self) -> None:
        save_manifest(self.folder, self.manifest)


def save_manifest(folder: Path, manifest: Manifest) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps(manifest.to_dict(), indent=2) + "\n"
    write_atomically(folder / MANIFEST, text.encode("utf-8"), 0o600)


# --- reading a manifest back (it is a file on disk: checked, never trusted) -------------------

def _optional(value: object, kind: type) -> bool:
    return value is None or (isinstance(value, kind) and not isinstance(value, bool))


def _file_record(raw: object) -> FileRecord:
    if not isinstance(raw, dict):
        raise ValueError("file entry")
    path, before, after = raw.get("path"), raw.get("before"), raw.get("after")
    mode, backup, fixes = raw.get("mode"), raw.get("backup"), raw.get("fixes", [])
    secrets = raw.get("secrets", [])
    if not isinstance(path, str) or not path or path.startswith("/") \
            or not all(_optional(v, str) for v in (before, after, backup)) \
            or not _optional(mode, int) or not isinstance(fixes, list) \
            or not isinstance(secrets, list) or not all(isinstance(h, str) for h in secrets) \
            or (backup is not None and not _BACKUP_NAME.fullmatch(backup)) \
            or (before is None) != (backup is None):
        raise ValueError("file entry")
    return FileRecord(path, before, after, mode, backup, [str(f) for f in fixes],
                      list(secrets))


def _command_record(raw: object) -> CommandRecord:
    if not isinstance(raw, dict) or not isinstance(raw.get("argv"), list) \
            or not _optional(raw.get("exit_status"), int):
        raise ValueError("command entry")
    return CommandRecord(str(raw.get("check_id", "")), [str(a) for a in raw["argv"]],
                         raw.get("exit_status"))


def load_manifest(folder: Path) -> Manifest:
    """The run's manifest; :class:`Refused` (``manifest_unusable``) for anything else."""
    try:
        document = json.loads(read_regular_file(folder / MANIFEST, MAX_MANIFEST_BYTES))
        if not isinstance(document, dict) or document.get("schema_version") != SCHEMA_VERSION:
            raise ValueError("schema")
        undone = document.get("undone_at")
        started = document.get("started_at")
        if not (_optional(undone, float) or _optional(undone, int)):
            raise ValueError("undone_at")
        return Manifest(
            str(document.get("run_id", folder.name)), str(document.get("project", "")),
            float(started) if isinstance(started, (int, float)) else 0.0,
            [_file_record(f) for f in document.get("files", [])],
            [_command_record(c) for c in document.get("commands", [])],
            float(undone) if undone is not None else None)
    except (OSError, ValueError, TypeError, RecursionError):
        raise Refused(Refusal.MANIFEST_UNUSABLE, run=folder.name) from None


def last_run(root: Path, state_dir: Path) -> Path | None:
    """The folder of this project's most recent run, if any."""
    folder = project_fixes_folder(root, state_dir)
    try:
        runs = sorted(entry.name for entry in os.scandir(folder)
                      if _RUN_ID.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False))
    except OSError:
        return None
    return folder / runs[-1] if runs else None
