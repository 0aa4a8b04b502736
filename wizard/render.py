"""Human output for ``check``: a compact table, one verdict line, and the fix under each failure."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import TextIO

from wizard.engine import Verdict
from wizard.model import Check, Status
from wizard.verify import describe_route

_SYMBOL = {Status.PASS: "✓", Status.FAIL: "✗", Status.WARN: "!", Status.SKIP: "-"}
_COLOR = {Status.PASS: "32", Status.FAIL: "31", Status.WARN: "33", Status.SKIP: "2"}


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR", "") != "":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _wrap(text: str, indent: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width=max(40, width - len(indent)),
                                   break_long_words=False, break_on_hyphens=False) or [""])
    return [indent + line for line in lines]


def verdict_line(verdict: Verdict) -> str:
    failed = [c.id for c in verdict.checks if c.status is Status.FAIL]
    warned = [c.id for c in verdict.checks if c.status is Status.WARN]
    if failed:
        return (f"NOT OK: {len(failed)} check(s) failed ({', '.join(failed)})"
                + (f", {len(warned)} warning(s)" if warned else ""))
    if verdict.token is not None and not verdict.token.verified:
        return "NOT OK: the token could not be fully verified (see the skipped checks)"
    tail = f" ({len(warned)} warning(s))" if warned else ""
    if verdict.token is not None:
        return "OK: Convex would accept this token" + tail
    return "OK: no check failed; pass a token (--token) to verify it end to end" + tail


def _grouped(checks: list[Check]) -> list[tuple[str, Check]]:
    """Rows to print: consecutive checks skipped for the same reason share one row
    (``clerk.* (5)``), so the table stays compact; every other check has its own."""
    rows: list[tuple[str, Check]] = []
    index = 0
    while index < len(checks):
        check, end = checks[index], index + 1
        while (check.status is Status.SKIP and end < len(checks)
               and checks[end].status is Status.SKIP and checks[end].detail == check.detail):
            end += 1
        group = checks[index:end]
        if len(group) == 1:
            rows.append((check.id, check))
        else:
            prefixes = {c.id.split(".", 1)[0] for c in group}
            label = (f"{prefixes.pop()}.* ({len(group)})" if len(prefixes) == 1
                     else ", ".join(c.id for c in group))
            rows.append((label, check))
        index = end
    return rows


def _row(label: str, check: Check, id_width: int, width: int, color: bool) -> list[str]:
    symbol = _paint(_SYMBOL[check.status], _COLOR[check.status], color)
    head = f" {symbol} {label.ljust(id_width)}  "
    body = _wrap(check.detail, " " * (id_width + 5), width)
    lines = [head + body[0].lstrip(), *body[1:]]
    if check.status in (Status.FAIL, Status.WARN) and check.fix:
        fix_lines = _wrap(check.fix, " " * (id_width + 5) + "  ", width)
        fix_lines[0] = " " * (id_width + 5) + _paint("fix: ", "1", color) + fix_lines[0].lstrip()
        lines += fix_lines
    return lines


def render_human(verdict: Verdict, stream: TextIO | None = None) -> str:
    out = stream or sys.stdout
    color = use_color(out)
    width = min(shutil.get_terminal_size((100, 24)).columns, 120)
    session, project = verdict.session, verdict.session.project
    lines = [f"convex-auth-wizard check: {project.root}"]
    if session.issuer:
        lines.append(f"  issuer          {session.issuer.value}  ({session.issuer.source})")
    lines.append(f"  application ID  {session.application_id.value}  "
                 f"({session.application_id.source})")
    if project.key and project.publishable_key:
        lines.append(f"  publishable key {project.key.instance_type}, {project.key.frontend_api}"
                     f"  ({project.publishable_key.source})")
    if verdict.token is not None and verdict.token.kind is not None:
        lines.append(f"  token           {verdict.token.kind.kind}: "
                     f"{verdict.token.kind.description}")
        lines.append(f"  route           {describe_route(verdict.token.route)}")
    lines.append("")
    rows = _grouped(verdict.checks)
    id_width = max(len(label) for label, _ in rows)
    for label, check in rows:
        lines += _row(label, check, id_width, width, color)
    lines.append("")
    line = verdict_line(verdict)
    lines.append(_paint(line, "1;32" if verdict.ok else "1;31", color))
    return verdict.scrub("\n".join(lines)) + "\n"
