"""The wizard's keys and its command palette entries (their words are message ids, shown in
the current language by the app: ``WizardApp.label_keys``)."""

from __future__ import annotations

from textual.binding import Binding

from wizard.text.messages import N_

KEYS: list[Binding] = [  # the key bar shows them in this order, as many as fit
    Binding("n", "next_step", N_("Next")),
    Binding("ctrl+n", "next_step", N_("Next"), show=False),
    Binding("b", "previous_step", N_("Back")),
    Binding("ctrl+b", "previous_step", N_("Back"), show=False),
    Binding("d", "done", N_("Done")),
    Binding("s", "steps", N_("Steps")),
    Binding("question_mark,f1", "help", N_("Help"), key_display="?"),
    Binding("q", "quit", N_("Quit")),
    Binding("r", "rerun", N_("Re-check")),
    Binding("e", "export", N_("Export")),
    Binding("o", "open_dashboard", N_("Open dashboard"), show=False),
    Binding("ctrl+c", "copy_or_quit", N_("Copy or quit"), show=False, priority=True),
    Binding("escape", "leave_field", N_("Leave the field"), show=False),
    Binding("pagedown", "scroll_pane(1)", N_("Page down"), show=False),
    Binding("pageup", "scroll_pane(-1)", N_("Page up"), show=False),
    Binding("down", "scroll_lines(3)", N_("Scroll down"), show=False),
    Binding("up", "scroll_lines(-3)", N_("Scroll up"), show=False),
]

EXTRA_KEYS: list[Binding] = [  # the widgets' own keys, listed in the help
    Binding("tab,shift+tab", "focus", N_("Move between the step's controls")),
    Binding("enter,space", "press", N_("Press the focused button or option")),
    Binding("enter,c", "copy", N_("Copy the focused code block")),
    Binding("left,right,home,end", "scroll_x", N_("Scroll a code block sideways")),
    Binding("ctrl+u", "clear", N_("Empty the token field")),
    Binding("ctrl+p", "command_palette", N_("Command palette")),
    Binding("up,down,k,j", "rail_move", N_("In the open step list: move")),
    Binding("enter,space", "rail_go", N_("In the open step list: go to that step")),
    Binding("y", "answer_yes", N_("In a question: yes")),
    Binding("n", "answer_no", N_("In a question: no")),
    Binding("escape", "close", N_("Close a question, the help or the open step list")),
]

COMMANDS: tuple[tuple[str, str, str], ...] = (
    (N_("Next step"), N_("Go to the next step (n)"), "next_step"),
    (N_("Previous step"), N_("Go back one step (b)"), "previous_step"),
    (N_("Mark step done"), N_("Done by your word, for dashboard steps (d)"), "done"),
    (N_("Re-run checks"), N_("Read the project and fetch the issuer again (r)"), "rerun"),
    (N_("Export report"), N_("Write convex-auth-report.md in the project; in the demo, in the "
                             "folder it was started from (e)"), "export"),
    (N_("Open the Clerk dashboard"), N_("Open {url} in your browser (o)"), "open_dashboard"),
    (N_("Wizard help"), N_("Keys and what the step symbols mean (?)"), "help"),
)
"""The command palette's entries: (title, help, action); titles and help are message ids
(``{url}`` is the identity provider's dashboard)."""
