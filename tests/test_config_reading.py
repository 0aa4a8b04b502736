"""Where configuration comes from (SPEC §3): .env precedence and sources, publishable keys
(Clerk's own test vectors), issuer and application ID resolution, the convex version, and the
deployment's variable read through a stand-in ``node_modules/.bin/convex``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import NOW, SECRET_KEY, MakeProject
from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer
from wizard.project.envfiles import read_env_files
from wizard.project.issuer import Issuer
from wizard.project.reader import read_convex_version
from wizard.providers.clerk.keys import (
    InvalidPublishableKey,
    decode_publishable_key,
    encode_publishable_key,
)
from wizard.rules.jwt import AuthPath
from wizard.walkthrough.session import Session, load, run_checks

AUTH_READS = """export default {{
  providers: [{{ domain: process.env.{var}!, applicationID: "{app}" }}],
}};
"""
VAR = "CLERK_JWT_ISSUER_DOMAIN"


def checks_of(project: Path, token: str | None = None, **options: object) -> dict[str, Check]:
    verdict = run_checks(Options(project_dir=project, at=NOW, **options), token)  # type: ignore[arg-type]
    return {c.id: c for c in verdict.checks}


def loaded(project: Path, **options: object) -> Session:
    return load(Options(project_dir=project, **options))  # type: ignore[arg-type]


# -- .env precedence -----------------------------------------------------------------------
ORDER = (".env", ".env.local", ".env.development", ".env.development.local")


@pytest.mark.parametrize("present", [ORDER[:n] for n in range(1, 5)],
                         ids=[f"up-to-{name}" for name in ORDER])
def test_later_env_files_win(tmp_path: Path, present: tuple[str, ...]) -> None:
    for name in present:
        (tmp_path / name).write_text(f"SHARED={name}\nONLY_{len(name)}=x\n")
    (tmp_path / ".env").write_text("SHARED=.env\nFIRST=from-dotenv\n")
    env = read_env_files(tmp_path)
    shared = env.get("SHARED")
    assert shared is not None
    assert shared.value == present[-1]
    assert shared.source == f"{present[-1]}:SHARED"
    first = env.get("FIRST")
    assert first is not None and first.source == ".env:FIRST"  # earlier values still count
    assert env.files_read == list(present)


def test_process_environment_wins_over_every_file(tmp_path: Path) -> None:
    for name in ORDER:
        (tmp_path / name).write_text(f"SHARED={name}\n")
    env = read_env_files(tmp_path, {"SHARED": "from-process"})
    found = env.get("SHARED")
    assert found is not None
    assert (found.value, found.source) == ("from-process", "environment:SHARED")


def test_env_files_never_touch_os_environ(tmp_path: Path) -> None:
    name = "CAW_TEST_ONLY_VARIABLE"
    (tmp_path / ".env").write_text(f"{name}=1\n")
    assert read_env_files(tmp_path).get(name) is not None
    assert name not in os.environ


def test_env_syntax_quotes_export_and_comments(tmp_path: Path) -> None:
    (tmp_path / ".env.local").write_text(
        "# a comment\nexport A='single'\nB=\"double\"\nC=plain # trailing\nD=\n")
    env = read_env_files(tmp_path)
    assert [env.get(n).value for n in "ABCD"] == ["single", "double", "plain", ""]  # type: ignore[union-attr]


def test_an_unclosed_quote_is_said_with_its_line_and_nothing_leaks_to_stderr(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env.local").write_text(
        'VITE_CLERK_PUBLISHABLE_KEY="pk_test_abc\nOTHER=kept\n=no name\n')
    env = read_env_files(tmp_path)
    assert env.problems == []
    assert env.lines == [
        ".env.local line 1: the value of VITE_CLERK_PUBLISHABLE_KEY opens a quote (\") that "
        "is never closed, so it runs into the next lines; close it on the same line",
        ".env.local line 3 could not be read as NAME=value; it was skipped"]
    assert env.get("VITE_CLERK_PUBLISHABLE_KEY") is None
    assert capfd.readouterr().err == ""  # python-dotenv's own warning never reaches the terminal


def test_typographic_quotes_are_named_where_they_are(make_project: MakeProject) -> None:
    project = make_project("https://example.clerk.accounts.dev")
    (project / ".env.local").write_text(f"{VAR}=“https://example.clerk.accounts.dev”\n")
    checks = checks_of(project, offline=True)
    root = checks["project.root"]
    assert root.status is Status.WARN and root.reason == "env_lines"
    assert f".env.local:{VAR} is wrapped in typographic quotes (“…”)" in root.detail
    issuer = checks["env.issuer"]
    assert issuer.failed and "typographic quotes (“…”)" in issuer.detail
    assert "npx convex env set CLERK_JWT_ISSUER_DOMAIN https://example.clerk.accounts.dev" \
        in issuer.fix


def test_issuer_source_follows_precedence(make_project: MakeProject, issuer: LocalIssuer) -> None:
    project = make_project("https://from-local.clerk.accounts.dev")
    (project / ".env.development").write_text(f"{VAR}=https://from-dev.clerk.accounts.dev\n")
    session = loaded(project)
    assert session.issuer is not None
    assert session.issuer.raw == "https://from-dev.clerk.accounts.dev"
    assert session.issuer.source == f".env.development:{VAR}"
    session = loaded(project, environ={VAR: issuer.url})
    assert session.issuer is not None and session.issuer.source == f"environment:{VAR}"


# -- publishable keys (clerk_facts.md §1.4) ------------------------------------------------
@pytest.mark.parametrize("key,instance,host", [
    ("pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk", "development",
     "foo-bar-13.clerk.accounts.dev"),
    ("pk_live_ZmFrZS1jbGVyay10ZXN0LmNsZXJrLmFjY291bnRzLmRldiQ", "production",
     "fake-clerk-test.clerk.accounts.dev"),
    ("pk_live_ZmFrZS1jbGVyay10ZXN0LmNsZXJrLmFjY291bnRzLmRldiQ=", "production",
     "fake-clerk-test.clerk.accounts.dev"),
    ("pk_test_Y2xlcmsuY2xlcmsuZGV2JA==", "development", "clerk.clerk.dev"),
    ("pk_test_Y2xlcmsuYm9yaW5nLnNhd2ZseS05MS5sY2wuZGV2JA", "development",
     "clerk.boring.sawfly-91.lcl.dev"),
    ("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k", "production", "clerk.example.com"),
])
def test_valid_publishable_keys(key: str, instance: str, host: str) -> None:
    decoded = decode_publishable_key(key)
    assert (decoded.instance_type, decoded.frontend_api) == (instance, host)


@pytest.mark.parametrize("key", [
    "pk_live_ZmFrZS1jbGVyay1tYWxmb3JtZWQuY2xlcmsuYWNjb3VudHMuZGV2JGV4dHJh",  # text after $
    "pk_live_ZmFrZS1jbGVyay1tdWx0aXBsZS5jbGVyay5hY2NvdW50cy5kZXYkJA==",  # two $
    "pk_live_JGZha2UtY2xlcmstcHJlZml4LmNsZXJrLmFjY291bnRzLmRldiQ=",  # leading $
    "pk_live_aW52YWxpZGtleSQ=",  # no dot in the host
    "pk_live_invalid", "pk_live_", "pk_live", "whatever", "",
    "sk_test_Q2xlcmtTZWNyZXQ", "pk_test_!!!!",
])
def test_invalid_publishable_keys(key: str) -> None:
    with pytest.raises(InvalidPublishableKey):
        decode_publishable_key(key)


def test_encode_matches_clerk_vector() -> None:
    assert encode_publishable_key("clerk.example.com", live=True) == \
        "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"


def test_publishable_key_variable_order(make_project: MakeProject) -> None:
    first = encode_publishable_key("first-one-1.clerk.accounts.dev")
    second = encode_publishable_key("second-two-2.clerk.accounts.dev")
    project = make_project(None, env_local=f"CLERK_PUBLISHABLE_KEY={second}\n"
                           f"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY={first}\n"
                           "VITE_CLERK_PUBLISHABLE_KEY=\n")
    session = loaded(project)
    assert session.public_key is not None
    assert session.public_key.found.source == ".env.local:NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"
    assert session.public_key.host == "first-one-1.clerk.accounts.dev"


def test_invalid_publishable_key_check(make_project: MakeProject) -> None:
    project = make_project(None, publishable_key="pk_live_aW52YWxpZGtleSQ=")
    check = checks_of(project, offline=True)["env.publishable_key"]
    assert check.status is Status.FAIL
    assert ".env.local:VITE_CLERK_PUBLISHABLE_KEY" in check.detail
    assert "pk_test_" in check.fix and "API keys" in check.fix


def test_missing_publishable_key_check(make_project: MakeProject) -> None:
    check = checks_of(make_project(None), offline=True)["env.publishable_key"]
    assert check.status is Status.FAIL
    assert "VITE_CLERK_PUBLISHABLE_KEY=pk_test_" in check.fix


# -- issuer resolution ---------------------------------------------------------------------
def test_issuer_option_wins(project: Path) -> None:
    session = loaded(project, issuer="https://cli-given.clerk.accounts.dev")
    assert session.issuer is not None
    assert (session.issuer.raw, session.issuer.source) == (
        "https://cli-given.clerk.accounts.dev", "--issuer")


def test_variable_auth_config_reads_beats_usual_names(make_project: MakeProject) -> None:
    project = make_project(None, auth_config=AUTH_READS.format(var="CLERK_FRONTEND_API_URL",
                                                               app="convex"),
                           env_local=f"{VAR}=https://usual.clerk.accounts.dev\n"
                           "CLERK_FRONTEND_API_URL=https://read.clerk.accounts.dev\n")
    session = loaded(project)
    assert session.issuer is not None
    assert session.issuer.raw == "https://read.clerk.accounts.dev"
    assert session.issuer.source == ".env.local:CLERK_FRONTEND_API_URL"
    assert session.project.issuer_var == "CLERK_FRONTEND_API_URL"


@pytest.mark.parametrize("present,expected", [
    ((VAR, "CLERK_FRONTEND_API_URL"), VAR),
    (("CLERK_FRONTEND_API_URL",), "CLERK_FRONTEND_API_URL"),
])
def test_usual_names_when_the_read_variable_is_unset(make_project: MakeProject,
                                                     present: tuple[str, ...],
                                                     expected: str) -> None:
    lines = "".join(f"{name}=https://{name.lower().replace('_', '-')}.clerk.accounts.dev\n"
                    for name in present)
    project = make_project(None, env_local=lines,
                           auth_config=AUTH_READS.format(var="MY_ISSUER", app="convex"))
    session = loaded(project)
    assert session.issuer is not None and session.issuer.source == f".env.local:{expected}"


def test_issuer_derived_from_publishable_key_is_marked(make_project: MakeProject) -> None:
    key = encode_publishable_key("verb-noun-00.clerk.accounts.dev")
    project = make_project(None, publishable_key=key)
    session = loaded(project)
    assert session.issuer is not None
    assert session.issuer.raw == "https://verb-noun-00.clerk.accounts.dev"
    assert session.issuer.derived
    verdict = run_checks(Options(project_dir=project, at=NOW, offline=True))
    document = verdict.to_json()
    assert document["issuer_source"] == "derived from the publishable key"
    check = {c.id: c for c in verdict.checks}["env.issuer"]
    assert "derived" in check.detail


def test_no_issuer_at_all(make_project: MakeProject) -> None:
    check = checks_of(make_project(None), offline=True)["env.issuer"]
    assert check.status is Status.FAIL
    assert f"npx convex env set {VAR}" in check.fix


def test_literal_domain_in_auth_config_is_the_issuer(make_project: MakeProject) -> None:
    config = 'export default { providers: [{ domain: "https://lit.clerk.accounts.dev", ' \
        'applicationID: "convex" }] };\n'
    project = make_project("https://env.clerk.accounts.dev", auth_config=config)
    session = loaded(project)
    assert session.issuer is not None
    assert session.issuer.raw == "https://lit.clerk.accounts.dev"
    assert session.issuer.source.startswith("convex/auth.config.ts:")


@pytest.mark.parametrize("value,reason_words", [
    ('"https://x.clerk.accounts.dev"', "quotes"),
    ("https://x.clerk.accounts.dev/.well-known/jwks.json", "JWKS URL"),
    ("https://x.clerk.accounts.dev/.well-known/openid-configuration", "discovery URL"),
    ("https://x.clerk.accounts.dev/v1", "path"),
    ("x.clerk.accounts.dev", "not an http(s) URL"),
])
def test_malformed_issuer_values(make_project: MakeProject, value: str,
                                 reason_words: str) -> None:
    project = make_project(None, env_local=f"{VAR}='{value}'\n")
    check = checks_of(project, offline=True)["env.issuer"]
    assert check.status is Status.FAIL
    assert reason_words in check.detail
    assert "https://x.clerk.accounts.dev" in check.fix


def test_http_issuer_off_loopback_warns(make_project: MakeProject) -> None:
    project = make_project("http://x.clerk.accounts.dev")
    check = checks_of(project, offline=True)["env.issuer"]
    assert check.status is Status.WARN
    assert "https://x.clerk.accounts.dev" in check.fix


def test_issuer_and_key_from_different_instances(make_project: MakeProject) -> None:
    key = encode_publishable_key("dev-one-1.clerk.accounts.dev")
    project = make_project("https://clerk.example.com", publishable_key=key)
    check = checks_of(project, offline=True)["env.issuer_matches_key"]
    assert check.status is Status.FAIL
    assert "clerk.example.com" in check.detail and "dev-one-1.clerk.accounts.dev" in check.detail
    assert f"npx convex env set {VAR} https://dev-one-1.clerk.accounts.dev" in check.fix
    # Both places that hold the issuer are named: the file it was read from, and the deployment.
    assert f"{VAR}=https://dev-one-1.clerk.accounts.dev in .env.local, and on the deployment" \
        in check.fix


# -- application ID ------------------------------------------------------------------------
def test_application_id_order(make_project: MakeProject) -> None:
    default = make_project(None, name="default", auth_config=None)
    session = loaded(default)
    assert session.application_id.value == "convex" and session.application_id.derived
    custom = make_project(None, name="custom", auth_config=AUTH_READS.format(var=VAR,
                                                                             app="my-app"))
    session = loaded(custom)
    assert session.application_id.value == "my-app"
    assert session.application_id.source.startswith("convex/auth.config.ts")
    session = loaded(custom, application_id="given")
    assert (session.application_id.value, session.application_id.source) == (
        "given", "--application-id")


# -- convex version ------------------------------------------------------------------------
def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


def test_convex_version_sources_in_order(tmp_path: Path) -> None:
    write_json(tmp_path / "package.json", {"dependencies": {"convex": "^1.20.0"}})
    found = read_convex_version(tmp_path)
    assert found is not None and (found.value, found.derived) == ("1.20.0", True)
    assert "package.json" in found.source and "^1.20.0" in found.source
    write_json(tmp_path / "package-lock.json",
               {"packages": {"node_modules/convex": {"version": "1.30.1"}}})
    found = read_convex_version(tmp_path)
    assert found is not None and (found.value, found.source) == ("1.30.1", "package-lock.json")
    write_json(tmp_path / "node_modules" / "convex" / "package.json", {"version": "1.44.0"})
    found = read_convex_version(tmp_path)
    assert found is not None
    assert (found.value, found.source) == ("1.44.0", "node_modules/convex/package.json")


@pytest.mark.parametrize("name,text", [
    ("pnpm-lock.yaml", "lockfileVersion: '6.0'\npackages:\n\n  /convex@1.31.2:\n    resolution: {}\n"),
    ("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n\n  convex@1.31.2:\n    resolution: {}\n"),
    ("pnpm-lock.yaml", "packages:\n  /convex/1.31.2:\n    dev: false\n"),
    ("yarn.lock", '"convex@^1.31.0":\n  version "1.31.2"\n  resolved "https://x"\n'),
    ("yarn.lock", '"convex@npm:^1.31.0":\n  version: 1.31.2\n  resolution: "convex@npm:1.31.2"\n'),
    ("bun.lock", '{ "packages": { "convex": ["convex@1.31.2", "", {}] } }'),
])
def test_convex_version_from_each_lock_file(tmp_path: Path, name: str, text: str) -> None:
    write_json(tmp_path / "package.json", {"dependencies": {"convex": "^1.20.0"}})
    (tmp_path / name).write_text(text)
    found = read_convex_version(tmp_path)
    assert found is not None and (found.value, found.source) == ("1.31.2", name)


@pytest.mark.parametrize("name,text", [
    ("pnpm-lock.yaml", "/convex@1.31.2:\n"),  # a package key is indented
    ("pnpm-lock.yaml", "  convex-helpers@1.31.2:\n"),
    ("yarn.lock", '"convex-helpers@^1.0.0":\n  version "1.31.2"\n'),
    ("yarn.lock", '"convex@^1.31.0":\n  resolved "https://x"\n  version "1.31.2"\n'),
])
def test_lock_lines_that_name_no_convex_version(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    assert read_convex_version(tmp_path) is None


def test_no_convex_version_is_skipped(make_project: MakeProject) -> None:
    project = make_project(None, convex_version=None)
    assert checks_of(project, offline=True)["convex.version"].status is Status.SKIP


@pytest.mark.parametrize("version,path,status,words", [
    ("1.33.0", None, Status.WARN, "breaks the JWT-template"),
    ("1.33.0", AuthPath.TEMPLATE, Status.WARN, "breaks the JWT-template"),
    ("1.33.0", AuthPath.INTEGRATION, Status.WARN, "1.42.2"),
    ("1.32.0", None, Status.WARN, "1.33.1"),
    ("1.32.0", AuthPath.TEMPLATE, Status.WARN, "1.42.2"),
    ("1.33.1", None, Status.WARN, "1.42.2"),
    ("1.42.1", None, Status.WARN, "1.42.2"),
    ("1.42.2", None, Status.PASS, ""),
    ("1.45.0", None, Status.PASS, ""),
])
def test_known_bad_convex_versions(make_project: MakeProject, version: str, path: AuthPath | None,
                                   status: Status, words: str) -> None:
    project = make_project(None)
    write_json(project / "node_modules" / "convex" / "package.json", {"version": version})
    check = checks_of(project, offline=True, path=path)["convex.version"]
    assert check.status is status, check.detail
    assert version in check.detail
    assert words in check.fix
    if status is Status.WARN:
        assert "npm install convex@latest" in check.fix


def test_version_warning_follows_the_token_kind(project: Path, issuer: LocalIssuer) -> None:
    write_json(project / "node_modules" / "convex" / "package.json", {"version": "1.33.0"})
    token = issuer.mint(issuer.session_claims(NOW, aud="convex"))
    check = checks_of(project, token)["convex.version"]
    assert check.status is Status.WARN and "1.42.2" in check.fix


# -- convex.deployment_env through a stand-in Convex CLI -----------------------------------
def install_cli(project: Path, *, stdout: str = "", stderr: str = "", code: int = 0) -> Path:
    """A ``node_modules/.bin/convex`` that answers ``env get`` as the real CLI does
    (convex_spec.md §5) and adds its arguments to a marker (the environment matrix asks it
    about previews too)."""
    marker = project / "cli-was-run"
    script = project / "node_modules" / ".bin" / "convex"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$*\" >> {json.dumps(str(marker))}\n"
        + (f"printf '%s\\n' {json.dumps(stdout)}\n" if stdout else "")
        + (f"printf '%s\\n' {json.dumps(stderr)} >&2\n" if stderr else "")
        + f"exit {code}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return marker


@pytest.fixture
def keys_file(tmp_path: Path, issuer: LocalIssuer) -> Path:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(issuer.jwks()))
    return path


def test_deployment_has_the_same_value(project: Path, issuer: LocalIssuer) -> None:
    marker = install_cli(project, stdout=issuer.url)
    verdict = run_checks(Options(project_dir=project, at=NOW),
                         issuer.mint(issuer.template_claims(NOW)))
    checks = {c.id: c for c in verdict.checks}
    assert checks["convex.deployment_env"].status is Status.PASS
    assert f"env get {VAR}" in marker.read_text().splitlines()
    assert verdict.session.issuer is not None
    assert verdict.session.issuer.source == f"deployment:{VAR}"
    assert verdict.ok


def test_deployment_value_differs(project: Path, issuer: LocalIssuer, keys_file: Path) -> None:
    install_cli(project, stdout="https://other-app-7.clerk.accounts.dev")
    verdict = run_checks(Options(project_dir=project, at=NOW, jwks_file=keys_file),
                         issuer.mint(issuer.template_claims(NOW)))
    checks = {c.id: c for c in verdict.checks}
    check = checks["convex.deployment_env"]
    assert check.status is Status.FAIL
    assert "other-app-7" in check.detail and ".env.local" in check.detail
    assert f"npx convex env set {VAR} {issuer.url}" in check.fix
    # What Convex uses is the deployment's value, so the token is judged against it.
    assert verdict.session.issuer is not None
    assert verdict.session.issuer.raw == "https://other-app-7.clerk.accounts.dev"
    assert checks["token.iss"].status is Status.FAIL
    assert not verdict.ok


def test_deployment_is_asked_even_with_issuer_option(project: Path, issuer: LocalIssuer) -> None:
    marker = install_cli(project, stdout="https://other-app-7.clerk.accounts.dev")
    checks = checks_of(project, issuer=issuer.url)
    assert marker.exists()
    assert checks["convex.deployment_env"].status is Status.FAIL


def test_deployment_variable_missing(project: Path, issuer: LocalIssuer) -> None:
    install_cli(project, stderr=f'✖ Environment variable "{VAR}" not found')
    checks = checks_of(project)
    check = checks["convex.deployment_env"]
    assert check.status is Status.FAIL
    assert "not set on the deployment" in check.detail
    assert f"npx convex env set {VAR} {issuer.url}" in check.fix
    assert checks["issuer.discovery"].status is Status.PASS  # the local value is still used


def test_deployment_cli_fails(project: Path) -> None:
    install_cli(project, stderr="✖ You are not logged in. Run npx convex login", code=1)
    check = checks_of(project)["convex.deployment_env"]
    assert check.status is Status.FAIL
    assert "not logged in" in check.detail
    assert f"npx convex env get {VAR}" in check.fix


def test_no_local_convex_cli_is_skipped(project: Path) -> None:
    check = checks_of(project)["convex.deployment_env"]
    assert check.status is Status.SKIP
    assert "npm install" in check.detail


def test_offline_never_runs_the_cli(project: Path, issuer: LocalIssuer) -> None:
    marker = install_cli(project, stdout=issuer.url)
    check = checks_of(project, offline=True)["convex.deployment_env"]
    assert check.status is Status.SKIP and "--offline" in check.detail
    assert not marker.exists()


def test_deployment_value_keeps_a_carriage_return(project: Path, issuer: LocalIssuer,
                                                  keys_file: Path) -> None:
    # A value set from a CRLF file keeps its "\r" on the deployment, and Convex compares the
    # domain as stored, so the token no longer routes (convex_spec.md §5).
    script = project / "node_modules" / ".bin" / "convex"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"#!/bin/sh\nprintf '{issuer.url}\\r\\n'\n")  # printf sends a real CR
    script.chmod(0o755)
    verdict = run_checks(Options(project_dir=project, at=NOW, jwks_file=keys_file),
                         issuer.mint(issuer.template_claims(NOW)))
    checks = {c.id: c for c in verdict.checks}
    assert checks["convex.deployment_env"].status is Status.FAIL
    assert checks["env.issuer"].status is Status.FAIL
    assert "whitespace" in checks["env.issuer"].detail
    assert checks["token.iss"].status is Status.FAIL
    assert not verdict.ok


@pytest.mark.parametrize("value", [
    "https://verb-noun-00.clerk.accounts.dev?x=1", "https://verb-noun-00.clerk.accounts.dev#top",
    "https://user@verb-noun-00.clerk.accounts.dev",
])
def test_issuer_with_query_fragment_or_credentials_fails(make_project: MakeProject,
                                                         value: str) -> None:
    root = make_project(value)
    checks = {c.id: c for c in run_checks(Options(project_dir=root, offline=True)).checks}
    check = checks["env.issuer"]
    assert check.status is Status.FAIL
    assert "npx convex env set CLERK_JWT_ISSUER_DOMAIN https://verb-noun-00.clerk.accounts.dev" \
        in check.fix


@pytest.mark.parametrize(("raw", "stored", "fetch_url", "host"), [
    ("https://verb-noun-00.clerk.accounts.dev", "https://verb-noun-00.clerk.accounts.dev",
     "https://verb-noun-00.clerk.accounts.dev", "verb-noun-00.clerk.accounts.dev"),
    (" https://Verb.clerk.accounts.dev/\n", "https:// https://Verb.clerk.accounts.dev/\n",
     "https://Verb.clerk.accounts.dev/", "verb.clerk.accounts.dev"),
    ("verb.clerk.accounts.dev", "https://verb.clerk.accounts.dev",
     "https://verb.clerk.accounts.dev", "verb.clerk.accounts.dev"),
    ('"https://q.clerk.accounts.dev"', 'https://"https://q.clerk.accounts.dev"',
     'https://"https://q.clerk.accounts.dev"', "q.clerk.accounts.dev"),
    ("http://127.0.0.1:8787", "http://127.0.0.1:8787", "http://127.0.0.1:8787",
     "127.0.0.1:8787"),
])
def test_the_issuer_value_gives_each_shape_by_one_recipe(raw: str, stored: str, fetch_url: str,
                                                         host: str) -> None:
    """Convex stores the text as it is (a scheme added to a bare host); it is fetched without
    the whitespace around it; its host is compared without quotes, in lower case."""
    issuer = Issuer(raw, ".env.local:CLERK_JWT_ISSUER_DOMAIN")
    assert (issuer.stored, issuer.fetch_url, issuer.host) == (stored, fetch_url, host)
    assert issuer.shown == raw.strip()


def test_a_saved_issuer_is_the_same_whitespace_and_trailing_slashes_aside() -> None:
    issuer = Issuer("https://verb.clerk.accounts.dev/\n", "deployment:CLERK_JWT_ISSUER_DOMAIN")
    assert issuer.same_as("https://verb.clerk.accounts.dev")
    assert issuer.same_as("verb.clerk.accounts.dev")
    assert not issuer.same_as("https://other.clerk.accounts.dev")
    assert not issuer.same_as(None)


def test_a_secret_key_pasted_as_the_publishable_key_is_to_be_replaced(
        make_project: MakeProject) -> None:
    project = make_project("https://example.clerk.accounts.dev", publishable_key=SECRET_KEY)
    exposure = checks_of(project, offline=True)["env.secret_exposure"]
    assert exposure.failed and exposure.reason == "in_key_slot"
    assert exposure.fix.startswith("Replace the value of .env.local:VITE_CLERK_PUBLISHABLE_KEY")
    assert "Remove" not in exposure.fix and SECRET_KEY not in exposure.fix + exposure.detail


def test_an_issuer_only_derived_warns_once_and_offline_says_the_variable_is_nowhere(
        make_project: MakeProject) -> None:
    key = "pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk"  # example.clerk.accounts.dev
    project = make_project(None, publishable_key=key)
    checks = checks_of(project, offline=True)
    issuer = checks["env.issuer"]
    assert issuer.status is Status.WARN and issuer.reason == "derived_only"
    assert issuer.detail == (f"{VAR} is set nowhere here (no .env file, not the environment); "
                             "https://example.clerk.accounts.dev is only derived from the "
                             "publishable key")
    deployment = checks["convex.deployment_env"]
    assert deployment.status is Status.WARN and deployment.reason == "found_nowhere"
    assert f"{VAR}, which convex/auth.config.ts reads, was found nowhere" in deployment.detail
    assert f"npx convex env set {VAR} https://example.clerk.accounts.dev" in deployment.fix
    # Where the variable is set, offline stays a plain skip: nothing to warn about.
    project = make_project("https://example.clerk.accounts.dev", publishable_key=key,
                           name="set")
    checks = checks_of(project, offline=True)
    assert checks["env.issuer"].status is Status.PASS
    assert checks["convex.deployment_env"].status is Status.SKIP


def test_a_secret_in_typographic_quotes_is_not_shown_in_the_message(tmp_path: Path) -> None:
    (tmp_path / ".env.local").write_text(f"CLERK_SECRET_KEY=“{SECRET_KEY}\n")
    env = read_env_files(tmp_path)
    assert env.lines == [".env.local:CLERK_SECRET_KEY is wrapped in typographic quotes (“…): "
                         "they become part of the value; use plain quotes (\") or none"]
    assert SECRET_KEY[-4:] not in env.lines[0]


def test_a_long_expired_token_says_years_and_every_digit_of_exp(
        make_project: MakeProject, issuer: LocalIssuer) -> None:
    project = make_project(issuer.url, publishable_key=issuer.publishable_key)
    token = issuer.mint(issuer.template_claims(1_733_412_345 - 60))  # exp 1733412345
    exp = checks_of(project, token)["token.exp"]
    assert exp.failed
    assert exp.detail.startswith("expired 2 years ago (exp 1733412345, now 1800000000;")
