"""Reading a project's ``.env`` files the way Vite and Next do, remembering each value's source."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path

from dotenv.parser import parse_stream

from wizard.guards.files import FileRefused, is_absent, read_regular_file, why_unread
from wizard.project.sourced import Sourced
from wizard.records import record
from wizard.text.messages import _

ENV_FILES: tuple[str, ...] = (".env", ".env.local", ".env.development", ".env.development.local")
BROWSER_PREFIXES: tuple[str, ...] = ("VITE_", "NEXT_PUBLIC_", "EXPO_PUBLIC_", "PUBLIC_", "REACT_APP_")
_MAX_ENV_BYTES = 1024 * 1024
TYPOGRAPHIC_QUOTES = "“”„‟‘’‚‛«»"
"""Quotes a word processor or a chat app puts in place of ``"`` and ``'``: to a ``.env``
reader they are letters, so they end up inside the value."""
_OPENS_QUOTE = re.compile(r"""^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s*(["'`])""")


@record
class EnvFiles:
    """Values from the ``.env`` files (later files win) with the process environment on top."""

    files_read: list[str] = field(default_factory=list)
    file_values: dict[str, Sourced] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """Files that could not or must not be read."""
    lines: list[str] = field(default_factory=list)
    """Lines of the files read that Vite's and Next's readers would not take as meant."""

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
        values = read_env_file(root, name, env.problems, env.lines)
        if values is not None:
            env.files_read.append(name)
            env.file_values.update(values)
    return env


def read_env_file(root: Path, name: str, problems: list[str],
                  lines: list[str] | None = None) -> dict[str, Sourced] | None:
    """One env file's values, each sourced ``name:KEY``; None when the file is absent, a
    folder, or refused (then ``problems`` says why). A line that is not what it means (an
    unclosed quote, typographic quotes) is said in ``lines`` (default: ``problems``)."""
    said = problems if lines is None else lines
    try:
        raw = read_regular_file(root / name, _MAX_ENV_BYTES)
    except OSError as exc:
        folder = isinstance(exc, FileRefused) and exc.is_folder
        if not is_absent(exc) and not folder:
            problems.append(f"{name} {why_unread(exc)}; it was not read")
        return None
    text = raw.decode("utf-8", errors="replace")
    values: dict[str, Sourced] = {}
    try:
        # The parser python-dotenv's dotenv_values uses, read here so that a line it cannot
        # parse is said precisely, instead of its logger writing to the terminal.
        for binding in parse_stream(io.StringIO(text)):
            if binding.error:
                said.append(_unparsed(name, binding.original.line, binding.original.string))
            elif binding.key is not None and binding.value is not None:
                values[binding.key] = Sourced(binding.value, f"{name}:{binding.key}")
                shown = typographic_quotes(binding.value)
                if shown is not None:
                    said.append(_(
                        "{file}:{key} is wrapped in typographic quotes ({value}): they become "
                        "part of the value; use plain quotes (\") or none",
                        file=name, key=binding.key, value=shown))
    except Exception as exc:  # python-dotenv on pathological input
        problems.append(f"{name}: could not be parsed ({type(exc).__name__})")
        return None
    return values


def typographic_quotes(value: str) -> str | None:
    """The typographic quote marks around ``value`` as ``“…”`` (only the marks: the value may
    be a secret), or None when neither end has one."""
    ends = (value[:1], value[-1:])
    if not any(end and end in TYPOGRAPHIC_QUOTES for end in ends):
        return None
    return "…".join(end if end and end in TYPOGRAPHIC_QUOTES else "" for end in ends)


def _unparsed(name: str, line: int, original: str) -> str:
    """Why python-dotenv (like Vite's and Next's readers) could not take a line."""
    opened = _OPENS_QUOTE.match(original)
    if opened is not None and original.count(opened.group(2)) % 2 == 1:
        return _("{file} line {line}: the value of {key} opens a quote ({quote}) that is never "
                 "closed, so it runs into the next lines; close it on the same line",
                 file=name, line=line, key=opened.group(1), quote=opened.group(2))
    return _("{file} line {line} could not be read as NAME=value; it was skipped",
             file=name, line=line)


def is_browser_exposed(name: str) -> bool:
    return name.startswith(BROWSER_PREFIXES)
