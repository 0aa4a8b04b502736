"""Fixes for the mechanical ``app.*`` findings: the reader (:mod:`wizard.appcode`) gives each
one an exact byte edit, checked here against the file as the earlier plans leave it.

- ``app.env_access`` ``wrong_accessor``: ``process.env.VITE_X`` → ``import.meta.env.VITE_X``;
- ``app.provider_props`` ``unknown_prop``: the prop that does not exist removed (the guide's
  ``jwtTemplateName``);
- ``app.provider`` ``missing_use_client``: ``"use client";`` as the first line.
"""

from __future__ import annotations

from collections import defaultdict

from wizard.fixes.model import FixPlan, FixReason, Refusal, Refused
from wizard.fixes.planner import PlanRequest, Workspace, register_family

_REASONS: dict[str, FixReason] = {
    "wrong_accessor": FixReason.APP_ACCESSOR_REPLACED,
    "unknown_prop": FixReason.APP_PROP_REMOVED,
    "missing_use_client": FixReason.APP_USE_CLIENT_ADDED,
}
_CHECKS = ("app.env_access", "app.provider_props", "app.provider")


@register_family(*_CHECKS)
def _appcode_family(ws: Workspace, asked: PlanRequest) -> None:
    if not ws.wants(*_CHECKS):
        return
    from wizard.appcode import read_app_code

    path = asked.path if asked.path in ("template", "integration") else None
    code = read_app_code(ws.project.root, token_path=path,  # type: ignore[arg-type]
                         environ=ws.project.env.environ)
    by_file: dict[str, list[tuple[str, str, int, int, str, str, dict[str, str]]]] = \
        defaultdict(list)
    for finding in code.findings:
        edit = finding.edit
        if edit is None or finding.reason not in _REASONS or not ws.wants(finding.check_id):
            continue
        values = {"file": edit.file, "line": str(finding.line or 1),
                  **{k: v for k, v in finding.values.items()
                     if k in ("name", "used", "expected", "prop")}}
        by_file[edit.file].append((finding.check_id, finding.reason, edit.start, edit.end,
                                   edit.expected, edit.replacement, values))
    for rel, edits in by_file.items():
        # From the end of the file back, so each edit's offsets still hold.
        for check_id, reason, start, end, expected, replacement, values in sorted(
                edits, key=lambda e: e[2], reverse=True):
            with ws.blocking(check_id):
                data = ws.read(rel)
                if data is None or data[start:end].decode("utf-8", "replace") != expected:
                    raise Refused(Refusal.CHANGED_SINCE_PLAN, path=rel)
                new = data[:start] + replacement.encode("utf-8") + data[end:]
                ws.add(FixPlan(check_id, _REASONS[reason], values, (ws.edit(rel, new),)))
