"""Applying plans, and undoing the last run, without ever losing a byte.

Before a plan touches a file, everything is checked again: the file resolves inside the
project, it is a regular file, not read-only, it still has exactly the bytes the plan was made
from, and the new bytes hold no secret the old ones did not. Its original bytes are then kept
in the run's backups and the manifest says what the file will be; only then is it written,
atomically. A plan is applied whole or not at all. Commands run only when the caller is not
offline.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from wizard.fixes.guard import (
    file_mode,
    read_current,
    refuse_new_secret,
    refuse_unwritable,
    resolve_inside,
    write_file,
)
from wizard.fixes.model import FileEdit, FixPlan, Refusal, Refused, RemoteFix, sha256
from wizard.fixes.runlog import (
    MANIFEST,
    CommandRecord,
    FileRecord,
    RunLog,
    last_run,
    load_manifest,
    save_manifest,
)
from wizard.fixes.runner import CommandResult, run_convex
from wizard.fixes.secret_backup import unmask_secrets
from wizard.guards.files import fsync_folder
from wizard.guards.state_dir import absolute_project_path, default_state_dir
from wizard.records import record
from wizard.services.convex_cli import CLI_TIMEOUT


@record(frozen=True)
class Outcome:
    plan: FixPlan
    applied: bool
    refusal: Refusal | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    command: CommandResult | None = None

    def to_dict(self) -> dict[str, Any]:
        done = self.command
        return {"check_id": self.plan.check_id, "reason": self.plan.reason.value,
                "applied": self.applied,
                "refusal": self.refusal.value if self.refusal else None,
                "values": dict(self.values),
                "command": None if done is None else {"exit_status": done.exit_status,
                                                      "stderr": done.stderr}}


@record(frozen=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...]
    run_id: str | None
    """None when nothing was changed or run."""
    manifest: Path | None
    backups: tuple[tuple[str, Path], ...]
    """(file in the project, its backup) for each file changed that existed before."""

    @property
    def all_applied(self) -> bool:
        return all(o.applied for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "manifest": str(self.manifest) if self.manifest else None,
                "backups": [{"path": p, "backup": str(b)} for p, b in self.backups],
                "outcomes": [o.to_dict() for o in self.outcomes]}


@record(frozen=True)
class _Ready:
    edit: FileEdit
    target: Path
    mode: int | None


def _prepare(root: Path, edit: FileEdit) -> _Ready:
    target = resolve_inside(root, edit.path)
    current = read_current(target, edit.path)
    if (None if current is None else sha256(current)) != edit.old_hash:
        raise Refused(Refusal.CHANGED_SINCE_PLAN, path=edit.path)
    refuse_unwritable(target, edit.path)
    refuse_new_secret(edit.old, edit.new, edit.path)
    return _Ready(edit, target, None if current is None else file_mode(target))


def _write(ready: _Ready, data: bytes | None) -> None:
    if data is None:
        os.unlink(ready.target)
        fsync_folder(ready.target.parent)
    else:
        write_file(ready.target, data, ready.mode)


def _apply_edits(plan: FixPlan, root: Path, log: RunLog) -> None:
    prepared = [_prepare(root, edit) for edit in plan.edits]
    done: list[tuple[_Ready, str | None]] = []
    fix = f"{plan.check_id}:{plan.reason.value}"
    try:
        for ready in prepared:
            previous = log.before_change(ready.edit.path, ready.edit.old, ready.mode,
                                         ready.edit.new, fix)
            try:
                _write(ready, ready.edit.new)
            except OSError as exc:
                with contextlib.suppress(OSError):  # the file was not changed: undo skips it
                    log.revert(ready.edit.path, previous)
                raise Refused(Refusal.WRITE_FAILED, path=ready.edit.path,
                              why=exc.strerror or str(exc)) from None
            done.append((ready, previous))
    except Refused:
        for ready, previous in reversed(done):  # a plan is applied whole or not at all
            with contextlib.suppress(OSError):  # if not, its backup and manifest hold it
                _write(ready, ready.edit.old)
                log.revert(ready.edit.path, previous)
        raise


def apply_fixes(root: Path, plans: Iterable[FixPlan], *, offline: bool,
                state_dir: Path | None = None, timeout: float = CLI_TIMEOUT,
                send: Callable[[RemoteFix], str | None] | None = None) -> ApplyReport:
    """Apply ``plans`` in order (as :func:`wizard.fixes.plan_fixes` made them: a later plan
    on the same file starts from the bytes an earlier one leaves). A refused plan changes
    nothing; the others still apply. Commands and requests are refused when ``offline``; a
    request is made by ``send`` (None when done, else why not), refused without it."""
    root = absolute_project_path(root)
    log = RunLog(root, state_dir if state_dir is not None else default_state_dir())
    chosen: set[str] = set()
    outcomes: list[Outcome] = []
    for plan in plans:
        try:
            if plan.choice is not None:
                if plan.check_id in chosen:
                    raise Refused(Refusal.ONE_CHOICE_ONLY)
                chosen.add(plan.check_id)
            if (plan.command is not None or plan.remote is not None) and offline:
                raise Refused(Refusal.OFFLINE)
            if plan.remote is not None and send is None:
                raise Refused(Refusal.NOT_AGREED)
            _apply_edits(plan, root, log)
        except Refused as refused:
            outcomes.append(Outcome(plan, False, refused.reason, refused.values))
            continue
        result = None
        if plan.command is not None:
            result = run_convex(plan.command, root, timeout=timeout)
            log.command(CommandRecord(plan.check_id, list(plan.command.shown),
                                      result.exit_status))
        if plan.remote is not None and send is not None:
            problem = send(plan.remote)
            result = CommandResult(0 if problem is None else None, problem or "",
                                   None if problem is None else Refusal.COMMAND_FAILED)
            log.command(CommandRecord(plan.check_id, list(plan.remote.shown),
                                      result.exit_status))
        outcomes.append(Outcome(plan, result is None or result.refusal is None,
                                result.refusal if result else None, command=result))
    used = log.used
    return ApplyReport(tuple(outcomes), log.manifest.run_id if used else None,
                       log.folder / MANIFEST if used else None, tuple(log.backups()))


# --- undo ------------------------------------------------------------------------------------

@record(frozen=True)
class UndoReport:
    run_id: str | None
    restored: tuple[str, ...] = ()
    refusal: Refusal | None = None
    """Why nothing was restored (for the whole run)."""
    refused: tuple[tuple[str, Refusal], ...] = ()
    """(file, why) for each file that stopped the undo; then no file was restored."""
    commands: tuple[tuple[str, ...], ...] = ()
    """Commands the run ran: a deployment change is not undone by restoring files."""

    @property
    def ok(self) -> bool:
        return self.refusal is None and not self.refused

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "restored": list(self.restored),
                "refusal": self.refusal.value if self.refusal else None,
                "refused": [{"path": p, "reason": r.value} for p, r in self.refused],
                "commands": [list(c) for c in self.commands]}


def _restorable(root: Path, run: Path, entry: FileRecord) -> tuple[Path, bytes | None] | None:
    """The file's path and the bytes to restore; None when it already has them (the run was
    cut short before writing it)."""
    target = resolve_inside(root, entry.path)
    current = read_current(target, entry.path)
    now = None if current is None else sha256(current)
    if now == entry.before:
        return None
    if now != entry.after:
        raise Refused(Refusal.CHANGED_SINCE_FIX, path=entry.path)
    original = None
    if entry.backup is not None:
        kept = read_current(run / entry.backup, entry.path)
        if kept is None:
            raise Refused(Refusal.BACKUP_MISSING, path=entry.path)
        original = unmask_secrets(kept, entry.secrets, current)
        if original is None:
            raise Refused(Refusal.SECRET_GONE, path=entry.path)
        if sha256(original) != entry.before:
            raise Refused(Refusal.BACKUP_MISSING, path=entry.path)
    refuse_unwritable(target, entry.path)
    return target, original


def undo_last(root: Path, *, state_dir: Path | None = None) -> UndoReport:
    """Put back the exact bytes of every file the last run changed, or nothing at all when
    any of them changed after the fix (or its backup is gone)."""
    root = absolute_project_path(root)
    run = last_run(root, state_dir if state_dir is not None else default_state_dir())
    if run is None:
        return UndoReport(None, refusal=Refusal.NO_RUN)
    try:
        manifest = load_manifest(run)
    except Refused as unusable:
        return UndoReport(run.name, refusal=unusable.reason)
    commands = tuple(tuple(c.argv) for c in manifest.commands)
    if manifest.undone_at is not None:
        return UndoReport(manifest.run_id, refusal=Refusal.ALREADY_UNDONE, commands=commands)
    plan: list[tuple[FileRecord, Path, bytes | None]] = []
    refused: list[tuple[str, Refusal]] = []
    for entry in manifest.files:
        try:
            found = _restorable(root, run, entry)
        except Refused as exc:
            refused.append((entry.path, exc.reason))
            continue
        if found is not None:
            plan.append((entry, *found))
    if refused:
        return UndoReport(manifest.run_id, refused=tuple(refused), commands=commands)
    restored: list[str] = []
    for entry, target, original in reversed(plan):
        try:
            if original is None:
                os.unlink(target)
                fsync_folder(target.parent)
            else:
                write_file(target, original, entry.mode)
        except OSError:  # undo again once it is writable: restored files are passed over
            return UndoReport(manifest.run_id, tuple(restored),
                              refused=((entry.path, Refusal.WRITE_FAILED),), commands=commands)
        restored.append(entry.path)
    manifest.undone_at = time.time()
    save_manifest(run, manifest)
    return UndoReport(manifest.run_id, tuple(restored), commands=commands)
