"""Read ``convex/auth.config.ts`` / ``.js`` without executing it (research/convex_spec.md §1).

A small tokenizer and a tolerant parser for the object and array literals an auth config is
made of. TypeScript noise (``satisfies``, ``as const``, ``!``) is stripped, ``process.env``
reads are recorded, and anything not understood is skipped: garbage never raises.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

CANDIDATES: tuple[str, ...] = ("auth.config.ts", "auth.config.js")
"""Looked for in this order, as the Convex CLI does (``bundleAuthConfig``)."""

_KNOWN_KEYS = ("domain", "applicationID", "type", "issuer", "jwks", "algorithm")
_ALIASES = {"issuerdomain": "domain", "domainurl": "domain", "appid": "applicationID"}
_PUNCT = ("...", "===", "!==", "?.", "??", "||", "&&", "=>", "==", "!=")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_STATEMENT_WORDS = frozenset({"export", "import", "const", "let", "var", "function", "class"})
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
_MAX_DEPTH = 64
_ESCAPE_RE = re.compile(r"u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})")


@dataclass(frozen=True)
class Provider:
    index: int
    """Position in the providers array (0-based); -1 for a commented-out provider."""
    kind: str
    """``"oidc"``, ``"customJwt"``, or the unexpected ``type`` as written."""
    domain: str | None
    domain_env: str | None
    issuer: str | None
    issuer_env: str | None
    application_id: str | None
    application_id_env: str | None
    jwks: str | None
    jwks_env: str | None
    algorithm: str | None
    """customJwt only: the ``jwks`` URL (or ``data:`` URL) and the ``algorithm`` as written."""
    misspelled_keys: tuple[str, ...]
    line: int
    domain_line: int | None
    commented_out: bool
    env_fallback: bool
    """The domain read has a fallback (``??``, ``||``, ``?:``); Convex still throws if unset."""


@dataclass(frozen=True)
class AuthConfig:
    path: Path | None
    exists: bool
    both_present: bool
    providers: tuple[Provider, ...] = ()
    commented_providers: tuple[Provider, ...] = ()
    env_names: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def display_path(self, root: Path) -> str:
        """The file relative to ``root`` (``convex/auth.config.ts`` when there is none)."""
        if self.path is None:
            return "convex/" + CANDIDATES[0]
        try:
            return self.path.relative_to(root).as_posix()
        except ValueError:
            pass
        try:
            return self.path.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            return str(self.path)


# --- tokenizer -------------------------------------------------------------------------------

@dataclass
class _Tok:
    kind: str  # "id", "str", "tmpl", "num", "p" (punctuation), "com" (comment)
    value: str
    line: int
    pos: int
    end: int
    subs: tuple[tuple[str, int], ...] = ()  # template ``${...}`` texts with their line
    block: bool = False


def _escape(text: str, j: int) -> tuple[str, int]:
    """Decode the escape at ``text[j] == '\\'``; returns the text and the next index."""
    e = text[j + 1] if j + 1 < len(text) else ""
    if e == "\n":
        return "", j + 2
    m = _ESCAPE_RE.match(text, j + 1)
    if m:
        try:
            return chr(int(m.group(1) or m.group(2) or m.group(3), 16)), m.end()
        except ValueError:
            return "", m.end()
    return _ESCAPES.get(e, e), j + 2


def _tokenize(text: str, line: int, problems: list[str]) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c, start = text[i], i
        if c.isspace():
            line += c == "\n"
            i += 1
            continue
        tok: _Tok
        if text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
            tok = _Tok("com", text[start + 2:i], line, start, i)
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                problems.append(f"unterminated /* comment at line {line}")
            i = n if close < 0 else close + 2
            body = text[start + 2:close if close >= 0 else n]
            tok = _Tok("com", body, line, start, i, block=True)
        elif c in "\"'`":
            out: list[str] = []
            subs: list[tuple[str, int]] = []
            i += 1
            while i < n and text[i] != c and (c == "`" or text[i] != "\n"):
                if text[i] == "\\":
                    piece, i = _escape(text, i)
                    out.append(piece)
                elif c == "`" and text.startswith("${", i):
                    k, depth = i + 2, 1
                    while k < n and depth:
                        depth += {"{": 1, "}": -1}.get(text[k], 0)
                        k += 1
                    sub_line = line + text.count("\n", start, i)
                    subs.append((text[i + 2:k - 1 if depth == 0 else k], sub_line))
                    out.append("${}")
                    i = k
                else:
                    out.append(text[i])
                    i += 1
            if i < n and text[i] == c:
                i += 1
            else:
                problems.append(f"unterminated string at line {line}")
            tok = _Tok("tmpl" if subs else "str", "".join(out), line, start, i, tuple(subs))
        elif c.isalpha() or c in "_$":
            i += 1
            while i < n and (text[i].isalnum() or text[i] in "_$"):
                i += 1
            tok = _Tok("id", text[start:i], line, start, i)
        elif c.isdigit() or (c == "." and text[i + 1:i + 2].isdigit()):
            i += 1
            while i < n and (text[i].isalnum() or text[i] in "._"):
                i += 1
            tok = _Tok("num", text[start:i], line, start, i)
        else:
            i += next((len(p) for p in _PUNCT if text.startswith(p, i)), 1)
            tok = _Tok("p", text[start:i], line, start, i)
        toks.append(tok)
        line += text.count("\n", start, i)
    return toks


def _is(tok: _Tok | None, *values: str) -> bool:
    return tok is not None and tok.kind == "p" and tok.value in values


def _env_reads(toks: list[_Tok], depth: int = 0) -> list[str]:
    """Names read as ``process.env.NAME`` / ``process.env["NAME"]`` (optional chaining too)."""
    names: list[str] = []

    def at(k: int) -> _Tok | None:
        return toks[k] if 0 <= k < len(toks) else None

    for k, tok in enumerate(toks):
        if tok.kind == "tmpl" and depth < 8:
            for sub, sub_line in tok.subs:
                code = [t for t in _tokenize(sub, sub_line, []) if t.kind != "com"]
                names += _env_reads(code, depth + 1)
        if not (tok.kind == "id" and tok.value == "process" and _is(at(k + 1), ".", "?.")):
            continue
        env = at(k + 2)
        if env is None or env.kind != "id" or env.value != "env":
            continue
        j = k + 3
        if _is(at(j), "?.") and _is(at(j + 1), "["):
            j += 1
        key = at(j + 1)
        dotted = _is(at(j), ".", "?.") and key is not None and key.kind == "id"
        indexed = _is(at(j), "[") and key is not None and key.kind == "str" and _is(at(j + 2), "]")
        if key is not None and (dotted or indexed):
            names.append(key.value)
    return names


# --- values and parser -----------------------------------------------------------------------

@dataclass
class _Lit:
    value: str
    line: int


@dataclass
class _Expr:
    toks: list[_Tok]
    line: int
    ident: str | None = None  # set when the expression is a bare identifier


@dataclass
class _Obj:
    entries: list[tuple[str, _Value, int]]  # key ("..." for a spread), value, key line
    line: int
    pos: int
    end: int


@dataclass
class _Arr:
    items: list[_Value]
    line: int
    pos: int
    end: int


@dataclass
class _Spread:
    value: _Value


_Value: TypeAlias = "_Lit | _Expr | _Obj | _Arr | _Spread"


def _strip_ts(toks: list[_Tok]) -> list[_Tok]:
    """Drop ``as T`` / ``satisfies T`` tails, trailing ``!`` and wrapping parentheses."""
    for _ in range(_MAX_DEPTH):
        before, nest = len(toks), 0
        for k, tok in enumerate(toks):
            nest += _is(tok, *_OPEN) - _is(tok, *_CLOSE)
            if k and not nest and tok.kind == "id" and tok.value in ("as", "satisfies"):
                toks = toks[:k]
                break
        while toks and _is(toks[-1], "!"):
            toks = toks[:-1]
        if len(toks) >= 2 and _is(toks[0], "(") and _is(toks[-1], ")"):
            nest = 0
            for k, tok in enumerate(toks):
                nest += _is(tok, *_OPEN) - _is(tok, *_CLOSE)
                if nest == 0 and k < len(toks) - 1:
                    break
            else:
                toks = toks[1:-1]
        if len(toks) == before:
            break
    return toks


class _Parser:
    def __init__(self, toks: list[_Tok], problems: list[str]) -> None:
        self.t, self.i, self.problems = toks, 0, problems

    def peek(self, ahead: int = 0) -> _Tok | None:
        k = self.i + ahead
        return self.t[k] if k < len(self.t) else None

    def skip_expression(self) -> None:
        """Advance to the ``,`` ``;`` or unmatched closer that ends the current expression."""
        nest, prev_line = 0, self.t[self.i - 1].line if self.i else -1
        while (tok := self.peek()) is not None:
            if _is(tok, *_OPEN):
                nest += 1
            elif _is(tok, *_CLOSE):
                if nest == 0:
                    return
                nest -= 1
            elif nest == 0 and _is(tok, ",", ";"):
                return
            elif nest == 0 and tok.kind == "id" and tok.value in _STATEMENT_WORDS \
                    and tok.line > prev_line >= 0:
                return  # a new statement after a missing semicolon
            prev_line = tok.line
            self.i += 1

    def value(self, depth: int) -> _Value:
        start, tok = self.i, self.peek()
        parsed: _Value | None = None
        if tok is None:
            return _Expr([], 0)
        if depth < _MAX_DEPTH and _is(tok, "{"):
            parsed = self.obj(depth + 1)
        elif depth < _MAX_DEPTH and _is(tok, "["):
            parsed = self.arr(depth + 1)
        elif depth < _MAX_DEPTH and _is(tok, "("):  # ``({...} satisfies AuthConfig)``
            self.i += 1
            inner = self.value(depth + 1)
            if _is(self.peek(), ")"):
                self.i += 1
                parsed = inner if isinstance(inner, (_Obj, _Arr)) else None
            else:
                self.i = start
        rest = self.i
        self.skip_expression()
        tail = [t for t in self.t[rest:self.i] if not _is(t, "!")]
        if parsed is not None and (not tail or tail[0].value in ("as", "satisfies")):
            return parsed  # ``{...} satisfies AuthConfig``, ``[...] as const``, ``{...}!``
        toks = self.t[start:self.i]
        core = _strip_ts(toks)
        if len(core) == 1 and core[0].kind == "str":
            return _Lit(core[0].value, core[0].line)
        ident = core[0].value if len(core) == 1 and core[0].kind == "id" else None
        return _Expr(toks, tok.line, ident)

    def obj(self, depth: int) -> _Obj:
        opener = self.t[self.i]
        self.i += 1
        entries: list[tuple[str, _Value, int]] = []
        while (tok := self.peek()) is not None:
            start, nxt = self.i, self.peek(1)
            if _is(tok, "}"):
                self.i += 1
                return _Obj(entries, opener.line, opener.pos, tok.end)
            if _is(tok, ","):
                self.i += 1
            elif _is(tok, "..."):
                self.i += 1
                entries.append(("...", self.value(depth), tok.line))
            elif tok.kind in ("id", "str", "num") and _is(nxt, ":"):
                self.i += 2
                entries.append((tok.value, self.value(depth), tok.line))
            elif tok.kind == "id" and (nxt is None or _is(nxt, ",", "}")):
                self.i += 1
                entries.append((tok.value, _Expr([tok], tok.line, tok.value), tok.line))
            else:  # computed keys, methods, getters, junk
                self.skip_expression()
                if _is(self.peek(), ":"):
                    self.i += 1
                    self.value(depth)
            if self.i == start:
                self.i += 1
        self.problems.append(f"object starting at line {opener.line} is never closed")
        return _Obj(entries, opener.line, opener.pos, self.t[-1].end)

    def arr(self, depth: int) -> _Arr:
        opener = self.t[self.i]
        self.i += 1
        items: list[_Value] = []
        while (tok := self.peek()) is not None:
            start = self.i
            if _is(tok, "]"):
                self.i += 1
                return _Arr(items, opener.line, opener.pos, tok.end)
            if _is(tok, ","):
                self.i += 1
            elif _is(tok, "..."):
                self.i += 1
                items.append(_Spread(self.value(depth)))
            else:
                items.append(self.value(depth))
            if self.i == start:
                self.i += 1
                items.pop()
        self.problems.append(f"array starting at line {opener.line} is never closed")
        return _Arr(items, opener.line, opener.pos, self.t[-1].end)

    def module(self) -> tuple[dict[str, _Value], _Value | None]:
        """Top-level ``const``/``let``/``var`` bindings and the default export."""
        bindings: dict[str, _Value] = {}
        default: _Value | None = None
        nest = 0
        while (tok := self.peek()) is not None:
            nxt = self.peek(1)
            if nest == 0 and tok.kind == "id" and nxt is not None:
                if tok.value in ("const", "let", "var") and nxt.kind == "id" and self._to_assign():
                    bindings.setdefault(nxt.value, self.value(0))
                    continue
                if tok.value == "export" and nxt.kind == "id" and nxt.value == "default":
                    self.i += 2
                    value = self.value(0)
                    default = value if default is None else default
                    continue
                if tok.value == "module" and _is(nxt, ".") and self._at_word(2, "exports") \
                        and _is(self.peek(3), "="):
                    self.i += 4
                    value = self.value(0)
                    default = value if default is None else default
                    continue
                if tok.value == "export" and _is(nxt, "{"):
                    k = self.i + 2
                    while k + 2 < min(len(self.t), self.i + 200) and not _is(self.t[k], "}"):
                        if self.t[k + 1].value == "as" and self.t[k + 2].value == "default":
                            default = _Expr([self.t[k]], self.t[k].line, self.t[k].value)
                        k += 1
            nest = max(0, nest + _is(tok, *_OPEN) - _is(tok, *_CLOSE))
            self.i += 1
        return bindings, default

    def _at_word(self, ahead: int, word: str) -> bool:
        tok = self.peek(ahead)
        return tok is not None and tok.kind == "id" and tok.value == word

    def _to_assign(self) -> bool:
        """From ``const NAME``, skip a type annotation to just after ``=``."""
        k, nest = self.i + 2, 0
        while k < min(len(self.t), self.i + 500):
            tok = self.t[k]
            nest += _is(tok, *_OPEN) - _is(tok, *_CLOSE)
            if nest < 0 or (nest == 0 and (_is(tok, ";") or tok.value in _STATEMENT_WORDS)):
                return False
            if nest == 0 and _is(tok, "="):
                self.i = k + 1
                return True
            k += 1
        return False


# --- from parsed values to providers ---------------------------------------------------------

def _resolve(value: _Value | None, bindings: dict[str, _Value]) -> _Value | None:
    for _ in range(16):  # a bounded walk: ``const a = b; const b = a`` must not loop
        if not (isinstance(value, _Expr) and value.ident in bindings):
            break
        value = bindings[value.ident]
    return value


def _osa_distance(a: str, b: str) -> int:
    """Edit distance counting an adjacent swap as one edit (``domian`` is 1 from ``domain``)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            substitute = d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, substitute)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def _misspelling_of(key: str) -> str | None:
    """The provider key ``key`` was probably meant to be, if it is not that key already."""
    if key in _KNOWN_KEYS or len(key) > 40:
        return None
    norm = re.sub(r"[\W_]", "", key).lower()
    for known in _KNOWN_KEYS:
        target = known.lower()
        limit = 0 if len(target) < 6 else 1 if len(target) < 9 else 2
        if norm in (target, target + "s") or _osa_distance(norm, target) <= limit:
            return known
    return _ALIASES.get(norm)


