"""Clerk's side, verified through the Backend API: asks before the secret key is used, runs
the clerk.* checks in a thread and shows them (the app's walkthrough decides what they mean
for the dashboard steps), and offers to create a missing ``convex`` template (showing exactly
what would be sent)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button

from screens.dialogs.clerk_dialogs import CreateTemplateOffer, SecretKeyAgreement
from screens.host import home_prefix, host
from screens.messages import ClerkChecked, HostAgreed
from screens.widgets.checks import CheckList
from screens.widgets.safe_static import SafeStatic
from wizard.output.fix_text import refusal
from wizard.providers.clerk.api import (
    DEFAULT_API_URL,
    resolve_api_url,
)
from wizard.providers.clerk.checks import (
    ClerkFindings,
    api_root,
    check_clerk,
    find_secret_key,
)
from wizard.services.keys import Destinations, clerk_secret_key_credential
from wizard.text.messages import N_, _
from wizard.walkthrough.walkthrough import Notice, Walkthrough, internal_error


class TemplateCreated(Message):
    def __init__(self, problem: str | None) -> None:
        super().__init__()
        self.problem = problem
        """Why the template was not created; None when it was."""


class ClerkSidePanel(Vertical):
    """Lives in a step pane; everything it sends is agreed to first."""

    DEFAULT_CSS = """
    ClerkSidePanel { height: auto; margin: 1 0; }
    ClerkSidePanel Horizontal { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agreed_for: str | None = None  # the Backend API the user agreed to, this run
        self.offered = False
        self.busy = False
        self.findings: ClerkFindings | None = None

    @property
    def walkthrough(self) -> Walkthrough:
        return host(self).walkthrough

    def tell(self, notice: Notice) -> None:
        self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)

    def compose(self) -> ComposeResult:
        yield SafeStatic("", id="clerk-side-intro", classes="callout")
        with Horizontal(classes="buttons"):
            yield Button(_("Check Clerk's side"), id="clerk-side-check")
            yield Button(_("Create the convex template…"), id="clerk-side-create")
        yield CheckList(id="clerk-side-checks")

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        key = find_secret_key(self.walkthrough.session.project)
        check_button = self.query_one("#clerk-side-check", Button)
        create_button = self.query_one("#clerk-side-create", Button)
        create_button.display = bool(self.findings and self.findings.can_create_template)
        check_button.disabled = self.busy
        if key is None:
            text = _("To let the wizard verify the dashboard steps itself, put the app's "
                     "CLERK_SECRET_KEY in .env.local (a server-side variable, never VITE_ or "
                     "NEXT_PUBLIC_). It is used only after you agree.")
        elif self.busy:
            text = _("Asking Clerk's Backend API…")
        elif self.findings is None:
            text = _("Found CLERK_SECRET_KEY in {source} ({redacted}). The wizard can read your "
                     "Clerk instance with it to verify the dashboard steps; it asks before "
                     "sending anything.", source=key.source, redacted=key.redacted)
        else:
            failed = sum(c.failed for c in self.findings.checks)
            text = (_("Clerk's side: every check passes.") if not failed else
                    _("Clerk's side: {count} check(s) fail; each says what to fix.",
                      count=failed))
        self.query_one("#clerk-side-intro", SafeStatic).update(text)

    # -- checking ---------------------------------------------------------------------------
    @on(Button.Pressed, "#clerk-side-check")
    def check_pressed(self) -> None:
        key = find_secret_key(self.walkthrough.session.project)
        self.refresh_view()  # the .env files may have changed since (r re-reads them)
        if key is None:
            self.notify(_("No CLERK_SECRET_KEY in the project's .env files; add it (a "
                          "server-side variable) and press r to read them again."),
                        severity="warning", timeout=8)
            return
        if self.busy:
            return
        destinations = self.walkthrough.options.destinations
        api = api_root(self.walkthrough.session.project, destinations)
        if self.agreed_for == api.value:
            self.start_check()
            return
        base = resolve_api_url(api.value)[0]
        credential = clerk_secret_key_credential(key.value, key.source, destinations)
        self.app.push_screen(
            SecretKeyAgreement(redacted=key.redacted, source=key.source, api_url=base,
                               api_source=api.source, foreign=not credential.admits(base)),
            lambda yes: self._agreement_answered(yes, api.value))

    def _agreement_answered(self, yes: bool | None, api_url: str) -> None:
        if not yes:
            self.query_one("#clerk-side-intro", SafeStatic).update(_(
                "The secret key was not used; nothing was sent. Mark the dashboard steps done "
                "by your word instead (d)."))
            return
        destinations = self.walkthrough.options.destinations
        if api_url != DEFAULT_API_URL:  # the user saw this host named, and said yes to it
            self.post_message(HostAgreed("clerk-secret-key", api_url))
            destinations = destinations.agree_clerk_api(api_url)
        self.agreed_for = api_url
        self.start_check(destinations)

    def start_check(self, destinations: Destinations | None = None) -> None:
        self.busy = True
        self.refresh_view()
        self.check_worker(destinations or self.walkthrough.options.destinations)

    @work(thread=True, exclusive=True, group="clerk-side", exit_on_error=False)
    def check_worker(self, destinations: Destinations) -> None:
        walkthrough = self.walkthrough
        session, path = walkthrough.session, walkthrough.progress.path
        try:
            findings = check_clerk(session.project, session.issuer,
                                   session.application_id.value, path,
                                   agreed=self.agreed_for is not None,
                                   destinations=destinations, timeout=session.options.timeout)
        except Exception as exc:  # the checks should not raise; if they do, never crash
            findings = ClerkFindings([], path=path)
            self.app.call_from_thread(self.tell, internal_error(N_("the Clerk checks"), exc))
        self.post_message(ClerkChecked(findings))

    @on(ClerkChecked)
    def checked(self, message: ClerkChecked) -> None:
        """Shown here; the message goes on to the app, whose walkthrough keeps the checks
        (the report prints them) and marks the dashboard steps they verify."""
        self.busy = False
        self.findings = message.findings
        checks = self.query_one("#clerk-side-checks", CheckList)
        checks.shorten = home_prefix()
        checks.show(message.findings.checks)
        self.refresh_view()
        if message.findings.can_create_template and not self.offered:
            self.offered = True
            self.offer_template()

    # -- the offer ---------------------------------------------------------------------------
    @on(Button.Pressed, "#clerk-side-create")
    def offer_template(self) -> None:
        session = self.walkthrough.session
        url, body = session.provider.template_request(session)
        domains = self.findings.side.domains if self.findings and self.findings.side else []
        instance = ", ".join(d.host for d in domains) or _("your instance")
        self.app.push_screen(CreateTemplateOffer(url=url, body=body, instance=instance),
                             self._offer_answered)

    def _offer_answered(self, yes: bool | None) -> None:
        if not yes:
            self.notify(_("Nothing was sent. Create the template in Clerk Dashboard → JWT "
                          "templates → New template → Convex."), timeout=6)
            return
        self.busy = True
        self.refresh_view()
        self.create_worker()

    @work(thread=True, exclusive=True, group="clerk-side", exit_on_error=False)
    def create_worker(self) -> None:
        # Through the fix engine, as `fix --use-secret-key` makes it: the request is recorded
        # with the other fixes of the project, and the key goes where keys.py allows.
        from wizard.fixes import FixPlan, FixReason, RemoteFix, apply_fixes

        session = self.walkthrough.session
        provider = session.provider
        try:
            url, body = provider.template_request(session)
            plan = FixPlan(provider.template_check, FixReason.TEMPLATE_CREATED,
                           {"url": url, "name": str(body["name"])},
                           remote=RemoteFix("POST", url, body))
            report = apply_fixes(session.project.root, [plan], offline=False,
                                 state_dir=self.walkthrough.state_dir,
                                 send=lambda _request: provider.create_template(session))
        except Exception as exc:  # never crash the UI on an engine bug
            self.app.call_from_thread(self.tell, internal_error(N_("creating the template"), exc))
            return
        [outcome] = report.outcomes
        problem = None
        if not outcome.applied and outcome.refusal is not None:
            problem = refusal(outcome.refusal, outcome.values).render()
        self.post_message(TemplateCreated(problem))

    @on(TemplateCreated)
    def created(self, message: TemplateCreated) -> None:
        if message.problem is not None:
            self.busy = False
            self.refresh_view()
            self.notify(_("The template was not created: {problem}", problem=message.problem),
                        severity="error", timeout=10)
            return
        self.notify(_("Created the JWT template convex in Clerk. Checking again…"), timeout=6)
        self.check_worker(self.walkthrough.options.destinations)
