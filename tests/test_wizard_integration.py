"""The wizard's parts working together: the deployed providers on the verify-config step,
every check the UI ran saved for the report (token, Clerk side, Convex's answer), and one
verification path (``Session.verify``) for the CLI and the UI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Static, TextArea

from screens.app import WizardApp
from screens.messages import PathChosen, TokenPasted
from screens.run import build_app
from screens.widgets.checks import CheckList
from screens.widgets.copyable import Copyable
from tests.conftest import DEPLOY_KEY, NOW, SECRET_KEY, WEBHOOK_SECRET, MakeProject
from tests.ui_support import make_app, settle
from wizard import cli
from wizard.checks.model import Status
from wizard.checks.options import Options
from wizard.demo.local_clerk_api import LocalClerkAPI
from wizard.demo.local_convex import LocalConvex, oidc
from wizard.demo.local_issuer import LocalIssuer
from wizard.guards.state_dir import STATE_DIR_ENV
from wizard.output.report import (
    ACCEPTED_PROBE_NOTE,
    build_report,
    export_markdown,
    render_json,
    render_markdown,
)
from wizard.rules.jwt import AuthPath, read_paste
from wizard.services.keys import Destinations
from wizard.walkthrough.progress import StepState
from wizard.walkthrough.session import load

SIZE = (120, 40)


def write_project(make_project: MakeProject, issuer: LocalIssuer, convex: LocalConvex, *,
                  key: str | None = DEPLOY_KEY, api_url: str | None = None) -> Path:
    lines = [f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}",
             f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}", f"CLERK_SECRET_KEY={SECRET_KEY}",
             f"CLERK_WEBHOOK_SECRET={WEBHOOK_SECRET}", f"VITE_CONVEX_URL={convex.url}"]
    if key is not None:
        lines.append(f"CONVEX_DEPLOY_KEY={key}")
    if api_url is not None:
        lines.append(f"CLERK_API_URL={api_url}")
    return make_project(issuer.url, env_local="\n".join(lines) + "\n")


def named(convex: LocalConvex) -> Destinations:
    """The stand-in deployment, named as with ``convex-auth-wizard --deployment-url``."""
    return Destinations(deployment_url=convex.url)


def shown_ids(app: WizardApp) -> dict[str, Status]:
    return {c.id: c.status for c in app.query_one("#config-checks", CheckList).checks}


def saved_text(state_dir: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in state_dir.rglob("*") if p.is_file())


# -- convex.deployed_providers on the verify-config step -------------------------------------


async def test_verify_config_shows_the_deployed_providers(
        make_project: MakeProject, issuer: LocalIssuer, convex: LocalConvex,
        tmp_path: Path) -> None:
    root = write_project(make_project, issuer, convex)
    state_dir = tmp_path / "state"
    app = make_app(root, state_dir, destinations=named(convex))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("verify-config")
        await pilot.pause()
        assert shown_ids(app)["convex.deployed_providers"] is Status.PASS
        assert app.walkthrough.progress.state_of("verify-config") is StepState.VERIFIED
        # the key alone went to the deployment; no token, no other request
        assert convex.requests == [("POST", "/api/query", "Convex")]
        screen = app.export_screenshot()
    saved = {c["id"]: c["status"] for c in app.walkthrough.progress.checks}
    assert saved["convex.deployed_providers"] == "pass"
    for text in (screen, saved_text(state_dir)):
        assert DEPLOY_KEY not in text and DEPLOY_KEY.split("|")[1] not in text
        assert SECRET_KEY not in text and WEBHOOK_SECRET not in text


async def test_providers_never_pushed_make_the_step_fail_with_the_fix(
        make_project: MakeProject, issuer: LocalIssuer, convex: LocalConvex,
        tmp_path: Path) -> None:
    convex.providers = []
    root = write_project(make_project, issuer, convex)
    app = make_app(root, tmp_path / "state", destinations=named(convex))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("verify-config")
        await pilot.pause()
        assert shown_ids(app)["convex.deployed_providers"] is Status.FAIL
        assert app.walkthrough.progress.state_of("verify-config") is StepState.FAILING
        assert "convex.deployed_providers" in app.walkthrough.progress.steps["verify-config"].note
        assert "npx convex dev" in app.query_one("#config-fixes", Copyable).text
        # pushed meanwhile: a re-run asks again and the step passes
        convex.providers = [oidc(issuer.url)]
        await pilot.press("r")
        await settle(app, pilot)
        assert shown_ids(app)["convex.deployed_providers"] is Status.PASS
        assert app.walkthrough.progress.state_of("verify-config") is StepState.VERIFIED
        assert len(convex.requests) == 2


async def test_without_a_deploy_key_nothing_is_sent_and_the_check_says_why(
        make_project: MakeProject, issuer: LocalIssuer, convex: LocalConvex,
        tmp_path: Path) -> None:
    root = write_project(make_project, issuer, convex, key=None)
    app = make_app(root, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("verify-config")
        await pilot.pause()
        assert shown_ids(app)["convex.deployed_providers"] is Status.SKIP
        assert app.walkthrough.progress.state_of("verify-config") is StepState.VERIFIED
    assert convex.requests == []


# -- everything the UI ran reaches the report ------------------------------------------------


async def test_a_wizard_walk_reaches_the_report(
        make_project: MakeProject, issuer: LocalIssuer, convex: LocalConvex,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    state_dir = tmp_path / "state"
    monkeypatch.setenv(STATE_DIR_ENV, str(state_dir))
    monkeypatch.delenv("CONVEX_DEPLOY_KEY", raising=False)
    token = issuer.mint(issuer.template_claims(NOW))
    with LocalClerkAPI(secret_key=SECRET_KEY, frontend_api_url=issuer.url) as api:
        root = write_project(make_project, issuer, convex, api_url=api.url)
        app = make_app(root, state_dir, destinations=Destinations(
            deployment_url=convex.url, clerk_api_url=api.url))
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.go_to("create-template")
            await pilot.pause()
            app.post_message(PathChosen(AuthPath.TEMPLATE))
            await pilot.pause()
            app.query_one("#clerk-side-check", Button).press()
            await pilot.pause()
            await pilot.click("#clerk-agree-yes")
            await settle(app, pilot)
            assert app.walkthrough.progress.state_of("open-dashboard") is StepState.VERIFIED
            app.go_to("open-dashboard")
            await pilot.press("d")  # "your word" must not replace a verification
            assert app.walkthrough.progress.state_of("open-dashboard") is StepState.VERIFIED
            app.go_to("check-token")
            await pilot.pause()
            app.query_one("#token-input", TextArea).text = token
            await pilot.pause()
            app.query_one("#ask-convex-token .ask-convex-button", Button).press()
            await pilot.pause()
            await settle(app, pilot)
            assert app.walkthrough.progress.state_of("user-sync") is StepState.VERIFIED
            shown = str(app.query_one("#ask-convex-token .ask-convex-answer", Static).content)
            assert "not permitted" in shown and ACCEPTED_PROBE_NOTE in shown
            # The tick and its explanation are one sentence, never a tick above an error line.
            [line] = [line for line in shown.splitlines() if "not permitted" in line]
            assert line.startswith("✔ Convex accepts this token") and ACCEPTED_PROBE_NOTE in line
            report = build_report(app.walkthrough.session, app.walkthrough.progress, generated_at=NOW)

    saved = {c["id"]: c["status"] for c in app.walkthrough.progress.checks}
    for check_id in ("clerk.instance", "clerk.template", "token.signature",
                     "convex.deployed_providers", "convex.accepts_token"):
        assert saved[check_id] == "pass", check_id

    def assert_report(document: dict[str, Any]) -> None:
        by_id = {c["id"]: c for c in document["checks"]}
        for check_id in ("clerk.instance", "clerk.template_claims", "token.aud",
                         "convex.deployed_providers", "convex.accepts_token"):
            assert by_id[check_id]["status"] == "pass", check_id
        steps = {s["id"]: s for s in document["steps"]}
        for step in ("open-dashboard", "create-template", "configure-claims", "save-template",
                     "user-sync"):
            assert steps[step]["done_by"] == "verification", step
        assert document["convex"]["status"] == "accepted"
        assert document["convex"]["url"] == convex.url
        assert document["convex"]["agrees_with_wizard"] is True

    assert_report(report)
    markdown = render_markdown(report)
    assert "| ✅ pass | clerk.template (saved) | create-template |" in markdown
    assert "**✅ Convex accepted the token**" in markdown
    assert f"not permitted ({ACCEPTED_PROBE_NOTE}) |" in markdown  # why a refusal shows here
    assert "| Open the Clerk dashboard (Step 1) | ✅ done | by verification |" in markdown

    # the report command reads the same saved progress (the servers are gone by now)
    assert cli.main(["report", "--project", str(root), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert_report(json.loads(out))
    forbidden = (token, token.rsplit(".", 1)[1], SECRET_KEY, WEBHOOK_SECRET, DEPLOY_KEY,
                 DEPLOY_KEY.split("|")[1])
    for text in (render_json(report), markdown, out, saved_text(state_dir)):
        for value in forbidden:
            assert value not in text


def test_export_picks_a_free_name_and_replaces_only_its_own_report(
        project: Path, issuer: LocalIssuer) -> None:
    session = load(Options(project_dir=project, environ={}))
    session.fetch()
    first = export_markdown(session, None, project, generated_at=NOW)
    assert first == project / "convex-auth-report.md"
    assert export_markdown(session, None, project, generated_at=NOW) == first  # ours: replaced
    first.write_text("my own notes\n")
    (project / "convex-auth-report-2.md").write_text("more notes\n")
    third = export_markdown(session, None, project, generated_at=NOW)
    assert third == project / "convex-auth-report-3.md"
    assert first.read_text() == "my own notes\n"
    assert (project / "convex-auth-report-2.md").read_text() == "more notes\n"
    text = third.read_text()
    assert "convex-auth-wizard-report/" in text and issuer.host in text
    assert SECRET_KEY not in text and WEBHOOK_SECRET not in text


# -- one verification path -------------------------------------------------------------------


def test_session_verify_judges_at_the_given_instant(project: Path, issuer: LocalIssuer) -> None:
    session = load(Options(project_dir=project, environ={}, at=NOW))
    session.fetch()
    token = issuer.mint(issuer.template_claims(NOW))
    assert session.verify(read_paste(token)).verified  # Options.at
    assert session.verify(read_paste(token), now=NOW + 30).verified
    late = session.verify(read_paste(token), now=NOW + 3600)
    assert not late.verified
    assert {c.id: c.status for c in late.checks}["token.exp"] is Status.FAIL


async def test_the_wizard_judges_a_token_by_its_own_clock(project: Path, issuer: LocalIssuer,
                                                          tmp_path: Path) -> None:
    # Options.at is unset: only the injected clock can make this token expired.
    app = build_app(project_dir=project, state_dir=tmp_path / "state",
                    options=Options(project_dir=project, environ={}, timeout=5),
                    clock=lambda: float(NOW + 3600), browser=lambda url: False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.post_message(TokenPasted(issuer.mint(issuer.template_claims(NOW))))
        await pilot.pause()
        verdict = app.walkthrough.token_verdict
        assert verdict is not None
        assert {c.id: c.status for c in verdict.checks}["token.exp"] is Status.FAIL
        assert app.walkthrough.progress.state_of("check-token") is StepState.FAILING
