"""The question asked before the deploy key goes to a host it does not name: the exact host,
where its URL and the key came from, and what the one request does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button

from screens.dialogs.question import QUESTION_CSS, Question
from screens.widgets.safe_static import SafeStatic, styled
from wizard.text.messages import _


class DeployKeyAgreement(Question):
    """Only a yes sends the key, and only to ``origin``."""

    DEFAULT_CSS = QUESTION_CSS.format(name="DeployKeyAgreement")
    yes_id = "deploy-key-agree-yes"
    no_id = "deploy-key-agree-no"

    def __init__(self, *, origin: str, url: str, url_source: str, key_source: str,
                 why: str) -> None:
        super().__init__()
        self.origin, self.url, self.url_source = origin, url, url_source
        self.key_source, self.why = key_source, why

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Yes, send it there"), id=self.yes_id)
                yield Button(_("No (esc)"), id=self.no_id)
            yield SafeStatic(styled(_("Send the deploy key to [b]$origin[/]?"),
                                             origin=self.origin), classes="dialog-title")
            yield SafeStatic(styled(_(
                "The deploy key from $key_source would go to [b]$origin[/], the deployment URL "
                "from $url_source, in one request (POST $url/api/query, the system function "
                "that lists the deployment's auth providers; nothing is changed).\n\n"
                "It was kept back because $why. A deploy key can read and change everything on "
                "its deployment: answer yes only if $origin is your own deployment. The yes "
                "holds for this host until you quit and is never saved."),
                key_source=self.key_source, origin=self.origin, url_source=self.url_source,
                url=self.url, why=self.why), id="deploy-key-agree-text")
