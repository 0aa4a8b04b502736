"""Minting real tokens with the secret key (issue 15 §2), against the Backend API stand-in.

Every request goes over real HTTP to ``LocalClerkAPI`` on 127.0.0.1, whose tokens are signed by
the local issuer and verify through the engine. The stand-in records each call (method and
path), so what was sent, created and revoked is asserted on its record; the hostile-network
recorder shows where the secret key may go.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import test_hostile_network as hostile
from tests.conftest import SECRET_KEY, MakeProject
from tests.test_clerk_api import backend_at
from tests.test_hostile_network import Recorder
from wizard.demo.local_clerk_api import LocalClerkAPI
from wizard.demo.local_issuer import LocalIssuer
from wizard.project.reader import read_project
from wizard.providers.clerk.api import ClerkBackend
from wizard.providers.clerk.checks import backend, find_secret_key
from wizard.providers.clerk.sessions import (
    Call,
    MintAgreement,
    MintReason,
    MintResult,
    SearchReason,
    SessionCreationAgreement,
    find_sessions,
    mint_tokens,
    mint_with_new_session,
)
from wizard.providers.clerk.token_pair import (
    Integration,
    NoToken,
    Slot,
    TemplateState,
    TokenError,
    TokenPair,
    analyse_pair,
)
from wizard.services.keys import Destinations
from wizard.walkthrough.session import Options, load

LIVE_KEY = "sk_live_TGl2ZVNlY3JldEtleUZvclRlc3RzMTIzNDU2Nzg5MA"
TEMPLATE_MISSING = TokenError(NoToken.TEMPLATE_NOT_FOUND,
                              "No JWT template exists with name: convex", 404,
                              "resource_not_found")
ADA, ADA_SESSION = "user_2demoUser", "sess_2demo"


@pytest.fixture
def clerk(api: LocalClerkAPI) -> Iterator[ClerkBackend]:
    with backend_at(api.url) as client:
        yield client


@pytest.fixture(autouse=True)
def _writes_land_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
                 "XDG_CONFIG_HOME", "CONVEX_AUTH_WIZARD_STATE_DIR"):
        monkeypatch.setenv(name, str(tmp_path / "home" / name.lower()))


def calls(api: LocalClerkAPI) -> list[tuple[str, str]]:
    assert all(request.authorized for request in api.requests)
    return [(request.method, request.path) for request in api.requests]


def verified(make_project: MakeProject, issuer: LocalIssuer, pair: TokenPair) -> dict[Slot, bool]:
    """Each token judged by the engine, as Convex would judge it."""
    session = load(Options(project_dir=make_project(issuer.url,
                                                    publishable_key=issuer.publishable_key)))
    session.fetch()
    return {slot: session.verify(token, path).verified for slot, token, path in pair.to_verify()}


def assert_nothing_leaked(result: MintResult, tmp_path: Path,
                          capfd: pytest.CaptureFixture[str]) -> None:
    """No token nor the key in the result's text or the output; no token in any file (the
    key is in the project's own .env.local, where the user put it)."""
    tokens = result.pair.secrets() if result.pair else []
    assert tokens
    shown = repr(result) + json.dumps(result.to_dict()) + str(result.problem)
    out, err = capfd.readouterr()
    for secret in [*tokens, SECRET_KEY]:
        assert secret not in shown and secret not in out + err
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(token.encode() in data for token in tokens), path


# -- the agreement names what will be called ---------------------------------------------------
def test_the_agreement_lists_each_call_and_where_it_goes(clerk: ClerkBackend,
                                                        api: LocalClerkAPI) -> None:
    base = api.url + "/v1"
    assert MintAgreement.find_and_mint(clerk).planned() == [
        ("GET", base + "/users?order_by=-last_sign_in_at&limit={limit}"),
        ("GET", base + "/sessions?user_id={user_id}&status=active"),
        ("POST", base + "/sessions/{session_id}/tokens"),
        ("POST", base + "/sessions/{session_id}/tokens/convex"),
    ]
    assert MintAgreement.mint_for(clerk, "sess_x").planned() == [
        ("POST", base + "/sessions/{session_id}/tokens"),
        ("POST", base + "/sessions/{session_id}/tokens/convex"),
    ]
    assert SessionCreationAgreement.for_user(clerk, ADA).planned() == [
        ("POST", base + "/sessions"),
        ("POST", base + "/sessions/{session_id}/tokens"),
        ("POST", base + "/sessions/{session_id}/tokens/convex"),
        ("POST", base + "/sessions/{session_id}/revoke"),
    ]
    assert api.requests == []


