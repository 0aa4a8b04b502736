"""The wizard's Apply: the same diffs and commands ``convex-auth-wizard fix`` prints, applied
only on an explicit yes; then what was done, its backups, and an offer to undo it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button

from screens.dialogs.question import QUESTION_CSS, Question
from screens.widgets.safe_static import SafeStatic
from wizard.fixes import ApplyReport, FixPlan, FixSet
from wizard.output.fix_text import blocked_lines, plan_lines, report_lines
from wizard.text.messages import _


def plan_text(fixes: FixSet) -> str:
    """Each fix with its diff or command, as ``fix`` prints them; then what cannot be fixed."""
    lines = [line for plan in fixes.plans for line in (*plan_lines(plan), "")]
    return "\n".join([*lines, *blocked_lines(fixes)]).rstrip("\n")


class ApplyFixesDialog(Question):
    """Shows exactly what would be written or run; only the yes button applies it."""

    DEFAULT_CSS = QUESTION_CSS.format(name="ApplyFixesDialog")
    yes_id = "fix-apply"
    no_id = "fix-cancel"

    def __init__(self, fixes: FixSet, secrets: list[str]) -> None:
        super().__init__()
        self.fixes, self.secrets = fixes, secrets
        self.keep: str | None = None
        """The alternative chosen (both auth configs: which one stays), when there are any."""
        self.choices = {p.choice: p.values.get("kept", p.choice) for p in fixes.plans
                        if p.choice is not None}

    @property
    def chosen(self) -> list[FixPlan]:
        """The plans to apply: all but the alternatives not chosen."""
        return [p for p in self.fixes.plans if p.choice is None or p.choice == self.keep]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        choice = (event.button.id or "").removeprefix("fix-keep-")
        if choice in self.choices:
            self.keep = choice
            self.answer(True)
        else:
            super().on_button_pressed(event)

    def compose(self) -> ComposeResult:
        from wizard.guards.redaction import scrub

        # As every question: the box scrolls, its buttons docked at the bottom (composed first).
        with VerticalScroll():
            with Horizontal(classes="dialog-buttons"):
                for choice, kept in self.choices.items():
                    yield Button(_("Keep {path} and apply", path=kept), id=f"fix-keep-{choice}",
                                 variant="warning")
                if self.fixes.plans and not self.choices:
                    yield Button(_("Apply"), id=self.yes_id, variant="warning")
                yield Button(_("Cancel (esc)"), id=self.no_id, variant="primary")
            yield SafeStatic(_("Apply these fixes?"), classes="dialog-title")
            yield SafeStatic(_("Every changed file is backed up beside the saved progress; "
                               "a file changed since this diff is not written."),
                             classes="muted")
            with VerticalScroll():
                yield SafeStatic(scrub(plan_text(self.fixes), self.secrets), id="fix-diff")


class FixesAppliedDialog(Question):
    """What was applied and where the backups are; the yes button undoes the run."""

    DEFAULT_CSS = QUESTION_CSS.format(name="FixesAppliedDialog")
    yes_id = "fix-undo"
    no_id = "fix-close"

    def __init__(self, report: ApplyReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            with Horizontal(classes="dialog-buttons"):
                if self.report.run_id is not None:
                    yield Button(_("Undo"), id=self.yes_id, variant="warning")
                yield Button(_("Close (esc)"), id=self.no_id, variant="primary")
            yield SafeStatic(_("Fixes applied"), classes="dialog-title")
            with VerticalScroll():
                yield SafeStatic("\n".join(report_lines(self.report)), id="fix-report")
