"""The Apply action of a step: shown while one of its failed checks has an automatic fix."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import Button

from screens.messages import FixesRequested
from wizard.checks.model import Check
from wizard.text.messages import _


class ApplyFixesButton(Button):
    def __init__(self, *, id: str) -> None:
        super().__init__(_("Apply fixes…"), id=id, variant="warning")
        self.check_ids: tuple[str, ...] = ()
        self.display = False

    def show_for(self, checks: Sequence[Check]) -> None:
        failed = [c.id for c in checks if c.failed]
        if failed:  # the engine is imported only once there is something to fix
            from wizard.fixes import fixable_checks

            fixable = fixable_checks()
            failed = [check_id for check_id in failed if check_id in fixable]
        self.check_ids = tuple(failed)
        self.display = bool(failed)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(FixesRequested(self.check_ids))
