"""``check --from-browser`` and ``check --use-secret-key --mint``: both tokens of a signed-in
session, without a paste, each judged exactly as a pasted token is (issue 15).

What the user reads while waiting (the snippet, the calls agreed to) goes to stderr, so that
stdout holds only the verdict (one JSON document with ``--json``). No token is ever written:
every output is scrubbed of both tokens as well as the project's secrets.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, TextIO

from wizard.guards.safe_text import json_text, visible
from wizard.records import record
from wizard.text.messages import N_, Message, _

if TYPE_CHECKING:
    from wizard.browser.receiver import ReceiverResult
    from wizard.checks.options import Options
    from wizard.checks.token_checks import TokenVerdict
    from wizard.providers.clerk.sessions import MintResult
    from wizard.providers.clerk.token_pair import PairAnalysis, Slot, TokenPair
    from wizard.walkthrough.session import Verdict

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@record(frozen=True)
class TokenSource:
    """Where the pair came from: ``kind`` ("browser" or "mint"), the pair (None: no token came)
    and what the receiver or the Backend API said, without the tokens."""

    kind: str
    pair: TokenPair | None
    details: dict[str, Any] = field(default_factory=dict)
    said: tuple[Message, ...] = ()


@record(frozen=True)
class PairVerdict:
    """The verdict of the token the app sends (the usual ``check`` verdict) and of the other."""

    source: TokenSource
    verdict: Verdict
    analysis: PairAnalysis | None
    judged: dict[Slot, TokenVerdict]

    @property
    def ok(self) -> bool:
        return self.verdict.ok and self.verdict.token is not None

    def secrets(self) -> list[str]:
        return self.verdict.session.secrets() + (self.source.pair.secrets()
                                                 if self.source.pair else [])

    def _token_dict(self, pair: TokenPair, slot: Slot) -> dict[str, Any]:
        judged = self.judged.get(slot)
        return {**pair.outcome(slot).to_dict(), "verified": judged.verified if judged else None,
                "verdict": judged.to_dict() if judged else None}

    def to_json(self) -> dict[str, Any]:
        from wizard.guards.redaction import scrub_data

        document = self.verdict.to_json()
        document["ok"] = self.ok
        from wizard.providers.clerk.token_pair import Slot

        pair = self.source.pair
        tokens = {slot.value: self._token_dict(pair, slot) for slot in Slot} if pair else None
        document["source"] = {"kind": self.source.kind, **self.source.details,
                              "analysis": self.analysis.to_dict() if self.analysis else None,
                              "tokens": tokens}
        result: dict[str, Any] = scrub_data(document, self.secrets())
        return result


# -- getting the pair --------------------------------------------------------------------------
def from_browser(wait: float, origins: list[str], notes: TextIO) -> TokenSource:
    """Start the receiver, show the snippet on ``notes``, wait for one POST."""
    from wizard.browser.origins import OriginPolicy
    from wizard.browser.receiver import LoopbackReceiver

    with LoopbackReceiver(origins=OriginPolicy.of(origins), wait=wait) as receiver:
        notes.write(_("Waiting for your browser ({seconds} s). In the app's page (signed in), "
                      "open the devtools console and run:", seconds=round(wait)) + "\n\n")
        notes.write(receiver.snippet() + "\n\n")
        notes.write(_("If the console says it was blocked, run this instead and paste the "
                      "clipboard into: convex-auth-wizard check --token -") + "\n")
        notes.write(receiver.copy_snippet() + "\n\n")
        notes.flush()
        return browser_source(receiver.wait_for_tokens())


def browser_source(result: ReceiverResult) -> TokenSource:
    """What the receiver got, as a :class:`TokenSource`."""
    from wizard.browser.receiver import Outcome

    said: list[Message] = []
    if result.outcome is Outcome.RECEIVED and result.tokens is not None:
        said.append(Message(N_("tokens received from {origin}"), origin=result.origin))
        pair: TokenPair | None = result.tokens.pair
    else:
        said.append(Message(N_("no tokens arrived from the browser ({outcome})"),
                            outcome=result.outcome.value))
        if result.preflights and not result.refusals:
            said.append(Message(N_("the browser asked but never sent: it may block requests "
                                   "to 127.0.0.1 from this page; use the copy snippet")))
        pair = None
    return TokenSource("browser", pair, {"receiver": result.to_dict()}, tuple(said))


def minted(options: Options, session_id: str | None, create_session: bool,
           notes: TextIO) -> TokenSource:
    """Find the most recent active session (or use ``session_id``) and mint both tokens with
    the secret key; with ``create_session`` and no active session, on a development instance
    only, create one for the most recently signed-in user, mint, and revoke it."""
    from wizard.providers.clerk.checks import backend, find_secret_key
    from wizard.providers.clerk.sessions import (
        MintAgreement,
        SearchReason,
        SessionCreationAgreement,
        find_sessions,
        mint_tokens,
        mint_with_new_session,
    )
    from wizard.walkthrough.session import load

    project = load(options).project
    key = find_secret_key(project)
    if key is None:
        return TokenSource("mint", None, {}, (Message(N_(
            "no CLERK_SECRET_KEY in the project's .env files: nothing was sent")),))
    with backend(project, key, options.destinations, timeout=options.timeout) as client:
        agreement = (MintAgreement.mint_for(client, session_id) if session_id
                     else MintAgreement.find_and_mint(client))
        notes.write(_("With {source} ({key}) the wizard calls Clerk's Backend API:",
                      source=key.source, key=key.redacted) + "\n")
        for method, url in agreement.planned():
            notes.write(f"  {method} {visible(url)}\n")
        notes.flush()
        details: dict[str, Any] = {}
        result: MintResult | None
        if session_id:
            result = mint_tokens(client, agreement, session_id)
        else:
            search = find_sessions(client, agreement, first_only=True)
            details["search"] = search.to_dict()
            latest = search.latest
            if latest is not None:
                result = mint_tokens(client, agreement, latest.id)
            elif search.reason is SearchReason.NO_ACTIVE_SESSION and create_session:
                creation = SessionCreationAgreement.for_user(client, search.users[0].user.id)
                for method, url in creation.planned():
                    notes.write(f"  {method} {visible(url)}\n")
                result = mint_with_new_session(client, agreement, creation)
            else:
                result = None
    if result is None:
        why = details["search"]["reason"]
        said = [Message(N_("no token was minted: {reason}"), reason=why)]
        if why == SearchReason.NO_ACTIVE_SESSION.value:
            said.append(Message(N_("sign in to the app once, or add --create-session "
                                   "(development instances only)")))
        return TokenSource("mint", None, details, tuple(said))
    details["mint"] = result.to_dict()
    said = [Message(N_("minting: {reason}"), reason=result.reason.value)]
    if result.problem is not None:
        said.append(Message(N_("Clerk's Backend API: {problem}"), problem=result.problem.message))
    if result.created_session_id is not None:
        said.append(Message(N_("created session {session} for this, then revoked it: {revoked}"),
                            session=result.created_session_id, revoked=result.revoked))
    return TokenSource("mint", result.pair, details, tuple(said))


# -- judging it ---------------------------------------------------------------------------------
def judge(options: Options, source: TokenSource) -> PairVerdict:
    """The token the app's provider sends (else the template's, else the session's) goes
    through ``check`` exactly as a pasted one; the other is verified by the same session."""
    from wizard.providers.clerk.token_pair import Slot, analyse_pair
    from wizard.walkthrough.session import load, run_checks

    pair = source.pair
    if pair is None:
        return PairVerdict(source, run_checks(options, None), None, {})
    version = load(options).project.convex_version
    analysis = analyse_pair(pair, version.value if version else None)
    decoded = {slot: (token, path) for slot, token, path in pair.to_verify()}
    order = [analysis.sends] if analysis.sends in decoded else []
    first = next((slot for slot in [*order, Slot.TEMPLATE, Slot.SESSION] if slot in decoded),
                 None)
    if first is None:
        return PairVerdict(source, run_checks(options, None), analysis, {})
    verdict = run_checks(options, decoded[first][0])
    assert verdict.token is not None
    judged = {first: verdict.token}
    for slot, (token, path) in decoded.items():
        if slot is not first:
            judged[slot] = verdict.session.verify(token, path)
    return PairVerdict(source, verdict, analysis, judged)


def _pair_lines(result: PairVerdict) -> list[str]:
    from wizard.providers.clerk.token_pair import Slot

    lines = [message.render() for message in result.source.said]
    pair, analysis = result.source.pair, result.analysis
    if pair is None or analysis is None:
        return lines
    for slot in Slot:
        outcome = pair.outcome(slot)
        judged = result.judged.get(slot)
        if judged is not None:
            state = _("verified") if judged.verified else _("not verified")
        elif outcome.error is not None:
            state = outcome.error.reason.value + (
                f": {outcome.error.message}" if outcome.error.message else "")
        else:
            state = _("not judged")
        lines.append(_("{slot} token: {state}", slot=slot.value, state=state))
    lines.append(_("integration: {integration}; convex template: {template}; the app "
                   "(convex {version}) sends: {sends}", integration=analysis.integration.value,
                   template=analysis.template.value, version=analysis.convex_version or "?",
                   sends=analysis.sends.value if analysis.sends else "?"))
    return lines


def write_result(result: PairVerdict, as_json: bool, out: TextIO) -> int:
    from wizard.guards.redaction import scrub

    if as_json:
        out.write(scrub(json_text(result.to_json()), result.secrets()) + "\n")
    else:
        from wizard.output.render import write_human

        for line in _pair_lines(result):
            out.write(scrub(visible(line), result.secrets()) + "\n")
        out.write("\n")
        write_human(result.verdict, out)
    return EXIT_OK if result.ok else EXIT_FAILED


def token_source_command(args: Any, options: Options) -> int:
    """``check --from-browser`` / ``check --use-secret-key --mint`` (``args`` as parsed)."""
    import sys

    if args.mint and (not args.use_secret_key or args.offline):
        sys.stderr.write(_("--mint needs --use-secret-key (the key goes to Clerk's Backend "
                           "API) and the network") + "\n")
        return EXIT_USAGE
    if args.from_browser:
        from wizard.browser.origins import InvalidOrigin

        try:
            source = from_browser(args.wait, args.origin, sys.stderr)
        except InvalidOrigin:
            sys.stderr.write(_("--origin takes a page origin such as http://localhost:5173")
                             + "\n")
            return EXIT_USAGE
    else:
        source = minted(options, args.session_id, args.create_session, sys.stderr)
    return write_result(judge(options, source), args.json, sys.stdout)
