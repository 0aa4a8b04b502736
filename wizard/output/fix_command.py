"""``convex-auth-wizard fix``: the checks' failures that have a safe fix, shown as diffs and
commands, applied on ``--yes``, undone with ``--undo``.

The engine (:mod:`wizard.fixes`) sits beside the identity providers and never asks them;
what the provider's public key says reaches it here, from the session, as
:class:`wizard.fixes.KeyFacts`.
"""

from __future__ import annotations

from wizard.fixes import KeyFacts
from wizard.walkthrough.session import Session


def key_facts(session: Session) -> KeyFacts:
    """What the session's identity provider knows that the engine needs."""
    key = session.public_key
    return KeyFacts(host=key.host if key else None, source=key.found.source if key else "",
                    secrets=tuple(session.secrets()))
