"""Asking the Convex deployment for an environment variable through the project's own CLI."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path

from wizard.records import record
from wizard.text.messages import _

CLI_TIMEOUT = 20.0


class EnvLookup(str, Enum):
    """What ``npx convex env get NAME`` gave."""

    FOUND = "found"
    MISSING = "missing"
    ERROR = "error"
    UNAVAILABLE = "unavailable"
    """No Convex CLI in the project to run."""


@record(frozen=True)
class DeploymentValue:
    status: EnvLookup
    value: str | None = None
    message: str = ""


@record(frozen=True)
class CliRun:
    """What one run of the CLI printed: stdout as printed (a stored "\\r" kept), stderr stripped."""

    returncode: int
    stdout: str
    stderr: str


class CliFailed(Exception):
    """The CLI is not installed (``status`` unavailable, ``reason`` no_cli) or did not finish
    (error: timeout | not_started)."""

    def __init__(self, status: EnvLookup, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


def convex_cli(root: Path) -> Path | None:
    """The project's locally installed Convex CLI (what ``npx convex`` runs), if any."""
    name = "convex.cmd" if os.name == "nt" else "convex"
    path = root / "node_modules" / ".bin" / name
    return path if path.is_file() else None


def no_cli() -> CliFailed:
    return CliFailed(EnvLookup.UNAVAILABLE, "no_cli", _(
        "the Convex CLI is not installed in node_modules (run npm install)"))


def run_convex_cli(root: Path, args: Sequence[str], *, timeout: float = CLI_TIMEOUT,
                   environ: Mapping[str, str] | None = None) -> CliRun:
    """``npx convex ARGS`` in ``root``, non-interactive and uncoloured, within ``timeout``.

    ``environ`` is the whole environment the CLI gets (default: this process's). Raises
    :class:`CliFailed` when there is no CLI, it cannot be started, or it does not finish."""
    cli = convex_cli(root)
    if cli is None:
        raise no_cli()
    import subprocess  # only when there is a CLI to run: most `check` runs never need it

    shown = "npx convex " + " ".join(args)
    try:
        done = subprocess.run(
            # Bytes, not text: universal newlines would turn a stored "\r\n" into "\n",
            # and Convex keeps that "\r" in the domain it compares.
            [str(cli), *args], cwd=root, capture_output=True, timeout=timeout,
            stdin=subprocess.DEVNULL, check=False,
            env={**(os.environ if environ is None else environ), "CI": "1", "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired:
        raise CliFailed(EnvLookup.ERROR, "timeout", _(
            "{command} gave no answer within {seconds:g} s", command=shown,
            seconds=timeout)) from None
    except OSError as exc:
        raise CliFailed(EnvLookup.ERROR, "not_started", _(
            "could not run {cli}: {why}", cli=cli, why=exc.strerror or exc)) from None
    return CliRun(done.returncode, done.stdout.decode("utf-8", "replace"),
                  done.stderr.decode("utf-8", "replace").strip())


def env_get_value(run: CliRun) -> DeploymentValue:
    """An ``env get`` answer: the value on stdout; ``✖ Environment variable "NAME" not
    found`` on stderr, exit status 0, when it is missing (convex-js src/cli/lib/env.ts)."""
    if "not found" in run.stderr and "Environment variable" in run.stderr and not run.stdout:
        line = next(x for x in run.stderr.splitlines() if "Environment variable" in x)
        return DeploymentValue(EnvLookup.MISSING, message=line.strip())
    if run.returncode != 0:
        first = next((line for line in run.stderr.splitlines() if line.strip()), "")
        return DeploymentValue(EnvLookup.ERROR, message=first or _(
            "exit status {status}", status=run.returncode))
    stdout = run.stdout
    value = stdout[:-1] if stdout.endswith("\n") else stdout
    return DeploymentValue(EnvLookup.FOUND, value=value)

