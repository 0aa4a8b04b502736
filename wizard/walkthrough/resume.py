"""Resuming saved progress: a verified step is re-judged before it is shown as done."""

from __future__ import annotations

from wizard.text.messages import _
from wizard.walkthrough.progress import Progress, StepState
from wizard.walkthrough.session import Session
from wizard.walkthrough.steps import step_by_id


def recheck_on_resume(progress: Progress, session: Session) -> list[str]:
    """Re-run the cheap, local checks behind verified steps, so a stale "done" is never shown
    as current. A step whose checks now fail, or that was verified against another issuer,
    goes back to failing with the reason as its note. Returns one line per demoted step.

    ``session`` needs only :func:`wizard.walkthrough.session.load` (no network): unfetched
    checks are skips. The app's code is judged again by the fetch that follows every start,
    not here: reading it is no work for the first frame."""
    messages: list[str] = []
    issuer = session.issuer

    def demote(step_id: str, why: str) -> None:
        if progress.state_of(step_id) is StepState.VERIFIED:
            progress.set(step_id, StepState.FAILING, why)
            messages.append(_("{step}: {why}", step=_(step_by_id(step_id).title), why=why))

    if progress.issuer is not None and not (issuer and issuer.same_as(progress.issuer)):
        now = issuer.shown if issuer else _("(none)")
        why = _("the issuer changed from {before} to {now} since it was verified",
                before=progress.issuer, now=now)
        demote("verify-config", why)
        demote("check-token", why)
    failed = [c for c in session.project_checks() if c.failed]
    if failed:
        demote("project", f"{failed[0].id}: {failed[0].detail}")
    failed = [c for c in session.config_checks(progress.path) if c.failed]
    if failed:
        demote("verify-config", f"{failed[0].id}: {failed[0].detail}")
    return messages
