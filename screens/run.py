"""Building and running the wizard: the app factory, the interactive command, the demo, and
the last line of defence around them.

:func:`build_app` injects everything (project, state folder, engine options, clock, demo,
browser), so tests run the real app against a temporary project and a local issuer.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screens.app import WizardApp
from wizard.checks.options import Options
from wizard.text.messages import _
from wizard.walkthrough.walkthrough import Walkthrough

if TYPE_CHECKING:  # the demo's stand-ins are loaded only when the demo runs
    from wizard.demo.context import DemoContext


def open_in_browser(url: str) -> bool:
    """Open a GUI browser when there is one; a console browser would take over the terminal."""
    headless_linux = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless_linux:
        return False
    import webbrowser  # only when a browser is asked for (it is slow to import)

    try:
        return bool(webbrowser.open(url))
    except webbrowser.Error:
        return False


def build_app(*, project_dir: Path, state_dir: Path | None = None,
              options: Options | None = None, clock: Callable[[], float] = time.time,
              demo: DemoContext | None = None, restart: bool = False,
              browser: Callable[[str], bool] = open_in_browser,
              notice: str | None = None) -> WizardApp:
    if options is None:
        options = Options(project_dir=project_dir, environ=dict(os.environ))
    elif options.project_dir is None:
        options = replace(options, project_dir=project_dir)
    walkthrough = Walkthrough(options, state_dir=state_dir, clock=clock)
    return WizardApp(walkthrough=walkthrough, demo=demo, restart=restart, browser=browser,
                     notice=notice)


def run_app(project_dir: Path | None, restart: bool = False,
            options: Options | None = None) -> int:
    """The interactive wizard. With no project here or above, the demo runs instead.
    ``options``: what the command line said (the hosts named for the keys, --offline,
    --jwks, --issuer, --application-id)."""
    if project_dir is None:
        from wizard.project.reader import find_project_root

        root, found = find_project_root(Path.cwd())
        if not found:
            return run_demo(notice=_("No project (package.json or convex/) was found here or "
                                     "above, so this is the demo. Run the wizard in your "
                                     "app's folder, or pass --project DIR."))
        project_dir = root
    options = replace(options or Options(environ=dict(os.environ)), project_dir=project_dir)
    return run_safely(build_app(project_dir=project_dir, options=options, restart=restart))


def run_safely(app: WizardApp) -> int:
    """Run the wizard until it exits. An unexpected error never ends it silently: status 1,
    one line on stderr, the scrubbed details in a log file under the state folder."""
    result: object = None
    try:
        result = app.run()
    except Exception as exc:  # raised outside Textual's loop (starting or stopping it)
        app.crash = app.crash or exc
    if app.crash is None:
        return result if isinstance(result, int) else 0
    from wizard.output.crash import report_crash

    # The demo's state folder is deleted when it exits; its log goes to the usual one.
    walkthrough = app.walkthrough
    log_dir = None if app.demo is not None else walkthrough.state_dir
    sys.stderr.write(report_crash(_("the wizard"), app.crash, log_dir,
                                  walkthrough.session.secrets()) + "\n")
    return 1


def _exit_now(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def _cleanup_on_hangup() -> Iterator[None]:
    """A closed terminal (SIGHUP) or a kill (SIGTERM) still stops the issuer and removes the
    temporary folder: the signal becomes SystemExit, so every ``with`` unwinds."""
    previous: dict[int, Any] = {}
    for name in ("SIGHUP", "SIGTERM"):
        number = getattr(signal, name, None)
        if number is None:
            continue
        with suppress(ValueError):  # not the main thread (tests): nothing to install
            previous[number] = signal.signal(number, _exit_now)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_demo(notice: str | None = None,
             runner: Callable[[WizardApp], object] | None = None) -> int:
    """Run the wizard on the demo; ``runner`` replaces ``app.run()`` (tests drive it)."""
    from wizard.demo.context import demo_notice, open_demo

    status = 0
    with _cleanup_on_hangup(), open_demo() as ctx:
        message = demo_notice(ctx) if notice is None else notice + " " + demo_notice(ctx)
        app = build_app(project_dir=ctx.project_dir, state_dir=ctx.state_dir,
                        options=ctx.options(), demo=ctx, notice=message)
        if runner is None:
            status = run_safely(app)
        else:
            runner(app)
    return status
