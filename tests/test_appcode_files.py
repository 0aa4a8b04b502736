"""Which files the app-code reader reads: within bounds, never outside the project, never a
non-regular file, nothing git ignores; and what it records about what it left out."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.appcode_apps import VITE_MAIN, line_of, only, problems, write_app
from wizard.appcode import Limits, read_app_code
from wizard.appcode.discover import SKIPPED_LISTED

_OPENED: list[str] | None = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _OPENED is not None and event in ("open", "os.scandir", "os.listdir") and args:
        path = args[0]
        if isinstance(path, (str, bytes, os.PathLike)):
            _OPENED.append(os.fsdecode(path))


sys.addaudithook(_audit)


@contextmanager
def paths_touched() -> Iterator[list[str]]:
    """Every path opened or listed (by Python's audit events) inside the block."""
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


MISTAKE = VITE_MAIN.replace("import.meta.env.VITE_CONVEX_URL", "process.env.VITE_CONVEX_URL")


def _outside(tmp_path: Path) -> Path:
    """A folder beside the project holding a source file with a mistake the checks would
    report if they ever read it."""
    outside = tmp_path / "outside"
    (outside / "src").mkdir(parents=True)
    (outside / "src" / "main.tsx").write_text(MISTAKE)
    (outside / "Evil.tsx").write_text(MISTAKE)
    return outside


def test_symlinks_out_of_the_project_are_not_followed(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    root = tmp_path / "app"
    write_app(root, "vite")
    (root / "src" / "main.tsx").unlink()
    (root / "lib").mkdir()
    (root / "lib" / "main.tsx").write_text(VITE_MAIN)
    (root / "src" / "Evil.tsx").symlink_to(outside / "Evil.tsx")
    (root / "components").symlink_to(outside / "src")
    with paths_touched() as touched:
        result = read_app_code(root)
    assert problems(result) == []
    assert not [p for p in touched if os.path.realpath(p).startswith(str(outside))]
    skipped = {(s.path, s.reason) for s in result.scan.skipped}
    assert {("src/Evil.tsx", "symlink_outside"), ("components", "symlink_outside")} <= skipped


def test_a_symlinked_src_outside_is_not_read(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    root = tmp_path / "app"
    write_app(root, "vite")
    for name in ("main.tsx", "App.tsx"):
        (root / "src" / name).unlink()
    (root / "src").rmdir()
    (root / "src").symlink_to(outside / "src")
    with paths_touched() as touched:
        result = read_app_code(root)
    assert result.scan.files_read == 0
    assert [(s.path, s.reason) for s in result.scan.skipped] == [("src", "symlink_outside")]
    assert not [p for p in touched if os.path.realpath(p).startswith(str(outside))]


def test_a_symlink_inside_the_project_is_followed(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite")
    (root / "packages" / "web").mkdir(parents=True)
    (root / "src").rename(root / "packages" / "web" / "src")
    (root / "src").symlink_to(root / "packages" / "web" / "src")
    result = read_app_code(root)
    assert result.status("app.provider") == "pass"
    assert result.for_check("app.provider")[0].file == "src/main.tsx"


def test_manifests_and_declarations_behind_outside_symlinks_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "convex").mkdir(parents=True)
    (outside / "package.json").write_text('{"dependencies": {"next": "16"}}')
    (outside / "convex" / "package.json").write_text('{"name": "convex", "version": "9.9.9"}')
    root = tmp_path / "app"
    write_app(root, "vite", replace={"src/main.tsx": (
        "useAuth={useAuth}>", 'useAuth={useAuth} jwtTemplateName="convex">')})
    (root / "node_modules").mkdir()
    (root / "node_modules" / "convex").symlink_to(outside / "convex")
    (root / "package.json").unlink()
    (root / "package.json").symlink_to(outside / "package.json")
    with paths_touched() as touched:
        result = read_app_code(root)
    assert not [p for p in touched if os.path.realpath(p).startswith(str(outside))]
    assert result.framework.name != "next"
    assert result.convex_props_source == "default"
    assert result.status("app.convex_copies") == "skip"


def test_a_fifo_in_src_is_never_opened(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite")
    os.mkfifo(root / "src" / "pipe.tsx")
    done: list[object] = []
    with paths_touched() as touched:
        worker = threading.Thread(target=lambda: done.append(read_app_code(root)), daemon=True)
        worker.start()
        worker.join(30)
    assert done, "reading the app hung on a FIFO"
    assert not [p for p in touched if p.endswith("pipe.tsx")]
    result = done[0]
    assert ("src/pipe.tsx", "not_regular") in {(s.path, s.reason)
                                               for s in result.scan.skipped}  # type: ignore[attr-defined]


def test_gitignored_and_build_folders_are_skipped(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", extra={
        ".gitignore": "# build\nsrc/generated/\n*.gen.tsx\n!src/keep.gen.tsx\n",
        "src/generated/bad.tsx": MISTAKE,
        "src/drop.gen.tsx": MISTAKE,
        "src/keep.gen.tsx": MISTAKE.replace("<App />", "<App />{/* kept */}"),
        "src/.hidden/bad.tsx": MISTAKE,
        "node_modules/pkg/bad.tsx": MISTAKE,
        "dist/bad.js": MISTAKE,
        "src/dist/bad.js": MISTAKE,
        ".next/bad.js": MISTAKE,
        "coverage/bad.js": MISTAKE,
    })
    with paths_touched() as touched:
        result = read_app_code(root)
    assert not [p for p in touched if "bad" in p or "drop.gen" in p]
    found = [(f.reason, f.file) for f in problems(result) if f.check_id == "app.env_access"]
    assert found == [("wrong_accessor", "src/keep.gen.tsx")]


def test_shallow_files_elsewhere_are_found_only_when_they_import_convex_or_clerk(
        tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", extra={
        "providers/ConvexClerk.tsx": MISTAKE,
        "tools/deep/deeper/bad.tsx": MISTAKE,
        "scripts/build.ts": "// convex deploy helper, no client import\nexport {};\n",
    })
    with paths_touched() as touched:
        result = read_app_code(root)
    env = [(f.file, f.line) for f in problems(result) if f.check_id == "app.env_access"]
    assert env == [("providers/ConvexClerk.tsx",
                    line_of(root, "providers/ConvexClerk.tsx", "process.env"))]
    assert not [p for p in touched if "deeper" in p]
    assert result.scan.files_read == 4 and result.scan.files_parsed == 3


def test_a_huge_source_tree_is_read_within_bounds(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite")
    folder = root / "src" / "components"
    folder.mkdir()
    body = 'import { useQuery } from "convex/react";\nexport const C = () => null;\n'
    for index in range(4500):
        (folder / f"c{index:05d}.tsx").write_text(body if index % 2 else "export {};\n")
    started = time.monotonic()
    result = read_app_code(root)
    assert time.monotonic() - started < 120  # a hang guard only; benchmarks/ measures speed
    limits = Limits()
    assert result.scan.files_read == limits.max_files
    assert result.scan.skipped_counts["file_limit"] == 4502 - limits.max_files
    assert len(result.scan.skipped) == SKIPPED_LISTED
    assert result.scan.files_seen == 4502
    assert result.status("app.provider") == "pass"


@pytest.mark.parametrize(("limits", "reason"), [
    (Limits(max_folders=1), "folder_limit"),
    (Limits(max_total_bytes=700), "byte_limit"),
    (Limits(max_file_bytes=600), "too_large"),
    (Limits(parse_seconds_total=0.0), "parse_deadline"),
])
def test_each_bound_is_recorded(tmp_path: Path, limits: Limits, reason: str) -> None:
    root = write_app(tmp_path, "vite")
    result = read_app_code(root, limits=limits)
    assert result.scan.skipped_counts[reason] >= 1
    assert reason in {s.reason for s in result.scan.skipped}


def test_an_unreadable_file_is_recorded_and_reading_goes_on(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", extra={"src/locked.tsx": MISTAKE})
    (root / "src" / "broken.tsx").symlink_to(root / "src" / "missing.tsx")
    result = read_app_code(root)
    assert result.status("app.provider") == "pass"
    assert ("src/broken.tsx", "unreadable") in {(s.path, s.reason) for s in result.scan.skipped}


def test_the_main_file_alone_is_enough(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "useAuth={useAuth}", "useAuth={useAuth()}")})
    (root / "src" / "App.tsx").unlink()
    assert only(read_app_code(root), "app.provider").reason == "use_auth_called"


def test_workspace_packages_are_other_packages(tmp_path: Path) -> None:
    """At a monorepo root, ``packages/*`` hold other packages: the shallow search does not
    walk them (the app's own folders still are)."""
    root = write_app(tmp_path, "vite", extra={
        "package.json": '{"workspaces": ["packages/*", "tools"], "dependencies": {"vite": "8",'
                        ' "react": "19", "convex": "1", "@clerk/clerk-react": "5"}}',
        "packages/ui/Provider.tsx": MISTAKE,
        "tools/Provider.tsx": MISTAKE,
        "providers/Provider.tsx": MISTAKE})
    with paths_touched() as touched:
        result = read_app_code(root)
    # listing packages/ itself is the copies search finding the members' node_modules
    assert not [p for p in touched if "/packages/" in p or p.endswith("/tools")]
    assert {f.file for f in problems(result)} == {"providers/Provider.tsx"}
