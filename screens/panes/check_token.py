"""Step 8 (guide Verification 2): paste a token, see every token.* check at once."""

from __future__ import annotations

import json

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer
from textual.widgets import Button, TextArea

from screens.host import home_prefix
from screens.messages import TokenPasted
from screens.panels.ask_convex import AskConvex
from screens.panels.token_sources import TokenSourcesPanel
from screens.panes.base import StepPane
from screens.widgets.checks import CheckList
from screens.widgets.copyable import Copyable
from screens.widgets.expiry import ExpiryTicker
from screens.widgets.safe_static import SafeStatic, styled
from screens.widgets.token_field import TokenField
from wizard.checks.token_checks import expiry_now
from wizard.text.messages import _
from wizard.walkthrough.convex_support import path_disagreement
from wizard.walkthrough.keys_status import keys_status


class CheckTokenPane(StepPane):
    step_id = "check-token"

    def compose_body(self) -> ComposeResult:
        walkthrough, demo = self.walkthrough, self.host.demo
        yield SafeStatic(_("Get a token in the browser console:"), classes="section-title")
        yield Copyable(walkthrough.token_line(), id="token-snippet")
        yield TokenSourcesPanel(id="token-sources")
        if demo is not None:
            yield SafeStatic(_("Demo: no browser needed, use a sample token"),
                             classes="section-title")
            with Horizontal(id="samples", classes="buttons"):
                for name, label in demo.sample_labels():
                    yield Button(_(label), id=f"sample-{name}", classes="sample-button",
                                 compact=True)
        with Horizontal(classes="token-bar"):
            yield SafeStatic(_("Paste the token here (it stays in memory, never saved):"),
                             classes="section-title")
            yield Button(_("Clear (ctrl+u)"), id="token-clear", compact=True)
        yield TokenField(id="token-input", soft_wrap=True, show_line_numbers=False)
        yield SafeStatic("", id="token-verdict", classes="verdict")
        yield ExpiryTicker(walkthrough.clock, self.walkthrough.token_line,
                           on_tick=self.live_expiry, id="token-expiry")
        yield CheckList(id="token-checks", shorten=home_prefix())
        yield AskConvex(self.pasted_text, id="ask-convex-token")
        # A claim's value (a URL, a long string) is never broken: the box scrolls sideways.
        with ScrollableContainer(id="token-claims-box", classes="claims-box"):
            yield SafeStatic("", id="token-claims", classes="claims")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        self.query_one("#token-snippet", Copyable).set_text(self.walkthrough.token_line())
        self.query_one(AskConvex).refresh_view()
        self.show_verdict()

    def pasted_text(self) -> str:
        """The box's text, else the token last got without a paste."""
        return (self.query_one("#token-input", TextArea).text
                or self.query_one(TokenSourcesPanel).held_token())

    def accept_paste(self, text: str) -> None:
        self.query_one(TokenField).replace_all(text)

    @on(Button.Pressed, "#token-clear")
    def clear(self) -> None:
        self.query_one(TokenField).action_clear_token()

    @on(TextArea.Changed, "#token-input")
    def changed(self) -> None:
        self.recheck()

    def recheck(self) -> None:
        """Judge the box's text again (it changed, or the issuer's keys arrived)."""
        self.post_message(TokenPasted(self.pasted_text()))

    def show_verdict(self) -> None:
        """The walkthrough's last verdict on the box's text; the raw text is never kept
        beyond the box."""
        verdict = self.walkthrough.token_verdict
        headline = self.query_one("#token-verdict", SafeStatic)
        ticker = self.query_one("#token-expiry", ExpiryTicker)
        claims_box = self.query_one("#token-claims", SafeStatic)
        checks = self.query_one("#token-checks", CheckList)
        if verdict is None:
            headline.update("")
            headline.set_classes("verdict")
            ticker.set_exp(None)
            claims_box.update("")
            checks.show([])
            return
        kind = verdict.kind.description.render() if verdict.kind else _("unknown")
        if verdict.verified:
            headline.update(styled(_("[b]✔ Verified[/]: Convex would accept this token — "
                                     "$kind."), kind=kind))
            headline.set_classes("verdict -ok")
            disagreement = path_disagreement(self.walkthrough.progress.path,
                                             verdict.kind.kind if verdict.kind else None)
            if disagreement is not None:
                headline.update(styled(_("[b]✔ Verified[/]: Convex would accept this token — "
                                         "$kind.\n[b]▲ Not the path you chose:[/] $why"),
                                       kind=kind, why=disagreement.render()))
                headline.set_classes("verdict -warn")
        else:
            failed = sum(1 for c in verdict.checks if c.failed)
            waiting = self.walkthrough.fetching and self.walkthrough.session.keys is None
            extra = _(" (the issuer's keys are still being fetched; it is re-checked when "
                      "they arrive)") if waiting else ""
            if failed or waiting:
                headline.update(styled(_("[b]✖ Not accepted[/]: $failed check(s) fail — "
                                         "$kind.$extra"), failed=failed, kind=kind,
                                       extra=extra))
            else:  # nothing failed, but without keys the signature was not checked
                session = self.walkthrough.session
                why = keys_status(session.options, session.keys,
                                  session.issuer.shown if session.issuer else None)
                headline.update(styled(_("[b]✖ Not verified[/]: the signature could not be "
                                         "checked — $why"), why=why.render()))
            headline.set_classes("verdict -bad")
        exp = verdict.claims.get("exp")
        ticker.set_exp(float(exp) if isinstance(exp, (int, float)) else None)
        checks.show(verdict.checks)
        decoded = verdict.to_dict()
        shown = {"header": decoded["header"], "claims": decoded["claims"]}
        claims_box.update(styled(_("[b]Decoded (the signature is never shown)[/]\n$decoded"),
                                 decoded=json.dumps(shown, indent=2, ensure_ascii=False)))

    def live_expiry(self) -> None:
        """The token.exp row and the headline as they read now: the countdown goes on after the
        verdict, and a token that has since expired is said to be one (the step stays done:
        it was verified when it was checked)."""
        verdict = self.walkthrough.token_verdict
        if verdict is None:
            return
        check = expiry_now(verdict, self.walkthrough.clock(), self.walkthrough.token_line())
        row = self.query_one("#token-checks", CheckList).row("token.exp")
        if check is None or row is None:
            return
        row.show_live(check.status, check.detail)
        if verdict.verified and check.failed:
            headline = self.query_one("#token-verdict", SafeStatic)
            headline.update(styled(_("[b]✔ Verified[/] when it was checked; [b]it has expired "
                                     "since[/]: Convex would refuse it now. Paste a fresh token "
                                     "to check again.")))
            headline.set_classes("verdict -bad")

    @on(Button.Pressed, ".sample-button")
    def sample(self, event: Button.Pressed) -> None:
        demo = self.host.demo
        if demo is None or event.button.id is None:
            return
        name = event.button.id.removeprefix("sample-")
        self.query_one("#token-input", TextArea).text = demo.sample_token(
            name, self.walkthrough.clock())
