"""The wizard's frame: the title bar, the step rail, the current step's pane and the key bar;
navigation between steps, the slow part started in a thread worker, and the language and
command palette. :class:`screens.app.WizardApp` adds what the panes and panels say and the keys'
actions."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from screens.cells import count_bengali_spacing_marks
from screens.host import display_path
from screens.keys import COMMANDS, KEYS
from screens.messages import FetchDone
from screens.panes import ORDER, new_pane
from screens.panes.base import StepPane
from screens.safe_app import SafeApp
from screens.widgets.key_bar import KeyBar
from screens.widgets.step_rail import SUMMARY_ID, StepRail
from screens.widgets.title_bar import TitleBar
from wizard import collector
from wizard.text.language import LANGUAGE_NAMES, save_language, saved_language
from wizard.text.messages import _, available_languages, current_language, set_language
from wizard.walkthrough.steps import STEP_IDS, step_by_id
from wizard.walkthrough.walkthrough import Change, Notice, Walkthrough

if TYPE_CHECKING:
    from wizard.demo.context import DemoContext


FIRST_FRAME_WAIT = 2.0  # the fetch waits at most this long for the first frame to be drawn


def is_text_field(widget: Widget) -> bool:
    """A field that takes letters as text (so the one-letter keys do not act while it has the
    focus). Imported here, not at the top: the first frame needs no text field."""
    from textual.widgets import Input, TextArea

    return isinstance(widget, (Input, TextArea))


class StepsApp(SafeApp):
    CSS_PATH = "app.tcss"
    TITLE = "convex-auth-wizard"
    AUTO_FOCUS = None  # each step focuses its own first control when it is entered
    BINDINGS: ClassVar[list[BindingType]] = [*KEYS]
    # Below 100 columns the step rail folds to numbers and symbols; dialogs use the height.
    # (Textual declares these as instance attributes, so they cannot be ClassVar here.)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012

    def __init__(self, *, walkthrough: Walkthrough, demo: DemoContext | None, restart: bool,
                 browser: Callable[[str], bool], notice: str | None = None) -> None:
        super().__init__()
        self.walkthrough = walkthrough
        self.demo = demo
        self.restart = restart
        self.browser = browser
        self.start_notice = notice
        self.current = STEP_IDS[0]
        self.start_notices: list[Notice] = []
        self.first_frame = threading.Event()  # the fetch waits for it (or FIRST_FRAME_WAIT)
        count_bengali_spacing_marks()
        self.label_keys()

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The saved progress decides the first step, so it is read before the layout is built,
        # and everything the first frame shows is built in its final state.
        started = self.walkthrough.start(self.restart)
        self.start_notices = [Notice(self.start_notice)] if self.start_notice else []
        self.start_notices += started.notices
        self.current = self.walkthrough.progress.resume_step()
        title_bar = TitleBar(self.title, self.project_label(), id="title-bar")
        title_bar.badges = self.badges()
        yield title_bar
        with Horizontal(id="main"):
            yield StepRail(self.walkthrough.progress, self.current, id="steps")
            with ContentSwitcher(id="content", initial=self.current):
                yield new_pane(self.current)
        yield KeyBar(id="key-bar")

    def get_default_screen(self) -> Screen[Any]:
        # The breakpoint classes are set before the first layout, so the first Resize changes
        # nothing and the first frame is styled once.
        screen = super().get_default_screen()
        width, height = self.size
        screen.set_class(width < 100, "-narrow")
        screen.set_class(width >= 100, "-wide")
        screen.set_class(height < 30, "-short")
        screen.set_class(height >= 30, "-tall")
        return screen

    def on_mount(self) -> None:
        self.apply(self.walkthrough.visit(self.current))
        self.call_after_refresh(self.focus_step)
        # Toasts and the fetch wait for the first frame (the fetch at most FIRST_FRAME_WAIT).
        self.call_after_refresh(self._after_first_frame)
        self.start_fetch()

    def _after_first_frame(self) -> None:
        collector.resume()  # paused by the command that started the wizard
        self.first_frame.set()
        problem = saved_language().problem
        if problem is not None:
            self.notify(problem.render(), severity="warning", timeout=10)
        for notice in self.start_notices:
            self.show(notice)

    def project_label(self) -> str:
        root = self.walkthrough.session.project.root
        return _("demo project") if self.demo else display_path(str(root))

    def badges(self) -> tuple[str, ...]:
        options = self.walkthrough.session.options
        return tuple(badge for badge, on in (
            (_("demo"), self.demo is not None), (_("offline"), options.offline),
            (_("keys: {file}", file=options.jwks_file.name if options.jwks_file else ""),
             options.jwks_file is not None)) if on)

    def label_keys(self) -> None:
        """The footer's words in the current language: the key table holds message ids."""
        # Textual has no public way to change a binding's description; the app's own map is
        # rebuilt from the table, key by key.
        table = self._bindings.key_to_bindings
        for binding in Binding.make_bindings(KEYS):
            table[binding.key] = [replace(binding, description=_(binding.description))]

    # -- what reaches the screen --------------------------------------------------------------
    def show(self, notice: Notice) -> None:
        self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)

    def apply(self, change: Change) -> None:
        """Draw what a walkthrough call changed."""
        if change.steps:
            self.refresh_steps()
        views = ORDER if "*" in change.views else change.views
        for view in views:
            pane = self.pane(view)
            if pane is not None:
                pane.refresh_view()
        for notice in change.notices:
            self.show(notice)

    # -- panes ------------------------------------------------------------------------------
    def pane(self, step_id: str) -> StepPane | None:
        """The step's pane, or None when it was not visited yet (it is built on first visit,
        and draws itself when it mounts)."""
        return next(iter(self.query(f"#{step_id}").results(StepPane)), None)

    def current_pane(self) -> StepPane:
        pane = self.pane(self.current)
        if pane is None:
            raise LookupError(f"the pane of {self.current} is not built")
        return pane

    def refresh_steps(self) -> None:
        self.query_one(StepRail).show(self.walkthrough.progress, self.current)
        self.apply(Change(views=frozenset({SUMMARY_ID})))

    def go_to(self, step_id: str) -> None:
        if step_id not in ORDER:
            return
        switcher = self.query_one(ContentSwitcher)
        pane = self.pane(step_id)
        if pane is None:  # first visit: build it (hidden until it is made current)
            pane = new_pane(step_id)
            pane.display = False
            switcher.mount(pane)
        self.current = step_id
        switcher.current = step_id
        self.refresh_steps()
        pane.scroll_home(animate=False)
        self.apply(self.walkthrough.visit(step_id))
        self.call_after_refresh(self.focus_step)

    def focus_step(self) -> None:
        """Focus the current step's first control that is not a text field, so Enter and
        Space act on it at once and the one-letter keys keep working."""
        if self.query_one(StepRail).drawer:
            return
        pane = self.pane(self.current)
        if pane is None:
            return
        first = next((widget for widget in pane.query("*")
                      if widget.focusable and not is_text_field(widget)
                      and all(node.display for node in widget.ancestors_with_self)), None)
        # Scrolled into view at once: an animated scroll would move the step under the mouse.
        self.screen.set_focus(first, scroll_visible=False)
        if first is not None:
            first.scroll_visible(animate=False)

    # -- the slow part ------------------------------------------------------------------------
    def start_fetch(self) -> None:
        self.apply(self.walkthrough.begin_fetch())
        self.fetch_worker()

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def fetch_worker(self) -> None:
        # Started at mount so that waiting for the app's workers waits for it; the work waits
        # until the first frame is drawn, so the first frame does not share the CPU with it.
        self.first_frame.wait(FIRST_FRAME_WAIT)
        self.post_message(FetchDone(self.walkthrough.fetch()))

    async def switch_language(self, language: str) -> None:
        """Redraw every text in ``language`` and remember it for this user. What was typed
        into a field stays."""
        from textual.widgets import Input, TextArea

        set_language(language)
        problem = save_language(language)
        self.label_keys()
        self.refresh_bindings()
        title_bar = self.query_one(TitleBar)
        title_bar.place = self.project_label()
        title_bar.set_badges(*self.badges())
        title_bar.refresh()
        typed = {area.id: area.text for area in self.query(TextArea) if area.id}
        lines = {field.id: field.value for field in self.query(Input) if field.id}
        await self.query_one(StepRail).recompose()
        for pane in self.query(StepPane).results(StepPane):
            await pane.recompose()
        for area in self.query(TextArea):
            if area.id in typed:
                area.text = typed[area.id]
        for field in self.query(Input):
            if field.id in lines:
                field.value = lines[field.id]
        self.refresh_steps()
        self.apply(Change(views=frozenset({"*"})))
        if problem is not None:
            self.notify(problem.render(), severity="warning", timeout=8)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's "Keys" entry would open its own panel: the wizard's help entry replaces it.
        yield from (command for command in super().get_system_commands(screen)
                    if command.callback != self.action_show_help_panel
                    and command.callback != self.action_hide_help_panel)
        dashboard = self.walkthrough.session.provider.dashboard_url
        for title, help_text, action in COMMANDS:
            yield SystemCommand(_(title), _(help_text, url=dashboard),
                                partial(self.run_action, action))
        for language in available_languages():
            if language != current_language():
                name = LANGUAGE_NAMES.get(language, language)
                yield SystemCommand(_("Language: {name}", name=name),
                                    _("Show the wizard in {name}, now and in later runs",
                                      name=name),
                                    partial(self.switch_language, language))
        for number, step_id in enumerate(STEP_IDS, start=1):
            yield SystemCommand(_("Go to step {number}: {title}", number=number,
                                  title=_(step_by_id(step_id).title)),
                                step_id, lambda s=step_id: self.go_to(s), discover=False)
