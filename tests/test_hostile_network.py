"""Keys go only where they belong, every request has one deadline, and ``report --offline``
sends nothing (issue 10, items 1, 4 and 8).

The hostile parts are real servers on 127.0.0.1: a :class:`Recorder` notes the host, path and
``Authorization`` scheme (never the value) of every request it gets, and can redirect, trickle
its headers or body a byte at a time, or answer each redirect hop slowly. As an HTTP proxy
(``ALL_PROXY``) it notes the host a request was headed for (``CONNECT host:443``) and refuses
it, which shows where a key went without anything leaving this machine.
"""

from __future__ import annotations

import ast
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Static

from screens.dialogs.clerk_dialogs import SecretKeyAgreement
from screens.dialogs.deploy_key_dialog import DeployKeyAgreement
from screens.panels.deploy_key_consent import DeployKeyConsent
from screens.widgets.checks import CheckList
from tests.conftest import DEPLOY_KEY, SECRET_KEY, MakeProject
from tests.ui_support import make_app, settle
from wizard.checks.model import Status
from wizard.cli import main
from wizard.demo.local_convex import LocalConvex, oidc
from wizard.demo.local_issuer import LocalIssuer
from wizard.demo.local_server import LocalServer, QuietHandler
from wizard.services.http import new_client, request_capped
from wizard.services.keys import (
    CLERK_API_FLAG,
    Destinations,
    KeyWithheld,
    clerk_secret_key_credential,
    deploy_key_credential,
)

ROOT = Path(__file__).resolve().parent.parent
SELF_HOSTED_KEY = "convex-self-hosted|01a2b3c4d5e6f708192a3b4c5d6e7f80"
KEY_VARS = ("CONVEX_DEPLOY_KEY", "CONVEX_SELF_HOSTED_ADMIN_KEY", "CLERK_API_URL",
            "CLERK_SECRET_KEY", "VITE_CONVEX_URL", "CONVEX_URL", "CONVEX_SELF_HOSTED_URL")
HANG_BOUND = 10.0
"""Generous: a 1 s deadline that holds finishes far below it; without it a trickle runs
:data:`TRICKLE_BYTES` × 0.1 s."""
TRICKLE_BYTES = 200
SIZE = (120, 40)


# -- the recording server ---------------------------------------------------------------------
@dataclass(frozen=True)
class Seen:
    method: str
    host: str  # the Host header; for CONNECT, where the request was headed
    path: str
    scheme: str | None  # the Authorization scheme ("Bearer", "Convex"), never the value


class _RecorderHandler(QuietHandler):
    def _serve(self) -> None:
        recorder = self.owner(Recorder)
        auth = self.headers.get("Authorization")
        recorder._record(Seen(self.command, self.headers.get("Host", ""), self.path,
                              auth.split(" ", 1)[0] if auth else None))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        recorder.answer(self)

    do_GET = do_POST = _serve

    def do_CONNECT(self) -> None:
        self.owner(Recorder)._record(Seen("CONNECT", self.path, "", None))
        self._send(403, b"", None)


class Recorder(LocalServer[Seen]):
    """``mode``: json (a 200 answer) | redirect (307 to ``redirect_to`` + the same path) |
    trickle-headers | trickle-body (a byte every ``interval`` s) | slow-hops (each answer
    waits ``interval`` s, then redirects to the next hop on itself)."""

    handler = _RecorderHandler
    thread_name = "recorder"

    def __init__(self, mode: str = "json", *, redirect_to: str = "",
                 interval: float = 0.1) -> None:
        super().__init__()
        self.mode, self.redirect_to, self.interval = mode, redirect_to, interval

    def answer(self, handler: QuietHandler) -> None:
        if self.mode == "redirect":
            handler._send(307, b"", None, {"Location": self.redirect_to + handler.path})
        elif self.mode == "slow-hops":
            if not self._stopping.wait(self.interval):
                handler._send(307, b"", None, {"Location": f"/hop-{len(self.requests)}"})
        elif self.mode == "trickle-headers":
            self._trickle(handler, b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * TRICKLE_BYTES)
        elif self.mode == "trickle-body":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            handler.wfile.write(head + b"Content-Length: 100000\r\n\r\n")
            self._trickle(handler, b"{" + b" " * TRICKLE_BYTES)
        else:
            handler._send(200, b'{"status": "success", "value": []}')

    def _trickle(self, handler: QuietHandler, data: bytes) -> None:
        for index in range(len(data)):
            if self._stopping.wait(self.interval):
                return
            try:
                handler.wfile.write(data[index:index + 1])
                handler.wfile.flush()
            except OSError:  # the client gave up: what the deadline is for
                return

    def hosts(self) -> set[str]:
        return {seen.host for seen in self.requests}


