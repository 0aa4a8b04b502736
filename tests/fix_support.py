"""Projects with one problem each, a stand-in Convex CLI, and the round trip every fix makes:
plan (nothing changes) → apply → the check passes → undo (the exact bytes come back)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from tests.conftest import NOW
from wizard.checks.model import Check
from wizard.checks.options import Options
from wizard.fixes import ApplyReport, FixSet, apply_fixes, plan_fixes, undo_last
from wizard.output.fix_command import key_facts
from wizard.providers.clerk.keys import encode_publishable_key
from wizard.walkthrough.session import Verdict, load, run_checks

HOST = "happy-otter-12.clerk.accounts.dev"
KEY = encode_publishable_key(HOST)
ISSUER = "https://" + HOST
OTHER = "https://other-app-7.clerk.accounts.dev"
VAR = "CLERK_JWT_ISSUER_DOMAIN"
READS_VAR = (b'import type { AuthConfig } from "convex/server";\n\nexport default {\n'
             b"  providers: [\n    {\n      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,\n"
             b'      applicationID: "convex",\n    },\n  ],\n} satisfies AuthConfig;\n')


def write_project(root: Path, files: dict[str, bytes]) -> Path:
    """``package.json``, ``convex/`` and ``files`` (project path → bytes)."""
    (root / "convex").mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"name": "app",
                                                   "dependencies": {"convex": "^1.45.0"}}))
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the project but node_modules, with its bytes and mode."""
    found: dict[str, tuple[bytes, int]] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "node_modules"]
        for name in names:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = (
                path.read_bytes(), stat.S_IMODE(path.lstat().st_mode))
    return found


def checks(root: Path, **options: object) -> dict[str, Check]:
    return {c.id: c for c in verdict(root, **options).checks}


def verdict(root: Path, **options: object) -> Verdict:
    settings: dict[str, object] = {"offline": True, "at": NOW, **options}
    return run_checks(Options(project_dir=root, **settings))  # type: ignore[arg-type]


def plan(root: Path, environ: dict[str, str] | None = None, **kwargs: object) -> FixSet:
    session = load(Options(project_dir=root, offline=True, environ=environ or {}))
    return plan_fixes(session.project, key=key_facts(session), **kwargs)  # type: ignore[arg-type]


def apply(root: Path, fixes: FixSet, state: Path, *, offline: bool = True) -> ApplyReport:
    return apply_fixes(root, fixes.plans, offline=offline, state_dir=state)


def round_trip(root: Path, state: Path, check_id: str, *, failing: bool = True,
               **kwargs: object) -> tuple[FixSet, ApplyReport, dict[str, tuple[bytes, int]]]:
    """The check fails (unless not ``failing``); plan (nothing changes); apply (every plan
    applied, the check passes); undo (every byte and mode as before). Returns the plans, the
    report and the project as the fix left it."""
    before = snapshot(root)
    if failing:
        assert checks(root)[check_id].status.value == "fail", checks(root)[check_id]
    fixes = plan(root, **kwargs)
    assert fixes.plans and not fixes.blocked, fixes.to_dict()
    assert snapshot(root) == before, "planning changed a file"
    report = apply(root, fixes, state)
    assert report.all_applied, report.to_dict()
    assert checks(root)[check_id].status.value == "pass", checks(root)[check_id]
    applied = snapshot(root)
    undone = undo_last(root, state_dir=state)
    assert undone.ok, undone.to_dict()
    assert snapshot(root) == before
    return fixes, report, applied


STANDIN_CLI = r'''#!{python}
"""A stand-in for node_modules/.bin/convex: records its arguments, keeps env variables in a
JSON file per deployment, answers env get/set as the real CLI does (convex-js lib/env.ts)."""
import json
import pathlib
import sys
import time

here = pathlib.Path(__file__).resolve().parent
args = sys.argv[1:]
with open(here / "convex-calls.jsonl", "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\n")
store_path = here / "convex-env.json"
store = json.loads(store_path.read_text()) if store_path.exists() else {{}}
deployment = "prod" if "--prod" in args else "dev"
rest = [a for a in args if a != "--prod"]
refusal = here / "convex-refuses"
if rest[:2] == ["env", "get"]:
    value = store.get(deployment, {{}}).get(rest[2])
    if value is None:
        sys.stderr.write('\u2716 Environment variable "' + rest[2] + '" not found.\n')
        sys.exit(1)
    sys.stdout.write(value + "\n")
    sys.exit(0)
if rest[:2] == ["env", "set"] and len(rest) == 4:
    if (here / "convex-hangs").exists():
        time.sleep(60)
    if refusal.exists():
        sys.stderr.write(refusal.read_text())
        sys.exit(1)
    store.setdefault(deployment, {{}})[rest[2]] = rest[3]
    store_path.write_text(json.dumps(store))
    sys.stderr.write("\u2714 Successfully set " + rest[2] + "\n")
    sys.exit(0)
sys.stderr.write("unexpected arguments\n")
sys.exit(2)
'''


def install_standin_cli(root: Path) -> Path:
    """The stand-in CLI; returns the file its calls are recorded in (one JSON list a line)."""
    script = root / "node_modules" / ".bin" / "convex"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(STANDIN_CLI.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    return script.parent / "convex-calls.jsonl"


def calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def written_text(folder: Path) -> str:
    """Everything under ``folder`` but backups, as text (to scan for secrets)."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.parent.name != "files":
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)
