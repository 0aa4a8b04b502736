"""The "Ask Convex" action: send the pasted token to the project's deployment, in a worker.

Nothing is sent until the button is pressed; the button names where the token goes. What
Convex answered goes to the app (:class:`~screens.messages.ConvexAnswered`), whose walkthrough
keeps it (status, code, message, time, never the token) and decides what it means for
``user-sync``; every Ask Convex panel then shows the kept answer.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button

from screens.host import host
from screens.messages import ConvexAnswered, ConvexAsked
from screens.widgets.safe_static import SafeStatic, literal, styled
from wizard.checks.convex_checks import NO_URL, ask_token, deployment_target
from wizard.checks.token_checks import TokenVerdict
from wizard.output.report import ACCEPTED_PROBE_NOTE
from wizard.rules.jwt import DecodedToken
from wizard.text.messages import N_, Message, _


class AskConvex(Vertical):
    """A button, where the token would go, and Convex's last answer."""

    DEFAULT_CSS = """
    AskConvex { height: auto; margin: 1 0 0 0; }
    AskConvex .ask-convex-answer { height: auto; }
    """

    def __init__(self, token_source: Callable[[], str], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="ask-convex")
        self.token_source = token_source
        self.asking = False

    def compose(self) -> ComposeResult:
        yield SafeStatic("", classes="ask-convex-target muted")
        yield Button(_("Ask Convex"), classes="ask-convex-button", compact=True)
        yield SafeStatic("", classes="ask-convex-answer")

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        walkthrough = host(self).walkthrough
        url = deployment_target(walkthrough.session)
        target = (_("Sends the pasted token to {url}/api/query ({source}) and shows whether "
                    "Convex itself accepts it; nothing is sent until you press it.",
                    url=url.value, source=url.source) if url else NO_URL.render())
        self.query_one(".ask-convex-target", SafeStatic).update(target)
        saved = walkthrough.progress.convex_answer
        if saved and not self.asking:
            self._show_saved(saved)

    @on(Button.Pressed, ".ask-convex-button")
    def ask(self, event: Button.Pressed) -> None:
        # Never disabled (Tab would skip it, and the focus would be lost while it asks): a
        # press while it asks is ignored, and one with no deployment says why.
        event.stop()
        if self.asking:
            return
        if deployment_target(host(self).walkthrough.session) is None:
            self.query_one(".ask-convex-answer", SafeStatic).update(NO_URL.render())
            return
        self.asking = True
        self.post_message(ConvexAsked(self.token_source(), self.start))

    def start(self, token: DecodedToken, verdict: TokenVerdict | None) -> None:
        """The app read the pasted text and judged it: send it, if there is one."""
        if not token.raw:
            self._not_asked()
            return
        self.query_one(".ask-convex-answer", SafeStatic).update(_("Asking Convex…"))
        self.probe(token, verdict)

    @work(thread=True, exclusive=True, group="ask-convex", exit_on_error=False)
    def probe(self, token: DecodedToken, verdict: TokenVerdict | None) -> None:
        try:
            answer = ask_token(host(self).walkthrough.session, token, verdict)
        except Exception as exc:  # the probe promises not to raise; never freeze if it does
            answer = Message(N_("internal error: {error}"), error=type(exc).__name__)
        if isinstance(answer, Message):
            self.app.call_from_thread(self._not_asked, answer)
        else:
            self.post_message(ConvexAnswered(answer, verdict))

    def _not_asked(self, why: Message | None = None) -> None:
        self.asking = False
        self.query_one(".ask-convex-answer", SafeStatic).update(
            _("Not asked: {why}", why=why) if why else
            _("Paste a token first (step Check a real token)."))

    @on(ConvexAnswered)
    def answered(self) -> None:
        self.asking = False  # the app records the answer, then every panel shows it

    def _show_saved(self, record: dict[str, object]) -> None:
        status = str(record.get("status"))
        code = f" {record['code']}" if record.get("code") else ""
        http = f"HTTP {record['http_status']}{code}" if record.get("http_status") else ""
        head = {"accepted": styled(_("[b]✔ Convex accepts this token[/]")),
                "rejected": styled(_("[b]✖ Convex rejects this token[/]"))}.get(
            status, styled(_("[b]? Convex gave no verdict[/] ($status)"), status=status))
        said = record.get("message") or ""
        head += styled(" — $http", http=http) if http else literal("")
        if status == "accepted" and said:
            # Its words read like a failure ("Server Error"): the same sentence says why they
            # are the sign of an accepted token.
            lines = [head + styled(_(": it answered “$said”, and $note."), said=said,
                                   note=_(ACCEPTED_PROBE_NOTE))]
        else:
            lines = [head, literal(said)]
        if record.get("agrees_with_wizard") is False:
            lines.append(styled(_("[b]Disagreement:[/] the wizard's own checks say the "
                                  "opposite, so a rule is missing on one side (or the "
                                  "deployment's configuration differs from the local one).")))
        box = self.query_one(".ask-convex-answer", SafeStatic)
        box.update(Content("\n").join(line for line in lines if line))
        box.set_classes("ask-convex-answer " + ("-ok" if status == "accepted" else "-bad"))
