"""The "Ask Convex" action: send the pasted token to the project's deployment, in a worker.

Nothing is sent until the button is pressed; the button names where the token goes. The answer
(status, code, message, time, never the token) is kept in ``progress.convex_answer``, and an
accepted token makes ``user-sync`` done by verification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button

from screens.widgets.safe_static import SafeStatic, literal, styled
from wizard.checks.convex_checks import (
    NO_URL,
    ConvexReport,
    accepts_token_check,
    agreement,
    ask_token,
    deployment_target,
)
from wizard.checks.token_checks import TokenVerdict
from wizard.output.report import ACCEPTED_PROBE_NOTE
from wizard.services.convex_probe import ACCEPTED, REJECTED, ConvexAnswer
from wizard.walkthrough.progress import StepState

if TYPE_CHECKING:
    from screens.app import WizardApp


class AskConvex(Vertical):
    """A button, where the token would go, and Convex's last answer."""

    DEFAULT_CSS = """
    AskConvex { height: auto; margin: 1 0 0 0; }
    AskConvex .ask-convex-answer { height: auto; }
    """

    class Answered(Message):
        def __init__(self, answer: ConvexAnswer | str, verdict: TokenVerdict | None) -> None:
            super().__init__()
            self.answer, self.verdict = answer, verdict

    def __init__(self, token_source: Callable[[], str], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="ask-convex")
        self.token_source = token_source

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)

    def compose(self) -> ComposeResult:
        yield SafeStatic("", classes="ask-convex-target muted")
        yield Button("Ask Convex", classes="ask-convex-button", compact=True)
        yield SafeStatic("", classes="ask-convex-answer")

    def on_mount(self) -> None:
        url = deployment_target(self.wizard.session)
        target = (f"Sends the pasted token to {url.value}/api/query ({url.source}) and shows "
                  "whether Convex itself accepts it; nothing is sent until you press it."
                  if url else NO_URL)
        self.query_one(".ask-convex-target", SafeStatic).update(target)
        self.query_one(".ask-convex-button", Button).disabled = url is None
        saved = self.wizard.progress.convex_answer
        if saved:
            self._show_saved(saved)

    @on(Button.Pressed, ".ask-convex-button")
    def ask(self, event: Button.Pressed) -> None:
        event.stop()
        text = self.token_source()
        box = self.query_one(".ask-convex-answer", SafeStatic)
        if not text:
            box.update("Paste a token first (step Check a real token).")
            return
        verdict = self.wizard.verify(text)
        box.update("Asking Convex…")
        event.button.disabled = True
        self.probe(text, verdict)

    @work(thread=True, exclusive=True, group="ask-convex", exit_on_error=False)
    def probe(self, text: str, verdict: TokenVerdict) -> None:
        try:
            answer: ConvexAnswer | str = ask_token(self.wizard.session, text, verdict)
        except Exception as exc:  # the probe promises not to raise; never freeze if it does
            answer = f"internal error: {type(exc).__name__}"
        self.post_message(self.Answered(answer, verdict))

    @on(Answered)
    def answered(self, message: Answered) -> None:
        self.query_one(".ask-convex-button", Button).disabled = False
        box = self.query_one(".ask-convex-answer", SafeStatic)
        answer = message.answer
        if isinstance(answer, str):
            box.update(f"Not asked: {answer}")
            return
        agrees = agreement(answer, message.verdict)
        record = {**answer.to_dict(), "agrees_with_wizard": agrees}
        app = self.wizard
        app.progress.convex_answer = record
        asked = ConvexReport(url=deployment_target(app.session), answer=answer, agrees=agrees)
        app.remember_checks([accepts_token_check(app.session, asked, message.verdict)])
        if answer.status == ACCEPTED:
            app.mark("user-sync", StepState.VERIFIED, f"Convex accepted a token ({answer.url})")
        elif answer.status == REJECTED and not app.progress.state_of("user-sync").done:
            app.mark("user-sync", StepState.FAILING, f"Convex rejected a token: {answer.code}")
        else:
            app.save()
        self._show_saved(record)
        for other in app.query(AskConvex):
            if other is not self:
                other._show_saved(record)

    def _show_saved(self, record: dict[str, object]) -> None:
        status = str(record.get("status"))
        code = f" {record['code']}" if record.get("code") else ""
        http = f"HTTP {record['http_status']}{code}" if record.get("http_status") else ""
        head = {"accepted": styled("[b]✔ Convex accepts this token[/]"),
                "rejected": styled("[b]✖ Convex rejects this token[/]")}.get(
            status, styled("[b]? Convex gave no verdict[/] ($status)", status=status))
        lines = [head + (styled(" — $http", http=http) if http else literal("")),
                 literal(record.get("message") or "")]
        if status == "accepted" and record.get("message"):
            lines.append(styled("[dim]($note)[/]", note=ACCEPTED_PROBE_NOTE))
        if record.get("agrees_with_wizard") is False:
            lines.append(styled("[b]Disagreement:[/] the wizard's own checks say the opposite, "
                                "so a rule is missing on one side (or the deployment's "
                                "configuration differs from the local one)."))
        box = self.query_one(".ask-convex-answer", SafeStatic)
        box.update(Content("\n").join(line for line in lines if line))
        box.set_classes("ask-convex-answer " + ("-ok" if status == "accepted" else "-bad"))
