"""The check-token step's receiver and mint action, driven with Pilot: the demo reaches every
step done by verification with no paste; a browser's POST to the wizard's receiver verifies
the step the moment it arrives; "by your word" is never needed. No token in what is written."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
from textual.widgets import Button

from screens.app import WizardApp
from screens.run import run_demo
from screens.widgets.copyable import Copyable
from tests.conftest import MakeProject
from tests.ui_support import make_app, settle
from wizard.demo.local_issuer import LocalIssuer
from wizard.output.report import build_report, render_markdown
from wizard.walkthrough.progress import StepState
from wizard.walkthrough.steps import STEP_IDS

JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")
PAGE = "http://localhost:5173"


def test_the_demo_reaches_every_step_verified_without_a_paste() -> None:
    seen: dict[str, Any] = {}

    def runner(app: WizardApp) -> None:
        async def drive() -> None:
            async with app.run_test(size=(120, 50)) as pilot:
                await settle(app, pilot)
                demo = app.demo
                assert demo is not None and demo.clerk_api is not None
                app.go_to("check-token")
                await pilot.pause()
                app.query_one("#mint-start", Button).press()
                await pilot.pause()
                await pilot.click("#mint-agree-yes")
                await settle(app, pilot)
                seen["calls"] = [(r.method, r.path) for r in demo.clerk_api.requests]
                app.query_one("#ask-convex-token .ask-convex-button", Button).press()
                await pilot.pause()
                await settle(app, pilot)
                progress = app.walkthrough.progress
                seen["states"] = {step: progress.state_of(step) for step in STEP_IDS}
                report = render_markdown(build_report(app.walkthrough.session, progress))
                seen["report"] = report
                seen["box"] = app.query_one("#token-input").text  # type: ignore[attr-defined]
                files = b"".join(p.read_bytes() for p in demo.state_dir.rglob("*")
                                 if p.is_file())
                seen["files"] = files
                await pilot.press("q")

        asyncio.run(drive())

    assert run_demo(runner=runner) == 0
    assert ("POST", "/v1/sessions/sess_2demo/tokens/convex") in seen["calls"]
    assert seen["states"] == {step: StepState.VERIFIED for step in STEP_IDS}
    assert seen["box"] == ""  # nothing was pasted
    assert "tokens minted through Clerk's Backend API" in seen["report"]
    assert JWT.search(seen["report"]) is None and JWT.search(seen["files"].decode()) is None


def test_a_browser_post_to_the_wizard_verifies_the_step_at_once(
        make_project: MakeProject, issuer: LocalIssuer, tmp_path: Path) -> None:
    project = make_project(issuer.url, publishable_key=issuer.publishable_key)
    now = int(time.time())
    tokens = {"session": issuer.mint(issuer.session_claims(now, aud="convex")),
              "template": issuer.mint(issuer.template_claims(now))}
    app = make_app(project, tmp_path / "state", clock=time.time)

    async def drive() -> dict[str, Any]:
        async with app.run_test(size=(120, 50)) as pilot:
            await settle(app, pilot)
            app.go_to("check-token")
            await pilot.pause()
            app.query_one("#receive-start", Button).press()
            await pilot.pause()
            snippet = app.query_one("#receive-snippet", Copyable).text
            url = re.search(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]+", snippet)
            assert url is not None
            shown = str(app.query_one("#token-sources-status").render())
            body = json.dumps({"v": 1, "origin": PAGE, "session": {"token": tokens["session"]},
                               "template": {"token": tokens["template"]}})
            sent = await asyncio.to_thread(
                httpx.post, url[0], content=body,
                headers={"Origin": PAGE, "Content-Type": "application/json"})
            await settle(app, pilot)
            progress = app.walkthrough.progress
            return {"sent": sent.status_code, "shown": shown, "path": progress.path,
                    "states": {s: progress.state_of(s) for s in STEP_IDS}}

    seen = asyncio.run(drive())
    assert seen["sent"] == 204 and "Waiting for your browser" in seen["shown"]
    assert seen["path"] is not None and seen["path"].value == "integration"
    states = seen["states"]
    for step in ("open-dashboard", "create-template", "configure-claims", "save-template",
                 "check-clerk", "check-token"):
        assert states[step] is StepState.VERIFIED, step
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert not any(t.encode() in path.read_bytes() for t in tokens.values()), path
