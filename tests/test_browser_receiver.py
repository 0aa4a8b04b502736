"""The one-time loopback receiver, its snippets, and what the two tokens say (issue 15 §1).

No browser runs here, so real HTTP clients do what a browser does: the CORS preflight
(``OPTIONS`` with ``Origin``, the request method and headers, and Chrome's private-network
header), then the POST with ``Origin``. httpx always; Node's ``fetch`` where Node is installed,
which also runs the console snippets themselves against a stand-in ``window.Clerk``. Tokens
are real ones from the local issuer, and they verify through the engine.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import MakeProject
from wizard.browser.origins import InvalidOrigin, OriginPolicy, normalise_origin
from wizard.browser.payload import MAX_PAYLOAD_BYTES, PayloadProblem, read_payload
from wizard.browser.receiver import (
    LoopbackReceiver,
    NotLoopback,
    Outcome,
    ReceiverResult,
    Refused,
)
from wizard.browser.snippet import copy_snippet, send_snippet
from wizard.demo.local_issuer import LocalIssuer
from wizard.providers.clerk.token_pair import (
    Integration,
    NoToken,
    Slot,
    TemplateState,
    TokenError,
    TokenOutcome,
    TokenPair,
    analyse_pair,
)
from wizard.rules.convex import ProviderRule
from wizard.walkthrough.session import Options, load

PAGE = "http://localhost:5173"
TEMPLATE_MISSING = "No JWT template exists with name: convex"
HANG_BOUND = 10.0
"""Generous: it only catches a receiver that does not close."""
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node is not installed (the httpx tests "
                                "drive the same browser exchange)")


# -- helpers ----------------------------------------------------------------------------------
@pytest.fixture
def tokens(issuer: LocalIssuer) -> dict[str, str]:
    """A session token of the Convex integration and a template token, valid now."""
    now = int(time.time())
    return {"session": issuer.mint(issuer.session_claims(now, aud="convex")),
            "template": issuer.mint(issuer.template_claims(now))}


@pytest.fixture
def receiver() -> Iterator[LoopbackReceiver]:
    with LoopbackReceiver(wait=30) as started:
        yield started


@pytest.fixture(autouse=True)
def _writes_land_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Anything written under the home or state folders lands in tmp_path, where the tests
    look for tokens."""
    for name in ("HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
                 "XDG_CONFIG_HOME", "CONVEX_AUTH_WIZARD_STATE_DIR"):
        monkeypatch.setenv(name, str(tmp_path / "home" / name.lower()))


def payload(session: dict[str, Any], template: dict[str, Any], *,
            origin: str | None = PAGE) -> dict[str, Any]:
    return {"v": 1, "origin": origin, "session": session, "template": template}


def template_missing() -> dict[str, Any]:
    return {"error": {"kind": "clerk", "message": TEMPLATE_MISSING, "status": 404,
                      "code": "resource_not_found"}}


