"""The walkthrough: when each step is done, decided from evidence (SPEC §5), with no UI.

A :class:`Walkthrough` owns the session (what is known about the project), the progress (each
step's state), the state store and the clock. Every rule of SPEC §5 is one of its methods: a
step the wizard can verify is done only by verification, a dashboard step by the user's word,
and a verified step never drops to "your word". Each method that changes something saves the
progress and returns a :class:`Change`: the steps whose state changed, the views to redraw and
the notices to show. The UI calls these methods and draws what they return; :meth:`fetch`,
the slow part, is called from a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from wizard.checks.catalog import position
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.records import record
from wizard.rules.jwt import AuthPath, DecodedToken
from wizard.text.messages import N_, _
from wizard.walkthrough.evidence import PROVEN_BY_A_VERIFIED_TOKEN, TokenEvidence
from wizard.walkthrough.progress import Progress, StepState
from wizard.walkthrough.resume import recheck_on_resume
from wizard.walkthrough.session import Session, load
from wizard.walkthrough.state import StateStore
from wizard.walkthrough.steps import STEP_IDS, step_by_id

if TYPE_CHECKING:
    # The token and Convex checks are imported where a token or an answer is judged, so
    # that the wizard's first frame does not wait for them.
    from wizard.checks.token_checks import TokenVerdict
    from wizard.services.convex_probe import ConvexAnswer

Severity = Literal["information", "warning", "error"]
EVERY_VIEW = frozenset({"*"})
"""A :attr:`Change.views` that asks for every view to be redrawn."""


@record(frozen=True)
class Notice:
    """One line for the user, shown once."""

    text: str
    severity: Severity = "information"
    timeout: float = 6.0


@record(frozen=True)
class Change:
    """What a walkthrough call changed: the steps whose state may have changed, the views
    (step ids, or :data:`EVERY_VIEW`) whose content did, and what to tell the user."""

    steps: frozenset[str] = frozenset()
    views: frozenset[str] = frozenset()
    notices: tuple[Notice, ...] = ()
    refused: bool = False
    """The call was refused (its notice says why); nothing changed."""

    def __or__(self, other: Change) -> Change:
        return Change(self.steps | other.steps, self.views | other.views,
                      self.notices + other.notices, self.refused or other.refused)


@record(frozen=True)
class Fetched:
    """What the slow part brought back: why it failed, or the deployment's providers check."""

    error: str | None
    providers: Check | None = None
    app: list[Check] | None = None
    """The app.* checks, read in the same thread (reading the code is not for the first
    frame); None when reading them failed."""


def internal_error(what: str, exc: Exception) -> Notice:
    """An engine bug shows as a message and a failing step, never as a crash."""
    return Notice(_("Internal error in {what}: {error}: {message}. Please report it.",
                    what=_(what), error=type(exc).__name__, message=exc), "error", 10)


def step_verdicts(checks: Iterable[Check]) -> dict[str, tuple[StepState, str]]:
    """Each dashboard step the provider's API checks cover: failing if one fails, verified if
    one passes and none fails; a step whose checks all skip or warn is left as it is."""
    checks = list(checks)
    verdicts: dict[str, tuple[StepState, str]] = {}
    for step in dict.fromkeys(c.step for c in checks):
        mine = [c for c in checks if c.step == step]
        failed = [c.id for c in mine if c.status is Status.FAIL]
        if failed:
            verdicts[step] = (StepState.FAILING, ", ".join(failed))
        elif any(c.status is Status.PASS for c in mine):
            titles = ", ".join(c.title for c in mine if c.status is Status.PASS)
            verdicts[step] = (StepState.VERIFIED, _("Clerk's Backend API shows: {titles}",
                                                    titles=titles))
    return verdicts


