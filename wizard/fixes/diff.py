"""The unified diff a plan shows: exactly the changed lines, every secret in it redacted.

``difflib`` glues a last line without a line ending to the next diff line and never writes
``\\ No newline at end of file`` (research-16-17.md §16.3), so the marker is added here, as
``git diff`` writes it. Line endings stay in the text (a CRLF line shows its ``\\r``); making
control characters visible is the output edge's job, as for every other piece of file data.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from wizard.guards.redaction import scrub

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    return _LINES.findall(data.decode("utf-8", "replace"))


def unified_diff(path: str, old: bytes | None, new: bytes | None,
                 secrets: Iterable[str] = ()) -> str:
    """``--- a/path`` / ``+++ b/path`` (``/dev/null`` for a created or removed file), three
    lines of context; each line passed through :func:`wizard.redaction.scrub` with
    ``secrets`` (values known to be secret) so none of them is shown."""
    known = [s for s in secrets if s]
    out: list[str] = []
    for line in difflib.unified_diff(
            _lines(old), _lines(new), "/dev/null" if old is None else "a/" + path,
            "/dev/null" if new is None else "b/" + path):
        line = scrub(line, known)
        out.append(line if line.endswith(("\n", "\r")) else line + "\n" + NO_NEWLINE)
    return "".join(out)
