"""Start-up driver: one fresh interpreter, one app, headless, until its first screen is drawn.

    python first_screen.py bare|wizard SPAWN_TIME PROJECT STATE_DIR
    python first_screen.py probe       # exit 0 when the wizard app can be built

Prints the milliseconds since spawn (``SPAWN_TIME`` is the parent's ``time.time()`` just before
it started this process) at the moment Textual posts ``events.Ready``: the DOM is mounted and
the first frame has been composited ("Sent to the App when the DOM is ready and the first frame
has been displayed"). Both apps run under the same ``run_test`` harness, so only the apps
differ. The wizard starts as ``convex-auth-wizard`` starts it (:func:`wizard.cli.run_wizard`):
the garbage collector paused before the UI is imported, resumed by the app after its first
frame (:mod:`wizard.collector`).
"""

from __future__ import annotations

import sys
import time
from typing import Any


def _probe() -> int:
    try:
        from screens.run import build_app  # noqa: F401
    except ImportError as exc:
        print(f"the wizard UI is not available yet (screens.run.build_app: {exc})")
        return 3
    return 0


def main() -> int:
    mode = sys.argv[1]
    if mode == "probe":
        return _probe()
    spawn, project, state = float(sys.argv[2]), sys.argv[3], sys.argv[4]
    import asyncio

    elapsed: list[float] = []

    async def run() -> None:
        if mode == "bare":
            from textual.app import App, ComposeResult
            from textual.widgets import Static

            class Bare(App[None]):
                def compose(self) -> ComposeResult:
                    yield Static("Convex + Clerk")

            app: App[Any] = Bare()
        else:
            from pathlib import Path

            from wizard import collector

            collector.pause()  # as wizard.cli.run_wizard does before it imports the UI
            from screens.run import build_app

            app = build_app(project_dir=Path(project), state_dir=Path(state))
        from textual import events

        def first_frame(message: object) -> None:
            if isinstance(message, events.Ready) and not elapsed:
                elapsed.append(time.time() - spawn)

        async with app.run_test(headless=True, size=(100, 32),
                                message_hook=first_frame) as pilot:
            for _ in range(200):
                if elapsed:
                    break
                await pilot.pause(0.01)
            app.exit()
        if not elapsed:
            raise SystemExit("the app never drew its first frame")

    asyncio.run(run())
    print(f"{elapsed[0] * 1000:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
