"""Every environment side by side (issue 18): two Clerk instances (two local issuers, the
production one named by a ``pk_live_`` key), a development and a production Convex
deployment (two local stand-ins), and a stand-in ``convex`` CLI in ``node_modules/.bin`` that
answers as convex-js 1.45 does (:mod:`tests.stand_in_convex_cli`).

Nothing reaches past this machine: a request for a real host goes to a recording proxy that
refuses it, which shows where a key was headed without it leaving.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEPLOY_KEY as DEV_KEY
from tests.conftest import NOW, SECRET_KEY
from tests.stand_in_convex_cli import StandInCli, install
from tests.test_hostile_network import Recorder
from wizard.checks.model import Status
from wizard.demo.local_convex import LocalConvex, oidc
from wizard.demo.local_issuer import LocalIssuer
from wizard.environments import (
    CHECK_IDS,
    Environment,
    Finding,
    Matrix,
    MatrixOptions,
    check_environments,
    discover,
)
from wizard.environments.convex_cli import ask_list, ask_value
from wizard.environments.deploy_keys import classify
from wizard.providers.clerk.keys import encode_publishable_key

DEV, PROD, PREVIEW = Environment.DEVELOPMENT, Environment.PRODUCTION, Environment.PREVIEW
VAR = "CLERK_JWT_ISSUER_DOMAIN"
DEV_NAME, PROD_NAME = "happy-otter-123", "brave-lion-42"
PROD_KEY = "prod:brave-lion-42|eyJ2MiI6InByb2REZXBsb3lLZXlTZWNyZXRGb3JUZXN0cyJ9abc"
PREVIEW_KEY = "preview:acme:app|eyJ2MiI6InByZXZpZXdEZXBsb3lLZXlTZWNyZXRGb3JUZXN0In0def"
KEYS = (DEV_KEY, PROD_KEY, PREVIEW_KEY)
HANG_BOUND = 10.0


# -- the two Clerk instances and the two deployments -------------------------------------------
@pytest.fixture(scope="module")
def dev_issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as server:
        yield server


@pytest.fixture(scope="module")
def prod_issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as server:
        yield server


@pytest.fixture(autouse=True)
def _healthy_issuers(dev_issuer: LocalIssuer, prod_issuer: LocalIssuer) -> Iterator[None]:
    yield
    dev_issuer.fault = prod_issuer.fault = None
    dev_issuer.requests.clear()
    prod_issuer.requests.clear()


def live_key(issuer: LocalIssuer) -> str:
    return encode_publishable_key(issuer.host, live=True)


def deployment(issuer: LocalIssuer, key: str, name: str) -> Iterator[LocalConvex]:
    """A deployment whose one provider is ``issuer``, answering to ``key``."""
    with LocalConvex(providers=[oidc(issuer.url)], admin_keys=(key,), name=name) as server:
        server.clock = lambda: float(NOW)
        yield server


@pytest.fixture
def dev_convex(dev_issuer: LocalIssuer) -> Iterator[LocalConvex]:
    yield from deployment(dev_issuer, DEV_KEY, DEV_NAME)


@pytest.fixture
def prod_convex(prod_issuer: LocalIssuer) -> Iterator[LocalConvex]:
    yield from deployment(prod_issuer, PROD_KEY, PROD_NAME)


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """test_hostile_network's proxy: a request for any host but this machine is recorded
    (``CONNECT host:443``) and refused."""
    with Recorder() as server:
        monkeypatch.setenv("ALL_PROXY", server.url)
        yield server


# -- the project ------------------------------------------------------------------------------
class App:
    """A Vite + Convex app on disk with its stand-in CLI."""

    def __init__(self, root: Path, cli: StandInCli) -> None:
        self.root, self.cli = root, cli

    def write(self, name: str, *lines: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")

    def set_var(self, deployment: str, value: str | None, name: str = VAR) -> None:
        cloud = self.cli.cloud
        variables = cloud["deployments"][deployment] if deployment != "preview" else \
            cloud["defaults"]["preview"]
        if value is None:
            variables.pop(name, None)
        else:
            variables[name] = value
        self.cli.save(cloud)


@pytest.fixture
def app(tmp_path: Path, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer,
        dev_convex: LocalConvex) -> App:
    """Healthy: development on the development instance, production on the production
    one, previews defaulting to the development instance."""
    root = tmp_path / "app"
    (root / "convex").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"dependencies": {"convex": "^1.45.0"}}))
    (root / "node_modules" / "convex").mkdir(parents=True)
    (root / "node_modules" / "convex" / "package.json").write_text('{"version": "1.45.0"}')
    cli = install(root, {
        "prod": PROD_NAME,
        "deployments": {
            DEV_NAME: {VAR: dev_issuer.url, "CLERK_SECRET_KEY": SECRET_KEY},
            PROD_NAME: {VAR: prod_issuer.url, "NOTE": "a value # with a hash"},
        },
        "defaults": {"preview": {VAR: dev_issuer.url}},
    })
    project = App(root, cli)
    project.write(".env.local", "# Deployment used by `npx convex dev`",
                  f"CONVEX_DEPLOYMENT=dev:{DEV_NAME} # team: acme, project: app",
                  f"VITE_CONVEX_URL={dev_convex.url}",
                  f"VITE_CLERK_PUBLISHABLE_KEY={dev_issuer.publishable_key}")
    project.write(".env.production", f"VITE_CLERK_PUBLISHABLE_KEY={live_key(prod_issuer)}")
    return project


def environ(**extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), **extra}


def matrix_of(app: App, env: dict[str, str] | None = None, **options: Any) -> Matrix:
    options.setdefault("timeout", 5)
    return check_environments(app.root, MatrixOptions(**options), environ(**(env or {})))


def finding(matrix: Matrix, check_id: str, environment: Environment) -> Finding:
    return next(f for f in matrix.findings
                if f.check_id == check_id and f.environment is environment)


def fix_commands(found: Finding) -> list[str]:
    return [fix.command for fix in found.fixes if fix.kind == "command"]


def consenting(prod_convex: LocalConvex, dev_convex: LocalConvex | None = None,
               **options: Any) -> dict[str, Any]:
    """Production agreed to, each deployment named as the user would (flag or dialog)."""
    urls = {PROD: prod_convex.url, **({DEV: dev_convex.url} if dev_convex else {})}
    return {"production": True, "deployment_urls": urls, **options}


# -- the whole matrix ---------------------------------------------------------------------------
def test_a_healthy_project_passes_in_every_environment(
        app: App, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer, dev_convex: LocalConvex,
        prod_convex: LocalConvex) -> None:
    app.write(".env.local", f"CONVEX_DEPLOYMENT=dev:{DEV_NAME}",
              f"VITE_CONVEX_URL={dev_convex.url}",
              f"VITE_CLERK_PUBLISHABLE_KEY={dev_issuer.publishable_key}",
              f"CONVEX_DEPLOY_KEY={DEV_KEY}")
    tokens = {DEV: dev_issuer.mint(dev_issuer.template_claims(NOW)),
              PROD: prod_issuer.mint(prod_issuer.template_claims(NOW))}
    matrix = matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY},
                       **consenting(prod_convex, dev_convex, tokens=tokens))
    assert [(f.check_id, f.environment, f.status, f.reason) for f in matrix.findings] == [
        ("envs.instances", DEV, Status.PASS, "paired"),
        ("envs.instances", PROD, Status.PASS, "paired"),
        ("envs.instances", PREVIEW, Status.SKIP, "no_key"),
        ("envs.prod_deployment_env", PROD, Status.PASS, "matches"),
        ("envs.preview_default", PREVIEW, Status.PASS, "matches"),
        ("envs.prod_providers", PROD, Status.PASS, "matches"),
        ("envs.prod_discovery", PROD, Status.PASS, "answers"),
    ]
    assert tuple(dict.fromkeys(f.check_id for f in matrix.findings)) == CHECK_IDS
    dev, prod, preview = (matrix.row(e) for e in (DEV, PROD, PREVIEW))
    assert dev.instance and dev.instance.frontend_api == dev_issuer.host
    assert prod.instance and prod.instance.instance_type == "production"
    assert prod.instance.source == ".env.production:VITE_CLERK_PUBLISHABLE_KEY"
    assert (dev.issuer_value, prod.issuer_value, preview.issuer_value) == (
        dev_issuer.url, prod_issuer.url, dev_issuer.url)
    assert dev.same_instance and prod.same_instance and preview.same_instance
    assert prod.issuer.deploy_key == "kept" and dev.issuer.deploy_key == "ignored"
    assert dev.providers and dev.providers.status == "listed"
    assert prod.providers and prod.providers.status == "listed"
    assert dev.answer and dev.answer.status == "accepted"
    assert prod.answer and prod.answer.status == "accepted"
    assert prod.discovery and prod.discovery.discovery_url.startswith(prod_issuer.url)
    assert prod_issuer.requests  # its discovery and keys, fetched
    # The CLI was asked once per question, each with only its own kind of deploy key.
    calls = {tuple(c["args"]): c["key"] for c in app.cli.calls()}
    assert calls == {("env", "get", VAR): "ignored", ("env", "get", "--prod", VAR): "prod",
                     ("env", "default", "get", "--type", "preview", VAR): "ignored"}


def test_a_production_deployment_holding_the_development_issuer_fails_until_fixed(
        app: App, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer, prod_convex: LocalConvex,
        dev_convex: LocalConvex) -> None:
    app.set_var(PROD_NAME, dev_issuer.url)
    prod_convex.providers = [oidc(dev_issuer.url)]  # pushed while it held that value
    token = prod_issuer.mint(prod_issuer.template_claims(NOW))
    matrix = matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY},
                       **consenting(prod_convex, tokens={PROD: token}))
    env_check = finding(matrix, "envs.prod_deployment_env", PROD)
    assert (env_check.status, env_check.reason) == (Status.FAIL, "development_issuer")
    assert env_check.values["value"] == dev_issuer.url
    assert env_check.values["expected"] == prod_issuer.url
    assert env_check.values["deployment"] == PROD_NAME
    assert fix_commands(env_check) == [f"npx convex env set --prod {VAR} {prod_issuer.url}"]
    providers = finding(matrix, "envs.prod_providers", PROD)
    assert (providers.status, providers.reason) == (Status.FAIL, "development_instance")
    assert fix_commands(providers) == fix_commands(env_check)
    row = matrix.row(PROD)
    assert row.issuer_instance == "development" and row.same_instance is False
    assert row.answer and row.answer.status == "rejected"  # Convex's own word, a production token
    assert row.token_issuer == prod_issuer.url
    # The fix, run as the user would (`fix --yes --prod`), and the same matrix again.
    subprocess.run([str(app.cli.path), *env_check.fixes[0].argv[2:]], cwd=app.root,
                   env=environ(CONVEX_DEPLOY_KEY=PROD_KEY), check=True, capture_output=True)
    prod_convex.providers = [oidc(prod_issuer.url)]  # Convex re-evaluates auth.config on a set
    after = matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY},
                      **consenting(prod_convex, tokens={PROD: token}))
    assert not any(f.failed for f in after.findings)
    assert finding(after, "envs.prod_deployment_env", PROD).reason == "matches"
    assert after.row(PROD).answer and after.row(PROD).answer.status == "accepted"


@pytest.mark.parametrize("value", [None, ""])
def test_a_production_deployment_without_the_issuer_variable_fails(
        app: App, prod_issuer: LocalIssuer, prod_convex: LocalConvex, value: str | None) -> None:
    app.set_var(PROD_NAME, value)
    app.set_var(PROD_NAME, prod_issuer.url, name="CLERK_ISSUER_URL")  # under another name
    found = finding(matrix_of(app, **consenting(prod_convex)), "envs.prod_deployment_env", PROD)
    assert (found.status, found.reason) == (Status.FAIL, "missing")
    assert fix_commands(found) == [f"npx convex env set --prod {VAR} {prod_issuer.url}"]
    if value is None:  # the list was read to see what the deployment holds instead
        assert found.values["other_names"] == {"CLERK_ISSUER_URL": prod_issuer.url}
        assert "NOTE" in found.values["names"]
        assert found.values["deployment"] == PROD_NAME  # from the CLI's own notice


def test_a_preview_with_no_issuer_default_fails(app: App, dev_issuer: LocalIssuer) -> None:
    app.set_var("preview", None)
    app.write(".vercel/.env.preview.local", f"CONVEX_DEPLOY_KEY={PREVIEW_KEY}",
              f"VITE_CLERK_PUBLISHABLE_KEY={dev_issuer.publishable_key}")
    matrix = matrix_of(app)
    found = finding(matrix, "envs.preview_default", PREVIEW)
    assert (found.status, found.reason) == (Status.FAIL, "missing")
    assert found.values["evidence"] == [".vercel/.env.preview.local:CONVEX_DEPLOY_KEY",
                                        ".vercel/.env.preview.local"]
    assert found.values["existing_previews_unchanged"] is True
    assert fix_commands(found) == [
        f"npx convex env default set --type preview {VAR} {dev_issuer.url}"]
    assert matrix.row(PREVIEW).instance is not None  # the host's preview key, pulled
    assert finding(matrix, "envs.instances", PREVIEW).reason == "key_only"


def test_a_missing_preview_default_is_a_warning_when_nothing_shows_previews(app: App) -> None:
    app.set_var("preview", None)
    found = finding(matrix_of(app), "envs.preview_default", PREVIEW)
    assert (found.status, found.reason, found.values["evidence"]) == (
        Status.WARN, "missing", [])


def test_a_preview_default_on_another_instance_fails(app: App, prod_issuer: LocalIssuer) -> None:
    app.set_var("preview", prod_issuer.url)
    found = finding(matrix_of(app), "envs.preview_default", PREVIEW)
    assert (found.status, found.reason) == (Status.FAIL, "mismatch")
    assert found.values["issuer_instance"] == "production"


@pytest.mark.parametrize(("file", "fix_kind"), [
    (".env.production", "file"), (".env.production.local", "file"),
    (".vercel/.env.production.local", "hosting"),
])
def test_a_test_key_in_a_production_env_file_fails(
        app: App, dev_issuer: LocalIssuer, file: str, fix_kind: str) -> None:
    if file != ".env.production":
        app.write(".env.production")
    app.write(file, f"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY={dev_issuer.publishable_key}")
    matrix = matrix_of(app)
    found = finding(matrix, "envs.instances", PROD)
    assert (found.status, found.reason) == (Status.FAIL, "test_key")
    assert found.values["source"] == f"{file}:NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"
    dashboard, where = found.fixes
    assert (dashboard.kind, dashboard.instance) == ("dashboard", "production")
    assert "path=api-keys" in dashboard.url
    assert (where.kind, where.variable) == (fix_kind, "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY")
    assert finding(matrix, "envs.instances", DEV).status is Status.PASS
    assert finding(matrix, "envs.prod_discovery", PROD).reason == "development_key"


def test_a_test_key_only_in_shared_files_is_no_production_key(
        app: App, dev_issuer: LocalIssuer) -> None:
    (app.root / ".env.production").unlink()
    found = finding(matrix_of(app), "envs.instances", PROD)
    assert (found.status, found.reason) == (Status.SKIP, "no_key")
    assert found.values["shared_test_key"] == ".env.local:VITE_CLERK_PUBLISHABLE_KEY"


def test_the_development_pair_crossed_with_production_fails(
        app: App, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer) -> None:
    app.set_var(DEV_NAME, prod_issuer.url)
    found = finding(matrix_of(app), "envs.instances", DEV)
    assert (found.status, found.reason) == (Status.FAIL, "crossed")
    assert found.values["deployment_issuer"] == prod_issuer.url
    assert fix_commands(found) == [f"npx convex env set {VAR} {dev_issuer.url}"]


def test_a_live_key_in_development_is_a_warning(app: App, prod_issuer: LocalIssuer) -> None:
    app.write(".env.development.local",
              f"VITE_CLERK_PUBLISHABLE_KEY={live_key(prod_issuer)}")
    found = finding(matrix_of(app, offline=True), "envs.instances", DEV)
    assert (found.status, found.reason) == (Status.WARN, "live_key")
    assert found.values["source"] == ".env.development.local:VITE_CLERK_PUBLISHABLE_KEY"


@pytest.mark.parametrize("fault", ["closed", "discovery_404", "custom_domain"])
def test_a_production_frontend_api_that_does_not_answer_discovery_fails(
        app: App, prod_issuer: LocalIssuer, closed_port: int, proxy: Recorder,
        fault: str) -> None:
    host = {"closed": f"127.0.0.1:{closed_port}", "custom_domain": "clerk.example.com"}.get(
        fault, prod_issuer.host)
    if fault == "discovery_404":
        prod_issuer.fault = fault
    app.write(".env.production",
              f"VITE_CLERK_PUBLISHABLE_KEY={encode_publishable_key(host, live=True)}")
    found = finding(matrix_of(app), "envs.prod_discovery", PROD)
    assert (found.status, found.reason) == (Status.FAIL, "unreachable")
    assert found.values["host"] == host
    assert found.values["http_status"] == (404 if fault == "discovery_404" else None)
    (fix,) = found.fixes
    assert (fix.kind, fix.instance) == ("dashboard", "production")
    assert "path=domains" in fix.url
    if fault == "custom_domain":  # headed for the real host, refused by the proxy
        assert proxy.hosts() == {"clerk.example.com:443"}


def test_production_keys_without_usable_keys_fail(app: App, prod_issuer: LocalIssuer) -> None:
    prod_issuer.fault = "jwks_empty"
    found = finding(matrix_of(app), "envs.prod_discovery", PROD)
    assert (found.status, found.reason) == (Status.FAIL, "no_keys")


@pytest.mark.parametrize(("providers", "admin_keys", "reason"), [
    ([], (PROD_KEY,), "no_providers"),
    ("other app", (PROD_KEY,), "app_id_differs"),
    ("unknown", (PROD_KEY,), "domain_differs"),
    (None, ("prod:brave-lion-42|someOtherKeyEntirely0123456789",), "key_refused"),
])
def test_production_providers_that_do_not_match_fail(
        app: App, prod_issuer: LocalIssuer, prod_convex: LocalConvex, providers: Any,
        admin_keys: tuple[str, ...], reason: str) -> None:
    if providers == "other app":
        prod_convex.providers = [oidc(prod_issuer.url, "my-app")]
    elif providers == "unknown":
        prod_convex.providers = [oidc("https://clerk.someone-else.com")]
    elif providers is not None:
        prod_convex.providers = providers
    prod_convex.admin_keys = admin_keys
    found = finding(matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY}, **consenting(prod_convex)),
                    "envs.prod_providers", PROD)
    assert (found.status, found.reason) == (Status.FAIL, reason)
    if reason in ("no_providers", "app_id_differs"):
        assert fix_commands(found) == ["npx convex deploy"]
    if reason == "domain_differs":
        assert fix_commands(found) == [f"npx convex env set --prod {VAR} {prod_issuer.url}"]


def test_an_undecodable_publishable_key_fails_in_its_environment(app: App) -> None:
    app.write(".env.production", "VITE_CLERK_PUBLISHABLE_KEY=pk_live_%%%")
    found = finding(matrix_of(app, offline=True), "envs.instances", PROD)
    assert (found.status, found.reason) == (Status.FAIL, "invalid_key")
    assert found.values["source"] == ".env.production:VITE_CLERK_PUBLISHABLE_KEY"
    assert found.values["problem"] == "failed to decode key"


def test_each_environment_finds_its_own_deployment(
        app: App, dev_convex: LocalConvex) -> None:
    app.write(".env.production", "NEXT_PUBLIC_CONVEX_URL=https://brave-lion-42.convex.site")
    found = discover(app.root, environ(CONVEX_DEPLOY_KEY=PROD_KEY)).deployments
    dev, prod = found[DEV], found[PROD]
    assert (dev.name, dev.kind, dev.source) == (DEV_NAME, "dev", ".env.local:CONVEX_DEPLOYMENT")
    assert dev.url and dev.url.value == dev_convex.url  # VITE_CONVEX_URL in .env.local
    assert (prod.name, prod.kind, prod.source) == (PROD_NAME, "prod",
                                                   "environment:CONVEX_DEPLOY_KEY")
    assert prod.key and prod.key.kind == "prod"
    assert prod.url and prod.url.value == "https://brave-lion-42.convex.cloud"
    # A URL in .env.local is development's, never taken for production's.
    (app.root / ".env.production").unlink()
    assert discover(app.root, environ()).deployments[PROD].url is None


# -- what is sent, and where --------------------------------------------------------------------
def test_without_consent_nothing_concerns_production(
        app: App, prod_issuer: LocalIssuer, prod_convex: LocalConvex, proxy: Recorder) -> None:
    token = prod_issuer.mint(prod_issuer.template_claims(NOW))
    matrix = matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY},
                       deployment_urls={PROD: prod_convex.url}, tokens={PROD: token})
    assert prod_convex.requests == [] and proxy.requests == []
    assert all("--prod" not in c["args"] for c in app.cli.calls())
    # A production key is never in play for a development or preview question.
    assert {c["key"] for c in app.cli.calls()} == {"ignored"}
    for check_id in ("envs.prod_deployment_env", "envs.prod_providers"):
        assert finding(matrix, check_id, PROD).reason == "no_consent"
    assert matrix.row(PROD).answer_skip == "no_consent"
    assert finding(matrix, "envs.prod_discovery", PROD).status is Status.PASS  # public


def test_a_development_deployment_set_to_production_needs_consent(
        app: App, dev_convex: LocalConvex) -> None:
    app.write(".env.local", f"CONVEX_DEPLOYMENT=prod:{PROD_NAME}")
    matrix = matrix_of(app)
    assert matrix.row(DEV).issuer.reason == "no_consent"
    assert all(c["args"][:2] == ["env", "default"] for c in app.cli.calls())


def test_a_production_key_goes_only_to_its_own_deployment_or_one_named(
        app: App, prod_issuer: LocalIssuer, prod_convex: LocalConvex, proxy: Recorder) -> None:
    with Recorder() as attacker:  # the URL a pull request put in .env.production
        app.write(".env.production", f"VITE_CLERK_PUBLISHABLE_KEY={live_key(prod_issuer)}",
                  f"VITE_CONVEX_URL={attacker.url}")
        matrix = matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY}, production=True)
        assert attacker.requests == []
    assert proxy.hosts() == {f"{PROD_NAME}.convex.cloud:443"}  # its home, refused here
    assert prod_convex.requests == []
    assert finding(matrix, "envs.prod_providers", PROD).reason == "inconclusive"
    # Named by the user for production, it goes there, once, as a deploy key.
    matrix = matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY}, **consenting(prod_convex))
    assert prod_convex.requests == [("POST", "/api/query", "Convex")]
    assert finding(matrix, "envs.prod_providers", PROD).reason == "matches"


def test_a_key_of_another_deployment_is_never_sent_to_production(
        app: App, dev_convex: LocalConvex, prod_convex: LocalConvex, proxy: Recorder) -> None:
    app.write(".env.local", f"CONVEX_DEPLOYMENT=dev:{DEV_NAME}", f"CONVEX_DEPLOY_KEY={DEV_KEY}")
    matrix = matrix_of(app, **consenting(prod_convex, dev_convex))
    assert finding(matrix, "envs.prod_providers", PROD).reason == "no_key"
    assert prod_convex.requests == [] and proxy.requests == []
    assert [seen[2] for seen in dev_convex.requests] == ["Convex"]  # its own, named


def test_a_production_question_is_not_answered_by_a_development_key(
        app: App, prod_issuer: LocalIssuer, prod_convex: LocalConvex) -> None:
    """``env get --prod`` with a ``dev:`` key in ``.env.local`` reads the development
    deployment (the CLI only warns); the key is hidden from that one call."""
    app.write(".env.local", f"CONVEX_DEPLOYMENT=dev:{DEV_NAME}", f"CONVEX_DEPLOY_KEY={DEV_KEY}")
    matrix = matrix_of(app, production=True)
    row = matrix.row(PROD)
    assert (row.issuer.deploy_key, row.issuer_value) == ("ignored", prod_issuer.url)
    assert not row.issuer.wrong_deployment
    calls = {tuple(c["args"]): c["key"] for c in app.cli.calls()}
    assert calls[("env", "get", VAR)] == "dev"  # development's own key, left in place
    assert calls[("env", "get", "--prod", VAR)] == "ignored"


def test_an_answer_for_the_wrong_deployment_is_not_trusted(
        app: App, dev_issuer: LocalIssuer) -> None:
    app.write(".env.local", f"CONVEX_DEPLOYMENT=dev:{DEV_NAME}", f"CONVEX_DEPLOY_KEY={DEV_KEY}")
    # Asked with the key left where the CLI finds it, as `npx convex env get --prod` would be.
    answer = ask_value(app.root, PROD, VAR, environ=environ(), key=None, timeout=10)
    assert answer.wrong_deployment and answer.value == dev_issuer.url


def test_offline_runs_nothing_and_sends_nothing(
        app: App, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer, dev_convex: LocalConvex,
        prod_convex: LocalConvex, proxy: Recorder) -> None:
    token = prod_issuer.mint(prod_issuer.template_claims(NOW))
    matrix = matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY}, offline=True,
                       **consenting(prod_convex, dev_convex, tokens={PROD: token}))
    assert app.cli.calls() == []
    assert dev_issuer.requests == prod_issuer.requests == []
    assert dev_convex.requests == prod_convex.requests == proxy.requests == []
    assert {f.status for f in matrix.findings if f.check_id != "envs.instances"} == {Status.SKIP}


def test_a_cli_that_hangs_is_cut_at_its_deadline(app: App) -> None:
    cloud = app.cli.cloud
    app.cli.save({**cloud, "sleep": 30})
    started = time.monotonic()
    matrix = matrix_of(app, cli_timeout=1, production=True)
    assert time.monotonic() - started < HANG_BOUND
    found = finding(matrix, "envs.prod_deployment_env", PROD)
    assert (found.status, found.reason, found.values["cause"]) == (
        Status.WARN, "cli_error", "timeout")


def test_no_cli_and_an_old_cli_are_skips(app: App) -> None:
    (app.root / "node_modules" / "convex" / "package.json").write_text('{"version": "1.35.2"}')
    matrix = matrix_of(app, production=True)
    assert finding(matrix, "envs.preview_default", PREVIEW).reason == "cli_too_old"
    assert not any(c["args"][1] == "default" for c in app.cli.calls())
    app.cli.path.unlink()
    matrix = matrix_of(app, production=True)
    assert finding(matrix, "envs.prod_deployment_env", PROD).reason == "no_cli"


# -- the deploy key is never written ------------------------------------------------------------
def test_no_deploy_key_in_any_output_or_file(
        app: App, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer, dev_convex: LocalConvex,
        prod_convex: LocalConvex, tmp_path: Path) -> None:
    app.write(".env.local", f"CONVEX_DEPLOYMENT=dev:{DEV_NAME}", f"CONVEX_DEPLOY_KEY={DEV_KEY}",
              f"VITE_CLERK_PUBLISHABLE_KEY={dev_issuer.publishable_key}")
    app.write(".vercel/.env.preview.local", f"CONVEX_DEPLOY_KEY={PREVIEW_KEY}")
    app.set_var(DEV_NAME, None)  # so the development list (with a secret in it) is read
    matrix = matrix_of(app, {"CONVEX_DEPLOYMENT_TOKEN": PROD_KEY},
                       **consenting(prod_convex, dev_convex))
    assert len(matrix.discovery.keys.found) == 3
    written = [json.dumps(matrix.to_dict()), repr(matrix)]
    written += [path.read_text() for path in tmp_path.rglob("*")
                if path.is_file() and "node_modules" not in path.parts
                and not path.name.startswith(".env") and path != app.cli.cloud_file]
    for text in written:
        for key in KEYS:
            assert key not in text and key.split("|")[1] not in text
        assert SECRET_KEY not in text  # the development deployment's own secret variable
    listing = matrix.row(DEV).listing
    assert listing and "CLERK_SECRET_KEY" in listing.names and listing.values == {}
    kinds = {k.kind: k.source for k in matrix.discovery.keys.found}
    assert kinds == {"dev": ".env.local:CONVEX_DEPLOY_KEY",
                     "prod": "environment:CONVEX_DEPLOYMENT_TOKEN",
                     "preview_project": ".vercel/.env.preview.local:CONVEX_DEPLOY_KEY"}


# -- pieces -------------------------------------------------------------------------------------
def test_fixes_carry_prod_only_for_production(
        app: App, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer,
        prod_convex: LocalConvex) -> None:
    app.set_var(DEV_NAME, prod_issuer.url)
    app.set_var(PROD_NAME, dev_issuer.url)
    app.set_var("preview", prod_issuer.url)  # previews on the host's domain need development
    matrix = matrix_of(app, {"CONVEX_DEPLOY_KEY": PROD_KEY}, **consenting(prod_convex))
    commands = [(f.environment, fix) for f in matrix.findings for fix in f.fixes
                if fix.kind == "command" and fix.argv[:3] == ("npx", "convex", "env")]
    assert {e for e, _ in commands} == {DEV, PROD, PREVIEW}
    for environment, fix in commands:
        assert fix.touches_production == (environment is PROD)


def test_the_cli_output_formats_are_read_as_the_cli_prints_them(
        app: App, prod_issuer: LocalIssuer) -> None:
    missing = ask_value(app.root, DEV, "NOPE", environ=environ(), key=None, timeout=10)
    assert (missing.status, missing.notice, missing.deployment) == ("missing", "dev", DEV_NAME)
    assert missing.message == ('✖ Environment variable "NOPE" not found '
                               f"(on dev deployment {DEV_NAME})")
    preview = ask_value(app.root, PREVIEW, "NOPE", environ=environ(), key=None, timeout=10)
    assert (preview.status, preview.notice) == ("missing", "preview")
    listed = ask_list(app.root, PROD, environ=environ(), key=None, timeout=10,
                      keep=lambda name, value: True)
    assert listed.names == (VAR, "NOTE")
    assert listed.values == {"NOTE": "a value # with a hash", VAR: prod_issuer.url}
    app.cli.save({**app.cli.cloud, "defaults": {"preview": {}}})
    empty = ask_list(app.root, PREVIEW, environ=environ(), key=None, timeout=10,
                     keep=lambda name, value: True)
    assert (empty.status, empty.names) == ("listed", ())


@pytest.mark.parametrize(("key", "kind", "name"), [
    (PROD_KEY, "prod", PROD_NAME), (DEV_KEY, "dev", DEV_NAME),
    ("preview:pr-7-otter-1|abc", "preview", "pr-7-otter-1"),
    (PREVIEW_KEY, "preview_project", None), ("project:acme:app|abc", "project", None),
    ("bold-hyena-681|01c2", "legacy", "bold-hyena-681"), ("no-bar-at-all", "malformed", None),
])
def test_deploy_key_shapes(key: str, kind: str, name: str | None) -> None:
    assert classify(key) == (kind, name)


@pytest.mark.parametrize(("framework_file", "winner"), [(None, ".env.development"),
                                                        ("next.config.mjs", ".env.local")])
def test_vite_and_next_order_development_files_differently(
        app: App, prod_issuer: LocalIssuer, framework_file: str | None, winner: str) -> None:
    """Vite: the mode's file beats ``.env.local``; Next.js: the other way round."""
    if framework_file:
        (app.root / framework_file).write_text("export default {}\n")
    app.write(".env.development", f"VITE_CLERK_PUBLISHABLE_KEY={live_key(prod_issuer)}")
    instance = discover(app.root, environ()).instance(DEV)
    assert instance is not None and instance.file == winner