@pytest.fixture
def attacker() -> Iterator[Recorder]:
    with Recorder() as server:
        yield server


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """Every request to a host other than loopback is headed here, and refused."""
    with Recorder() as server:
        monkeypatch.setenv("ALL_PROXY", server.url)
        yield server


@pytest.fixture(autouse=True)
def _no_keys_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEY_VARS:
        monkeypatch.delenv(name, raising=False)


def write_app(make_project: MakeProject, issuer: LocalIssuer, *lines: str) -> Path:
    env = [f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}",
           f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}", *lines]
    return make_project(issuer.url, env_local="\n".join(env) + "\n")


def check_json(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> dict[str, Any]:
    main(["check", "--project", str(root), "--json", "--timeout", "5", *args])
    out = capsys.readouterr().out
    for secret in (DEPLOY_KEY, SELF_HOSTED_KEY, SECRET_KEY):
        assert secret.split("|")[-1] not in out
    document: dict[str, Any] = json.loads(out)
    return document


def by_id(document: dict[str, Any], check_id: str) -> dict[str, str]:
    return next(c for c in document["checks"] if c["id"] == check_id)


# -- the deploy key, with `check` ---------------------------------------------------------------
def test_a_project_url_never_gets_the_deploy_key_from_the_environment(
        make_project: MakeProject, issuer: LocalIssuer, attacker: Recorder, proxy: Recorder,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONVEX_DEPLOY_KEY", DEPLOY_KEY)  # a CI secret
    root = write_app(make_project, issuer, f"VITE_CONVEX_URL={attacker.url}")  # a PR's choice
    found = by_id(check_json(capsys, root), "convex.deployed_providers")
    assert attacker.requests == []
    # The key went to the deployment it names, and nowhere else.
    assert proxy.hosts() == {"happy-otter-123.convex.cloud:443"}
    assert "https://happy-otter-123.convex.cloud" in found["detail"]


def test_a_key_of_one_deployment_never_goes_to_another(
        make_project: MakeProject, issuer: LocalIssuer, proxy: Recorder,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = write_app(make_project, issuer, "VITE_CONVEX_URL=https://brave-lion-42.convex.cloud",
                     f"CONVEX_DEPLOY_KEY={DEPLOY_KEY}")
    check_json(capsys, root)
    assert proxy.hosts() == {"happy-otter-123.convex.cloud:443"}


def test_a_key_without_a_deployment_goes_only_where_the_user_names(
        make_project: MakeProject, issuer: LocalIssuer, attacker: Recorder, proxy: Recorder,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = write_app(make_project, issuer, f"CONVEX_SELF_HOSTED_URL={attacker.url}",
                     f"CONVEX_SELF_HOSTED_ADMIN_KEY={SELF_HOSTED_KEY}")
    found = by_id(check_json(capsys, root), "convex.deployed_providers")
    assert attacker.requests == [] and proxy.requests == []
    assert found["status"] == "warn"
    assert f"was not sent to {attacker.url}" in found["detail"]
    assert ".env.local:CONVEX_SELF_HOSTED_ADMIN_KEY" in found["detail"]
    assert ".env.local:CONVEX_SELF_HOSTED_URL" in found["detail"]
    assert f"--deployment-url {attacker.url}" in found["fix"]
    # Named on the command line, it goes there: once, with the key.
    check_json(capsys, root, "--deployment-url", attacker.url)
    assert attacker.requests == [Seen("POST", attacker.host, "/api/query", "Convex")]


def test_a_named_deployment_that_redirects_does_not_pass_the_key_on(
        make_project: MakeProject, issuer: LocalIssuer, attacker: Recorder,
        capsys: pytest.CaptureFixture[str]) -> None:
    with Recorder("redirect", redirect_to=attacker.url) as named:
        root = write_app(make_project, issuer, f"CONVEX_SELF_HOSTED_ADMIN_KEY={SELF_HOSTED_KEY}")
        found = by_id(check_json(capsys, root, "--deployment-url", named.url),
                      "convex.deployed_providers")
        assert [seen.scheme for seen in named.requests] == ["Convex"]
    assert attacker.requests == []
    assert "redirect" in found["detail"]


# -- the Clerk secret key, with `check` ---------------------------------------------------------
@pytest.mark.parametrize("where", ["env file", "environment"])
def test_clerk_api_url_from_the_project_or_environment_never_gets_the_secret_key(
        make_project: MakeProject, issuer: LocalIssuer, attacker: Recorder, proxy: Recorder,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        where: str) -> None:
    lines = [f"CLERK_SECRET_KEY={SECRET_KEY}"]
    if where == "env file":
        lines.append(f"CLERK_API_URL={attacker.url}")
    else:
        monkeypatch.setenv("CLERK_API_URL", attacker.url)
    root = write_app(make_project, issuer, *lines)
    found = by_id(check_json(capsys, root, "--use-secret-key"), "clerk.instance")
    assert attacker.requests == [] and proxy.requests == []
    assert found["status"] == "fail"
    assert f"was not sent to {attacker.url}" in found["detail"]
    source = ".env.local:CLERK_API_URL" if where == "env file" else "environment:CLERK_API_URL"
    assert source in found["detail"]
    assert f"--clerk-api-url {attacker.url}" in found["fix"]
    # Named on the command line, it goes there, with the key.
    check_json(capsys, root, "--use-secret-key", "--clerk-api-url", attacker.url)
    assert attacker.requests[0] == Seen("GET", attacker.host, "/v1/domains", "Bearer")


def test_the_secret_key_goes_to_clerks_api_by_default(
        make_project: MakeProject, issuer: LocalIssuer, proxy: Recorder,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = write_app(make_project, issuer, f"CLERK_SECRET_KEY={SECRET_KEY}")
    check_json(capsys, root, "--use-secret-key")
    assert proxy.hosts() == {"api.clerk.com:443"}


def test_a_redirect_never_carries_the_secret_key_to_another_host(
        make_project: MakeProject, issuer: LocalIssuer, attacker: Recorder,
        capsys: pytest.CaptureFixture[str]) -> None:
    with Recorder("redirect", redirect_to=attacker.url) as named:
        root = write_app(make_project, issuer, f"CLERK_SECRET_KEY={SECRET_KEY}")
        found = by_id(check_json(capsys, root, "--use-secret-key", "--clerk-api-url", named.url),
                      "clerk.instance")
        assert [(seen.path, seen.scheme) for seen in named.requests] == [
            ("/v1/domains", "Bearer")]
    assert attacker.requests == []
    assert found["status"] == "fail"
    assert f"{named.url} redirected there" in found["detail"]


def test_the_gate_is_in_the_request_itself(attacker: Recorder) -> None:
    """Whatever a caller asks for, request_capped puts a key only where it may go."""
    credential = clerk_secret_key_credential(SECRET_KEY, "test", Destinations())
    with new_client(5) as client, pytest.raises(KeyWithheld) as refused:
        request_capped(client, "GET", attacker.url + "/v1/domains", credential=credential)
    assert attacker.requests == []
    assert SECRET_KEY not in str(refused.value) and SECRET_KEY not in repr(credential)
    with Recorder("redirect", redirect_to=attacker.url) as named:
        credential = clerk_secret_key_credential(
            SECRET_KEY, "test", Destinations(clerk_api_url=named.url))
        with new_client(5) as client, pytest.raises(KeyWithheld):
            request_capped(client, "GET", named.url + "/v1/domains", credential=credential)
        assert len(named.requests) == 1
    assert attacker.requests == []


HTTPX_CALLS = frozenset({"Client", "request", "get", "post", "put", "patch", "delete", "stream",
                         "send", "build_request"})


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_only_request_capped_puts_a_key_in_a_request() -> None:
    """By construction: no other module of the product names the Authorization header or
    passes httpx an ``auth=`` (the loopback stand-ins read the header, on the server side),
    so no call site can send a key around the gate."""
    naming = set()
    for path in sorted((ROOT / "wizard").rglob("*.py")) + sorted((ROOT / "screens").rglob("*.py")):
        if path.name.startswith("local_"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            header = isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value.strip().lower() == "authorization"
            httpx_auth = isinstance(node, ast.Call) and _called(node) in HTTPX_CALLS \
                and any(keyword.arg == "auth" for keyword in node.keywords)
            if header or httpx_auth:
                naming.add(path.relative_to(ROOT).as_posix())
    assert naming == {"wizard/services/http.py"}


@pytest.mark.parametrize("url", [
    "https://happy-otter-123.convex.cloud@evil.example", "https://happy-otter-123.convex.cloud.",
    "https://happy-otter-123.convex.cloud.evil.example", "https://xhappy-otter-123.convex.cloud",
    "http://happy-otter-123.convex.cloud", "https://happy-otter-123.convex.cloud:8443",
    "https://brave-lion-42.convex.cloud", "https://happy-otter-123.convex.site"])
def test_a_deploy_key_home_is_exactly_its_deployment(url: str) -> None:
    credential = deploy_key_credential(DEPLOY_KEY, "test", Destinations())
    assert credential.admits("https://happy-otter-123.convex.cloud")
    assert credential.admits("https://HAPPY-otter-123.eu-west-1.convex.cloud/api/query")
    assert not credential.admits(url)


@pytest.mark.parametrize("key", [SELF_HOSTED_KEY, "preview:my-team:my-app|secret",
                                 "project:my-team:my-app|secret", "happy-otter-123|legacy"])
def test_a_key_naming_no_deployment_has_no_home(key: str) -> None:
    credential = deploy_key_credential(key, "test", Destinations())
    assert not credential.admits("https://happy-otter-123.convex.cloud")
    named = deploy_key_credential(key, "test", Destinations(deployment_url="http://127.0.0.1:3210"))
    assert named.admits("http://127.0.0.1:3210/api/query")
    assert not named.admits("http://127.0.0.1:3211") and not named.admits("https://127.0.0.1:3210")


def test_clerk_secret_key_home_is_exactly_clerks_api() -> None:
    credential = clerk_secret_key_credential(SECRET_KEY, "test", Destinations())
    assert credential.admits("https://api.clerk.com/v1/domains")
    for url in ("https://api.clerk.com.evil.example", "https://api.clerk.com:8443",
                "http://api.clerk.com", "https://evil.example/api.clerk.com",
                "https://api.clerk.com@evil.example"):
        assert not credential.admits(url), url


# -- the wizard ---------------------------------------------------------------------------------
def shown_status(app: Any, check_id: str) -> Status:
    return next(c.status for c in app.query_one("#config-checks", CheckList).checks
                if c.id == check_id)


async def test_the_wizard_sends_the_deploy_key_only_after_the_user_agrees(
        make_project: MakeProject, issuer: LocalIssuer, tmp_path: Path) -> None:
    with LocalConvex(providers=[oidc(issuer.url)], admin_keys=(SELF_HOSTED_KEY,)) as convex, \
            Recorder() as elsewhere:
        root = write_app(make_project, issuer, f"CONVEX_SELF_HOSTED_URL={convex.url}",
                         f"CONVEX_SELF_HOSTED_ADMIN_KEY={SELF_HOSTED_KEY}")
        state = tmp_path / "state"
        app = make_app(root, state)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert convex.requests == []  # nothing at start-up
            app.go_to("verify-config")
            await pilot.pause()
            assert shown_status(app, "convex.deployed_providers") is Status.WARN
            assert app.query_one(DeployKeyConsent).display
            app.query_one("#deploy-key-agree", Button).press()
            await pilot.pause()
            assert isinstance(app.screen, DeployKeyAgreement)
            text = str(app.screen.query_one("#deploy-key-agree-text", Static).content)
            for named in (convex.url, ".env.local:CONVEX_SELF_HOSTED_ADMIN_KEY",
                          ".env.local:CONVEX_SELF_HOSTED_URL"):
                assert named in text
            assert SELF_HOSTED_KEY.split("|")[1] not in text
            await pilot.click("#deploy-key-agree-yes")
            await settle(app, pilot)
            await settle(app, pilot)
            assert convex.requests == [("POST", "/api/query", "Convex")]
            assert shown_status(app, "convex.deployed_providers") is Status.PASS
            assert not app.query_one(DeployKeyConsent).display
            # The yes was for that host only: a project now naming another gets nothing.
            env = root / ".env.local"
            env.write_text(env.read_text().replace(convex.url, elsewhere.url))
            await pilot.press("r")
            await settle(app, pilot)
            await settle(app, pilot)
            assert elsewhere.requests == []
            assert app.query_one(DeployKeyConsent).display
        # Nor is it remembered: the next run sends nothing until asked again.
        env.write_text(env.read_text().replace(elsewhere.url, convex.url))
        again = make_app(root, state)
        async with again.run_test(size=SIZE) as pilot:
            await settle(again, pilot)
        assert len(convex.requests) == 1 and elsewhere.requests == []
        saved = "".join(p.read_text() for p in state.rglob("*") if p.is_file())
        assert SELF_HOSTED_KEY.split("|")[1] not in saved


async def test_the_wizard_sends_nothing_when_the_user_says_no(
        make_project: MakeProject, issuer: LocalIssuer, attacker: Recorder,
        tmp_path: Path) -> None:
    root = write_app(make_project, issuer, f"CONVEX_SELF_HOSTED_URL={attacker.url}",
                     f"CONVEX_SELF_HOSTED_ADMIN_KEY={SELF_HOSTED_KEY}",
                     f"CLERK_SECRET_KEY={SECRET_KEY}", f"CLERK_API_URL={attacker.url}")
    app = make_app(root, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("verify-config")
        await pilot.pause()
        app.query_one("#deploy-key-agree", Button).press()
        await pilot.pause()
        await pilot.click("#deploy-key-agree-no")
        await settle(app, pilot)
        # The Clerk secret key: the dialog says the host is not Clerk's, and where it is from.
        app.go_to("create-template")
        await pilot.pause()
        app.query_one("#clerk-side-check", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, SecretKeyAgreement)
        warning = str(app.screen.query_one("#clerk-agree-foreign", Static).content)
        assert attacker.url in warning and ".env.local:CLERK_API_URL" in warning
        await pilot.click("#clerk-agree-no")
        await settle(app, pilot)
    assert attacker.requests == []


async def test_the_wizard_names_the_hosts_given_on_its_command_line(
        make_project: MakeProject, issuer: LocalIssuer, tmp_path: Path) -> None:
    with LocalConvex(providers=[oidc(issuer.url)], admin_keys=(SELF_HOSTED_KEY,)) as convex:
        root = write_app(make_project, issuer, f"CONVEX_SELF_HOSTED_URL={convex.url}",
                         f"CONVEX_SELF_HOSTED_ADMIN_KEY={SELF_HOSTED_KEY}")
        app = make_app(root, tmp_path / "state",
                       destinations=Destinations(deployment_url=convex.url))
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert convex.requests == [("POST", "/api/query", "Convex")]


# -- one deadline per request -------------------------------------------------------------------
def trickler_project(make_project: MakeProject, issuer: LocalIssuer, service: str,
                     slow: Recorder) -> tuple[Path, list[str]]:
    """A project whose ``service`` (issuer | clerk | convex) is the slow server."""
    if service == "issuer":
        return make_project(slow.url, secrets=False), []
    if service == "clerk":
        root = write_app(make_project, issuer, f"CLERK_SECRET_KEY={SECRET_KEY}")
        return root, ["--use-secret-key", CLERK_API_FLAG, slow.url]
    root = write_app(make_project, issuer, f"CONVEX_SELF_HOSTED_ADMIN_KEY={SELF_HOSTED_KEY}")
    return root, ["--deployment-url", slow.url]


@pytest.mark.parametrize("mode", ["trickle-headers", "trickle-body", "slow-hops"])
@pytest.mark.parametrize("service", ["issuer", "clerk", "convex"])
def test_a_slow_server_is_cut_at_the_deadline(
        make_project: MakeProject, issuer: LocalIssuer, capsys: pytest.CaptureFixture[str],
        mode: str, service: str) -> None:
    if service == "convex" and mode == "slow-hops":
        pytest.skip("the Convex probe follows no redirect")
    interval = 0.6 if mode == "slow-hops" else 0.1  # each hop alone is within the timeout
    with Recorder(mode, interval=interval) as slow:
        root, extra = trickler_project(make_project, issuer, service, slow)
        started = time.monotonic()
        main(["check", "--project", str(root), "--json", "--timeout", "1", *extra])
        elapsed = time.monotonic() - started
        assert slow.requests
    assert elapsed < HANG_BOUND
    assert "no answer within 1 s" in capsys.readouterr().out


def test_a_resolver_that_never_answers_is_cut_at_the_deadline(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The system resolver has no timeout: a lookup that hangs (a dead DNS server) must not
    hold the run past the deadline. The resolver is the one thing stood in for here."""
    import socket

    real = socket.getaddrinfo
    release = threading.Event()

    def hung(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "issuer.hung-dns.test":
            release.wait(60)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hung)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,issuer.hung-dns.test")
    root = make_project("https://issuer.hung-dns.test", secrets=False)
    started = time.monotonic()
    try:
        main(["check", "--project", str(root), "--json", "--timeout", "1"])
    finally:
        release.set()
    assert time.monotonic() - started < HANG_BOUND
    assert "no answer within 1 s" in capsys.readouterr().out


# -- report --offline -------------------------------------------------------------------------
def test_report_offline_makes_no_request_and_runs_nothing(
        make_project: MakeProject, attacker: Recorder, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONVEX_AUTH_WIZARD_STATE_DIR", str(tmp_path / "state"))
    root = make_project(attacker.url, secrets=False)
    ran = tmp_path / "convex-ran"
    cli = root / "node_modules" / ".bin" / "convex"
    cli.parent.mkdir(parents=True)
    cli.write_text(f"#!/bin/sh\necho \"$@\" >> {ran}\nexit 1\n")
    cli.chmod(0o755)
    assert main(["report", "--project", str(root), "--offline", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert attacker.requests == [] and not ran.exists()
    assert any("--offline" in c["detail"] for c in document["checks"])
    # Without it, the same project is asked and the project's CLI is run.
    main(["report", "--project", str(root), "--format", "json"])
    capsys.readouterr()
    assert attacker.requests and any(line.startswith("env get")  # previews asked beside it
                                     for line in ran.read_text().splitlines())
