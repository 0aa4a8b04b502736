"""On the verify-config step: when the deploy key was kept back from the project's deployment
URL (a host nobody named for it), say so and offer to ask. A yes, given in a dialog that names
the exact host, holds for that host for this run only; the providers are then read again."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button

from screens.dialogs.deploy_key_dialog import DeployKeyAgreement
from screens.host import host
from screens.messages import HostAgreed
from screens.widgets.safe_static import SafeStatic, literal, styled
from wizard.checks.convex_checks import withheld_deploy_key
from wizard.services.keys import KeyWithheld, deploy_key_credential, shown_origin
from wizard.text.messages import _


class DeployKeyConsent(Vertical):
    """Hidden unless the deploy key is being kept back."""

    DEFAULT_CSS = """
    DeployKeyConsent { height: auto; margin: 1 0 0 0; }
    DeployKeyConsent Button { margin-top: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False

    def compose(self) -> ComposeResult:
        yield SafeStatic("", id="deploy-key-withheld", classes="warning")
        yield Button("", id="deploy-key-agree", compact=True)

    def refresh_view(self) -> None:
        walkthrough = host(self).walkthrough
        found = None if walkthrough.fetching else withheld_deploy_key(walkthrough.session)
        self.display = found is not None
        if found is None:
            return
        key, url = found
        origin = shown_origin(url.value)
        self.query_one("#deploy-key-withheld", SafeStatic).update(styled(_(
            "The deploy key from $key_source was [b]not sent[/] to $origin ($url_source): "
            "nobody named that host for it, and a URL in the project is not your word. If "
            "it is your own deployment, send it there to read its auth providers."),
            key_source=key.source, origin=origin, url_source=url.source))
        self.query_one("#deploy-key-agree", Button).label = literal(
            _("Send the deploy key to {origin}…", origin=origin))

    @on(Button.Pressed, "#deploy-key-agree")
    def ask(self, event: Button.Pressed) -> None:
        event.stop()
        walkthrough = host(self).walkthrough
        found = withheld_deploy_key(walkthrough.session)
        if found is None:
            self.refresh_view()
            return
        key, url = found
        credential = deploy_key_credential(key.value, key.source,
                                           walkthrough.options.destinations)
        refusal = KeyWithheld(credential, url.value)
        self.app.push_screen(
            DeployKeyAgreement(origin=refusal.origin, url=url.value, url_source=url.source,
                               key_source=key.source, why=refusal.why),
            lambda yes: self._answered(yes, url.value))

    def _answered(self, yes: bool | None, url: str) -> None:
        if not yes:
            self.notify(_("The deploy key was not sent."), timeout=4)
            return
        self.display = False
        self.post_message(HostAgreed("deploy-key", url))  # the providers are read again
