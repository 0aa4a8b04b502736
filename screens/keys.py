"""The wizard's keys and its command palette entries (their words are message ids)."""

from __future__ import annotations

from textual.binding import Binding

from wizard.text.messages import N_, _

KEYS: list[Binding] = [  # the key bar shows them in this order, as many as fit
    Binding("n", "next_step", _("Next")),
    Binding("ctrl+n", "next_step", _("Next"), show=False),
    Binding("b", "previous_step", _("Back")),
    Binding("ctrl+b", "previous_step", _("Back"), show=False),
    Binding("d", "done", _("Done")),
    Binding("s", "steps", _("Steps")),
    Binding("question_mark,f1", "help", _("Help"), key_display="?"),
    Binding("q", "quit", _("Quit")),
    Binding("r", "rerun", _("Re-check")),
    Binding("e", "export", _("Export")),
    Binding("o", "open_dashboard", _("Open dashboard"), show=False),
    Binding("ctrl+c", "copy_or_quit", _("Copy or quit"), show=False, priority=True),
    Binding("escape", "leave_field", _("Leave the field"), show=False),
    Binding("pagedown", "scroll_pane(1)", _("Page down"), show=False),
    Binding("pageup", "scroll_pane(-1)", _("Page up"), show=False),
    Binding("down", "scroll_lines(3)", _("Scroll down"), show=False),
    Binding("up", "scroll_lines(-3)", _("Scroll up"), show=False),
]

EXTRA_KEYS: list[Binding] = [  # the widgets' own keys, listed in the help
    Binding("tab,shift+tab", "focus", _("Move between the step's controls")),
    Binding("enter,space", "press", _("Press the focused button or option")),
    Binding("enter,c", "copy", _("Copy the focused code block")),
    Binding("left,right,home,end", "scroll_x", _("Scroll a code block sideways")),
    Binding("ctrl+u", "clear", _("Empty the token field")),
    Binding("ctrl+p", "command_palette", _("Command palette")),
]

COMMANDS: tuple[tuple[str, str, str], ...] = (
    (N_("Next step"), N_("Go to the next step (n)"), "next_step"),
    (N_("Previous step"), N_("Go back one step (b)"), "previous_step"),
    (N_("Mark step done"), N_("Done by your word, for dashboard steps (d)"), "done"),
    (N_("Re-run checks"), N_("Read the project and fetch the issuer again (r)"), "rerun"),
    (N_("Export report"), N_("Write convex-auth-report.md in the project (e)"), "export"),
    (N_("Open the Clerk dashboard"), N_("Open {url} in your browser (o)"), "open_dashboard"),
    (N_("Wizard help"), N_("Keys and what the step symbols mean (?)"), "help"),
)
"""The command palette's entries: (title, help, action); titles and help are message ids
(``{url}`` is the identity provider's dashboard)."""
