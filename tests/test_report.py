"""The setup report: both formats, a failing and a verified project, its JSON shape, atomic
writes that never clobber a foreign file, and no secret or token in anything written."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, SECRET_KEY, WEBHOOK_SECRET, MakeProject
from wizard import __version__, cli
from wizard.checks.catalog import CATALOG
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer
from wizard.guards.state_dir import STATE_DIR_ENV
from wizard.output.report import (
    REPORT_FORMAT,
    build_report,
    md_cell,
    render_json,
    render_markdown,
    write_report_file,
)
from wizard.providers.clerk.keys import encode_publishable_key
from wizard.rules.jwt import AuthPath, read_paste
from wizard.services.convex_probe import ProbeStatus, probe_token
from wizard.walkthrough.progress import Progress, StepState
from wizard.walkthrough.session import Session, load
from wizard.walkthrough.state import StateStore
from wizard.walkthrough.steps import STEP_IDS, STEPS
from wizard.walkthrough.walkthrough import Walkthrough

FORBIDDEN_SECRETS = (SECRET_KEY, WEBHOOK_SECRET)


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv(STATE_DIR_ENV, str(folder))
    return folder


def walk_through(session: Session, token: str, *, all_done: bool) -> tuple[Progress, str]:
    """Progress as the wizard leaves it after a token was pasted; returns it and the token."""
    verdict = session.verify(read_paste(token))
    progress = Progress(started_at=NOW - 600, updated_at=NOW)
    progress.path = AuthPath.TEMPLATE
    progress.issuer = session.issuer.fetch_url if session.issuer else None
    progress.token = verdict.to_dict()
    progress.checks = [c.to_dict() for c in verdict.checks]
    for step in STEPS:
        if all_done or step.id in ("project", "open-dashboard"):
            state = StepState.VERIFIED if step.verifiable else StepState.CONFIRMED
        elif step.id == "check-token":
            state = StepState.VERIFIED if verdict.verified else StepState.FAILING
        else:
            continue
        first_failed = next((c.id for c in verdict.checks if c.failed), "")
        progress.set(step.id, state, "" if state is not StepState.FAILING else
                     f"{first_failed} failed", at=NOW - 60)
    # A careless caller stashing the raw token must still not leak it.
    progress.set("user-sync", progress.state_of("user-sync"), f"pasted {token}", at=NOW - 30)
    return progress, token


@pytest.fixture
def verified(make_project: MakeProject, issuer: LocalIssuer) -> tuple[Path, str]:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key, name="good")
    session = load(Options(project_dir=root, at=NOW))
    session.fetch()
    token = issuer.mint(issuer.template_claims(NOW, lifetime=3600))
    progress, _ = walk_through(session, token, all_done=True)
    assert session.verify(read_paste(token)).verified
    store = StateStore(root, secrets=session.secrets())
    assert store.save(progress) is None
    return root, token


@pytest.fixture
def failing(make_project: MakeProject, issuer: LocalIssuer) -> tuple[Path, str]:
    other_key = encode_publishable_key("other-app-12.clerk.accounts.dev")
    root = make_project(issuer.url, publishable_key=other_key, name="bad")
    session = load(Options(project_dir=root, at=NOW))
    session.fetch()
    token = issuer.mint(issuer.template_claims(NOW, aud=["convex", "other"],
                                               note=f"leaked {SECRET_KEY}"))
    progress, _ = walk_through(session, token, all_done=False)
    assert not session.verify(read_paste(token)).verified
    assert StateStore(root).save(progress) is None
    return root, token


def forbidden(token: str) -> tuple[str, ...]:
    return (token, token.rsplit(".", 1)[1], *FORBIDDEN_SECRETS)


def assert_clean(path: Path, token: str) -> None:
    text = path.read_text(encoding="utf-8")
    for value in forbidden(token):
        assert value not in text, f"{path.name} holds a secret or the token"


# --- the JSON shape (as documented in wizard/report.py) ------------------------------------

OPT_STR = (str, type(None))
SOURCED = {"value": str, "source": str, "derived": bool}
SHAPE: dict[str, Any] = {
    "format": str,
    "tool": {"name": str, "version": str},
    "generated_at": str,
    "summary": {"ok": bool, "line": str, "steps_total": int, "steps_done": int,
                "steps_verified": int, "steps_confirmed": int, "steps_failing": int,
                "checks": {"pass": int, "fail": int, "warn": int, "skip": int}},
    "project": {"root": str, "found": bool, "auth_config": OPT_STR,
                "convex_version": ({"value": str, "source": str}, type(None))},
    "publishable_key": ({"instance_type": OPT_STR, "frontend_api": OPT_STR, "source": str,
                         "problem": OPT_STR}, type(None)),
    "issuer": (SOURCED, type(None)),
    "application_id": SOURCED,
    "providers": [{"index": int, "kind": str, "domain": OPT_STR, "domain_env": OPT_STR,
                   "application_id": OPT_STR, "line": int, "commented_out": bool}],
    "path": OPT_STR,
    "progress_saved": bool,
    "steps": [{"id": str, "title": str, "guide": str, "state": str, "done_by": OPT_STR,
               "changed_at": OPT_STR, "note": str}],
    "checks": [{"id": str, "status": str, "title": str, "detail": str, "fix": str,
                "step": str, "origin": str}],
    "token": ({"kind": OPT_STR, "header": dict, "claims": dict,
               "expires_in": (int, type(None)), "checked_at": OPT_STR}, type(None)),
    "path_disagreement": OPT_STR,
    "convex": ({"status": str, "http_status": (int, type(None)), "code": OPT_STR,
                "message": str, "asked_at": OPT_STR, "url": str,
                "agrees_with_wizard": (bool, type(None))}, type(None)),
}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def shape_problems(value: object, shape: object, where: str = "$") -> list[str]:
    if isinstance(shape, tuple) and any(isinstance(s, (dict, list)) for s in shape):
        attempts = [shape_problems(value, s, where) for s in shape]
        return [] if any(not a for a in attempts) else attempts[0]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        problems = [f"{where}: keys {sorted(value)} != {sorted(shape)}"] \
            if set(value) != set(shape) else []
        for key, sub in shape.items():
            if key in value:
                problems += shape_problems(value[key], sub, f"{where}.{key}")
        return problems
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [p for i, item in enumerate(value)
                for p in shape_problems(item, shape[0], f"{where}[{i}]")]
    assert isinstance(shape, (type, tuple))
    if shape is int and isinstance(value, bool):
        return [f"{where}: bool where int expected"]
    return [] if isinstance(value, shape) else [f"{where}: {type(value).__name__}"]


def check_documented_shape(report: dict[str, Any]) -> None:
    assert shape_problems(report, SHAPE) == []
    assert report["format"] == REPORT_FORMAT
    assert ISO.match(report["generated_at"])
    assert [s["id"] for s in report["steps"]] == list(STEP_IDS)
    for step in report["steps"]:
        assert step["state"] in ("pending", "verified", "confirmed", "failing")
        assert step["done_by"] in ("verification", "your word", None)
        assert step["changed_at"] is None or ISO.match(step["changed_at"])
    for check in report["checks"]:
        assert check["status"] in ("pass", "fail", "warn", "skip")
        assert check["origin"] in ("live", "saved")
    assert len({c["id"] for c in report["checks"]}) == len(report["checks"])
    order = list(CATALOG)
    assert [c["id"] for c in report["checks"]] == sorted(
        (c["id"] for c in report["checks"]), key=order.index)
    convex = report["convex"]
    if convex is not None:
        assert convex["status"] in ("accepted", "rejected", "inconclusive", "not_sent")
        assert convex["asked_at"] is None or ISO.match(convex["asked_at"])


def test_the_documented_shape_is_in_the_module_docstring() -> None:
    import wizard.output.report

    doc = wizard.output.report.__doc__ or ""
    for key in SHAPE:
        assert f'"{key}"' in doc, key


# --- both formats, both projects ------------------------------------------------------------


def run_report(root: Path, fmt: str, output: Path) -> dict[str, Any] | str:
    assert cli.main(["report", "--project", str(root), "--format", fmt,
                     "--output", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    return json.loads(text) if fmt == "json" else text


def table_rows(markdown: str) -> list[list[str]]:
    rows = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert cells[0] == "" and cells[-1] == "", line
            rows.append(cells[1:-1])
    return rows


def test_report_of_a_verified_project(verified: tuple[Path, str], tmp_path: Path,
                                      state_dir: Path) -> None:
    root, token = verified
    report = run_report(root, "json", tmp_path / "report.json")
    assert isinstance(report, dict)
    check_documented_shape(report)
    summary = report["summary"]
    assert summary["ok"] is True and summary["checks"]["fail"] == 0
    assert summary["line"].startswith("Setup verified: 10 of 10 steps done (4 by verification, "
                                      "6 by your word)")
    assert report["tool"] == {"name": "convex-auth-wizard", "version": __version__}
    assert report["project"]["root"] == str(root.resolve())
    assert report["publishable_key"]["instance_type"] == "development"
    assert report["issuer"]["value"] == f"http://{report['publishable_key']['frontend_api']}"
    assert report["issuer"]["source"] == ".env.local:CLERK_JWT_ISSUER_DOMAIN"
    assert report["application_id"]["value"] == "convex"
    assert report["providers"][0]["domain_env"] == "CLERK_JWT_ISSUER_DOMAIN"
    by_id = {c["id"]: c for c in report["checks"]}
    assert by_id["issuer.jwks"]["status"] == "pass" and by_id["issuer.jwks"]["origin"] == "live"
    assert by_id["token.signature"] == {**by_id["token.signature"], "status": "pass",
                                        "origin": "saved"}
    steps = {s["id"]: s for s in report["steps"]}
    assert steps["check-token"]["done_by"] == "verification"
    assert steps["open-dashboard"]["done_by"] == "your word"
    assert report["token"]["kind"] == "template"
    assert report["token"]["claims"]["sub"] == "user_2demoUser"
    assert "signature" not in json.dumps(report["token"])

    markdown = run_report(root, "md", tmp_path / "report.md")
    assert isinstance(markdown, str)
    lines = markdown.splitlines()
    assert lines[0] == "# Clerk + Convex setup report"
    assert lines[2].startswith("**✅ Setup verified: 10 of 10 steps done")
    for heading in ("## Project", "## Auth config providers", "## Steps", "## Checks",
                    "## Last verified token"):
        assert heading in lines
    rows = table_rows(markdown)
    check_rows = [r for r in rows if len(r) == 5 and r[1].strip().startswith("token.claims")]
    assert check_rows and "\\|user_2demoUser" in check_rows[0][3]  # iss|sub, escaped
    widths = {len(r) for r in rows}
    assert widths <= {2, 3, 5}
    assert "| Read the project | ✅ done | by verification |" in markdown
    assert "| Open the Clerk dashboard (Step 1) | ☑️ done | by your word |" in markdown

    for written in (tmp_path / "report.json", tmp_path / "report.md",
                    *sorted((state_dir / "projects").iterdir())):
        assert_clean(written, token)


def test_report_of_a_project_with_failures(failing: tuple[Path, str], tmp_path: Path,
                                           state_dir: Path) -> None:
    root, token = failing
    report = run_report(root, "json", tmp_path / "bad.json")
    assert isinstance(report, dict)
    check_documented_shape(report)
    summary = report["summary"]
    assert summary["ok"] is False
    assert summary["steps_done"] == 2 and summary["steps_failing"] == 1
    by_id = {c["id"]: c for c in report["checks"]}
    mismatch = by_id["env.issuer_matches_key"]
    assert mismatch["status"] == "fail" and mismatch["fix"] and "other-app-12" in \
        mismatch["detail"]
    assert by_id["token.aud"]["status"] == "fail" and by_id["token.aud"]["origin"] == "saved"
    assert summary["line"].startswith("Not verified yet: 2 of 10 steps done (1 by verification, "
                                      "1 by your word), 1 failing; ")
    assert "First to fix: env.issuer_matches_key" in summary["line"]
    assert summary["checks"]["fail"] == sum(c["status"] == "fail" for c in report["checks"])
    steps = {s["id"]: s for s in report["steps"]}
    assert steps["check-token"]["state"] == "failing" and steps["check-token"]["done_by"] is None
    assert steps["verify-config"]["state"] == "pending"
    assert report["token"]["claims"]["note"].startswith("leaked sk_test_…")

    markdown = run_report(root, "md", tmp_path / "bad.md")
    assert isinstance(markdown, str)
    assert markdown.splitlines()[2].startswith("**❌ Not verified yet: 2 of 10 steps done")
    assert "| ❌ fail | env.issuer_matches_key | verify-config |" in markdown
    assert "| ❌ fail | token.aud (saved) | check-token |" in markdown
    assert "| Check a real token (Verification 2) | ❌ failing | — |" in markdown
    for row in table_rows(markdown):
        assert len(row) in (2, 3, 5)
    for written in (tmp_path / "bad.json", tmp_path / "bad.md",
                    *sorted((state_dir / "projects").iterdir())):
        assert_clean(written, token)


def test_report_to_stdout_without_saved_progress(
        make_project: MakeProject, issuer: LocalIssuer,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key)
    assert cli.main(["report", "--project", str(root), "--format", "json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out)
    check_documented_shape(report)
    assert report["progress_saved"] is False and report["token"] is None
    assert all(s["state"] == "pending" for s in report["steps"])
    assert report["summary"]["ok"] is False
    token_checks = [c for c in report["checks"] if c["id"].startswith("token.")]
    assert token_checks and all(c["status"] == "skip" for c in token_checks)
    for value in FORBIDDEN_SECRETS:
        assert value not in out

    assert cli.main(["report", "--project", str(root)]) == 0
    markdown = capsys.readouterr().out
    assert "No saved progress" in markdown and "No token verified yet." in markdown


def test_report_with_a_corrupt_state_file_says_so_and_still_reports(
        make_project: MakeProject, issuer: LocalIssuer,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key)
    store = StateStore(root)
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"schema_version": 1, "progr')
    assert cli.main(["report", "--project", str(root), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["progress_saved"] is False
    assert captured.err.count("\n") == 1 and "Saved progress was unreadable" in captured.err


def test_build_report_is_stable_for_a_given_instant(verified: tuple[Path, str]) -> None:
    root, _ = verified
    session = load(Options(project_dir=root, offline=True))
    progress = StateStore(root).load().progress
    report = build_report(session, progress, generated_at=NOW)
    assert report["generated_at"] == "2027-01-15T08:00:00Z"
    assert build_report(session, progress, generated_at=NOW) == report
    assert json.loads(render_json(report)) == report
    assert "Generated 2027-01-15 08:00 UTC by convex-auth-wizard" in render_markdown(report)


def test_a_verified_token_of_the_other_path_is_said_in_the_report(
        verified: tuple[Path, str]) -> None:
    root, _ = verified
    session = load(Options(project_dir=root, offline=True))
    progress = StateStore(root).load().progress
    assert progress is not None and progress.token is not None
    assert progress.token["kind"] == "template"
    progress.path = AuthPath.TEMPLATE
    assert build_report(session, progress, generated_at=NOW)["path_disagreement"] is None
    progress.path = AuthPath.INTEGRATION
    report = build_report(session, progress, generated_at=NOW)
    assert report["path_disagreement"].startswith("You chose Clerk's Convex integration, but "
                                                  "the token that verified is the JWT "
                                                  "template's")
    assert "**Not the path you chose:** You chose Clerk's Convex integration" in \
        render_markdown(report)


def test_markdown_cells_cannot_break_the_table() -> None:
    assert md_cell("a|b") == "a\\|b"
    assert md_cell("line1\nline2") == "line1<br>line2"
    assert md_cell("<issuer>/x & y") == "&lt;issuer&gt;/x &amp; y"
    assert md_cell(["convex", 1]) == '\\["convex", 1\\]'  # brackets never start a link
    assert md_cell(None) == "null"


# --- writing: atomic, never over a foreign file --------------------------------------------


def test_output_refuses_to_overwrite_a_foreign_file(
        make_project: MakeProject, issuer: LocalIssuer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(issuer.url, publishable_key=issuer.publishable_key)
    foreign = tmp_path / "NOTES.md"
    foreign.write_text("my own notes\n")
    assert cli.main(["report", "--project", str(root), "--output", str(foreign)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists and is not a report" in err
    assert foreign.read_text() == "my own notes\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".NOTES")) == []

    ours = tmp_path / "report.md"
    for fmt in ("md", "json", "md"):  # our own report, in either format, may be replaced
        assert cli.main(["report", "--project", str(root), "--format", fmt,
                         "--output", str(ours)]) == 0
    assert ours.read_text().startswith("# Clerk + Convex setup report")

    assert cli.main(["report", "--project", str(root), "--output", str(tmp_path)]) == 1
    assert "cannot write" in capsys.readouterr().err
    missing = tmp_path / "no-such-folder" / "r.md"
    assert cli.main(["report", "--project", str(root), "--output", str(missing)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_write_report_file_overwrite_flag_and_atomicity(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.md"
    target.write_text("someone else's file")
    with pytest.raises(FileExistsError):
        write_report_file(target, f"<!-- {REPORT_FORMAT} -->\n", overwrite=False)
    write_report_file(target, f"new <!-- {REPORT_FORMAT} -->\n", overwrite=True)
    assert target.read_text().startswith("new")

    def crash(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="No space"):
        write_report_file(target, f"newer <!-- {REPORT_FORMAT} -->\n", overwrite=False)
    monkeypatch.undo()
    assert target.read_text().startswith("new <!--")
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_convex_answer_and_saved_clerk_checks_in_both_formats(
        verified: tuple[Path, str], tmp_path: Path) -> None:
    root, token = verified
    store = StateStore(root)
    progress = store.load().progress
    assert progress is not None
    progress.convex_answer = {
        "status": "rejected", "http_status": 401, "code": "NoAuthProvider",
        "message": "No auth provider found matching the given token", "time": NOW - 20,
        "url": "https://happy-otter-123.convex.cloud", "agrees_with_wizard": False,
        "token": token}  # a careless caller: only the documented fields may be copied
    progress.checks.append({"id": "clerk.template", "status": "fail", "title": "JWT template",
                            "detail": 'no template named "convex"; found "Convex"',
                            "fix": "Rename it", "step": "create-template"})
    progress.checks.append({"id": "made.up", "status": "pass", "title": "t", "detail": "",
                            "fix": "", "step": "project"})
    assert store.save(progress) is None
    report = run_report(root, "json", tmp_path / "convex.json")
    assert isinstance(report, dict)
    check_documented_shape(report)
    assert report["convex"] == {
        "status": "rejected", "http_status": 401, "code": "NoAuthProvider",
        "message": "No auth provider found matching the given token",
        "asked_at": "2027-01-15T07:59:40Z", "url": "https://happy-otter-123.convex.cloud",
        "agrees_with_wizard": False}
    by_id = {c["id"]: c for c in report["checks"]}
    assert by_id["clerk.template"]["origin"] == "saved"
    assert by_id["clerk.template"]["status"] == "fail"
    assert "made.up" not in by_id  # only checks of the catalog are reported
    assert report["summary"]["checks"]["fail"] == 1
    markdown = run_report(root, "md", tmp_path / "convex.md")
    assert isinstance(markdown, str)
    assert "## Convex's answer" in markdown
    assert "**❌ Convex rejected the token** (`https://happy-otter-123.convex.cloud`, " \
        "2027-01-15 07:59 UTC)." in markdown
    assert "| Code | NoAuthProvider |" in markdown
    assert "| Agrees with the wizard's checks | **no**: a rule differs" in markdown
    assert "| ❌ fail | clerk.template (saved) | create-template |" in markdown
    for row in table_rows(markdown):
        assert len(row) in (2, 3, 5)
    for written in (tmp_path / "convex.json", tmp_path / "convex.md"):
        assert_clean(written, token)


@pytest.mark.parametrize("saved_by", ["this version", "0.1"])
def test_a_probe_that_was_not_sent_shows_its_documented_status(
        verified: tuple[Path, str], tmp_path: Path, saved_by: str) -> None:
    """Convex was asked at a URL no token may go to: the walkthrough keeps that answer, and the
    report names it as documented ("not_sent"), also when 0.1 wrote it as "not sent"."""
    root, token = verified
    walkthrough = Walkthrough(Options(project_dir=root, at=NOW), state_dir=None,
                              clock=lambda: float(NOW))
    walkthrough.start()
    answer = probe_token("http://example.com", token)
    assert answer.status is ProbeStatus.NOT_SENT
    walkthrough.record_convex_answer(answer, None)
    if saved_by == "0.1":
        store = StateStore(root)
        progress = store.load().progress
        assert progress is not None and progress.convex_answer is not None
        progress.convex_answer["status"] = "not sent"
        assert store.save(progress) is None
    report = run_report(root, "json", tmp_path / "probe.json")
    assert isinstance(report, dict)
    check_documented_shape(report)
    assert report["convex"]["status"] == "not_sent"
    markdown = run_report(root, "md", tmp_path / "probe.md")
    assert isinstance(markdown, str) and "**➖ The token was not sent** (`http://example.com`" \
        in markdown
    for written in (tmp_path / "probe.json", tmp_path / "probe.md"):
        assert_clean(written, token)


def test_without_a_convex_answer_the_report_says_convex_was_not_asked(
        verified: tuple[Path, str], tmp_path: Path) -> None:
    root, _ = verified
    report = run_report(root, "json", tmp_path / "r.json")
    assert isinstance(report, dict) and report["convex"] is None
    markdown = run_report(root, "md", tmp_path / "r.md")
    assert isinstance(markdown, str) and "Convex was not asked" in markdown