def preflight(url: str, origin: str | None = PAGE, *, method: str = "POST",
              headers: str = "content-type", private_network: bool = True) -> httpx.Response:
    """What a browser sends before a cross-origin POST of JSON."""
    sent = {"Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
    if origin is not None:
        sent["Origin"] = origin
    if private_network:
        sent["Access-Control-Request-Private-Network"] = "true"
    return httpx.options(url, headers=sent)


def post(url: str, body: bytes | dict[str, Any], origin: str | None = PAGE, *,
         content_type: str = "application/json") -> httpx.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Content-Type": content_type}
    if origin is not None:
        sent["Origin"] = origin
    return httpx.post(url, content=data, headers=sent)


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {name: value for name, value in response.headers.items()
            if name.lower().startswith("access-control-")}


def address(receiver: LoopbackReceiver) -> tuple[str, int]:
    host, port = receiver.host.rsplit(":", 1)
    return host, int(port)


def reasons(result: ReceiverResult) -> list[Refused]:
    return [refusal.reason for refusal in result.refusals]


def assert_closed(receiver_url: str) -> None:
    with pytest.raises(httpx.ConnectError):
        post(receiver_url, payload(template_missing(), template_missing()))


def assert_no_token_written(root: Path, *texts: str) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for text in texts:
                assert text.encode() not in data, path


def run_node(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    clean = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True,
                          text=True, timeout=60, env={**clean, **env}, check=False)


# -- the exchange a browser makes, from httpx ---------------------------------------------------
def test_preflight_then_post_from_a_dev_page_delivers_both_tokens(
        receiver: LoopbackReceiver, tokens: dict[str, str], tmp_path: Path,
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    answer = preflight(receiver.url)
    assert answer.status_code == 204 and answer.content == b""
    assert cors_headers(answer) == {
        "access-control-allow-origin": PAGE,
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "60",
        "access-control-allow-private-network": "true",
    }
    sent = post(receiver.url, payload({"token": tokens["session"]},
                                      {"token": tokens["template"]}))
    assert sent.status_code == 204 and sent.content == b""
    assert cors_headers(sent) == {"access-control-allow-origin": PAGE}

    result = receiver.wait_for_tokens()
    assert result.outcome is Outcome.RECEIVED and result.origin == PAGE
    assert result.tokens is not None and result.tokens.page_origin == PAGE
    assert result.tokens.pair.session.token == tokens["session"]
    assert result.tokens.pair.template.token == tokens["template"]
    assert result.refusals == () and result.preflights == 1
    assert_closed(receiver.url)

    shown = json.dumps(result.to_dict()) + repr(result)
    out, err = capfd.readouterr()
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    for token in tokens.values():
        assert token not in shown and token not in out + err
    assert out + err == "" and ours == []  # nothing printed, nothing logged (but the client's)
    assert_no_token_written(tmp_path, *tokens.values())


def test_the_private_network_grant_only_when_asked(receiver: LoopbackReceiver) -> None:
    answer = preflight(receiver.url, private_network=False)
    assert answer.status_code == 204
    assert "access-control-allow-private-network" not in cors_headers(answer)
    assert cors_headers(answer)["access-control-allow-origin"] == PAGE


@pytest.mark.parametrize("page", ["http://127.0.0.1:3000", "https://localhost:3000",
                                  "http://[::1]:8080", "http://localhost"])
def test_every_page_served_from_this_machine_is_allowed_when_none_was_named(
        receiver: LoopbackReceiver, page: str) -> None:
    assert cors_headers(preflight(receiver.url, page))["access-control-allow-origin"] == page


@pytest.mark.parametrize("page", ["https://evil.example", "http://localhost.evil.example:5173",
                                  "null", "http://127.0.0.2:5173", "http://LOCALHOST:5173",
                                  "http://localhost:5173/", "file://"])
def test_any_other_origin_gets_no_cors_headers_and_is_refused(
        receiver: LoopbackReceiver, tokens: dict[str, str], page: str) -> None:
    answer = preflight(receiver.url, page)
    assert answer.status_code == 403 and cors_headers(answer) == {}
    sent = post(receiver.url, payload({"token": tokens["session"]}, template_missing(),
                                      origin=page), page)
    assert sent.status_code == 403 and cors_headers(sent) == {}
    result = receiver.result()
    assert result.outcome is Outcome.WAITING and result.tokens is None
    assert reasons(result) == [Refused.ORIGIN_NOT_ALLOWED] * 2


def test_a_post_without_origin_is_refused(receiver: LoopbackReceiver,
                                          tokens: dict[str, str]) -> None:
    sent = post(receiver.url, payload({"token": tokens["session"]}, template_missing()), None)
    assert sent.status_code == 403 and cors_headers(sent) == {}
    assert reasons(receiver.result()) == [Refused.ORIGIN_NOT_ALLOWED]
    assert receiver.result().outcome is Outcome.WAITING


def test_a_named_origin_is_the_only_one_allowed(tokens: dict[str, str]) -> None:
    app = "https://app.example.com"
    with LoopbackReceiver(origins=OriginPolicy.of(["https://APP.example.com:443/"]),
                          wait=30) as receiver:
        assert preflight(receiver.url, PAGE).status_code == 403
        granted = preflight(receiver.url, app)
        assert granted.headers["access-control-allow-origin"] == app
        assert post(receiver.url, payload({"token": tokens["session"]}, template_missing(),
                                          origin=app), app).status_code == 204
        assert receiver.wait_for_tokens().origin == app


def test_a_preflight_asking_for_more_than_a_json_post_is_refused(
        receiver: LoopbackReceiver) -> None:
    for method, headers in (("PUT", "content-type"), ("POST", "content-type, authorization")):
        answer = preflight(receiver.url, method=method, headers=headers)
        assert answer.status_code == 403 and cors_headers(answer) == {}
    assert reasons(receiver.result()) == [Refused.PREFLIGHT_NOT_ALLOWED] * 2


def test_the_origin_the_page_reports_must_be_the_one_that_sent(
        receiver: LoopbackReceiver, tokens: dict[str, str]) -> None:
    sent = post(receiver.url, payload({"token": tokens["session"]}, template_missing(),
                                      origin="https://other.example"))
    assert sent.status_code == 400
    assert reasons(receiver.result()) == [Refused.ORIGIN_MISMATCH]


# -- the nonce and nothing else -----------------------------------------------------------------
def test_a_wrong_nonce_is_a_bare_404_and_the_receiver_keeps_waiting(
        receiver: LoopbackReceiver, tokens: dict[str, str]) -> None:
    root, nonce = receiver.url.rsplit("/", 1)
    body = payload({"token": tokens["session"]}, template_missing())
    for wrong in (root + "/", f"{root}/{nonce[:-1]}", f"{root}/{nonce}x", f"{root}/{nonce}/",
                  f"{root}/{nonce}?a=1", f"{root}/{nonce.swapcase()}",
                  f"{root}/{'A' * len(nonce)}"):
        for answer in (post(wrong, body), preflight(wrong), httpx.get(wrong)):
            assert answer.status_code == 404 and answer.content == b""
            assert cors_headers(answer) == {}
    result = receiver.result()
    assert result.outcome is Outcome.WAITING and set(reasons(result)) == {Refused.NOT_FOUND}
    assert post(receiver.url, body).status_code == 204  # the right one still works


def test_the_nonce_is_128_random_bits_and_new_for_every_receiver() -> None:
    nonces = set()
    for _ in range(3):
        with LoopbackReceiver(wait=30) as receiver:
            nonce = receiver.url.rsplit("/", 1)[1]
            assert len(nonce) == 22  # 16 bytes in unpadded base64url
            nonces.add(nonce)
    assert len(nonces) == 3


def test_nothing_of_the_request_is_echoed(receiver: LoopbackReceiver) -> None:
    root = receiver.url.rsplit("/", 1)[0]
    probe = "/<script>alert(1)</script>"
    answer = httpx.get(root + probe, headers={"Origin": PAGE})
    assert answer.status_code == 404 and answer.content == b""
    assert "script" not in str(answer.headers).lower()
    assert "python" not in answer.headers.get("server", "").lower()
    # Request lines http.server refuses, and whose text its own error page would repeat.
    for line, status in ((b"REFLECT /<b>reflected</b> HTTP/1.1", b"501"),
                         (b"GET /<b>reflected</b> HTTP/1.1 reflected", None),
                         (b"GET /<b>reflected</b> HTTP/9.9", None)):
        with socket.create_connection(address(receiver), timeout=HANG_BOUND) as raw:
            raw.sendall(line + b"\r\nHost: " + receiver.host.encode() + b"\r\n\r\n")
            reply = raw.recv(65536)
        assert b"reflected" not in reply
        if status is None:  # answered as HTTP/0.9: no status line, and no body either
            assert reply == b""
        else:
            assert reply.startswith(b"HTTP/1.0 " + status) and reply.endswith(b"\r\n\r\n")
    assert reasons(receiver.result())[1:] == [Refused.MALFORMED_REQUEST] * 3
    assert json.dumps(receiver.result().to_dict()).count("script") == 0


def test_other_methods_on_the_receiver_path_are_refused(receiver: LoopbackReceiver) -> None:
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        answer = httpx.request(method, receiver.url, headers={"Origin": PAGE})
        assert answer.status_code == 405 and answer.content == b""
    assert reasons(receiver.result()) == [Refused.METHOD_NOT_ALLOWED] * 4


def test_a_host_header_that_is_not_the_receivers_is_refused(
        receiver: LoopbackReceiver, tokens: dict[str, str]) -> None:
    """A page on a DNS name rebound to 127.0.0.1 sends its own name as Host."""
    sent = httpx.post(receiver.url, json=payload({"token": tokens["session"]},
                                                 template_missing()),
                      headers={"Origin": PAGE, "Host": "rebound.example:80"})
    assert sent.status_code == 421
    assert reasons(receiver.result()) == [Refused.HOST_MISMATCH]


# -- bodies -------------------------------------------------------------------------------------
def test_an_oversize_body_is_refused_unread(receiver: LoopbackReceiver) -> None:
    body = b'{"v":1,"pad":"' + b"x" * MAX_PAYLOAD_BYTES + b'"}'
    answer = post(receiver.url, body)
    assert answer.status_code == 413
    assert answer.headers["access-control-allow-origin"] == PAGE  # the page may read why
    nonce = receiver.url.rsplit("/", 1)[1]
    with socket.create_connection(address(receiver), timeout=HANG_BOUND) as raw:
        raw.sendall(f"POST /{nonce} HTTP/1.1\r\nHost: {receiver.host}\r\nOrigin: {PAGE}\r\n"
                    "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
                    .encode())  # announced, never sent: refused from the header alone
        assert raw.recv(65536).startswith(b"HTTP/1.0 413")
    assert reasons(receiver.result()) == [Refused.TOO_LARGE] * 2
    assert receiver.result().outcome is Outcome.WAITING


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", Refused.MALFORMED_JSON),
    (b"[" * 5000 + b"]" * 5000, Refused.MALFORMED_JSON),
    (b"\xff\xfe", Refused.MALFORMED_JSON),
    (b'{"v":1,"origin":null,"session":{"token":"a b"},"template":{"token":"x"}}',
     Refused.MALFORMED_BODY),
    (b'{"v":1,"v":1,"origin":null,"session":{"token":"a"},"template":{"token":"b"}}',
     Refused.MALFORMED_BODY),
    (b'{"v":2,"origin":null,"session":{"token":"a"},"template":{"token":"b"}}',
     Refused.MALFORMED_BODY),
    (b'{"v":1,"origin":null,"session":{"token":"a"},"template":{"token":"b"},"x":1}',
     Refused.MALFORMED_BODY),
    (b'{"v":1,"origin":null,"session":{"error":{"kind":"boom"}},"template":{"token":"b"}}',
     Refused.MALFORMED_BODY),
    (b'{"v":1,"origin":null,"session":{"token":"a\\u0007"},"template":{"token":"b"}}',
     Refused.MALFORMED_BODY),
])
def test_a_malformed_body_is_refused_and_the_receiver_keeps_waiting(
        receiver: LoopbackReceiver, body: bytes, reason: Refused) -> None:
    assert post(receiver.url, body).status_code == 400
    assert reasons(receiver.result()) == [reason]
    assert receiver.result().outcome is Outcome.WAITING


