"""The demo: a local issuer and a demo project that vanish on exit, and its sample tokens."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Button, Static

from screens.app import WizardApp
from screens.run import run_demo
from wizard.checks.model import Status
from wizard.demo.context import SAMPLES, open_demo
from wizard.rules.jwt import read_paste
from wizard.walkthrough.progress import StepState
from wizard.walkthrough.session import load


def refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, int(port))) != 0


def test_the_demo_serves_its_stand_ins_and_shuts_them_all_down_on_exit() -> None:
    seen: dict[str, Any] = {}

    def runner(app: WizardApp) -> None:
        async def drive() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                async def settle() -> None:
                    await app.workers.wait_for_complete()
                    await pilot.pause()

                await settle()
                demo = app.demo
                assert demo is not None and demo.convex is not None
                assert demo.clerk_api is not None
                seen["urls"] = [demo.issuer.url, demo.convex.url, demo.clerk_api.url]
                seen["project"] = demo.project_dir
                answer = httpx.get(demo.issuer.url + "/.well-known/openid-configuration")
                seen["status"] = answer.status_code
                seen["verify-config"] = app.walkthrough.progress.state_of("verify-config")
                seen["providers"] = {c.id: c.status for c in app.walkthrough.config_results}.get(
                    "convex.deployed_providers")
                app.go_to("create-template")  # the Clerk side, against the demo Backend API
                await pilot.pause()
                app.query_one("#clerk-side-check", Button).press()
                await pilot.pause()
                await pilot.click("#clerk-agree-yes")
                await settle()
                seen["open-dashboard"] = app.walkthrough.progress.state_of("open-dashboard")
                seen["clerk-requests"] = len(demo.clerk_api.requests)
                app.go_to("check-token")
                await pilot.pause()
                await pilot.click("#sample-template")
                await pilot.pause()
                seen["check-token"] = app.walkthrough.progress.state_of("check-token")
                app.query_one("#ask-convex-token .ask-convex-button", Button).press()
                await pilot.pause()
                await settle()
                seen["user-sync"] = app.walkthrough.progress.state_of("user-sync")
                seen["convex"] = dict(app.walkthrough.progress.convex_answer or {})
                app.go_to("project")  # panes are built on their first visit
                await pilot.pause()
                seen["facts"] = str(app.query_one("#project-facts", Static).content)
                await pilot.press("q")

        asyncio.run(drive())

    assert run_demo(runner=runner) == 0
    assert seen["status"] == 200
    assert seen["verify-config"] is StepState.VERIFIED
    assert seen["providers"] is Status.PASS
    assert seen["open-dashboard"] is StepState.VERIFIED and seen["clerk-requests"] == 2
    assert seen["check-token"] is StepState.VERIFIED
    assert seen["user-sync"] is StepState.VERIFIED
    assert seen["convex"]["status"] == "accepted" and seen["convex"]["agrees_with_wizard"]
    assert "demo project in a temporary folder" in seen["facts"]
    for url in seen["urls"]:  # the issuer, the deployment and the Backend API
        assert refused(url), url
    assert not Path(seen["project"]).exists()


def test_the_demo_project_points_at_its_stand_ins() -> None:
    with open_demo() as demo:
        assert demo.convex is not None and demo.clerk_api is not None
        env = (demo.project_dir / ".env.local").read_text()
        assert f"VITE_CONVEX_URL={demo.convex.url}\n" in env
        assert f"CLERK_SECRET_KEY={demo.clerk_api.secret_key}\n" in env
        assert "VITE_CLERK_SECRET" not in env and "CONVEX_DEPLOY_KEY=dev:" in env
        # The demo names its own stand-ins, as the user would with --deployment-url and
        # --clerk-api-url; nothing reaches the engine through the environment.
        options = demo.options()
        assert options.environ == {}
        assert options.destinations.deployment_url == demo.convex.url
        assert options.destinations.clerk_api_url == demo.clerk_api.url
        assert "CLERK_API_URL" not in os.environ
        urls = [demo.issuer.url, demo.convex.url, demo.clerk_api.url]
    for url in urls:
        assert refused(url), url


EXPECTED = {"template": True, "integration": True, "session": False, "expired": False,
            "wrong-issuer": False}
FAILING = {"session": "token.kind", "expired": "token.exp", "wrong-issuer": "token.iss"}


@pytest.mark.parametrize("name", [name for name, _ in SAMPLES])
def test_each_sample_token_teaches_what_it_should(name: str) -> None:
    with open_demo() as demo:
        session = load(demo.options())
        session.fetch()
        now = 1_800_000_000.0
        verdict = session.verify(read_paste(demo.sample_token(name, now)), now=now)
        assert verdict.verified is EXPECTED[name]
        if name in FAILING:
            failed = {c.id for c in verdict.checks if c.failed}
            assert FAILING[name] in failed
        assert (demo.project_dir / ".env.local").read_text().count(demo.issuer.url) == 1
        url = demo.issuer.url
    assert refused(url)


def test_the_demo_report_is_written_where_the_demo_was_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's project folder is gone after quitting; its exported report is not."""
    monkeypatch.chdir(tmp_path)
    toasts: list[str] = []

    def runner(app: WizardApp) -> None:
        async def drive() -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("e")
                await pilot.pause()
                toasts.extend(str(n.message) for n in app._notifications)
                await pilot.press("q")

        asyncio.run(drive())

    assert run_demo(runner=runner) == 0
    report = tmp_path / "convex-auth-report.md"
    assert report.is_file() and "convex-auth-wizard" in report.read_text(encoding="utf-8")
    assert any("convex-auth-report.md" in t and "stays after you quit" in t for t in toasts)
