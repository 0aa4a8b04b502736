"""Asking Convex itself: the stand-in deployment, the probe, the two checks, the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import DEPLOY_KEY, NOW, SECRET_KEY, WEBHOOK_SECRET, MakeProject
from wizard.checks.convex_checks import admin_url
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.cli import main
from wizard.demo.local_convex import LocalConvex, custom_jwt, oidc
from wizard.demo.local_issuer import LocalIssuer
from wizard.project.deployment_url import find_deploy_key, find_deployment_url
from wizard.project.envfiles import read_env_files
from wizard.project.sourced import Sourced
from wizard.services.convex_probe import (
    ListStatus,
    ProbeStatus,
    list_auth_providers,
    probe_token,
)
from wizard.services.keys import Destinations, deploy_key_credential, url_problem
from wizard.walkthrough.session import Verdict, run_checks

OTHER_KEY = "dev:happy-otter-123|eyJ2MiI6Im5vdFRoZVJpZ2h0S2V5QXRBbGwifQabc"


def write_project(make_project: MakeProject, issuer: LocalIssuer, convex: LocalConvex, *,
                  key: str | None = None, url_var: str = "VITE_CONVEX_URL") -> Path:
    lines = [f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}",
             f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}", f"CLERK_SECRET_KEY={SECRET_KEY}",
             f"CLERK_WEBHOOK_SECRET={WEBHOOK_SECRET}", f"{url_var}={convex.url}"]
    if key is not None:
        lines.append(f"CONVEX_DEPLOY_KEY={key}")
    return make_project(issuer.url, env_local="\n".join(lines) + "\n")


def named(convex: LocalConvex) -> Destinations:
    """The stand-in deployment named as a user would with --deployment-url."""
    return Destinations(deployment_url=convex.url)


def good_token(issuer: LocalIssuer, **extra: Any) -> str:
    return issuer.mint(issuer.template_claims(NOW, **extra))


def check(verdict: Verdict, check_id: str) -> Any:
    return next(c for c in verdict.checks if c.id == check_id)


def run(root: Path, token: str | None, **options: Any) -> Verdict:
    options.setdefault("ask_convex", True)
    options.setdefault("environ", {})
    return run_checks(Options(project_dir=root, at=NOW, **options), token)


def post(convex: LocalConvex, body: Any, headers: dict[str, str] | None = None,
         route: str = "/api/query") -> httpx.Response:
    return httpx.post(convex.url + route, json=body, headers=headers or {}, timeout=10)


# -- the stand-in answers as Convex does (convex_http_probe.md §7) ------------------------------

def test_stand_in_lifecycle_and_request_record() -> None:
    server = LocalConvex()
    with pytest.raises(RuntimeError, match="LocalConvex is not started"):
        _ = server.url
    with pytest.raises(ValueError, match="unknown fault"):
        server.fault = "teapot"
    with server:
        assert httpx.get(server.url + "/instance_name", timeout=10).text == server.name
        assert post(server, {"path": "x", "args": {}}, {"Authorization": "Bearer t"}).json()
        url = server.url
    assert server.requests == [("GET", "/instance_name", None), ("POST", "/api/query", "Bearer")]
    with pytest.raises(httpx.ConnectError):  # stopped: the port refuses connections
        httpx.get(url + "/", timeout=10)


def test_path_is_parsed_before_authentication(convex: LocalConvex) -> None:
    reply = post(convex, {"path": "auth_probe:not-valid", "args": {}},
                 {"Authorization": "Bearer not.a.token"})
    assert reply.status_code == 400
    assert reply.json()["code"] == "BadConvexFunctionIdentifier"
    assert "invalid character '-'" in reply.json()["message"]


def test_run_route_authenticates_before_parsing(convex: LocalConvex) -> None:
    reply = httpx.post(convex.url + "/api/run/auth_probe/not-valid", json={"args": {}},
                       headers={"Authorization": "Bearer not.a.token"})
    assert (reply.status_code, reply.json()["code"]) == (401, "InvalidAuthHeader")
    reply = httpx.post(convex.url + "/api/run/lonely", json={"args": {}})
    assert reply.json()["code"] == "MissingIdentifier"


def test_accepted_token_on_system_path_is_200_error(convex: LocalConvex,
                                                    issuer: LocalIssuer) -> None:
    headers = {"Authorization": "Bearer " + good_token(issuer), "Convex-Request-Id": "abc123"}
    reply = post(convex, {"path": "_system/x:probe", "args": {}, "format": "json"}, headers)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"status": "error", "errorMessage":
                            "[Request ID: abc123] Server Error\nOperation query not permitted\n"}
    convex.redact = True
    reply = post(convex, {"path": "_system/x:probe", "args": {}}, headers)
    assert reply.json()["errorMessage"] == "[Request ID: abc123] Server Error"


def test_no_header_is_indistinguishable_from_accepted(convex: LocalConvex) -> None:
    reply = post(convex, {"path": "_system/x:probe", "args": {}})
    assert reply.status_code == 200 and reply.json()["status"] == "error"


def test_missing_function_and_the_404_knob(convex: LocalConvex) -> None:
    reply = post(convex, {"path": "messages.js:list", "args": {}})
    assert "Could not find public function for 'messages:list'." in reply.json()["errorMessage"]
    convex.function_404 = True
    reply = post(convex, {"path": "messages:list", "args": {}})
    assert (reply.status_code, reply.json()["code"]) == (404, "FunctionPathNotFound")


@pytest.mark.parametrize(("headers", "code"), [
    ({"Authorization": "eyJhbGciOi.x.y"}, "InvalidAdminKey"),
    ({"Authorization": "Bear"}, "InvalidHeaderFailure"),
    ({"Convex-Client": "python"}, "InvalidClientVersion"),
])
def test_malformed_headers(convex: LocalConvex, headers: dict[str, str], code: str) -> None:
    reply = post(convex, {"path": "_system/x:probe", "args": {}}, headers)
    assert (reply.status_code, reply.json()["code"]) == (400, code)


def test_bad_body_and_format(convex: LocalConvex) -> None:
    reply = httpx.post(convex.url + "/api/query", content=b'{"path":"a:b","args":{}}')
    assert reply.json()["code"] == "BadJsonBody"
    reply = post(convex, {"path": "a:b"})
    assert "missing field `args`" in reply.json()["message"]
    reply = post(convex, {"path": "a:b", "args": {}, "format": "yaml"})
    assert (reply.status_code, reply.json()["code"]) == (400, "BadFormat")


def test_extra_routes(convex: LocalConvex) -> None:
    assert httpx.get(convex.url + "/").text.startswith("This Convex deployment is running")
    assert httpx.get(convex.url + "/instance_name").text == convex.name
    missing = httpx.get(convex.url + "/nothing")
    assert (missing.status_code, missing.content) == (404, b"")


def test_list_auth_providers_needs_an_admin_key(convex: LocalConvex,
                                                issuer: LocalIssuer) -> None:
    body = {"path": "_system/frontend/listAuthProviders", "args": {}, "format": "json"}
    reply = post(convex, body, {"Authorization": "Convex " + DEPLOY_KEY})
    rows = reply.json()["value"]
    assert rows[0]["domain"] == issuer.url and rows[0]["applicationID"] == "convex"
    assert "type" not in rows[0] and "_id" in rows[0]
    reply = post(convex, body, {"Authorization": "Convex " + OTHER_KEY})
    assert (reply.status_code, reply.json()["code"]) == (401, "BadAdminKey")
    reply = post(convex, body, {"Authorization": "Bearer " + good_token(issuer)})
    assert "Operation query not permitted" in reply.json()["errorMessage"]


def test_no_provider_messages_follow_redaction(convex: LocalConvex,
                                               issuer: LocalIssuer) -> None:
    token = good_token(issuer, aud="not-convex")
    assert "[OIDC(domain=" + issuer.url + ", app_id=convex)]" in \
        probe_token(convex.url, token).message
    convex.providers = []
    assert "(no providers configured)" in probe_token(convex.url, token).message
    convex.redact = True
    assert probe_token(convex.url, token).message == \
        "No auth provider found matching the given token"


# -- the probe: accepted / rejected / inconclusive ---------------------------------------------

def test_probe_accepted(convex: LocalConvex, issuer: LocalIssuer) -> None:
    answer = probe_token(convex.url, good_token(issuer))
    assert (answer.status, answer.http_status, answer.code) == (ProbeStatus.ACCEPTED, 200, None)
    assert convex.requests == [("POST", "/api/query", "Bearer")]
    convex.redact = True
    assert probe_token(convex.url, good_token(issuer, key="ed25519")).status == ProbeStatus.ACCEPTED
    convex.function_404 = True  # a _system path never reaches the lookup
    assert probe_token(convex.url, good_token(issuer)).status == ProbeStatus.ACCEPTED


@pytest.mark.parametrize(("case", "code"), [
    ("wrong_aud", "NoAuthProvider"),
    ("wrong_issuer", "NoAuthProvider"),
    ("expired", "Unauthenticated"),
    ("unpublished_key", "Unauthenticated"),
    ("extra_audience", "Unauthenticated"),
    ("no_iss", "InvalidAuthHeader"),
    ("not_a_jwt", "InvalidAuthHeader"),
    ("string_email_verified", "InvalidAuthHeader"),
])
def test_probe_rejected(convex: LocalConvex, issuer: LocalIssuer, case: str, code: str) -> None:
    tokens: dict[str, Callable[[], str]] = {
        "wrong_aud": lambda: good_token(issuer, aud="other"),
        "wrong_issuer": lambda: good_token(issuer, iss=issuer.url + "/x"),
        "expired": lambda: issuer.mint(issuer.template_claims(NOW - 120)),
        "unpublished_key": lambda: issuer.mint(issuer.template_claims(NOW), key="rsa2"),
        "extra_audience": lambda: good_token(issuer, aud=["convex", "other"]),
        "no_iss": lambda: issuer.mint(issuer.template_claims(NOW, drop=["iss"])),
        "not_a_jwt": lambda: "a.b.c",
        "string_email_verified": lambda: good_token(issuer, email_verified="true"),
    }
    answer = probe_token(convex.url, tokens[case]())
    assert (answer.status, answer.http_status, answer.code) == (ProbeStatus.REJECTED, 401, code)


def test_probe_discovery_failure_is_a_rejection(convex: LocalConvex,
                                                issuer: LocalIssuer) -> None:
    issuer.fault = "discovery_404"
    answer = probe_token(convex.url, good_token(issuer))
    assert (answer.status, answer.http_status, answer.code) == (
        ProbeStatus.REJECTED, 404, "AuthProviderDiscoveryFailed")


@pytest.mark.parametrize("fault", ["500", "html", "slow"])
def test_probe_inconclusive(convex: LocalConvex, issuer: LocalIssuer, fault: str) -> None:
    convex.fault = fault
    answer = probe_token(convex.url, good_token(issuer), timeout=0.5)
    assert answer.status == ProbeStatus.INCONCLUSIVE
    if fault == "500":
        assert (answer.http_status, answer.code) == (500, "InternalServerError")
    elif fault == "html":
        assert answer.http_status == 200 and "text/html" in answer.message
    else:
        assert answer.http_status is None and "no answer within 0.5 s" in answer.message


def test_probe_never_sends_an_empty_header(convex: LocalConvex) -> None:
    for token in ("", "   ", "two words"):
        assert probe_token(convex.url, token).status == ProbeStatus.NOT_SENT
    assert convex.requests == []


def test_token_goes_only_to_https_or_loopback(convex: LocalConvex, issuer: LocalIssuer) -> None:
    assert url_problem("http://example.com") is not None
    assert url_problem("https://happy-otter-123.convex.cloud") is None
    assert url_problem("http://127.0.0.1:3210") is None
    assert url_problem("https://happy-otter-123.convex.cloud/api") is not None
    answer = probe_token("http://example.com", good_token(issuer))
    assert answer.status == ProbeStatus.NOT_SENT and "plain http" in answer.message


def test_list_auth_providers(convex: LocalConvex, issuer: LocalIssuer) -> None:
    convex.providers.append(custom_jwt("https://auth.example.com", "https://auth.example.com/j"))
    named = Destinations(deployment_url=convex.url)
    answer = list_auth_providers(convex.url, deploy_key_credential(DEPLOY_KEY, "test", named))
    assert answer.status == ListStatus.LISTED
    assert [p.kind for p in answer.providers] == ["oidc", "customJwt"]
    assert answer.providers[1].algorithm == "RS256"  # stored JSON-encoded, quotes removed
    refused = list_auth_providers(convex.url, deploy_key_credential(OTHER_KEY, "test", named))
    assert (refused.status, refused.code) == (ListStatus.KEY_REFUSED, "BadAdminKey")


# -- the checks, through the engine -------------------------------------------------------------

def test_accepted_check_and_json(make_project: MakeProject, issuer: LocalIssuer,
                                 convex: LocalConvex) -> None:
    root = write_project(make_project, issuer, convex)
    verdict = run(root, good_token(issuer))
    found = check(verdict, "convex.accepts_token")
    assert found.status is Status.PASS and "the wizard's checks agree" in found.detail
    assert verdict.ok
    document = verdict.to_json()["convex"]
    assert document["deployment_url"] == convex.url
    assert document["deployment_url_source"] == ".env.local:VITE_CONVEX_URL"
    assert document["answer"]["status"] == "accepted"
    assert document["answer"]["agrees_with_wizard"] is True
    assert [c.id for c in verdict.checks][-1] == "convex.accepts_token"
    ids = [c.id for c in verdict.checks]
    assert ids.index("convex.deployed_providers") == ids.index("convex.deployment_env") + 1


@pytest.mark.parametrize(("claims", "code"), [
    ({"aud": "other"}, "NoAuthProvider"),
    ({"lifetime": -60}, "Unauthenticated"),
    ({"drop": ["iss"]}, "InvalidAuthHeader"),
])
def test_rejected_check_names_the_code(make_project: MakeProject, issuer: LocalIssuer,
                                       convex: LocalConvex, claims: dict[str, Any],
                                       code: str) -> None:
    root = write_project(make_project, issuer, convex)
    verdict = run(root, issuer.mint(issuer.template_claims(NOW, **claims)))
    found = check(verdict, "convex.accepts_token")
    assert found.status is Status.FAIL and code in found.detail
    assert found.fix == found.fix.strip() and found.fix
    assert "wizard's checks agree" in found.detail and not verdict.ok


def test_inconclusive_check_warns(make_project: MakeProject, issuer: LocalIssuer,
                                  convex: LocalConvex) -> None:
    root = write_project(make_project, issuer, convex)
    convex.fault = "500"
    found = check(run(root, good_token(issuer)), "convex.accepts_token")
    assert found.status is Status.WARN and "HTTP 500 InternalServerError" in found.detail


def test_nothing_sent_without_the_flag(make_project: MakeProject, issuer: LocalIssuer,
                                      convex: LocalConvex) -> None:
    root = write_project(make_project, issuer, convex)
    verdict = run(root, good_token(issuer), ask_convex=False)
    assert check(verdict, "convex.accepts_token").status is Status.SKIP
    assert check(verdict, "convex.deployed_providers").status is Status.SKIP
    assert "--ask-convex" in check(verdict, "convex.accepts_token").detail
    assert convex.requests == []
    offline = run(root, good_token(issuer), offline=True, jwks_file=None)
    assert check(offline, "convex.accepts_token").status is Status.SKIP
    assert convex.requests == []


def test_a_pasted_key_is_never_sent(make_project: MakeProject, issuer: LocalIssuer,
                                    convex: LocalConvex) -> None:
    root = write_project(make_project, issuer, convex)
    found = check(run(root, SECRET_KEY), "convex.accepts_token")
    assert found.status is Status.SKIP and convex.requests == []


def test_skip_without_deployment_url(make_project: MakeProject, issuer: LocalIssuer) -> None:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key)
    found = check(run(root, good_token(issuer)), "convex.accepts_token")
    assert found.status is Status.SKIP and "no deployment URL" in found.detail


def test_disagreement_is_said_plainly(make_project: MakeProject, issuer: LocalIssuer,
                                      convex: LocalConvex) -> None:
    root = write_project(make_project, issuer, convex)
    convex.providers = [oidc("https://verb-noun-00.clerk.accounts.dev")]
    rejected = check(run(root, good_token(issuer)), "convex.accepts_token")
    assert rejected.status is Status.FAIL and "DISAGREEMENT" in rejected.detail
    convex.providers = [oidc(issuer.url, "other")]
    accepted = run(root, good_token(issuer, aud="other"), application_id="convex")
    found = check(accepted, "convex.accepts_token")
    assert found.status is Status.WARN and "DISAGREEMENT" in found.detail
    assert "token.aud" in found.detail
    assert accepted.to_json()["convex"]["answer"]["agrees_with_wizard"] is False


# -- deployed providers --------------------------------------------------------------------------

def providers_check(make_project: MakeProject, issuer: LocalIssuer, convex: LocalConvex,
                    key: str = DEPLOY_KEY) -> Any:
    root = write_project(make_project, issuer, convex, key=key)
    return check(run(root, None, ask_convex=False, destinations=named(convex)),
                 "convex.deployed_providers")


def test_providers_match(make_project: MakeProject, issuer: LocalIssuer,
                         convex: LocalConvex) -> None:
    found = providers_check(make_project, issuer, convex)
    assert found.status is Status.PASS
    assert convex.requests == [("POST", "/api/query", "Convex")]  # the key alone, no token


def test_providers_never_pushed(make_project: MakeProject, issuer: LocalIssuer,
                                convex: LocalConvex) -> None:
    convex.providers = []
    found = providers_check(make_project, issuer, convex)
    assert found.status is Status.FAIL and "no auth providers" in found.detail
    assert "npx convex dev" in found.fix and "npx convex deploy" in found.fix


def test_providers_domain_differs(make_project: MakeProject, issuer: LocalIssuer,
                                  convex: LocalConvex) -> None:
    convex.providers = [oidc("https://verb-noun-00.clerk.accounts.dev")]
    found = providers_check(make_project, issuer, convex)
    assert found.status is Status.FAIL
    assert f"npx convex env set CLERK_JWT_ISSUER_DOMAIN {issuer.url}" in found.fix


def test_providers_application_id_differs(make_project: MakeProject, issuer: LocalIssuer,
                                          convex: LocalConvex) -> None:
    convex.providers = [oidc(issuer.url, "convex-app")]
    found = providers_check(make_project, issuer, convex)
    assert found.status is Status.FAIL and "'convex-app'" in found.detail
    assert "applicationID convex-app" in found.fix


def test_providers_key_refused(make_project: MakeProject, issuer: LocalIssuer,
                               convex: LocalConvex) -> None:
    found = providers_check(make_project, issuer, convex, key=OTHER_KEY)
    assert found.status is Status.FAIL and "BadAdminKey" in found.detail
    assert ".env.local:CONVEX_DEPLOY_KEY" in found.fix


def test_providers_skip_without_key(make_project: MakeProject, issuer: LocalIssuer,
                                    convex: LocalConvex) -> None:
    root = write_project(make_project, issuer, convex)
    verdict = run(root, None, ask_convex=False, deploy_key_env="MY_KEY")
    found = check(verdict, "convex.deployed_providers")
    assert found.status is Status.SKIP and "MY_KEY" in found.detail
    verdict = run(root, None, ask_convex=False, deploy_key_env="MY_KEY",
                  environ={"MY_KEY": DEPLOY_KEY}, destinations=named(convex))
    assert check(verdict, "convex.deployed_providers").status is Status.PASS


# -- secrets never leave -------------------------------------------------------------------------

def test_deploy_key_and_token_never_in_output(make_project: MakeProject, issuer: LocalIssuer,
                                              convex: LocalConvex,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONVEX_DEPLOY_KEY", raising=False)
    root = write_project(make_project, issuer, convex, key=DEPLOY_KEY)
    token = good_token(issuer)
    signature = token.rsplit(".", 1)[1]
    for extra in (["--json"], []):
        main(["check", "--project", str(root), "--token", token, "--ask-convex",
              "--deployment-url", convex.url, "--at", str(NOW), *extra])
        out, err = capsys.readouterr()
        for secret in (DEPLOY_KEY, DEPLOY_KEY.split("|")[1], token, signature, SECRET_KEY,
                       WEBHOOK_SECRET):
            assert secret not in out and secret not in err
        assert "convex.accepts_token" in out
    verdict = run(root, token)
    verdict.checks.append(Check("x", Status.WARN, "t", DEPLOY_KEY, "", "s"))
    assert DEPLOY_KEY not in verdict.scrub(json.dumps(verdict.to_json()))  # scrub knows it


# -- the CLI -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("aud", "exit_code", "status"), [
    ("convex", 0, "accepted"), ("other", 1, "rejected")])
def test_cli_ask_convex_json(make_project: MakeProject, issuer: LocalIssuer,
                             convex: LocalConvex, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch, aud: str, exit_code: int,
                             status: str) -> None:
    monkeypatch.delenv("CONVEX_DEPLOY_KEY", raising=False)
    monkeypatch.delenv("VITE_CONVEX_URL", raising=False)
    root = write_project(make_project, issuer, convex)
    code = main(["check", "--project", str(root), "--token", good_token(issuer, aud=aud),
                 "--ask-convex", "--json", "--at", str(NOW)])
    document = json.loads(capsys.readouterr().out)
    assert code == exit_code
    assert document["convex"]["answer"]["status"] == status
    assert document["convex"]["deployment_url"] == convex.url
    accepts = next(c for c in document["checks"] if c["id"] == "convex.accepts_token")
    assert accepts["status"] == ("pass" if status == "accepted" else "fail")


def test_cli_without_flag_sends_nothing(make_project: MakeProject, issuer: LocalIssuer,
                                        convex: LocalConvex,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONVEX_DEPLOY_KEY", raising=False)
    root = write_project(make_project, issuer, convex)
    main(["check", "--project", str(root), "--token", good_token(issuer), "--json",
          "--at", str(NOW)])
    assert json.loads(capsys.readouterr().out)["convex"]["answer"] is None
    assert convex.requests == []


# -- the deployment URL (convex_http_probe.md §5) ------------------------------------------------

def resolve(tmp_path: Path, environ: dict[str, str], files: str = "") -> Sourced | None:
    (tmp_path / ".env.local").write_text(files)
    return find_deployment_url(read_env_files(tmp_path, environ), tmp_path)


@pytest.mark.parametrize("name", ["CONVEX_URL", "VITE_CONVEX_URL", "NEXT_PUBLIC_CONVEX_URL",
                                  "PUBLIC_CONVEX_URL", "REACT_APP_CONVEX_URL",
                                  "EXPO_PUBLIC_CONVEX_URL"])
def test_url_from_each_client_variable(tmp_path: Path, name: str) -> None:
    found = resolve(tmp_path, {}, f"{name}=https://happy-otter-123.convex.cloud/\n")
    assert found == Sourced("https://happy-otter-123.convex.cloud", f".env.local:{name}")


def test_url_process_environment_wins(tmp_path: Path) -> None:
    found = resolve(tmp_path, {"VITE_CONVEX_URL": "https://calm-cow-456.eu-west-1.convex.cloud"},
                    "VITE_CONVEX_URL=https://happy-otter-123.convex.cloud\n")
    assert found is not None and found.value == "https://calm-cow-456.eu-west-1.convex.cloud"
    assert found.source == "environment:VITE_CONVEX_URL"


def test_site_url_becomes_cloud_url(tmp_path: Path) -> None:
    found = resolve(tmp_path, {}, "VITE_CONVEX_URL=https://happy-otter-123.convex.site\n")
    assert found is not None and found.value == "https://happy-otter-123.convex.cloud"
    assert found.derived and ".convex.site → .convex.cloud" in found.source
    found = resolve(tmp_path, {}, "CONVEX_SITE_URL=https://happy-otter-123.convex.site\n")
    assert found is not None and found.value == "https://happy-otter-123.convex.cloud"


def test_url_from_convex_deployment(tmp_path: Path) -> None:
    found = resolve(tmp_path, {}, "CONVEX_DEPLOYMENT=dev:happy-otter-123 # team: a, project: b\n")
    assert found is not None and found.value == "https://happy-otter-123.convex.cloud"
    assert found.derived and found.source.startswith(".env.local:CONVEX_DEPLOYMENT")
    legacy = resolve(tmp_path, {}, "CONVEX_DEPLOYMENT=happy-otter-123\n")
    assert legacy is not None and legacy.value == "https://happy-otter-123.convex.cloud"


def test_url_of_local_deployment(tmp_path: Path) -> None:
    config = tmp_path / ".convex" / "local" / "default"
    config.mkdir(parents=True)
    (config / "config.json").write_text(json.dumps({"ports": {"cloud": 3230, "site": 3231},
                                                    "adminKey": "x"}))
    found = resolve(tmp_path, {}, "CONVEX_DEPLOYMENT=local:local-me-app\n")
    assert found is not None and found.value == "http://127.0.0.1:3230" and found.derived


def test_url_self_hosted(tmp_path: Path) -> None:
    found = resolve(tmp_path, {}, "CONVEX_SELF_HOSTED_URL=http://127.0.0.1:3210\n"
                    "CONVEX_DEPLOYMENT=dev:happy-otter-123\n")
    assert found == Sourced("http://127.0.0.1:3210", ".env.local:CONVEX_SELF_HOSTED_URL")
    assert resolve(tmp_path, {}, "OTHER=1\n") is None


def test_deploy_key_lookup_and_target(tmp_path: Path) -> None:
    env = read_env_files(tmp_path, {"CONVEX_DEPLOY_KEY": DEPLOY_KEY, "MINE": OTHER_KEY})
    assert find_deploy_key(env) == Sourced(DEPLOY_KEY, "environment:CONVEX_DEPLOY_KEY")
    assert find_deploy_key(env, "MINE") == Sourced(OTHER_KEY, "environment:MINE")
    assert find_deploy_key(env, "ABSENT") is None
    dev_url = Sourced("https://happy-otter-123.convex.cloud", "x")
    prod_key = Sourced("prod:brave-lion-42|secret", "z")
    nobody = Destinations()
    target = admin_url(dev_url, prod_key, nobody)
    assert target is not None and target.value == "https://brave-lion-42.convex.cloud"
    assert admin_url(dev_url, Sourced(DEPLOY_KEY, "z"), nobody) == dev_url
    regional = Sourced("https://happy-otter-123.eu-west-1.convex.cloud", "x")
    assert admin_url(regional, Sourced(DEPLOY_KEY, "z"), nobody) == regional
    local = Sourced("http://127.0.0.1:3210", "y")
    # a local URL nobody named: the key goes to its own deployment instead
    assert admin_url(local, prod_key, nobody) == target
    assert admin_url(local, prod_key, Destinations(deployment_url=local.value)) == local


# -- the wizard's Ask Convex action -------------------------------------------------------------

async def test_ask_convex_action_in_the_wizard(make_project: MakeProject, issuer: LocalIssuer,
                                               convex: LocalConvex, tmp_path: Path) -> None:
    from textual.widgets import Button, Static, TextArea

    from screens.run import build_app
    from wizard.walkthrough.progress import StepState

    root = write_project(make_project, issuer, convex)
    app = build_app(project_dir=root, state_dir=tmp_path / "state",
                    options=Options(project_dir=root, environ={}, timeout=5),
                    clock=lambda: float(NOW), browser=lambda url: False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.go_to("check-token")
        await pilot.pause()
        token = good_token(issuer, aud="other")
        app.query_one("#token-input", TextArea).text = token
        await pilot.pause()
        assert convex.requests == []  # pasting sends nothing
        target = str(app.query_one("#ask-convex-token .ask-convex-target", Static).content)
        assert convex.url in target and ".env.local:VITE_CONVEX_URL" in target
        app.query_one("#ask-convex-token .ask-convex-button", Button).press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.walkthrough.progress.convex_answer is not None
        assert app.walkthrough.progress.convex_answer["code"] == "NoAuthProvider"
        assert app.walkthrough.progress.state_of("user-sync") is StepState.FAILING
        app.query_one("#token-input", TextArea).text = good_token(issuer)
        app.go_to("user-sync")
        await pilot.pause()
        app.query_one("#ask-convex-sync .ask-convex-button", Button).press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        answer = str(app.query_one("#ask-convex-sync .ask-convex-answer", Static).content)
        assert "Convex accepts this token" in answer
        assert app.walkthrough.progress.state_of("user-sync") is StepState.VERIFIED
        assert app.walkthrough.progress.convex_answer["status"] == "accepted"
        assert set(app.walkthrough.progress.convex_answer) >= {"status", "code", "message", "time"}
        assert len(convex.requests) == 2
    saved = "".join(p.read_text() for p in (tmp_path / "state").rglob("*") if p.is_file())
    assert token not in saved and token.rsplit(".", 1)[1] not in saved
    assert "accepted" in saved


@pytest.mark.parametrize("value", ["https://a]b.convex.cloud", "https://[::1", "https://x:99999"])
def test_an_unparsable_deployment_url_is_a_check_not_a_crash(
        make_project: MakeProject, issuer: LocalIssuer, value: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``urlsplit`` raises on these (an OSC sequence in a .env value carries a ``]``)."""
    found = resolve(make_project(issuer.url, name="parse"), {},
                    f"VITE_CONVEX_URL={value}\nCONVEX_SITE_URL={value}\n")
    assert found is not None and found.value == value
    root = make_project(issuer.url, env_local=f"VITE_CONVEX_URL={value}\n")
    token = issuer.mint(issuer.template_claims(NOW))
    status = main(["check", "--project", str(root), "--token", token, "--at", str(NOW),
                   "--ask-convex", "--json"])
    out, err = capsys.readouterr()
    assert status == 1 and "unexpected" not in err, err
    document = json.loads(out)
    answer = next(c for c in document["checks"] if c["id"] == "convex.accepts_token")
    assert answer["status"] == "skip" and answer["detail"].startswith("not sent"), answer
