"""One test per Convex rule (SPEC §4, research/convex_spec.md §2), end to end through the engine.

Every token here is minted by the real local issuer and judged by ``run_checks`` against its
live discovery document and JWKS, at the fixed instant ``NOW``. Each test names the check the
rule lives in, its status, and that the token is then not verified (or is, for good tokens),
so dropping or loosening the rule makes the test fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, MakeProject
from wizard.checks.catalog import CATALOG, make
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.checks.token_checks import TOKEN_CHECK_IDS
from wizard.demo.local_issuer import ED25519_KID, RSA2_KID, RSA_KID, LocalIssuer, b64url
from wizard.walkthrough.session import Verdict, run_checks

GOOD = (Status.PASS, Status.WARN)


def judge(project: Path, token: str | None, **options: Any) -> tuple[dict[str, Check], Verdict]:
    verdict = run_checks(Options(project_dir=project, at=NOW, **options), token)
    return {c.id: c for c in verdict.checks}, verdict


def assert_verified(checks: dict[str, Check], verdict: Verdict) -> None:
    bad = {i: (c.status.value, c.detail) for i, c in checks.items()
           if i.startswith("token.") and c.status not in GOOD}
    assert bad == {}
    assert verdict.token is not None and verdict.token.verified
    assert verdict.ok


def assert_rejected(checks: dict[str, Check], verdict: Verdict, check_id: str,
                    status: Status = Status.FAIL) -> Check:
    check = checks[check_id]
    assert check.status is status, (check_id, check.status, check.detail)
    assert verdict.token is not None and not verdict.token.verified
    assert not verdict.ok
    if status is Status.FAIL:
        assert check.fix, f"{check_id} failed without a fix"
    return check


def jwks_file(tmp_path: Path, issuer: LocalIssuer) -> Path:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(issuer.jwks()))
    return path


def split(token: str) -> tuple[str, str, str]:
    header, payload, signature = token.split(".")
    return header, payload, signature


def test_every_fix_template_fills_without_values() -> None:
    # A stray brace in a template would crash every run that hits that failure.
    for spec in CATALOG.values():
        for reason in spec.fixes:
            assert make(spec.id, Status.FAIL, "detail", reason).fix


# -- good tokens ---------------------------------------------------------------------------
def test_good_template_token_passes_every_check(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW)))
    assert set(TOKEN_CHECK_IDS) <= set(checks)
    assert all(c.status is Status.PASS for i, c in checks.items() if i.startswith("token."))
    assert verdict.token is not None and verdict.token.kind is not None
    assert verdict.token.kind.kind == "template"
    assert verdict.token.expires_in == 60
    assert_verified(checks, verdict)


def test_good_integration_token_passes(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.session_claims(NOW, aud="convex")))
    assert verdict.token is not None and verdict.token.kind is not None
    assert verdict.token.kind.kind == "integration"
    assert checks["token.kind"].status is Status.PASS
    assert_verified(checks, verdict)


def test_eddsa_token_passes(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW), key="ed25519"))
    assert checks["token.alg"].status is Status.PASS
    assert ED25519_KID in checks["token.key"].detail
    assert_verified(checks, verdict)


@pytest.mark.parametrize("wrap", [
    '"{t}"', "'{t}'", "`{t}`", "Bearer {t}", "bearer {t}", '"Bearer {t}"\n', "  {t}\n\n",
    "\tBearer {t}\r\n",
])
def test_pasted_token_is_normalised(project: Path, issuer: LocalIssuer, wrap: str) -> None:
    token = issuer.mint(issuer.template_claims(NOW))
    checks, verdict = judge(project, wrap.format(t=token))
    assert_verified(checks, verdict)


def test_normalisation_changes_nothing_inside(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW))
    header, payload, signature = split(token)
    checks, verdict = judge(project, f"{header}. {payload}.{signature}")
    assert_rejected(checks, verdict, "token.format")


# -- token.kind / token.aud ----------------------------------------------------------------
def test_default_session_token_without_aud_fails(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.session_claims(NOW)))
    kind = assert_rejected(checks, verdict, "token.kind")
    assert "default session token" in kind.detail
    assert "Convex integration" in kind.fix and "template: 'convex'" in kind.fix
    aud = assert_rejected(checks, verdict, "token.aud")
    assert "no aud" in aud.detail
    # Everything else about it is fine: the signature is Clerk's.
    assert checks["token.signature"].status is Status.PASS


def test_aud_array_with_extra_audience_fails(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW, aud=["convex", "my-api"]))
    checks, verdict = judge(project, token)
    aud = assert_rejected(checks, verdict, "token.aud")
    assert "my-api" in aud.detail
    assert "not an array" in aud.fix
    assert checks["token.kind"].status is Status.PASS  # it routes: convex is among them


def test_aud_array_of_only_the_application_id_passes(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, aud=["convex"])))
    assert_verified(checks, verdict)


def test_aud_with_different_case_fails(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, aud="Convex")))
    aud = assert_rejected(checks, verdict, "token.aud")
    assert "'Convex'" in aud.detail and "case-sensitive" in aud.detail
    assert checks["token.kind"].status is Status.FAIL


def test_application_id_option_changes_expected_aud(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW, aud="my-app"))
    checks, verdict = judge(project, token, application_id="my-app")
    assert_verified(checks, verdict)
    checks, verdict = judge(project, token)
    assert_rejected(checks, verdict, "token.aud")


# -- token.iss -----------------------------------------------------------------------------
def test_configured_issuer_with_trailing_slash_matches(make_project: MakeProject,
                                                       issuer: LocalIssuer) -> None:
    project = make_project(issuer.url + "/", publishable_key=issuer.publishable_key)
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW)))
    assert checks["issuer.discovery"].status is Status.PASS
    assert checks["token.iss"].status is Status.PASS
    assert_verified(checks, verdict)


def test_token_iss_with_trailing_slash_routes(project: Path, issuer: LocalIssuer) -> None:
    # The discovery document says "url/" too, so only the routing rule is exercised.
    issuer.discovery_issuer = issuer.url + "/"
    token = issuer.mint(issuer.template_claims(NOW, iss=issuer.url + "/"))
    checks, verdict = judge(project, token)
    assert checks["issuer.discovery"].status is Status.PASS  # trailing / aside
    assert checks["token.iss"].status is Status.PASS, checks["token.iss"].detail
    assert_verified(checks, verdict)


def test_discovery_issuer_must_equal_token_iss_exactly(project: Path,
                                                      issuer: LocalIssuer) -> None:
    issuer.discovery_issuer = issuer.url + "/"
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW)))
    iss = assert_rejected(checks, verdict, "token.iss")
    assert "discovery issuer" in iss.detail and "exact" in iss.detail
    assert issuer.url + "/" in iss.fix


def test_http_and_https_issuers_differ(project: Path, issuer: LocalIssuer) -> None:
    https = issuer.url.replace("http://", "https://")
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, iss=https)))
    iss = assert_rejected(checks, verdict, "token.iss")
    assert https in iss.detail and "configured issuer" in iss.detail
    assert "npx convex env set CLERK_JWT_ISSUER_DOMAIN" in iss.fix
    assert checks["token.signature"].status is Status.PASS


def test_another_instance_token_fails(project: Path, issuer: LocalIssuer,
                                      fresh_issuer: LocalIssuer) -> None:
    # Same kid names, different keys and URL: as a dev token pasted into a prod setup.
    checks, verdict = judge(project, fresh_issuer.mint(fresh_issuer.template_claims(NOW)))
    iss = assert_rejected(checks, verdict, "token.iss")
    assert fresh_issuer.url in iss.detail
    assert_rejected(checks, verdict, "token.signature")


def test_scheme_less_iss_gets_https_for_routing(make_project: MakeProject, issuer: LocalIssuer,
                                                tmp_path: Path) -> None:
    project = make_project(None, publishable_key=issuer.publishable_key)
    keys = jwks_file(tmp_path, issuer)
    token = issuer.mint(issuer.template_claims(NOW, iss=issuer.host))
    # https:// + host routes to an https issuer ...
    checks, verdict = judge(project, token, issuer="https://" + issuer.host, jwks_file=keys)
    iss = assert_rejected(checks, verdict, "token.iss")
    assert "routes to" in iss.detail and "no scheme" in iss.detail
    # ... and never to an http one.
    checks, verdict = judge(project, token, issuer="http://" + issuer.host, jwks_file=keys)
    iss = assert_rejected(checks, verdict, "token.iss")
    assert "routes to" not in iss.detail and "configured issuer" in iss.detail


def test_issuer_host_is_case_sensitive(make_project: MakeProject, issuer: LocalIssuer,
                                       tmp_path: Path) -> None:
    project = make_project(None, publishable_key=issuer.publishable_key)
    keys = jwks_file(tmp_path, issuer)
    token = issuer.mint(issuer.template_claims(NOW, iss="https://verb-noun-00.clerk.accounts.dev"))
    checks, verdict = judge(project, token, issuer="https://verb-noun-00.clerk.accounts.dev",
                            jwks_file=keys)
    assert checks["token.iss"].status is Status.PASS
    checks, verdict = judge(project, token, issuer="https://Verb-Noun-00.clerk.accounts.dev",
                            jwks_file=keys)
    assert_rejected(checks, verdict, "token.iss")


def test_issuer_port_matters(make_project: MakeProject, issuer: LocalIssuer,
                             tmp_path: Path) -> None:
    project = make_project(None, publishable_key=issuer.publishable_key)
    token = issuer.mint(issuer.template_claims(NOW, iss="https://x.clerk.accounts.dev:443"))
    checks, verdict = judge(project, token, issuer="https://x.clerk.accounts.dev",
                            jwks_file=jwks_file(tmp_path, issuer))
    assert_rejected(checks, verdict, "token.iss")


def test_missing_iss_fails(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, drop=["iss"])))
    iss = assert_rejected(checks, verdict, "token.iss")
    assert "no iss" in iss.detail


# -- token.exp / token.clock ---------------------------------------------------------------
@pytest.mark.parametrize("issued", [NOW - 61, NOW - 60], ids=["expired-1s", "exp-equals-now"])
def test_expired_token_fails(project: Path, issuer: LocalIssuer, issued: int) -> None:
    token = issuer.mint(issuer.template_claims(issued))  # exp = issued + 60
    checks, verdict = judge(project, token)
    exp = assert_rejected(checks, verdict, "token.exp")
    assert "expired" in exp.detail and "no leeway" in exp.detail
    assert verdict.token is not None and verdict.token.expires_in == issued + 60 - NOW


def test_token_with_one_second_left_passes(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW - 59)))
    assert checks["token.exp"].status is Status.WARN
    assert "1 s" in checks["token.exp"].detail
    assert_verified(checks, verdict)


def test_now_is_truncated_to_whole_seconds(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW - 59, exp=NOW + 0.5))
    checks, verdict = run_checks_at(project, token, NOW + 0.7)  # floor(now) = NOW < exp
    assert checks["token.exp"].status is Status.WARN
    assert_verified(checks, verdict)
    checks, verdict = run_checks_at(project, token, NOW + 1.0)
    assert_rejected(checks, verdict, "token.exp")


def run_checks_at(project: Path, token: str, at: float) -> tuple[dict[str, Check], Verdict]:
    verdict = run_checks(Options(project_dir=project, at=at), token)
    return {c.id: c for c in verdict.checks}, verdict


@pytest.mark.parametrize("claims", [
    {"iat": NOW + 30, "exp": NOW + 90, "nbf": NOW - 5},
    {"iat": NOW, "exp": NOW + 60, "nbf": NOW + 30},
], ids=["iat-future", "nbf-future"])
def test_future_iat_or_nbf_warns_but_passes(project: Path, issuer: LocalIssuer,
                                            claims: dict[str, Any]) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, **claims)))
    clock = checks["token.clock"]
    assert clock.status is Status.WARN
    assert "30 s in the future" in clock.detail
    assert "clock" in clock.fix
    assert_verified(checks, verdict)


def test_short_lifetime_warns(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, lifetime=2)))
    assert checks["token.exp"].status is Status.WARN
    assert "2 s" in checks["token.exp"].fix
    assert_verified(checks, verdict)


# -- token.alg / token.key / token.signature -----------------------------------------------
@pytest.mark.parametrize("alg", ["none", "HS256", "RS384", "PS256"])
def test_disallowed_alg_fails(project: Path, issuer: LocalIssuer, alg: str) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW), alg=alg))
    check = assert_rejected(checks, verdict, "token.alg")
    assert repr(alg) in check.detail
    assert checks["token.signature"].status is not Status.PASS


def test_unknown_kid_fails(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW), headers={"kid": "ins_someone_else"})
    checks, verdict = judge(project, token)
    key = assert_rejected(checks, verdict, "token.key")
    assert "ins_someone_else" in key.detail and RSA_KID in key.detail
    assert checks["token.signature"].status is Status.SKIP


def test_no_kid_with_one_rsa_key_passes(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW), headers={"kid": None})
    checks, verdict = judge(project, token)
    assert RSA_KID in checks["token.key"].detail
    assert_verified(checks, verdict)


def test_no_kid_with_two_rsa_keys_is_ambiguous(project: Path, issuer: LocalIssuer) -> None:
    issuer.published = [RSA_KID, RSA2_KID, ED25519_KID]
    token = issuer.mint(issuer.template_claims(NOW), headers={"kid": None})
    checks, verdict = judge(project, token)
    key = assert_rejected(checks, verdict, "token.key")
    assert "2 keys fit" in key.detail
    assert checks["token.signature"].status is Status.SKIP
    # With a kid the same key set is fine.
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW)))
    assert_verified(checks, verdict)


def test_wrong_signing_key_fails_signature(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW), key="rsa2", headers={"kid": RSA_KID})
    checks, verdict = judge(project, token)
    assert checks["token.key"].status is Status.PASS
    sig = assert_rejected(checks, verdict, "token.signature")
    assert RSA_KID in sig.detail


def test_altered_payload_fails_signature(project: Path, issuer: LocalIssuer) -> None:
    header, _, signature = split(issuer.mint(issuer.template_claims(NOW)))
    forged = b64url(json.dumps(issuer.template_claims(NOW, sub="user_admin")).encode())
    checks, verdict = judge(project, f"{header}.{forged}.{signature}")
    assert_rejected(checks, verdict, "token.signature")


def test_keys_without_alg_are_matched_by_kty(project: Path, issuer: LocalIssuer,
                                             tmp_path: Path) -> None:
    keys = [{k: v for k, v in issuer.public_jwk(name).items() if k != "alg"}
            for name in ("rsa", "ed25519")]
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"keys": keys}))
    token = issuer.mint(issuer.template_claims(NOW), headers={"kid": None})
    checks, verdict = judge(project, token, jwks_file=path)
    assert checks["issuer.discovery"].status is Status.SKIP
    assert RSA_KID in checks["token.key"].detail
    assert_verified(checks, verdict)


def test_key_alg_must_match(project: Path, issuer: LocalIssuer) -> None:
    # An RS256 header with the Ed25519 key's kid: kty and alg do not fit.
    token = issuer.mint(issuer.template_claims(NOW), headers={"kid": ED25519_KID})
    checks, verdict = judge(project, token)
    assert_rejected(checks, verdict, "token.key")


# -- token.claims --------------------------------------------------------------------------
@pytest.mark.parametrize("claim", ["sub", "iat", "exp"])
def test_missing_required_claim_fails(project: Path, issuer: LocalIssuer, claim: str) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, drop=[claim])))
    check = assert_rejected(checks, verdict, "token.claims")
    assert claim in check.detail


# -- token.header --------------------------------------------------------------------------
@pytest.mark.parametrize("typ", ["JWT", "jwt", "JOSE", "application/jwt", None])
def test_accepted_typ_values(project: Path, issuer: LocalIssuer, typ: str | None) -> None:
    token = issuer.mint(issuer.template_claims(NOW), headers={"typ": typ})
    checks, verdict = judge(project, token)
    assert_verified(checks, verdict)


def test_typ_at_jwt_fails(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW), headers={"typ": "at+jwt"})
    checks, verdict = judge(project, token)
    header = assert_rejected(checks, verdict, "token.header")
    assert "at+jwt" in header.detail
    assert "access token" in checks["token.kind"].detail


@pytest.mark.parametrize("name,value", [("crit", ["exp"]), ("cty", "JWT")])
def test_crit_or_cty_header_fails(project: Path, issuer: LocalIssuer, name: str,
                                  value: object) -> None:
    token = issuer.mint(issuer.template_claims(NOW), headers={name: value})
    checks, verdict = judge(project, token)
    header = assert_rejected(checks, verdict, "token.header")
    assert repr(name) in header.detail
    assert checks["token.signature"].status is Status.PASS


# -- token.format --------------------------------------------------------------------------
def test_string_exp_fails_format(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW, exp=str(NOW + 60)))
    checks, verdict = judge(project, token)
    check = assert_rejected(checks, verdict, "token.format")
    assert "exp must be a non-negative number" in check.detail
    assert "exp" in check.fix


def test_negative_iat_fails_format(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, iat=-1)))
    assert_rejected(checks, verdict, "token.format")


def test_fractional_timestamps_are_numbers(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW, iat=NOW + 0.5, exp=NOW + 60.5))
    checks, verdict = judge(project, token)
    assert_verified(checks, verdict)


def test_padded_base64_fails_format(project: Path, issuer: LocalIssuer) -> None:
    for extra in range(4):  # find a header whose base64 needs padding
        token = issuer.mint(issuer.template_claims(NOW), headers={"x": "y" * extra})
        header, payload, signature = split(token)
        if len(header) % 4:
            break
    padded = header + "=" * (-len(header) % 4)
    checks, verdict = judge(project, f"{padded}.{payload}.{signature}")
    check = assert_rejected(checks, verdict, "token.format")
    assert "padded" in check.detail


def test_string_email_verified_fails_format(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW, email_verified="true"))
    checks, verdict = judge(project, token)
    check = assert_rejected(checks, verdict, "token.format")
    assert "email_verified" in check.detail and "boolean" in check.detail


def test_wrongly_typed_aud_fails_format(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, aud=["convex", 1])))
    assert_rejected(checks, verdict, "token.format")


def test_no_16_kib_limit_a_large_token_passes(project: Path, issuer: LocalIssuer) -> None:
    # Convex has no token size limit (SPEC §4's 16 KiB was wrong).
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, blob="x" * 40_000)))
    assert_verified(checks, verdict)


def test_paste_over_the_input_cap_is_refused_unread(project: Path) -> None:
    checks, verdict = judge(project, "e30." + "A" * (1024 * 1024) + ".e30")
    check = assert_rejected(checks, verdict, "token.format")
    assert "1024 KiB" in check.detail and "Convex itself sets no limit" in check.detail


@pytest.mark.parametrize("text", ["not a token", "a.b", "e30.e30", "e30.e30.e30.e30"])
def test_not_a_jwt_fails_format(project: Path, text: str) -> None:
    checks, verdict = judge(project, text)
    assert_rejected(checks, verdict, "token.format")
    assert checks["token.kind"].status is Status.FAIL


def test_pasted_publishable_key_is_named(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.publishable_key)
    kind = assert_rejected(checks, verdict, "token.kind")
    assert "publishable key" in kind.detail
    assert all(checks[i].status is Status.SKIP for i in TOKEN_CHECK_IDS
               if i not in ("token.format", "token.kind"))


def test_other_template_token_is_named(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, drop=["aud"])))
    kind = assert_rejected(checks, verdict, "token.kind")
    assert "another JWT template" in kind.detail


# -- optional claim types the OIDC parser enforces (convex_spec.md §2.3 step 4) -------------
@pytest.mark.parametrize(("claim", "value"), [
    ("auth_time", "yesterday"), ("updated_at", "not-a-date"), ("amr", "pwd"),
    ("amr", ["pwd", 1]), ("address", "1 Main St"), ("exp", 1e300),
])
def test_optional_claim_types_are_enforced(project: Path, issuer: LocalIssuer, claim: str,
                                           value: Any) -> None:
    token = issuer.mint(issuer.template_claims(NOW, **{claim: value}))
    checks, verdict = judge(project, token)
    check = assert_rejected(checks, verdict, "token.format")
    assert claim in check.detail


@pytest.mark.parametrize(("claim", "value"), [
    ("updated_at", "2026-11-26T10:00:00Z"), ("updated_at", 1795600000), ("amr", ["pwd"]),
    ("address", {"formatted": "1 Main St"}), ("auth_time", NOW - 100),
])
def test_well_typed_optional_claims_pass(project: Path, issuer: LocalIssuer, claim: str,
                                         value: Any) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, **{claim: value})))
    assert_verified(checks, verdict)


def test_non_string_kid_fails_parsing(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW), headers={"kid": 123})
    checks, verdict = judge(project, token)
    check = assert_rejected(checks, verdict, "token.format")
    assert "kid" in check.detail


# -- routing across providers (convex_spec.md §2.2: the first provider that matches wins) ---
TWO_PROVIDERS = """export default {
  providers: [
    { domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: "convex" },
    { domain: process.env.CLERK_PROD_ISSUER!, applicationID: "convex" },
    { domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: "mobile" },
  ],
};
"""


def test_token_routes_to_the_second_provider(make_project: MakeProject, issuer: LocalIssuer,
                                             fresh_issuer: LocalIssuer) -> None:
    env = (f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\n"
           f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}\nCLERK_PROD_ISSUER={fresh_issuer.url}\n")
    root = make_project(None, env_local=env, auth_config=TWO_PROVIDERS)
    checks, verdict = judge(root, fresh_issuer.mint(fresh_issuer.template_claims(NOW)))
    assert_verified(checks, verdict)
    assert fresh_issuer.url in checks["token.iss"].detail
    # A token of neither instance is still judged against the first provider, and fails.
    token = issuer.mint({**issuer.template_claims(NOW), "iss": "https://other.example.com"})
    checks, verdict = judge(root, token)
    assert_rejected(checks, verdict, "token.iss")


def test_token_routes_by_audience_to_a_provider_with_another_application_id(
        make_project: MakeProject, issuer: LocalIssuer, fresh_issuer: LocalIssuer) -> None:
    env = (f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\n"
           f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}\nCLERK_PROD_ISSUER={fresh_issuer.url}\n")
    root = make_project(None, env_local=env, auth_config=TWO_PROVIDERS)
    checks, verdict = judge(root, issuer.mint(issuer.template_claims(NOW, aud="mobile")))
    assert checks["token.aud"].status is Status.PASS
    assert_verified(checks, verdict)


def test_scheme_less_domain_gets_https_as_convex_stores_it(issuer: LocalIssuer) -> None:
    # Convex stores a scheme-less domain with https:// added (convex_spec.md §1.3).
    from wizard.walkthrough.session import load

    session = load(Options(issuer="verb-noun-00.clerk.accounts.dev", offline=True))
    assert session.token_context().issuer == "https://verb-noun-00.clerk.accounts.dev"


# -- the rules' sources and the parsers' strictness (issue 11) ------------------------------------
def test_every_rule_names_the_source_line_it_follows() -> None:
    import inspect

    from wizard.rules import convex as convex_rules

    public = [name for name, value in vars(convex_rules).items()
              if not name.startswith("_") and inspect.isfunction(value)
              and value.__module__ == convex_rules.__name__ and name != "follows"]
    missing = [name for name in public if name not in convex_rules.SOURCES]
    assert missing == []
    pattern = r"^get-convex/|^[\w-]+/[\w.-]+@"
    import re

    assert all(re.match(pattern, source) and re.search(r":\d", source)
               for source in convex_rules.SOURCES.values())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-8-sig"])
def test_parts_not_in_plain_utf8_are_refused(encoding: str) -> None:
    # Python's json.loads(bytes) would guess the encoding; RFC 7519 and Convex say UTF-8.
    from wizard.rules.jwt import decode_token

    body = b64url(json.dumps({"iss": "https://x.dev", "sub": "u"}).encode(encoding))
    token = decode_token(f"{b64url(b'{}')}.{body}.c2ln")
    assert token.claims is None
    assert any("not JSON as Convex reads it" in p for p in token.problems)


@pytest.mark.parametrize(("claim", "value"), [
    ("jti", 12345), ("birthday", 19900101), ("email#en", "a@b.c"),
    ("address", {"formatted": 1}), ("exp", 10 ** 13),
])
def test_claims_convex_cannot_read_fail_format(project: Path, issuer: LocalIssuer, claim: str,
                                                value: Any) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, **{claim: value})))
    check = assert_rejected(checks, verdict, "token.format")
    assert claim.split("#")[0] in check.detail or "panics" in check.detail


@pytest.mark.parametrize(("claim", "value"), [
    ("exp", 285_000_000_000), ("updated_at", NOW * 1000), ("auth_time", "2026-11-26T10:00:00Z"),
    ("auth_time", -5), ("nbf", None), ("name#en", "Ada"),
])
def test_claims_convex_reads_fine_pass(project: Path, issuer: LocalIssuer, claim: str,
                                       value: Any) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, **{claim: value})))
    assert_verified(checks, verdict)


def test_a_timestamp_beyond_chrono_crashes_convex(project: Path, issuer: LocalIssuer) -> None:
    checks, verdict = judge(project, issuer.mint(issuer.template_claims(NOW, exp=10 ** 13)))
    check = assert_rejected(checks, verdict, "token.format")
    assert "panics" in check.detail
    assert verdict.token is not None and verdict.token.answer is not None
    assert verdict.token.answer.status == 500
