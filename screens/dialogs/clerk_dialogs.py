"""The two questions asked before the secret key is used: may it be sent, and may a template
be created. Each dialog answers True only for an explicit yes; escape means no."""

from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button

from screens.dialogs.question import QUESTION_CSS, Question
from screens.widgets.safe_static import SafeStatic, styled
from wizard.text.messages import _


class SecretKeyAgreement(Question):
    """Asked before any request carries ``CLERK_SECRET_KEY``, naming the exact host it would
    go to; a host other than Clerk's API is called out, with where its URL came from."""

    DEFAULT_CSS = QUESTION_CSS.format(name="SecretKeyAgreement")
    yes_id = "clerk-agree-yes"
    no_id = "clerk-agree-no"

    def __init__(self, *, redacted: str, source: str, api_url: str, api_source: str,
                 foreign: bool) -> None:
        super().__init__()
        self.redacted, self.source, self.api_url = redacted, source, api_url
        self.api_source, self.foreign = api_source, foreign

    def compose(self) -> ComposeResult:
        text = styled(_(
            "The wizard can verify the dashboard steps itself by asking Clerk's Backend API "
            "about your instance, with [b]CLERK_SECRET_KEY[/] from $source ($redacted).\n\n"
            "It will send two read-only requests to $url:\n"
            "  GET /domains        which Frontend API host the key belongs to\n"
            "  GET /jwt_templates  whether a template named convex exists, and how it is set\n\n"
            "Nothing in Clerk is changed (creating a template is asked separately). The key is "
            "sent only there; past the few characters shown above, it is never shown, and it "
            "is never saved or written to the report."),
            source=self.source, redacted=self.redacted, url=self.api_url)
        with VerticalScroll():
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Yes, use the secret key"), id=self.yes_id)
                yield Button(_("No (esc)"), id=self.no_id)
            yield SafeStatic(_("Use your Clerk secret key?"), classes="dialog-title")
            if self.foreign:
                yield SafeStatic(styled(_(
                    "[b]$url is not Clerk's API[/] (https://api.clerk.com): $api_source names "
                    "it. Answer yes only if you trust that host with your secret key; the yes "
                    "holds for this host until you quit."), url=self.api_url,
                    api_source=self.api_source), id="clerk-agree-foreign", classes="warning")
            yield SafeStatic(text, id="clerk-agree-text")


class CreateTemplateOffer(Question):
    """Shows exactly what ``POST /jwt_templates`` would send; only a yes sends it."""

    DEFAULT_CSS = QUESTION_CSS.format(name="CreateTemplateOffer")
    yes_id = "clerk-offer-yes"
    no_id = "clerk-offer-no"

    def __init__(self, *, url: str, body: dict[str, Any], instance: str) -> None:
        super().__init__()
        self.url, self.body, self.instance = url, body, instance

    @property
    def body_text(self) -> str:
        return json.dumps(self.body, indent=2, ensure_ascii=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Create it"), id=self.yes_id)
                yield Button(_("No, don't create (esc)"), id=self.no_id)
            yield SafeStatic(_("Create the JWT template convex?"), classes="dialog-title")
            yield SafeStatic(styled(_(
                "Your Clerk instance ($instance) has no template named exactly convex. The "
                "wizard can create it with Clerk's Convex preset. This is exactly what will be "
                "sent:\n\n[b]POST $url[/]"), instance=self.instance, url=self.url))
            with VerticalScroll():
                yield SafeStatic(self.body_text, id="clerk-offer-body")
            yield SafeStatic(_("No existing template is changed or deleted."), classes="muted")
