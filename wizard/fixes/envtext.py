"""Editing one variable of a ``.env`` file and nothing else (research-16-17.md §16.2).

python-dotenv's ``parse_stream`` finds the bindings: joined, their original texts are the
file (a leading BOM aside, which is kept here). It does not say where inside a binding the
key and the value are, so each binding's own text is split by the same grammar; every edit is
then parsed again and must give exactly the intended values, or it is refused. Comments,
order, quoting, ``export``, blank lines, duplicates, line endings and the trailing-newline
state are kept; ``dotenv.set_key`` keeps none of them and is not used.
"""

from __future__ import annotations

import io
import re

from dotenv.parser import Binding, parse_stream

from wizard.fixes.model import Refusal, Refused
from wizard.guards.redaction import looks_secret, looks_secret_name, redact
from wizard.records import record

BOM = b"\xef\xbb\xbf"
_WS = r"[^\S\r\n]"
_LEAD = re.compile(r"\s*")
_EXPORT = re.compile(rf"export{_WS}+")
_QUOTED_KEY = re.compile(r"'([^']+)'")
_KEY = re.compile(r"[^=#\s]+")
_SPACES = re.compile(rf"{_WS}*")
_EQUALS = re.compile(rf"={_WS}*")
_QUOTED = {"'": re.compile(r"'(?:\\.|[^'\\])*'", re.DOTALL),
           '"': re.compile(r'"(?:\\.|[^"\\])*"', re.DOTALL)}
_REST_OF_LINE = re.compile(r"[^\r\n]*")
_INLINE_COMMENT = re.compile(r"\s+#.*")
_LINE_END = re.compile(r"\r\n|\n|\r")
_FINAL_LINE_END = re.compile(r"(?:\r\n|\n|\r)\Z")
_PLAIN_VALUE = re.compile(r"[^\s'\"#`](?:[^\r\n#]*[^\s#])?|")
"""A value safe to write unquoted: no surrounding spaces, no comment mark, no quote first."""


@record(frozen=True)
class _Span:
    """Where one binding is written, as offsets into the document's text."""

    key: str
    line_start: int
    """Start of the key's own line (blank lines before it belong to the binding too)."""
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    """The value as written, quotes included; an empty range when there is none."""
    has_equals: bool
    quote: str
    commented: bool
    end: int
    has_line_end: bool


def _split(binding: Binding, at: int) -> _Span:
    """Dissect a binding python-dotenv parsed with a key, mirroring its grammar."""
    text = binding.original.string
    pos = _LEAD.match(text).end()  # type: ignore[union-attr]  # ``\s*`` always matches
    lead = text[:pos]
    line_start = max(lead.rfind("\n"), lead.rfind("\r")) + 1
    exported = _EXPORT.match(text, pos)
    pos = exported.end() if exported else pos
    quoted_key = text.startswith("'", pos)
    key = (_QUOTED_KEY if quoted_key else _KEY).match(text, pos)
    if key is None:
        raise Refused(Refusal.EDIT_NOT_VERIFIED)
    key_start, key_end = key.span(1 if quoted_key else 0)
    pos = _SPACES.match(text, key.end()).end()  # type: ignore[union-attr]
    value_start = value_end = pos
    quote = ""
    has_equals = text.startswith("=", pos)
    if has_equals:
        equals = _EQUALS.match(text, pos)
        assert equals is not None  # it starts with "="
        value_start = value_end = equals.end()
        first = text[value_start:value_start + 1]
        if first in _QUOTED:
            quoted = _QUOTED[first].match(text, value_start)
            if quoted is None:
                raise Refused(Refusal.EDIT_NOT_VERIFIED)
            quote, value_end = first, quoted.end()
        elif not (first == "#" and equals.end() - equals.start() > 1):  # ``K= # note``: empty
            part = _REST_OF_LINE.match(text, value_start).group()  # type: ignore[union-attr]
            value_end += len(_INLINE_COMMENT.sub("", part, count=1).rstrip())
    return _Span(
        key=binding.key or "", line_start=at + line_start, key_start=at + key_start,
        key_end=at + key_end, value_start=at + value_start, value_end=at + value_end,
        has_equals=has_equals, quote=quote, commented="#" in text[value_end:],
        end=at + len(text), has_line_end=text.endswith(("\n", "\r")))


def encode_value(value: str, quote: str) -> str:
    """``value`` in the file's own quoting where that quoting holds it as is (in python-dotenv,
    npm dotenv and Next's loader alike), else unquoted, else double-quoted."""
    if any(char in value for char in "\n\r$"):  # ``$``: Next's loader expands variables
        raise Refused(Refusal.VALUE_NOT_WRITABLE)
    held = {"'": "'" not in value and "\\" not in value,
            '"': '"' not in value and "\\" not in value,
            "": bool(_PLAIN_VALUE.fullmatch(value))}
    for style in (quote, "", '"'):
        if held[style]:
            return f"{style}{value}{style}"
    raise Refused(Refusal.VALUE_NOT_WRITABLE)


