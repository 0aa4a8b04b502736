"""Every sentence a person reads, looked up in a gettext message catalog at the edge.

The English text is the message id: ``N_("…")`` marks it for extraction (``pybabel extract``,
see ``babel.cfg``) and returns it unchanged; ``_("…")`` translates it now, for text drawn
at once (a button, a notification; ``_("… {name} …", name=…)`` fills a template); a
:class:`Message` keeps a ``str.format`` template and its values and is rendered where it is
shown (check details and fixes, which are made long before anyone reads them). Catalogs live
in ``locale/<lang>/LC_MESSAGES/convex_auth_wizard.mo`` and are read with the standard
library's :mod:`gettext`, each once, on first use (``python tools/update_catalogs.py`` brings
them up to date; Babel is a development tool only).

The language (:func:`resolve_language`; :func:`wizard.text.language.choose_language` settles
it once per run): ``--lang``, else ``$CONVEX_AUTH_WIZARD_LANG``, else the choice saved in the
wizard, else the first of ``$LANGUAGE``, ``$LC_ALL``, ``$LC_MESSAGES`` and ``$LANG`` that has a
catalog, else English. :func:`set_language` switches it for the rest of the run.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from wizard.records import record

DOMAIN = "convex_auth_wizard"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
LANGUAGE_ENV = "CONVEX_AUTH_WIZARD_LANG"
_LOCALE_ORDER = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction; it is translated where it is shown."""
    return msgid


@functools.cache
def available_languages() -> tuple[str, ...]:
    """The languages a compiled catalog ships for."""
    if not LOCALE_DIR.is_dir():
        return ()
    return tuple(sorted(path.parent.parent.name
                        for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")))


def _candidates(setting: str) -> list[str]:
    """``bn_BD.UTF-8:en`` → ``["bn_BD", "bn", "en"]``."""
    names: list[str] = []
    for part in setting.split(":"):
        name = part.split(".", 1)[0].split("@", 1)[0]
        names += [name, name.split("_", 1)[0]] if "_" in name else [name]
    return [name for name in names if name]


def _has_catalog(language: str) -> bool:
    return language == SOURCE_LANGUAGE or (
        LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()


def _first_with_catalog(setting: str) -> str | None:
    return next((name for name in _candidates(setting) if _has_catalog(name)), None)


@record(frozen=True)
class Choice:
    """The language a run starts in, and what chose it (for ``--help`` and the tests)."""

    language: str
    source: str
    """``--lang``, the variable's name, ``saved`` (the wizard's choice) or ``default``."""
    problem: Message | None = None
    """Why the saved choice could not be read, for the caller to show."""


def resolve_language(flag: str | None = None, environ: Mapping[str, str] | None = None,
                     saved: str | None = None) -> Choice:
    """The first of ``--lang``, ``$CONVEX_AUTH_WIZARD_LANG``, the saved choice and the locale
    that names a language with a catalog; else English."""
    env = os.environ if environ is None else environ
    for source, setting in (("--lang", flag), (LANGUAGE_ENV, env.get(LANGUAGE_ENV)),
                            ("saved", saved)):
        found = _first_with_catalog(setting or "")
        if found is not None:
            return Choice(found, source)
    for variable in _LOCALE_ORDER:
        found = _first_with_catalog(env.get(variable, ""))
        if found is not None:
            return Choice(found, variable)
    return Choice(SOURCE_LANGUAGE, "default")


@functools.cache
def _from_environment() -> str:
    return resolve_language().language


def current_language() -> str:
    return _chosen if _chosen is not None else _from_environment()


def set_language(language: str | None) -> None:
    """Show every later sentence in ``language`` (None: chosen from the environment again)."""
    global _chosen
    _chosen = language


class _Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...


class _Source:
    """English: the message ids are the English text and the English catalog maps each to
    itself (tests/test_text.py keeps it so), so it need not be read."""

    def gettext(self, message: str, /) -> str:
        return message


@functools.cache
def _translations(language: str) -> _Catalog:
    if language == SOURCE_LANGUAGE:
        return _Source()
    import gettext

    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(msgid: str, /, **values: object) -> str:
    """``msgid`` in the current language, now; with ``values``, a ``str.format`` template
    filled with them (as a :class:`Message` is)."""
    if values:
        return Message(msgid, **values).render()
    return _translations(current_language()).gettext(msgid)


class _Blank(dict[str, object]):
    """Leaves an unknown placeholder visible instead of raising, so a translation that names
    a value the code does not give can never crash a run."""

    def __missing__(self, key: str) -> str:
        return "<" + key + ">"


class Message:
    """A sentence to be shown later: its English template (the message id, ``str.format``
    with named fields) and the values to put in it, which may be messages themselves.

    A value: nothing changes it once made. A plain class with slots rather than a frozen
    dataclass because every check builds several and a pasted token's verdict is judged on
    every keystroke (``benchmarks/run.py``, paste-to-verdict)."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values: Mapping[str, object] = values

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Message) and other.key == self.key
                and other.values == self.values)

    def __hash__(self) -> int:
        return hash((self.key, *self.values))

    def __repr__(self) -> str:
        return f"Message({self.key!r}, **{self.values!r})"

    def render(self, language: str | None = None) -> str:
        template = _translations(language or current_language()).gettext(self.key)
        return template.format_map(_Blank(
            {name: render(value, language) if isinstance(value, (Message, Joined)) else value
             for name, value in self.values.items()}))


@record(frozen=True)
class Joined:
    """Messages shown one after the other."""

    parts: tuple[Message | Joined, ...]
    separator: str = " "

    def render(self, language: str | None = None) -> str:
        return self.separator.join(part.render(language) for part in self.parts)


Text = Message | Joined


def render(text: Text | str, language: str | None = None) -> str:
    """A message in ``language`` (default: the current one); a ``str`` is data, as it is."""
    return text if isinstance(text, str) else text.render(language)


def verbatim(text: str) -> Message:
    """Data shown as it is (an issuer's words, a rule's finding, a file's name): a message
    that is never looked up in a catalog."""
    return Message("{text}", text=text)