class Walkthrough:
    """The steps of one project and the evidence behind them; see the module's docstring."""

    def __init__(self, options: Options, *, state_dir: Path | None,
                 clock: Callable[[], float]) -> None:
        self.session: Session = load(options)
        self.state_dir = state_dir
        self.clock = clock
        self.progress = Progress(started_at=clock(), updated_at=clock())
        self.store: StateStore | None = None
        self.fetching = False
        self.fetch_error: str | None = None
        self.project_results: list[Check] = []
        self.config_results: list[Check] = []
        self.app_results: list[Check] = []
        self.providers_result: Check | None = None
        """``convex.deployed_providers``, asked once per fetch."""
        self.token_verdict: TokenVerdict | None = None

    @property
    def options(self) -> Options:
        return self.session.options

    # -- starting ------------------------------------------------------------------------
    def token_line(self) -> str:
        """The browser-console line that prints the token Convex receives on the chosen path."""
        return "console.log(" + self.session.provider.token_snippet(self.progress.path) + ")"

    def console_check(self) -> str:
        """The console lines that show the provider is loaded, then print the token."""
        return self.session.provider.console_check(self.progress.path)

    def start(self, restart: bool = False) -> Change:
        """Open the saved progress (or start over, keeping a backup), re-judge what a resumed
        "done" rests on, and judge the project."""
        self.store = StateStore(self.session.project.root, self.state_dir,
                                secrets=self.session.secrets())
        notices: list[Notice] = []
        if restart:
            backup, problem = self.store.restart()
            if problem is not None:
                notices.append(Notice(problem, "warning"))
            elif backup is not None:
                notices.append(Notice(_("Started over; the old progress was kept in {path} "
                                        "(convex-auth-wizard reset removes it).",
                                        path=backup), timeout=12))
            else:
                notices.append(Notice(_("Started over; there was no saved progress to keep.")))
        else:
            loaded = self.store.load()
            if loaded.notice:
                notices.append(Notice(loaded.notice))
            if loaded.progress is not None:
                self.progress = loaded.progress
                notices += [Notice(line) for line in recheck_on_resume(self.progress,
                                                                       self.session)]
        return Change(frozenset(STEP_IDS), notices=tuple(notices)) | self.judge_project()

    def rerun(self) -> Change:
        """Read the project again (edited .env files, auth.config) and judge it; the caller
        fetches again."""
        self.session = load(self.session.options)
        if self.store is not None:
            self.store.secrets = self.session.secrets()
        change = self.judge_project()
        if self.app_results:
            change |= self.judge_app_code()
        return change | Change(views=EVERY_VIEW,
                               notices=(Notice(_("Checking again…"), timeout=2),))

    # -- the project and the configuration ------------------------------------------------
    def judge_project(self) -> Change:
        """``project``: verified when the project's checks pass, else failing with the first
        that fails."""
        notices: tuple[Notice, ...] = ()
        try:
            checks = self.session.project_checks()
        except Exception as exc:  # an engine bug must show as a failing step, never a crash
            notices, checks = (internal_error(N_("the project checks"), exc),), []
        self.project_results = checks
        failed = [c for c in checks if c.failed]
        if failed:
            self._set("project", StepState.FAILING, f"{failed[0].id}: {failed[0].detail}")
        else:
            self._set("project", StepState.VERIFIED, _("the project was read"))
        return self._saved(Change(frozenset({"project"}), frozenset({"project"}), notices))

    def visit(self, step_id: str) -> Change:
        """The user opened a step. verify-config is re-judged from what is known now (unless a
        fetch is running), so a resumed "done" never outlives a changed project."""
        change = Change()
        if step_id in STEP_IDS and self.progress.current_step != step_id:
            self.progress.current_step = step_id  # a resume opens it again
            change = self._saved(change)
        if step_id == "verify-config" and not self.fetching:
            return change | self.judge_config()
        if step_id == "app-code":
            return change | self.judge_app_code()
        return change

    def begin_fetch(self) -> Change:
        self.fetching = True
        self.fetch_error = None
        self.providers_result = None
        return Change(views=frozenset({"verify-config"}))

    def fetch(self) -> Fetched:
        """The slow part, blocking (call it from a thread): the deployment's variable, the
        issuer's keys, and the deployment's providers when there is a deploy key (it goes
        only to its own deployment or a host the user named). Never raises."""
        try:
            from wizard.checks.convex_checks import providers_check

            self.session.fetch()
            providers = providers_check(self.session)
        except Exception as exc:  # the engine should not raise; if it does, say so
            return Fetched(f"{type(exc).__name__}: {exc}")
        try:
            app = self.session.app_checks(self.progress.path)
        except Exception:  # judge_app_code reads it again on the step and says what failed
            app = None
        return Fetched(None, providers, app)

    def fetched(self, result: Fetched) -> Change:
        """Back on the caller's thread: judge the configuration with what was fetched."""
        self.fetching = False
        self.fetch_error = result.error
        self.providers_result = result.providers
        change = self.judge_config() | Change(views=frozenset({"check-token"}))
        if result.app is not None:
            change |= self.judge_app_code(result.app)
        return change

    def judge_config(self) -> Change:
        """``verify-config``: verified only when every env.*, convex.* and issuer.* check
        passes and the live JWKS was fetched; failing when a check fails or the fetch did;
        left as it is while the fetch runs."""
        step = frozenset({"verify-config"})
        try:
            checks = self.session.config_checks(self.progress.path)
        except Exception as exc:  # an engine bug must show as a failing step, never a crash
            self._set("verify-config", StepState.FAILING, _("internal error: {error}", error=exc))
            return self._saved(Change(step, notices=(
                internal_error(N_("the configuration checks"), exc),)))
        if self.providers_result is not None:
            from wizard.checks.convex_checks import with_providers_check

            checks = with_providers_check(checks, self.providers_result)
        self.config_results = checks
        self._remember(self.project_results + checks)
        if not self.fetching:
            failed = [c for c in checks if c.failed]
            keys = self.session.keys
            if self.fetch_error:
                self._set("verify-config", StepState.FAILING, self.fetch_error)
            elif failed:
                self._set("verify-config", StepState.FAILING, ", ".join(c.id for c in failed))
            elif keys is not None and keys.usable:
                self._remember_issuer()
                self._set("verify-config", StepState.VERIFIED,
                          _("{count} signing key(s) fetched", count=len(keys.keys)))
        return self._saved(Change(step, step))

    def judge_app_code(self, checks: list[Check] | None = None) -> Change:
        """``app-code``: verified when the app's code was read and no app.* check fails
        (warnings do not block), or when there is no app code to read (the note says so);
        failing with the checks that fail. ``checks``: as read by
        :meth:`fetch` (else they are read now)."""
        step = frozenset({"app-code"})
        try:
            if checks is None:
                checks = self.session.app_checks(self.progress.path)
        except Exception as exc:  # an engine bug must show as a failing step, never a crash
            self._set("app-code", StepState.FAILING, _("internal error: {error}", error=exc))
            return self._saved(Change(step, step, (internal_error(N_("the app-code checks"),
                                                                  exc),)))
        self.app_results = checks
        self._remember(checks)
        failed = [c for c in checks if c.failed]
        if failed:
            self._set("app-code", StepState.FAILING, ", ".join(c.id for c in failed))
        elif all(c.status is Status.SKIP for c in checks):
            # Nothing there can fail (a backend-only folder, an app in another package): the
            # step must not block the setup forever; its note says why it passed.
            self._set("app-code", StepState.VERIFIED, _("no app code was found to check"))
        else:
            self._set("app-code", StepState.VERIFIED, _("the app's code was read: no check fails"))
        return self._saved(Change(step, step))

    # -- evidence -------------------------------------------------------------------------
    def record_token(self, token: DecodedToken | None) -> Change:
        """``check-token``: verified only when a pasted token (decoded once, by
        :func:`~wizard.rules.jwt.read_paste`) passes every token.* check, else failing with
        the checks that did not pass. The token is never kept: only the verdict (and, for a
        verified token, its decoded header and claims) is."""
        view = frozenset({"check-token"})
        if token is None or not token.raw:
            self.token_verdict = None
            return Change(views=view)
        from wizard.checks.token_checks import TokenVerdict

        notices: tuple[Notice, ...] = ()
        try:
            verdict = self.session.verify(token, self.progress.path, now=self.clock())
        except Exception as exc:  # verify_token promises not to raise; never crash if it does
            notices, verdict = (internal_error(N_("the token checks"), exc),), TokenVerdict()
        self.token_verdict = verdict
        self._remember(verdict.checks)
        if verdict.verified:
            self.progress.token = verdict.to_dict()
            self._remember_issuer()
            kind = verdict.kind.kind.value if verdict.kind else "token"
            self._set("check-token", StepState.VERIFIED, _("a {kind} token passed every check",
                                                            kind=kind))
        else:
            failed = [c.id for c in verdict.checks if c.status in (Status.FAIL, Status.SKIP)]
            self._set("check-token", StepState.FAILING, ", ".join(failed))
        return self._saved(Change(view, view, notices))

    def record_tokens(self, evidence: TokenEvidence) -> Change:
        """Tokens got without a paste. Each is judged as a pasted one; the one of the chosen
        path (when none is chosen yet, the first verified one chooses it) becomes the
        ``check-token`` verdict through :meth:`record_token`. A verified one proves the
        dashboard steps (:data:`~wizard.walkthrough.evidence.PROVEN_BY_A_VERIFIED_TOKEN`);
        a signed-in user's tokens prove ``check-clerk``. Each note names the evidence."""
        if not evidence.tokens:
            return Change()
        verified = [path for token, path in evidence.tokens
                    if self.session.verify(token, path, now=self.clock()).verified]
        if self.progress.path is None and verified:
            self.progress.path = verified[0]
        token = next((token for token, path in evidence.tokens if path == self.progress.path),
                     evidence.tokens[0][0])
        change = self.record_token(token)
        source = _(evidence.source.label)
        proven: set[str] = set()
        if self.progress.path in verified:
            note = _("{source}: a {path} token passed every check",
                     source=source, path=self.progress.path.value)
            for step in PROVEN_BY_A_VERIFIED_TOKEN:
                self._set(step, StepState.VERIFIED, note)
            proven.update(PROVEN_BY_A_VERIFIED_TOKEN)
        if evidence.signed_in:
            self._set("check-clerk", StepState.VERIFIED,
                      _("{source}: Clerk has a signed-in user", source=source))
            proven.add("check-clerk")
        return change | self._saved(Change(frozenset(proven), EVERY_VIEW))

    def record_convex_answer(self, answer: ConvexAnswer, verdict: TokenVerdict | None) -> Change:
        """Convex's own answer to a token: accepted makes ``user-sync`` verified; rejected
        makes it failing unless it is already done. The answer is kept, never the token."""
        from wizard.checks.convex_checks import (
            ConvexReport,
            accepts_token_check,
            agreement,
            deployment_target,
        )
        from wizard.services.convex_probe import ProbeStatus

        agrees = agreement(answer, verdict)
        self.progress.convex_answer = {**answer.to_dict(), "agrees_with_wizard": agrees}
        asked = ConvexReport(url=deployment_target(self.session), answer=answer, agrees=agrees)
        self._remember([accepts_token_check(self.session, asked, verdict)])
        if answer.status is ProbeStatus.ACCEPTED:
            self._set("user-sync", StepState.VERIFIED, _("Convex accepted a token ({url})",
                                                          url=answer.url))
        elif answer.status is ProbeStatus.REJECTED and not self.progress.state_of("user-sync").done:
            self._set("user-sync", StepState.FAILING, _("Convex rejected a token: {code}",
                                                         code=answer.code))
        return self._saved(Change(frozenset({"user-sync"}),
                                  frozenset({"check-token", "user-sync"})))

    def record_clerk_side(self, checks: list[Check]) -> Change:
        """The clerk.* checks, read through Clerk's Backend API: the dashboard steps they
        cover become verified or failing (:func:`step_verdicts`)."""
        self._remember(checks)
        verdicts = step_verdicts(checks)
        for step, (state, note) in verdicts.items():
            self._set(step, state, note)
        return self._saved(Change(frozenset(verdicts)))

    def confirm(self, step_id: str) -> Change:
        """Done by the user's word: refused for a step the wizard verifies itself, and for
        create-template until a path is chosen; a verified step stays verified."""
        step = step_by_id(step_id)
        if step.verifiable:
            return Change(notices=(Notice(_("The wizard marks this step done only when it "
                                            "verifies it."), "warning", 4),), refused=True)
        if step.id == "create-template" and self.progress.path is None:
            return Change(notices=(Notice(_("Choose one of the two paths first (tab to the "
                                            "choice, enter)."), "warning", 4),), refused=True)
        if self.progress.state_of(step.id) is StepState.VERIFIED:
            return Change()
        self._set(step.id, StepState.CONFIRMED, _("you said it is done"))
        return self._saved(Change(frozenset({step.id})))

    def diagnosed(self, step_id: str) -> Change:
        """A pasted log line was diagnosed; one that shows the identity confirms user-sync."""
        if step_id != "user-sync" or self.progress.state_of(step_id) is StepState.VERIFIED:
            return Change()
        self._set(step_id, StepState.CONFIRMED, _("a pasted log line showed the identity"))
        return self._saved(Change(frozenset({step_id})))

    def choose_path(self, path: AuthPath) -> Change:
        """How Clerk makes the token (integration or template): later steps show what fits."""
        if self.progress.path == path:
            return Change()
        self.progress.path = path
        return self._saved(Change(views=EVERY_VIEW))

    # -- what the user agreed to ----------------------------------------------------------
    def agree_deployment(self, url: str) -> None:
        """The user agreed, in a dialog naming ``url``, that the deploy key may go there:
        for this run only, never saved. The caller fetches again."""
        self._set_options(replace(self.options,
                                  destinations=self.options.destinations.agree_deployment(url)))

    def agree_clerk_api(self, url: str) -> None:
        """The same for the Clerk secret key and a Backend API host other than Clerk's."""
        self._set_options(replace(self.options,
                                  destinations=self.options.destinations.agree_clerk_api(url)))

    # -- keeping it ---------------------------------------------------------------------
    def _set_options(self, options: Options) -> None:
        self.session.options = options

    def _set(self, step_id: str, state: StepState, note: str) -> None:
        self.progress.set(step_id, state, note, at=self.clock())

    def _remember(self, checks: Iterable[Check]) -> None:
        """Keep the latest result of each check in ``progress.checks`` (saved, and printed by
        the report), in catalog order."""
        latest = {row.get("id", ""): row for row in self.progress.checks}
        latest.update((c.id, c.to_dict()) for c in checks)
        self.progress.checks = sorted(latest.values(),
                                      key=lambda row: position(row.get("id", "")))

    def _remember_issuer(self) -> None:
        issuer = self.session.issuer
        self.progress.issuer = issuer.fetch_url if issuer else None

    def _saved(self, change: Change) -> Change:
        """Save; a failure, or another wizard's progress merged in, is one more notice (the
        merge may have changed any step)."""
        if self.store is None:
            return change
        notice = self.store.save(self.progress)
        if notice is None:
            return change
        return change | Change(frozenset(STEP_IDS), notices=(Notice(notice, "warning"),))
