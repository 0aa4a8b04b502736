"""The wizard's steps (SPEC §5): the one list the CLI, the UI and the report read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    guide: str
    verifiable: bool
    """True when the wizard itself can see that the step is done (it then never takes
    the user's word for it); False for dashboard clicks the wizard cannot observe."""


STEPS: tuple[Step, ...] = (
    Step("project", "Read the project", "—", verifiable=True),
    Step("open-dashboard", "Open the Clerk dashboard", "Step 1", verifiable=False),
    Step("create-template", "Choose how Clerk makes the token", "Step 2", verifiable=False),
    Step("configure-claims", "Set the claims", "Step 3", verifiable=False),
    Step("save-template", "Save in Clerk", "Step 4", verifiable=False),
    Step("verify-config", "Verify env, auth.config and issuer", "Step 5 + notes", verifiable=True),
    Step("check-clerk", "Check Clerk in the browser", "Verification 1", verifiable=False),
    Step("check-token", "Check a real token", "Verification 2", verifiable=True),
    Step("user-sync", "See your user in Convex", "Verification 3", verifiable=False),
)

STEP_IDS: tuple[str, ...] = tuple(step.id for step in STEPS)


def step_by_id(step_id: str) -> Step:
    for step in STEPS:
        if step.id == step_id:
            return step
    raise KeyError(step_id)
