"""``convex-auth-wizard fix``: diffs without --yes (nothing changes, exit 1), applied with
--yes (the checks pass, exit 0), --undo (the exact bytes back), --only, --prod, --json, and
nothing secret in anything it prints or writes."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import SECRET_KEY
from tests.fix_support import (
    KEY,
    READS_VAR,
    VAR,
    calls,
    checks,
    install_standin_cli,
    snapshot,
    write_project,
)
from wizard.cli import main
from wizard.demo.local_clerk_api import LocalClerkAPI
from wizard.demo.local_issuer import LocalIssuer
from wizard.guards.state_dir import STATE_DIR_ENV
from wizard.providers.clerk.keys import encode_publishable_key

HOST_ISSUER = "https://happy-otter-12.clerk.accounts.dev"
MISSPELT = READS_VAR.replace(b"applicationID", b"applicationId")
FOUR = {
    ".env.local": (f"# Clerk\r\nVITE_CLERK_PUBLISHABLE_KEY={KEY}\r\n"
                   f"VITE_CLERK_SECRET_KEY={SECRET_KEY}\r\n"
                   f'{VAR}=" {HOST_ISSUER}/"\r\n').encode(),
    "convex/auth.config.ts": MISSPELT,
}
FIXED = ("env.secret_exposure", "env.issuer", "convex.auth_config")


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv(STATE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_project(tmp_path / "app", FOUR)


def fix(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    status = main(["fix", "--project", str(root), *args])
    captured = capsys.readouterr()
    assert SECRET_KEY not in captured.out + captured.err
    return status, captured.out


def sets(log: Path) -> list[list[str]]:
    return [call for call in calls(log) if call[:2] == ["env", "set"]]


def scan_for_secrets(folder: Path) -> None:
    """Nothing written, the backups included (they keep a marker where the secret was),
    holds the secret."""
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET_KEY.encode() not in path.read_bytes(), path


def test_diffs_then_yes_then_the_checks_pass_then_undo_to_the_byte(
        capsys: pytest.CaptureFixture[str], root: Path, state: Path) -> None:
    before = snapshot(root)
    assert all(checks(root)[c].status.value == "fail" for c in FIXED)
    status, out = fix(capsys, root, "--offline")
    assert status == 1
    assert "-      applicationId: \"convex\",\n" in out and "+      applicationID" in out
    assert "+CLERK_SECRET_KEY=sk_test_…" in out and "Roll it in Clerk Dashboard" in out
    assert f'+{VAR}="{HOST_ISSUER}"\\x0d' in out  # the CRLF is kept and shown
    assert "run fix --yes" in out
    assert snapshot(root) == before and not state.exists()

    status, out = fix(capsys, root, "--offline", "--yes")
    assert status == 0, out
    assert "Backups (fix --undo puts them back):" in out and str(state) in out
    assert all(checks(root)[c].status.value == "pass" for c in FIXED)
    assert (root / ".env.local").read_bytes() == (
        f"# Clerk\r\nVITE_CLERK_PUBLISHABLE_KEY={KEY}\r\nCLERK_SECRET_KEY={SECRET_KEY}\r\n"
        f'{VAR}="{HOST_ISSUER}"\r\n').encode()
    scan_for_secrets(state)

    assert fix(capsys, root, "--offline")[0] == 0  # nothing left to fix

    status, out = fix(capsys, root, "--undo")
    assert status == 0 and "Restored .env.local" in out
    assert snapshot(root) == before
    status, out = fix(capsys, root, "--undo")
    assert status == 1 and "already undone" in out


def test_only_fixes_the_checks_named(capsys: pytest.CaptureFixture[str], root: Path,
                                     state: Path) -> None:
    status, out = fix(capsys, root, "--offline", "--yes", "--only", "convex.auth_config")
    assert status == 0, out
    assert (root / "convex/auth.config.ts").read_bytes() == READS_VAR
    assert (root / ".env.local").read_bytes() == FOUR[".env.local"]


def test_an_unknown_check_is_a_usage_error(capsys: pytest.CaptureFixture[str], root: Path,
                                           state: Path) -> None:
    assert main(["fix", "--project", str(root), "--only", "token.aud"]) == 2
    assert "no automatic fix exists for token.aud" in capsys.readouterr().err


def test_json_lists_plans_and_never_a_secret(capsys: pytest.CaptureFixture[str], root: Path,
                                             state: Path) -> None:
    status, out = fix(capsys, root, "--offline", "--json")
    document = json.loads(out)
    assert status == 1 and document["ok"] is False
    assert [p["check_id"] for p in document["fixes"]["plans"]] == list(FIXED)
    assert document["fixes"]["plans"][0]["must_roll"] is True
    status, out = fix(capsys, root, "--offline", "--json", "--yes")
    document = json.loads(out)
    assert status == 0 and document["ok"] is True
    assert all(o["applied"] for o in document["applied"]["outcomes"])
    assert {c["id"]: c["status"] for c in document["after"]["checks"]}["env.issuer"] == "pass"
    status, out = fix(capsys, root, "--json", "--undo")
    assert status == 0 and json.loads(out)["undo"]["restored"]


def test_a_file_changed_after_the_diff_is_refused(capsys: pytest.CaptureFixture[str],
                                                  root: Path, state: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.output import fix_command

    real = fix_command.apply_fixes

    def someone_edits_first(*args: object, **kwargs: object) -> object:
        (root / "convex/auth.config.ts").write_bytes(MISSPELT + b"// edited\n")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fix_command, "apply_fixes", someone_edits_first)
    status, out = fix(capsys, root, "--offline", "--yes", "--only", "convex.auth_config")
    assert status == 1 and "changed since the diff was made" in out
    assert (root / "convex/auth.config.ts").read_bytes() == MISSPELT + b"// edited\n"


def test_a_read_only_file_is_a_clear_refusal(capsys: pytest.CaptureFixture[str], root: Path,
                                             state: Path) -> None:
    (root / "convex/auth.config.ts").chmod(0o444)
    status, out = fix(capsys, root, "--offline", "--yes", "--only", "convex.auth_config")
    assert status == 1
    assert "convex/auth.config.ts is read-only: make it writable" in out
    assert (root / "convex/auth.config.ts").read_bytes() == MISSPELT


def test_an_env_file_linked_outside_the_project_is_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, state: Path) -> None:
    outside = tmp_path / "shared.env"
    outside.write_bytes(FOUR[".env.local"])
    root = write_project(tmp_path / "linked", {"convex/auth.config.ts": READS_VAR})
    (root / ".env.local").symlink_to(outside)
    status, out = fix(capsys, root, "--offline", "--yes")
    assert status == 1 and "resolves outside the project" in out
    assert outside.read_bytes() == FOUR[".env.local"]


def test_the_deployment_fix_runs_the_projects_cli_and_prod_only_when_asked(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, state: Path,
        issuer: LocalIssuer) -> None:
    env = f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\n{VAR}={issuer.url}\n"
    root = write_project(tmp_path / "deployed", {".env.local": env.encode(),
                                                 "convex/auth.config.ts": READS_VAR})
    log = install_standin_cli(root)
    status, out = fix(capsys, root)
    assert status == 1
    assert f"$ node_modules/.bin/convex env set {VAR} {issuer.url}\n" in out
    assert sets(log) == []
    status, out = fix(capsys, root, "--yes")
    assert status == 0, out
    assert sets(log) == [["env", "set", VAR, issuer.url]]
    status, out = fix(capsys, root, "--undo")
    assert "Not undone (a deployment is not a file)" in out
    # Production never gets the development key's issuer ...
    status, out = fix(capsys, root, "--yes", "--prod", "--only", "convex.deployment_env")
    assert status == 0, out
    assert all("--prod" not in call for call in sets(log))
    # ... but the issuer of a production (pk_live_) key it does.
    live = encode_publishable_key(urlsplit(issuer.url).netloc, live=True)
    (root / ".env.local").write_text(f"VITE_CLERK_PUBLISHABLE_KEY={live}\n{VAR}={issuer.url}\n")
    status, out = fix(capsys, root, "--yes", "--prod", "--only", "convex.deployment_env")
    assert status == 0, out
    assert sets(log)[-1] == ["env", "set", VAR, issuer.url, "--prod"]


def test_the_clerk_template_is_created_through_the_fix_path_only_when_agreed(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, state: Path,
        issuer: LocalIssuer, api: LocalClerkAPI) -> None:
    api.scenario("absent")
    env = (f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\n{VAR}={issuer.url}\n"
           f"CLERK_SECRET_KEY={SECRET_KEY}\n")
    root = write_project(tmp_path / "template", {".env.local": env.encode(),
                                                 "convex/auth.config.ts": READS_VAR})
    status, out = fix(capsys, root, "--only", "clerk.template")
    assert status == 0 and api.requests == []  # not agreed: the key is never sent

    agreed = ("--use-secret-key", "--clerk-api-url", api.url)
    status, out = fix(capsys, root, *agreed)
    assert status == 1, out
    assert f"POST {api.url}" in out and "/jwt_templates\n" in out and '"name": "convex"' in out
    assert api.posted == []
    only = ("--only", "clerk.template")
    status, out = fix(capsys, root, *agreed, *only, "--yes")
    assert status == 0, out
    assert [body["name"] for body in api.posted] == ["convex"]
    assert "Applied clerk.template" in out
    assert all(r.authorized for r in api.requests)
    status, out = fix(capsys, root, *agreed, *only, "--yes")
    assert status == 0 and len(api.posted) == 1  # nothing left to create
    scan_for_secrets(state)