# -- find a session, mint both tokens ------------------------------------------------------------
def test_the_most_recent_session_mints_both_tokens_and_they_verify(
        clerk: ClerkBackend, api: LocalClerkAPI, issuer: LocalIssuer,
        make_project: MakeProject, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    agreement = MintAgreement.find_and_mint(clerk)
    search = find_sessions(clerk, agreement)
    assert search.reason is SearchReason.FOUND
    assert [found.user.id for found in search.users] == [ADA, "user_2otherUser"]
    assert search.users[0].user.email == "ada@example.com"
    assert [s.id for s in search.users[0].sessions] == [ADA_SESSION]
    assert search.users[1].sessions == ()  # Grace's session ended
    assert search.latest is not None and search.latest.id == ADA_SESSION

    result = mint_tokens(clerk, agreement, search.latest.id)
    assert result.reason is MintReason.MINTED and result.pair is not None
    assert result.created_session_id is None and result.revoked is None
    assert calls(api) == [
        ("GET", "/v1/users?order_by=-last_sign_in_at&limit=10"),
        ("GET", f"/v1/sessions?user_id={ADA}&status=active"),
        ("GET", "/v1/sessions?user_id=user_2otherUser&status=active"),
        ("POST", f"/v1/sessions/{ADA_SESSION}/tokens"),
        ("POST", f"/v1/sessions/{ADA_SESSION}/tokens/convex"),
    ]
    analysis = analyse_pair(result.pair, "1.45.0")
    assert (analysis.integration, analysis.template, analysis.sends) == (
        Integration.INACTIVE, TemplateState.EXISTS, Slot.TEMPLATE)
    # Without the integration the session token has no aud: Convex refuses it, rightly.
    assert verified(make_project, issuer, result.pair) == {Slot.SESSION: False,
                                                          Slot.TEMPLATE: True}
    assert_nothing_leaked(result, tmp_path, capfd)


def test_first_only_stops_at_the_first_user_with_an_active_session(
        clerk: ClerkBackend, api: LocalClerkAPI) -> None:
    search = find_sessions(clerk, MintAgreement.find_and_mint(clerk), limit=3, first_only=True)
    assert search.latest is not None and len(search.users) == 1
    assert calls(api) == [("GET", "/v1/users?order_by=-last_sign_in_at&limit=3"),
                          ("GET", f"/v1/sessions?user_id={ADA}&status=active")]


def test_a_missing_template_is_clerks_404_as_data_and_the_integration_token_verifies(
        clerk: ClerkBackend, api: LocalClerkAPI, issuer: LocalIssuer,
        make_project: MakeProject, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    api.scenario("absent")
    api.integration = True
    result = mint_tokens(clerk, MintAgreement.mint_for(clerk, ADA_SESSION), ADA_SESSION)
    assert result.reason is MintReason.MINTED and result.pair is not None
    assert result.pair.template.error == TEMPLATE_MISSING
    assert result.to_dict()["tokens"] == {
        "session": {"obtained": True, "error": None},
        "template": {"obtained": False, "error": {
            "reason": "template_not_found", "message": "No JWT template exists with name: convex",
            "status": 404, "code": "resource_not_found"}},
    }
    assert result.to_dict()["template_problem"] == {
        "kind": "status", "url": f"{api.url}/v1/sessions/{ADA_SESSION}/tokens/convex",
        "status": 404, "code": "resource_not_found",
        "clerk_message": "No JWT template exists with name: convex"}
    analysis = analyse_pair(result.pair, "1.45.0")
    assert (analysis.integration, analysis.session_aud, analysis.template) == (
        Integration.ACTIVE, "convex", TemplateState.ABSENT)
    assert analysis.sends is Slot.SESSION and analysis.sends_available is True
    old = analyse_pair(result.pair, "1.32.0")  # an old provider asks for the missing template
    assert old.sends is Slot.TEMPLATE and old.sends_available is False
    assert verified(make_project, issuer, result.pair) == {Slot.SESSION: True}
    assert_nothing_leaked(result, tmp_path, capfd)


def test_an_unknown_session_stops_before_the_template_call(clerk: ClerkBackend,
                                                           api: LocalClerkAPI) -> None:
    result = mint_tokens(clerk, MintAgreement.find_and_mint(clerk), "sess_nope")
    assert result.reason is MintReason.SESSION_NOT_FOUND and result.pair is None
    assert result.problem is not None and result.problem.status == 404
    assert result.problem.clerk_message == "No session was found with id sess_nope"
    assert calls(api) == [("POST", "/v1/sessions/sess_nope/tokens")]


def test_an_invalid_key_is_one_request_and_a_problem_as_data(api: LocalClerkAPI) -> None:
    with backend_at(api.url, "sk_test_" + "W" * 40) as clerk:
        search = find_sessions(clerk, MintAgreement.find_and_mint(clerk))
    assert search.reason is SearchReason.API_PROBLEM and search.problem is not None
    assert (search.problem.kind, search.problem.status, search.problem.code) == (
        "invalid_key", 401, "clerk_key_invalid")
    assert len(api.requests) == 1 and not api.requests[0].authorized


def test_no_users_and_no_active_session_are_told_apart(clerk: ClerkBackend,
                                                       api: LocalClerkAPI) -> None:
    agreement = MintAgreement.find_and_mint(clerk)
    api.people("no_active_session")
    search = find_sessions(clerk, agreement)
    assert search.reason is SearchReason.NO_ACTIVE_SESSION and search.latest is None
    assert len(search.users) == 2
    api.people("no_users")
    assert find_sessions(clerk, agreement).reason is SearchReason.NO_USERS


# -- no active session: create one (development only), mint, revoke -----------------------------
def test_on_development_a_session_is_created_minted_and_revoked(
        clerk: ClerkBackend, api: LocalClerkAPI, issuer: LocalIssuer,
        make_project: MakeProject, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    api.people("no_active_session")
    api.integration = True
    agreement = MintAgreement.find_and_mint(clerk)
    assert find_sessions(clerk, agreement).reason is SearchReason.NO_ACTIVE_SESSION
    api.requests.clear()
    result = mint_with_new_session(clerk, agreement,
                                   SessionCreationAgreement.for_user(clerk, ADA))
    assert result.reason is MintReason.MINTED and result.pair is not None
    created = result.created_session_id
    assert created is not None and created.startswith("sess_") and result.session_id == created
    assert result.revoked is True and result.revoke_problem is None
    assert calls(api) == [("POST", "/v1/sessions"), ("POST", f"/v1/sessions/{created}/tokens"),
                          ("POST", f"/v1/sessions/{created}/tokens/convex"),
                          ("POST", f"/v1/sessions/{created}/revoke")]
    assert {s["id"]: s["status"] for s in api.sessions}[created] == "revoked"
    assert not any(s["status"] == "active" for s in api.sessions)
    assert verified(make_project, issuer, result.pair) == {Slot.SESSION: True,
                                                          Slot.TEMPLATE: True}
    assert_nothing_leaked(result, tmp_path, capfd)


def test_the_session_is_revoked_even_when_minting_fails(clerk: ClerkBackend, api: LocalClerkAPI,
                                                        issuer: LocalIssuer) -> None:
    api.issuer = None  # the stand-in cannot sign: the token calls answer 500
    try:
        result = mint_with_new_session(clerk, MintAgreement.find_and_mint(clerk),
                                       SessionCreationAgreement.for_user(clerk, ADA))
    finally:
        api.issuer = issuer
    assert result.reason is MintReason.API_PROBLEM and result.problem is not None
    assert result.problem.kind == "server" and result.revoked is True
    assert calls(api)[-1] == ("POST", f"/v1/sessions/{result.created_session_id}/revoke")


def test_production_keys_never_create_a_session(issuer: LocalIssuer) -> None:
    with LocalClerkAPI(secret_key=LIVE_KEY, frontend_api_url=issuer.url,
                       issuer=issuer) as live:
        live.instance_type = "production"
        live.people("no_active_session")
        before = [dict(s) for s in live.sessions]
        with backend_at(live.url, LIVE_KEY) as clerk:
            result = mint_with_new_session(clerk, MintAgreement.find_and_mint(clerk),
                                           SessionCreationAgreement.for_user(clerk, ADA))
            assert clerk.requests_sent == 0
        assert result.reason is MintReason.PRODUCTION_INSTANCE
        assert result.created_session_id is None and result.pair is None
        assert live.requests == [] and live.sessions == before


def test_clerks_refusal_on_production_is_read_as_data(clerk: ClerkBackend,
                                                      api: LocalClerkAPI) -> None:
    """A development-looking key whose instance is production: Clerk's 400 decides."""
    api.instance_type = "production"
    before = len(api.sessions)
    result = mint_with_new_session(clerk, MintAgreement.find_and_mint(clerk),
                                   SessionCreationAgreement.for_user(clerk, ADA))
    assert result.reason is MintReason.ENVIRONMENT_REFUSED and result.problem is not None
    assert (result.problem.status, result.problem.code, result.problem.clerk_message) == (
        400, "request_invalid_for_environment", "Request only valid for development instances.")
    assert calls(api) == [("POST", "/v1/sessions")] and len(api.sessions) == before


def test_a_key_of_unknown_kind_never_creates_a_session(api: LocalClerkAPI) -> None:
    with backend_at(api.url, "sk_" + "Q" * 40) as clerk:
        result = mint_with_new_session(clerk, MintAgreement.find_and_mint(clerk),
                                       SessionCreationAgreement.for_user(clerk, ADA))
    assert result.reason is MintReason.UNKNOWN_INSTANCE and api.requests == []


# -- no agreement, no request -------------------------------------------------------------------
def test_nothing_is_sent_without_the_agreement_for_it(clerk: ClerkBackend,
                                                      api: LocalClerkAPI) -> None:
    elsewhere = MintAgreement("https://api.clerk.com/v1", frozenset(Call))
    mint_only = MintAgreement.mint_for(clerk, ADA_SESSION)
    no_template = MintAgreement(clerk.base_url, frozenset({Call.MINT_SESSION_TOKEN}))
    creation = SessionCreationAgreement.for_user(clerk, ADA)
    assert find_sessions(clerk, elsewhere).reason is SearchReason.NOT_AGREED
    assert find_sessions(clerk, mint_only).reason is SearchReason.NOT_AGREED
    assert mint_tokens(clerk, elsewhere, ADA_SESSION).reason is MintReason.NOT_AGREED
    assert mint_tokens(clerk, no_template, ADA_SESSION).reason is MintReason.NOT_AGREED
    assert mint_tokens(clerk, mint_only, "sess_other").reason is MintReason.NOT_AGREED
    refused = [
        mint_with_new_session(clerk, MintAgreement.find_and_mint(clerk),
                              SessionCreationAgreement("https://api.clerk.com/v1", ADA)),
        mint_with_new_session(clerk, mint_only, creation),  # a named session is not a new one
        mint_with_new_session(clerk, elsewhere, creation),
        mint_with_new_session(clerk, MintAgreement.find_and_mint(clerk),
                              MintAgreement.find_and_mint(clerk)),  # type: ignore[arg-type]
    ]
    assert {r.reason for r in refused} == {MintReason.NOT_AGREED}
    assert api.requests == [] and clerk.requests_sent == 0


# -- the secret key goes only to Clerk's API or the host the user named --------------------------
attacker, proxy = hostile.attacker, hostile.proxy  # the hostile-network tests' recorders


def project_backend(make_project: MakeProject, issuer: LocalIssuer, *lines: str,
                    destinations: Destinations | None = None) -> ClerkBackend:
    """The backend the CLI builds from the project's .env files and the user's flags."""
    root = make_project(issuer.url, env_local="\n".join(
        [f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}", f"CLERK_SECRET_KEY={SECRET_KEY}", *lines])
        + "\n")
    project = read_project(root)
    key = find_secret_key(project)
    assert key is not None
    return backend(project, key, destinations or Destinations(), timeout=5.0)


def test_a_clerk_api_url_from_the_project_never_gets_the_key(
        make_project: MakeProject, issuer: LocalIssuer, attacker: Recorder,
        proxy: Recorder) -> None:
    with project_backend(make_project, issuer, f"CLERK_API_URL={attacker.url}") as clerk:
        agreement = MintAgreement.find_and_mint(clerk)
        search = find_sessions(clerk, agreement)
        minted = mint_tokens(clerk, agreement, ADA_SESSION)
    assert search.problem is not None and search.problem.kind == "withheld"
    assert minted.problem is not None and minted.problem.kind == "withheld"
    assert attacker.requests == [] and proxy.requests == []


def test_by_default_the_key_goes_to_api_clerk_com_only(
        make_project: MakeProject, issuer: LocalIssuer, proxy: Recorder) -> None:
    with project_backend(make_project, issuer) as clerk:
        agreement = MintAgreement.find_and_mint(clerk)
        find_sessions(clerk, agreement)
        mint_tokens(clerk, agreement, ADA_SESSION)
        mint_with_new_session(clerk, agreement, SessionCreationAgreement.for_user(clerk, ADA))
    assert proxy.requests and proxy.hosts() == {"api.clerk.com:443"}


def test_a_named_host_gets_the_key_but_never_a_host_it_redirects_to(
        make_project: MakeProject, issuer: LocalIssuer, attacker: Recorder) -> None:
    with Recorder("redirect", redirect_to=attacker.url) as named, project_backend(
            make_project, issuer, destinations=Destinations(clerk_api_url=named.url)) as clerk:
        agreement = MintAgreement.find_and_mint(clerk)
        minted = mint_tokens(clerk, agreement, ADA_SESSION)
        created = mint_with_new_session(clerk, agreement,
                                        SessionCreationAgreement.for_user(clerk, ADA))
    assert [seen.scheme for seen in named.requests] == ["Bearer", "Bearer"]
    assert attacker.requests == []
    assert minted.problem is not None and minted.problem.kind == "withheld"
    assert created.problem is not None and created.problem.kind == "withheld"


# -- the stand-in answers as Clerk does ----------------------------------------------------------
def bapi(api: LocalClerkAPI, method: str, path: str, body: object = None,
         key: str = SECRET_KEY) -> httpx.Response:
    return httpx.request(method, api.url + path, json=body,
                         headers={"Authorization": f"Bearer {key}"})


def first_error(response: httpx.Response) -> tuple[int, str, str, str]:
    error = response.json()["errors"][0]
    return response.status_code, error["code"], error["message"], error["long_message"]


def test_the_stand_in_lists_users_and_sessions_in_clerks_shapes(api: LocalClerkAPI) -> None:
    users = bapi(api, "GET", "/v1/users?order_by=-last_sign_in_at&limit=1").json()
    assert [u["id"] for u in users] == [ADA] and users[0]["object"] == "user"
    for required in ("primary_email_address_id", "last_sign_in_at", "banned", "locked",
                     "enterprise_accounts", "legal_accepted_at"):
        assert required in users[0]
    oldest = bapi(api, "GET", "/v1/users?order_by=last_sign_in_at").json()
    assert [u["id"] for u in oldest] == ["user_2otherUser", ADA]
    paginated = bapi(api, "GET", f"/v1/sessions?user_id={ADA}&paginated=true").json()
    assert paginated["total_count"] == 1 and paginated["data"][0]["object"] == "session"
    for query, param in (("limit=0", "limit"), ("limit=501", "limit"),
                         ("order_by=-password", "order_by")):
        answer = bapi(api, "GET", f"/v1/users?{query}")
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["meta"] == {"param_name": param}
    assert bapi(api, "GET", "/v1/sessions?status=gone").status_code == 422


def test_the_stand_in_errors_are_clerks(api: LocalClerkAPI) -> None:
    assert first_error(bapi(api, "POST", f"/v1/sessions/{ADA_SESSION}/tokens/Convex")) == (
        404, "resource_not_found", "JWT template not found",
        "No JWT template exists with name: Convex")
    assert first_error(bapi(api, "POST", "/v1/sessions/sess_x/revoke")) == (
        404, "resource_not_found", "Session not found", "No session was found with id sess_x")
    assert first_error(bapi(api, "POST", "/v1/sessions", {"user_id": "user_nobody"}))[:2] == (
        404, "resource_not_found")
    missing = bapi(api, "POST", "/v1/sessions", {})
    assert first_error(missing)[:2] == (422, "form_param_missing")
    short = bapi(api, "POST", f"/v1/sessions/{ADA_SESSION}/tokens", {"expires_in_seconds": 5})
    assert first_error(short)[:2] == (422, "form_param_value_invalid")
    assert first_error(bapi(api, "GET", "/v1/users", key="sk_test_wrong"))[:2] == (
        401, "clerk_key_invalid")
    api.instance_type = "production"
    assert first_error(bapi(api, "POST", "/v1/sessions", {"user_id": ADA})) == (
        400, "request_invalid_for_environment", "Invalid request for environment",
        "Request only valid for development instances.")
    assert bapi(api, "POST", "/v1/sessions/x/tokens/a/b").status_code == 404


def test_the_stand_in_mints_tokens_of_the_right_shape(api: LocalClerkAPI,
                                                      issuer: LocalIssuer) -> None:
    from wizard.rules.jwt import decode_token

    api.integration = True
    answer = bapi(api, "POST", f"/v1/sessions/{ADA_SESSION}/tokens", {"expires_in_seconds": 120})
    assert answer.status_code == 200 and answer.json()["object"] == "token"
    claims = decode_token(answer.json()["jwt"]).claims
    assert claims is not None
    assert (claims["aud"], claims["sid"], claims["sub"], claims["iss"]) == (
        "convex", ADA_SESSION, ADA, issuer.url)
    assert "azp" not in claims  # minted without a browser: no Origin, no azp
    assert claims["exp"] - claims["iat"] == 120
    template = decode_token(bapi(api, "POST", f"/v1/sessions/{ADA_SESSION}/tokens/convex")
                            .json()["jwt"]).claims
    assert template is not None and template["aud"] == "convex" and "sid" not in template
    assert abs(template["iat"] - time.time()) < 60
    recorded = json.dumps([r.__dict__ for r in api.requests])
    assert answer.json()["jwt"] not in recorded and "expires_in_seconds" not in recorded
