"""Tokens got without a paste (from the app's page, or minted with the secret key), as the
walkthrough takes them: provider-neutral values, so that the walkthrough judges them by the
same rules as a pasted token and decides which steps they prove (issue 15 §3)."""

from __future__ import annotations

from dataclasses import field
from enum import Enum

from wizard.records import record
from wizard.rules.jwt import AuthPath, DecodedToken
from wizard.text.messages import N_

PROVEN_BY_A_VERIFIED_TOKEN = ("open-dashboard", "create-template", "configure-claims",
                              "save-template")
"""What a verified token of the chosen path proves: the dashboard was reached, the path was
chosen and set up (a template token: the template exists, is saved and has the right claims;
a session token with the application ID as aud: the integration is active)."""


class EvidenceSource(str, Enum):
    BROWSER = "browser"
    MINT = "mint"

    @property
    def label(self) -> str:
        """A message id: where the tokens came from, for a step's note."""
        return {EvidenceSource.BROWSER: N_("tokens sent by the app's page"),
                EvidenceSource.MINT: N_("tokens minted through Clerk's Backend API")}[self]


@record(frozen=True)
class TokenEvidence:
    """``tokens``: each token with the path it proves, the one the app sends first (held in
    memory only: never in a ``repr``, a dict or a file). ``signed_in``: a user of this
    instance is signed in in a session of their own (the page's, or an existing session)."""

    source: EvidenceSource
    tokens: tuple[tuple[DecodedToken, AuthPath], ...] = field(repr=False)
    signed_in: bool
