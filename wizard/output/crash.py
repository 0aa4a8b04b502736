"""An unexpected error: one readable line for the user, the details in a log file.

The line names the error and where the log is; the log holds the traceback (no local
variables: a pasted token could be one), scrubbed of secrets and of anything shaped like a JWT,
with its control characters made visible. The log lives in ``<state dir>/logs``.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterable
from pathlib import Path

from wizard import __version__
from wizard.guards.redaction import scrub
from wizard.guards.safe_text import clip, one_line, visible
from wizard.text.messages import _

PROG = "convex-auth-wizard"
LOG_FOLDER = "logs"
_MESSAGE_CHARS = 200


def crash_log_dir(state_dir: Path | None = None) -> Path:
    from wizard.guards.state_dir import default_state_dir

    return (state_dir if state_dir is not None else default_state_dir()) / LOG_FOLDER


def write_crash_log(error: BaseException, state_dir: Path | None = None,
                    secrets: Iterable[str] = ()) -> Path | None:
    """Write the scrubbed traceback to a new file; its path, or None when none could be
    written (the one line then says so)."""
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    text = visible(scrub(f"{PROG} {__version__}\n{details}", list(secrets)))
    try:
        folder = crash_log_dir(state_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        return None
    return path


def crash_line(what: str, error: BaseException, log: Path | None,
               secrets: Iterable[str] = ()) -> str:
    """One line: what stopped, on which error, and where the details are."""
    message = clip(one_line(scrub(str(error), list(secrets))), _MESSAGE_CHARS)
    where = (_("details in {log}", log=one_line(str(log))) if log is not None
             else _("no log file could be written"))
    if message:
        said = _("{what} stopped on an unexpected {error}: {message}; {where}", what=what,
                 error=type(error).__name__, message=message, where=where)
    else:
        said = _("{what} stopped on an unexpected {error}; {where}", what=what,
                 error=type(error).__name__, where=where)
    return f"{PROG}: error: {said}"


def report_crash(what: str, error: BaseException, state_dir: Path | None = None,
                 secrets: Iterable[str] = ()) -> str:
    """Write the log and return the line to print."""
    secret_list = list(secrets)
    return crash_line(what, error, write_crash_log(error, state_dir, secret_list), secret_list)
