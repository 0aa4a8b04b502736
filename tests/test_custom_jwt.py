"""customJwt providers, Convex's provider order, push-time config errors, key-set caching.

Tokens are minted by the real local issuer, whose customJwt-style key set is served over HTTP
(or inlined as a ``data:`` URL), and judged by ``run_checks`` at the fixed instant ``NOW``.
``test_judge_agreement.py`` checks Convex's answer for the same tokens against the stand-in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, MakeProject
from tests.rule_cases import CUSTOM_ISS, custom_template
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer
from wizard.rules.jwt import read_paste
from wizard.walkthrough.session import Verdict, run_checks


def config(*providers: dict[str, Any]) -> str:
    body = ",\n".join("    " + json.dumps(p) for p in providers)
    return f"export default {{\n  providers: [\n{body}\n  ],\n}};\n"


def custom(server: LocalIssuer, **fields: Any) -> dict[str, Any]:
    return {"type": "customJwt", "issuer": CUSTOM_ISS, "jwks": server.custom_jwks_url,
            "algorithm": "RS256", **fields}


def judge(make_project: MakeProject, issuer: LocalIssuer, auth: str, token: str,
          at: float = NOW) -> tuple[dict[str, Check], Verdict]:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key, auth_config=auth)
    verdict = run_checks(Options(project_dir=root, at=at, environ={}), token)
    return {c.id: c for c in verdict.checks}, verdict


def answer(verdict: Verdict) -> tuple[int, str]:
    assert verdict.token is not None and verdict.token.answer is not None
    return verdict.token.answer.status, verdict.token.answer.code


def test_only_custom_jwt_accepts_a_token_it_can_verify(make_project: MakeProject,
                                                       issuer: LocalIssuer) -> None:
    checks, verdict = judge(make_project, issuer, config(custom(issuer)),
                            issuer.mint(custom_template(issuer)))
    assert answer(verdict) == (200, "")
    assert verdict.token is not None and verdict.token.route is not None
    assert verdict.token.route["type"] == "customJwt" and verdict.token.route["index"] == 0
    assert checks["token.key"].status is Status.PASS
    assert checks["convex.auth_config"].status is Status.FAIL  # no Clerk provider: said so


def test_session_token_without_aud_goes_to_a_custom_jwt_provider_without_application_id(
        make_project: MakeProject, issuer: LocalIssuer) -> None:
    auth = config(custom(issuer, issuer=issuer.url),
                  {"domain": issuer.url, "applicationID": "convex"})
    checks, verdict = judge(make_project, issuer, auth, issuer.mint(issuer.session_claims(NOW)))
    assert answer(verdict) == (200, "")
    assert verdict.token is not None and verdict.token.route == {
        "matched": True, "index": 0, "type": "customJwt", "domain": issuer.url,
        "application_id": None, "order": 1, "note": ""}
    assert "not checked" in checks["token.aud"].detail


@pytest.mark.parametrize(("late", "expect"), [(3, (200, "")), (6, (401, "InvalidAuthHeader"))])
def test_custom_jwt_allows_five_seconds_after_exp(make_project: MakeProject, issuer: LocalIssuer,
                                                  late: int, expect: tuple[int, str]) -> None:
    checks, verdict = judge(make_project, issuer, config(custom(issuer)),
                            issuer.mint(custom_template(issuer, exp=NOW - late)))
    assert answer(verdict) == expect
    assert checks["token.exp"].status is (Status.PASS if late == 3 else Status.FAIL)
    if late == 6:
        assert "Token expired 6 seconds ago" in checks["token.exp"].detail


def test_a_token_matched_by_oidc_never_falls_through_to_custom_jwt(
        make_project: MakeProject, issuer: LocalIssuer) -> None:
    # Expired 3 s: customJwt's leeway would take it, OIDC's does not, and OIDC comes first.
    auth = config(custom(issuer, issuer=issuer.url),
                  {"domain": issuer.url, "applicationID": "convex"})
    checks, verdict = judge(make_project, issuer, auth,
                            issuer.mint(issuer.template_claims(NOW - 63)))
    assert answer(verdict) == (401, "Unauthenticated")
    assert verdict.token is not None and verdict.token.route is not None
    assert (verdict.token.route["type"], verdict.token.route["index"]) == ("oidc", 1)
    assert checks["token.exp"].status is Status.FAIL and "no leeway" in checks["token.exp"].detail


def test_an_eddsa_key_anywhere_in_the_set_fails_custom_jwt(make_project: MakeProject,
                                                           issuer: LocalIssuer) -> None:
    issuer.custom_extra = [issuer.public_jwk("ed25519")]
    checks, verdict = judge(make_project, issuer, config(custom(issuer)),
                            issuer.mint(custom_template(issuer)))
    assert answer(verdict) == (401, "InvalidAuthHeader")
    key = checks["token.key"]
    assert key.status is Status.FAIL and "'EdDSA'" in key.detail and "EdDSA" in key.fix


def test_es256_works_only_under_custom_jwt(make_project: MakeProject,
                                           issuer: LocalIssuer) -> None:
    token = issuer.mint(custom_template(issuer), key="ec")
    checks, verdict = judge(make_project, issuer, config(custom(issuer, algorithm="ES256")),
                            token)
    assert answer(verdict) == (200, "")
    assert checks["token.signature"].status is Status.PASS
    checks, verdict = judge(make_project, issuer, config(custom(issuer)), token)
    assert answer(verdict) == (401, "InvalidAuthHeader")
    assert checks["token.alg"].status is Status.FAIL and "RS256" in checks["token.alg"].fix


def test_custom_jwt_needs_a_kid(make_project: MakeProject, issuer: LocalIssuer) -> None:
    checks, verdict = judge(make_project, issuer, config(custom(issuer)),
                            issuer.mint(custom_template(issuer), headers={"kid": None}))
    assert answer(verdict) == (401, "InvalidAuthHeader")
    assert checks["token.key"].status is Status.FAIL and "no kid" in checks["token.key"].detail


def test_custom_jwt_key_set_from_a_data_url(make_project: MakeProject,
                                            issuer: LocalIssuer) -> None:
    auth = config(custom(issuer, jwks=issuer.custom_jwks_data_url()))
    issuer.requests.clear()
    _, verdict = judge(make_project, issuer, auth, issuer.mint(custom_template(issuer)))
    assert answer(verdict) == (200, "")
    assert not any(p.startswith("/custom") for p in issuer.requests)


@pytest.mark.parametrize("content_type", ["application/json ; charset=utf-8", None,
                                          "text/plain", "application/json; charset=latin-1"])
def test_custom_jwt_key_set_content_type(make_project: MakeProject, issuer: LocalIssuer,
                                         content_type: str | None) -> None:
    issuer.custom_content_type = content_type
    checks, verdict = judge(make_project, issuer, config(custom(issuer)),
                            issuer.mint(custom_template(issuer)))
    assert answer(verdict) == (401, "InvalidAuthHeader")
    assert "Content-Type" in checks["token.key"].detail


# -- push-time config errors (convex.auth_config) ------------------------------------------------
@pytest.mark.parametrize(("provider", "reason"), [
    ({"domain": "https://x.clerk.accounts.dev"}, "applicationID"),
    ({"type": "customJwt", "issuer": CUSTOM_ISS, "jwks": "https://j", "algorithm": "HS256"},
     "HS256"),
    ({"type": "customJwt", "issuer": CUSTOM_ISS, "jwks": "https://j"}, "lacks algorithm"),
    ({"type": "customJwt", "issuer": CUSTOM_ISS, "jwks": "https://j", "algorithm": "RS256",
      "domain": "https://x"}, "has a domain"),
    ({"type": "oidc2", "domain": "https://x", "applicationID": "c"}, "type 'oidc2'"),
    ({"domain": "verb-noun-00.clerk.accounts.zz", "applicationID": "convex"},
     "top-level domain"),
])
def test_configs_convex_refuses_to_push(make_project: MakeProject, issuer: LocalIssuer,
                                        provider: dict[str, Any], reason: str) -> None:
    oidc = {"domain": issuer.url, "applicationID": "convex"}
    checks, _ = judge(make_project, issuer, config(oidc, provider),
                            issuer.mint(issuer.template_claims(NOW)))
    check = checks["convex.auth_config"]
    assert check.status is Status.FAIL and reason in check.detail, check.detail
    assert check.fix


def test_an_oidc_provider_without_application_id_takes_no_tokens(
        make_project: MakeProject, issuer: LocalIssuer) -> None:
    checks, verdict = judge(make_project, issuer, config({"domain": issuer.url}),
                            issuer.mint(issuer.template_claims(NOW)))
    assert checks["convex.auth_config"].status is Status.FAIL
    assert "no applicationID" in checks["convex.auth_config"].detail
    assert answer(verdict) == (401, "NoAuthProvider")
    assert verdict.token is not None and verdict.token.route is not None
    assert "no applicationID" in verdict.token.route["note"]


@pytest.mark.parametrize(("domain", "accepted"), [
    ("verb-noun-00.clerk.accounts.dev", True), ("clerk.example.co.za", True),
    ("clerk.example.xn--p1ai", True), ("clerk.example.zz", False), ("localhost", True),
    ("clerk.example.moc", False), ("127.0.0.1", False),
])
def test_a_scheme_less_domain_needs_a_real_top_level_domain(domain: str,
                                                            accepted: bool) -> None:
    from wizard.rules.convex import domain_problem

    assert (domain_problem(domain) is None) is accepted


# -- key-set caching ------------------------------------------------------------------------------
def test_an_unknown_kid_says_how_long_convex_may_hold_the_old_keys(
        project: Path, issuer: LocalIssuer) -> None:
    issuer.cache_control = "public, max-age=600"
    verdict = run_checks(Options(project_dir=project, at=NOW, environ={}),
                         issuer.mint(issuer.template_claims(NOW), key="rsa2"))
    key = next(c for c in verdict.checks if c.id == "token.key")
    assert key.status is Status.FAIL
    assert "up to 600 s" in key.detail and "max-age=600" in key.detail


def test_a_recently_rotated_key_set_warns_that_convex_may_hold_the_previous_one(
        project: Path, issuer: LocalIssuer) -> None:
    from wizard.walkthrough.session import load

    issuer.cache_control = "max-age=300"
    session = load(Options(project_dir=project, at=NOW, environ={}))
    session.fetch()
    issuer.published = ["ins_local_rsa1", "ins_local_rsa2", "ins_local_ed1"]
    session.fetch()
    rotated = read_paste(issuer.mint(issuer.template_claims(NOW), key="rsa2"))
    checks = {c.id: c for c in session.verify(rotated).checks}
    assert checks["token.key"].status is Status.WARN
    assert "ins_local_rsa2" in checks["token.key"].detail
    assert "max-age=300" in checks["token.key"].fix
    # The key that was there before the change is fine.
    before = read_paste(issuer.mint(issuer.template_claims(NOW)))
    checks = {c.id: c for c in session.verify(before).checks}
    assert checks["token.key"].status is Status.PASS


def test_no_store_means_convex_refetches_every_time(project: Path, issuer: LocalIssuer) -> None:
    issuer.cache_control = "no-store"
    verdict = run_checks(Options(project_dir=project, at=NOW, environ={}),
                         issuer.mint(issuer.template_claims(NOW), key="rsa2"))
    key = next(c for c in verdict.checks if c.id == "token.key")
    assert "refetches this key set on every token" in key.detail
