"""The garbage collector is paused while the wizard starts and resumed after its first frame."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui_support import make_app, settle
from wizard import collector


@pytest.fixture
def collector_on() -> Iterator[None]:
    """Each test starts with the collector on and leaves it on, nothing frozen."""
    gc.enable()
    yield
    collector.resume()
    gc.unfreeze()
    gc.enable()


def test_pause_then_resume_freezes_what_start_up_built(collector_on: None) -> None:
    collector.pause()
    assert not gc.isenabled() and collector.paused()
    built = [object() for _ in range(10)]
    collector.resume()
    assert gc.isenabled() and not collector.paused()
    assert gc.get_freeze_count() >= len(built)


def test_resume_without_pause_changes_nothing(collector_on: None) -> None:
    collector.resume()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_pause_leaves_a_collector_someone_else_turned_off_alone(collector_on: None) -> None:
    gc.disable()
    collector.pause()
    assert not collector.paused()
    collector.resume()  # not ours to turn back on
    assert not gc.isenabled()


async def test_the_app_resumes_the_collector_after_its_first_frame(
        collector_on: None, project: Path, tmp_path: Path) -> None:
    collector.pause()  # as the wizard and demo commands do before they import the UI
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.first_frame.is_set()
        assert gc.isenabled() and not collector.paused()
        assert gc.get_freeze_count() > 0


@pytest.mark.parametrize("argv", [["--project", "{project}"], ["demo"]])
def test_the_wizard_commands_pause_it_before_the_ui_is_loaded(
        collector_on: None, project: Path, monkeypatch: pytest.MonkeyPatch,
        argv: list[str]) -> None:
    import screens.run
    from wizard.cli import main

    seen: list[bool] = []

    def started(*args: object, **kwargs: object) -> int:  # stands in for running the app
        seen.append(collector.paused())
        return 0

    monkeypatch.setattr(screens.run, "run_app", started)
    monkeypatch.setattr(screens.run, "run_demo", started)
    assert main([arg.format(project=project) for arg in argv]) == 0
    assert seen == [True]


def test_check_leaves_it_alone(collector_on: None, project: Path) -> None:
    from wizard.cli import main

    main(["check", "--project", str(project), "--offline"])
    assert gc.isenabled() and not collector.paused()
