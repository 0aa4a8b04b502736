"""Human output for ``check``: a compact table, one verdict line, and the fix under each failure."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable
from functools import partial
from typing import TextIO

from wizard.checks.model import LOOKS, Check, Status
from wizard.checks.token_checks import describe_route
from wizard.guards.redaction import scrub as scrub_text
from wizard.guards.safe_text import MAX_DETAIL, clip, one_line, visible, write_styled
from wizard.text.messages import _
from wizard.walkthrough.session import Verdict


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR", "") != "":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# A line is a list of (text, SGR code) pieces; "" means no colour. The text of every piece is
# data until _emit makes it visible, and _emit is the only place colour codes are added.
Piece = tuple[str, str]
Line = list[Piece]


def _emit(lines: list[Line], color: bool, scrub: Callable[[str], str]) -> str:
    out = []
    for line in lines:
        parts = []
        for text, code in line:
            shown = one_line(scrub(text))
            parts.append(f"\x1b[{code}m{shown}\x1b[0m" if color and code else shown)
        out.append("".join(parts))
    return "\n".join(out) + "\n"


def _wrap(text: str, indent: str, width: int, first: str | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` characters (at least 40 after the indent), each
    after ``indent``, the first after ``first`` when given. A character counts as one cell
    however it is drawn: a Bengali vowel sign takes one cell or none, so a line never ends
    past the terminal's edge."""
    lines: list[str] = []
    lead = indent if first is None else first
    # Split on line feeds only: the other characters str.splitlines breaks at are shown.
    for paragraph in visible(clip(text, MAX_DETAIL)).split("\n"):
        lines.extend(textwrap.wrap(paragraph, width=max(40 + len(lead), width),
                                   initial_indent=lead, subsequent_indent=indent,
                                   break_long_words=False, break_on_hyphens=False) or [lead])
        lead = indent
    return lines


def verdict_line(verdict: Verdict) -> str:
    failed = [c.id for c in verdict.checks if c.status is Status.FAIL]
    warned = [c.id for c in verdict.checks if c.status is Status.WARN]
    if failed and warned:
        return _("NOT OK: {count} check(s) failed ({ids}), {warnings} warning(s)",
                 count=len(failed), ids=", ".join(failed), warnings=len(warned))
    if failed:
        return _("NOT OK: {count} check(s) failed ({ids})", count=len(failed),
                 ids=", ".join(failed))
    if verdict.token is not None and not verdict.token.verified:
        return _("NOT OK: the token could not be fully verified (see the skipped checks)")
    if verdict.token is not None:
        line = _("OK: Convex would accept this token")
    else:
        line = _("OK: no check failed; pass a token (--token) to verify it end to end")
    return _("{line} ({count} warning(s))", line=line, count=len(warned)) if warned else line


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


def _row(label: str, check: Check, id_width: int, width: int,
         scrub: Callable[[str], str]) -> list[Line]:
    indent = " " * (id_width + 5)
    body = _wrap(scrub(check.detail), indent, width)
    look = LOOKS[check.status]
    lines: list[Line] = [[(" ", ""), (look.text, look.sgr),
                          (f" {label.ljust(id_width)}  {body[0].lstrip()}", "")]]
    lines += [[(text, "")] for text in body[1:]]
    if check.status in (Status.FAIL, Status.WARN) and check.fix:
        fix_label = _("fix: ")
        fix_lines = _wrap(scrub(check.fix), indent + "  ", width, first=indent + fix_label)
        lines.append([(indent, ""), (fix_label, "1"),
                      (fix_lines[0][len(indent + fix_label):], "")])
        lines += [[(text, "")] for text in fix_lines[1:]]
    return lines


def _facts(verdict: Verdict) -> list[Line]:
    session, project = verdict.session, verdict.session.project
    facts = [_("convex-auth-wizard check: {root}", root=project.root)]
    if session.issuer:
        facts.append(_fact(_("issuer"), f"{session.issuer.raw}  ({session.issuer.source})"))
    facts.append(_fact(_("application ID"), f"{session.application_id.value}  "
                                            f"({session.application_id.source})"))
    key = session.public_key
    if key is not None and key.host is not None:
        facts.append(_fact(_("publishable key"), f"{key.instance_type}, {key.host}  "
                                                 f"({key.found.source})"))
    if verdict.token is not None and verdict.token.kind is not None:
        facts.append(_fact(_("token"), f"{verdict.token.kind.kind.value}: "
                                       f"{verdict.token.kind.description.render()}"))
        facts.append(_fact(_("route"), describe_route(verdict.token.route)))
    return [[(fact, "")] for fact in facts]


def _fact(name: str, value: str) -> str:
    """``  name            value``: names padded to one column."""
    return f"  {name:<15} {value}"


def render_human(verdict: Verdict, stream: TextIO | None = None) -> str:
    """The report as text, coloured when ``stream`` is a terminal. Every character of data
    in it is visible: no value can move the cursor, set a colour or write the clipboard."""
    color = use_color(stream or sys.stdout)
    scrub = partial(scrub_text, secrets=verdict.session.secrets())
    width = min(shutil.get_terminal_size((100, 24)).columns, 120)
    lines = [*_facts(verdict), []]
    rows = _grouped(verdict.checks)
    id_width = max(len(label) for label, _ in rows)
    for label, check in rows:
        lines += _row(label, check, id_width, width, scrub)
    lines += [[], [(verdict_line(verdict), "1;32" if verdict.ok else "1;31")]]
    return _emit(lines, color, scrub)


def write_human(verdict: Verdict, stream: TextIO) -> None:
    write_styled(stream, render_human(verdict, stream))
