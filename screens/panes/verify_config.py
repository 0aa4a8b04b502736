"""Step 6 (guide Step 5 + notes): env.*, convex.*, issuer.* checks and the fetched keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, LoadingIndicator

from screens.host import display_path, home_prefix
from screens.panels.deploy_key_consent import DeployKeyConsent
from screens.panes.base import StepPane
from screens.widgets.apply_button import ApplyFixesButton
from screens.widgets.checks import CheckList
from screens.widgets.copyable import Copyable
from screens.widgets.safe_static import SafeStatic, Shown, styled
from wizard.text.messages import _
from wizard.walkthrough.keys_status import keys_status


class VerifyConfigPane(StepPane):
    step_id = "verify-config"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="fetch-status-bar"):
            yield LoadingIndicator(id="fetch-spinner")
            yield SafeStatic("", id="fetch-status")
        yield SafeStatic("", id="issuer-keys", classes="facts")
        yield SafeStatic(_("Checks"), classes="section-title")
        yield CheckList(id="config-checks", shorten=home_prefix())
        yield DeployKeyConsent(id="deploy-key-consent")
        yield SafeStatic(_("Fixes to copy"), id="fixes-title", classes="section-title")
        yield Copyable("", label=_("Copy fixes"), id="config-fixes")
        with Horizontal(classes="buttons"):
            yield ApplyFixesButton(id="config-apply-fixes")
            yield Button(_("Re-run checks (r)"), id="rerun-button", variant="primary",
                         action="app.rerun")

    def refresh_view(self) -> None:
        if not self.ready:
            return
        walkthrough = self.walkthrough
        fetching = walkthrough.fetching
        self.query_one("#fetch-spinner").display = fetching
        issuer = walkthrough.session.issuer
        issuer_text = issuer.shown if issuer else _("(no issuer)")
        status: Shown
        if fetching:
            status = _("Fetching the discovery document and keys of {issuer}…",
                       issuer=issuer_text)
        elif walkthrough.fetch_error:
            status = styled(_("[red]The fetch failed: $error[/]"), error=walkthrough.fetch_error)
        else:
            session = walkthrough.session
            status = keys_status(session.options, session.keys,
                                 issuer.shown if issuer else None).render()
        self.query_one("#fetch-status", SafeStatic).update(status)
        keys = walkthrough.session.keys
        text: Shown
        if keys is not None and keys.keys and not fetching:
            rows = [styled(_("[b]kid[/] $kid  [b]alg[/] $alg  [b]kty[/] $kty"),
                           kid=k.kid or _("(none)"), alg=k.alg, kty=k.kty) for k in keys.keys]
            text = Content("\n").join([styled(_("[b]Signing keys[/] ($uri)"),
                                               uri=keys.jwks_uri or ""), *rows])
        elif fetching:
            text = ""
        else:
            text = styled(_("[b]Signing keys[/] none fetched"))
        self.query_one("#issuer-keys", SafeStatic).update(text)
        checks = [] if fetching else walkthrough.config_results
        self.query_one("#config-checks", CheckList).show(checks)
        self.query_one(ApplyFixesButton).show_for(checks)
        self.query_one(DeployKeyConsent).refresh_view()
        fixes = "\n".join(c.fix for c in checks if c.failed and c.fix)
        self.query_one("#fixes-title").display = bool(fixes)
        copy = self.query_one("#config-fixes", Copyable)
        copy.display = bool(fixes)
        copy.set_text(display_path(fixes))