def test_a_post_that_is_not_json_or_has_no_length_is_refused(
        receiver: LoopbackReceiver, tokens: dict[str, str]) -> None:
    body = json.dumps(payload({"token": tokens["session"]}, template_missing())).encode()
    assert post(receiver.url, body, content_type="text/plain").status_code == 415
    chunked = httpx.post(receiver.url, content=iter([body]),
                         headers={"Origin": PAGE, "Content-Type": "application/json"})
    assert chunked.status_code == 411
    assert reasons(receiver.result()) == [Refused.UNSUPPORTED_MEDIA_TYPE,
                                          Refused.LENGTH_REQUIRED]


def test_a_body_shorter_than_announced_is_refused_after_the_read_timeout() -> None:
    with LoopbackReceiver(wait=30, read_timeout=0.5) as receiver:
        nonce = receiver.url.rsplit("/", 1)[1]
        started = time.monotonic()
        with socket.create_connection(address(receiver), timeout=HANG_BOUND) as raw:
            raw.sendall(f"POST /{nonce} HTTP/1.1\r\nHost: {receiver.host}\r\nOrigin: {PAGE}"
                        "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                        .encode())
            reply = raw.recv(65536)
        assert reply.startswith(b"HTTP/1.0 400")
        assert time.monotonic() - started < HANG_BOUND
        assert reasons(receiver.result()) == [Refused.INCOMPLETE_BODY]


# -- single use, timeout, cancel, loopback only ----------------------------------------------
def test_a_second_request_finds_the_receiver_closed(
        receiver: LoopbackReceiver, tokens: dict[str, str]) -> None:
    nonce = receiver.url.rsplit("/", 1)[1]
    early = socket.create_connection(address(receiver), timeout=HANG_BOUND)  # before the POST
    first = payload({"token": tokens["session"]}, {"token": tokens["template"]})
    assert post(receiver.url, first).status_code == 204
    assert_closed(receiver.url)  # a new connection: no one listens any more
    body = json.dumps(payload(template_missing(), template_missing())).encode()
    with early:  # a connection made before: answered, but refused
        early.sendall(f"POST /{nonce} HTTP/1.1\r\nHost: {receiver.host}\r\nOrigin: {PAGE}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                      .encode() + body)
        assert early.recv(65536).startswith(b"HTTP/1.0 410")
    result = receiver.wait_for_tokens()
    assert result.outcome is Outcome.RECEIVED
    assert result.tokens is not None and result.tokens.pair.session.token == tokens["session"]
    assert reasons(result) == [Refused.ALREADY_USED]


def test_the_wait_expires_cleanly() -> None:
    receiver = LoopbackReceiver(wait=0.3).start()
    url = receiver.url
    started = time.monotonic()
    result = receiver.wait_for_tokens()
    assert time.monotonic() - started < HANG_BOUND
    assert result.outcome is Outcome.TIMED_OUT and result.tokens is None
    assert_closed(url)
    assert receiver.cancel().outcome is Outcome.TIMED_OUT  # cancelling after: a no-op


def test_cancel_from_another_thread_ends_the_wait(receiver: LoopbackReceiver,
                                                  tokens: dict[str, str]) -> None:
    results: list[ReceiverResult] = []
    waiter = threading.Thread(target=lambda: results.append(receiver.wait_for_tokens()))
    waiter.start()
    time.sleep(0.1)
    assert receiver.cancel().outcome is Outcome.CANCELLED
    waiter.join(HANG_BOUND)
    assert not waiter.is_alive()
    assert results[0].outcome is Outcome.CANCELLED and results[0].tokens is None
    assert_closed(receiver.url)


def test_a_cancelled_receiver_never_takes_tokens(tokens: dict[str, str]) -> None:
    receiver = LoopbackReceiver(wait=30)
    assert receiver.cancel().outcome is Outcome.CANCELLED
    receiver.start()  # too late: it stays closed
    with pytest.raises(RuntimeError):
        receiver.wait_for_tokens()


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.10", "::1", "::", "localhost",
                                     "example.com", "", "127.0.0.1 "])
