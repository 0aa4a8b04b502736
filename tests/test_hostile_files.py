"""Files a repository or a user hands the wizard, built to hurt (issue 10, items 5, 6 and 8).

A FIFO blocks whoever opens and reads it, a symlink to ``/dev/zero`` never ends, a sparse file
claims 200 MB, and crafted text can make a parser slow. Every such file must come back as a
clear check result or message, quickly, and the program must go on. The CLI runs in a
subprocess whose timeout only catches a hang; the time bounds on parsing only catch the
quadratic behaviour of the old code (the figures are in benchmarks/hostile_inputs.py).
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import MakeProject
from tests.test_check_cli import assert_usage_error, checks_by_id, clean_env, cli
from wizard.guards.files import FileRefused, read_regular_file
from wizard.project import auth_config
from wizard.project.auth_config import parse_auth_config, read_auth_config
from wizard.project.reader import read_convex_version
from wizard.walkthrough.progress import Progress, StepState
from wizard.walkthrough.state import STALE_TEMP_SECONDS, StateStore, merge_progress

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")

SPARSE_BYTES = 200 * 1024 * 1024
QUICK = 5.0
"""Seconds: far above what any of these takes now, far below what the old code took."""


# --- making hostile files ------------------------------------------------------------------
def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to_dev_zero(path: Path) -> None:
    os.symlink("/dev/zero", path)


def link_to_fifo(path: Path) -> None:
    fifo = path.with_name(path.name + ".fifo")
    os.mkfifo(fifo)
    os.symlink(fifo, path)


def make_folder(path: Path) -> None:
    path.mkdir()


def make_sparse(path: Path) -> None:
    subprocess.run(["truncate", "-s", str(SPARSE_BYTES), str(path)], check=True)


KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (make_fifo, "is a FIFO, not a regular file"),
    "symlink to /dev/zero": (link_to_dev_zero, "is a character device, not a regular file"),
    "symlink to a fifo": (link_to_fifo, "is a FIFO, not a regular file"),
    "200 MB sparse file": (make_sparse, "is larger than"),
}


def replace_with(root: Path, relative: str, kind: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(path):
        path.unlink()
    KINDS[kind][0](path)
    return path


def offline_check(root: Path) -> dict[str, dict[str, str]]:
    started = time.monotonic()
    done = cli("check", "--project", str(root), "--offline", "--json")
    assert time.monotonic() - started < 60
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    return checks_by_id(json.loads(done.stdout))


# --- item 5: every project file ------------------------------------------------------------
@pytest.mark.parametrize("kind", list(KINDS))
def test_hostile_auth_config_is_a_failed_check(make_project: MakeProject, kind: str) -> None:
    root = make_project(None)
    replace_with(root, "convex/auth.config.ts", kind)
    check = offline_check(root)["convex.auth_config"]
    assert check["status"] == "fail"
    assert check["detail"].startswith("convex/auth.config.ts: could not read file: it ")
    assert KINDS[kind][1] in check["detail"]


@pytest.mark.parametrize("relative", [".env.local", "pnpm-lock.yaml", "package.json",
                                      "node_modules/convex/package.json", "package-lock.json"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_hostile_project_file_is_named_in_project_root(make_project: MakeProject,
                                                       relative: str, kind: str) -> None:
    root = make_project(None)
    replace_with(root, relative, kind)
    checks = offline_check(root)
    check = checks["project.root"]
    assert check["status"] == "warn"
    assert f"{relative} {KINDS[kind][1]}" in check["detail"]
    assert relative in check["fix"]
    assert checks["convex.auth_config"]["status"] == "pass"  # the rest is still judged


def test_a_folder_named_env_is_passed_over_in_silence(make_project: MakeProject) -> None:
    # A Python virtualenv is often called .env; it is no project problem.
    root = make_project(None)
    make_folder(root / ".env")
    assert offline_check(root)["project.root"]["status"] == "pass"


def test_auth_config_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "convex").mkdir()
    make_folder(tmp_path / "convex" / "auth.config.ts")
    assert read_auth_config(tmp_path).problems == (
        "could not read file: it is a directory, not a regular file",)


def test_reader_stops_one_byte_past_the_cap_whatever_the_file_claims(tmp_path: Path) -> None:
    path = tmp_path / "grows"
    path.write_bytes(b"x" * 100)
    assert read_regular_file(path, 100) == b"x" * 100
    with pytest.raises(FileRefused, match="is larger than 99 bytes"):
        read_regular_file(path, 99)
    assert read_regular_file(path, 10, head=True) == b"x" * 10
    with pytest.raises(FileRefused, match="FIFO"):
        read_regular_file(replace_with(tmp_path, "pipe", "fifo"), 10, head=True)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """A few lines of the wizard in a fresh interpreter, so a hang is a timeout, not a stuck
    test run."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=clean_env(), timeout=60, check=False)


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero"])
def test_local_deployment_config_is_not_read_when_hostile(tmp_path: Path, kind: str) -> None:
    replace_with(tmp_path, ".convex/local/default/config.json", kind)
    done = run_python("from pathlib import Path; from wizard.project.deployment_url import _local_port; "
                      f"print(_local_port(Path({str(tmp_path)!r})))")
    assert done.returncode == 0 and done.stdout.strip() == "None", done.stderr


