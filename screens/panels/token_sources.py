"""The check-token step's two ways to get a token without a paste (issue 15): a one-time
receiver on 127.0.0.1 with the console snippet that sends it both tokens of the page's
session, and minting both tokens with the secret key (asked first, naming every call). The
tokens stay in memory; the app's walkthrough judges them (``TokensGot``)."""

from __future__ import annotations

import io

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button

from screens.dialogs.mint_dialogs import CreateSessionDialog, MintAgreementDialog
from screens.host import host
from screens.messages import TokensGot
from screens.widgets.copyable import Copyable
from screens.widgets.safe_static import SafeStatic
from wizard.browser.command import TokenSource, browser_source, minted
from wizard.browser.evidence import MintPlan, evidence_of, mint_plan
from wizard.browser.receiver import DEFAULT_WAIT, LoopbackReceiver
from wizard.text.messages import N_, _
from wizard.walkthrough.walkthrough import Walkthrough, internal_error


class SourceDone(Message):
    """A receiver or a mint finished (in a worker); the panel turns it into evidence."""

    def __init__(self, source: TokenSource, plan: MintPlan | None = None) -> None:
        super().__init__()
        self.source, self.plan = source, plan


class TokenSourcesPanel(Vertical):
    DEFAULT_CSS = """
    TokenSourcesPanel { height: auto; margin: 1 0; }
    TokenSourcesPanel Horizontal { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.receiver: LoopbackReceiver | None = None
        self.busy = False
        self._held: str = ""

    @property
    def walkthrough(self) -> Walkthrough:
        return host(self).walkthrough

    def held_token(self) -> str:
        """The token the app sends, of the last pair got here (for Ask Convex); memory only."""
        return self._held

    def compose(self) -> ComposeResult:
        yield SafeStatic(_("Or let the token come to the wizard:"), classes="section-title")
        with Horizontal(classes="buttons"):
            yield Button(_("Receive from the browser"), id="receive-start", compact=True)
            yield Button(_("Stop waiting"), id="receive-cancel", compact=True)
            yield Button(_("Mint with the secret key…"), id="mint-start", compact=True)
        yield SafeStatic("", id="token-sources-status")
        yield Copyable("", id="receive-snippet")

    def on_mount(self) -> None:
        self._show(None)

    def on_unmount(self) -> None:
        if self.receiver is not None:
            self.receiver.cancel()

    def _show(self, status: str | None) -> None:
        waiting = self.receiver is not None
        self.query_one("#receive-cancel", Button).display = waiting
        self.query_one("#receive-start", Button).disabled = waiting or self.busy
        self.query_one("#mint-start", Button).disabled = self.busy
        self.query_one("#receive-snippet", Copyable).display = waiting
        line = self.query_one("#token-sources-status", SafeStatic)
        line.update(status or "")
        line.display = bool(status)  # no empty row at 80×24

    # -- the browser ---------------------------------------------------------------------------
    @on(Button.Pressed, "#receive-start")
    def receive(self) -> None:
        if self.receiver is not None:
            return
        try:
            self.receiver = LoopbackReceiver(wait=DEFAULT_WAIT).start()
        except OSError as exc:
            self._show(_("The receiver could not listen on 127.0.0.1: {error}", error=exc))
            return
        self.query_one("#receive-snippet", Copyable).set_text(self.receiver.snippet())
        self._show(_("Waiting for your browser… Run this in the devtools console of the app's "
                     "page (signed in); it closes after one token or {seconds} s.",
                     seconds=round(DEFAULT_WAIT)))
        self.wait_worker(self.receiver)

    @work(thread=True, exclusive=True, group="receiver", exit_on_error=False)
    def wait_worker(self, receiver: LoopbackReceiver) -> None:
        self.post_message(SourceDone(browser_source(receiver.wait_for_tokens())))

    @on(Button.Pressed, "#receive-cancel")
    def cancel(self) -> None:
        if self.receiver is not None:
            self.receiver.cancel()

    # -- minting -------------------------------------------------------------------------------
    @on(Button.Pressed, "#mint-start")
    def mint(self) -> None:
        plan = mint_plan(self.walkthrough.options)
        if plan is None:
            self.notify(_("No CLERK_SECRET_KEY in the project's .env files; add it (a "
                          "server-side variable) and press r to read them again."),
                        severity="warning", timeout=8)
            return
        self.app.push_screen(
            MintAgreementDialog(source=plan.source, redacted=plan.redacted, calls=plan.calls),
            lambda yes: self._mint_answered(yes, plan, create=False))

    def _mint_answered(self, yes: bool | None, plan: MintPlan, *, create: bool) -> None:
        if not yes:
            self._show(_("Nothing was sent."))
            return
        self.busy = True
        self._show(_("Asking Clerk's Backend API…"))
        self.mint_worker(plan, create)

    @work(thread=True, exclusive=True, group="mint", exit_on_error=False)
    def mint_worker(self, plan: MintPlan, create: bool) -> None:
        try:
            source = minted(self.walkthrough.options, None, create, io.StringIO())
        except Exception as exc:  # the Backend API calls do not raise; never crash if they do
            self.app.call_from_thread(self.notify, internal_error(N_("minting"), exc).text)
            source = TokenSource("mint", None)
        self.post_message(SourceDone(source, plan))

    # -- either ----------------------------------------------------------------------------------
    @on(SourceDone)
    def done(self, message: SourceDone) -> None:
        self.receiver, self.busy = None, False
        source, plan = message.source, message.plan
        said = "\n".join(line.render() for line in source.said)
        self._show(said)
        search = source.details.get("search", {})
        if source.pair is None:
            if plan is not None and plan.development and \
                    search.get("reason") == "no_active_session":
                self.app.push_screen(CreateSessionDialog(calls=plan.creation_calls),
                                     lambda yes: self._mint_answered(yes, plan, create=True))
            return
        version = self.walkthrough.session.project.convex_version
        evidence = evidence_of(source.pair, source, version.value if version else None)
        self._held = evidence.tokens[0][0].raw if evidence.tokens else ""
        self.post_message(TokensGot(evidence))
