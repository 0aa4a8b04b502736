"""The ``clerk.*`` checks by id, and how they read when they cannot run. Kept apart from
:mod:`wizard.providers.clerk.checks` so that a run without the user's agreement (the usual
``check``) never loads the Backend API client."""

from __future__ import annotations

from wizard.checks.catalog import CHECK_IDS, skipped
from wizard.checks.model import Check
from wizard.text.messages import N_, Message

CLERK_CHECK_IDS: tuple[str, ...] = tuple(i for i in CHECK_IDS if i.startswith("clerk."))
NOT_AGREED = Message(N_("the secret key was not used: pass --use-secret-key (or agree in the "
                        "wizard) to let the wizard read the Clerk instance through Clerk's "
                        "Backend API"))


def skipped_clerk_checks(reason: Message) -> list[Check]:
    return [skipped(check_id, reason) for check_id in CLERK_CHECK_IDS]
