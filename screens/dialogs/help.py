"""The help dialog: keys, and what the step symbols mean."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from screens.widgets.safe_static import SafeStatic, styled
from wizard.text.messages import N_, _

HELP_TEXT = N_("""[b]Keys[/]
  n / ctrl+n   next step          b / ctrl+b   previous step
  d            done (dashboard steps, by your word)
  r            re-read the project and fetch the issuer again
  e            export convex-auth-report.md
  o            open the Clerk dashboard
  ctrl+p       command palette    q            quit (progress is saved)

[b]Step states[/]
  [green]✔[/] done by verification: the wizard saw it pass
  [$accent]✓[/] done by your word: a dashboard step it cannot see
  [red]✖[/] failing: a check fails now; the step says what to fix
  [dim]○[/] pending

Steps the wizard can check (project, configuration, token) are only marked done when
they pass. Pasted tokens stay in memory and are never written anywhere.
Paste with your terminal's paste (ctrl+shift+v / cmd+v); tab moves between fields.""")


class HelpDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "dismiss_help", _("Close"))]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield SafeStatic(_("convex-auth-wizard — help"), classes="step-title")
            yield SafeStatic(styled(_(HELP_TEXT)))
            yield Button(_("Close (esc)"), id="help-close", variant="primary")

    def on_button_pressed(self) -> None:
        self.close()

    def action_dismiss_help(self) -> None:
        self.close()

    def close(self) -> None:
        # A click and a key (or two quick keys) can both ask to close: only the first one
        # does; a second dismiss would pop the wizard's own screen.
        if self.is_current:
            self.dismiss(None)
