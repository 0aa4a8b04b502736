"""The help dialog: every key (read from the bindings themselves, so none is missing), and
what the step symbols mean. It fits 80×24: the body scrolls, Escape closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen

from screens.keys import EXTRA_KEYS, KEYS
from screens.widgets.safe_static import SafeStatic, literal, styled
from wizard.text.messages import N_, _

STATES_TEXT = N_("""[b]Step states[/]
  [green]✔[/] done by verification: the wizard saw it pass
  [$accent]✓[/] done by your word: a dashboard step it cannot see
  [red]✖[/] failing: a check fails now; the step says what to fix
  [dim]○[/] pending

Steps the wizard can check (project, configuration, token) are only marked done when
they pass. Pasted tokens stay in memory and are never written anywhere.
Paste with your terminal's paste (ctrl+shift+v / cmd+v); a paste replaces the token.""")

ARROWS = {"left": "←", "right": "→", "up": "↑", "down": "↓", "question_mark": "?"}


def keys_table() -> str:
    """One line per action: its keys, then what it does."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in (*KEYS, *EXTRA_KEYS):
        keys, _description = rows.setdefault(binding.action, ([], binding.description))
        keys += [ARROWS.get(key, key) for key in binding.key.split(",")]
    shown = [(" / ".join(keys), _(description)) for keys, description in rows.values()]
    width = max(len(keys) for keys, _description in shown) + 2
    return "\n".join(f"  {keys:<{width}}{description}" for keys, description in shown)


class HelpDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1,enter", "dismiss_help", _("Close")),
    ]
    AUTO_FOCUS = "#help-body"

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = _("convex-auth-wizard — help")
            box.border_subtitle = _("Esc closes · ↑↓ PgUp PgDn scroll")
            with VerticalScroll(id="help-body"):
                yield SafeStatic(styled(_("[b]Keys[/]")))
                yield SafeStatic(literal(keys_table()), id="help-keys")
                yield SafeStatic("")
                yield SafeStatic(styled(_(STATES_TEXT)))

    def action_dismiss_help(self) -> None:
        # A click and a key (or two quick keys) can both ask to close: only the first one
        # does; a second dismiss would pop the wizard's own screen.
        if self.is_current:
            self.dismiss(None)
