"""Every way the issuer can misbehave becomes a failed check with the URL, what happened and
what to do (SPEC §6 "Network"), against the real local issuer's switchable faults."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from tests.conftest import NOW, MakeProject
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.demo.local_issuer import DISCOVERY_PATH, JWKS_PATH, MOVED_PATH, LocalIssuer
from wizard.services.http import MAX_REDIRECTS
from wizard.services.issuer_keys import fetch_issuer_keys
from wizard.walkthrough.session import Verdict, run_checks


def judge(project: Path, issuer: LocalIssuer, *, timeout: float = 5.0,
          token: bool = True) -> tuple[dict[str, Check], Verdict]:
    text = issuer.mint(issuer.template_claims(NOW)) if token else None
    verdict = run_checks(Options(project_dir=project, at=NOW, timeout=timeout), text)
    return {c.id: c for c in verdict.checks}, verdict


def assert_failed(checks: dict[str, Check], verdict: Verdict, check_id: str,
                  *words: str) -> Check:
    check = checks[check_id]
    assert check.status is Status.FAIL, (check_id, check.status, check.detail)
    text = f"{check.detail} {check.fix}"
    for word in words:
        assert word in text, (word, text)
    assert check.fix and not re.search(r"<[a-z_]+>", check.fix), check.fix  # all filled in
    assert not verdict.ok
    return check


def assert_token_not_judged(checks: dict[str, Check], verdict: Verdict) -> None:
    """Without keys the token cannot be verified: its key checks are skipped, ok is false."""
    assert checks["token.key"].status is Status.SKIP
    assert checks["token.signature"].status is Status.SKIP
    assert verdict.token is not None and not verdict.token.verified


@pytest.fixture
def slow_issuer(issuer: LocalIssuer) -> Iterator[LocalIssuer]:
    before = issuer.slow_seconds
    issuer.slow_seconds = 2.0
    issuer.fault = "slow"
    yield issuer
    issuer.slow_seconds = before


def test_discovery_404(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "discovery_404"
    checks, verdict = judge(project, issuer)
    check = assert_failed(checks, verdict, "issuer.discovery", "404 Not Found",
                          issuer.url + DISCOVERY_PATH, "Frontend API URL",
                          "npx convex env set CLERK_JWT_ISSUER_DOMAIN")
    assert "answered" in check.detail
    assert checks["issuer.jwks"].status is Status.SKIP
    assert_token_not_judged(checks, verdict)


def test_discovery_500(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "discovery_500"
    checks, verdict = judge(project, issuer)
    assert_failed(checks, verdict, "issuer.discovery", "500 Internal Server Error",
                  issuer.url + DISCOVERY_PATH)
    assert_token_not_judged(checks, verdict)


def test_discovery_html_page(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "discovery_html"
    checks, verdict = judge(project, issuer)
    assert_failed(checks, verdict, "issuer.discovery", "text/html", "not JSON", "web page")


def test_discovery_json_with_wrong_content_type(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "discovery_wrong_type"
    checks, verdict = judge(project, issuer)
    assert_failed(checks, verdict, "issuer.discovery", "text/plain")


def test_discovery_body_not_json(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "discovery_not_json"
    checks, verdict = judge(project, issuer)
    assert_failed(checks, verdict, "issuer.discovery", "not JSON")


def test_discovery_without_jwks_uri(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "discovery_no_jwks_uri"
    checks, verdict = judge(project, issuer)
    assert_failed(checks, verdict, "issuer.discovery", "jwks_uri")
    assert_token_not_judged(checks, verdict)


def test_slower_than_timeout(project: Path, slow_issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, slow_issuer, timeout=0.5)
    assert_failed(checks, verdict, "issuer.discovery", "no answer within 0.5 s",
                  slow_issuer.url + DISCOVERY_PATH, "reach")
    assert_token_not_judged(checks, verdict)


def test_connection_refused(make_project: MakeProject) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and now is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    project = make_project(url)
    verdict = run_checks(Options(project_dir=project, at=NOW, timeout=5), None)
    checks = {c.id: c for c in verdict.checks}
    assert_failed(checks, verdict, "issuer.discovery", "could not connect", url + DISCOVERY_PATH,
                  "Convex cannot reach")


def test_body_over_one_mebibyte(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "big"
    checks, verdict = judge(project, issuer)
    assert_failed(checks, verdict, "issuer.discovery", "larger than 1024 KiB")


def test_redirect_is_followed(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "redirect"
    checks, verdict = judge(project, issuer)
    assert checks["issuer.discovery"].status is Status.PASS
    assert checks["issuer.jwks"].status is Status.PASS
    assert verdict.ok and verdict.token is not None and verdict.token.verified
    assert MOVED_PATH in issuer.requests


def test_redirect_loop_fails(project: Path, issuer: LocalIssuer) -> None:
    issuer.fault = "redirect_loop"
    checks, verdict = judge(project, issuer)
    assert_failed(checks, verdict, "issuer.discovery", f"more than {MAX_REDIRECTS} redirects")
    assert_token_not_judged(checks, verdict)


@pytest.mark.parametrize(("hops", "followed"), [(5, True), (6, False)])
def test_at_most_five_redirects(project: Path, issuer: LocalIssuer, hops: int,
                                followed: bool) -> None:
    issuer.fault, issuer.redirect_hops = "redirect_chain", hops
    checks, verdict = judge(project, issuer)
    if followed:
        assert checks["issuer.discovery"].status is Status.PASS
        assert verdict.ok
    else:
        assert_failed(checks, verdict, "issuer.discovery", "more than 5 redirects")


def test_issuer_clock_skew_is_warned(project: Path, issuer: LocalIssuer) -> None:
    # The Date header of a fetch tells how far this machine's clock is from the issuer's.
    issuer.clock_offset = 120
    checks, verdict = judge(project, issuer)
    clock = checks["token.clock"]
    assert clock.status is Status.WARN  # the Date header has whole seconds: +119 or +120
    assert re.search(r"Date header is \+1(19|20) s", clock.detail), clock.detail
    assert verdict.ok  # a warning only: Convex does not check iat/nbf


def test_discovery_issuer_differs(project: Path, issuer: LocalIssuer) -> None:
    other = "https://verb-noun-00.clerk.accounts.dev"
    issuer.discovery_issuer = other
    checks, verdict = judge(project, issuer)
    assert_failed(checks, verdict, "issuer.discovery", repr(other),
                  f"npx convex env set CLERK_JWT_ISSUER_DOMAIN {other}")
    # The keys were still fetched, so the token is judged, and its iss fails exactly.
    assert checks["issuer.jwks"].status is Status.PASS
    assert_failed(checks, verdict, "token.iss", "discovery issuer")


def test_discovery_issuer_with_trailing_slash_is_not_a_discovery_failure(
        project: Path, issuer: LocalIssuer) -> None:
    issuer.discovery_issuer = issuer.url + "/"
    checks, _ = judge(project, issuer, token=False)
    assert checks["issuer.discovery"].status is Status.PASS


@pytest.mark.parametrize("fault,words", [
    ("jwks_404", ("404 Not Found", JWKS_PATH)),
    ("jwks_500", ("500 Internal Server Error",)),
    ("jwks_empty", ("empty",)),
    ("jwks_unusable", ("no RS256 or EdDSA", "ins_local_ec_bogus")),
])
def test_jwks_faults(project: Path, issuer: LocalIssuer, fault: str,
                     words: tuple[str, ...]) -> None:
    issuer.fault = fault
    checks, verdict = judge(project, issuer)
    assert checks["issuer.discovery"].status is Status.PASS
    assert_failed(checks, verdict, "issuer.jwks", *words)
    assert_token_not_judged(checks, verdict)


def test_unreadable_issuer_url_is_a_failed_check(make_project: MakeProject) -> None:
    project = make_project("https://exa mple.com")
    verdict = run_checks(Options(project_dir=project, at=NOW, timeout=2), None)
    checks = {c.id: c for c in verdict.checks}
    assert checks["env.issuer"].status is Status.FAIL
    assert checks["issuer.discovery"].status is Status.FAIL


def test_fetch_never_raises_and_reports_the_url(issuer: LocalIssuer) -> None:
    for url in ("", "ftp://x", "http://", "http://[::1", "nonsense"):
        keys = fetch_issuer_keys(url, timeout=1)
        assert keys.discovery_problem is not None
        assert not keys.usable


def test_key_set_without_an_allowed_algorithm(project: Path, issuer: LocalIssuer,
                                              tmp_path: Path) -> None:
    ec_key = json.loads(ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key()))
    rs384 = {**issuer.public_jwk("rsa"), "alg": "RS384"}
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**ec_key, "alg": "ES256", "kid": "ec1"}, rs384]}))
    verdict = run_checks(Options(project_dir=project, at=NOW, jwks_file=path),
                         issuer.mint(issuer.template_claims(NOW)))
    checks = {c.id: c for c in verdict.checks}
    assert_failed(checks, verdict, "issuer.jwks", "ES256", "RS384", "no RS256 or EdDSA")
    assert_token_not_judged(checks, verdict)
