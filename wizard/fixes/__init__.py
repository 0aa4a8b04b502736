"""Fixing what the checks found: plans (diffs and commands), safe apply, backups and undo.

``plan_fixes(project, …)`` → a :class:`FixSet` of :class:`FixPlan` (each a check id, a
:class:`FixReason`, values, file edits with their diffs, or a command) and :class:`Blocked`
fixes; ``apply_fixes(root, plans, offline=…)`` → an :class:`ApplyReport`;
``undo_last(root)`` → an :class:`UndoReport`. Every reason is a code with values, to be put
into words by the caller.

A family of plans for other checks lives in its own module of this package: a function
``(ws: Workspace, asked: PlanRequest) -> None`` decorated with
``@register_family("check.id", …)`` that reads files with ``ws.read``, builds edits with
``ws.edit`` and adds plans with ``ws.add`` (inside ``with ws.blocking("check.id"):`` so a
:class:`Refused` becomes a blocked fix), and one import line below so it is registered. Its
reasons need members of :class:`FixReason` and their messages (``wizard.output.fix_text``).
"""

from wizard.fixes import (
    appcode_plans,  # noqa: F401  (registers the app.* fixes)
    env_plans,  # noqa: F401  (registers the envs.* plans)
)
from wizard.fixes.apply import ApplyReport, Outcome, UndoReport, apply_fixes, undo_last
from wizard.fixes.model import (
    Blocked,
    CommandFix,
    FileEdit,
    FixPlan,
    FixReason,
    FixSet,
    KeyFacts,
    Refusal,
    Refused,
    RemoteFix,
)
from wizard.fixes.planner import (
    FIXABLE_CHECKS,
    PlanRequest,
    Workspace,
    fixable_checks,
    plan_fixes,
    register_family,
)
from wizard.fixes.runner import CommandResult

__all__ = [
    "FIXABLE_CHECKS",
    "ApplyReport",
    "Blocked",
    "CommandFix",
    "CommandResult",
    "FileEdit",
    "FixPlan",
    "FixReason",
    "FixSet",
    "KeyFacts",
    "Outcome",
    "PlanRequest",
    "Refusal",
    "Refused",
    "RemoteFix",
    "UndoReport",
    "Workspace",
    "apply_fixes",
    "fixable_checks",
    "plan_fixes",
    "register_family",
    "undo_last",
]

# Families of plans for other checks register themselves when imported.