def _entries(
    obj: _Obj, bindings: dict[str, _Value], depth: int = 0
) -> list[tuple[str, _Value, int]]:
    """Entries in order, with ``...base`` spreads of known objects expanded."""
    out: list[tuple[str, _Value, int]] = []
    for key, value, line in obj.entries:
        target = _resolve(value, bindings) if key == "..." else None
        if isinstance(target, _Obj) and depth < 8:
            out += _entries(target, bindings, depth + 1)
        elif key != "...":
            out.append((key, value, line))
    return out


def _flatten(
    array: _Arr, bindings: dict[str, _Value], problems: list[str], outer: tuple[int, ...] = ()
) -> list[_Value]:
    """Array items with ``...known`` spreads expanded (a self-including spread is not)."""
    items: list[_Value] = []
    for item in array.items:
        if len(items) > 10_000:
            break
        if not isinstance(item, _Spread):
            items.append(item)
            continue
        spread = _resolve(item.value, bindings)
        if isinstance(spread, _Arr) and id(spread) not in (*outer, id(array)) and len(outer) < 8:
            items += _flatten(spread, bindings, problems, (*outer, id(array)))
        else:
            problems.append("the providers array has a spread (...) that could not be read; "
                            "provider indexes after it may be off")
    return items


def _reading(value: _Value | None) -> tuple[str | None, str | None, bool]:
    """(literal, env name, has fallback) of a property value."""
    if isinstance(value, _Lit):
        return value.value, None, False
    if isinstance(value, _Expr):
        names = _env_reads(value.toks)
        fallback = any(_is(t, "??", "||", "?") for t in value.toks)
        return None, names[0] if names else None, fallback
    return None, None, False