def test_it_never_binds_anything_but_ipv4_loopback(address: str) -> None:
    with pytest.raises(NotLoopback) as refused:
        LoopbackReceiver(bind=address)
    assert refused.value.address == address


def test_it_listens_on_127_0_0_1_only(receiver: LoopbackReceiver) -> None:
    assert receiver.host.startswith("127.0.0.1:")
    assert receiver.url.startswith("http://127.0.0.1:")


# -- the snippets, run in Node against a stand-in Clerk ------------------------------------------
BROWSER = """
const ORIGIN = process.env.PAGE_ORIGIN, MODE = process.env.CLERK_MODE;
const realFetch = globalThis.fetch, calls = [];
// What a browser does for a cross-origin POST of JSON: a preflight first, then the request,
// both with Origin, and the page sees the answer only when the CORS grant names it.
globalThis.fetch = async (url, init) => {
  const pre = await realFetch(url, {method: 'OPTIONS', headers: {Origin: ORIGIN,
    'Access-Control-Request-Method': init.method,
    'Access-Control-Request-Headers': Object.keys(init.headers).join(','),
    'Access-Control-Request-Private-Network': 'true'}});
  if (!pre.ok || pre.headers.get('access-control-allow-origin') !== ORIGIN
      || pre.headers.get('access-control-allow-private-network') !== 'true')
    throw new TypeError('Failed to fetch');
  const res = await realFetch(url, {...init, headers: {...init.headers, Origin: ORIGIN}});
  if (res.headers.get('access-control-allow-origin') !== ORIGIN)
    throw new TypeError('Failed to fetch');
  return res;
};
class ClerkAPIResponseError extends Error {
  constructor(message, {data, status}) {
    super(message); this.status = status; this.code = 'api_response_error';
    this.errors = data.map(e => ({code: e.code, message: e.message, longMessage: e.long_message}));
  }
}
const session = {getToken: async (options) => {
  calls.push(options);
  if (!options || !options.template) return process.env.SESSION_TOKEN;
  if (process.env.TEMPLATE_TOKEN) return process.env.TEMPLATE_TOKEN;
  throw new ClerkAPIResponseError('No JWT template exists with name: convex', {status: 404,
    data: [{code: 'resource_not_found', message: 'JWT template not found',
            long_message: 'No JWT template exists with name: convex'}]});
}};
globalThis.window = globalThis;
globalThis.location = {origin: ORIGIN};
if (MODE !== 'no_clerk') globalThis.Clerk = {session: MODE === 'signed_out' ? null : session};
let clipboard = null;
globalThis.copy = (text) => { clipboard = text; };
"""


