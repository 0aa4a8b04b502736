"""The matrix's findings as checks of the catalog (``envs.*``): one check per id, as every
output has it, so ``envs.instances`` says all three environments in one (the worst status, each
environment's facts, each failing one's fix); the matrix's own JSON keeps them apart.

A failing or warning finding shows its facts and the catalog's fix for its reason, filled with
the finding's values and its fixes (the commands to run, the dashboard page, the file or the
hosting variables to change); a skipped one says why it was not asked and how to ask it.
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from typing import Any

from wizard.checks.catalog import make
from wizard.checks.model import Check, Status
from wizard.environments.model import Finding
from wizard.environments.rows import Matrix
from wizard.text.messages import N_, Joined, Message, verbatim

_FACTS = ("value", "expected", "deployment", "deployment_issuer", "frontend_api", "url",
          "source")
"""The values a check's detail line shows, in this order, when the finding has them."""


def _fix_values(finding: Finding) -> dict[str, Any]:
    values: dict[str, Any] = {"environment": finding.environment.value}
    commands = [fix.command for fix in finding.fixes if fix.kind == "command"]
    if commands:
        values["fix_commands"] = " && ".join(commands)
    for fix in finding.fixes:
        if fix.kind == "dashboard":
            values.setdefault("fix_page", fix.url)
            values.setdefault("fix_instance", fix.instance)
        elif fix.kind == "file":
            values["fix_where"] = fix.file
        elif fix.kind == "hosting":
            values["fix_where"] = Message(N_("your hosting provider's production variables "
                                             "({variable})"), variable=fix.variable)
    return values


def _text_values(finding: Finding) -> dict[str, Any]:
    values = dict(finding.values)
    for name, value in values.items():
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            values[name] = shlex.join(value) if name == "command" else ", ".join(value)
        elif value is None:  # the CLI did not name it, or no file did
            values[name] = Message(N_("(name unknown)"))
    return {**values, **_fix_values(finding)}


def _facts(finding: Finding) -> Message:
    shown = [finding.environment.value] + [
        f"{name}={finding.values[name]}" for name in _FACTS
        if isinstance(finding.values.get(name), str) and finding.values[name]]
    return verbatim(" · ".join(shown))


def finding_check(finding: Finding) -> Check:
    check = make(finding.check_id, finding.status, _facts(finding), finding.reason,
                 **_text_values(finding))
    if finding.status is Status.SKIP:
        return replace(check, detail_text=check.fix_text or check.detail_text, fix_text=None)
    if finding.status is Status.PASS:
        return replace(check, fix_text=None)
    return check


_SEVERITY = {Status.SKIP: 0, Status.PASS: 1, Status.WARN: 2, Status.FAIL: 3}


def _merged(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    worst = max(checks, key=lambda check: _SEVERITY[check.status])
    fixes = tuple(check.fix_text for check in checks if check.fix_text is not None)
    return replace(worst, detail_text=Joined(tuple(c.detail_text for c in checks), "; "),
                   fix_text=Joined(fixes) if fixes else None)


def matrix_checks(matrix: Matrix) -> list[Check]:
    """The findings of ``matrix`` as checks, one per id, in the matrix's order."""
    by_id: dict[str, list[Check]] = {}
    for finding in matrix.findings:
        by_id.setdefault(finding.check_id, []).append(finding_check(finding))
    return [_merged(checks) for checks in by_id.values()]
