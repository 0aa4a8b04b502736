"""Saved progress: one small JSON file per project, written atomically, never trusted blindly.

The file lives at ``<state dir>/projects/<sha256 of the project's absolute path>[:16].json``
(the state dir is ``platformdirs.user_state_dir("convex-auth-wizard")``, or
``$CONVEX_AUTH_WIZARD_STATE_DIR``). Its shape, schema version 1::

    {"schema_version": 1, "tool": "convex-auth-wizard 0.1.0", "project": "/abs/app",
     "saved_at": 1800000000.0,
     "progress": {"steps": {"project": {"state": "verified", "changed_at": 1800000000.0,
                                        "note": ""}, ...},
                  "path": "template" | "integration" | null,
                  "checks": [{"id": "env.issuer", "status": "pass", "title": "...",
                              "detail": "...", "fix": "...", "step": "verify-config"}, ...],
                  "token": {"kind": "template", "header": {...}, "claims": {...},
                            "expires_in": 42} | null,
                  "convex_answer": {...} | null, "issuer": "https://..." | null,
                  "started_at": 1800000000.0, "updated_at": 1800000000.0,
                  "current_step": "check-token" | null}}

Bad files never stop the wizard: anything unreadable, truncated, mistyped or from a newer
version is moved aside to ``<file>.corrupt-<timestamp>`` once, the user gets one line saying
so, and the wizard starts fresh. Everything written is scrubbed of secrets and of anything
shaped like a JWT first.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.checks.model import Status
from wizard.guards.files import FileRefused, read_regular_file, write_atomically
from wizard.guards.redaction import scrub_data
from wizard.guards.safe_text import escape_unsafe_json
from wizard.guards.state_dir import (
    APP_NAME,
    absolute_project_path,
    default_state_dir,
    project_key,
)
from wizard.records import record
from wizard.rules.jwt import AuthPath
from wizard.text.messages import N_, _
from wizard.walkthrough.progress import Progress, StepProgress, StepState
from wizard.walkthrough.steps import STEP_IDS, step_by_id

SCHEMA_VERSION = 1
MAX_STATE_BYTES = 4 * 1024 * 1024
SAVE_FAILED = N_("Could not save progress to")
STALE_TEMP_SECONDS = 60.0
"""A save writes a few kilobytes and renames them within milliseconds: a temporary file
older than this was left by a save that was killed."""
_TEMP_SUFFIX = ".tmp"
_LOCK_WAIT_SECONDS = 2.0
_CHECK_FIELDS = ("id", "status", "title", "detail", "fix", "step")
_STATUSES = frozenset(s.value for s in Status)


# --- the progress document ---------------------------------------------------------------


def progress_to_dict(progress: Progress) -> dict[str, Any]:
    return {
        "steps": {
            step_id: {"state": entry.state.value, "changed_at": entry.changed_at,
                      "note": entry.note}
            for step_id, entry in progress.steps.items()
        },
        "path": progress.path.value if progress.path else None,
        "checks": [dict(c) for c in progress.checks],
        "token": progress.token,
        "convex_answer": progress.convex_answer,
        "issuer": progress.issuer,
        "started_at": progress.started_at,
        "updated_at": progress.updated_at,
        "current_step": progress.current_step,
    }


_LATEST_TIME = 253_402_300_799  # 9999-12-31: later values cannot be shown as a date


def _is_time(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and 0 <= value <= _LATEST_TIME)


def _time(data: dict[str, Any], name: str, *, optional: bool) -> float | None:
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, (int, float)) or not _is_time(value):
        raise ValueError(f"{name} is not a time")
    return float(value)


def _optional_dict(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = data.get(name)
    if value is not None and not isinstance(value, dict):
        raise ValueError(f"{name} is not an object")
    return value


def _step(step_id: str, raw: object) -> StepProgress:
    if not isinstance(raw, dict):
        raise ValueError(f"step {step_id!r} is not an object")
    try:
        state = StepState(raw.get("state"))
    except ValueError:
        raise ValueError(f"step {step_id!r} has an unknown state {raw.get('state')!r}") from None
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"step {step_id!r} note is not text")
    return StepProgress(state=state, changed_at=_time(raw, "changed_at", optional=True),
                        note=note)


def _check(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in _CHECK_FIELDS):
        raise ValueError("a saved check is not an object of id/status/title/detail/fix/step")
    if raw["status"] not in _STATUSES:
        raise ValueError(f"a saved check has an unknown status {raw['status']!r}")
    return {k: raw[k] for k in _CHECK_FIELDS}


def progress_from_dict(data: object) -> Progress:
    """The saved progress, or ValueError naming the first thing of the wrong shape.

    Steps this version does not know are dropped and missing ones start pending, so a
    renamed step costs one re-confirmation instead of the whole file."""
    if not isinstance(data, dict):
        raise ValueError("progress is not an object")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, dict):
        raise ValueError("steps is not an object")
    steps = {step_id: StepProgress() for step_id in STEP_IDS}
    for step_id, raw in raw_steps.items():
        if step_id in steps:
            steps[step_id] = _step(step_id, raw)
    path = data.get("path")
    if path is not None and path not in tuple(AuthPath):
        raise ValueError(f"path {path!r} is not integration or template")
    raw_checks = data.get("checks", [])
    if not isinstance(raw_checks, list):
        raise ValueError("checks is not a list")
    issuer = data.get("issuer")
    if issuer is not None and not isinstance(issuer, str):
        raise ValueError("issuer is not text")
    return Progress(
        steps=steps,
        path=AuthPath(path) if path is not None else None,
        checks=[_check(c) for c in raw_checks],
        token=_optional_dict(data, "token"),
        convex_answer=_optional_dict(data, "convex_answer"),
        issuer=issuer,
        started_at=_time(data, "started_at", optional=False) or 0.0,
        updated_at=_time(data, "updated_at", optional=False) or 0.0,
        # An unknown or malformed step (an older version's, a hand edit) only loses the place.
        current_step=current if isinstance(current := data.get("current_step"), str)
        and current in STEP_IDS else None,
    )


# --- the store ---------------------------------------------------------------------------


@record(frozen=True)
class LoadResult:
    progress: Progress | None
    """None when nothing (or nothing usable) was saved."""
    notice: str | None
    """One line for the user, or None when there is nothing to say."""


class _Unusable(Exception):
    """The saved file exists but cannot be used; the message says why, in a few words."""


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def _when(at: float, *, seconds: bool = False) -> str:
    return time.strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else ""), time.localtime(at))


_ADVANCE = {StepState.PENDING: 0, StepState.FAILING: 1, StepState.CONFIRMED: 2,
            StepState.VERIFIED: 3}


def _later_step(ours: StepProgress, theirs: StepProgress) -> StepProgress:
    """The more recent change; at the same time (or neither timed), the more advanced one."""
    def rank(entry: StepProgress) -> tuple[float, int]:
        return (entry.changed_at if entry.changed_at is not None else -1.0,
                _ADVANCE[entry.state])
    return theirs if rank(theirs) > rank(ours) else ours


def merge_progress(ours: Progress, theirs: Progress) -> None:
    """Fold another wizard's progress on the same project into ``ours``, losing neither.

    Each step keeps its most recent change (the more advanced state on a tie); each check
    keeps the row of whichever progress was updated last, and rows only the other has are
    kept; the path, token, Convex answer and issuer come from the later progress unless it
    has none."""
    for step_id in set(ours.steps) | set(theirs.steps):
        mine, other = ours.steps.get(step_id), theirs.steps.get(step_id)
        if mine is None or other is None:
            ours.steps[step_id] = mine or other or StepProgress()
        else:
            ours.steps[step_id] = _later_step(mine, other)
    newer, older = (theirs, ours) if theirs.updated_at > ours.updated_at else (ours, theirs)
    rows = {row.get("id", ""): row for row in newer.checks}
    ours.checks = [*newer.checks, *(row for row in older.checks if row.get("id", "") not in rows)]
    ours.path = newer.path or older.path
    ours.token = newer.token or older.token
    ours.convex_answer = newer.convex_answer or older.convex_answer
    ours.issuer = newer.issuer or older.issuer
    ours.current_step = newer.current_step or older.current_step
    ours.started_at = min(ours.started_at, theirs.started_at)
    ours.updated_at = max(ours.updated_at, theirs.updated_at)


def resume_notice(progress: Progress) -> str:
    when = _when(progress.updated_at)
    if all(progress.state_of(step_id).done for step_id in STEP_IDS):
        return _("Resumed: every step was done on {when}", when=when)
    title = _(step_by_id(progress.resume_step()).title)
    return _("Resumed: you stopped at {title} on {when}", title=title, when=when)


class StateStore:
    """The saved progress of one project. No method raises: failures come back as messages."""

    def __init__(self, project_root: Path, state_dir: Path | None = None, *,
                 secrets: Iterable[str] = ()) -> None:
        self.project = absolute_project_path(project_root)
        self.state_dir = state_dir if state_dir is not None else default_state_dir()
        self.path = self.state_dir / "projects" / f"{project_key(self.project)}.json"
        self.secrets = [s for s in secrets if s]
        self._seen: float | None = None
        """``saved_at`` of the file as this store last read or wrote it: a different one on
        disk means another wizard saved in between."""

    # reading ---------------------------------------------------------------------------

    def _exists(self) -> bool:
        try:
            os.lstat(self.path)
        except OSError:
            return False
        return True

    def _read(self) -> tuple[Progress, float | None]:
        """The saved progress and when it was saved (None when the file does not say)."""
        try:
            raw = read_regular_file(self.path, MAX_STATE_BYTES)
        except FileRefused as exc:
            raise _Unusable(_("a folder is in its place") if exc.is_folder else
                            _("it {why}", why=exc)) from None
        except OSError as exc:
            raise _Unusable(_("cannot be read: {why}", why=exc.strerror or exc)) from None
        if not raw.strip():
            raise _Unusable(_("the file is empty"))
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _Unusable(_("not valid JSON, probably cut short")) from None
        if not isinstance(document, dict):
            raise _Unusable(_("not a progress file"))
        version = document.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise _Unusable(_("no schema version"))
        if version > SCHEMA_VERSION:
            raise _Unusable(_("written by a newer version of the wizard (schema {version}, "
                              "this one reads {ours})", version=version, ours=SCHEMA_VERSION))
        if document.get("project") != str(self.project):
            raise _Unusable(_("it belongs to another project"))
        try:
            progress = progress_from_dict(document.get("progress"))
        except (ValueError, TypeError) as exc:
            raise _Unusable(_("wrong shape: {why}", why=exc)) from None
        saved_at = document.get("saved_at")
        if isinstance(saved_at, (int, float)) and _is_time(saved_at):
            return progress, float(saved_at)
        return progress, None

    def load(self) -> LoadResult:
        """The saved progress with a one-line notice; a bad file is moved aside once."""
        self._remove_orphans()
        self._seen = None
        if not self._exists():
            return LoadResult(None, None)
        try:
            progress, self._seen = self._read()
        except _Unusable as exc:
            return LoadResult(None, self._set_aside(str(exc)))
        return LoadResult(progress, resume_notice(progress))

    def _remove_orphans(self) -> None:
        """Delete the temporary files a killed save left behind: only this project's, only
        regular files, and only stale ones (another wizard may be saving right now)."""
        prefix, stale_before = f".{self.path.name}.", time.time() - STALE_TEMP_SECONDS
        try:
            entries = list(os.scandir(self.path.parent))
        except OSError:
            return
        for entry in entries:
            if not (entry.name.startswith(prefix) and entry.name.endswith(_TEMP_SUFFIX)):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < stale_before:
                    os.unlink(entry.path)

    def _set_aside(self, why: str) -> str:
        target, error = self._move_to("corrupt")
        if target is not None:
            return _("Saved progress was unreadable ({why}); it was moved to {target}; "
                     "starting fresh", why=why, target=target)
        return _("Saved progress at {path} was unreadable ({why}) and could not be moved aside "
                 "({error}); starting fresh", path=self.path, why=why, error=error)

    def _move_to(self, kind: str) -> tuple[Path | None, str | None]:
        base = f"{self.path.name}.{kind}-{_stamp()}"
        target = self.path.with_name(base)
        counter = 1
        while os.path.lexists(target):
            target = self.path.with_name(f"{base}-{counter}")
            counter += 1
        try:
            os.rename(self.path, target)
        except OSError as exc:
            return None, exc.strerror or str(exc)
        return target, None

    # writing ---------------------------------------------------------------------------

    def document(self, progress: Progress) -> dict[str, Any]:
        """What :meth:`save` writes, scrubbed."""
        document = {
            "schema_version": SCHEMA_VERSION,
            "tool": f"{APP_NAME} {__version__}",
            "project": str(self.project),
            "saved_at": time.time(),
            "progress": progress_to_dict(progress),
        }
        scrubbed: dict[str, Any] = scrub_data(document, self.secrets)
        return scrubbed

    def save(self, progress: Progress) -> str | None:
        """Write atomically (temp file, fsync, rename). None when that is all; otherwise one
        line for the user: why saving failed (it starts with :data:`SAVE_FAILED`), or that
        another wizard on this project had saved since this store last read or wrote the file.

        In that last case nothing is lost: the other wizard's progress is merged into
        ``progress`` (in place, so the caller shows it) before writing (:func:`merge_progress`).
        """
        notice: str | None = None
        try:
            folder = self.path.parent
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with _locked(folder):
                theirs = self._newer_on_disk()
                if theirs is not None:
                    merge_progress(progress, theirs[0])
                    notice = _("Another {app} saved progress for this project at {when}; its "
                               "steps were merged with these, so neither loses any",
                               app=APP_NAME, when=_when(theirs[1], seconds=True))
                document = self.document(progress)
                text = escape_unsafe_json(json.dumps(document, indent=2, ensure_ascii=False,
                                                     default=str)) + "\n"
                write_atomically(self.path, text.encode("utf-8"), 0o600,
                                 temp_suffix=_TEMP_SUFFIX)
                self._seen = document["saved_at"]
        except (OSError, ValueError, TypeError, RecursionError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return f"{_(SAVE_FAILED)} {self.path}: {why}"
        return notice

    def _newer_on_disk(self) -> tuple[Progress, float] | None:
        """The saved progress and its time when someone else wrote it after this store last
        read or wrote the file; None when the file is ours, missing or unusable."""
        try:
            progress, saved_at = self._read()
        except _Unusable:
            return None
        if saved_at is None or saved_at == self._seen:
            return None
        return progress, saved_at

    def restart(self) -> tuple[Path | None, str | None]:
        """Keep the saved file as ``<file>.bak-<timestamp>`` and start over: where the backup
        is (None when there was nothing to keep), or why none could be kept."""
        self._remove_orphans()
        if not self._exists():
            return None, None
        target, error = self._move_to("bak")
        if target is None:
            return None, _("Could not keep a backup of {path} ({error}); it was left as it was",
                           path=self.path, error=error)
        return target, None

    def reset(self) -> bool:
        """Forget the saved progress; True when something was removed."""
        return self.remove()[0]

    def remove(self) -> tuple[bool, str | None]:
        if not self._exists():
            return False, None
        try:
            if self.path.is_dir() and not self.path.is_symlink():
                shutil.rmtree(self.path)
            else:
                self.path.unlink()
        except OSError as exc:
            return False, _("Could not remove {path}: {why}", path=self.path,
                            why=exc.strerror or exc)
        return True, None

    def kept_copies(self) -> list[Path]:
        """The copies beside the saved file: ``.bak-…`` from ``--restart``, ``.corrupt-…``
        from an unreadable file (this project's only; nothing is followed)."""
        folder, name = self.path.parent, self.path.name
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return []
        return sorted(folder / entry.name for entry in entries
                      if entry.name.startswith((f"{name}.bak-", f"{name}.corrupt-")))

    def remove_kept_copies(self) -> tuple[int, str | None]:
        """Delete :meth:`kept_copies` (a link is removed, never what it points at): how many
        went, and why one could not."""
        removed = 0
        for copy in self.kept_copies():
            try:
                if copy.is_dir() and not copy.is_symlink():
                    shutil.rmtree(copy)
                else:
                    copy.unlink()
            except OSError as exc:
                return removed, _("Could not remove {path}: {why}", path=copy,
                                  why=exc.strerror or exc)
            removed += 1
        return removed, None


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the state folder while reading, merging and writing, so two
    wizards cannot both merge against the same old file. Where locking is not available (or
    another holder does not let go within a couple of seconds) the save goes ahead: the lock
    narrows a race; the merge is what keeps progress."""
    try:
        import fcntl

        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (ImportError, OSError):
        yield
        return
    try:
        deadline = time.monotonic() + _LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# --- CLI ---------------------------------------------------------------------------------


def reset_command(project_dir: Path | None) -> int:
    """``convex-auth-wizard reset``: forget the saved progress of the project."""
    if project_dir is None:
        from wizard.project.reader import find_project_root

        root = find_project_root(Path.cwd())[0]
    else:
        root = project_dir
    store = StateStore(root)
    removed, error = store.remove()
    copies, copy_error = store.remove_kept_copies()
    if error is not None or copy_error is not None:
        sys.stderr.write(f"{APP_NAME}: error: {error or copy_error}\n")
        return 1
    if removed:
        sys.stdout.write(_("Forgot the saved progress for {project} (removed {path}).",
                           project=store.project, path=store.path) + "\n")
    elif not copies:
        sys.stdout.write(_("No saved progress for {project}; nothing to forget.",
                           project=store.project) + "\n")
    if copies:
        sys.stdout.write(_("Removed {count} earlier cop(ies) of it (from --restart or an "
                           "unreadable file) in {folder}.", count=copies,
                           folder=store.path.parent) + "\n")
    return 0