def node_snippet(snippet: str, *, mode: str = "ok",
                 session: str = "", template: str = "",
                 origin: str = PAGE) -> tuple[dict[str, Any], str]:
    """Run a snippet as the console would; the result, and whatever else was printed."""
    script = BROWSER + f"const shown = {snippet};\n" + \
        "console.log(JSON.stringify({shown: shown === undefined ? null : await shown, calls," \
        " clipboard}));\n"
    done = run_node(script, PAGE_ORIGIN=origin, CLERK_MODE=mode, SESSION_TOKEN=session,
                    TEMPLATE_TOKEN=template)
    assert done.returncode == 0, done.stderr
    *printed, last = done.stdout.splitlines()
    return json.loads(last), "\n".join(printed) + done.stderr


@needs_node
def test_node_fetch_makes_the_browser_exchange(receiver: LoopbackReceiver,
                                               tokens: dict[str, str]) -> None:
    script = """
const url = process.env.URL, origin = process.env.PAGE_ORIGIN;
const pre = await fetch(url, {method: 'OPTIONS', headers: {Origin: origin,
  'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type',
  'Access-Control-Request-Private-Network': 'true'}});
const post = await fetch(url, {method: 'POST', headers: {Origin: origin,
  'content-type': 'application/json'}, body: process.env.BODY});
console.log(JSON.stringify({pre: pre.status, allow: pre.headers.get('access-control-allow-origin'),
  pna: pre.headers.get('access-control-allow-private-network'), post: post.status,
  postAllow: post.headers.get('access-control-allow-origin')}));
"""
    body = json.dumps(payload({"token": tokens["session"]}, template_missing()))
    done = run_node(script, URL=receiver.url, PAGE_ORIGIN=PAGE, BODY=body)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"pre": 204, "allow": PAGE, "pna": "true", "post": 204,
                                       "postAllow": PAGE}
    result = receiver.wait_for_tokens()
    assert result.outcome is Outcome.RECEIVED and result.preflights == 1
    assert result.tokens is not None
    assert result.tokens.pair.session.token == tokens["session"]


