"""``convex-auth-wizard check`` as a user runs it: exit codes, stdin, ``--jwks``, ``--offline``,
the JSON document of SPEC §4, colour rules, and no secret, token or signature in any output."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, SECRET_KEY, WEBHOOK_SECRET, MakeProject
from wizard.checks.catalog import CHECK_IDS
from wizard.checks.token_checks import TOKEN_CHECK_IDS
from wizard.cli import main
from wizard.demo.local_issuer import LocalIssuer
from wizard.guards.redaction import redact

SPEC_IDS = (
    "project.root", "env.publishable_key", "env.secret_exposure", "env.issuer",
    "env.issuer_matches_key", "convex.auth_config", "convex.deployment_env", "convex.version",
    "issuer.discovery", "issuer.jwks", *TOKEN_CHECK_IDS,
)
ENVS_IDS = ["envs.instances", "envs.prod_deployment_env", "envs.preview_default",
            "envs.prod_providers", "envs.prod_discovery"]
TOP_KEYS = {"ok", "project", "issuer", "issuer_source", "application_id", "publishable_key",
            "token", "checks"}
CHECK_KEYS = {"id", "status", "title", "detail", "fix", "step"}


def clean_env(**extra: str) -> dict[str, str]:
    """The test runner's environment minus anything that could steer the check."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLERK_", "VITE_", "NEXT_PUBLIC_", "CONVEX_", "NO_COLOR"))}
    env.update(extra)
    return env


def cli(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True,
                          text=True, input=stdin, env=clean_env(NO_COLOR="1", **env),
                          timeout=60, check=False)


def checks_by_id(document: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {c["id"]: c for c in document["checks"]}


def assert_usage_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("convex-auth-wizard: error: ")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    for word in words:
        assert word in lines[0]


# -- the whole document --------------------------------------------------------------------
def test_console_script_prints_the_spec_document(project: Path, issuer: LocalIssuer) -> None:
    script = Path(sys.executable).parent / "convex-auth-wizard"
    assert script.exists()
    claims = issuer.template_claims(NOW)
    token = issuer.mint(claims)
    done = subprocess.run([str(script), "check", "--project", str(project), "--token", token,
                           "--at", str(NOW), "--json"], capture_output=True, text=True,
                          env=clean_env(), timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads(done.stdout)
    # Every SPEC §4 key; "convex" is the --ask-convex extension (what the deployment said),
    # "lang" the language the titles, details and fixes are in, "environments" the matrix.
    assert TOP_KEYS <= set(document) <= TOP_KEYS | {"convex", "lang", "environments"}
    assert document["lang"] == "en"
    assert document["ok"] is True
    assert document["project"] == str(project.resolve())
    assert (document["issuer"], document["issuer_source"]) == (
        issuer.url, ".env.local:CLERK_JWT_ISSUER_DOMAIN")
    assert document["application_id"] == "convex"
    assert document["publishable_key"] == {
        "instance_type": "development", "frontend_api": issuer.host,
        "source": ".env.local:VITE_CLERK_PUBLISHABLE_KEY"}
    assert set(document["token"]) == {"kind", "header", "claims", "expires_in", "route",
                                      "convex_answer"}
    assert document["token"]["route"]["matched"] is True
    assert (document["token"]["route"]["index"], document["token"]["route"]["type"]) == (0, "oidc")
    assert document["token"]["convex_answer"]["status"] == 200
    assert document["token"]["kind"] == "template"
    assert document["token"]["header"] == {"alg": "RS256", "typ": "JWT", "kid": "ins_local_rsa1"}
    assert document["token"]["claims"] == claims
    assert document["token"]["expires_in"] == 60
    ids = [c["id"] for c in document["checks"]]
    assert all(ids.count(i) == 1 for i in SPEC_IDS), ids
    assert set(ids) <= set(CHECK_IDS)
    # The matrix: one check per id; its JSON has envs.instances once per environment.
    assert [i for i in ids if i.startswith("envs.")] == ENVS_IDS
    assert [f["id"] for f in document["environments"]["findings"]] == [
        ENVS_IDS[0], ENVS_IDS[0], *ENVS_IDS]
    steps = {"project", "verify-config", "check-token", "create-template", "save-template",
             "open-dashboard", "configure-claims", "check-clerk", "user-sync", "app-code"}
    for check in document["checks"]:
        assert set(check) == CHECK_KEYS
        assert check["status"] in ("pass", "fail", "warn", "skip")
        assert check["title"] and check["detail"] and check["step"] in steps
        assert check["status"] != "fail"
    assert all(checks_by_id(document)[i]["status"] == "pass" for i in TOKEN_CHECK_IDS)


def test_python_dash_m_wizard_works() -> None:
    done = cli("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("convex-auth-wizard ")
    done = cli("check", "--help")
    assert done.returncode == 0 and "--token-file" in done.stdout and "--offline" in done.stdout


# -- exit codes ----------------------------------------------------------------------------
def test_failed_check_exits_one(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW - 61))
    done = cli("check", "--project", str(project), "--token", token, "--at", str(NOW))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "token.exp" in done.stdout and "NOT OK" in done.stdout
    assert "fix:" in done.stdout and "getToken" in done.stdout
    assert done.stderr == ""


def test_at_sets_the_instant(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW))
    assert cli("check", "--project", str(project), "--token", token,
               "--at", str(NOW + 59)).returncode == 0
    assert cli("check", "--project", str(project), "--token", token,
               "--at", str(NOW + 60)).returncode == 1


def test_network_failure_exits_one(make_project: MakeProject) -> None:
    project = make_project("http://127.0.0.1:9")  # discard port: nothing listens
    done = cli("check", "--project", str(project), "--timeout", "2")
    assert done.returncode == 1
    assert "issuer.discovery" in done.stdout and "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("args,words", [
    (["--bogus"], ["--bogus"]),
    (["--token-file", "/nonexistent/token.txt"], ["--token-file", "/nonexistent/token.txt"]),
    (["--token", ""], ["empty"]),
    (["--token", ' "" '], ["empty"]),
    (["--token", "Bearer "], ["empty"]),
    (["--jwks", "/nonexistent/jwks.json"], ["--jwks"]),
    (["--timeout", "-1"], ["--timeout"]),
    (["--at", "yesterday"], ["--at"]),
    (["--at", "nan"], ["--at"]),
    (["--at", "inf"], ["--at"]),
    (["--at=1e400"], ["--at"]),
    (["--timeout", "inf"], ["--timeout"]),
    (["--token", "a", "--token-file", "b"], ["not allowed"]),
])
def test_usage_errors_exit_two(project: Path, args: list[str], words: list[str]) -> None:
    assert_usage_error(cli("check", "--project", str(project), *args), *words)


