"""The Textual wizard: the step rail on the left, the current step on the right, the key bar.

The app is workers, navigation and drawing (the frame is :mod:`screens.app_base`). When a step is done is decided by the core's
:class:`~wizard.walkthrough.walkthrough.Walkthrough`: the panes and panels post messages
(:mod:`screens.messages`), the app hands each to the walkthrough and redraws what its answer
says changed. The slow part (``Walkthrough.fetch``) runs in a thread worker; the UI never
waits. ``screens.run.build_app`` builds it with everything injected.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work

from screens.app_base import StepsApp, is_text_field
from screens.host import display_path
from screens.messages import (
    ClerkChecked,
    ConvexAnswered,
    ConvexAsked,
    FetchDone,
    FixesApplied,
    FixesRequested,
    HostAgreed,
    LineDiagnosed,
    PathChosen,
    StepChosen,
    TokenPasted,
    TokensGot,
)
from screens.panes import ORDER
from screens.widgets.step_rail import SUMMARY_ID, StepRail
from wizard.rules.jwt import read_paste
from wizard.text.messages import _
from wizard.walkthrough.steps import STEP_IDS, step_by_id

if TYPE_CHECKING:
    from screens.dialogs.apply_fixes import ApplyFixesDialog
    from wizard.fixes import FixPlan


class WizardApp(StepsApp):
    """The wizard: what the panes and panels say, handed to the walkthrough, and the keys."""

    @on(FetchDone)
    def fetched(self, message: FetchDone) -> None:
        self.apply(self.walkthrough.fetched(message.result))
        from screens.panes.check_token import CheckTokenPane

        token_pane = self.pane("check-token")
        if isinstance(token_pane, CheckTokenPane):
            token_pane.recheck()  # judged again with the keys that just arrived

    # -- what the panes and panels say --------------------------------------------------------
    @on(TokenPasted)
    def token_pasted(self, message: TokenPasted) -> None:
        self.apply(self.walkthrough.record_token(read_paste(message.text)))

    @on(ConvexAsked)
    def convex_asked(self, message: ConvexAsked) -> None:
        token = read_paste(message.text)
        self.apply(self.walkthrough.record_token(token))
        message.start(token, self.walkthrough.token_verdict)

    @on(ConvexAnswered)
    def convex_answered(self, message: ConvexAnswered) -> None:
        self.apply(self.walkthrough.record_convex_answer(message.answer, message.verdict))

    @on(ClerkChecked)
    def clerk_checked(self, message: ClerkChecked) -> None:
        self.apply(self.walkthrough.record_clerk_side(message.findings.checks))

    @on(TokensGot)
    def tokens_got(self, message: TokensGot) -> None:
        self.apply(self.walkthrough.record_tokens(message.evidence))

    @on(PathChosen)
    def path_chosen(self, message: PathChosen) -> None:
        self.apply(self.walkthrough.choose_path(message.path))

    @on(LineDiagnosed)
    def line_diagnosed(self, message: LineDiagnosed) -> None:
        self.apply(self.walkthrough.diagnosed(message.step_id))

    @on(StepChosen)
    def step_chosen(self, message: StepChosen) -> None:
        self.go_to(message.step_id)

    @on(HostAgreed)
    def host_agreed(self, message: HostAgreed) -> None:
        if message.key == "deploy-key":
            self.walkthrough.agree_deployment(message.url)
            self.start_fetch()  # the providers are read again, now from that host
        else:
            self.walkthrough.agree_clerk_api(message.url)

    @on(FixesRequested)
    def fixes_requested(self, message: FixesRequested) -> None:
        from screens.dialogs.apply_fixes import ApplyFixesDialog
        from wizard.output.fix_command import plan_for

        session = self.walkthrough.session
        dialog = ApplyFixesDialog(plan_for(session, only=message.check_ids), session.secrets())
        self.push_screen(dialog, partial(self._fixes_answered, dialog))

    def _fixes_answered(self, dialog: ApplyFixesDialog, yes: bool | None) -> None:
        if yes:
            self.apply_worker(dialog.chosen)

    @work(thread=True, exclusive=True, group="fixes", exit_on_error=False)
    def apply_worker(self, plans: list[FixPlan]) -> None:
        # A deployment fix runs the project's Convex CLI (seconds): never on the UI's thread.
        from wizard.fixes import apply_fixes

        session = self.walkthrough.session
        self.post_message(FixesApplied(apply_fixes(
            session.project.root, plans, offline=session.options.offline,
            state_dir=self.walkthrough.state_dir)))

    @on(FixesApplied)
    def fixes_applied(self, message: FixesApplied) -> None:
        from screens.dialogs.apply_fixes import FixesAppliedDialog

        self.action_rerun()
        self.push_screen(FixesAppliedDialog(message.report), self._undo_answered)

    def _undo_answered(self, yes: bool | None) -> None:
        if not yes:
            return
        from wizard.fixes import undo_last
        from wizard.output.fix_text import refusal

        undone = undo_last(self.walkthrough.session.project.root,
                           state_dir=self.walkthrough.state_dir)
        if undone.ok:
            self.notify(_("Undone: {count} file(s) restored to their exact bytes",
                          count=len(undone.restored)), timeout=6)
        else:
            why = [refusal(undone.refusal, {"run": undone.run_id or ""})] if undone.refusal \
                else [refusal(reason, {"path": path}) for path, reason in undone.refused]
            self.notify(" ".join(m.render() for m in why), severity="error", timeout=10)
        self.action_rerun()

    def on_paste(self, event: events.Paste) -> None:
        """A paste anywhere lands in the current step's paste box (when it has one)."""
        self.current_pane().accept_paste(str(event.text))

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``d`` is shown (and acts) only where the user's word counts: never on a step the
        wizard verifies itself, nor on the summary."""
        if action == "done":
            return self.current in STEP_IDS and not step_by_id(self.current).verifiable
        return True

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

    def action_scroll_lines(self, lines: int) -> None:
        self.current_pane().scroll_relative(y=lines, animate=False)

    def action_leave_field(self) -> None:
        """Escape leaves a text field, so the one-letter keys work again."""
        if self.focused is not None and is_text_field(self.focused):
            self.focus_step()

    def action_steps(self) -> None:
        """``s``: open (narrow) or fold (wide) the step rail."""
        self.query_one(StepRail).toggle()

    def action_copy_or_quit(self) -> None:
        """ctrl+c copies the selected text when there is some, and quits otherwise (what a
        terminal user expects; Textual would only tell how to quit)."""
        from textual.widgets import Input, TextArea

        focused = self.focused
        selected = (focused.selected_text if isinstance(focused, (TextArea, Input)) else
                    self.screen.get_selected_text())
        if selected:
            self.copy_to_clipboard(selected)
            return
        self.exit()

    def action_done(self) -> None:
        if self.current == SUMMARY_ID:
            return
        change = self.walkthrough.confirm(self.current)
        self.apply(change)
        if not change.refused:
            self.action_next_step()

    def action_rerun(self) -> None:
        """Read the project again (picks up edited .env files) and fetch again."""
        self.apply(self.walkthrough.rerun())
        self.start_fetch()

    def action_open_dashboard(self) -> None:
        url = self.walkthrough.session.provider.dashboard_url
        if self.browser(url):
            self.notify(_("Opened {url} in your browser.", url=url), timeout=4)
        else:
            self.notify(_("No browser could be opened here. Open {url} yourself.",
                          url=url), severity="warning", timeout=8)

    def action_help(self) -> None:
        from screens.dialogs.help import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog())

    def action_show_help_panel(self) -> None:
        """Textual's own Keys panel squeezes the labels and ignores Escape: the wizard's help
        (every key; Escape closes it) is shown instead, however it is asked for."""
        self.action_help()

    def action_export(self) -> None:
        from wizard.output.report import export_markdown

        walkthrough = self.walkthrough
        # The demo's project is a temporary folder, gone when the wizard quits: its report
        # goes where the wizard was started, so it is still there afterwards.
        folder = Path.cwd() if self.demo is not None else walkthrough.session.project.root
        try:
            where = export_markdown(walkthrough.session, walkthrough.progress, folder,
                                    generated_at=walkthrough.clock())
        except OSError as exc:  # a disk problem must become a message, not a crash
            self.notify(_("The report could not be written: {error}", error=exc),
                        severity="error", timeout=8)
            return
        if self.demo is not None:
            self.notify(_("Report written to {path}, in the folder you started the demo from "
                          "(it stays after you quit).", path=display_path(str(where))),
                        timeout=10)
            return
        self.notify(_("Report written to {path}", path=display_path(str(where))), timeout=8)
