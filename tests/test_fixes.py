"""Issue 16: each fix on a broken project in tmp_path → the plan (diff or command) → nothing
changed until applied → applied → the real check passes → undo gives back the exact bytes.
Then the refusals: a file changed since the plan, read-only files, a .env.local linked
outside the project, offline commands; and no secret in any diff, manifest or listing."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import SECRET_KEY, WEBHOOK_SECRET
from tests.fix_support import (
    ISSUER,
    KEY,
    OTHER,
    READS_VAR,
    VAR,
    apply,
    calls,
    checks,
    install_standin_cli,
    plan,
    round_trip,
    snapshot,
    verdict,
    write_project,
    written_text,
)
from wizard.demo.local_issuer import LocalIssuer
from wizard.fixes import FixReason, Refusal, apply_fixes, undo_last
from wizard.fixes import apply as apply_module
from wizard.fixes.model import FileEdit, FixPlan
from wizard.guards.redaction import redact
from wizard.providers.clerk.keys import encode_publishable_key


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """The state folder: beside the project, never in it."""
    return tmp_path / "state"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "app"


# --- the issuer in .env.local ------------------------------------------------------------------

def test_missing_issuer_is_written_from_the_key_with_crlf_and_comments(root: Path,
                                                                       state: Path) -> None:
    env = b"# Clerk keys\r\nVITE_CLERK_PUBLISHABLE_KEY=" + KEY.encode() + b"\r\n\r\n# end\r\n"
    write_project(root, {".env.local": env, "convex/auth.config.ts": READS_VAR})
    fixes, _report, applied = round_trip(root, state, "env.issuer", failing=False,
                                         only={"env.issuer"})
    [fix] = fixes.plans
    assert (fix.check_id, fix.reason) == ("env.issuer", FixReason.ISSUER_ADDED)
    assert fix.values == {"file": ".env.local", "var": VAR, "value": ISSUER,
                          "derived_from": "VITE_CLERK_PUBLISHABLE_KEY"}
    line = f"{VAR}={ISSUER} # derived from VITE_CLERK_PUBLISHABLE_KEY\r\n".encode()
    assert applied[".env.local"][0] == env + line
    assert f"+{VAR}={ISSUER} # derived from VITE_CLERK_PUBLISHABLE_KEY\r\n" in fix.edits[0].diff
    assert fix.edits[0].diff.count("\n+") == 2  # the +++ header and the one added line


def test_the_written_issuer_is_what_the_check_reads(root: Path, state: Path) -> None:
    write_project(root, {".env.local": b"VITE_CLERK_PUBLISHABLE_KEY=" + KEY.encode() + b"\n",
                         "convex/auth.config.ts": READS_VAR})
    assert verdict(root).session.issuer.derived  # type: ignore[union-attr]
    apply(root, plan(root, only={"env.issuer"}), state)
    issuer = verdict(root).session.issuer
    assert issuer is not None and not issuer.derived
    assert (issuer.raw, issuer.source) == (ISSUER, f".env.local:{VAR}")


def test_missing_env_local_is_created_and_undo_removes_it(root: Path, state: Path) -> None:
    write_project(root, {".env": b"VITE_CLERK_PUBLISHABLE_KEY=" + KEY.encode(),
                         "convex/auth.config.ts": READS_VAR})
    fixes, _report, applied = round_trip(root, state, "env.issuer", failing=False)
    assert fixes.plans[0].edits[0].action == "create"
    assert fixes.plans[0].edits[0].diff.startswith("--- /dev/null\n+++ b/.env.local\n")
    assert applied[".env.local"] == (
        f"{VAR}={ISSUER} # derived from VITE_CLERK_PUBLISHABLE_KEY\n".encode(), 0o644)
    assert not (root / ".env.local").exists()


def test_an_issuer_of_another_instance_is_replaced_keeping_export_quotes_comment(
        root: Path, state: Path) -> None:
    env = (b"VITE_CLERK_PUBLISHABLE_KEY=" + KEY.encode() + b"\n"
           + f'export {VAR}="{OTHER}"  # the prod one\n'.encode() + b"OTHER=1")
    write_project(root, {".env.local": env, "convex/auth.config.ts": READS_VAR})
    fixes, _, applied = round_trip(root, state, "env.issuer_matches_key")
    [fix] = fixes.plans
    assert fix.reason is FixReason.ISSUER_DERIVED
    assert applied[".env.local"][0] == env.replace(OTHER.encode(), ISSUER.encode())
    assert f'-export {VAR}="{OTHER}"  # the prod one\n' in fix.edits[0].diff
    assert f'+export {VAR}="{ISSUER}"  # the prod one\n' in fix.edits[0].diff


@pytest.mark.parametrize(("written", "failing"), [
    (f"{VAR}='\"{ISSUER}\"'", True),
    (f'{VAR}=" {ISSUER} "', True),
    (f"{VAR}={ISSUER}/.well-known/jwks.json", True),
    (f"{VAR}={ISSUER}/", False),
], ids=["quotes-inside", "whitespace", "jwks-url", "trailing-slash"])
def test_a_malformed_issuer_is_cleaned(root: Path, state: Path, written: str,
                                       failing: bool) -> None:
    env = f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n{written}\n".encode()
    write_project(root, {".env.local": env, "convex/auth.config.ts": READS_VAR})
    fixes, _, applied = round_trip(root, state, "env.issuer", failing=failing)
    assert [p.reason for p in fixes.plans] == [FixReason.ISSUER_CLEANED]
    quote = written[len(VAR) + 1] if written[len(VAR) + 1] in "'\"" else ""
    assert applied[".env.local"][0] == (
        f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n{VAR}={quote}{ISSUER}{quote}\n".encode())


def test_issuer_set_in_the_process_environment_is_blocked(root: Path) -> None:
    write_project(root, {".env.local": b"VITE_CLERK_PUBLISHABLE_KEY=" + KEY.encode() + b"\n",
                         "convex/auth.config.ts": READS_VAR})
    fixes = plan(root, environ={VAR: OTHER}, only={"env.issuer", "env.issuer_matches_key"})
    assert not fixes.plans
    assert [(b.check_id, b.reason) for b in fixes.blocked] == [
        ("env.issuer_matches_key", Refusal.SET_IN_ENVIRONMENT)]


@pytest.mark.parametrize("env", [b"# nothing yet\n", f"{VAR}=not a url\n".encode()])
def test_no_key_and_no_usable_issuer_is_blocked(root: Path, env: bytes) -> None:
    write_project(root, {".env.local": env, "convex/auth.config.ts": READS_VAR})
    fixes = plan(root, only={"env.issuer"})
    assert [(b.check_id, b.reason) for b in fixes.blocked] == [
        ("env.issuer", Refusal.NO_PUBLISHABLE_KEY)]


# --- convex/auth.config -----------------------------------------------------------------------

MISSPELLED = ("\ufeff// Clerk\r\nexport default {\r\n  providers: [\r\n    {\r\n"
              "      domian: process.env.CLERK_JWT_ISSUER_DOMAIN!, // the issuer\r\n"
              "      'applicationId': \"convex\",\r\n    },\r\n  ],\r\n};\r\n").encode()


def test_misspelled_keys_are_renamed_in_place(root: Path, state: Path) -> None:
    write_project(root, {".env.local": f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n{VAR}={ISSUER}\n"
                         .encode(), "convex/auth.config.ts": MISSPELLED})
    fixes, _, applied = round_trip(root, state, "convex.auth_config")
    assert [(p.reason, p.values["key"], p.values["to"]) for p in fixes.plans] == [
        (FixReason.KEY_RENAMED, "domian", "domain"),
        (FixReason.KEY_RENAMED, "applicationId", "applicationID")]
    assert applied["convex/auth.config.ts"][0] == MISSPELLED.replace(
        b"domian", b"domain").replace(b"'applicationId'", b"'applicationID'")
    # the second plan starts from the bytes the first leaves
    assert fixes.plans[1].edits[0].old == fixes.plans[0].edits[0].new
    assert "-      'applicationId': \"convex\",\r\n" in fixes.plans[1].edits[0].diff


def test_a_rename_onto_an_existing_key_is_blocked(root: Path) -> None:
    config = (b"export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,"
              b' applicationId: "x", applicationID: "convex" }] };\n')
    write_project(root, {"convex/auth.config.js": config})
    fixes = plan(root, only={"convex.auth_config"})
    assert [b.reason for b in fixes.blocked] == [Refusal.KEY_EXISTS]
    assert fixes.blocked[0].values == {"key": "applicationID"}


@pytest.mark.parametrize(("domain", "check_id"), [
    (f"{OTHER}/", "env.issuer_matches_key"),
    (f'"{ISSUER}"', "convex.auth_config"),
], ids=["other-instance", "quoted"])
def test_a_literal_domain_is_replaced(root: Path, state: Path, domain: str,
                                      check_id: str) -> None:
    config = ("export default {\n  providers: [\n    {\n      domain: '" + domain + "',\n"
              '      applicationID: "convex",\n    },\n  ],\n};\n').encode()
    write_project(root, {".env.local": f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n".encode(),
                         "convex/auth.config.js": config})
    fixes, _, applied = round_trip(root, state, check_id)
    [fix] = fixes.plans
    assert (fix.check_id, fix.reason) == (check_id, FixReason.DOMAIN_REPLACED)
    assert fix.values == {"path": "convex/auth.config.js", "line": "4", "value": ISSUER}
    assert applied["convex/auth.config.js"][0] == config.replace(domain.encode(),
                                                                 ISSUER.encode())
    assert checks(root)[check_id].status.value == "fail"  # undone


@pytest.mark.parametrize(("path", "application_id", "written"), [
    ("integration", "my-app", b'applicationID: "convex"'),
    ("template", "my-app", b'applicationID: "my-app"'),
])
def test_a_missing_auth_config_is_created_for_the_chosen_path(
        root: Path, state: Path, path: str, application_id: str, written: bytes) -> None:
    write_project(root, {".env.local": f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n{VAR}={ISSUER}\n"
                         .encode()})
    fixes, _, applied = round_trip(root, state, "convex.auth_config", path=path,
                                   application_id=application_id)
    [fix] = fixes.plans
    assert fix.reason is FixReason.AUTH_CONFIG_CREATED
    created = applied["convex/auth.config.ts"][0]
    assert b"domain: process.env.CLERK_JWT_ISSUER_DOMAIN!" in created and written in created
    assert not (root / "convex" / "auth.config.ts").exists()


def test_no_convex_folder_is_blocked(root: Path) -> None:
    root.mkdir()
    (root / "package.json").write_text("{}")
    fixes = plan(root, only={"convex.auth_config"})
    assert [b.reason for b in fixes.blocked] == [Refusal.NO_CONVEX_FOLDER]
    assert not (root / "convex").exists()


def test_both_configs_offer_two_choices_and_one_is_kept(root: Path, state: Path) -> None:
    js = READS_VAR.replace(b"import type", b"// import type")
    write_project(root, {".env.local": f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n{VAR}={ISSUER}\n"
                         .encode(), "convex/auth.config.ts": READS_VAR,
                         "convex/auth.config.js": js})
    (root / "convex" / "auth.config.js").chmod(0o640)
    fixes = plan(root, only={"convex.auth_config"})
    assert [(p.choice, dict(p.values)) for p in fixes.plans] == [
        ("ts", {"kept": "convex/auth.config.ts", "set_aside": "convex/auth.config.js"}),
        ("js", {"kept": "convex/auth.config.js", "set_aside": "convex/auth.config.ts"})]
    # "show both": each choice's diff shows the file it sets aside, line by line
    assert "-// import type { AuthConfig }" in fixes.plans[0].edits[0].diff
    assert "-import type { AuthConfig }" in fixes.plans[1].edits[0].diff
    _, report, applied = round_trip(root, state, "convex.auth_config", keep="ts")
    assert "convex/auth.config.js" not in applied
    assert [path for path, _ in report.backups] == ["convex/auth.config.js"]
    assert (root / "convex" / "auth.config.js").stat().st_mode & 0o777 == 0o640


def test_only_one_of_two_choices_is_applied(root: Path, state: Path) -> None:
    write_project(root, {"convex/auth.config.ts": READS_VAR, "convex/auth.config.js": READS_VAR})
    report = apply(root, plan(root, only={"convex.auth_config"}), state)
    assert [(o.applied, o.refusal) for o in report.outcomes] == [
        (True, None), (False, Refusal.ONE_CHOICE_ONLY)]
    assert (root / "convex" / "auth.config.ts").exists()


def test_when_the_first_choice_is_refused_the_other_is_not_applied(root: Path,
                                                                    state: Path) -> None:
    write_project(root, {"convex/auth.config.ts": READS_VAR, "convex/auth.config.js": READS_VAR})
    fixes = plan(root, only={"convex.auth_config"})
    (root / "convex" / "auth.config.js").chmod(0o444)
    report = apply(root, fixes, state)
    assert [o.refusal for o in report.outcomes] == [Refusal.READ_ONLY, Refusal.ONE_CHOICE_ONLY]
    assert (root / "convex" / "auth.config.ts").exists()
    assert (root / "convex" / "auth.config.js").exists()


# --- a secret in a browser-exposed variable ---------------------------------------------------

EXPOSED = ("# server keys\nexport VITE_CLERK_SECRET_KEY='" + SECRET_KEY + "' # oops\n"
           f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\nNEXT_PUBLIC_CLERK_WEBHOOK_SECRET="
           + WEBHOOK_SECRET).encode()


def test_an_exposed_secret_moves_to_the_server_name_and_is_never_shown(
        root: Path, state: Path) -> None:
    write_project(root, {".env.local": EXPOSED, "convex/auth.config.ts": READS_VAR})
    fixes, report, applied = round_trip(root, state, "env.secret_exposure",
                                        only={"env.secret_exposure"})
    assert [(p.reason, p.values["name"], p.values["to"], p.must_roll) for p in fixes.plans] == [
        (FixReason.SECRET_MOVED, "VITE_CLERK_SECRET_KEY", "CLERK_SECRET_KEY", True),
        (FixReason.SECRET_MOVED, "NEXT_PUBLIC_CLERK_WEBHOOK_SECRET", "CLERK_WEBHOOK_SECRET",
         True)]
    assert applied[".env.local"][0] == EXPOSED.replace(b"VITE_CLERK_SECRET", b"CLERK_SECRET") \
        .replace(b"NEXT_PUBLIC_CLERK_WEBHOOK", b"CLERK_WEBHOOK")
    diffs = "".join(e.diff for p in fixes.plans for e in p.edits)
    assert f"+export CLERK_SECRET_KEY='{redact(SECRET_KEY)}' # oops\n" in diffs
    assert f"+CLERK_WEBHOOK_SECRET={redact(WEBHOOK_SECRET)}\n\\ No newline" in diffs
    shown = json.dumps([fixes.to_dict(), report.to_dict()]) + diffs + written_text(state)
    for secret in (SECRET_KEY, WEBHOOK_SECRET, SECRET_KEY[8:], WEBHOOK_SECRET[6:]):
        assert secret not in shown


def test_backups_keep_the_bytes_but_no_secret_privately_outside_the_project(
        root: Path, state: Path) -> None:
    write_project(root, {".env.local": EXPOSED})
    before = snapshot(root)
    report = apply(root, plan(root, only={"env.secret_exposure"}), state)
    [(path, backup)] = report.backups
    kept = backup.read_bytes()
    assert path == ".env.local" and SECRET_KEY.encode() not in kept
    assert WEBHOOK_SECRET.encode() not in kept and SECRET_KEY[8:].encode() not in kept
    assert kept.replace(b"\x00caw-secret-0\x00", SECRET_KEY.encode()).replace(
        b"\x00caw-secret-1\x00", WEBHOOK_SECRET.encode()) == EXPOSED
    assert backup.is_relative_to(state) and not backup.is_relative_to(root)
    assert backup.stat().st_mode & 0o777 == 0o600
    assert backup.parent.stat().st_mode & 0o777 == 0o700
    assert report.manifest is not None and report.manifest.parent == backup.parent.parent
    assert report.manifest.stat().st_mode & 0o777 == 0o600
    assert set(snapshot(root)) == set(before)  # no backup or temp file left in the project


def test_a_secret_already_under_the_server_name_loses_only_its_exposed_copy(
        root: Path, state: Path) -> None:
    env = f"CLERK_SECRET_KEY={SECRET_KEY}\nVITE_CLERK_SECRET_KEY={SECRET_KEY}\nA=1\n".encode()
    write_project(root, {".env.local": env})
    fixes, _, applied = round_trip(root, state, "env.secret_exposure",
                                   only={"env.secret_exposure"})
    assert [p.reason for p in fixes.plans] == [FixReason.SECRET_COPY_REMOVED]
    assert applied[".env.local"][0] == f"CLERK_SECRET_KEY={SECRET_KEY}\nA=1\n".encode()


def test_undo_puts_back_only_the_secret_the_manifest_names(root: Path, state: Path) -> None:
    """The backup has a marker where the secret was; undo takes the value back from the file
    by its hash. When no value in the file has that hash, nothing is undone and it says why."""
    write_project(root, {".env.local": EXPOSED})
    report = apply(root, plan(root, only={"env.secret_exposure"}), state)
    assert report.manifest is not None
    moved = (root / ".env.local").read_bytes()
    manifest = json.loads(report.manifest.read_text())
    manifest["files"][0]["secrets"][0] = "0" * 64
    report.manifest.write_text(json.dumps(manifest))
    undone = undo_last(root, state_dir=state)
    assert undone.refused == ((".env.local", Refusal.SECRET_GONE),)
    assert (root / ".env.local").read_bytes() == moved


def test_a_different_secret_under_the_server_name_is_blocked(root: Path) -> None:
    env = f"CLERK_SECRET_KEY={SECRET_KEY}x\nVITE_CLERK_SECRET_KEY={SECRET_KEY}\n".encode()
    write_project(root, {".env.local": env})
    fixes = plan(root, only={"env.secret_exposure"})
    assert [(b.check_id, b.reason) for b in fixes.blocked] == [
        ("env.secret_exposure", Refusal.SERVER_NAME_TAKEN)]
    assert SECRET_KEY not in json.dumps(fixes.to_dict())


# --- several fixes, one file ------------------------------------------------------------------

def test_fixes_of_one_file_chain_and_undo_restores_the_first_bytes(root: Path,
                                                                   state: Path) -> None:
    env = b"\xef\xbb\xbf" + EXPOSED + b"\n"
    write_project(root, {".env.local": env, "convex/auth.config.ts": MISSPELLED})
    before = snapshot(root)
    fixes = plan(root)
    assert [p.check_id for p in fixes.plans] == ["env.secret_exposure"] * 2 + [
        "env.issuer"] + ["convex.auth_config"] * 2
    report = apply(root, fixes, state)
    assert report.all_applied
    after = checks(root)
    for check_id in ("env.secret_exposure", "env.issuer", "env.issuer_matches_key",
                     "convex.auth_config"):
        assert after[check_id].status.value == "pass", after[check_id]
    assert (root / ".env.local").read_bytes().startswith(b"\xef\xbb\xbf# server keys\n")
    assert undo_last(root, state_dir=state).ok
    assert snapshot(root) == before


# --- the deployment variable, through the project's own CLI -----------------------------------

@pytest.fixture
def deployed(root: Path, issuer: LocalIssuer) -> tuple[Path, Path]:
    """A correct project whose deployment lacks the issuer variable; the CLI's call log. Its
    key is a production one (pk_live_), so a fix may set production too when asked."""
    live = encode_publishable_key(urlsplit(issuer.url).netloc, live=True)
    env = f"VITE_CLERK_PUBLISHABLE_KEY={live}\n{VAR}={issuer.url}\n"
    write_project(root, {".env.local": env.encode(), "convex/auth.config.ts": READS_VAR})
    return root, install_standin_cli(root)


def test_the_deployment_variable_is_set_through_the_cli(deployed: tuple[Path, Path],
                                                        state: Path,
                                                        issuer: LocalIssuer) -> None:
    root, log = deployed
    session = verdict(root, offline=False).session
    assert checks(root, offline=False)["convex.deployment_env"].status.value == "fail"
    fixes = plan(root, deployment=session.deployment, only={"convex.deployment_env"})
    [fix] = fixes.plans
    assert fix.command is not None
    assert fix.command.shown == ("node_modules/.bin/convex", "env", "set", VAR, issuer.url)
    assert fix.values == {"var": VAR, "value": issuer.url, "deployment": "dev"}
    assert not any(c[:2] == ["env", "set"] for c in calls(log))  # planning ran nothing
    report = apply(root, fixes, state, offline=False)
    assert report.all_applied and report.outcomes[0].command is not None
    assert report.outcomes[0].command.exit_status == 0
    assert f"Successfully set {VAR}" in report.outcomes[0].command.stderr
    assert calls(log)[-1] == ["env", "set", VAR, issuer.url]
    assert checks(root, offline=False)["convex.deployment_env"].status.value == "pass"
    manifest = json.loads(report.manifest.read_text())  # type: ignore[union-attr]
    assert manifest["commands"] == [{"check_id": "convex.deployment_env",
                                     "argv": list(fix.command.shown), "exit_status": 0}]
    undone = undo_last(root, state_dir=state)
    assert undone.ok and undone.restored == () and undone.commands == (fix.command.shown,)


def test_prod_only_when_asked(deployed: tuple[Path, Path], state: Path,
                              issuer: LocalIssuer) -> None:
    root, log = deployed
    env = root / ".env.local"
    kept = env.read_text()
    live = kept.split("VITE_CLERK_PUBLISHABLE_KEY=")[1].split("\n")[0]
    env.write_text(kept.replace(live, issuer.publishable_key))
    fixes = plan(root, prod=True, only={"convex.deployment_env"})
    # With a development key (pk_test_) its issuer never goes to production (that is
    # envs.prod_deployment_env's, from the production key).
    assert not fixes.plans and not fixes.blocked
    env.write_text(kept)
    fixes = plan(root, prod=True, only={"convex.deployment_env"})
    assert apply(root, fixes, state, offline=False).all_applied
    assert calls(log)[-1] == ["env", "set", VAR, issuer.url, "--prod"]
    assert fixes.plans[0].values["deployment"] == "prod"


def test_offline_runs_no_command(deployed: tuple[Path, Path], state: Path) -> None:
    root, log = deployed
    session = verdict(root, offline=False).session
    fixes = plan(root, deployment=session.deployment, only={"convex.deployment_env"})
    report = apply(root, fixes, state, offline=True)
    assert [(o.applied, o.refusal) for o in report.outcomes] == [(False, Refusal.OFFLINE)]
    assert not any(c[:2] == ["env", "set"] for c in calls(log))
    assert report.run_id is None


def test_a_refused_env_set_is_reported_with_its_stderr(deployed: tuple[Path, Path],
                                                       state: Path) -> None:
    root, log = deployed
    (log.parent / "convex-refuses").write_text(
        "\u2716 Error fetching POST  http://127.0.0.1/api/update_environment_variables 400 Bad "
        "Request: InvalidAuthConfig: This change would make the auth config invalid\n")
    report = apply(root, plan(root, prod=True, only={"convex.deployment_env"}), state,
                   offline=False)
    [outcome] = report.outcomes
    assert (outcome.applied, outcome.refusal) == (False, Refusal.COMMAND_FAILED)
    assert outcome.command is not None and outcome.command.exit_status == 1
    assert "would make the auth config invalid" in outcome.command.stderr


def test_a_hanging_cli_is_stopped_at_the_deadline(deployed: tuple[Path, Path],
                                                  state: Path) -> None:
    root, log = deployed
    (log.parent / "convex-hangs").touch()
    started = time.monotonic()
    report = apply_fixes(root, plan(root, prod=True, only={"convex.deployment_env"}).plans,
                         offline=False, state_dir=state, timeout=1.0)
    assert time.monotonic() - started < 10
    [outcome] = report.outcomes
    assert (outcome.applied, outcome.refusal) == (False, Refusal.COMMAND_TIMED_OUT)
    assert outcome.command is not None and outcome.command.exit_status is None


def test_a_cli_that_cannot_run_is_reported(deployed: tuple[Path, Path], state: Path) -> None:
    root, log = deployed
    fixes = plan(root, prod=True, only={"convex.deployment_env"})
    (log.parent / "convex").chmod(0o644)
    [outcome] = apply(root, fixes, state, offline=False).outcomes
    assert (outcome.applied, outcome.refusal) == (False, Refusal.COMMAND_NOT_STARTED)


def test_no_cli_is_blocked(root: Path) -> None:
    write_project(root, {".env.local": f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n".encode(),
                         "convex/auth.config.ts": READS_VAR})
    fixes = plan(root, prod=True, only={"convex.deployment_env"})
    assert [b.reason for b in fixes.blocked] == [Refusal.NO_CONVEX_CLI]


def test_a_deployment_that_already_agrees_needs_no_fix(deployed: tuple[Path, Path],
                                                       issuer: LocalIssuer) -> None:
    root, log = deployed
    (log.parent / "convex-env.json").write_text(json.dumps({"dev": {VAR: issuer.url}}))
    session = verdict(root, offline=False).session
    assert plan(root, deployment=session.deployment).plans == ()


# --- refusals: changed, read-only, outside the project, new secrets ---------------------------

def broken_env(root: Path) -> bytes:
    env = f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n{VAR}={OTHER}\n".encode()
    write_project(root, {".env.local": env, "convex/auth.config.ts": READS_VAR})
    return env


def test_a_file_changed_after_the_plan_is_not_written(root: Path, state: Path) -> None:
    broken_env(root)
    fixes = plan(root)
    changed = b"# edited by hand meanwhile\n" + (root / ".env.local").read_bytes()
    (root / ".env.local").write_bytes(changed)
    report = apply(root, fixes, state)
    assert [(o.applied, o.refusal, dict(o.values)) for o in report.outcomes] == [
        (False, Refusal.CHANGED_SINCE_PLAN, {"path": ".env.local"})]
    assert (root / ".env.local").read_bytes() == changed
    assert report.run_id is None and not state.exists()


def test_a_read_only_file_is_blocked_at_planning_and_at_applying(root: Path,
                                                                 state: Path) -> None:
    env = broken_env(root)
    target = root / ".env.local"
    target.chmod(0o444)
    fixes = plan(root)
    assert [(b.reason, dict(b.values)) for b in fixes.blocked] == [
        (Refusal.READ_ONLY, {"path": ".env.local"})]
    target.chmod(0o644)
    fixes = plan(root)
    target.chmod(0o444)
    report = apply(root, fixes, state)
    assert [(o.applied, o.refusal) for o in report.outcomes] == [(False, Refusal.READ_ONLY)]
    assert target.read_bytes() == env and target.stat().st_mode & 0o777 == 0o444


def test_a_read_only_folder_is_refused(root: Path) -> None:
    write_project(root, {".env.local": f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n".encode()})
    (root / "convex").chmod(0o555)
    try:
        fixes = plan(root, only={"convex.auth_config"})
    finally:
        (root / "convex").chmod(0o755)
    assert [b.reason for b in fixes.blocked] == [Refusal.READ_ONLY_FOLDER]


def test_an_env_local_linked_outside_the_project_is_refused(root: Path, tmp_path: Path,
                                                            state: Path) -> None:
    outside = tmp_path / "shared.env"
    outside.write_bytes(f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n{VAR}={OTHER}\n".encode())
    write_project(root, {"convex/auth.config.ts": READS_VAR})
    (root / ".env.local").symlink_to(outside)
    fixes = plan(root)
    assert [(b.reason, dict(b.values)) for b in fixes.blocked] == [
        (Refusal.OUTSIDE_PROJECT, {"path": ".env.local"})]
    assert not fixes.plans


def test_a_link_swapped_in_after_the_plan_is_refused(root: Path, tmp_path: Path,
                                                     state: Path) -> None:
    env = broken_env(root)
    fixes = plan(root)
    outside = tmp_path / "elsewhere.env"
    outside.write_bytes(env)  # the same bytes: only the link gives it away
    (root / ".env.local").unlink()
    (root / ".env.local").symlink_to(outside)
    report = apply(root, fixes, state)
    assert [o.refusal for o in report.outcomes] == [Refusal.OUTSIDE_PROJECT]
    assert outside.read_bytes() == env and (root / ".env.local").is_symlink()


def test_a_link_inside_the_project_is_followed_and_stays_a_link(root: Path,
                                                                state: Path) -> None:
    env = broken_env(root)
    (root / "config").mkdir()
    (root / ".env.local").rename(root / "config" / "app.env")
    (root / ".env.local").symlink_to(Path("config") / "app.env")
    (root / "config" / "app.env").chmod(0o600)
    assert apply(root, plan(root), state).all_applied
    assert (root / ".env.local").is_symlink()
    target = root / "config" / "app.env"
    fixed = f"{ISSUER} # derived from VITE_CLERK_PUBLISHABLE_KEY".encode()
    assert target.read_bytes() == env.replace(OTHER.encode(), fixed)
    assert target.stat().st_mode & 0o777 == 0o600
    assert undo_last(root, state_dir=state).ok and target.read_bytes() == env


def test_a_plan_writing_a_new_secret_is_refused(root: Path, state: Path) -> None:
    write_project(root, {".env.local": b"A=1\n"})
    edit = FileEdit(".env.local", b"A=1\n", f"A=1\nB={SECRET_KEY}\n".encode(), "")
    sneaky = FixPlan("env.issuer", FixReason.ISSUER_ADDED, edits=(edit,))
    report = apply_fixes(root, [sneaky], offline=True, state_dir=state)
    assert [o.refusal for o in report.outcomes] == [Refusal.NEW_SECRET]
    assert (root / ".env.local").read_bytes() == b"A=1\n"


def test_a_plan_outside_the_project_is_refused(root: Path, tmp_path: Path, state: Path) -> None:
    write_project(root, {})
    edit = FileEdit("../escape.env", None, b"A=1\n", "")
    report = apply_fixes(root, [FixPlan("env.issuer", FixReason.ISSUER_ADDED, edits=(edit,))],
                         offline=True, state_dir=state)
    assert [o.refusal for o in report.outcomes] == [Refusal.OUTSIDE_PROJECT]
    assert not (tmp_path / "escape.env").exists()


def test_a_failed_write_keeps_the_file_and_undo_still_works(
        root: Path, state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(root, {".env.local": EXPOSED, "convex/auth.config.ts": READS_VAR})
    before = snapshot(root)
    fixes = plan(root, only={"env.secret_exposure", "env.issuer"})
    real = apply_module.write_file
    writes: list[Path] = []

    def full_disk(target: Path, data: bytes, mode: int | None) -> None:
        writes.append(target)
        if len(writes) == 2:
            raise OSError(28, "No space left on device")
        real(target, data, mode)

    monkeypatch.setattr(apply_module, "write_file", full_disk)
    report = apply(root, fixes, state)
    assert [(o.applied, o.refusal) for o in report.outcomes] == [
        (True, None), (False, Refusal.WRITE_FAILED), (False, Refusal.CHANGED_SINCE_PLAN)]
    assert report.outcomes[1].values == {"path": ".env.local", "why": "No space left on device"}
    assert (root / ".env.local").read_bytes() == fixes.plans[0].edits[0].new
    monkeypatch.undo()
    undone = undo_last(root, state_dir=state)
    assert undone.ok, undone.to_dict()
    assert snapshot(root) == before


def test_a_plan_of_two_files_is_applied_whole_or_not_at_all(
        root: Path, state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(root, {".env": b"A=1\n", ".env.local": b"B=2\n"})
    before = snapshot(root)
    edits = (FileEdit(".env", b"A=1\n", b"A=10\n", ""),
             FileEdit(".env.local", b"B=2\n", b"B=20\n", ""))
    real = apply_module.write_file

    def second_fails(target: Path, data: bytes, mode: int | None) -> None:
        if target.name == ".env.local":
            raise OSError(5, "Input/output error")
        real(target, data, mode)

    monkeypatch.setattr(apply_module, "write_file", second_fails)
    report = apply_fixes(root, [FixPlan("env.issuer", FixReason.ISSUER_CLEANED, edits=edits)],
                         offline=True, state_dir=state)
    assert [o.refusal for o in report.outcomes] == [Refusal.WRITE_FAILED]
    assert snapshot(root) == before
    monkeypatch.undo()
    assert undo_last(root, state_dir=state).ok and snapshot(root) == before


def test_no_backup_no_change(root: Path, tmp_path: Path) -> None:
    env = broken_env(root)
    blocked_state = tmp_path / "state-is-a-file"
    blocked_state.write_text("not a folder")
    report = apply(root, plan(root), blocked_state)
    assert [(o.applied, o.refusal) for o in report.outcomes] == [
        (False, Refusal.BACKUP_FAILED)]
    assert (root / ".env.local").read_bytes() == env


# --- undo -------------------------------------------------------------------------------------

def test_undo_refuses_a_file_changed_after_the_fix_and_restores_nothing(
        root: Path, state: Path) -> None:
    write_project(root, {".env.local": EXPOSED, "convex/auth.config.ts": MISSPELLED})
    assert apply(root, plan(root), state).all_applied
    fixed_config = (root / "convex" / "auth.config.ts").read_bytes()
    (root / ".env.local").write_bytes(b"# mine now\n")
    undone = undo_last(root, state_dir=state)
    assert not undone.ok
    assert undone.refused == ((".env.local", Refusal.CHANGED_SINCE_FIX),)
    assert (root / ".env.local").read_bytes() == b"# mine now\n"
    assert (root / "convex" / "auth.config.ts").read_bytes() == fixed_config


def test_undo_with_no_run_and_twice(root: Path, state: Path) -> None:
    broken_env(root)
    assert undo_last(root, state_dir=state).refusal is Refusal.NO_RUN
    apply(root, plan(root), state)
    assert undo_last(root, state_dir=state).ok
    assert undo_last(root, state_dir=state).refusal is Refusal.ALREADY_UNDONE


def test_undo_takes_the_last_run_only(root: Path, state: Path) -> None:
    env = broken_env(root)
    apply(root, plan(root, only={"env.issuer_matches_key"}), state)
    after_first = (root / ".env.local").read_bytes()
    apply(root, plan(root, only={"convex.auth_config"}), state)  # nothing to fix: no run
    (root / "convex" / "auth.config.ts").unlink()
    apply(root, plan(root, only={"convex.auth_config"}), state)
    assert undo_last(root, state_dir=state).restored == ("convex/auth.config.ts",)
    assert (root / ".env.local").read_bytes() == after_first != env


@pytest.mark.parametrize("manifest", [b"{not json", b"[]", b'{"schema_version": 1, "files": '
                                      b'[{"path": "/etc/passwd", "before": "x", "after": null,'
                                      b' "backup": "files/0", "mode": 420}]}',
                                      b'{"schema_version": 1, "files": [{"path": ".env.local",'
                                      b' "before": "x", "after": null, "backup": "../../x",'
                                      b' "mode": 420}]}'],
                         ids=["garbled", "not-an-object", "absolute-path", "backup-escapes"])
def test_an_unusable_manifest_restores_nothing(root: Path, state: Path,
                                               manifest: bytes) -> None:
    broken_env(root)
    report = apply(root, plan(root), state)
    assert report.manifest is not None
    report.manifest.write_bytes(manifest)
    fixed = snapshot(root)
    assert undo_last(root, state_dir=state).refusal is Refusal.MANIFEST_UNUSABLE
    assert snapshot(root) == fixed


def test_a_tampered_backup_is_not_restored(root: Path, state: Path) -> None:
    broken_env(root)
    [(_, backup)] = apply(root, plan(root), state).backups
    backup.write_bytes(b"EVIL=1\n")
    fixed = snapshot(root)
    undone = undo_last(root, state_dir=state)
    assert undone.refused == ((".env.local", Refusal.BACKUP_MISSING),)
    assert snapshot(root) == fixed


def test_the_default_state_folder_is_used(root: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVEX_AUTH_WIZARD_STATE_DIR", str(tmp_path / "default-state"))
    env = broken_env(root)
    report = apply_fixes(root, plan(root).plans, offline=True)
    assert report.manifest is not None
    assert report.manifest.is_relative_to(tmp_path / "default-state" / "fixes")
    assert undo_last(root).ok and (root / ".env.local").read_bytes() == env


def test_a_file_that_is_not_utf8_is_blocked_and_nothing_is_written(root: Path,
                                                                   state: Path) -> None:
    write_project(root, {".env.local": b"VITE_CLERK_PUBLISHABLE_KEY=" + KEY.encode()
                         + b"\n# caf\xe9\n"})
    before = snapshot(root)
    fixes = plan(root, only={"env.issuer"})
    assert [(b.check_id, b.reason) for b in fixes.blocked] == [("env.issuer", Refusal.NOT_UTF8)]
    assert apply(root, fixes, state).run_id is None
    assert snapshot(root) == before and not state.exists()


def test_context_lines_never_show_a_secret_named_value(root: Path) -> None:
    env = (f"SESSION_PASSWORD=pw1234\nVITE_CLERK_PUBLISHABLE_KEY={KEY}\n"
           f"{VAR}={OTHER}\nDEPLOY_TOKEN='tok-5678'\n").encode()
    write_project(root, {".env.local": env, "convex/auth.config.ts": READS_VAR})
    [fix] = plan(root, only={"env.issuer_matches_key"}).plans
    diff = fix.edits[0].diff
    assert " SESSION_PASSWORD=…\n" in diff and " DEPLOY_TOKEN='…'\n" in diff
    assert "pw1234" not in diff and "tok-5678" not in diff


def test_a_secret_key_in_the_publishable_key_slot_moves_to_clerk_secret_key(
        root: Path, state: Path) -> None:
    """Never to CLERK_PUBLISHABLE_KEY: the secret goes to Clerk's secret variable and the
    publishable key is left for the user to paste (the wizard cannot invent it)."""
    env = f"VITE_CLERK_PUBLISHABLE_KEY={SECRET_KEY}\nA=1\n".encode()
    write_project(root, {".env.local": env, "convex/auth.config.ts": READS_VAR})
    fixes, _, applied = round_trip(root, state, "env.secret_exposure",
                                   only={"env.secret_exposure"})
    assert [(p.reason, p.values["name"], p.values["to"]) for p in fixes.plans] == [
        (FixReason.SECRET_MOVED, "VITE_CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY")]
    assert applied[".env.local"][0] == f"CLERK_SECRET_KEY={SECRET_KEY}\nA=1\n".encode()
