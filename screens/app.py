"""The Textual wizard: a step list on the left, the current step on the right, a footer.

``screens.run.build_app`` injects everything (project, state folder, engine options, clock,
demo, browser), so tests run the real app against a temporary project and a local issuer.
Network and subprocess work (``Session.fetch``) runs in a thread worker; the UI never waits.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header

from screens.panes.base import StepPane
from screens.widgets.step_list import SUMMARY_ID, StepList, StepRow
from wizard.checks.catalog import CATALOG
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.guards.safe_text import one_line, visible
from wizard.services.keys import Destinations
from wizard.text.steps import DASHBOARD_URL
from wizard.walkthrough import session as engine
from wizard.walkthrough.progress import Progress, StepState
from wizard.walkthrough.steps import STEP_IDS, step_by_id

if TYPE_CHECKING:
    from wizard.checks.token_checks import TokenVerdict
    from wizard.demo.context import DemoContext
    from wizard.walkthrough.state import StateStore

ORDER: tuple[str, ...] = (*STEP_IDS, SUMMARY_ID)
# Each step's pane: (module, class). Only the current one is built at start; the others are
# imported and built on their first visit, so the first frame styles ~25 widgets, not ~240.
PANES: dict[str, tuple[str, str]] = {
    "project": ("screens.panes.project", "ProjectPane"),
    "open-dashboard": ("screens.panes.open_dashboard", "OpenDashboardPane"),
    "create-template": ("screens.panes.create_template", "CreateTemplatePane"),
    "configure-claims": ("screens.panes.configure_claims", "ConfigureClaimsPane"),
    "save-template": ("screens.panes.save_template", "SaveTemplatePane"),
    "verify-config": ("screens.panes.verify_config", "VerifyConfigPane"),
    "check-clerk": ("screens.panes.check_clerk", "CheckClerkPane"),
    "check-token": ("screens.panes.check_token", "CheckTokenPane"),
    "user-sync": ("screens.panes.user_sync", "UserSyncPane"),
    SUMMARY_ID: ("screens.panes.summary", "SummaryPane"),
}
FIRST_FRAME_WAIT = 2.0  # the fetch waits at most this long for the first frame to be drawn
SCREENSHOT_REFUSED = ("Screenshots are off in this wizard: the screen may show a pasted token, "
                      "and a token is never written to a file.")


def new_pane(step_id: str) -> StepPane:
    module, name = PANES[step_id]
    pane_class = getattr(importlib.import_module(module), name)
    if not (isinstance(pane_class, type) and issubclass(pane_class, StepPane)):
        raise TypeError(f"{module}.{name} is not a step pane")
    return pane_class()


class FetchDone(Message):
    """The worker finished ``Session.fetch`` (``error`` says why it could not) and, with a
    deploy key, asked the deployment for its providers (``providers``)."""

    def __init__(self, error: str | None, providers: Check | None = None) -> None:
        super().__init__()
        self.error = error
        self.providers = providers


class WizardApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "convex-auth-wizard"
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_step", "Next"),
        Binding("ctrl+n", "next_step", "Next", show=False),
        Binding("b", "previous_step", "Back"),
        Binding("ctrl+b", "previous_step", "Back", show=False),
        Binding("d", "done", "Done"),
        Binding("r", "rerun", "Re-run checks"),
        Binding("e", "export", "Export report"),
        Binding("o", "open_dashboard", "Open dashboard", show=False),
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("escape", "leave_field", "Leave the field", show=False),
        Binding("pagedown", "scroll_pane(1)", "Page down", show=False),
        Binding("pageup", "scroll_pane(-1)", "Page up", show=False),
        Binding("down", "scroll_lines(3)", "Scroll down", show=False),
        Binding("up", "scroll_lines(-3)", "Scroll up", show=False),
    ]

    def __init__(self, *, options: Options, state_dir: Path | None,
                 clock: Callable[[], float], demo: DemoContext | None, restart: bool,
                 browser: Callable[[str], bool], notice: str | None = None) -> None:
        super().__init__()
        self.options = options
        self.state_dir = state_dir
        self.clock = clock
        self.demo = demo
        self.restart = restart
        self.browser = browser
        self.start_notice = notice
        self.session = engine.load(options)
        self.progress = Progress(started_at=clock(), updated_at=clock())
        self.store: StateStore | None = None
        self.current = STEP_IDS[0]
        self.fetching = False
        self.fetch_error: str | None = None
        self.config_results: list[Check] = []
        self.project_results: list[Check] = []
        self.providers_result: Check | None = None  # convex.deployed_providers, per fetch
        self.token_verdict: TokenVerdict | None = None
        self.start_notices: list[str] = []
        self.first_frame = threading.Event()  # the fetch waits for it (or FIRST_FRAME_WAIT)
        self.crash: BaseException | None = None  # what stopped the app, for run_safely

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The saved progress decides the first step, so it is read before the layout is built.
        self.start_notices = [self.start_notice] if self.start_notice else []
        self.start_notices += self._open_store()
        self._judge_project()
        self.current = self.progress.first_open_step()
        # Everything the first frame shows is known here, so it is built in its final state
        # (title, step states, current row) instead of being restyled right after mounting.
        root = self.session.project.root
        self.sub_title = "demo project" if self.demo else self.display_path(str(root))
        yield Header(icon="◆")
        with Horizontal(id="main"):
            yield StepList(self.progress, self.current, id="steps")
            with ContentSwitcher(id="content", initial=self.current):
                yield new_pane(self.current)
        yield Footer()

    def on_mount(self) -> None:
        self.current_pane().on_enter()
        # Toasts and the fetch wait for the first frame (the fetch at most FIRST_FRAME_WAIT).
        self.call_after_refresh(self._after_first_frame)
        self.start_fetch()

    def _after_first_frame(self) -> None:
        self.first_frame.set()
        for notice in self.start_notices:
            self.notify(notice, timeout=6)

    def _open_store(self) -> list[str]:
        """Load saved progress (or start over); the store scrubs the project's secrets."""
        from wizard.walkthrough.state import StateStore, recheck_on_resume

        notices: list[str] = []
        self.store = StateStore(self.session.project.root, self.state_dir,
                                secrets=self.known_secrets())
        if self.restart:
            problem = self.store.restart()
            notices.append(problem or "Started over; the old progress was kept as a backup.")
            return notices
        result = self.store.load()
        if result.progress is not None:
            self.progress = result.progress
            notices += recheck_on_resume(self.progress, self.session)
        if result.notice:
            notices.insert(0, result.notice)
        return notices

    def known_secrets(self) -> list[str]:
        """The values no file, log or screen may show: the project's secrets, the deploy key."""
        from wizard.checks.convex_checks import deploy_key_secrets

        return self.session.project.secret_values() + deploy_key_secrets(self.session)

    # -- what reaches the screen --------------------------------------------------------------
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is literal text: messages carry paths, issuers' and Convex's
        words and saved notes, so none is ever parsed as markup (``markup`` is ignored)."""
        super().notify(visible(message), title=one_line(title), severity=severity,
                       timeout=timeout, markup=False)

    def format_title(self, title: str, sub_title: str) -> Content:
        return super().format_title(one_line(title), one_line(sub_title))

    def _handle_exception(self, error: Exception) -> None:
        self.crash = error
        super()._handle_exception(error)
        # Textual would print the traceback with its local variables (a pasted token, a
        # secret key) when it exits; run_safely prints one line and writes a scrubbed log.
        self._exit_renderables.clear()

    # -- shared helpers the panes use --------------------------------------------------------
    def display_path(self, text: str) -> str:
        """Home shortened to ~ (shorter, and the same on every machine)."""
        home = str(Path.home())
        return text.replace(home, "~") if home not in ("", "/") else text

    @property
    def home_prefix(self) -> str:
        home = str(Path.home())
        return home if home not in ("", "/") else ""

    def pane(self, step_id: str) -> StepPane | None:
        """The step's pane, or None when it was not visited yet (it is built on first visit,
        and refreshes itself when it mounts)."""
        return next(iter(self.query(f"#{step_id}").results(StepPane)), None)

    def current_pane(self) -> StepPane:
        pane = self.pane(self.current)
        if pane is None:
            raise LookupError(f"the pane of {self.current} is not built")
        return pane

    def panes(self) -> Iterable[StepPane]:
        """The panes built so far."""
        return self.query(StepPane)

    def refresh_pane(self, step_id: str) -> None:
        pane = self.pane(step_id)
        if pane is not None:
            pane.refresh_view()

    def mark(self, step_id: str, state: StepState, note: str = "") -> None:
        self.progress.set(step_id, state, note, at=self.clock())
        self.save()
        self.refresh_steps()

    def remember_checks(self, checks: Iterable[Check]) -> None:
        """Keep the latest result of each check in ``progress.checks`` (saved, and printed by
        the report), in catalog order; the caller saves."""
        latest = {row.get("id", ""): row for row in self.progress.checks}
        latest.update((c.id, c.to_dict()) for c in checks)
        order = {check_id: index for index, check_id in enumerate(CATALOG)}
        self.progress.checks = sorted(latest.values(),
                                      key=lambda row: order.get(row.get("id", ""), len(order)))

    def save(self) -> None:
        if self.store is None:
            return
        problem = self.store.save(self.progress)
        if problem:
            self.notify(problem, severity="warning", timeout=6)

    def refresh_steps(self) -> None:
        self.query_one(StepList).show(self.progress, self.current)
        self.refresh_pane(SUMMARY_ID)

    def set_path(self, path: str) -> None:
        if self.progress.path == path:
            return
        self.progress.path = path
        self.save()
        for pane in self.panes():
            pane.refresh_view()

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
        pane.on_enter()

    # -- the project and the configuration --------------------------------------------------
    def _judge_project(self) -> None:
        try:
            checks = self.session.project_checks()
        except Exception as exc:  # an engine bug must show as a failing step, never a crash
            self.engine_failed("the project checks", exc)
            checks = []
        self.project_results = checks
        failed = [c for c in checks if c.failed]
        if failed:
            self.progress.set("project", StepState.FAILING, f"{failed[0].id}: {failed[0].detail}",
                              at=self.clock())
        else:
            self.progress.set("project", StepState.VERIFIED, "the project was read",
                              at=self.clock())
        self.save()
        self.refresh_pane("project")

    def start_fetch(self) -> None:
        self.fetching = True
        self.fetch_error = None
        self.providers_result = None
        self.refresh_pane("verify-config")
        self.fetch_worker()

    def set_destinations(self, destinations: Destinations) -> None:
        """Hosts the user agreed to send a key to, in a dialog that named them: kept in memory
        for this run only (never saved), and only for those exact hosts."""
        self.options = replace(self.options, destinations=destinations)
        self.session.options = self.options

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def fetch_worker(self) -> None:
        # Started at mount so that waiting for the app's workers waits for it; the work waits
        # until the first frame is drawn, so the first frame does not share the CPU with it.
        self.first_frame.wait(FIRST_FRAME_WAIT)
        from wizard.checks.convex_checks import providers_check

        try:
            self.session.fetch()
            # The deploy key, when the project has one, goes only to its own deployment or a
            # host the user named or agreed to; anywhere else it is withheld and the check
            # says so (the verify-config step then offers to ask).
            providers = providers_check(self.session)
        except Exception as exc:  # the engine should not raise; if it does, say so, never crash
            self.post_message(FetchDone(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(FetchDone(None, providers))

    @on(FetchDone)
    def fetched(self, message: FetchDone) -> None:
        self.fetching = False
        self.fetch_error = message.error
        self.providers_result = message.providers
        self.judge_config()
        from screens.panes.check_token import CheckTokenPane

        token_pane = self.pane("check-token")
        if isinstance(token_pane, CheckTokenPane):
            token_pane.refresh_view()
            token_pane.recheck()

    def judge_config(self) -> None:
        """The cheap part: env.*, convex.*, issuer.* from what is known now."""
        try:
            checks = self.session.config_checks(self.progress.path)
        except Exception as exc:  # an engine bug must show as a failing step, never a crash
            self.engine_failed("the configuration checks", exc)
            self.progress.set("verify-config", StepState.FAILING, f"internal error: {exc}",
                              at=self.clock())
            self.refresh_steps()
            return
        if self.providers_result is not None:
            from wizard.checks.convex_checks import with_providers_check

            checks = with_providers_check(checks, self.providers_result)
        self.config_results = checks
        self.remember_checks(self.project_results + checks)
        if not self.fetching:
            failed = [c for c in checks if c.failed]
            keys = self.session.keys
            if self.fetch_error:
                self.progress.set("verify-config", StepState.FAILING, self.fetch_error,
                                  at=self.clock())
            elif failed:
                self.progress.set("verify-config", StepState.FAILING,
                                  ", ".join(c.id for c in failed), at=self.clock())
            elif keys is not None and keys.usable:
                self._remember_issuer()
                self.progress.set("verify-config", StepState.VERIFIED,
                                  f"{len(keys.keys)} signing key(s) fetched", at=self.clock())
        self.save()
        self.refresh_steps()
        self.refresh_pane("verify-config")

    def engine_failed(self, what: str, exc: Exception) -> None:
        self.notify(f"Internal error in {what}: {type(exc).__name__}: {exc}. Please report it.",
                    severity="error", timeout=10)

    def _remember_issuer(self) -> None:
        issuer = self.session.issuer
        self.progress.issuer = issuer.value.strip() if issuer else None

    # -- tokens -----------------------------------------------------------------------------
    def verify(self, text: str) -> TokenVerdict:
        try:
            verdict = self.session.verify(text, self.progress.path, now=self.clock())
        except Exception as exc:  # verify_token promises not to raise; never crash if it does
            self.engine_failed("the token checks", exc)
            from wizard.checks.token_checks import TokenVerdict

            verdict = TokenVerdict()
        self.token_verdict = verdict
        self.remember_checks(verdict.checks)
        if verdict.verified:
            self.progress.token = verdict.to_dict()
            self._remember_issuer()
            kind = verdict.kind.kind if verdict.kind else "token"
            self.mark("check-token", StepState.VERIFIED, f"a {kind} token passed every check")
        else:
            failed = [c.id for c in verdict.checks if c.status in (Status.FAIL, Status.SKIP)]
            self.mark("check-token", StepState.FAILING, ", ".join(failed))
        return verdict

    # -- actions ----------------------------------------------------------------------------
    def action_next_step(self) -> None:
        index = ORDER.index(self.current)
        if index + 1 < len(ORDER):
            self.go_to(ORDER[index + 1])

    def action_previous_step(self) -> None:
        index = ORDER.index(self.current)
        if index > 0:
            self.go_to(ORDER[index - 1])

    def action_scroll_pane(self, direction: int) -> None:
        pane = self.current_pane()
        pane.scroll_relative(y=direction * max(3, pane.size.height - 4), animate=False)

    def action_leave_field(self) -> None:
        """Escape leaves a text field, so the one-letter keys work again."""
        self.screen.set_focus(None)

    def action_scroll_lines(self, lines: int) -> None:
        self.current_pane().scroll_relative(y=lines, animate=False)

    def action_done(self) -> None:
        if self.current == SUMMARY_ID:
            return
        step = step_by_id(self.current)
        if step.verifiable:
            self.notify("The wizard marks this step done only when it verifies it.",
                        severity="warning", timeout=4)
            return
        if step.id == "create-template" and self.progress.path is None:
            self.notify("Choose one of the two paths first (tab to the choice, enter).",
                        severity="warning", timeout=4)
            return
        if self.progress.state_of(step.id) is not StepState.VERIFIED:
            # A step Clerk's Backend API verified stays verified: "your word" is weaker.
            self.mark(step.id, StepState.CONFIRMED, "you said it is done")
        self.action_next_step()

    def action_rerun(self) -> None:
        """Read the project again (picks up edited .env files) and fetch again."""
        path = self.progress.path
        self.session = engine.load(self.options)
        self._judge_project()
        self.progress.path = path
        for pane in self.panes():
            pane.refresh_view()
        self.start_fetch()
        self.notify("Checking again…", timeout=2)

    def action_open_dashboard(self) -> None:
        opened = self.browser(DASHBOARD_URL)
        if opened:
            self.notify(f"Opened {DASHBOARD_URL} in your browser.", timeout=4)
        else:
            self.notify(f"No browser could be opened here. Open {DASHBOARD_URL} yourself.",
                        severity="warning", timeout=8)

    def action_help(self) -> None:
        from screens.dialogs.help import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog())

    def action_export(self) -> None:
        from wizard.output.report import export_markdown

        try:
            where = export_markdown(self.session, self.progress, self.session.project.root,
                                    generated_at=self.clock())
        except OSError as exc:  # a disk problem must become a message, not a crash
            self.notify(f"The report could not be written: {exc}", severity="error", timeout=8)
            return
        self.notify(f"Report written to {self.display_path(str(where))}", timeout=8)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's "Screenshot" would write the screen, a pasted token included, to a file.
        yield from (command for command in super().get_system_commands(screen)
                    if command.title != "Screenshot")
        yield SystemCommand("Next step", "Go to the next step (n)", self.action_next_step)
        yield SystemCommand("Previous step", "Go back one step (b)", self.action_previous_step)
        yield SystemCommand("Mark step done", "Done by your word, for dashboard steps (d)",
                            self.action_done)
        yield SystemCommand("Re-run checks", "Read the project and fetch the issuer again (r)",
                            self.action_rerun)
        yield SystemCommand("Export report", "Write convex-auth-report.md in the project (e)",
                            self.action_export)
        yield SystemCommand("Open the Clerk dashboard", DASHBOARD_URL, self.action_open_dashboard)
        yield SystemCommand("Wizard help", "Keys and what the step symbols mean (?)",
                            self.action_help)
        for number, step_id in enumerate(STEP_IDS, start=1):
            yield SystemCommand(f"Go to step {number}: {step_by_id(step_id).title}",
                                step_id, lambda s=step_id: self.go_to(s), discover=False)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """Refused: the screen may show a pasted token, and no token is ever written."""
        self.notify(SCREENSHOT_REFUSED, severity="warning", timeout=6)
        return None

    def save_screenshot(self, filename: str | None = None, path: str | None = None,
                        time_format: str | None = None) -> str:
        """Refused as well (TEXTUAL_SCREENSHOT uses it); nothing is written."""
        self.notify(SCREENSHOT_REFUSED, severity="warning", timeout=6)
        return ""

    @on(StepRow.Chosen)
    def chosen(self, message: StepRow.Chosen) -> None:
        self.go_to(message.step_id)

    def on_paste(self, event: events.Paste) -> None:
        """A paste anywhere lands in the current step's paste box (when it has one)."""
        self.current_pane().accept_paste(str(event.text))
