"""Fixing what the checks found: plans (diffs and commands), safe apply, backups and undo.

``plan_fixes(project, …)`` → a :class:`FixSet` of :class:`FixPlan` (each a check id, a
:class:`FixReason`, values, file edits with their diffs, or a command) and :class:`Blocked`
fixes; ``apply_fixes(root, plans, offline=…)`` → an :class:`ApplyReport`;
``undo_last(root)`` → an :class:`UndoReport`. Every reason is a code with values, to be put
into words by the caller.
"""

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
)
from wizard.fixes.planner import FIXABLE_CHECKS, plan_fixes
from wizard.fixes.runner import CommandResult

__all__ = ["FIXABLE_CHECKS", "ApplyReport", "Blocked", "CommandFix", "CommandResult",
           "FileEdit", "FixPlan", "FixReason", "FixSet", "KeyFacts", "Outcome", "Refusal", "UndoReport",
           "apply_fixes", "plan_fixes", "undo_last"]