# -- the deployment `check` reads -----------------------------------------------------------------
def test_check_reads_its_own_deployment_with_a_production_key_in_the_shell(
        app: App, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI shell holds production's deploy key; the plain ``env get`` that ``check`` runs
    must still read the deployment ``CONVEX_DEPLOYMENT`` names, not production."""
    from wizard.checks.options import Options
    from wizard.services.convex_cli import EnvLookup
    from wizard.walkthrough.session import load

    app.write("convex/auth.config.ts", "export default { providers: [{",
              f"  domain: process.env.{VAR}, applicationID: \"convex\" }}] }};")
    monkeypatch.setenv("CONVEX_DEPLOY_KEY", PROD_KEY)
    session = load(Options(project_dir=app.root, timeout=5))
    session.fetch()
    assert session.deployment is not None
    assert (session.deployment.status, session.deployment.value) == (EnvLookup.FOUND,
                                                                    dev_issuer.url)
    # Asked once, by the matrix, with the production key hidden (previews' default beside it).
    assert [c for c in app.cli.calls() if c["args"][:2] == ["env", "get"]] == [
        {"args": ["env", "get", VAR], "key": "ignored"}]


# -- fixes for the matrix (wizard/fixes/env_plans.py) --------------------------------------------
def env_fixes(app: App, *, prod: bool) -> Any:
    from wizard.fixes import plan_fixes
    from wizard.project.reader import read_project

    return plan_fixes(read_project(app.root), prod=prod,
                      only=("envs.prod_deployment_env", "envs.preview_default"))


def test_production_is_fixed_only_when_allowed_and_with_its_own_key(
        app: App, dev_issuer: LocalIssuer, prod_issuer: LocalIssuer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.fixes import apply_fixes

    app.set_var(PROD_NAME, dev_issuer.url)
    app.set_var("preview", prod_issuer.url)  # previews on the host's domain need development
    app.write(".env.local", f"CONVEX_DEPLOYMENT=dev:{DEV_NAME}", f"CONVEX_DEPLOY_KEY={DEV_KEY}",
              f"VITE_CLERK_PUBLISHABLE_KEY={dev_issuer.publishable_key}")
    for name in ("CONVEX_DEPLOY_KEY", "CONVEX_DEPLOYMENT_TOKEN", "CONVEX_DEPLOYMENT"):
        monkeypatch.delenv(name, raising=False)
    # Without --prod: production is neither asked nor planned; the preview default is.
    plans = env_fixes(app, prod=False).plans
    assert [(p.check_id, p.command.argv[1:] if p.command else None) for p in plans] == [
        ("envs.preview_default",
         ("env", "default", "set", "--type", "preview", VAR, dev_issuer.url))]
    assert all("--prod" not in c["args"] for c in app.cli.calls())
    # With it: production's own issuer, from the pk_live_ key of .env.production.
    fixes = env_fixes(app, prod=True)
    prod_plan = next(p for p in fixes.plans if p.check_id == "envs.prod_deployment_env")
    assert prod_plan.command and prod_plan.command.argv[1:] == (
        "env", "set", VAR, prod_issuer.url, "--prod")
    before = len(app.cli.calls())
    report = apply_fixes(app.root, fixes.plans, offline=False, state_dir=tmp_path / "state")
    assert all(o.refusal is None for o in report.outcomes), report.outcomes
    cloud = app.cli.cloud
    assert cloud["deployments"][PROD_NAME][VAR] == prod_issuer.url
    assert cloud["deployments"][DEV_NAME][VAR] == dev_issuer.url  # untouched
    assert cloud["defaults"]["preview"][VAR] == dev_issuer.url
    # The dev: key in .env.local would have turned `--prod` into development: hidden.
    assert {c["key"] for c in app.cli.calls()[before:]} == {"ignored"}
    after = matrix_of(app, production=True)
    assert finding(after, "envs.prod_deployment_env", PROD).reason == "matches"
    assert finding(after, "envs.preview_default", PREVIEW).reason == "matches"


def test_a_production_fix_without_a_production_key_is_blocked(app: App,
                                                              dev_issuer: LocalIssuer) -> None:
    app.set_var(PROD_NAME, dev_issuer.url)
    (app.root / ".env.production").unlink()
    fixes = env_fixes(app, prod=True)
    assert [(b.check_id, b.reason.value) for b in fixes.blocked] == [
        ("envs.prod_deployment_env", "no_publishable_key")]
    assert not any(p.check_id == "envs.prod_deployment_env" for p in fixes.plans)


def test_check_prints_the_matrix_without_any_deploy_key(
        app: App, dev_issuer: LocalIssuer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    app.set_var(PROD_NAME, dev_issuer.url)
    app.write(".env.local", f"CONVEX_DEPLOYMENT=dev:{DEV_NAME}", f"CONVEX_DEPLOY_KEY={DEV_KEY}",
              f"VITE_CLERK_PUBLISHABLE_KEY={dev_issuer.publishable_key}")
    monkeypatch.setenv("CONVEX_DEPLOY_KEY", PROD_KEY)
    outputs = []
    for extra in (["--json"], []):
        assert main(["check", "--prod", "--timeout", "3", "--project", str(app.root),
                     *extra]) == 1
        outputs.append(capsys.readouterr().out)
    for out in outputs:
        for key in (DEV_KEY, PROD_KEY):
            assert key not in out and key.split("|")[1] not in out
    document = json.loads(outputs[0])
    failed = [c["id"] for c in document["checks"] if c["status"] == "fail"]
    assert "envs.prod_deployment_env" in failed and "envs.prod_deployment_env" in outputs[1]
    found = {(f["id"], f["environment"]): f for f in document["environments"]["findings"]}
    assert found["envs.prod_deployment_env", "production"]["reason"] == "development_issuer"
