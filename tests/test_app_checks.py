"""The app.* checks as the user meets them: in `check` (text and --json), worded by the
catalog for every reason the reader can give, fixed by `fix` for the mechanical ones, and
judged as the app-code step of the walkthrough."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.appcode_apps import line_of, write_app
from tests.fix_support import checks, snapshot
from wizard.appcode import REASONS
from wizard.checks.app_checks import APP_CHECK_IDS, DETAILS
from wizard.checks.catalog import CATALOG, CHECK_IDS
from wizard.checks.options import Options
from wizard.cli import main
from wizard.guards.state_dir import STATE_DIR_ENV
from wizard.walkthrough.progress import StepState
from wizard.walkthrough.walkthrough import Walkthrough

# The guide's mistakes in a Vite app: its jwtTemplateName prop, useAuth from another Clerk
# package than ClerkProvider, and the Convex URL read the Node way.
GUIDE_MISTAKES = {"src/main.tsx": [
    ('import { ClerkProvider, useAuth } from "@clerk/clerk-react";',
     'import { ClerkProvider } from "@clerk/clerk-react";\n'
     'import { useAuth } from "@clerk/nextjs";'),
    ("import.meta.env.VITE_CONVEX_URL", "process.env.VITE_CONVEX_URL"),
    ("useAuth={useAuth}>", 'useAuth={useAuth} jwtTemplateName="convex">'),
]}
AUTH_CONFIG = ('export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, '
               'applicationID: "convex" }] };\n')
# What a check can say when nothing is wrong: every other reason is a failure or a warning.
QUIET_REASONS = {"no_source", "wired", "custom_auth_provider", "token_fetcher_wired", "no_clerk",
                 "known_props_only", "not_react", "no_convex_provider_with_clerk",
                 "read_correctly", "no_reads", "fresh_token", "no_server_calls",
                 "no_clerk_gate", "no_convex_hooks", "one_copy", "not_installed"}


def guide_app(root: Path) -> Path:
    write_app(root, "vite", extra={"convex/auth.config.ts": AUTH_CONFIG})
    main_file = root / "src/main.tsx"
    text = main_file.read_text()
    for old, new in GUIDE_MISTAKES["src/main.tsx"]:
        assert old in text
        text = text.replace(old, new, 1)
    main_file.write_text(text)
    return root


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv(STATE_DIR_ENV, str(folder))
    return folder


def test_every_reason_the_reader_gives_is_worded_and_failures_have_a_fix() -> None:
    assert set(REASONS) == set(APP_CHECK_IDS)
    for check_id, reasons in REASONS.items():
        assert check_id in CHECK_IDS and CATALOG[check_id].step == "app-code"
        for reason in reasons:
            assert reason in DETAILS, (check_id, reason)
            if reason not in QUIET_REASONS:
                assert reason in CATALOG[check_id].fixes, (check_id, reason)


def test_check_names_the_guides_three_mistakes_at_their_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = guide_app(tmp_path / "app")
    assert main(["check", "--project", str(root), "--offline"]) == 1
    out = capsys.readouterr().out
    use_auth = line_of(root, "src/main.tsx", "useAuth={useAuth}")
    url = line_of(root, "src/main.tsx", "process.env.VITE_CONVEX_URL")
    assert f"src/main.tsx:{use_auth}: useAuth comes from @clerk/nextjs, but ClerkProvider" in out
    assert "import useAuth from @clerk/clerk-react" in out
    assert f"src/main.tsx:{use_auth}: ConvexProviderWithClerk has no prop jwtTemplateName" in out
    assert f"src/main.tsx:{url}: VITE_CONVEX_URL is read through process.env" in out
    assert "(app.provider, app.provider_props, app.env_access)" in out


def test_check_json_has_one_row_per_app_check(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = guide_app(tmp_path / "app")
    main(["check", "--project", str(root), "--offline", "--json"])
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)["checks"]
            if row["id"].startswith("app.")}
    assert list(rows) == list(APP_CHECK_IDS)
    assert {i: rows[i]["status"] for i in APP_CHECK_IDS} == {
        "app.provider": "fail", "app.provider_props": "fail", "app.env_access": "fail",
        "app.server_token": "skip", "app.auth_gating": "pass", "app.convex_copies": "skip"}
    assert all(row["step"] == "app-code" for row in rows.values())
    assert "jwtTemplateName" in rows["app.provider_props"]["fix"]


def test_a_correct_app_passes_and_a_project_without_source_skips(tmp_path: Path) -> None:
    root = write_app(tmp_path / "good", "vite", extra={"convex/auth.config.ts": AUTH_CONFIG})
    found = checks(root)
    assert not [i for i in APP_CHECK_IDS if found[i].failed]
    assert found["app.provider"].status.value == "pass"
    bare = tmp_path / "bare"
    (bare / "convex").mkdir(parents=True)
    (bare / "convex" / "auth.config.ts").write_text(AUTH_CONFIG)  # the backend is not the app
    (bare / "package.json").write_text("{}")
    assert {checks(bare)[i].status.value for i in APP_CHECK_IDS} <= {"skip", "pass"}
    assert checks(bare)["app.provider"].status.value == "skip"


def test_fix_removes_the_prop_and_mends_the_accessor_then_undo_puts_back_every_byte(
        tmp_path: Path, state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = guide_app(tmp_path / "app")
    before = snapshot(root)
    assert main(["fix", "--project", str(root), "--offline"]) == 1
    out = capsys.readouterr().out
    assert '-      <ConvexProviderWithClerk client={convex} useAuth={useAuth} jwtTemplateName' in out
    assert "+const convex = new ConvexReactClient(import.meta.env.VITE_CONVEX_URL" in out
    assert snapshot(root) == before
    main(["fix", "--project", str(root), "--offline", "--yes",
          "--only", "app.provider_props", "--only", "app.env_access"])
    capsys.readouterr()
    after = checks(root)
    assert after["app.provider_props"].status.value == "pass"
    assert after["app.env_access"].status.value == "pass"
    assert after["app.provider"].failed  # the package mismatch is the user's call, not a fix
    assert main(["fix", "--project", str(root), "--undo"]) == 0
    assert snapshot(root) == before


def test_the_app_code_step_is_judged_from_the_code(tmp_path: Path) -> None:
    root = guide_app(tmp_path / "app")
    walkthrough = Walkthrough(Options(project_dir=root, offline=True), state_dir=tmp_path / "s",
                              clock=lambda: 0.0)
    walkthrough.start()
    change = walkthrough.visit("app-code")
    assert "app-code" in change.steps
    entry = walkthrough.progress.steps["app-code"]
    assert entry.state is StepState.FAILING
    assert entry.note == "app.provider, app.provider_props, app.env_access"
    assert [c.id for c in walkthrough.app_results] == list(APP_CHECK_IDS)
    good = write_app(tmp_path / "good", "vite", extra={"convex/auth.config.ts": AUTH_CONFIG})
    walkthrough = Walkthrough(Options(project_dir=good, offline=True), state_dir=tmp_path / "t",
                              clock=lambda: 0.0)
    walkthrough.start()
    walkthrough.visit("app-code")
    assert walkthrough.progress.steps["app-code"].state is StepState.VERIFIED


def test_the_report_has_the_apps_code_section(tmp_path: Path, state: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = guide_app(tmp_path / "app")
    main(["report", "--project", str(root), "--offline"])
    out = capsys.readouterr().out
    section = out[out.index("## The app's code"):out.index("## Last verified token")]
    assert "ConvexProviderWithClerk has no prop jwtTemplateName" in section
    assert section.count("- ❌") == 3


def test_a_project_without_app_code_does_not_block_the_walkthrough(tmp_path: Path) -> None:
    bare = tmp_path / "backend-only"
    (bare / "convex").mkdir(parents=True)
    (bare / "convex" / "auth.config.ts").write_text(AUTH_CONFIG)
    (bare / "package.json").write_text("{}")
    walkthrough = Walkthrough(Options(project_dir=bare, offline=True), state_dir=tmp_path / "s",
                              clock=lambda: 0.0)
    walkthrough.start()
    walkthrough.visit("app-code")
    entry = walkthrough.progress.steps["app-code"]
    assert entry.state is StepState.VERIFIED and entry.note == "no app code was found to check"