# --- item 5: files named on the command line -----------------------------------------------
@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero", "symlink to a fifo"])
@pytest.mark.parametrize("option", ["--token-file", "--jwks"])
def test_hostile_option_file_is_a_usage_error(project: Path, tmp_path: Path, kind: str,
                                              option: str) -> None:
    path = replace_with(tmp_path, "given", kind)
    done = cli("check", "--project", str(project), "--offline", option, str(path))
    assert_usage_error(done, option, str(path), KINDS[kind][1])


def test_token_file_that_is_a_pipe_points_at_stdin(project: Path, tmp_path: Path) -> None:
    done = cli("check", "--project", str(project), "--token-file",
               str(replace_with(tmp_path, "pipe", "fifo")))
    assert_usage_error(done, "--token -")


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero", "200 MB sparse file"])
def test_hostile_jwks_file_is_a_failed_key_set(tmp_path: Path, kind: str) -> None:
    path = replace_with(tmp_path, "jwks.json", kind)
    done = run_python("from pathlib import Path; from wizard.services.issuer_keys import load_jwks_file; "
                      f"print(load_jwks_file(Path({str(path)!r}), 'https://i.example')"
                      ".jwks_problem.message)")
    assert done.returncode == 0, done.stderr
    assert KINDS[kind][1] in done.stdout


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero", "symlink to a fifo"])
def test_hostile_state_file_is_set_aside(make_project: MakeProject, tmp_path: Path,
                                         kind: str) -> None:
    root = make_project(None)
    state_dir = tmp_path / "state"
    store = StateStore(root, state_dir)
    store.path.parent.mkdir(parents=True)
    replace_with(store.path.parent, store.path.name, kind)
    done = cli("report", "--project", str(root), "--format", "json",
               CONVEX_AUTH_WIZARD_STATE_DIR=str(state_dir))
    assert done.returncode == 0, done.stderr
    assert f"Saved progress was unreadable (it {KINDS[kind][1]})" in done.stderr
    assert json.loads(done.stdout)["project"]["root"] == str(root)


@pytest.fixture
def terminal() -> Iterator[Path]:
    leader, follower = pty.openpty()
    try:
        yield Path(os.ttyname(follower))
    finally:
        os.close(leader)
        os.close(follower)


@pytest.mark.parametrize("target", ["fifo", "terminal", "symlink to a fifo"])
def test_report_output_that_is_not_a_regular_file_is_refused(
        make_project: MakeProject, tmp_path: Path, terminal: Path, target: str) -> None:
    output = terminal if target == "terminal" else replace_with(tmp_path, "out.md", target)
    done = cli("report", "--project", str(make_project(None)), "--output", str(output),
               CONVEX_AUTH_WIZARD_STATE_DIR=str(tmp_path / "state"))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "not a regular file" in done.stderr and "--output" in done.stderr
    assert "Traceback" not in done.stderr
    if target != "terminal":
        assert output.exists() and not output.is_file()  # left as it was