class EnvText:
    """A ``.env`` file's text, edited one variable at a time."""

    def __init__(self, data: bytes) -> None:
        self.bom = data.startswith(BOM)
        try:
            self.text = data[len(BOM) if self.bom else 0:].decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(Refusal.NOT_UTF8) from None
        self.bindings = self._parse(self.text)

    @staticmethod
    def _parse(text: str) -> list[Binding]:
        # StringIO translates no line ending, so each binding's text is the file's own
        bindings = list(parse_stream(io.StringIO(text)))
        if "".join(b.original.string for b in bindings) != text:
            raise Refused(Refusal.EDIT_NOT_VERIFIED)
        return bindings

    @property
    def data(self) -> bytes:
        return (BOM if self.bom else b"") + self.text.encode("utf-8")

    def values(self) -> dict[str, str | None]:
        """Each name's value as python-dotenv reads it (the last duplicate wins)."""
        return {b.key: b.value for b in self.bindings if b.key is not None}

    def spans(self, key: str) -> list[_Span]:
        found: list[_Span] = []
        at = 0
        for binding in self.bindings:
            if binding.key == key:
                found.append(_split(binding, at))
            at += len(binding.original.string)
        return found

    def secrets(self) -> list[str]:
        """Values of secret-named variables, and secret-shaped values of any variable."""
        return [b.value for b in self.bindings if b.key is not None and b.value
                and (looks_secret_name(b.key) or looks_secret(b.value))]

    def redacted(self) -> bytes:
        """The file as a diff shows it: each secret value replaced by its redacted form, in
        its own quotes, so a context line can never show one."""
        text, at, cuts, secret = self.text, 0, [], set(self.secrets())
        for binding in self.bindings:
            if binding.key is not None and binding.value in secret:
                span = _split(binding, at)
                shown = redact(binding.value or "")
                cuts.append((span.value_start, span.value_end,
                             f"{span.quote}{shown}{span.quote}"))
            at += len(binding.original.string)
        for start, end, shown in reversed(cuts):
            text = text[:start] + shown + text[end:]
        return (BOM if self.bom else b"") + text.encode("utf-8")

    def line_end(self) -> str:
        """The file's own line ending (its first), ``\\n`` for a file without one."""
        first = _LINE_END.search(self.text)
        return first.group() if first else "\n"

    def _commit(self, text: str, expected: dict[str, str | None]) -> None:
        bindings = self._parse(text)
        if {b.key: b.value for b in bindings if b.key is not None} != expected:
            raise Refused(Refusal.EDIT_NOT_VERIFIED)
        self.text, self.bindings = text, bindings

    def set(self, key: str, value: str, comment: str | None = None) -> None:
        """Give ``key`` the value ``value``: its last binding is rewritten in place (quoting
        kept where it can hold the value, its own comment kept, else ``comment`` added), or a
        new line is added at the end with the file's line ending."""
        expected = {**self.values(), key: value}
        note = f" # {comment}" if comment else ""
        spans = self.spans(key)
        if not spans:
            line = f"{key}={encode_value(value, '')}{note}"
            end = self.line_end()
            if not self.text:
                text = line + end
            elif self.text.endswith(("\n", "\r")):
                text = self.text + line + end
            else:  # no final line ending before: none after either
                text = self.text + end + line
            self._commit(text, expected)
            return
        span = spans[-1]
        written = encode_value(value, span.quote)
        if not span.has_equals:
            written = "=" + written
        if not span.commented:
            written += note
        elif self.text.startswith("#", span.value_end):  # ``K= # note``: keep it a comment
            written += " "
        self._commit(self.text[:span.value_start] + written + self.text[span.value_end:],
                     expected)

    def rename(self, key: str, new: str) -> None:
        """Every binding of ``key`` takes the name ``new``; value, quotes and comment stay."""
        old = self.values()
        if new in old:
            raise Refused(Refusal.KEY_EXISTS, key=new)
        expected = {name: value for name, value in old.items() if name != key}
        expected[new] = old[key]
        text = self.text
        for span in reversed(self.spans(key)):
            text = text[:span.key_start] + new + text[span.key_end:]
        self._commit(text, expected)

    def remove(self, key: str) -> None:
        """Every line of ``key`` goes (blank lines before it stay); a file that did not end
        with a line ending still does not."""
        expected = {name: value for name, value in self.values().items() if name != key}
        text = self.text
        for span in reversed(self.spans(key)):
            before, after = text[:span.line_start], text[span.end:]
            if not span.has_line_end and not after:
                before = _FINAL_LINE_END.sub("", before)
            text = before + after
        self._commit(text, expected)