def _provider(obj: _Obj, index: int, bindings: dict[str, _Value], commented: bool) -> Provider:
    props: dict[str, tuple[_Value, int]] = {}
    misspelled: list[str] = []
    for key, value, line in _entries(obj, bindings):
        props[key] = (value, line)  # the last duplicate wins, as in JavaScript
        if _misspelling_of(key) and key not in misspelled:
            misspelled.append(key)
    kind_value = props.get("type", (None, 0))[0]
    kind = "oidc"
    if isinstance(kind_value, _Lit):
        kind = kind_value.value
    elif isinstance(kind_value, _Expr):
        kind = " ".join(t.value for t in kind_value.toks)
    domain, domain_env, fallback = _reading(props.get("domain", (None, 0))[0])
    issuer, issuer_env, _ = _reading(props.get("issuer", (None, 0))[0])
    app_id, app_id_env, _ = _reading(props.get("applicationID", (None, 0))[0])
    jwks, jwks_env, _ = _reading(props.get("jwks", (None, 0))[0])
    algorithm, _, _ = _reading(props.get("algorithm", (None, 0))[0])
    return Provider(
        index=index, kind=kind, domain=domain, domain_env=domain_env, issuer=issuer,
        issuer_env=issuer_env, application_id=app_id, application_id_env=app_id_env,
        jwks=jwks, jwks_env=jwks_env, algorithm=algorithm,
        misspelled_keys=tuple(misspelled), line=obj.line,
        domain_line=props["domain"][1] if "domain" in props else None,
        commented_out=commented, env_fallback=fallback,
    )


