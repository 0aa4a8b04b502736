"""Text that reaches a terminal, a file or a JSON reader: never a control character, never
unbounded.

Everything the tool shows can come from someone else: a token's claims, an issuer's answers,
a repository's ``.env`` and ``auth.config.ts``, a folder's name. A control character in any of
them could drive the user's terminal (OSC 52 writes the clipboard, CSI moves the cursor, OSC 8
hides a link, a bidi override reorders what is read), so every output edge shows them as
visible escapes (``\\x1b``, ``\\u009b``) instead: :func:`visible` for text, :func:`json_text`
for JSON, and :class:`GuardedStream` around the commands' standard streams. Decoded
token parts are shown through :func:`bounded`, so no token can make the output huge.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

from wizard.records import record

# Every character a terminal may act on or that hides what is read: C0, DEL and C1 (Cc),
# the format characters (Cf: bidi overrides and isolates, zero-width and invisible tag
# characters), the line and paragraph separators (Zl, Zp) and lone surrogates (Cs, which
# cannot even be encoded). Listed as ranges so importing costs nothing; a test compares the
# list with unicodedata.
_BEYOND_C0 = (
    r"\x7f-\x9f"
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    r"\ud800-\udfff"
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    r"\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(rf"[\x00-\x1f{_BEYOND_C0}]")
_UNSAFE_BUT_NEWLINE = re.compile(rf"[\x00-\x09\x0b-\x1f{_BEYOND_C0}]")
_UNSAFE_BEYOND_C0 = re.compile(f"[{_BEYOND_C0}]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x80 else (
        f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")


def visible(text: str, *, newlines: bool = True) -> str:
    """``text`` with every unsafe character shown as an escape (``\\x1b``, ``\\u009b``);
    line breaks are kept unless ``newlines`` is false (a value meant for one line)."""
    pattern = _UNSAFE_BUT_NEWLINE if newlines else _UNSAFE
    return pattern.sub(_shown, text) if pattern.search(text) else text


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def without_unsafe(text: str) -> str:
    """``text`` with every unsafe character left out (where an escape would not fit, such as
    a text field's drawing, whose cursor must stay on the text as typed)."""
    return _UNSAFE.sub("", text)


def one_line(text: str) -> str:
    """A value shown inside a line: a line break in it cannot forge another line."""
    return visible(text, newlines=False)


MAX_DETAIL = 4_000
"""A check's detail or fix as shown anywhere; no real one comes near, a crafted one might."""


_CLIP_NOTE_ROOM = 32


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending with a visible note of how many were left out
    (so clipping again changes nothing)."""
    if len(text) <= limit:
        return text
    keep = max(0, limit - _CLIP_NOTE_ROOM)
    return f"{text[:keep]}…({len(text) - keep} more characters)"


# --- bounded values ------------------------------------------------------------------------


@record(frozen=True)
class Bounds:
    """How much of a JSON-like value is shown: nesting depth, one string, the whole value."""

    depth: int
    string: int
    total: int


DECODED = Bounds(depth=8, string=2_000, total=20_000)
"""A token's header or claims as shown everywhere (JSON, report, state file, wizard)."""
DOCUMENT = Bounds(depth=16, string=20_000, total=2_000_000)
"""A whole document (``--json``, the JSON report): only what no real document reaches."""
DEEPER = "…(nested deeper)"
NOT_A_NUMBER = "(not a JSON number)"


class _Budget:
    def __init__(self, total: int) -> None:
        self.left = total

    def spend(self, shown: Any) -> Any:
        """Charge what ``shown`` costs in JSON (roughly) and return it."""
        self.left -= len(shown) + 2 if isinstance(shown, str) else len(str(shown))
        return shown


def _scalar(value: Any, bounds: Bounds) -> Any:
    if isinstance(value, str):
        return clip(value, bounds.string)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        # Python's json reads NaN and Infinity in a token's claims; no JSON reader would.
        return f"{json.dumps(value)} {NOT_A_NUMBER}"
    if isinstance(value, int) and value.bit_length() > 64:
        return clip(str(value) if value.bit_length() < 13_000 else "a very large integer", 40)
    if isinstance(value, (int, float)):
        return value
    return clip(str(value), bounds.string)


def _bound(value: Any, bounds: Bounds, depth: int, budget: _Budget) -> Any:
    if not isinstance(value, (dict, list, tuple)):
        return budget.spend(_scalar(value, bounds))
    if depth >= bounds.depth:
        return budget.spend(DEEPER)
    items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    shown: list[tuple[Any, Any]] = []
    for index, (key, item) in enumerate(items):
        # The last entry is always kept: a marker from an earlier pass stays as it was.
        if budget.left <= 0 and index < len(items) - 1:
            more = budget.spend(f"…({len(items) - index} more)")
            shown.append(("…", more))
            break
        shown_key = budget.spend(clip(str(key), bounds.string))
        shown.append((shown_key, _bound(item, bounds, depth + 1, budget)))
    if isinstance(value, dict):
        return dict(shown)
    return [item for _, item in shown]


def bounded(value: Any, bounds: Bounds = DECODED) -> Any:
    """A copy of a JSON-like value that is small whatever the input: containers deeper than
    ``bounds.depth`` become ``…(nested deeper)``, long strings are clipped with a note, the
    entries past the total budget become ``…(N more)``, NaN and Infinity become text that
    says what they were, and anything else becomes its ``str``."""
    return _bound(value, bounds, 0, _Budget(bounds.total))


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """JSON any strict reader accepts and no terminal acts on: bounded by :data:`DOCUMENT`,
    no NaN or Infinity, and C0, DEL, C1 and the other unsafe characters written as ``\\u``
    escapes (readable text such as ``…`` or ``✓`` stays as it is)."""
    return escape_unsafe_json(json.dumps(bounded(value, DOCUMENT), indent=indent,
                                         ensure_ascii=False, allow_nan=False))


def escape_unsafe_json(text: str) -> str:
    """``text``, JSON written by ``json.dumps(ensure_ascii=False)``, with DEL, C1 and the
    other unsafe characters beyond C0 written as ``\\u`` escapes: only string contents can
    hold them (JSON's own syntax is ASCII) and json already escaped C0, so each one becomes a
    valid escape inside its string and the document means the same."""
    return _UNSAFE_BEYOND_C0.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# --- the commands' standard streams -----------------------------------------------------------


class GuardedStream:
    """A standard stream that shows control characters visibly, whoever writes to it. Only
    :meth:`write_styled` passes escape sequences, for text whose data was made visible before
    its colours were added (``wizard.output.render``)."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(visible(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def write_styled(self, text: str) -> int:
        self.inner.write(text)
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def write_styled(stream: TextIO, text: str) -> None:
    """Write text that carries its own colour codes (its data already made visible)."""
    styled = getattr(stream, "write_styled", None)
    if callable(styled):
        styled(text)
    else:
        stream.write(text)


@contextmanager
def guarded_output() -> Iterator[None]:
    """While inside, ``sys.stdout`` and ``sys.stderr`` show control characters visibly."""
    saved = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, GuardedStream(saved[0]))
    sys.stderr = cast(TextIO, GuardedStream(saved[1]))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
