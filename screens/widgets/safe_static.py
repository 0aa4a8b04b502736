"""The one way the wizard puts text on the screen: data is never markup, and never a control
character.

A claim, an issuer's answer or a ``.env`` value can hold ``[@click=app.quit]`` (a Textual
action), ``[link=…]``, ``$variables`` or an escape sequence. So a plain ``str`` given to
:class:`SafeStatic` is shown literally, with its control characters made visible, and styled
text is built with :func:`styled`, whose template is fixed markup from this code base and whose
values are inserted as literal, visible text. The screens use :class:`SafeStatic` instead of
``Static`` (a test keeps it that way); the app's notifications and title are made literal and
visible in ``WizardApp.notify`` and ``WizardApp.format_title``, its text fields in
``screens.widgets.safe_fields``.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from wizard.guards.safe_text import visible
from wizard.text.messages import Joined, Message

Shown = str | Content | Message | Joined
"""What a SafeStatic shows: data (a ``str``, literally), styled text, or a message (in the
current language)."""


def literal(text: object) -> Content:
    """``text`` exactly as it is, control characters shown as escapes; never parsed."""
    return Content(visible(str(text)))


def styled(template: str, /, **values: object) -> Content:
    """``template`` is markup written in this code base (never data); each ``$name`` in it is
    replaced by ``values[name]`` as literal, visible text (Textual substitutes the values after
    the markup is parsed, so a value's brackets stay brackets)."""
    return Content.from_markup(template, **{name: visible(str(value))
                                            for name, value in values.items()})


def _content(shown: Shown) -> Content:
    if isinstance(shown, Content):
        return shown
    return literal(shown if isinstance(shown, str) else shown.render())


class SafeStatic(Static):
    """A ``Static`` whose ``str`` is literal text: what reaches it cannot act as markup."""

    def __init__(self, content: Shown = "", *, expand: bool = False, shrink: bool = False,
                 name: str | None = None, id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        super().__init__(_content(content), expand=expand, shrink=shrink, markup=False,
                         name=name, id=id, classes=classes, disabled=disabled)

    def update(self, content: Shown = "", *, layout: bool = True) -> None:  # type: ignore[override]
        super().update(_content(content), layout=layout)