def _looks_like_provider(obj: _Obj) -> bool:
    keys = {key for key, _, _ in obj.entries}
    return bool(keys & {"domain", "applicationID"}) or {"issuer", "jwks"} <= keys or any(
        _misspelling_of(key) in ("domain", "applicationID") for key in keys
    )


def _comment_blocks(toks: list[_Tok]) -> list[tuple[int, int, str]]:
    """(position, first line, text) of each block comment and each run of ``//`` lines."""
    blocks: list[tuple[int, int, list[str]]] = []
    prev: _Tok | None = None
    for tok in toks:
        if tok.kind == "com":
            if not tok.block and prev is not None and prev.kind == "com" and not prev.block \
                    and tok.line == prev.line + 1:
                blocks[-1][2].append(tok.value)
            else:
                body = tok.value
                if tok.block:  # the " * " gutter of JSDoc-style comments
                    body = "\n".join(re.sub(r"^\s*\*(?!/)", " ", ln) for ln in body.split("\n"))
                blocks.append((tok.pos, tok.line, [body]))
        prev = tok
    return [(pos, line, "\n".join(lines)) for pos, line, lines in blocks]


def _commented_providers(text: str, line: int) -> list[Provider]:
    parser = _Parser([t for t in _tokenize(text, line, []) if t.kind != "com"], [])
    found: list[Provider] = []

    def collect(value: _Value, depth: int) -> None:
        if isinstance(value, _Obj) and _looks_like_provider(value):
            found.append(_provider(value, -1, {}, commented=True))
        elif depth < _MAX_DEPTH:
            children = value.entries if isinstance(value, _Obj) else []
            items = value.items if isinstance(value, _Arr) else [v for _, v, _ in children]
            for child in items:
                collect(child, depth + 1)

    while (tok := parser.peek()) is not None:
        if _is(tok, "{"):
            collect(parser.obj(1), 0)
        elif _is(tok, "["):
            collect(parser.arr(1), 0)
        else:
            parser.i += 1
    return found


