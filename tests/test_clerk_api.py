"""Clerk's side through the Backend API: the client, the stand-in, the clerk.* checks, the CLI.

Every request goes over real HTTP to ``LocalClerkAPI`` on 127.0.0.1; the secret key is the
conftest's ``SECRET_KEY`` planted in ``.env.local``, and every output is scanned for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SECRET_KEY, WEBHOOK_SECRET, MakeProject
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.demo.local_clerk_api import PRESET_CLAIMS, LocalClerkAPI, jwt_template
from wizard.demo.local_issuer import LocalIssuer
from wizard.project.reader import read_project
from wizard.project.sourced import Sourced
from wizard.providers.clerk.api import (
    ClerkBackend,
    convex_template_body,
    resolve_api_url,
)
from wizard.providers.clerk.checks import (
    ClerkFindings,
    check_clerk,
    create_convex_template,
    find_secret_key,
)
from wizard.providers.clerk.skipped import CLERK_CHECK_IDS
from wizard.rules.jwt import AuthPath
from wizard.services.keys import CLERK_API_FLAG, Destinations, clerk_secret_key_credential
from wizard.walkthrough.session import load, run_checks

ROOT = Path(__file__).resolve().parent.parent
SECRETS = (SECRET_KEY, WEBHOOK_SECRET, SECRET_KEY[len("sk_test_"):])


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def named_stand_in(app: Path) -> Destinations:
    """The Backend API stand-in the test planted as CLERK_API_URL, named as a user would with
    --clerk-api-url (a URL in the project alone never lets the key go there)."""
    found = read_project(app).env.get("CLERK_API_URL")
    return Destinations(clerk_api_url=found.value if found else None)


def findings(app: Path, issuer: LocalIssuer, *, path: AuthPath | None = AuthPath.TEMPLATE,
             agreed: bool = True, timeout: float = 5.0) -> ClerkFindings:
    session = load(Options(project_dir=app))
    result = check_clerk(session.project, session.issuer, session.application_id.value, path,
                         agreed=agreed, destinations=named_stand_in(app), timeout=timeout)
    assert_no_secret(json.dumps([c.to_dict() for c in result.checks]), repr(result))
    return result


def backend_at(url: str, secret: str = SECRET_KEY, timeout: float = 5.0) -> ClerkBackend:
    named = Destinations(clerk_api_url=url)
    return ClerkBackend(clerk_secret_key_credential(secret, "test", named),
                        api=Sourced(url, CLERK_API_FLAG), timeout=timeout)


def by_id(checks: list[Check]) -> dict[str, Check]:
    return {c.id: c for c in checks if c.id.startswith("clerk.")}


def statuses(result: ClerkFindings) -> dict[str, str]:
    return {c.id: c.status.value for c in result.checks}


# -- the stand-in answers like Clerk -------------------------------------------------------------
def get(api: LocalClerkAPI, path: str, key: str | None = SECRET_KEY) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.get(api.url + path, headers=headers, timeout=5)


def test_stand_in_shapes_follow_the_openapi_spec(api: LocalClerkAPI, issuer: LocalIssuer) -> None:
    domains = get(api, "/v1/domains").json()
    assert set(domains) == {"data", "total_count"} and domains["total_count"] == 1
    assert domains["data"][0]["object"] == "domain"
    assert domains["data"][0]["frontend_api_url"] == issuer.url
    assert domains["data"][0]["is_satellite"] is False
    templates = get(api, "/v1/jwt_templates").json()
    assert isinstance(templates, list)
    assert {"object", "id", "name", "claims", "lifetime", "allowed_clock_skew",
            "custom_signing_key", "signing_algorithm", "created_at", "updated_at"} <= set(
                templates[0])
    paginated = get(api, "/v1/jwt_templates?paginated=true").json()
    assert paginated["total_count"] == len(templates) == len(paginated["data"])


def test_stand_in_refuses_a_wrong_key_like_clerk(api: LocalClerkAPI) -> None:
    wrong = get(api, "/v1/domains", "sk_test_NotTheRightKeyAtAll0000")
    assert wrong.status_code == 401
    error = wrong.json()["errors"][0]
    assert error["code"] == "clerk_key_invalid" and "long_message" in error
    assert get(api, "/v1/domains", None).status_code == 401
    assert [r.authorized for r in api.requests] == [False, False]


@pytest.mark.parametrize(("fault", "status"), [("rate_limited", 429), ("server_error", 500)])
def test_stand_in_faults(api: LocalClerkAPI, fault: str, status: int) -> None:
    api.fault = fault
    answer = get(api, "/v1/jwt_templates")
    assert answer.status_code == status
    assert answer.json()["errors"][0]["code"]


def test_stand_in_scenarios_change_what_is_listed(api: LocalClerkAPI) -> None:
    api.scenario("misnamed_space")
    assert [t["name"] for t in get(api, "/v1/jwt_templates").json()] == ["convex ", "supabase"]
    api.scenario("other_instance")
    assert get(api, "/v1/domains").json()["data"][0]["frontend_api_url"].startswith(
        "https://other-app-42.")
    with pytest.raises(ValueError, match="unknown scenario"):
        api.scenario("nope")


# -- the client --------------------------------------------------------------------------------
def test_client_reads_domains_and_templates(api: LocalClerkAPI, issuer: LocalIssuer) -> None:
    with backend_at(api.url) as backend:
        domains = backend.list_domains()
        templates = backend.list_jwt_templates()
        assert SECRET_KEY not in repr(backend)
    assert domains.problem is None and domains.value is not None
    assert domains.value[0].host == issuer.host
    assert templates.value is not None
    assert [t.name for t in templates.value] == ["convex", "supabase"]
    assert templates.value[0].claims == PRESET_CLAIMS and templates.value[0].lifetime == 60
    assert [(r.method, r.path, r.authorized) for r in api.requests] == [
        ("GET", "/v1/domains", True), ("GET", "/v1/jwt_templates", True)]


@pytest.mark.parametrize(("fault", "kind"), [
    ("rate_limited", "rate_limited"), ("server_error", "server"), ("not_json", "content")])
def test_client_turns_failures_into_problems(api: LocalClerkAPI, fault: str, kind: str) -> None:
    api.fault = fault
    with backend_at(api.url) as backend:
        result = backend.list_jwt_templates()
    assert result.value is None and result.problem is not None
    assert result.problem.kind == kind
    if kind == "rate_limited":
        assert result.problem.retry_after == "10"


def test_client_times_out_on_a_slow_answer(api: LocalClerkAPI) -> None:
    api.fault = "slow"
    api.slow_seconds = 2.0
    with backend_at(api.url, timeout=0.2) as backend:
        result = backend.list_domains()
    assert result.problem is not None and result.problem.kind == "network"
    assert "no answer within 0.2 s" in result.problem.message


def test_invalid_key_is_its_own_problem(api: LocalClerkAPI) -> None:
    with backend_at(api.url, "sk_test_RolledKeyRolledKeyRolledKey") as backend:
        result = backend.list_domains()
    assert result.problem is not None
    assert (result.problem.kind, result.problem.code, result.problem.status) == (
        "invalid_key", "clerk_key_invalid", 401)


def test_api_url_rules() -> None:
    assert resolve_api_url(None) == ("https://api.clerk.com/v1", None)
    assert resolve_api_url("https://api.clerk.com/")[0] == "https://api.clerk.com/v1"
    assert resolve_api_url("https://api.clerk.com/v1")[0] == "https://api.clerk.com/v1"
    assert resolve_api_url("http://127.0.0.1:9999")[1] is None
    _url, problem = resolve_api_url("http://api.example.com")
    assert problem is not None and problem.kind == "config"


def test_plain_http_off_loopback_sends_nothing() -> None:
    with backend_at("http://api.example.com") as backend:
        result = backend.list_domains()
        assert backend.requests_sent == 0
    assert result.problem is not None and result.problem.kind == "config"


# -- the checks -------------------------------------------------------------------------------
def test_correct_instance_passes_every_clerk_check(app_dir: Path, issuer: LocalIssuer) -> None:
    result = findings(app_dir, issuer)
    assert statuses(result) == dict.fromkeys(CLERK_CHECK_IDS, "pass")
    assert result.convex_template is not None and not result.can_create_template
    assert "sk_test_…" in by_id(result.checks)["clerk.instance"].detail


def test_not_agreed_sends_nothing(app_dir: Path, issuer: LocalIssuer, api: LocalClerkAPI) -> None:
    result = findings(app_dir, issuer, agreed=False)
    assert statuses(result) == dict.fromkeys(CLERK_CHECK_IDS, "skip")
    assert "--use-secret-key" in result.checks[0].detail
    assert api.requests == []


@pytest.mark.parametrize(("path", "status", "reason_word"), [
    (AuthPath.TEMPLATE, "fail", "New template"), (None, "warn", "integration"),
    (AuthPath.INTEGRATION, "warn", "integration")])
def test_absent_template(app_dir: Path, issuer: LocalIssuer, api: LocalClerkAPI,
                         path: AuthPath | None, status: str, reason_word: str) -> None:
    api.scenario("absent")
    result = findings(app_dir, issuer, path=path)
    check = by_id(result.checks)["clerk.template"]
    assert check.status.value == status and reason_word in check.fix
    assert by_id(result.checks)["clerk.template_claims"].status is Status.SKIP
    assert result.can_create_template is (path is not AuthPath.INTEGRATION)


@pytest.mark.parametrize(("scenario", "name"), [
    ("misnamed_capital", '"Convex"'), ("misnamed_space", '"convex "')])
def test_near_miss_names_are_named_in_the_fix(app_dir: Path, issuer: LocalIssuer,
                                              api: LocalClerkAPI, scenario: str,
                                              name: str) -> None:
    api.scenario(scenario)
    check = by_id(findings(app_dir, issuer).checks)["clerk.template"]
    assert check.status is Status.FAIL
    assert name in check.fix and "exactly convex" in check.fix


def test_reserved_claims_fail(app_dir: Path, issuer: LocalIssuer, api: LocalClerkAPI) -> None:
    api.scenario("reserved_claims")
    check = by_id(findings(app_dir, issuer).checks)["clerk.template_claims"]
    assert check.status is Status.FAIL
    assert "sub, iat" in check.fix and "{{user.id}}" in check.detail


def test_org_slug_iss_is_called_out(app_dir: Path, issuer: LocalIssuer,
                                    api: LocalClerkAPI) -> None:
    api.scenario("org_slug_iss")
    check = by_id(findings(app_dir, issuer).checks)["clerk.template_claims"]
    assert check.status is Status.FAIL
    assert '"iss": "{{org.slug}}"' in check.fix and "original guide" in check.fix


def test_array_audience_fails(app_dir: Path, issuer: LocalIssuer, api: LocalClerkAPI) -> None:
    api.scenario("array_audience")
    check = by_id(findings(app_dir, issuer).checks)["clerk.template_claims"]
    assert check.status is Status.FAIL
    assert '["convex", "my-api"]' in check.fix and 'the string "convex"' in check.fix


def test_single_element_audience_only_warns(app_dir: Path, issuer: LocalIssuer,
                                            api: LocalClerkAPI) -> None:
    api.templates = [jwt_template(claims={**PRESET_CLAIMS, "aud": ["convex"]})]
    assert by_id(findings(app_dir, issuer).checks)["clerk.template_claims"].status is Status.WARN


def test_audience_must_be_the_application_id(app_dir: Path, issuer: LocalIssuer,
                                             api: LocalClerkAPI) -> None:
    api.templates = [jwt_template(claims={"aud": "my-app"})]
    check = by_id(findings(app_dir, issuer).checks)["clerk.template_claims"]
    assert check.status is Status.FAIL and '"my-app"' in check.fix
    api.templates = [jwt_template(claims={"name": "{{user.full_name}}"})]
    check = by_id(findings(app_dir, issuer).checks)["clerk.template_claims"]
    assert check.status is Status.FAIL and check.detail == "no aud claim"


@pytest.mark.parametrize(("scenario", "word"), [("custom_signing_key", "RS256"),
                                                ("hs256", "HS256")])
def test_custom_signing_key_fails(app_dir: Path, issuer: LocalIssuer, api: LocalClerkAPI,
                                  scenario: str, word: str) -> None:
    api.scenario(scenario)
    check = by_id(findings(app_dir, issuer).checks)["clerk.template_signing"]
    assert check.status is Status.FAIL
    assert "Custom signing key" in check.fix and word in check.fix


@pytest.mark.parametrize(("scenario", "reason_word"), [("long_lifetime", "86400 s"),
                                                       ("short_lifetime", "10 s")])
def test_lifetime_out_of_range_warns(app_dir: Path, issuer: LocalIssuer, api: LocalClerkAPI,
                                     scenario: str, reason_word: str) -> None:
    api.scenario(scenario)
    check = by_id(findings(app_dir, issuer).checks)["clerk.template_lifetime"]
    assert check.status is Status.WARN and reason_word in check.fix


def test_keys_from_another_instance_fail(app_dir: Path, issuer: LocalIssuer,
                                         api: LocalClerkAPI) -> None:
    api.scenario("other_instance")
    check = by_id(findings(app_dir, issuer).checks)["clerk.instance"]
    assert check.status is Status.FAIL
    assert "other-app-42.clerk.accounts.dev" in check.fix and issuer.host in check.detail


def test_a_rolled_key_is_not_valid_for_any_instance(make_project: MakeProject,
                                                    issuer: LocalIssuer,
                                                    api: LocalClerkAPI) -> None:
    rolled = "sk_test_ThisKeyWasRolledLongAgo0000"
    app = make_project(issuer.url, env_local=(
        f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\nCLERK_JWT_ISSUER_DOMAIN="
        f"{issuer.url}\nCLERK_SECRET_KEY={rolled}\nCLERK_API_URL={api.url}\n"))
    result = findings(app, issuer)
    check = by_id(result.checks)["clerk.instance"]
    assert check.status is Status.FAIL
    assert "not valid for any instance" in check.detail
    assert "not valid for any Clerk instance" in check.fix and rolled not in check.fix
    assert [c.status for c in result.checks[1:]] == [Status.SKIP] * 4
    assert len(api.requests) == 1  # domains only: a refused key is not tried again


@pytest.mark.parametrize("fault", ["rate_limited", "server_error"])
def test_rate_limit_and_server_errors_say_retry_later(app_dir: Path, issuer: LocalIssuer,
                                                      api: LocalClerkAPI, fault: str) -> None:
    api.fault = fault
    check = by_id(findings(app_dir, issuer).checks)["clerk.instance"]
    assert check.status is Status.FAIL
    assert "retry later" in check.detail and "etry" in check.fix


def test_slow_api_is_a_network_failure(app_dir: Path, issuer: LocalIssuer,
                                       api: LocalClerkAPI) -> None:
    api.fault = "slow"
    api.slow_seconds = 2.0
    check = by_id(findings(app_dir, issuer, timeout=0.2).checks)["clerk.instance"]
    assert check.status is Status.FAIL and "no answer within 0.2 s" in check.fix


def test_secret_key_is_read_only_from_a_server_variable(make_project: MakeProject,
                                                        issuer: LocalIssuer,
                                                        api: LocalClerkAPI) -> None:
    app = make_project(issuer.url, env_local=(
        f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\nVITE_CLERK_SECRET_KEY="
        f"{SECRET_KEY}\nCLERK_API_URL={api.url}\n"))
    project = read_project(app)
    assert find_secret_key(project) is None
    result = findings(app, issuer)
    assert statuses(result) == dict.fromkeys(CLERK_CHECK_IDS, "skip")
    assert "CLERK_SECRET_KEY" in result.checks[0].detail
    assert api.requests == []


def test_process_environment_key_is_not_used(make_project: MakeProject, issuer: LocalIssuer,
                                             api: LocalClerkAPI) -> None:
    app = make_project(issuer.url, publishable_key=issuer.publishable_key, secrets=False)
    session = load(Options(project_dir=app, environ={"CLERK_SECRET_KEY": SECRET_KEY,
                                                     "CLERK_API_URL": api.url}))
    result = check_clerk(session.project, session.issuer, "convex", AuthPath.TEMPLATE, agreed=True)
    assert statuses(result) == dict.fromkeys(CLERK_CHECK_IDS, "skip")
    assert api.requests == []


def test_a_publishable_key_in_the_secret_variable_is_never_sent(make_project: MakeProject,
                                                                issuer: LocalIssuer,
                                                                api: LocalClerkAPI) -> None:
    app = make_project(issuer.url, env_local=(
        f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\nCLERK_SECRET_KEY="
        f"{issuer.publishable_key}\nCLERK_API_URL={api.url}\n"))
    check = by_id(findings(app, issuer).checks)["clerk.instance"]
    assert check.status is Status.FAIL and "sk_test_ or sk_live_" in check.fix
    assert api.requests == []


# -- the offer to create the template ----------------------------------------------------------
def test_create_template_posts_the_convex_preset(app_dir: Path, issuer: LocalIssuer,
                                                 api: LocalClerkAPI) -> None:
    api.scenario("absent")
    before = findings(app_dir, issuer)
    assert before.can_create_template
    created = create_convex_template(read_project(app_dir), "convex",
                                     destinations=named_stand_in(app_dir), timeout=5)
    assert created.problem is None and created.value is not None
    assert created.value.name == "convex"
    assert api.posted == [convex_template_body("convex")]
    assert api.posted[0]["lifetime"] == 60 and api.posted[0]["allowed_clock_skew"] == 5
    assert api.posted[0]["claims"] == PRESET_CLAIMS
    after = findings(app_dir, issuer)
    assert statuses(after) == dict.fromkeys(CLERK_CHECK_IDS, "pass")


def test_create_template_never_touches_an_existing_one(app_dir: Path, issuer: LocalIssuer,
                                                       api: LocalClerkAPI) -> None:
    api.scenario("org_slug_iss")
    created = create_convex_template(read_project(app_dir), "convex",
                                     destinations=named_stand_in(app_dir), timeout=5)
    assert created.problem is not None and created.problem.kind == "exists"
    assert api.posted == [] and all(r.method == "GET" for r in api.requests)


def test_create_template_uses_the_application_id(app_dir: Path) -> None:
    assert convex_template_body("my-app")["claims"]["aud"] == "my-app"
    assert convex_template_body()["name"] == "convex"


# -- the engine and the CLI --------------------------------------------------------------------
def test_run_checks_places_clerk_checks_and_skips_without_agreement(
        app_dir: Path, api: LocalClerkAPI) -> None:
    verdict = run_checks(Options(project_dir=app_dir, path=AuthPath.TEMPLATE))
    ids = [c.id for c in verdict.checks]
    assert ids.index("env.secret_exposure") < ids.index("clerk.instance") < ids.index(
        "env.issuer")
    assert {c.status for c in verdict.checks if c.id in CLERK_CHECK_IDS} == {Status.SKIP}
    assert api.requests == []


def run_cli(app: Path, api: LocalClerkAPI, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLERK_")}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.run(
        [sys.executable, "-m", "wizard", "check", "--project", str(app),
         "--clerk-api-url", api.url, *args],
        capture_output=True, text=True, env=env, timeout=60, check=False)
    assert_no_secret(process.stdout, process.stderr)
    return process


def clerk_part(stdout: str) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in json.loads(stdout)["checks"] if c["id"].startswith("clerk.")}


@pytest.fixture
def cli_app(project: Path) -> Path:
    """The correct project; the Backend API stand-in is named with --clerk-api-url."""
    return project


def test_cli_correct_instance(cli_app: Path, api: LocalClerkAPI) -> None:
    done = run_cli(cli_app, api, "--use-secret-key", "--json")
    assert done.returncode == 0, done.stderr
    assert {c["status"] for c in clerk_part(done.stdout).values()} == {"pass"}
    assert len(api.requests) == 2 and all(r.authorized for r in api.requests)


def test_cli_broken_instance(cli_app: Path, api: LocalClerkAPI) -> None:
    api.scenario("org_slug_iss")
    api.templates[0]["custom_signing_key"] = True
    api.templates[0]["signing_algorithm"] = "HS256"
    done = run_cli(cli_app, api, "--use-secret-key", "--json")
    assert done.returncode == 1
    checks = clerk_part(done.stdout)
    assert checks["clerk.template_claims"]["status"] == "fail"
    assert checks["clerk.template_signing"]["status"] == "fail"
    assert checks["clerk.instance"]["status"] == "pass"


def test_cli_without_the_flag_sends_nothing(cli_app: Path, api: LocalClerkAPI) -> None:
    done = run_cli(cli_app, api, "--json")
    assert {c["status"] for c in clerk_part(done.stdout).values()} == {"skip"}
    human = run_cli(cli_app, api)
    assert human.stdout
    assert api.requests == []


def test_cli_human_output_with_a_rolled_key_shows_no_secret(make_project: MakeProject,
                                                            issuer: LocalIssuer,
                                                            api: LocalClerkAPI) -> None:
    app = make_project(issuer.url, publishable_key=issuer.publishable_key)
    api.secret_key = "sk_test_SomeOtherInstanceKey000000"
    done = run_cli(app, api, "--use-secret-key")
    assert done.returncode == 1
    assert "not valid for any" in done.stdout
    done = run_cli(app, api, "--use-secret-key", "--json")
    assert clerk_part(done.stdout)["clerk.instance"]["status"] == "fail"


def test_every_claims_problem_gets_its_fix(app_dir: Path, issuer: LocalIssuer,
                                           api: LocalClerkAPI) -> None:
    api.templates = [jwt_template(claims={**PRESET_CLAIMS, "aud": ["convex", "my-api"],
                                          "iss": "{{org.slug}}", "sub": "{{user.id}}"})]
    check = by_id(findings(app_dir, issuer).checks)["clerk.template_claims"]
    assert check.status is Status.FAIL
    assert '"iss": "{{org.slug}}"' in check.fix and "remove sub as well" in check.fix
    assert 'Make "aud" the string "convex"' in check.fix
