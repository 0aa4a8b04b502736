"""The two questions asked before the secret key is used: may it be sent, and may a template
be created. Each dialog answers True only for an explicit yes; escape means no."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button

from screens.widgets.safe_static import SafeStatic, styled

_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 90;
    max-width: 100%;
    height: auto;
    max-height: 90%;
    padding: 1 2;
    border: thick $warning;
    background: $surface;
}}
{name} .dialog-title {{
    text-style: bold;
    margin-bottom: 1;
}}
{name} VerticalScroll {{
    height: auto;
    max-height: 20;
    border: round $primary;
    padding: 0 1;
    margin: 1 0;
}}
{name} Horizontal {{
    height: auto;
    margin-top: 1;
}}
{name} Button {{
    margin-right: 2;
}}
"""


class _Question(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "answer_no", "No")]
    yes_id: ClassVar[str]
    no_id: ClassVar[str]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.answer(event.button.id == self.yes_id)

    def action_answer_no(self) -> None:
        self.answer(False)

    def answer(self, yes: bool) -> None:
        # A click and a key can arrive together; only the first one answers.
        if self.is_current:
            self.dismiss(yes)


class SecretKeyAgreement(_Question):
    """Asked once per run, before any request carries ``CLERK_SECRET_KEY``."""

    DEFAULT_CSS = _CSS.format(name="SecretKeyAgreement")
    yes_id = "clerk-agree-yes"
    no_id = "clerk-agree-no"

    def __init__(self, *, redacted: str, source: str, api_url: str) -> None:
        super().__init__()
        self.redacted, self.source, self.api_url = redacted, source, api_url

    def compose(self) -> ComposeResult:
        with Vertical():
            yield SafeStatic("Use your Clerk secret key?", classes="dialog-title")
            yield SafeStatic(styled(
                "The wizard can verify the dashboard steps itself by asking Clerk's Backend "
                "API about your instance, with [b]CLERK_SECRET_KEY[/] from $source "
                "($redacted).\n\n"
                "It will send two read-only requests to $api_url:\n"
                "  GET /domains        which Frontend API host the key belongs to\n"
                "  GET /jwt_templates  whether a template named convex exists, and how it "
                "is set\n\n"
                "Nothing in Clerk is changed (creating a template is asked separately). The key "
                "is sent only there, and is never shown, saved or written to the report.",
                source=self.source, redacted=self.redacted, api_url=self.api_url),
                id="clerk-agree-text")
            with Horizontal():
                yield Button("Yes, use the secret key", id=self.yes_id, variant="warning")
                yield Button("No (esc)", id=self.no_id, variant="primary")


class CreateTemplateOffer(_Question):
    """Shows exactly what ``POST /jwt_templates`` would send; only a yes sends it."""

    DEFAULT_CSS = _CSS.format(name="CreateTemplateOffer")
    yes_id = "clerk-offer-yes"
    no_id = "clerk-offer-no"

    def __init__(self, *, url: str, body: dict[str, Any], instance: str) -> None:
        super().__init__()
        self.url, self.body, self.instance = url, body, instance

    @property
    def body_text(self) -> str:
        return json.dumps(self.body, indent=2, ensure_ascii=False)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield SafeStatic("Create the JWT template convex?", classes="dialog-title")
            yield SafeStatic(styled(
                "Your Clerk instance ($instance) has no template named exactly convex. The "
                "wizard can create it with Clerk's Convex preset. This is exactly what will be "
                "sent:\n\n[b]POST $url[/]", instance=self.instance, url=self.url))
            with VerticalScroll():
                yield SafeStatic(self.body_text, id="clerk-offer-body")
            yield SafeStatic("No existing template is changed or deleted.", classes="muted")
            with Horizontal():
                yield Button("Create it", id=self.yes_id, variant="warning")
                yield Button("No, don't create (esc)", id=self.no_id, variant="primary")