def test_missing_project_folder_exits_two(tmp_path: Path) -> None:
    assert_usage_error(cli("check", "--project", str(tmp_path / "nope")), "no such folder")
    (tmp_path / "package.json").write_text("{}")
    assert_usage_error(cli("check", "--project", str(tmp_path / "package.json")),
                       "this is a file, not a folder")


def test_empty_stdin_token_exits_two(project: Path) -> None:
    assert_usage_error(cli("check", "--project", str(project), "--token", "-", stdin="\n"),
                       "empty")


def test_unreadable_token_file_exits_two(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert_usage_error(cli("check", "--project", str(project), "--token-file", str(folder)),
                       "--token-file")


# -- token input ---------------------------------------------------------------------------
def test_token_from_stdin_is_normalised(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW))
    done = cli("check", "--project", str(project), "--token", "-", "--at", str(NOW), "--json",
               stdin=f'"Bearer {token}"\n')
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["ok"] is True


def test_token_file(project: Path, issuer: LocalIssuer, tmp_path: Path) -> None:
    path = tmp_path / "token.txt"
    path.write_text(f"  {issuer.mint(issuer.template_claims(NOW))}\n")
    assert main(["check", "--project", str(project), "--token-file", str(path),
                 "--at", str(NOW), "--json"]) == 0


def test_jwks_file_skips_discovery(project: Path, issuer: LocalIssuer, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(issuer.jwks()))
    issuer.fault = "discovery_500"  # would fail if discovery were fetched
    token = issuer.mint(issuer.template_claims(NOW))
    before = len(issuer.requests)
    code = main(["check", "--project", str(project), "--token", token, "--jwks", str(path),
                 "--at", str(NOW), "--json"])
    document = json.loads(capsys.readouterr().out)
    checks = checks_by_id(document)
    assert checks["issuer.discovery"]["status"] == "skip"
    assert "--jwks" in checks["issuer.discovery"]["detail"]
    assert checks["issuer.jwks"]["status"] == "pass"
    assert checks["token.signature"]["status"] == "pass"
    assert code == 0 and document["ok"] is True
    assert len(issuer.requests) == before


