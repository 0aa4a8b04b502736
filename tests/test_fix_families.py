"""The hook other plan families use (``wizard/fixes/appcode_plans.py``, ``env_plans.py``): a
registered family plans after the engine's own, on the bytes they leave, and is applied and
undone like them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fix_support import KEY, READS_VAR, apply, plan, snapshot, write_project
from wizard.fixes import (
    FixPlan,
    FixReason,
    PlanRequest,
    Refusal,
    Refused,
    Workspace,
    fixable_checks,
    planner,
    register_family,
    undo_last,
)

CHECK = "test.family"


@pytest.fixture
def family() -> Iterator[None]:
    @register_family(CHECK)
    def comment_env(ws: Workspace, asked: PlanRequest) -> None:
        with ws.blocking(CHECK):
            data = ws.read(".env.local")
            if data is None:
                raise Refused(Refusal.NOT_LOCATED, path=".env.local")
            edit = ws.edit(".env.local", data + b"# checked by a family\n")
            ws.add(FixPlan(CHECK, FixReason.KEY_RENAMED, {"path": ".env.local"}, (edit,)))

    yield
    planner._FAMILIES[:] = [f for f in planner._FAMILIES if f.checks != (CHECK,)]


def test_a_registered_family_plans_after_the_engine_and_undoes(family: None, tmp_path: Path
                                                                ) -> None:
    root = write_project(tmp_path / "app", {
        ".env.local": f"VITE_CLERK_PUBLISHABLE_KEY={KEY}\n".encode(),
        "convex/auth.config.ts": READS_VAR})
    before = snapshot(root)
    assert CHECK in fixable_checks()
    fixes = plan(root)
    assert [p.check_id for p in fixes.plans] == ["env.issuer", CHECK]
    assert fixes.plans[1].edits[0].old == fixes.plans[0].edits[0].new  # chained
    assert [p.check_id for p in plan(root, only={CHECK}).plans] == [CHECK]
    report = apply(root, fixes, tmp_path / "state")
    assert report.all_applied
    assert (root / ".env.local").read_bytes().endswith(b"# checked by a family\n")
    assert undo_last(root, state_dir=tmp_path / "state").ok
    assert snapshot(root) == before


def test_a_family_that_refuses_is_blocked(family: None, tmp_path: Path) -> None:
    root = write_project(tmp_path / "app", {"convex/auth.config.ts": READS_VAR})
    fixes = plan(root, only={CHECK})
    assert fixes.plans == () and [(b.check_id, b.reason) for b in fixes.blocked] == [
        (CHECK, Refusal.NOT_LOCATED)]
