"""What the wizard's check-token step needs around the two token sources: the calls a mint
would make (shown before the user agrees), and a :class:`TokenSource` turned into the
walkthrough's provider-neutral :class:`~wizard.walkthrough.evidence.TokenEvidence`."""

from __future__ import annotations

from wizard.browser.command import TokenSource
from wizard.checks.options import Options
from wizard.providers.clerk.token_pair import TokenPair, analyse_pair
from wizard.records import record
from wizard.walkthrough.evidence import EvidenceSource, TokenEvidence


@record(frozen=True)
class MintPlan:
    """Where the secret key would go and for which calls; nothing was sent to know it."""

    source: str
    redacted: str
    calls: tuple[tuple[str, str], ...]
    creation_calls: tuple[tuple[str, str], ...]
    development: bool


def mint_plan(options: Options) -> MintPlan | None:
    """None when the project has no ``CLERK_SECRET_KEY``."""
    from wizard.providers.clerk.checks import backend, find_secret_key
    from wizard.providers.clerk.sessions import MintAgreement, SessionCreationAgreement
    from wizard.walkthrough.session import load

    project = load(options).project
    key = find_secret_key(project)
    if key is None:
        return None
    with backend(project, key, options.destinations, timeout=options.timeout) as client:
        creation = SessionCreationAgreement.for_user(client, "{user_id}")
        return MintPlan(key.source, key.redacted,
                        tuple(MintAgreement.find_and_mint(client).planned()),
                        tuple(creation.planned()), client.instance_type == "development")


def evidence_of(pair: TokenPair, source: TokenSource, convex_version: str | None) -> TokenEvidence:
    """The tokens in the order the app sends them; a signed-in user is proven by the page's
    session or by an existing session (never by one created for the check)."""
    analysis = analyse_pair(pair, convex_version)
    tokens = sorted(pair.to_verify(), key=lambda found: found[0] is not analysis.sends)
    created = bool(source.details.get("mint", {}).get("created_session_id"))
    kind = EvidenceSource.BROWSER if source.kind == "browser" else EvidenceSource.MINT
    return TokenEvidence(kind, tuple((token, path) for _slot, token, path in tokens),
                         signed_in=bool(tokens) and not created)
