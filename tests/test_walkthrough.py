"""The walkthrough decides every step's state (SPEC §5) without a UI: real projects in
tmp_path, the local issuer, the Clerk Backend API and Convex stand-ins, the real state file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import NOW, SECRET_KEY, MakeProject
from wizard.checks.model import Check
from wizard.checks.options import Options
from wizard.demo.local_clerk_api import LocalClerkAPI
from wizard.demo.local_convex import LocalConvex
from wizard.demo.local_issuer import LocalIssuer
from wizard.providers.clerk.checks import check_clerk
from wizard.providers.clerk.keys import encode_publishable_key
from wizard.rules.jwt import AuthPath, read_paste
from wizard.services.convex_probe import ProbeStatus, probe_token
from wizard.services.keys import Destinations
from wizard.walkthrough.progress import StepState
from wizard.walkthrough.steps import STEPS
from wizard.walkthrough.walkthrough import EVERY_VIEW, Fetched, Walkthrough

DASHBOARD_STEPS = ("open-dashboard", "create-template", "configure-claims", "save-template")


def walkthrough(root: Path, tmp_path: Path, **options: Any) -> Walkthrough:
    return Walkthrough(Options(project_dir=root, environ={}, timeout=5, **options),
                       state_dir=tmp_path / "state", clock=lambda: float(NOW))


def fetched(root: Path, tmp_path: Path, **options: Any) -> Walkthrough:
    """Started, and the issuer fetched, as the app does at start."""
    wt = walkthrough(root, tmp_path, **options)
    wt.start()
    wt.begin_fetch()
    wt.fetched(wt.fetch())
    return wt


def state_of(wt: Walkthrough, step_id: str) -> StepState:
    return wt.progress.state_of(step_id)


def saved_text(tmp_path: Path) -> str:
    return "\n".join(p.read_text() for p in (tmp_path / "state").rglob("*.json"))


# -- project -----------------------------------------------------------------------------------
def test_the_project_is_verified_once_it_is_read(project: Path, tmp_path: Path) -> None:
    wt = walkthrough(project, tmp_path)
    change = wt.start()
    assert state_of(wt, "project") is StepState.VERIFIED
    assert "project" in change.steps and "project" in change.views
    assert json.loads(saved_text(tmp_path))["progress"]["steps"]["project"]["state"] == "verified"


def test_the_project_fails_with_its_first_failing_check(make_project: MakeProject,
                                                        issuer: LocalIssuer,
                                                        tmp_path: Path) -> None:
    root = make_project(issuer.url, publishable_key=None)
    wt = walkthrough(root, tmp_path)
    wt.start()
    assert state_of(wt, "project") is StepState.FAILING
    assert wt.progress.steps["project"].note.startswith("env.publishable_key: ")


# -- verify-config -----------------------------------------------------------------------------
def test_verify_config_is_verified_only_with_the_live_keys(project: Path, issuer: LocalIssuer,
                                                           tmp_path: Path) -> None:
    wt = walkthrough(project, tmp_path)
    wt.start()
    wt.begin_fetch()
    wt.judge_config()  # while the fetch runs, nothing is decided
    assert state_of(wt, "verify-config") is StepState.PENDING
    change = wt.fetched(wt.fetch())
    assert state_of(wt, "verify-config") is StepState.VERIFIED
    assert wt.progress.steps["verify-config"].note == "2 signing key(s) fetched"
    assert wt.progress.issuer == issuer.url
    assert {"verify-config", "check-token"} <= change.views


def test_verify_config_is_not_verified_offline(project: Path, tmp_path: Path) -> None:
    wt = fetched(project, tmp_path, offline=True)
    assert not any(c.failed for c in wt.config_results)
    assert state_of(wt, "verify-config") is StepState.PENDING


def test_verify_config_fails_on_a_failing_check(make_project: MakeProject, issuer: LocalIssuer,
                                                tmp_path: Path) -> None:
    root = make_project(issuer.url, publishable_key=encode_publishable_key(
        "other-app-42.clerk.accounts.dev"))
    wt = walkthrough(root, tmp_path)
    wt.start()
    wt.begin_fetch()
    wt.judge_config()  # a check fails already, but nothing is decided while the fetch runs
    assert state_of(wt, "verify-config") is StepState.PENDING
    wt.fetched(wt.fetch())
    assert state_of(wt, "verify-config") is StepState.FAILING
    assert "env.issuer_matches_key" in wt.progress.steps["verify-config"].note


def test_verify_config_fails_when_the_fetch_fails(project: Path, tmp_path: Path) -> None:
    wt = walkthrough(project, tmp_path)
    wt.start()
    wt.begin_fetch()
    wt.fetched(Fetched("ConnectError: refused"))
    assert state_of(wt, "verify-config") is StepState.FAILING
    assert wt.progress.steps["verify-config"].note == "ConnectError: refused"


def test_opening_verify_config_judges_it_again_unless_a_fetch_runs(project: Path,
                                                                   tmp_path: Path) -> None:
    wt = walkthrough(project, tmp_path)
    wt.start()
    assert "verify-config" in wt.visit("verify-config").views
    assert wt.visit("open-dashboard").views == frozenset()
    wt.begin_fetch()
    assert wt.visit("verify-config").views == frozenset()


# -- check-token -------------------------------------------------------------------------------
def test_a_token_that_passes_every_check_verifies_check_token(project: Path, issuer: LocalIssuer,
                                                              tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    token = issuer.mint(issuer.template_claims(NOW))
    wt.record_token(read_paste(f'  "Bearer {token}"\n'))
    assert wt.token_verdict is not None and wt.token_verdict.verified
    assert state_of(wt, "check-token") is StepState.VERIFIED
    assert wt.progress.token is not None and wt.progress.token["claims"]["aud"] == "convex"
    written = saved_text(tmp_path)
    assert token not in written and token.split(".")[2] not in written


def test_a_failing_token_makes_check_token_fail(project: Path, issuer: LocalIssuer,
                                                tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    wt.record_token(read_paste(issuer.mint(issuer.template_claims(NOW, aud="other"))))
    assert state_of(wt, "check-token") is StepState.FAILING
    assert "token.aud" in wt.progress.steps["check-token"].note
    assert {row["id"]: row["status"] for row in wt.progress.checks}["token.aud"] == "fail"


def test_a_token_is_judged_by_the_walkthroughs_clock(project: Path, issuer: LocalIssuer,
                                                     tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    wt.clock = lambda: float(NOW + 3600)
    wt.record_token(read_paste(issuer.mint(issuer.template_claims(NOW))))
    assert "token.exp" in wt.progress.steps["check-token"].note


def test_an_empty_paste_judges_nothing(project: Path, tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    assert wt.record_token(read_paste("  \n")).steps == frozenset()
    assert wt.token_verdict is None
    assert state_of(wt, "check-token") is StepState.PENDING


# -- done by the user's word -------------------------------------------------------------------
def test_a_step_the_wizard_verifies_is_never_done_by_word(project: Path, tmp_path: Path) -> None:
    wt = walkthrough(project, tmp_path)
    wt.start()
    for step in STEPS:
        if step.verifiable:
            before = state_of(wt, step.id)
            change = wt.confirm(step.id)
            assert change.refused and change.notices, step.id
            assert state_of(wt, step.id) is before


def test_a_dashboard_step_is_done_by_word(project: Path, tmp_path: Path) -> None:
    wt = walkthrough(project, tmp_path)
    wt.start()
    assert not wt.confirm("open-dashboard").refused
    assert state_of(wt, "open-dashboard") is StepState.CONFIRMED
    assert wt.progress.steps["open-dashboard"].note == "you said it is done"


def test_choosing_how_clerk_makes_the_token_comes_before_its_step(project: Path,
                                                                  tmp_path: Path) -> None:
    wt = walkthrough(project, tmp_path)
    wt.start()
    assert wt.confirm("create-template").refused
    assert state_of(wt, "create-template") is StepState.PENDING
    assert wt.choose_path(AuthPath.TEMPLATE).views == EVERY_VIEW
    assert wt.choose_path(AuthPath.TEMPLATE).views == frozenset()  # no change, nothing to redraw
    wt.confirm("create-template")
    assert state_of(wt, "create-template") is StepState.CONFIRMED
    assert json.loads(saved_text(tmp_path))["progress"]["path"] == "template"


# -- Clerk's side, through the Backend API -----------------------------------------------------
def clerk_findings(wt: Walkthrough, api: LocalClerkAPI) -> list[Check]:
    session = wt.session
    return check_clerk(session.project, session.issuer, session.application_id.value,
                       wt.progress.path, agreed=True, timeout=5,
                       destinations=Destinations(clerk_api_url=api.url)).checks


def test_clerk_side_verifies_the_dashboard_steps_and_word_never_undoes_it(
        app_dir: Path, tmp_path: Path, api: LocalClerkAPI) -> None:
    wt = walkthrough(app_dir, tmp_path)
    wt.start()
    wt.choose_path(AuthPath.TEMPLATE)
    change = wt.record_clerk_side(clerk_findings(wt, api))
    assert set(DASHBOARD_STEPS) <= change.steps
    for step in DASHBOARD_STEPS:
        assert state_of(wt, step) is StepState.VERIFIED, step
    assert wt.progress.steps["open-dashboard"].note.startswith("Clerk's Backend API shows: ")
    wt.confirm("open-dashboard")
    assert state_of(wt, "open-dashboard") is StepState.VERIFIED
    assert SECRET_KEY not in saved_text(tmp_path)


def test_clerk_side_makes_a_step_fail_and_leaves_skipped_ones(app_dir: Path, tmp_path: Path,
                                                              api: LocalClerkAPI) -> None:
    api.scenario("absent")
    wt = walkthrough(app_dir, tmp_path)
    wt.start()
    wt.choose_path(AuthPath.TEMPLATE)
    wt.record_clerk_side(clerk_findings(wt, api))
    assert state_of(wt, "open-dashboard") is StepState.VERIFIED
    assert state_of(wt, "create-template") is StepState.FAILING
    assert wt.progress.steps["create-template"].note == "clerk.template"
    assert state_of(wt, "configure-claims") is StepState.PENDING  # its checks were skipped


# -- user-sync ---------------------------------------------------------------------------------
def test_convex_accepting_a_token_verifies_user_sync(project: Path, issuer: LocalIssuer,
                                                     convex: LocalConvex,
                                                     tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    token = issuer.mint(issuer.template_claims(NOW))
    wt.record_token(read_paste(token))
    answer = probe_token(convex.url, token, timeout=5)
    assert answer.status == ProbeStatus.ACCEPTED
    change = wt.record_convex_answer(answer, wt.token_verdict)
    assert {"check-token", "user-sync"} <= change.views
    assert state_of(wt, "user-sync") is StepState.VERIFIED
    assert wt.progress.convex_answer is not None
    assert wt.progress.convex_answer["agrees_with_wizard"] is True
    assert token not in saved_text(tmp_path)


def test_convex_rejecting_a_token_fails_user_sync_unless_it_is_done(
        project: Path, issuer: LocalIssuer, convex: LocalConvex, tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    bad = issuer.mint(issuer.template_claims(NOW, aud="other"))
    rejected = probe_token(convex.url, bad, timeout=5)
    assert rejected.status == ProbeStatus.REJECTED
    wt.record_convex_answer(rejected, None)
    assert state_of(wt, "user-sync") is StepState.FAILING
    wt.confirm("user-sync")
    wt.record_convex_answer(rejected, None)
    assert state_of(wt, "user-sync") is StepState.CONFIRMED


def test_no_verdict_from_convex_leaves_user_sync_alone(project: Path, issuer: LocalIssuer,
                                                       closed_port: int,
                                                       tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    answer = probe_token(f"http://127.0.0.1:{closed_port}",
                         issuer.mint(issuer.template_claims(NOW)), timeout=5)
    assert answer.status == ProbeStatus.INCONCLUSIVE
    wt.record_convex_answer(answer, None)
    assert state_of(wt, "user-sync") is StepState.PENDING


def test_a_log_line_that_shows_the_identity_confirms_user_sync(project: Path,
                                                               tmp_path: Path) -> None:
    wt = walkthrough(project, tmp_path)
    wt.start()
    wt.diagnosed("check-token")  # a diagnosis that points elsewhere changes nothing
    assert state_of(wt, "check-token") is StepState.PENDING
    wt.diagnosed("user-sync")
    assert state_of(wt, "user-sync") is StepState.CONFIRMED
    assert wt.progress.steps["user-sync"].note == "a pasted log line showed the identity"


# -- resuming, restarting, reading again ---------------------------------------------------------
def test_resuming_demotes_a_verified_step_whose_checks_now_fail(make_project: MakeProject,
                                                                issuer: LocalIssuer,
                                                                tmp_path: Path) -> None:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key)
    fetched(root, tmp_path)
    (root / ".env.local").write_text(f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}\n")
    wt = walkthrough(root, tmp_path)
    change = wt.start()
    assert state_of(wt, "project") is StepState.FAILING
    assert any(n.text.startswith("Resumed") for n in change.notices)
    assert any(n.text.startswith("Read the project: env.publishable_key") for n in change.notices)


def test_resuming_against_another_issuer_sends_verified_steps_back(
        make_project: MakeProject, issuer: LocalIssuer, tmp_path: Path) -> None:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key)
    first = fetched(root, tmp_path)
    first.record_token(read_paste(issuer.mint(issuer.template_claims(NOW))))
    assert state_of(first, "check-token") is StepState.VERIFIED
    saved = json.loads(saved_text(tmp_path))
    saved["progress"]["issuer"] = "https://old-app.clerk.accounts.dev"
    next((tmp_path / "state").rglob("*.json")).write_text(json.dumps(saved))
    wt = walkthrough(root, tmp_path)
    notices = [n.text for n in wt.start().notices]
    for step in ("verify-config", "check-token"):
        assert state_of(wt, step) is StepState.FAILING, step
        assert "issuer changed from https://old-app.clerk.accounts.dev" in \
            wt.progress.steps[step].note
    assert any("issuer changed" in line for line in notices)


def test_resuming_compares_the_issuer_as_a_url(make_project: MakeProject, issuer: LocalIssuer,
                                               tmp_path: Path) -> None:
    """A trailing slash is not another issuer (Convex drops it when it compares)."""
    root = make_project(issuer.url, publishable_key=issuer.publishable_key)
    fetched(root, tmp_path)
    env = root / ".env.local"
    env.write_text(env.read_text().replace(issuer.url, issuer.url + "/"))
    wt = walkthrough(root, tmp_path)
    notices = [n.text for n in wt.start().notices]
    assert not any("issuer changed" in line for line in notices), notices
    assert state_of(wt, "verify-config") is StepState.VERIFIED


def test_starting_over_keeps_a_backup(project: Path, tmp_path: Path) -> None:
    first = walkthrough(project, tmp_path)
    first.start()
    first.confirm("open-dashboard")
    again = walkthrough(project, tmp_path)
    change = again.start(restart=True)
    assert state_of(again, "open-dashboard") is StepState.PENDING
    [backup] = list((tmp_path / "state" / "projects").glob("*.bak-*"))
    assert change.notices[0].text == (f"Started over; the old progress was kept in {backup} "
                                      "(convex-auth-wizard reset removes it).")


def test_reading_again_keeps_the_path_and_sees_edited_files(make_project: MakeProject,
                                                            issuer: LocalIssuer,
                                                            tmp_path: Path) -> None:
    root = make_project(issuer.url, publishable_key=None)
    wt = walkthrough(root, tmp_path)
    wt.start()
    wt.choose_path(AuthPath.INTEGRATION)
    assert state_of(wt, "project") is StepState.FAILING
    with (root / ".env.local").open("a") as env:
        env.write(f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\n")
    change = wt.rerun()
    assert state_of(wt, "project") is StepState.VERIFIED
    assert wt.progress.path == "integration"
    assert change.views >= EVERY_VIEW


# -- tokens got without a paste (issue 15 §3) ---------------------------------------------------
def evidence(issuer: LocalIssuer, *claims: dict[str, Any], signed_in: bool = True,
             source: str = "mint") -> Any:
    from wizard.walkthrough.evidence import EvidenceSource, TokenEvidence

    return TokenEvidence(EvidenceSource(source),
                         tuple((read_paste(issuer.mint(c)), AuthPath.TEMPLATE) for c in claims),
                         signed_in=signed_in)


def test_a_verified_template_token_proves_the_dashboard_steps_and_names_its_evidence(
        project: Path, issuer: LocalIssuer, tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    change = wt.record_tokens(evidence(issuer, issuer.template_claims(NOW)))
    assert wt.progress.path is AuthPath.TEMPLATE
    for step in (*DASHBOARD_STEPS, "check-clerk", "check-token"):
        assert state_of(wt, step) is StepState.VERIFIED, step
    assert set(DASHBOARD_STEPS) <= change.steps
    assert wt.progress.steps["open-dashboard"].note == (
        "tokens minted through Clerk's Backend API: a template token passed every check")
    assert issuer.mint(issuer.template_claims(NOW)).split(".")[2] not in saved_text(tmp_path)


def test_a_created_session_does_not_prove_a_signed_in_user(project: Path, issuer: LocalIssuer,
                                                           tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    wt.record_tokens(evidence(issuer, issuer.template_claims(NOW), signed_in=False))
    assert state_of(wt, "check-token") is StepState.VERIFIED
    assert state_of(wt, "check-clerk") is not StepState.VERIFIED


def test_a_token_that_fails_proves_no_dashboard_step(project: Path, issuer: LocalIssuer,
                                           tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    wt.record_tokens(evidence(issuer, issuer.template_claims(NOW - 3600)))  # expired
    assert state_of(wt, "check-token") is StepState.FAILING
    for step in DASHBOARD_STEPS:
        assert state_of(wt, step) is not StepState.VERIFIED, step


def test_a_token_of_the_other_path_does_not_prove_the_chosen_one(
        project: Path, issuer: LocalIssuer, tmp_path: Path) -> None:
    wt = fetched(project, tmp_path)
    wt.choose_path(AuthPath.INTEGRATION)
    wt.record_tokens(evidence(issuer, issuer.template_claims(NOW)))
    assert wt.progress.path is AuthPath.INTEGRATION
    for step in DASHBOARD_STEPS:
        assert state_of(wt, step) is not StepState.VERIFIED, step
