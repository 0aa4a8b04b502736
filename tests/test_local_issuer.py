"""Tests for wizard.demo.local_issuer: real HTTP on loopback, no mocks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from tests.conftest import NOW
from wizard.demo.local_issuer import (
    DISCOVERY_PATH,
    ED25519_KID,
    FAULTS,
    JWKS_PATH,
    MOVED_PATH,
    RSA2_KID,
    RSA_KID,
    LocalIssuer,
    b64url,
)


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as iss:
        yield iss


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, follow_redirects=False) as c:
        yield c


def _verify(issuer: LocalIssuer, token: str, jwks: dict[str, Any] | None = None) -> dict[str, Any]:
    keyset = jwt.PyJWKSet.from_dict(jwks or issuer.jwks())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keyset.keys if k.key_id == kid)
    return jwt.decode(token, key, algorithms=["RS256", "EdDSA"], audience="convex",
                      issuer=issuer.url)


def _now() -> int:
    """The wall clock at the moment a test mints: the tokens are verified against real time."""
    return int(time.time())


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# -- addresses and lifecycle ---------------------------------------------------------------
def test_addresses_and_publishable_key(issuer: LocalIssuer) -> None:
    assert issuer.url == f"http://{issuer.host}"
    assert issuer.host.startswith("127.0.0.1:") and not issuer.url.endswith("/")
    pk = issuer.publishable_key
    assert pk.startswith("pk_test_") and "=" not in pk
    encoded = pk.removeprefix("pk_test_")
    assert base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode() == issuer.host + "$"


def test_url_before_start_raises() -> None:
    with pytest.raises(RuntimeError):
        _ = LocalIssuer().url


def test_stop_frees_port() -> None:
    iss = LocalIssuer().start()
    port = int(iss.host.rsplit(":", 1)[1])
    assert httpx.get(iss.url + JWKS_PATH).status_code == 200
    iss.stop()
    iss.stop()  # idempotent
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass
    with pytest.raises(httpx.ConnectError):
        httpx.get(iss.url + JWKS_PATH)
    with LocalIssuer(port=port) as again:  # the port can be bound again
        assert again.host == f"127.0.0.1:{port}"


# -- routes --------------------------------------------------------------------------------
def test_discovery(issuer: LocalIssuer, client: httpx.Client) -> None:
    r = client.get(issuer.url + DISCOVERY_PATH)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    doc = r.json()
    assert doc["issuer"] == issuer.url
    assert doc["jwks_uri"] == issuer.url + "/.well-known/jwks.json"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    for field in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint",
                  "response_types_supported", "subject_types_supported"):
        assert field in doc


def test_discovery_issuer_override(issuer: LocalIssuer, client: httpx.Client) -> None:
    issuer.discovery_issuer = issuer.url + "/"
    assert client.get(issuer.url + DISCOVERY_PATH).json()["issuer"] == issuer.url + "/"


def test_jwks(issuer: LocalIssuer, client: httpx.Client) -> None:
    r = client.get(issuer.url + JWKS_PATH)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    keys = r.json()["keys"]
    assert r.json() == issuer.jwks()
    assert [k["kid"] for k in keys] == [RSA_KID, ED25519_KID]
    assert set(keys[0]) == {"kty", "use", "alg", "kid", "n", "e"}
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig"
    assert keys[1] == {"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA",
                       "kid": ED25519_KID, "x": keys[1]["x"]}
    assert all("d" not in k and "p" not in k for k in keys)


def test_unknown_path_404_and_requests_recorded(issuer: LocalIssuer,
                                                client: httpx.Client) -> None:
    r = client.get(issuer.url + "/v1/nope?x=1")
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.json()["errors"][0]["code"] == "resource_not_found"
    client.get(issuer.url + JWKS_PATH)
    assert issuer.requests == ["/v1/nope?x=1", JWKS_PATH]


# -- tokens --------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "alg", "kid"), [("rsa", "RS256", RSA_KID),
                                                  ("ed25519", "EdDSA", ED25519_KID)])
def test_minted_token_verifies(issuer: LocalIssuer, client: httpx.Client,
                               key: str, alg: str, kid: str) -> None:
    token = issuer.mint(issuer.template_claims(_now()), key=key)
    assert jwt.get_unverified_header(token) == {"alg": alg, "typ": "JWT", "kid": kid}
    served = client.get(issuer.url + JWKS_PATH).json()
    claims = _verify(issuer, token, served)
    assert claims["sub"] == "user_2demoUser" and claims["aud"] == "convex"


def test_rsa2_unpublished_until_added(issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(_now()), key="rsa2")
    assert jwt.get_unverified_header(token)["kid"] == RSA2_KID
    with pytest.raises(StopIteration):
        _verify(issuer, token)
    issuer.published.append(RSA2_KID)
    assert _verify(issuer, token)["iss"] == issuer.url


def test_header_overrides(issuer: LocalIssuer) -> None:
    token = issuer.mint({"sub": "x"}, headers={"kid": None, "typ": "at+jwt", "cat": "cl_x"})
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "at+jwt", "cat": "cl_x"}
    assert jwt.decode(token, issuer.rsa.public_key(), algorithms=["RS256"])["sub"] == "x"


def test_alg_overrides(issuer: LocalIssuer) -> None:
    rs384 = issuer.mint({"sub": "x"}, alg="RS384")
    assert jwt.get_unverified_header(rs384)["alg"] == "RS384"
    jwt.decode(rs384, issuer.rsa.public_key(), algorithms=["RS384"])

    hs = issuer.mint({"sub": "x"}, alg="HS256")
    head, body, sig = hs.split(".")
    assert json.loads(_b64decode(head))["alg"] == "HS256"
    pem = issuer.public_pem("rsa")
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    expected = hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert sig == b64url(expected)

    none = issuer.mint({"sub": "x"}, alg="none")
    assert none.endswith(".") and jwt.get_unverified_header(none)["alg"] == "none"

    with pytest.raises(ValueError):
        issuer.mint({"sub": "x"}, key="ed25519", alg="RS256")
    with pytest.raises(ValueError):
        issuer.mint({"sub": "x"}, key="nope")


def test_template_claims(issuer: LocalIssuer) -> None:
    c = issuer.template_claims(NOW)  # claims only: nothing is verified against the clock
    assert c["aud"] == "convex" and c["iss"] == issuer.url and "sid" not in c
    assert (c["exp"], c["iat"], c["nbf"]) == (NOW + 60, NOW, NOW - 5)
    assert c["email_verified"] is True and c["phone_number_verified"] is False
    assert c["nickname"] is None and c["phone_number"] is None
    c2 = issuer.template_claims(NOW, lifetime=10, aud=["convex", "x"], name="Bo", drop=("sub",))
    assert c2["exp"] == NOW + 10 and c2["aud"] == ["convex", "x"] and c2["name"] == "Bo"
    assert "sub" not in c2


def test_session_claims(issuer: LocalIssuer) -> None:
    now = _now()
    s = issuer.session_claims(now)
    assert "aud" not in s and s["sid"] == "sess_2demo" and s["v"] == 2 and s["sts"] == "active"
    assert (s["exp"], s["iat"], s["nbf"], s["fva"]) == (now + 60, now, now - 10, [0, -1])
    integ = issuer.session_claims(now, aud="convex", drop=("jti",), sts="pending")
    assert integ["aud"] == "convex" and "jti" not in integ and integ["sts"] == "pending"
    assert _verify(issuer, issuer.mint(integ))["sid"] == "sess_2demo"


# -- faults --------------------------------------------------------------------------------
def test_unknown_fault_rejected(issuer: LocalIssuer) -> None:
    with pytest.raises(ValueError):
        issuer.fault = "discovery_418"


@pytest.mark.parametrize("fault", sorted(f for f in FAULTS if f.startswith("discovery_")))
def test_discovery_faults(issuer: LocalIssuer, client: httpx.Client, fault: str) -> None:
    issuer.fault = fault
    r = client.get(issuer.url + DISCOVERY_PATH)
    ctype = r.headers["content-type"]
    if fault == "discovery_404":
        assert r.status_code == 404 and "errors" in r.json()
    elif fault == "discovery_500":
        assert r.status_code == 500 and "errors" in r.json()
    elif fault == "discovery_html":
        assert r.status_code == 200 and ctype.startswith("text/html")
        assert r.text.startswith("<html")
    elif fault == "discovery_wrong_type":
        assert r.status_code == 200 and ctype == "text/plain"
        assert r.json()["issuer"] == issuer.url
    elif fault == "discovery_no_jwks_uri":
        assert r.status_code == 200 and ctype == "application/json"
        assert "jwks_uri" not in r.json() and r.json()["issuer"] == issuer.url
    elif fault == "discovery_not_json":
        assert r.status_code == 200 and ctype == "application/json"
        with pytest.raises(json.JSONDecodeError):
            r.json()
    else:  # pragma: no cover
        pytest.fail(f"untested fault {fault}")
    assert client.get(issuer.url + JWKS_PATH).json() == issuer.jwks()  # JWKS unaffected


@pytest.mark.parametrize("fault", sorted(f for f in FAULTS if f.startswith("jwks_")))
def test_jwks_faults(issuer: LocalIssuer, client: httpx.Client, fault: str) -> None:
    issuer.fault = fault
    r = client.get(issuer.url + JWKS_PATH)
    expected_status = {"jwks_404": 404, "jwks_500": 500}.get(fault, 200)
    assert r.status_code == expected_status
    assert r.headers["content-type"] == "application/json"
    if fault == "jwks_empty":
        assert r.json() == {"keys": []}
    if fault == "jwks_unusable":
        kinds = {k["kty"] for k in r.json()["keys"]}
        assert kinds and "RSA" in kinds and "EC" in kinds
    if expected_status == 200:
        with pytest.raises(jwt.PyJWKSetError):
            jwt.PyJWKSet.from_dict(r.json())
    else:
        assert "errors" in r.json()
    assert client.get(issuer.url + DISCOVERY_PATH).json() == issuer.discovery()


def test_big(issuer: LocalIssuer, client: httpx.Client) -> None:
    issuer.fault = "big"
    with client.stream("GET", issuer.url + DISCOVERY_PATH) as r:
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert "content-length" not in r.headers
        first = next(r.iter_bytes())
        assert first.startswith(b'{"issuer"')
    body = client.get(issuer.url + DISCOVERY_PATH).content
    assert len(body) >= 2 * 1024 * 1024
    assert json.loads(body)["issuer"] == issuer.url


def test_redirect(issuer: LocalIssuer, client: httpx.Client) -> None:
    issuer.fault = "redirect"
    r = client.get(issuer.url + DISCOVERY_PATH)
    assert r.status_code == 302 and r.headers["location"] == issuer.url + MOVED_PATH
    followed = client.get(issuer.url + DISCOVERY_PATH, follow_redirects=True)
    assert followed.status_code == 200 and followed.json() == issuer.discovery()


def test_redirect_loop(issuer: LocalIssuer, client: httpx.Client) -> None:
    issuer.fault = "redirect_loop"
    r = client.get(issuer.url + DISCOVERY_PATH)
    assert r.status_code == 302 and r.headers["location"] == issuer.url + DISCOVERY_PATH
    with pytest.raises(httpx.TooManyRedirects):
        client.get(issuer.url + DISCOVERY_PATH, follow_redirects=True)


def _wait_for_request(issuer: LocalIssuer, path: str) -> None:
    """Until the issuer has received ``path`` (a bounded wait, not a measurement)."""
    deadline = time.monotonic() + 10
    while path not in issuer.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert path in issuer.requests


def _get_in_background(url: str, answers: list[int]) -> threading.Thread:
    worker = threading.Thread(
        target=lambda: answers.append(httpx.get(url, timeout=60).status_code), daemon=True)
    worker.start()
    return worker


def test_slow_does_not_block_others(issuer: LocalIssuer, client: httpx.Client) -> None:
    issuer.fault, issuer.slow_seconds = "slow", 600.0  # only stop() ends the wait
    answers: list[int] = []
    worker = _get_in_background(issuer.url + DISCOVERY_PATH, answers)
    _wait_for_request(issuer, DISCOVERY_PATH)
    assert client.get(issuer.url + JWKS_PATH).status_code == 200  # served meanwhile
    assert answers == [] and worker.is_alive()  # the slow answer is still pending
    issuer.stop()  # wakes the slow handler, which then answers
    worker.join(30)
    assert answers == [200]


def test_stop_during_slow_request_wakes_it_and_frees_the_port() -> None:
    iss = LocalIssuer().start()
    iss.fault, iss.slow_seconds = "slow", 600.0
    answers: list[int] = []
    worker = _get_in_background(iss.url + DISCOVERY_PATH, answers)
    _wait_for_request(iss, DISCOVERY_PATH)
    assert iss.requests == [DISCOVERY_PATH]
    iss.stop()
    worker.join(30)
    assert not worker.is_alive() and answers == [200]  # not left waiting 600 s
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", iss.port),
                                                                         2):
        pass