# --- item 6: nothing is slow ----------------------------------------------------------------
def nested(depth: int) -> str:
    return ("export default { providers: [" + "{ a: [" * depth + "]}" * depth + ", "
            + '{ domain: process.env.X!, applicationID: "convex" }] };\n')


SLOW_BEFORE: dict[str, str] = {
    "export default + 240 KiB of (": "export default " + "(" * (240 * 1024),
    "nesting 10,000 deep": nested(10_000),
    "a 200 KiB string": 'export default { providers: [{ domain: "' + "x" * 200_000 + '" }] }',
    "everything unterminated": ('export default { providers: [{ domain: `${process.env["X'
                                + "/* ' \" ` ${ (" * 12_000),
    "15,000 keys": "export default { providers: [{ domain: 'x', " + ", ".join(
        f"key{n:06}: 1" for n in range(15_000)) + " }] };",
    "40,000 comments": "export default { providers: [\n" + "/* { domain: 'x' } */\n" * 40_000
                       + "] }",
}


@pytest.mark.parametrize("name", list(SLOW_BEFORE))
def test_pathological_auth_config_is_judged_quickly(name: str) -> None:
    started = time.monotonic()
    config = parse_auth_config(SLOW_BEFORE[name])
    assert time.monotonic() - started < QUICK
    assert not any(p.startswith("internal parser error") for p in config.problems)


def test_deep_nesting_still_finds_the_provider() -> None:
    config = parse_auth_config(nested(10_000))
    assert [p.domain_env for p in config.providers][-1:] == ["X"]


def test_megabyte_of_parens_is_refused_by_size(tmp_path: Path) -> None:
    (tmp_path / "convex").mkdir()
    (tmp_path / "convex" / "auth.config.ts").write_text("export default " + "(" * 2**20)
    started = time.monotonic()
    config = read_auth_config(tmp_path)
    assert time.monotonic() - started < QUICK
    assert config.problems == ("could not read file: it is larger than 256 KiB (an auth "
                               "config is a few lines), so it was not parsed",)


def test_text_past_the_cap_is_not_parsed() -> None:
    config = parse_auth_config(" " * (256 * 1024) + CONVEX_DOCS_LIKE)
    assert config.providers == ()
    assert config.problems[0].startswith("it is larger than 256 KiB")


CONVEX_DOCS_LIKE = ('export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,'
                    ' applicationID: "convex" }] } satisfies AuthConfig;\n')


def test_a_parse_past_the_deadline_is_reported_and_the_next_parse_is_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth_config, "PARSE_SECONDS", 0.0)
    config = parse_auth_config(SLOW_BEFORE["everything unterminated"])
    assert config.problems == ("it could not be parsed within 0 s (an auth config is a few "
                               "lines); it was given up",)
    monkeypatch.undo()
    # tree-sitter resumes a cancelled parse unless reset: the next file must parse on its own
    config = parse_auth_config(CONVEX_DOCS_LIKE)
    assert config.problems == ()
    assert [p.domain_env for p in config.providers] == ["CLERK_JWT_ISSUER_DOMAIN"]


def test_syntax_errors_are_named_with_their_line() -> None:
    config = parse_auth_config("const a = ;\n\nexport default {")
    assert config.providers == ()
    assert any(p.startswith("line 1: ") for p in config.problems), config.problems


LOCKS: dict[str, tuple[str, str]] = {
    "pnpm, 60,000 newlines": ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n" + "\n" * 60_000),
    "pnpm, whitespace lines": ("pnpm-lock.yaml", " \n" * 60_000),
    "pnpm, one 4 MiB line": ("pnpm-lock.yaml", " " * (4 * 2**20) + "x\n"),
    "yarn, header then newlines": ("yarn.lock", '"convex@^1.0.0":\n' + "\n" * 60_000),
    "bun, one long line": ("bun.lock", '"convex@' * 200_000),
}


@pytest.mark.parametrize("name", list(LOCKS))
def test_pathological_lock_files_are_scanned_quickly(tmp_path: Path, name: str) -> None:
    file_name, text = LOCKS[name]
    (tmp_path / file_name).write_text(text)
    started = time.monotonic()
    assert read_convex_version(tmp_path) is None
    assert time.monotonic() - started < QUICK


