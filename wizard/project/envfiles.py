"""Reading a project's ``.env`` files the way Vite and Next do, remembering each value's source."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path

from dotenv import dotenv_values

from wizard.guards.files import FileRefused, is_absent, read_regular_file, why_unread
from wizard.project.sourced import Sourced
from wizard.records import record

ENV_FILES: tuple[str, ...] = (".env", ".env.local", ".env.development", ".env.development.local")
BROWSER_PREFIXES: tuple[str, ...] = ("VITE_", "NEXT_PUBLIC_", "EXPO_PUBLIC_", "PUBLIC_", "REACT_APP_")
_MAX_ENV_BYTES = 1024 * 1024


@record
class EnvFiles:
    """Values from the ``.env`` files (later files win) with the process environment on top."""

    files_read: list[str] = field(default_factory=list)
    file_values: dict[str, Sourced] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def get(self, name: str) -> Sourced | None:
        if name in self.environ:
            return Sourced(self.environ[name], "environment:" + name)
        return self.file_values.get(name)

    def names(self) -> list[str]:
        return list(self.file_values)


def read_env_files(root: Path, environ: Mapping[str, str] | None = None) -> EnvFiles:
    """Parse the project's env files with python-dotenv, never touching ``os.environ``.

    A file that is missing, or a folder (a Python virtualenv is often called ``.env``), is
    passed over in silence; one that cannot or must not be read is named in ``problems``."""
    env = EnvFiles(environ=dict(environ or {}))
    for name in ENV_FILES:
        values = read_env_file(root, name, env.problems)
        if values is not None:
            env.files_read.append(name)
            env.file_values.update(values)
    return env


def read_env_file(root: Path, name: str, problems: list[str]) -> dict[str, Sourced] | None:
    """One env file's values, each sourced ``name:KEY``; None when the file is absent, a
    folder, or refused (then ``problems`` says why)."""
    try:
        raw = read_regular_file(root / name, _MAX_ENV_BYTES)
    except OSError as exc:
        folder = isinstance(exc, FileRefused) and exc.is_folder
        if not is_absent(exc) and not folder:
            problems.append(f"{name} {why_unread(exc)}; it was not read")
        return None
    try:
        text = raw.decode("utf-8", errors="replace")
        values = dotenv_values(stream=io.StringIO(text), interpolate=False)
    except Exception as exc:  # python-dotenv on pathological input
        problems.append(f"{name}: could not be parsed ({type(exc).__name__})")
        return None
    return {key: Sourced(value, f"{name}:{key}") for key, value in values.items()
            if value is not None}


def is_browser_exposed(name: str) -> bool:
    return name.startswith(BROWSER_PREFIXES)
