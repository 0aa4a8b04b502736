"""The real wizard with Pilot: the secret-key agreement and the create-template offer, each
answered yes and no, against the local Clerk Backend API stand-in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.widgets import Button, Static

from screens.app import WizardApp
from screens.dialogs.clerk_dialogs import CreateTemplateOffer, SecretKeyAgreement
from screens.panels.clerk_side import ClerkSidePanel
from tests.conftest import SECRET_KEY, WEBHOOK_SECRET
from tests.ui_support import make_app, settle
from wizard.checks.model import Status
from wizard.demo.local_clerk_api import LocalClerkAPI
from wizard.demo.local_issuer import LocalIssuer
from wizard.providers.clerk.api import convex_template_body
from wizard.walkthrough.progress import StepState
from wizard.walkthrough.walkthrough import step_verdicts

SIZE = (120, 40)
DASHBOARD_STEPS = ("open-dashboard", "create-template", "configure-claims", "save-template")


async def ask_to_check(app: WizardApp, pilot: Any) -> None:
    await settle(app, pilot)
    app.go_to("create-template")
    await pilot.pause()
    app.query_one("#clerk-side-check", Button).press()
    await pilot.pause()


async def answer(app: WizardApp, pilot: Any, button_id: str) -> None:
    await pilot.click(f"#{button_id}")
    await settle(app, pilot)
    await settle(app, pilot)  # a created template triggers a second check


def assert_nothing_secret_written(state_dir: Path, app: WizardApp) -> None:
    texts = [p.read_text(errors="replace") for p in state_dir.rglob("*") if p.is_file()]
    texts.append(app.export_screenshot())
    findings = app.query_one(ClerkSidePanel).findings
    if findings is not None:
        texts.append(json.dumps([c.to_dict() for c in findings.checks]))
    for text in texts:
        for secret in (SECRET_KEY, WEBHOOK_SECRET, SECRET_KEY[len("sk_test_"):]):
            assert secret not in text


async def test_agreement_no_sends_nothing(app_dir: Path, tmp_path: Path,
                                          api: LocalClerkAPI) -> None:
    app = make_app(app_dir, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_check(app, pilot)
        assert isinstance(app.screen, SecretKeyAgreement)
        shown = str(app.screen.query_one("#clerk-agree-text", Static).content)
        assert "sk_test_…" in shown and SECRET_KEY not in shown
        assert "GET /domains" in shown and api.url in shown
        await answer(app, pilot, "clerk-agree-no")
        assert not isinstance(app.screen, SecretKeyAgreement)
        assert api.requests == []
        assert "nothing was sent" in str(app.query_one("#clerk-side-intro", Static).content)
        assert all(app.walkthrough.progress.state_of(s) is StepState.PENDING for s in DASHBOARD_STEPS)


async def test_agreement_yes_verifies_the_dashboard_steps(app_dir: Path, tmp_path: Path,
                                                          api: LocalClerkAPI) -> None:
    state_dir = tmp_path / "state"
    app = make_app(app_dir, state_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_check(app, pilot)
        await answer(app, pilot, "clerk-agree-yes")
        assert [r.path for r in api.requests] == ["/v1/domains", "/v1/jwt_templates"]
        assert all(r.authorized for r in api.requests)
        for step in DASHBOARD_STEPS:
            assert app.walkthrough.progress.state_of(step) is StepState.VERIFIED, step
        assert not isinstance(app.screen, CreateTemplateOffer)  # convex exists: no offer
        assert not app.query_one("#clerk-side-create", Button).display
        # a second check does not ask again
        app.query_one("#clerk-side-check", Button).press()
        await settle(app, pilot)
        assert not isinstance(app.screen, SecretKeyAgreement)
        assert len(api.requests) == 4
        assert_nothing_secret_written(state_dir, app)


async def test_failing_template_marks_its_step_failing(app_dir: Path, tmp_path: Path,
                                                       api: LocalClerkAPI) -> None:
    api.scenario("org_slug_iss")
    app = make_app(app_dir, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_check(app, pilot)
        await answer(app, pilot, "clerk-agree-yes")
        assert app.walkthrough.progress.state_of("configure-claims") is StepState.FAILING
        assert app.walkthrough.progress.state_of("create-template") is StepState.VERIFIED


async def test_offer_yes_creates_the_template(app_dir: Path, tmp_path: Path,
                                              api: LocalClerkAPI) -> None:
    api.scenario("absent")
    state_dir = tmp_path / "state"
    app = make_app(app_dir, state_dir)
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_check(app, pilot)
        await answer(app, pilot, "clerk-agree-yes")
        assert isinstance(app.screen, CreateTemplateOffer)
        shown = str(app.screen.query_one("#clerk-offer-body", Static).content)
        assert json.loads(shown) == convex_template_body("convex")
        assert api.posted == []
        await answer(app, pilot, "clerk-offer-yes")
        assert api.posted == [convex_template_body("convex")]
        assert [r.method for r in api.requests].count("POST") == 1
        for step in DASHBOARD_STEPS:
            assert app.walkthrough.progress.state_of(step) is StepState.VERIFIED, step
        # Made through the fix engine, as `fix --use-secret-key` makes it: recorded in its run.
        [manifest] = state_dir.glob("fixes/*/*/manifest.json")
        commands = json.loads(manifest.read_text())["commands"]
        assert [c["check_id"] for c in commands] == ["clerk.template"]
        assert commands[0]["argv"][:2] == ["POST", api.url + "/v1/jwt_templates"]
        assert_nothing_secret_written(state_dir, app)


async def test_offer_no_sends_nothing(app_dir: Path, tmp_path: Path,
                                      api: LocalClerkAPI) -> None:
    api.scenario("absent")
    app = make_app(app_dir, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_check(app, pilot)
        await answer(app, pilot, "clerk-agree-yes")
        assert isinstance(app.screen, CreateTemplateOffer)
        requests_before = len(api.requests)
        await answer(app, pilot, "clerk-offer-no")
        assert not isinstance(app.screen, CreateTemplateOffer)
        assert api.posted == [] and len(api.requests) == requests_before
        assert all(r.method == "GET" for r in api.requests)
        assert app.query_one("#clerk-side-create", Button).display  # the offer can be reopened
        assert app.walkthrough.progress.state_of("create-template") is not StepState.VERIFIED


async def test_without_a_secret_key_nothing_is_asked_or_sent(make_project: Any,
                                                             tmp_path: Path,
                                                             issuer: LocalIssuer,
                                                             api: LocalClerkAPI) -> None:
    bare = make_project(issuer.url, publishable_key=issuer.publishable_key, secrets=False,
                        name="bare")
    (bare / ".env").write_text(f"CLERK_API_URL={api.url}\n")
    app = make_app(bare, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await ask_to_check(app, pilot)
        assert not isinstance(app.screen, SecretKeyAgreement)
        assert "CLERK_SECRET_KEY" in str(app.query_one("#clerk-side-intro", Static).content)
        assert api.requests == []


def test_step_verdicts_leave_skipped_and_warned_steps_alone() -> None:
    from wizard.checks.catalog import make, passed, skipped

    checks = [passed("clerk.instance", "x"),
              make("clerk.template", Status.WARN, "no template", "optional", near=""),
              skipped("clerk.template_claims", "x"),
              make("clerk.template_signing", Status.FAIL, "custom", "custom_key", alg="HS256"),
              passed("clerk.template_lifetime", "60 s")]
    verdicts = step_verdicts(checks)
    assert verdicts["open-dashboard"][0] is StepState.VERIFIED
    assert "create-template" not in verdicts and "configure-claims" not in verdicts
    assert verdicts["save-template"] == (StepState.FAILING, "clerk.template_signing")
