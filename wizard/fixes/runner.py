"""Running ``node_modules/.bin/convex env set NAME VALUE [--prod]`` (research-16-17.md §16.1).

The value goes as one argv element, never through a shell. On success the CLI prints nothing
on stdout and ``✔ Successfully set NAME`` on stderr (exit 0); the backend can refuse a change
(``This change would make the auth config invalid: …``, exit 1), so the exit status and the
end of stderr are kept for the caller to show. ``CI=1`` keeps the CLI from reporting its own
crashes to Sentry over the network.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from wizard.environments.convex_cli import cli_environment
from wizard.fixes.model import CommandFix, Refusal
from wizard.guards.redaction import scrub
from wizard.records import record
from wizard.services.convex_cli import CLI_TIMEOUT

STDERR_KEPT = 4000
"""Characters of stderr kept: the CLI's error is its last line or two."""


@record(frozen=True)
class CommandResult:
    exit_status: int | None
    """None when the command did not start or did not finish."""
    stderr: str
    """The end of what it printed on stderr, secrets scrubbed."""
    refusal: Refusal | None = None
    """Set when it failed: failed, timed out, or could not start."""


def run_convex(fix: CommandFix, root: Path, *, timeout: float = CLI_TIMEOUT) -> CommandResult:
    secrets = [fix.value] if fix.value_secret else []
    try:
        done = subprocess.run(
            [str(root / fix.cli), *fix.argv[1:]], cwd=root, capture_output=True,
            timeout=timeout, stdin=subprocess.DEVNULL, check=False,
            env={**cli_environment(root, os.environ, fix.environment), "CI": "1",
                 "NO_COLOR": "1"})
    except subprocess.TimeoutExpired as exc:
        return CommandResult(None, _tail(exc.stderr, secrets), Refusal.COMMAND_TIMED_OUT)
    except OSError as exc:
        return CommandResult(None, scrub(exc.strerror or str(exc), secrets),
                             Refusal.COMMAND_NOT_STARTED)
    return CommandResult(done.returncode, _tail(done.stderr, secrets),
                         None if done.returncode == 0 else Refusal.COMMAND_FAILED)


def _tail(stderr: bytes | str | None, secrets: list[str]) -> str:
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    return scrub((stderr or "").strip()[-STDERR_KEPT:], secrets)
