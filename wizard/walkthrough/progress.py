"""The user's progress through the steps: what the UI shows, the state file saves and the
report prints. Pure data; persistence lives in :mod:`wizard.walkthrough.state`."""

from __future__ import annotations

import time
from dataclasses import field
from enum import Enum
from typing import Any

from wizard.records import record
from wizard.rules.jwt import AuthPath
from wizard.text.messages import N_
from wizard.walkthrough.steps import STEP_IDS


class StepState(str, Enum):
    PENDING = "pending"
    VERIFIED = "verified"      # done by verification: the wizard saw it pass
    CONFIRMED = "confirmed"    # done by the user's word
    FAILING = "failing"

    @property
    def done(self) -> bool:
        return self in (StepState.VERIFIED, StepState.CONFIRMED)


@record(frozen=True)
class StateLook:
    """How a step's state is drawn."""

    symbol: str
    """In the wizard's step list and summary."""
    label: str
    """A message id, as ``markdown``."""
    colour: str
    """In the wizard's summary (a Textual colour)."""
    markdown: str
    """In the report's table of steps."""


STATE_LOOKS: dict[StepState, StateLook] = {
    StepState.PENDING: StateLook("○", N_("pending"), "dim", N_("pending")),
    StepState.VERIFIED: StateLook("✔", N_("done by verification"), "green", N_("✅ done")),
    StepState.CONFIRMED: StateLook("✓", N_("done by your word"), "cyan", N_("☑️ done")),
    StepState.FAILING: StateLook("✖", N_("failing"), "red", N_("❌ failing")),
}
"""The one table of step-state symbols: the wizard and the report read it."""


@record
class StepProgress:
    state: StepState = StepState.PENDING
    changed_at: float | None = None
    note: str = ""  # why it is failing, or what verified it


@record
class Progress:
    steps: dict[str, StepProgress] = field(
        default_factory=lambda: {step_id: StepProgress() for step_id in STEP_IDS})
    path: AuthPath | None = None
    checks: list[dict[str, str]] = field(default_factory=list)  # id/status/title/detail/fix/step
    token: dict[str, Any] | None = None  # decoded header/claims/kind of the last verified token
    convex_answer: dict[str, Any] | None = None
    issuer: str | None = None
    """The issuer the verified steps were verified against: a resume compares it with the
    issuer configured now, and a change sends those steps back to failing."""
    started_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    current_step: str | None = None
    """The step the user last opened: a resume opens it again."""

    def set(self, step_id: str, state: StepState, note: str = "",
            at: float | None = None) -> None:
        entry = self.steps.setdefault(step_id, StepProgress())
        when = time.time() if at is None else at
        if entry.state is not state or entry.note != note:
            entry.state, entry.note, entry.changed_at = state, note, when
        self.updated_at = when

    def state_of(self, step_id: str) -> StepState:
        entry = self.steps.get(step_id)
        return entry.state if entry else StepState.PENDING

    def resume_step(self) -> str:
        """Where a resumed wizard opens: the step the user stopped at, else the first open."""
        if self.current_step in STEP_IDS:
            return self.current_step
        return self.first_open_step()

    def first_open_step(self) -> str:
        for step_id in STEP_IDS:
            if not self.state_of(step_id).done:
                return step_id
        return STEP_IDS[-1]
