"""Which language a run speaks, and the choice a person made in the wizard, remembered for
them across runs and projects.

A small JSON file, ``settings.json`` in the user config dir (``platformdirs.user_config_dir``,
or ``$CONVEX_AUTH_WIZARD_CONFIG_DIR``)::

    {"language": "bn"}

A file that cannot be read or is not such a document is never fatal: the language is chosen
as if it were absent and the caller shows :attr:`Saved.problem`; choosing a language in the
wizard writes a good file over it. Writes go to a temporary file renamed over the old one, so
a run killed while saving leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from dataclasses import replace
from pathlib import Path

from wizard.records import record
from wizard.text.messages import (
    LANGUAGE_ENV,
    N_,
    Choice,
    Message,
    available_languages,
    resolve_language,
    set_language,
)

CONFIG_DIR_ENV = "CONVEX_AUTH_WIZARD_CONFIG_DIR"
APP_NAME = "convex-auth-wizard"
FILE_NAME = "settings.json"
LANGUAGE_NAMES = {"en": "English", "bn": "বাংলা"}
"""Each language by its own name, as a person looking for it would recognise it."""
MAX_BYTES = 64 * 1024
"""A settings file is a few bytes; anything larger was not written by the wizard."""


@record(frozen=True)
class Saved:
    language: str | None
    problem: Message | None = None
    """Why the file could not be used (None: it was fine, or there is none)."""


def settings_path() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override) / FILE_NAME
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        # platformdirs' answer here (the XDG rule; a test holds them equal) without importing
        # it: every command reads this file, and importing platformdirs costs `check` ~7 ms.
        base = os.environ.get("XDG_CONFIG_HOME", "").strip() or os.path.expanduser("~/.config")
        return Path(base) / APP_NAME / FILE_NAME
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / FILE_NAME


def _unusable(path: Path, why: str) -> Saved:
    return Saved(None, Message(N_("The settings file {path} cannot be used ({why}); the "
                                  "language comes from --lang, the environment or the locale "
                                  "instead. Choosing a language in the wizard rewrites the "
                                  "file."), path=str(path), why=why))


def _read_settings(path: Path) -> dict[str, object]:
    """The document in ``path`` ({} when there is none); OSError or ValueError when it is
    not a regular file holding a JSON object."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return {}
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES} bytes")
    import json

    document = json.loads(data.decode("utf-8"))
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    return document


def saved_language(path: Path | None = None) -> Saved:
    path = path or settings_path()
    try:
        document = _read_settings(path)
    except (OSError, ValueError, RecursionError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return _unusable(path, why)
    language = document.get("language")
    if language is None:
        return Saved(None)
    if not isinstance(language, str) or language not in available_languages():
        return _unusable(path, f"unknown language {language!r}")
    return Saved(language)


def save_language(language: str, path: Path | None = None) -> Message | None:
    """Remember ``language`` for this user; the problem when it cannot be saved."""
    path = path or settings_path()
    try:
        document = _read_settings(path)
    except (OSError, ValueError, RecursionError):
        document = {}  # the unusable file is replaced: the choice is what the user wants now
    document["language"] = language
    tmp: str | None = None
    import json

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        return Message(N_("The language could not be saved to {path}: {why}"),
                       path=str(path), why=exc.strerror or str(exc))
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return None


def choose_language(flag: str | None) -> Choice:
    """Settle the language of this run: ``--lang``, ``$CONVEX_AUTH_WIZARD_LANG``, the saved
    choice, the locale, English. The saved file is read only when neither the flag nor the
    variable decides."""
    choice = resolve_language(flag)
    if choice.source not in ("--lang", LANGUAGE_ENV):
        saved = saved_language()
        choice = replace(resolve_language(flag, saved=saved.language), problem=saved.problem)
    set_language(choice.language)
    return choice
