"""``convex-auth-wizard demo``: the whole wizard offline, without a Clerk account.

A :class:`~wizard.local_issuer.LocalIssuer` stands in for Clerk's Frontend API, a demo Vite +
Convex project is written to a temporary folder, and the check-token step offers sample
tokens (good ones and instructive bad ones). Everything is removed on exit and the issuer's
port is closed. Textual is imported only inside :func:`run_demo`.
"""

from __future__ import annotations

import json
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.engine import Options
from wizard.local_issuer import LocalIssuer

if TYPE_CHECKING:
    from screens.app import WizardApp

OTHER_ISSUER = "https://other-app-12.clerk.accounts.dev"
SAMPLES: tuple[tuple[str, str], ...] = (
    ("template", "Good: template"),
    ("integration", "Good: integration"),
    ("session", "Bad: no aud (session)"),
    ("expired", "Bad: expired"),
    ("wrong-issuer", "Bad: wrong issuer"),
)
AUTH_CONFIG = """import type { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
"""


def write_demo_project(root: Path, issuer: LocalIssuer) -> Path:
    """A minimal Vite + Convex + Clerk app that points at ``issuer``."""
    (root / "convex").mkdir(parents=True, exist_ok=True)
    package = {"name": "demo-app", "private": True,
               "dependencies": {"convex": "^1.45.0", "@clerk/clerk-react": "^5.0.0"}}
    (root / "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    (root / "convex" / "auth.config.ts").write_text(AUTH_CONFIG, encoding="utf-8")
    (root / ".env.local").write_text(
        f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\n"
        f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}\n", encoding="utf-8")
    return root


@dataclass
class DemoContext:
    """The demo's issuer, project and state folder, and its sample tokens."""

    issuer: LocalIssuer
    project_dir: Path
    state_dir: Path

    def options(self) -> Options:
        # The user's own shell variables must not leak into the demo project.
        return Options(project_dir=self.project_dir, environ={})

    def sample_labels(self) -> tuple[tuple[str, str], ...]:
        return SAMPLES

    def sample_token(self, name: str, now: float) -> str:
        """Mint a sample at ``now`` (tokens live 60 s, so they are made on demand)."""
        issuer, at = self.issuer, int(now)
        claims: dict[str, Any]
        if name == "integration":
            claims = issuer.session_claims(at, aud="convex")
        elif name == "session":
            claims = issuer.session_claims(at)
        elif name == "expired":
            claims = issuer.template_claims(at - 300)
        elif name == "wrong-issuer":
            claims = issuer.template_claims(at, iss=OTHER_ISSUER)
        else:
            claims = issuer.template_claims(at)
        return issuer.mint(claims)


@contextmanager
def open_demo(port: int = 0) -> Iterator[DemoContext]:
    """Start the issuer and write the project; stop and delete both on exit."""
    with tempfile.TemporaryDirectory(prefix="convex-auth-wizard-demo-") as tmp, \
            LocalIssuer(port=port) as issuer:
        base = Path(tmp)
        project = write_demo_project(base / "demo-app", issuer)
        state = base / "state"
        state.mkdir()
        yield DemoContext(issuer=issuer, project_dir=project, state_dir=state)


def demo_notice(ctx: DemoContext) -> str:
    return (f"Demo: a local issuer at {ctx.issuer.url} stands in for Clerk, and a demo project "
            "lives in a temporary folder. Both are removed when you quit.")


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
    from screens.app import build_app

    with _cleanup_on_hangup(), open_demo() as ctx:
        message = demo_notice(ctx) if notice is None else notice + " " + demo_notice(ctx)
        app = build_app(project_dir=ctx.project_dir, state_dir=ctx.state_dir,
                        options=ctx.options(), demo=ctx, notice=message)
        if runner is None:
            app.run()
        else:
            runner(app)
    return 0