def parse_auth_config(text: str, path: Path | None = None) -> AuthConfig:
    """Read auth.config source text. Never raises, never executes anything."""
    try:
        return _parse(text, path)
    except Exception as exc:  # a last net; the property test asserts it never catches
        return AuthConfig(path, True, False, problems=(f"internal parser error: {exc!r}",))


def _parse(text: str, path: Path | None) -> AuthConfig:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems: list[str] = []
    tokens = _tokenize(text, 1, problems)
    code = [t for t in tokens if t.kind != "com"]
    bindings, default = _Parser(code, problems).module()
    providers: list[Provider] = []
    spans: list[tuple[int, int]] = []
    config = _resolve(default, bindings)
    if default is None:
        problems.append("no default export")
    elif not isinstance(config, _Obj):
        problems.append("the default export is not an object literal")
    else:
        spans.append((config.pos, config.end))
        entries = _entries(config, bindings)
        value = next((v for k, v, _ in reversed(entries) if k == "providers"), None)
        array = _resolve(value, bindings)
        if value is None:
            near = [k for k, _, _ in entries if k.lower().startswith("provider") or k == "provides"]
            problems.append("no providers array found"
                            + (f" (found {near[0]!r}; the key is 'providers')" if near else ""))
        elif not isinstance(array, _Arr):
            problems.append("providers is not an array literal")
        else:
            spans.append((array.pos, array.end))
            for index, item in enumerate(_flatten(array, bindings, problems)):
                obj = _resolve(item, bindings)
                if isinstance(obj, _Obj):
                    providers.append(_provider(obj, index, bindings, commented=False))
                    spans.append((obj.pos, obj.end))
                else:
                    problems.append(f"provider at index {index} is not an object literal")
    commented: list[Provider] = []
    for pos, line, body in _comment_blocks(tokens):
        if not spans or any(a <= pos <= b for a, b in spans):
            commented += _commented_providers(body, line)
    return AuthConfig(
        path=path, exists=True, both_present=False, providers=tuple(providers),
        commented_providers=tuple(commented),
        env_names=tuple(dict.fromkeys(_env_reads(code))), problems=tuple(problems),
    )


def read_auth_config(project_root: Path) -> AuthConfig:
    """Find and read the project's auth config; every failure becomes a problem message."""
    present = [p for p in (Path(project_root) / "convex" / name for name in CANDIDATES)
               if os.path.exists(p)]
    if not present:
        return AuthConfig(None, exists=False, both_present=False)
    path, both = present[0], len(present) > 1
    failed = AuthConfig(path, exists=True, both_present=both)
    try:
        if path.is_dir():
            problem = f"could not read file: {path} is a directory"
            return dataclasses.replace(failed, problems=(problem,))
        data = path.read_bytes()
    except OSError as exc:
        return dataclasses.replace(failed, problems=(f"could not read file: {exc}",))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return dataclasses.replace(failed, problems=(
            f"could not read file: not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})",
        ))
    return dataclasses.replace(parse_auth_config(text, path), both_present=both)


__all__ = ["CANDIDATES", "AuthConfig", "Provider", "parse_auth_config", "read_auth_config"]
