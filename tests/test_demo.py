"""The demo: a local issuer and a demo project that vanish on exit, and its sample tokens."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Static

from screens.app import WizardApp
from wizard.demo import SAMPLES, open_demo, run_demo
from wizard.engine import load
from wizard.progress import StepState
from wizard.verify import verify_token


def refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, int(port))) != 0


def test_the_demo_serves_its_issuer_and_shuts_it_down_on_exit() -> None:
    seen: dict[str, Any] = {}

    def runner(app: WizardApp) -> None:
        async def drive() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert app.demo is not None
                seen["url"] = app.demo.issuer.url
                seen["project"] = app.demo.project_dir
                answer = httpx.get(seen["url"] + "/.well-known/openid-configuration")
                seen["status"] = answer.status_code
                seen["verify-config"] = app.progress.state_of("verify-config")
                app.go_to("check-token")
                await pilot.pause()
                await pilot.click("#sample-template")
                await pilot.pause()
                seen["check-token"] = app.progress.state_of("check-token")
                seen["facts"] = str(app.query_one("#project-facts", Static).content)
                await pilot.press("q")

        asyncio.run(drive())

    assert run_demo(runner=runner) == 0
    assert seen["status"] == 200
    assert seen["verify-config"] is StepState.VERIFIED
    assert seen["check-token"] is StepState.VERIFIED
    assert "demo project in a temporary folder" in seen["facts"]
    assert refused(seen["url"])
    assert not Path(seen["project"]).exists()


EXPECTED = {"template": True, "integration": True, "session": False, "expired": False,
            "wrong-issuer": False}
FAILING = {"session": "token.kind", "expired": "token.exp", "wrong-issuer": "token.iss"}


@pytest.mark.parametrize("name", [name for name, _ in SAMPLES])
def test_each_sample_token_teaches_what_it_should(name: str) -> None:
    with open_demo() as demo:
        session = load(demo.options())
        session.fetch()
        now = 1_800_000_000.0
        verdict = verify_token(demo.sample_token(name, now), session.token_context(), session.keys,
                               now)
        assert verdict.verified is EXPECTED[name]
        if name in FAILING:
            failed = {c.id for c in verdict.checks if c.failed}
            assert FAILING[name] in failed
        assert (demo.project_dir / ".env.local").read_text().count(demo.issuer.url) == 1
        url = demo.issuer.url
    assert refused(url)
