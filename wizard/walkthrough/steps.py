"""The wizard's steps (SPEC §5): the one list the CLI, the UI and the report read."""

from __future__ import annotations

from wizard.records import record
from wizard.text.messages import N_


@record(frozen=True)
class Step:
    id: str
    title: str
    """A message id, as ``guide`` (the original guide's section; "—" when none)."""
    guide: str
    verifiable: bool
    """True when the wizard itself can see that the step is done (it then never takes
    the user's word for it); False for dashboard clicks the wizard cannot observe."""


STEPS: tuple[Step, ...] = (
    Step("project", N_("Read the project"), "—", verifiable=True),
    Step("open-dashboard", N_("Open the Clerk dashboard"), N_("Step 1"), verifiable=False),
    Step("create-template", N_("Choose how Clerk makes the token"), N_("Step 2"), verifiable=False),
    Step("configure-claims", N_("Set the claims"), N_("Step 3"), verifiable=False),
    Step("save-template", N_("Save in Clerk"), N_("Step 4"), verifiable=False),
    Step("verify-config", N_("Verify env, auth.config and issuer"), N_("Step 5 + notes"), verifiable=True),
    Step("app-code", N_("Check the app's code"), N_("Notes: the template name"),
         verifiable=True),
    Step("check-clerk", N_("Check Clerk in the browser"), N_("Verification 1"), verifiable=False),
    Step("check-token", N_("Check a real token"), N_("Verification 2"), verifiable=True),
    Step("user-sync", N_("See your user in Convex"), N_("Verification 3"), verifiable=False),
)

STEP_IDS: tuple[str, ...] = tuple(step.id for step in STEPS)


def step_by_id(step_id: str) -> Step:
    for step in STEPS:
        if step.id == step_id:
            return step
    raise KeyError(step_id)