def test_offline_skips_network_checks(project: Path, issuer: LocalIssuer,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    token = issuer.mint(issuer.template_claims(NOW))
    before = len(issuer.requests)
    code = main(["check", "--project", str(project), "--token", token, "--offline",
                 "--at", str(NOW), "--json"])
    document = json.loads(capsys.readouterr().out)
    checks = checks_by_id(document)
    for check_id in ("issuer.discovery", "issuer.jwks", "token.key", "token.signature",
                     "convex.deployment_env"):
        assert checks[check_id]["status"] == "skip", check_id
    assert checks["token.aud"]["status"] == "pass"  # the offline rules still run
    assert document["ok"] is False and code == 1
    assert len(issuer.requests) == before
    # Without a token, offline can pass.
    assert main(["check", "--project", str(project), "--offline", "--json"]) == 0


# -- secrets -------------------------------------------------------------------------------
def secret_project(make_project: MakeProject, issuer: LocalIssuer) -> Path:
    project = make_project(issuer.url, publishable_key=issuer.publishable_key)  # plants both
    with (project / ".env.local").open("a") as env:
        env.write(f"VITE_CLERK_SECRET_KEY={SECRET_KEY}\nNEXT_PUBLIC_HOOK={WEBHOOK_SECRET}\n")
    return project


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "human"])
def test_no_secret_token_or_signature_in_output(make_project: MakeProject, issuer: LocalIssuer,
                                                capsys: pytest.CaptureFixture[str],
                                                as_json: bool) -> None:
    project = secret_project(make_project, issuer)
    files_before = sorted(p.name for p in project.rglob("*"))
    token = issuer.mint(issuer.template_claims(NOW))
    signature = token.split(".")[2]
    args = ["check", "--project", str(project), "--token", token, "--at", str(NOW)]
    code = main([*args, "--json"] if as_json else args)
    out, err = capsys.readouterr()
    assert code == 1  # env.secret_exposure fails
    assert "env.secret_exposure" in out
    assert ".env.local:VITE_CLERK_SECRET_KEY" in out and ".env.local:NEXT_PUBLIC_HOOK" in out
    for text in (out, err):
        assert SECRET_KEY not in text and WEBHOOK_SECRET not in text
        assert token not in text and signature not in text
    if as_json:
        document = json.loads(out)
        assert checks_by_id(document)["env.secret_exposure"]["status"] == "fail"
        assert document["token"]["claims"]["sub"] == "user_2demoUser"
    assert sorted(p.name for p in project.rglob("*")) == files_before  # nothing written


@pytest.mark.parametrize("pasted", [SECRET_KEY, WEBHOOK_SECRET, f"Bearer {SECRET_KEY}"])
def test_pasted_secret_is_never_echoed(project: Path, capsys: pytest.CaptureFixture[str],
                                       pasted: str) -> None:
    for extra in (["--json"], []):
        code = main(["check", "--project", str(project), "--token", pasted, "--offline",
                     *extra])
        out, err = capsys.readouterr()
        assert code == 1
        assert SECRET_KEY not in out + err and WEBHOOK_SECRET not in out + err
        assert "token.kind" in out and "secret" in out


@pytest.mark.parametrize("secret", [SECRET_KEY, "sk_live_ab-cd_ef-gh_ij-kl-mn",
                                    "whsec_a.b.c.d.e.f.g.h.i.j"])
def test_secret_in_issuer_variable_is_redacted(make_project: MakeProject, secret: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(secret)  # a secret pasted where the issuer belongs
    for extra in (["--json"], []):
        assert main(["check", "--project", str(project), "--offline", *extra]) == 1
        out, _ = capsys.readouterr()
        assert "env.issuer" in out
        assert secret not in out
        assert redact(secret) in out  # shown redacted, so the user knows which value it is


# -- colour --------------------------------------------------------------------------------
def run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with a pseudo-terminal as stdout, as a user's shell would."""
    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "wizard", *args], stdout=follower,
                          stderr=follower, stdin=subprocess.DEVNULL, env=env) as proc:
        os.close(follower)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_color_is_respected(project: Path) -> None:
    args = ["check", "--project", str(project), "--offline"]
    coloured = run_in_terminal(args, clean_env(COLUMNS="100"))
    assert "\x1b[" in coloured  # a terminal gets colour by default ...
    plain = run_in_terminal(args, clean_env(NO_COLOR="1", COLUMNS="100"))
    assert "\x1b" not in plain  # ... and none with NO_COLOR
    assert "project.root" in plain
    for flag_first in (True, False):  # --no-color before the command, or after it
        flagged = ["--no-color", *args] if flag_first else [*args, "--no-color"]
        plain = run_in_terminal(flagged, clean_env(COLUMNS="100"))
        assert "\x1b" not in plain and "project.root" in plain, flagged
    piped = subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True,
                           text=True, env=clean_env(), timeout=60, check=False)
    assert "\x1b" not in piped.stdout  # nor when piped


def test_human_table_folds_checks_skipped_for_one_reason(project: Path,
                                                         issuer: LocalIssuer) -> None:
    from wizard.checks.options import Options
    from wizard.output.render import render_human
    from wizard.walkthrough.session import run_checks

    token = issuer.mint(issuer.session_claims(NOW))  # fails token.kind and token.aud
    text = render_human(run_checks(Options(project_dir=project, at=NOW), token))
    assert text.count("clerk.* (5)") == 1 and "clerk.instance" not in text
    assert text.count("the secret key was not used") == 1
    for failed in ("token.kind", "token.aud"):  # failures are never folded
        assert f"✗ {failed}" in text


def test_httpx_comes_without_its_command_line_tool() -> None:
    """httpx imports click, pygments and rich for its own CLI whenever they are installed (they
    are, in the test environment); the wizard's HTTP never loads them."""
    code = ("import sys, wizard.services.deadline, httpx\n"
            "loaded = {'click', 'pygments', 'rich'} & set(sys.modules)\n"
            "assert not loaded, loaded\n"
            "assert httpx.Client is not None\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
