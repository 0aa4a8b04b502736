"""The real wizard app driven with Pilot against the local issuer and a project on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input, RadioButton, Static

from screens.app import WizardApp
from screens.messages import PathChosen
from screens.run import build_app
from screens.widgets.checks import CheckRow
from screens.widgets.copyable import Copyable
from screens.widgets.expiry import ExpiryTicker
from screens.widgets.step_rail import ROW_IDS
from tests.conftest import NOW, SECRET_KEY, WEBHOOK_SECRET, MakeProject
from tests.test_diagnose import CASES
from tests.ui_support import make_app, paste_token, settle
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer
from wizard.rules.jwt import AuthPath
from wizard.walkthrough.progress import StepState

SIZE = (120, 40)


def text_of(app: WizardApp, selector: str) -> str:
    return str(app.query_one(selector, Static).content)


def rows(app: WizardApp, check_id: str) -> list[CheckRow]:
    return list(app.query(f".check-{check_id.replace('.', '-')}").results(CheckRow))


async def test_reads_the_project_and_fetches_the_keys(project: Path, tmp_path: Path,
                                                      issuer: LocalIssuer) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.pane("project") is None  # resumed at open-dashboard: built on first visit
        app.go_to("project")
        await pilot.pause()
        facts = text_of(app, "#project-facts")
        assert issuer.host in facts
        assert ".env.local:VITE_CLERK_PUBLISHABLE_KEY" in facts
        assert ".env.local:CLERK_JWT_ISSUER_DOMAIN" in facts
        assert "process.env.CLERK_JWT_ISSUER_DOMAIN" in facts
        assert "1.45.0" in facts
        assert SECRET_KEY not in facts
        assert app.walkthrough.progress.state_of("project") is StepState.VERIFIED
        assert app.walkthrough.progress.state_of("verify-config") is StepState.VERIFIED
        app.go_to("verify-config")
        await pilot.pause()
        keys = text_of(app, "#issuer-keys")
        assert "ins_local_rsa1" in keys and "RS256" in keys and "EdDSA" in keys
        assert rows(app, "issuer.jwks") and "-pass" in rows(app, "issuer.jwks")[0].classes
        saved = {c["id"] for c in app.walkthrough.progress.checks}
        assert {"env.issuer", "issuer.discovery", "issuer.jwks"} <= saved


async def test_a_good_token_is_done_by_verification(project: Path, tmp_path: Path,
                                                    issuer: LocalIssuer) -> None:
    app = make_app(project, tmp_path / "state")
    token = issuer.mint(issuer.template_claims(NOW))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await paste_token(app, pilot, f'  "Bearer {token}" ')
        assert app.walkthrough.progress.state_of("check-token") is StepState.VERIFIED
        assert "Verified" in text_of(app, "#token-verdict")
        assert "Expires in 60 s" in text_of(app, "#token-expiry")
        claims = text_of(app, "#token-claims")
        assert '"aud": "convex"' in claims
        assert token.split(".")[2] not in claims
        assert app.walkthrough.progress.token is not None and app.walkthrough.progress.token["kind"] == "template"
        # "d" never marks a verifiable step: it stays done by verification, not by word.
        await pilot.press("d")
        assert app.walkthrough.progress.state_of("check-token") is StepState.VERIFIED
    written = "".join(p.read_text() for p in (tmp_path / "state").rglob("*") if p.is_file())
    for secret in (token, token.split(".")[2], SECRET_KEY, WEBHOOK_SECRET):
        assert secret not in written


async def test_a_token_of_the_other_path_is_verified_and_said_to_disagree(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.post_message(PathChosen(AuthPath.INTEGRATION))
        await pilot.pause()
        await paste_token(app, pilot, issuer.mint(issuer.template_claims(NOW)))
        headline = text_of(app, "#token-verdict")
        assert "Verified" in headline and "Not the path you chose" in headline
        assert "the token that verified is the JWT template's" in headline
        assert "-warn" in app.query_one("#token-verdict").classes


async def test_a_long_claim_scrolls_sideways_instead_of_breaking(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    picture = "https://img.clerk.com/" + "eyJ0eXBlIjoicHJveHkiLCJzcmMiOiJodHRwczovL2ltYWdlcy" * 3
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await paste_token(app, pilot, issuer.mint(issuer.template_claims(NOW, picture=picture)))
        await pilot.pause()
        box = app.query_one("#token-claims-box")
        box.scroll_visible(animate=False)
        await pilot.pause()
        assert f'"picture": "{picture}"' in text_of(app, "#token-claims")
        assert box.max_scroll_x > 0  # one line, wider than the screen: it scrolls sideways


async def test_a_bad_token_keeps_the_step_open_and_shows_the_fix(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await paste_token(app, pilot, issuer.mint(issuer.session_claims(NOW)))
        assert app.walkthrough.progress.state_of("check-token") is StepState.FAILING
        assert "Not accepted" in text_of(app, "#token-verdict")
        [kind_row] = rows(app, "token.kind")
        assert "-fail" in kind_row.classes
        fix = str(kind_row.query_one(".check-fix", Static).content)
        assert "Convex integration" in fix and "skipCache: true" in fix
        [aud_row] = rows(app, "token.aud")
        assert "-fail" in aud_row.classes
        assert app.walkthrough.progress.token is None


async def test_an_expired_token_says_how_to_get_a_fresh_one(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await paste_token(app, pilot, issuer.mint(issuer.template_claims(NOW - 300)))
        assert app.walkthrough.progress.state_of("check-token") is StepState.FAILING
        expiry = text_of(app, "#token-expiry")
        assert "Expired 4 min ago" in expiry and "skipCache: true" in expiry


async def test_the_expiry_ticks_with_the_clock(project: Path, tmp_path: Path,
                                               issuer: LocalIssuer) -> None:
    now = [float(NOW)]
    app = make_app(project, tmp_path / "state", clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await paste_token(app, pilot, issuer.mint(issuer.template_claims(NOW)))
        ticker = app.query_one("#token-expiry", ExpiryTicker)

        def exp_row() -> str:
            [row] = rows(app, "token.exp")
            return str(row.query_one(".check-detail", Static).content)

        assert "Expires in 60 s" in text_of(app, "#token-expiry")
        assert exp_row() == "expires in 60 s"
        now[0] += 25
        ticker.tick()  # what its 1 s interval calls: driven here, no sleeping
        assert "Expires in 35 s" in text_of(app, "#token-expiry")
        assert exp_row() == "expires in 35 s"  # the row and the live line agree
        assert "Verified" in text_of(app, "#token-verdict")
        now[0] += 40
        ticker.tick()
        assert "Expired 5 s ago" in text_of(app, "#token-expiry")
        assert "-expired" in ticker.classes
        assert exp_row().startswith("expired 5 s ago")
        [row] = rows(app, "token.exp")
        assert "-fail" in row.classes
        assert "expired since" in text_of(app, "#token-verdict")
        # It was verified when it was checked: the step stays done.
        assert app.walkthrough.progress.state_of("check-token") is StepState.VERIFIED


async def test_back_next_navigation_and_done_by_word(project: Path, tmp_path: Path) -> None:
    opened: list[str] = []
    app = make_app(project, tmp_path / "state", opened=opened)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.current == "open-dashboard"  # the project is verified, so it resumes here
        await pilot.press("b")
        assert app.current == "project"
        await pilot.press("n", "n")
        assert app.current == "create-template"
        await pilot.press("ctrl+b")
        assert app.current == "open-dashboard"
        await pilot.press("o")
        assert opened == ["https://dashboard.clerk.com"]
        await pilot.press("d")
        assert app.walkthrough.progress.state_of("open-dashboard") is StepState.CONFIRMED
        assert app.current == "create-template"
        await pilot.click("#steps", offset=(3, 1 + ROW_IDS.index("user-sync")))
        assert app.current == "user-sync"
        await pilot.press("n")
        assert app.current == "summary"
        summary = text_of(app, "#summary-table")
        assert "done by your word" in summary and "done by verification" in summary
        await pilot.press("n")
        assert app.current == "summary"


async def test_the_path_choice_changes_the_snippets(project: Path, tmp_path: Path) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("create-template")
        await pilot.pause()
        await pilot.pause()  # built on this first visit: laid out and focused before the click
        await pilot.click("#path-integration")
        await pilot.pause()
        assert app.walkthrough.progress.path == "integration"
        for step in ("check-clerk", "configure-claims", "create-template"):
            app.go_to(step)  # built now, so the next choice updates them in place
            await pilot.pause()
        snippet = app.query_one("#clerk-snippet", Copyable).text
        assert "getToken({ skipCache: true })" in snippet and "template" not in snippet
        assert app.query_one("#claims", Copyable).text == '{\n  "aud": "convex"\n}'
        await pilot.click("#path-template")
        await pilot.pause()
        assert app.walkthrough.progress.path == "template"
        snippet = app.query_one("#clerk-snippet", Copyable).text
        assert "getToken({ template: 'convex', skipCache: true })" in snippet
        claims = app.query_one("#claims", Copyable).text
        assert '"aud": "convex"' in claims and '"iss"' not in claims and '"sub"' not in claims
        assert app.query_one("#path-template", RadioButton).value
        app.go_to("configure-claims")
        await pilot.pause()
        await pilot.pause()
        assert "{{org.slug}}" in text_of(app, "#guide-warning")
        await pilot.click("#claims .copy-hint")
        await pilot.pause()
        assert app.clipboard == claims
        app.copy_to_clipboard("")
        app.query_one("#claims", Copyable).focus()
        await pilot.press("c")
        assert app.clipboard == claims


@pytest.mark.parametrize(("line", "title_part", "step"), CASES)
async def test_the_troubleshooting_box_diagnoses(line: str, title_part: str, step: str,
                                                 make_project: MakeProject,
                                                 tmp_path: Path) -> None:
    root = make_project("https://quiet-ox-46.clerk.accounts.dev", secrets=False)
    app = build_app(project_dir=root, state_dir=tmp_path / "state",
                  options=Options(project_dir=root, environ={}, offline=True),
                  clock=lambda: float(NOW), browser=lambda url: False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("user-sync")
        await pilot.pause()
        await pilot.click("#log-line")
        app.query_one("#log-line", Input).value = line
        await pilot.pause()
        diagnosis = text_of(app, "#diagnosis")
        assert title_part.lower() in diagnosis.lower()
        assert "Revisit:" in diagnosis
        if step != "user-sync":
            app.query_one("#revisit", Button).press()
            await pilot.pause()
            assert app.current == step



async def test_escape_leaves_a_field_so_letter_keys_navigate_again(project: Path,
                                                                    tmp_path: Path) -> None:
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("user-sync")
        await pilot.pause()
        await pilot.click("#log-line")
        await pilot.press("b")
        assert app.current == "user-sync"
        assert app.query_one("#log-line", Input).value == "b"
        await pilot.press("escape", "b")
        assert app.current == "check-token"


async def test_the_ui_stays_responsive_during_a_slow_fetch(project: Path, tmp_path: Path,
                                                           issuer: LocalIssuer) -> None:
    issuer.fault = "slow"
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.walkthrough.fetching
        await pilot.press("n", "n", "b")
        assert app.current == "create-template"
        app.go_to("verify-config")
        await pilot.pause()
        assert app.query_one("#fetch-spinner").display
        assert "Fetching" in text_of(app, "#fetch-status")
        await pilot.press("question_mark")
        assert app.screen.__class__.__name__ == "HelpDialog"
        await pilot.press("escape")
        assert app.walkthrough.fetching  # all of the above happened while the issuer was still answering
        issuer.fault = None
        await settle(app, pilot)
        assert not app.walkthrough.fetching
        assert app.walkthrough.progress.state_of("verify-config") is StepState.VERIFIED


async def test_a_broken_issuer_fails_verify_config_with_its_fix(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "discovery_404"
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.walkthrough.progress.state_of("verify-config") is StepState.FAILING
        app.go_to("verify-config")
        await pilot.pause()
        [row] = rows(app, "issuer.discovery")
        assert "-fail" in row.classes
        fixes = app.query_one("#config-fixes", Copyable)
        assert fixes.display and "npx convex env set CLERK_JWT_ISSUER_DOMAIN" in fixes.text
        issuer.fault = None
        await pilot.press("r")
        await settle(app, pilot)
        assert app.walkthrough.progress.state_of("verify-config") is StepState.VERIFIED


async def test_export_writes_a_report_without_secrets(project: Path, tmp_path: Path,
                                                      issuer: LocalIssuer) -> None:
    app = make_app(project, tmp_path / "state")
    token = issuer.mint(issuer.template_claims(NOW))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await paste_token(app, pilot, token)
        (project / "convex-auth-report.md").write_text("my own notes\n")
        await pilot.press("e")
        await pilot.pause()
    report = project / "convex-auth-report-2.md"
    assert (project / "convex-auth-report.md").read_text() == "my own notes\n"
    text = report.read_text()
    assert "check-token" in text or "Check a real token" in text
    for secret in (token, token.split(".")[2], SECRET_KEY, WEBHOOK_SECRET):
        assert secret not in text


async def test_it_resumes_where_it_left_off(project: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    app = make_app(project, state)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")  # open-dashboard, by your word
        await pilot.press("d")
        assert app.current == "create-template"  # refused: no path chosen yet
        app.post_message(PathChosen(AuthPath.INTEGRATION))
        await pilot.pause()
        await pilot.press("d")
        assert app.current == "configure-claims"
        await pilot.press("q")
    again = make_app(project, state)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert again.current == "configure-claims"
        assert again.walkthrough.progress.path == "integration"
        assert again.walkthrough.progress.state_of("open-dashboard") is StepState.CONFIRMED
    fresh = make_app(project, state, restart=True)
    async with fresh.run_test(size=SIZE) as pilot:
        await settle(fresh, pilot)
        assert fresh.current == "open-dashboard"
        assert fresh.walkthrough.progress.state_of("create-template") is StepState.PENDING