# --- item 8: state safety -------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    (tmp_path / "app").mkdir()
    return StateStore(tmp_path / "app", tmp_path / "state")


def test_orphan_temp_files_of_a_killed_save_are_removed_on_the_next_start(
        store: StateStore) -> None:
    assert store.save(Progress()) is None
    folder = store.path.parent
    stale = folder / f".{store.path.name}.k1ll3d_.tmp"
    fresh = folder / f".{store.path.name}.s4ving_.tmp"  # another wizard saving right now
    foreign = folder / ".0123456789abcdef.json.x_.tmp"  # another project's
    unrelated = folder / "notes.tmp"
    for path in (stale, fresh, foreign, unrelated):
        path.write_text("{")
    old = time.time() - STALE_TEMP_SECONDS - 5
    for path in (stale, foreign, unrelated):
        os.utime(path, (old, old))
    assert store.load().progress is not None
    assert not stale.exists()
    assert fresh.exists() and foreign.exists() and unrelated.exists()


def test_a_killed_save_leaves_an_orphan_that_the_next_start_removes(store: StateStore) -> None:
    code = (
        "import os, sys, tempfile\n"
        "from pathlib import Path\n"
        "from wizard.walkthrough.progress import Progress\n"
        "from wizard.walkthrough.state import StateStore\n"
        f"store = StateStore(Path({str(store.project)!r}), Path({str(store.state_dir)!r}))\n"
        "def die(*args, **kwargs):\n"
        "    os.kill(os.getpid(), 9)\n"
        "os.replace = die\n"
        "store.save(Progress())\n"
    )
    done = run_python(code)
    assert done.returncode == -9
    orphans = [p for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(orphans) == 1
    old = time.time() - STALE_TEMP_SECONDS - 5
    os.utime(orphans[0], (old, old))
    store.load()
    assert list(store.path.parent.iterdir()) == []


def test_two_wizards_on_one_project_keep_each_others_steps(store: StateStore) -> None:
    first, second = store, StateStore(store.project, store.state_dir)
    assert first.load().progress is None and second.load().progress is None
    mine, theirs = Progress(), Progress()
    mine.set("project", StepState.VERIFIED, "read")
    assert first.save(mine) is None
    theirs.set("open-dashboard", StepState.CONFIRMED)
    notice = second.save(theirs)
    assert notice is not None and notice.startswith("Another convex-auth-wizard saved progress")
    assert theirs.state_of("project") is StepState.VERIFIED  # merged into the caller's too
    mine.set("create-template", StepState.FAILING, "no template named convex")
    assert first.save(mine) is not None  # the second one wrote in between
    assert mine.state_of("open-dashboard") is StepState.CONFIRMED
    assert first.save(mine) is None  # nothing new on disk: a quiet save
    saved = StateStore(store.project, store.state_dir).load().progress
    assert saved is not None
    assert [saved.state_of(s) for s in ("project", "open-dashboard", "create-template")] == [
        StepState.VERIFIED, StepState.CONFIRMED, StepState.FAILING]


def test_merge_keeps_the_latest_change_of_each_step_and_every_check() -> None:
    ours, theirs = Progress(started_at=10), Progress(started_at=5)
    ours.set("project", StepState.FAILING, "later", at=25)
    theirs.set("project", StepState.VERIFIED, "earlier", at=15)
    ours.set("open-dashboard", StepState.CONFIRMED, at=12)
    theirs.set("open-dashboard", StepState.VERIFIED, at=12)  # same time: the more advanced
    ours.updated_at, theirs.updated_at = 20, 30  # theirs is the later progress
    ours.checks = [{"id": "a", "status": "fail"}, {"id": "b", "status": "pass"}]
    theirs.checks = [{"id": "a", "status": "pass"}]
    theirs.token = {"kind": "template"}
    merge_progress(ours, theirs)
    assert (ours.state_of("project"), ours.steps["project"].note) == (StepState.FAILING, "later")
    assert ours.state_of("open-dashboard") is StepState.VERIFIED
    assert ours.checks == [{"id": "a", "status": "pass"}, {"id": "b", "status": "pass"}]
    assert ours.token == {"kind": "template"}
    assert (ours.started_at, ours.updated_at) == (5, 30)