@needs_node
def test_the_send_snippet_delivers_the_session_token_and_the_template_error(
        receiver: LoopbackReceiver, tokens: dict[str, str], tmp_path: Path) -> None:
    shown, output = node_snippet(receiver.snippet(), session=tokens["session"])
    assert shown["shown"] == "convex-auth-wizard: sent" and output == ""
    assert shown["calls"] == [{"skipCache": True}, {"template": "convex", "skipCache": True}]
    assert tokens["session"] not in shown["shown"]
    result = receiver.wait_for_tokens()
    assert result.outcome is Outcome.RECEIVED and result.origin == PAGE
    assert result.tokens is not None
    pair = result.tokens.pair
    assert pair.session.token == tokens["session"]
    assert pair.template.error == TokenError(NoToken.TEMPLATE_NOT_FOUND, TEMPLATE_MISSING, 404,
                                             "resource_not_found")
    assert_no_token_written(tmp_path, tokens["session"])


@needs_node
@pytest.mark.parametrize(("mode", "reason"), [("signed_out", NoToken.SIGNED_OUT),
                                              ("no_clerk", NoToken.NO_CLERK)])
def test_the_send_snippet_reports_a_signed_out_page(receiver: LoopbackReceiver, mode: str,
                                                    reason: NoToken) -> None:
    shown, _output = node_snippet(receiver.snippet(), mode=mode)
    assert shown["shown"] == "convex-auth-wizard: sent" and shown["calls"] == []
    result = receiver.wait_for_tokens()
    assert result.tokens is not None
    assert result.tokens.pair == TokenPair(TokenOutcome(error=TokenError(reason)),
                                           TokenOutcome(error=TokenError(reason)))


