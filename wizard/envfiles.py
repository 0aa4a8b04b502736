"""Reading a project's ``.env`` files the way Vite and Next do, remembering each value's source."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from wizard.model import Sourced

ENV_FILES: tuple[str, ...] = (".env", ".env.local", ".env.development", ".env.development.local")
BROWSER_PREFIXES: tuple[str, ...] = ("VITE_", "NEXT_PUBLIC_", "EXPO_PUBLIC_", "PUBLIC_", "REACT_APP_")
_MAX_ENV_BYTES = 1024 * 1024


@dataclass
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
    """Parse the project's env files with python-dotenv, never touching ``os.environ``."""
    env = EnvFiles(environ=dict(environ or {}))
    for name in ENV_FILES:
        path = root / name
        if not path.is_file():
            continue
        try:
            raw = path.read_bytes()[:_MAX_ENV_BYTES]
            text = raw.decode("utf-8", errors="replace")
            values = dotenv_values(stream=io.StringIO(text), interpolate=False)
        except OSError as exc:
            env.problems.append(f"{name}: could not be read ({exc.strerror or exc})")
            continue
        except Exception as exc:  # python-dotenv on pathological input
            env.problems.append(f"{name}: could not be parsed ({type(exc).__name__})")
            continue
        env.files_read.append(name)
        for key, value in values.items():
            if value is not None:
                env.file_values[key] = Sourced(value, f"{name}:{key}")
    return env


def is_browser_exposed(name: str) -> bool:
    return name.startswith(BROWSER_PREFIXES)
