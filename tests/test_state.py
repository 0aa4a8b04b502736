"""Saved progress: round trips, resume, restart/reset, and every way a state file goes bad."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SECRET_KEY, WEBHOOK_SECRET, MakeProject
from wizard import cli
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer
from wizard.guards.redaction import scrub_data
from wizard.guards.state_dir import STATE_DIR_ENV
from wizard.rules.jwt import AuthPath
from wizard.walkthrough.progress import Progress, StepState
from wizard.walkthrough.resume import recheck_on_resume
from wizard.walkthrough.session import load
from wizard.walkthrough.state import (
    SAVE_FAILED,
    SCHEMA_VERSION,
    LoadResult,
    StateStore,
    progress_from_dict,
    progress_to_dict,
)
from wizard.walkthrough.steps import STEP_IDS

T0 = 1_800_000_000.0
RAW_TOKEN = ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyXzEyMyIsImF1ZCI6ImNvbnZleCJ9"
             ".c2lnbmF0dXJlLWJ5dGVzLXRoYXQtbXVzdC1uZXZlci1iZS1zYXZlZA")


def sample_progress() -> Progress:
    progress = Progress(started_at=T0, updated_at=T0)
    progress.set("project", StepState.VERIFIED, "read", at=T0 + 1)
    progress.set("open-dashboard", StepState.CONFIRMED, at=T0 + 2)
    progress.set("create-template", StepState.FAILING, "no template named convex", at=T0 + 3)
    progress.path = AuthPath.TEMPLATE
    progress.issuer = "https://example.clerk.accounts.dev"
    progress.checks = [{"id": "env.issuer", "status": "pass", "title": "Issuer",
                        "detail": "https://example.clerk.accounts.dev", "fix": "",
                        "step": "verify-config"}]
    progress.token = {"kind": "template", "header": {"alg": "RS256"},
                      "claims": {"sub": "user_1", "aud": "convex"}, "expires_in": 42}
    return progress


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    root = tmp_path / "app"
    root.mkdir()
    return StateStore(root, tmp_path / "state")


def leftovers(store: StateStore) -> list[str]:
    return sorted(p.name for p in store.path.parent.iterdir() if p.name != store.path.name)


# --- round trip and location ---------------------------------------------------------------


def test_round_trip_keeps_every_field(store: StateStore) -> None:
    progress = sample_progress()
    assert store.save(progress) is None
    loaded = StateStore(store.project, store.state_dir).load()
    assert loaded.progress is not None
    assert progress_to_dict(loaded.progress) == progress_to_dict(progress)
    assert loaded.progress.state_of("open-dashboard") is StepState.CONFIRMED
    assert leftovers(store) == []


def test_file_is_keyed_by_the_absolute_project_path(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "env-state"))
    monkeypatch.chdir(tmp_path)
    a, same_a, b = StateStore(Path("a")), StateStore(tmp_path / "a"), StateStore(tmp_path / "b")
    assert a.path == same_a.path != b.path
    assert a.path.parent == tmp_path / "env-state" / "projects"
    assert len(a.path.stem) == 16 and a.path.suffix == ".json"
    assert a.save(Progress()) is None
    document = json.loads(a.path.read_text())
    assert document["project"] == str((tmp_path / "a").resolve())
    assert document["schema_version"] == SCHEMA_VERSION
    assert b.load().progress is None


def test_progress_from_dict_fills_missing_steps_and_drops_unknown() -> None:
    data = progress_to_dict(sample_progress())
    del data["steps"]["user-sync"]
    data["steps"]["renamed-step"] = {"state": "verified", "changed_at": None, "note": ""}
    progress = progress_from_dict(data)
    assert set(progress.steps) == set(STEP_IDS)
    assert progress.state_of("user-sync") is StepState.PENDING


@pytest.mark.parametrize("change", [
    lambda d: d.update(steps=[]),
    lambda d: d["steps"]["project"].update(state="done"),
    lambda d: d["steps"]["project"].update(changed_at="yesterday"),
    lambda d: d["steps"]["project"].update(note=3),
    lambda d: d.update(path="both"),
    lambda d: d.update(checks={"id": "x"}),
    lambda d: d.update(checks=[{"id": "x", "status": "ok", "title": "", "detail": "",
                                "fix": "", "step": ""}]),
    lambda d: d.update(token="eyJ"),
    lambda d: d.update(started_at=True),
    lambda d: d.update(updated_at=None),
    lambda d: d.update(issuer=["https://x"]),
])
def test_progress_from_dict_rejects_wrong_shapes(change: Callable[[dict[str, Any]], None]) -> None:
    data = progress_to_dict(sample_progress())
    change(data)
    with pytest.raises(ValueError):
        progress_from_dict(data)


# --- resume, restart, reset ----------------------------------------------------------------


def test_resume_opens_at_the_first_open_step_with_a_notice(store: StateStore) -> None:
    assert store.load() == LoadResult(None, None)  # nothing saved: no progress, no notice
    store.save(sample_progress())
    result = store.load()
    assert result.progress is not None
    assert result.progress.first_open_step() == "create-template"
    assert result.notice is not None
    assert result.notice.startswith("Resumed: you stopped at Choose how Clerk makes the token on ")


def test_resume_notice_when_everything_is_done(store: StateStore) -> None:
    progress = Progress()
    for step_id in STEP_IDS:
        progress.set(step_id, StepState.CONFIRMED)
    store.save(progress)
    notice = store.load().notice
    assert notice is not None and notice.startswith("Resumed: every step was done on ")


def test_restart_keeps_a_backup_and_starts_over(store: StateStore) -> None:
    store.save(sample_progress())
    saved = store.path.read_text()
    backup, problem = store.restart()
    assert problem is None and backup is not None
    assert store.load() == LoadResult(None, None)
    backups = [p for p in store.path.parent.iterdir() if ".bak-" in p.name]
    assert backups == [backup] and backup.read_text() == saved
    assert store.restart() == (None, None)  # nothing to back up: fine
    store.save(Progress())
    assert store.restart()[0] is not None
    assert len([p for p in store.path.parent.iterdir() if ".bak-" in p.name]) == 2
    assert len(store.kept_copies()) == 2
    assert store.remove_kept_copies() == (2, None)
    assert store.kept_copies() == [] and not any(".bak-" in p.name
                                                 for p in store.path.parent.iterdir())


def test_reset_removes_saved_progress(store: StateStore) -> None:
    assert store.reset() is False
    store.save(sample_progress())
    assert store.reset() is True
    assert not store.path.exists()
    assert store.load() == LoadResult(None, None)
    assert store.reset() is False


# --- broken state never blocks ---------------------------------------------------------------


def _valid_document(store: StateStore) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(store.document(sample_progress())))
    return document


def _write(text: str) -> Callable[[StateStore], object]:
    return lambda s: s.path.write_text(text)


def _doc(change: Callable[[dict[str, Any]], None]) -> Callable[[StateStore], None]:
    def write(s: StateStore) -> None:
        document = _valid_document(s)
        change(document)
        s.path.write_text(json.dumps(document))
    return write


def _truncated(s: StateStore) -> None:
    s.save(sample_progress())
    text = s.path.read_text()
    s.path.write_text(text[: len(text) // 2])


def _directory(s: StateStore) -> None:
    s.path.mkdir()
    (s.path / "inside").write_text("x")


def _symlink_loop(s: StateStore) -> None:
    # Unreadable even for root: opening it fails with "too many levels of symbolic links".
    os.symlink(s.path.name, s.path)


BROKEN: dict[str, tuple[Callable[[StateStore], object], str]] = {
    "empty": (_write(""), "empty"),
    "whitespace": (_write("  \n"), "empty"),
    "truncated": (_truncated, "not valid JSON"),
    "half json": (_write('{"schema_version": 1, "progress": {"steps": {'), "not valid JSON"),
    "binary": (lambda s: s.path.write_bytes(b"\xff\xfe\x00garbage"), "not valid JSON"),
    "a list": (_write("[1, 2]"), "not a progress file"),
    "no version": (_doc(lambda d: d.pop("schema_version")), "no schema version"),
    "version as text": (_doc(lambda d: d.update(schema_version="1")), "no schema version"),
    "future version": (_doc(lambda d: d.update(schema_version=SCHEMA_VERSION + 1)),
                       "newer version"),
    "steps wrong type": (_doc(lambda d: d["progress"].update(steps="all")), "wrong shape"),
    "state wrong value": (_doc(lambda d: d["progress"]["steps"]["project"].update(state=1)),
                          "wrong shape"),
    "time wrong type": (_doc(lambda d: d["progress"].update(updated_at="noon")), "wrong shape"),
    "progress missing": (_doc(lambda d: d.pop("progress")), "wrong shape"),
    "other project": (_doc(lambda d: d.update(project="/elsewhere")), "another project"),
    "directory in place": (_directory, "folder"),
    "symlink loop": (_symlink_loop, "cannot be read"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_file_is_moved_aside_once_and_the_wizard_starts_fresh(
        store: StateStore, name: str) -> None:
    breaker, why = BROKEN[name]
    store.path.parent.mkdir(parents=True, exist_ok=True)
    breaker(store)
    result = store.load()
    assert result.progress is None
    assert result.notice is not None
    assert result.notice.startswith("Saved progress was unreadable (")
    assert why in result.notice
    assert "\n" not in result.notice
    aside = [p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and str(aside[0]) in result.notice
    assert not os.path.lexists(store.path)
    assert store.load() == LoadResult(None, None)  # said once
    assert store.save(sample_progress()) is None
    assert store.load().progress is not None


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root reads a mode-000 file anyway; the symlink-loop case covers "
                    "an unreadable file for root")
def test_file_without_read_permission(store: StateStore) -> None:
    store.save(sample_progress())
    store.path.chmod(0)
    result = store.load()
    assert result.progress is None and result.notice is not None
    assert "cannot be read" in result.notice


def test_corrupt_file_that_cannot_be_moved_aside_still_starts_fresh(
        store: StateStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", refuse)
    result = store.load()
    assert result.progress is None and result.notice is not None
    assert "could not be moved aside (Permission denied)" in result.notice
    monkeypatch.undo()
    assert store.save(sample_progress()) is None  # the next save replaces it
    assert store.load().progress is not None


def test_failing_rename_leaves_the_previous_file_whole(
        store: StateStore, monkeypatch: pytest.MonkeyPatch) -> None:
    first = sample_progress()
    assert store.save(first) is None
    before = store.path.read_bytes()

    def crash(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    second = sample_progress()
    second.set("save-template", StepState.CONFIRMED)
    error = store.save(second)
    assert error is not None and "Input/output error" in error and str(store.path) in error
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert leftovers(store) == []  # the temporary file was cleaned up
    loaded = store.load().progress
    assert loaded is not None and loaded.state_of("save-template") is StepState.PENDING


def test_unwritable_state_dir_is_an_error_message_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state folder should be")
    store = StateStore(tmp_path, blocker)
    error = store.save(sample_progress())
    assert error is not None and error.startswith("Could not save progress to ")
    assert store.load() == LoadResult(None, None)
    assert store.reset() is False
    assert store.restart() == (None, None)
    assert store.kept_copies() == [] and store.remove_kept_copies() == (0, None)


def test_directory_in_place_makes_save_report_an_error(store: StateStore) -> None:
    store.path.mkdir(parents=True)
    (store.path / "keep").write_text("x")
    error = store.save(sample_progress())
    assert error is not None
    assert leftovers(store) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.none() | st.booleans() | st.floats(allow_nan=True) | st.text(max_size=8)
                    | st.integers(), lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["steps", "state", "checks", "path",
                                                       "project", "token", "started_at",
                                                       "updated_at", "note", "changed_at"]),
                                      inner, max_size=4), max_leaves=12))
def test_load_never_raises_on_arbitrary_progress(tmp_path: Path, junk: object) -> None:
    store = StateStore(tmp_path, tmp_path / "fuzz-state")
    store.path.parent.mkdir(parents=True, exist_ok=True)
    document = {"schema_version": 1, "project": str(store.project), "progress": junk}
    store.path.write_text(json.dumps(document))
    result = store.load()
    assert result.notice is not None
    assert (result.progress is None) == result.notice.startswith("Saved progress was unreadable")
    store.reset()
    for aside in store.path.parent.iterdir():
        aside.unlink()


def test_two_stores_writing_alternately_never_leave_a_half_written_file(
        store: StateStore) -> None:
    other = StateStore(store.project, store.state_dir)
    assert other.path == store.path
    for i in range(20):
        writer = store if i % 2 == 0 else other
        progress = sample_progress()
        progress.checks = [{"id": f"check.{n}", "status": "pass", "title": "t" * 200,
                            "detail": str(i), "fix": "", "step": "project"} for n in range(50)]
        assert writer.save(progress) is None
        reader = other if writer is store else store
        loaded = reader.load()
        assert loaded.progress is not None and loaded.progress.checks[0]["detail"] == str(i)
    assert leftovers(store) == []


def test_concurrent_writers_and_a_reader_see_only_whole_files(store: StateStore) -> None:
    store.save(sample_progress())
    errors: list[str] = []
    merges: list[str] = []

    def write(tag: str) -> None:
        writer = StateStore(store.project, store.state_dir)
        for i in range(30):
            progress = sample_progress()
            progress.set("project", StepState.VERIFIED, f"{tag}{i}" * 500)
            said = writer.save(progress)
            if said:  # the other writer's saves are merged in and announced, never errors
                (errors if said.startswith(SAVE_FAILED) else merges).append(said)

    threads = [threading.Thread(target=write, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    reads = 0
    while any(t.is_alive() for t in threads) or reads < 5:
        text = store.path.read_text()
        json.loads(text)  # a half-written file would fail here
        reads += 1
    for thread in threads:
        thread.join()
    assert errors == []
    assert merges and all(m.startswith("Another convex-auth-wizard saved") for m in merges)
    assert store.load().progress is not None
    assert leftovers(store) == []


# --- secrets ------------------------------------------------------------------------------


def test_state_file_holds_no_secret_and_no_token(store: StateStore) -> None:
    signature = RAW_TOKEN.rsplit(".", 1)[1]
    secretive = StateStore(store.project, store.state_dir, secrets=[SECRET_KEY, WEBHOOK_SECRET])
    progress = sample_progress()
    progress.checks.append({"id": "env.secret_exposure", "status": "fail", "title": "x",
                            "detail": f"VITE_KEY={SECRET_KEY} and {WEBHOOK_SECRET}",
                            "fix": f"Authorization: Bearer {RAW_TOKEN}", "step": "project"})
    progress.convex_answer = {"pasted": f"log line with {RAW_TOKEN}", RAW_TOKEN: SECRET_KEY}
    progress.set("user-sync", StepState.FAILING, f"token {RAW_TOKEN}")
    assert secretive.save(progress) is None
    text = secretive.path.read_text()
    for forbidden in (RAW_TOKEN, signature, SECRET_KEY, WEBHOOK_SECRET):
        assert forbidden not in text
    assert "sk_test_…" in text and "[token removed]" in text
    assert secretive.load().progress is not None


def test_scrub_data_walks_keys_and_values() -> None:
    data = {"a": [SECRET_KEY, {"b": RAW_TOKEN}], SECRET_KEY: 1, "n": 3}
    text = json.dumps(scrub_data(data))
    assert SECRET_KEY not in text and RAW_TOKEN not in text and '"n": 3' in text


# --- re-verification on resume -------------------------------------------------------------


def test_resume_sends_steps_verified_against_another_issuer_back_to_failing(
        make_project: MakeProject, issuer: LocalIssuer, tmp_path: Path) -> None:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key)
    session = load(Options(project_dir=root))
    progress = Progress()
    progress.set("project", StepState.VERIFIED)
    progress.set("verify-config", StepState.VERIFIED)
    progress.set("check-token", StepState.VERIFIED)
    progress.issuer = issuer.url
    assert recheck_on_resume(progress, session) == []
    assert progress.state_of("verify-config") is StepState.VERIFIED

    progress.issuer = "https://old-app.clerk.accounts.dev"
    messages = recheck_on_resume(progress, session)
    assert len(messages) == 2
    assert progress.state_of("verify-config") is StepState.FAILING
    assert progress.state_of("check-token") is StepState.FAILING
    assert "issuer changed from https://old-app.clerk.accounts.dev" in \
        progress.steps["check-token"].note
    assert progress.state_of("project") is StepState.VERIFIED


def test_resume_demotes_verify_config_when_a_local_check_now_fails(
        make_project: MakeProject, issuer: LocalIssuer) -> None:
    root = make_project(issuer.url + "/.well-known/jwks.json",
                        publishable_key=issuer.publishable_key)
    progress = Progress()
    progress.set("verify-config", StepState.VERIFIED)
    progress.set("open-dashboard", StepState.CONFIRMED)
    messages = recheck_on_resume(progress, load(Options(project_dir=root)))
    assert progress.state_of("verify-config") is StepState.FAILING
    assert progress.steps["verify-config"].note.startswith("env.issuer")
    assert progress.state_of("open-dashboard") is StepState.CONFIRMED
    assert len(messages) == 1


# --- the reset command ---------------------------------------------------------------------


def test_cli_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str], make_project: MakeProject) -> None:
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))
    root = make_project("https://example.clerk.accounts.dev")
    store = StateStore(root)
    assert store.path.is_relative_to(tmp_path / "state")
    store.save(sample_progress())

    assert cli.main(["reset", "--project", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("Forgot the saved progress for")
    assert not store.path.exists()

    assert cli.main(["reset", "--project", str(root)]) == 0
    assert capsys.readouterr().out.startswith("No saved progress for")

    store.save(sample_progress())
    monkeypatch.chdir(root / "convex")  # found like the CLI finds it: nearest package.json
    assert cli.main(["reset"]) == 0
    assert "Forgot" in capsys.readouterr().out
    assert not store.path.exists()

    # What --restart kept goes too, and reset says so; another project's copies stay.
    other = StateStore(tmp_path / "elsewhere")
    other.save(sample_progress())
    assert other.restart()[0] is not None
    store.save(sample_progress())
    backup, _problem = store.restart()
    assert backup is not None and backup.exists()
    store.save(sample_progress())
    assert cli.main(["reset", "--project", str(root)]) == 0
    out = capsys.readouterr().out
    assert "Forgot" in out and "Removed 1 earlier cop(ies)" in out
    assert not backup.exists() and not store.path.exists()
    assert len(other.kept_copies()) == 1


def test_the_state_file_holds_no_raw_control_character(tmp_path: Path) -> None:
    """Someone will `cat` it: ESC, DEL and C1 from a note or a claim are written as escapes,
    and read back as they were."""
    hostile = "x\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07 \x9b31m \x7f \u202e"
    store = StateStore(tmp_path / "app", tmp_path / "state")
    progress = Progress(started_at=1_800_000_000, updated_at=1_800_000_000)
    progress.set("open-dashboard", StepState.CONFIRMED, hostile, at=1_800_000_000)
    assert store.save(progress) is None
    raw = store.path.read_bytes().decode("utf-8")
    assert not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e"
                   for c in raw)
    loaded = StateStore(tmp_path / "app", tmp_path / "state").load().progress
    assert loaded is not None and loaded.steps["open-dashboard"].note == hostile