@needs_node
def test_the_send_snippet_says_blocked_when_the_origin_is_not_allowed(
        tokens: dict[str, str]) -> None:
    with LoopbackReceiver(origins=OriginPolicy.of(["https://app.example.com"]),
                          wait=30) as receiver:
        shown, _output = node_snippet(receiver.snippet(), session=tokens["session"])
        assert shown["shown"] == "convex-auth-wizard: blocked"
        assert receiver.result().outcome is Outcome.WAITING
        assert reasons(receiver.result()) == [Refused.ORIGIN_NOT_ALLOWED]


@needs_node
def test_the_copy_snippet_puts_the_tokens_on_the_clipboard_and_prints_nothing(
        tokens: dict[str, str]) -> None:
    shown, output = node_snippet(copy_snippet(), session=tokens["session"],
                                 template=tokens["template"])
    assert shown["shown"] is None  # copy() gives undefined: the console echoes no token
    assert output == ""  # and the snippet prints nothing itself
    read = read_payload(shown["clipboard"])
    assert not isinstance(read, PayloadProblem)
    assert read.page_origin == PAGE
    assert read.pair.session.token == tokens["session"]
    assert read.pair.template.token == tokens["template"]


def test_the_snippets_are_one_line_and_name_only_the_receiver(
        receiver: LoopbackReceiver) -> None:
    for snippet in (receiver.snippet(), copy_snippet()):
        assert "\n" not in snippet and snippet.isascii()
        assert "getToken(o)" in snippet and "g({skipCache:true})" in snippet
        assert "g({template:\"convex\",skipCache:true})" in snippet
    assert receiver.url in receiver.snippet() and "http" not in copy_snippet()
    assert send_snippet("http://127.0.0.1:1/x").count("http://") == 1


@needs_node
def test_the_snippets_parse_as_javascript() -> None:
    done = run_node("new Function(process.env.A); "
                    "new (async () => {}).constructor(process.env.B);",
                    A="return " + send_snippet("http://127.0.0.1:1/n"), B=copy_snippet())
    assert done.returncode == 0, done.stderr


# -- the payload reader and the origin rule, directly ------------------------------------------
def test_the_payload_reader_takes_the_copied_text_and_refuses_anything_else() -> None:
    good = json.dumps(payload({"token": "a.b.c"}, template_missing()))
    read = read_payload("  " + good + "\n")
    assert not isinstance(read, PayloadProblem)
    assert read.pair.template.error is not None
    assert read.pair.template.error.reason is NoToken.TEMPLATE_NOT_FOUND
    assert read_payload(b"x" * (MAX_PAYLOAD_BYTES + 1)) is PayloadProblem.TOO_LARGE
    assert read_payload("eyJ.a.b") is PayloadProblem.MALFORMED_JSON
    assert read_payload(json.dumps(payload({"token": "a"}, {"token": "b"}) | {"v": True})) \
        is PayloadProblem.MALFORMED_BODY
    other = {"error": {"kind": "clerk", "message": "Network request failed", "status": None,
                       "code": None}}
    read = read_payload(json.dumps(payload(other, {"error": {"kind": "timeout"}})))
    assert not isinstance(read, PayloadProblem)
    assert read.pair.session.error == TokenError(NoToken.CLERK_ERROR, "Network request failed")
    assert read.pair.template.error == TokenError(NoToken.TIMED_OUT)


def test_named_origins_are_normalised_and_bad_ones_refused() -> None:
    assert normalise_origin("HTTPS://App.Example.com:443/") == "https://app.example.com"
    assert normalise_origin("http://localhost:80") == "http://localhost"
    assert normalise_origin("http://[::1]:5173") == "http://[::1]:5173"
    for bad in ("app.example.com", "https://app.example.com/path", "ftp://x.example",
                "https://user@x.example", "https://x.example?q", "https://x.example:99999",
                "https://exa mple.com", "https://ex\u00e4mple.com"):
        assert normalise_origin(bad) is None
        with pytest.raises(InvalidOrigin):
            OriginPolicy.of([bad])


