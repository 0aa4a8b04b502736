"""The matrix's findings as checks of the catalog (``envs.*``), one per environment judged.

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
from wizard.text.messages import N_, Message, verbatim

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


def matrix_checks(matrix: Matrix) -> list[Check]:
    """Every finding of ``matrix`` as a check, in the matrix's order."""
    return [finding_check(finding) for finding in matrix.findings]
