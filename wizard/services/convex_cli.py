"""Asking the Convex deployment for an environment variable through the project's own CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from wizard.text.messages import _

CLI_TIMEOUT = 20.0


class EnvLookup(str, Enum):
    """What ``npx convex env get NAME`` gave."""

    FOUND = "found"
    MISSING = "missing"
    ERROR = "error"
    UNAVAILABLE = "unavailable"
    """No Convex CLI in the project to run."""


@dataclass(frozen=True)
class DeploymentValue:
    status: EnvLookup
    value: str | None = None
    message: str = ""


def convex_cli(root: Path) -> Path | None:
    """The project's locally installed Convex CLI (what ``npx convex`` runs), if any."""
    name = "convex.cmd" if os.name == "nt" else "convex"
    path = root / "node_modules" / ".bin" / name
    return path if path.is_file() else None


def get_deployment_env(root: Path, name: str, *, timeout: float = CLI_TIMEOUT) -> DeploymentValue:
    """``npx convex env get NAME``: the value on stdout; ``✖ Environment variable "NAME" not
    found`` on stderr when it is missing (convex-js src/cli/lib/env.ts)."""
    cli = convex_cli(root)
    if cli is None:
        return DeploymentValue(EnvLookup.UNAVAILABLE, message=_(
            "the Convex CLI is not installed in node_modules (run npm install)"))
    import subprocess  # only when there is a CLI to run: most `check` runs never need it

    try:
        done = subprocess.run(
            # Bytes, not text: universal newlines would turn a stored "\r\n" into "\n",
            # and Convex keeps that "\r" in the domain it compares.
            [str(cli), "env", "get", name], cwd=root, capture_output=True,
            timeout=timeout, stdin=subprocess.DEVNULL, check=False,
            env={**os.environ, "CI": "1", "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired:
        return DeploymentValue(EnvLookup.ERROR, message=_(
            "npx convex env get {name} gave no answer within {seconds:g} s", name=name,
            seconds=timeout))
    except OSError as exc:
        return DeploymentValue(EnvLookup.ERROR, message=_("could not run {cli}: {why}", cli=cli,
                                                          why=exc.strerror or exc))
    stdout = done.stdout.decode("utf-8", "replace")
    stderr = done.stderr.decode("utf-8", "replace").strip()
    if "not found" in stderr and "Environment variable" in stderr:
        return DeploymentValue(EnvLookup.MISSING, message=stderr.splitlines()[0])
    if done.returncode != 0:
        first = next((line for line in stderr.splitlines() if line.strip()), "")
        return DeploymentValue(EnvLookup.ERROR, message=first or _(
            "exit status {status}", status=done.returncode))
    value = stdout[:-1] if stdout.endswith("\n") else stdout
    return DeploymentValue(EnvLookup.FOUND, value=value)