# -- what the two tokens say -------------------------------------------------------------------
def pair_of(issuer: LocalIssuer, *, aud: object = "convex", template: bool = True) -> TokenPair:
    now = int(time.time())
    session = issuer.mint(issuer.session_claims(now, aud=aud))
    return TokenPair(TokenOutcome(token=session),
                     TokenOutcome(token=issuer.mint(issuer.template_claims(now))) if template
                     else TokenOutcome(error=TokenError(NoToken.TEMPLATE_NOT_FOUND,
                                                        TEMPLATE_MISSING, 404)))


@pytest.mark.parametrize(("version", "aud", "rule", "sends"), [
    ("1.32.9", "convex", ProviderRule.TEMPLATE_ALWAYS, Slot.TEMPLATE),
    ("1.33.0", None, ProviderRule.SESSION_ALWAYS, Slot.SESSION),
    ("1.33.1", "convex", ProviderRule.AUD_DECIDES, Slot.SESSION),
    ("1.45.0", None, ProviderRule.AUD_DECIDES, Slot.TEMPLATE),
    ("1.45.0", ["convex"], ProviderRule.AUD_DECIDES, Slot.TEMPLATE),
    ("1.45.0-alpha.1", "convex", ProviderRule.AUD_DECIDES, Slot.SESSION),
    ("latest", "convex", ProviderRule.VERSION_UNKNOWN, None),
    (None, "convex", ProviderRule.VERSION_UNKNOWN, None),
])
def test_which_token_the_provider_sends_by_convex_version(
        issuer: LocalIssuer, version: str | None, aud: object, rule: ProviderRule,
        sends: Slot | None) -> None:
    analysis = analyse_pair(pair_of(issuer, aud=aud), version)
    assert analysis.rule is rule and analysis.sends is sends
    assert analysis.integration is (Integration.ACTIVE if aud == "convex"
                                    else Integration.INACTIVE)
    assert analysis.session_aud == aud
    assert analysis.template is TemplateState.EXISTS
    assert analysis.sends_available is (None if sends is None else True)


def test_a_missing_template_is_what_an_old_provider_would_send(issuer: LocalIssuer) -> None:
    analysis = analyse_pair(pair_of(issuer, aud=None, template=False), "1.32.0")
    assert analysis.template is TemplateState.ABSENT
    assert analysis.sends is Slot.TEMPLATE and analysis.sends_available is False
    assert analysis.to_dict() == {
        "integration": "inactive", "session_aud": None, "template": "absent",
        "convex_version": "1.32.0", "rule": "template_always", "sends": "template",
        "sends_available": False}


def test_without_a_session_token_the_integration_cannot_be_told() -> None:
    signed_out = TokenOutcome(error=TokenError(NoToken.SIGNED_OUT))
    analysis = analyse_pair(TokenPair(signed_out, signed_out), "1.45.0")
    assert analysis.integration is Integration.UNKNOWN
    assert analysis.template is TemplateState.UNKNOWN
    assert analysis.sends is None and analysis.sends_available is None


def test_a_token_outcome_holds_exactly_one_thing() -> None:
    with pytest.raises(ValueError):
        TokenOutcome()
    with pytest.raises(ValueError):
        TokenOutcome(token="a", error=TokenError(NoToken.SIGNED_OUT))


def test_both_tokens_from_the_browser_verify_through_the_engine(
        make_project: MakeProject, issuer: LocalIssuer, receiver: LoopbackReceiver,
        tokens: dict[str, str], tmp_path: Path) -> None:
    assert post(receiver.url, payload({"token": tokens["session"]},
                                      {"token": tokens["template"]})).status_code == 204
    result = receiver.wait_for_tokens()
    assert result.tokens is not None
    session = load(Options(project_dir=make_project(issuer.url,
                                                    publishable_key=issuer.publishable_key)))
    session.fetch()
    verified = {slot: session.verify(token, path).verified
                for slot, token, path in result.tokens.pair.to_verify()}
    assert verified == {Slot.SESSION: True, Slot.TEMPLATE: True}
    assert_no_token_written(tmp_path, *tokens.values())
