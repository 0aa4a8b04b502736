"""``check --from-browser`` and ``check --use-secret-key --mint`` end to end: the real CLI, a
real loopback receiver driven as a browser drives it, the Backend API stand-in minting tokens
signed by the local issuer; nothing the commands print or write holds a token."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SECRET_KEY, MakeProject
from wizard.cli import main
from wizard.demo.local_clerk_api import LocalClerkAPI
from wizard.demo.local_issuer import LocalIssuer

PAGE = "http://localhost:5173"
RECEIVER_URL = re.compile(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]+")
HANG_BOUND = 30.0
JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")


def browser_sends(url: str, session: dict[str, Any], template: dict[str, Any]) -> None:
    """What the page does: the CORS + private-network preflight, then the POST of JSON."""
    grant = httpx.options(url, headers={
        "Origin": PAGE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
        "Access-Control-Request-Private-Network": "true"})
    assert grant.headers["access-control-allow-private-network"] == "true"
    sent = httpx.post(url, headers={"Origin": PAGE, "Content-Type": "application/json"},
                      content=json.dumps({"v": 1, "origin": PAGE, "session": session,
                                          "template": template}))
    assert sent.status_code == 204


def run_from_browser(project: Path, session: dict[str, Any], template: dict[str, Any],
                     *extra: str) -> tuple[int, str, str]:
    """The real command in a subprocess; the URL is read from the snippet it shows."""
    command = [sys.executable, "-m", "wizard", "check", "--project", str(project),
               "--from-browser", "--wait", "20", *extra]
    env = {**os.environ, "CONVEX_AUTH_WIZARD_LANG": "en"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as process:
        assert process.stderr is not None and process.stdout is not None
        shown, deadline = "", time.monotonic() + HANG_BOUND
        while "copy(" not in shown and time.monotonic() < deadline:
            shown += process.stderr.readline()
        found = RECEIVER_URL.search(shown)
        assert found is not None, shown
        browser_sends(found[0], session, template)
        out = process.stdout.read()
        err = process.stderr.read()
        process.wait(timeout=HANG_BOUND)
        return process.returncode, out, shown + err


def assert_nowhere(texts: list[str], *outputs: str, root: Path) -> None:
    for text in texts:
        assert all(text not in output for output in outputs)
        for path in root.rglob("*"):
            if path.is_file():
                assert text.encode() not in path.read_bytes(), path


@pytest.fixture
def tokens(issuer: LocalIssuer) -> dict[str, str]:
    now = int(time.time())
    return {"session": issuer.mint(issuer.session_claims(now, aud="convex")),
            "template": issuer.mint(issuer.template_claims(now))}


def test_from_browser_judges_both_tokens_like_pasted_ones(
        project: Path, tokens: dict[str, str], tmp_path: Path) -> None:
    code, out, err = run_from_browser(project, {"token": tokens["session"]},
                                      {"token": tokens["template"]}, "--json")
    document = json.loads(out)
    assert code == 0 and document["ok"] is True
    source = document["source"]
    assert source["kind"] == "browser" and source["receiver"]["origin"] == PAGE
    assert source["analysis"]["integration"] == "active"
    assert source["analysis"]["sends"] == "session"  # convex 1.45 with the integration on
    assert {slot: t["verified"] for slot, t in source["tokens"].items()} == {
        "session": True, "template": True}
    assert document["token"]["kind"] == "integration"  # the one the app sends, judged as pasted
    assert "copy(JSON.stringify(" in err  # the fallback is shown too
    assert_nowhere(list(tokens.values()), out, err, root=tmp_path)


def test_from_browser_shows_the_missing_template_precisely(
        project: Path, issuer: LocalIssuer, tmp_path: Path) -> None:
    session = issuer.mint(issuer.session_claims(int(time.time())))  # integration off
    missing = {"error": {"kind": "clerk", "message": "No JWT template exists with name: convex",
                         "status": 404, "code": "resource_not_found"}}
    code, out, err = run_from_browser(project, {"token": session}, missing)
    assert code == 1
    assert "template token: template_not_found: No JWT template exists with name: convex" in out
    assert "integration: inactive; convex template: absent" in out
    assert_nowhere([session], out, err, root=tmp_path)


def test_from_browser_that_times_out_says_so(project: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code = main(["check", "--project", str(project), "--from-browser", "--wait", "0.3",
                 "--offline"])
    out, err = capsys.readouterr()
    assert code == 1 and time.monotonic() - started < HANG_BOUND
    assert "no tokens arrived from the browser (timed_out)" in out
    assert RECEIVER_URL.search(err)


def test_an_origin_that_is_not_one_is_a_usage_error(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--project", str(project), "--from-browser", "--origin",
                 "localhost:5173/app"])
    assert code == 2 and "--origin takes a page origin" in capsys.readouterr().err


# -- minting ------------------------------------------------------------------------------------
def mint(app_dir: Path, api: LocalClerkAPI, capsys: pytest.CaptureFixture[str],
         *extra: str) -> tuple[int, str, str]:
    code = main(["check", "--project", str(app_dir), "--use-secret-key", "--mint",
                 "--clerk-api-url", api.url, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_mint_finds_the_latest_session_and_judges_both_tokens(
        app_dir: Path, api: LocalClerkAPI, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    api.integration = True
    code, out, err = mint(app_dir, api, capsys, "--json")
    document = json.loads(out)
    failed = [c for c in document["checks"] if c["status"] == "fail"]
    assert code == 0 and document["ok"] is True, failed
    assert document["source"]["mint"]["session_id"] == "sess_2demo"
    assert {slot: t["verified"] for slot, t in document["source"]["tokens"].items()} == {
        "session": True, "template": True}
    assert ("POST", "/v1/sessions/sess_2demo/tokens/convex") in [
        (r.method, r.path) for r in api.requests]
    assert "GET " + api.url + "/v1/users" in err  # the calls are named before they are made
    assert JWT.search(out + err) is None  # the minted tokens never reach the output
    assert_nowhere([SECRET_KEY], out, err, root=tmp_path / "home")


def test_mint_without_the_secret_key_agreement_sends_nothing(
        app_dir: Path, api: LocalClerkAPI, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--project", str(app_dir), "--mint"])
    assert code == 2 and api.requests == []
    assert "--mint needs --use-secret-key" in capsys.readouterr().err


def test_mint_with_no_active_session_creates_and_revokes_only_when_asked(
        app_dir: Path, api: LocalClerkAPI, capsys: pytest.CaptureFixture[str]) -> None:
    api.people("no_active_session")
    code, out, _err = mint(app_dir, api, capsys)
    assert code == 1 and "no token was minted: no_active_session" in out
    assert not any(r.path == "/v1/sessions" and r.method == "POST" for r in api.requests)

    code, out, _err = mint(app_dir, api, capsys, "--create-session")
    created = [s for s in api.sessions if s["id"] not in ("sess_2demo",)
               and s["status"] == "revoked"]
    assert code == 0, out
    assert len(created) == 1 and "then revoked it: True" in out
    assert not any(s["status"] == "active" for s in api.sessions)


def test_mint_never_creates_a_session_on_production(
        make_project: MakeProject, issuer: LocalIssuer, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    live = "sk_live_TGl2ZVNlY3JldEtleUZvclRlc3RzMTIzNDU2Nzg5MA"
    with LocalClerkAPI(secret_key=live, frontend_api_url=issuer.url, issuer=issuer) as prod:
        prod.instance_type = "production"
        prod.people("no_active_session")
        root = make_project(issuer.url, publishable_key=issuer.publishable_key,
                            secrets=False, name="prod")
        (root / ".env").write_text(f"CLERK_SECRET_KEY={live}\nCLERK_API_URL={prod.url}\n")
        before = [dict(s) for s in prod.sessions]
        code = main(["check", "--project", str(root), "--use-secret-key", "--mint",
                     "--clerk-api-url", prod.url, "--create-session"])
        out = capsys.readouterr().out
        assert code == 1 and "minting: production_instance" in out
        assert prod.sessions == before
        assert not any(r.method == "POST" for r in prod.requests)
