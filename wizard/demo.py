"""``convex-auth-wizard demo``: the whole wizard offline, without a Clerk account.

Three loopback stand-ins play the real services: a :class:`~wizard.local_issuer.LocalIssuer`
for Clerk's Frontend API, a :class:`~wizard.local_convex.LocalConvex` for the Convex
deployment (its providers are the demo issuer with applicationID ``convex``, so "Ask Convex"
and ``convex.deployed_providers`` answer), and a :class:`~wizard.local_clerk_api.LocalClerkAPI`
for Clerk's Backend API (so the Clerk-side panel can verify the dashboard steps). A demo Vite +
Convex project pointing at them is written to a temporary folder, and the check-token step
offers sample tokens (good ones and instructive bad ones). The demo's keys are made up for
this run. Everything is removed on exit and every port is closed. Textual is imported only
inside :func:`run_demo`.
"""

from __future__ import annotations

import json
import secrets
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.engine import Options
from wizard.key_hosts import Destinations
from wizard.local_clerk_api import LocalClerkAPI
from wizard.local_convex import LocalConvex, oidc
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


DEMO_DEPLOYMENT = "demo-app-123"


def demo_secret_key() -> str:
    """A made-up Clerk secret key for this run (the demo's Backend API accepts only it)."""
    return "sk_test_" + secrets.token_urlsafe(30)


def demo_deploy_key() -> str:
    """A made-up dev deploy key for this run, shaped like Convex's ``dev:<name>|<secret>``."""
    return f"dev:{DEMO_DEPLOYMENT}|" + secrets.token_hex(32)


def write_demo_project(root: Path, issuer: LocalIssuer, *, convex_url: str | None = None,
                       secret_key: str | None = None, deploy_key: str | None = None) -> Path:
    """A minimal Vite + Convex + Clerk app that points at ``issuer`` (and at the demo's
    deployment, with its keys, when given)."""
    (root / "convex").mkdir(parents=True, exist_ok=True)
    package = {"name": "demo-app", "private": True,
               "dependencies": {"convex": "^1.45.0", "@clerk/clerk-react": "^5.0.0"}}
    (root / "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    (root / "convex" / "auth.config.ts").write_text(AUTH_CONFIG, encoding="utf-8")
    lines = [f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}",
             f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}"]
    if convex_url is not None:
        lines.append(f"VITE_CONVEX_URL={convex_url}")
    if deploy_key is not None:
        lines.append(f"CONVEX_DEPLOY_KEY={deploy_key}")
    if secret_key is not None:
        lines.append(f"CLERK_SECRET_KEY={secret_key}")  # server-side: never VITE_
    (root / ".env.local").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@dataclass
class DemoContext:
    """The demo's stand-in services, project and state folder, and its sample tokens."""

    issuer: LocalIssuer
    project_dir: Path
    state_dir: Path
    convex: LocalConvex | None = None
    clerk_api: LocalClerkAPI | None = None

    def options(self) -> Options:
        # The user's own shell variables must not leak into the demo project. The demo started
        # its stand-ins, so it names their hosts itself, as the user would with
        # --deployment-url and --clerk-api-url: the demo's keys go there and nowhere else.
        destinations = Destinations(
            deployment_url=self.convex.url if self.convex is not None else None,
            clerk_api_url=self.clerk_api.url if self.clerk_api is not None else None)
        return Options(project_dir=self.project_dir, environ={}, destinations=destinations)

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
    """Start the stand-ins and write the project; stop and delete them all on exit."""
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(
            prefix="convex-auth-wizard-demo-"))
        issuer = stack.enter_context(LocalIssuer(port=port))
        deploy_key, secret_key = demo_deploy_key(), demo_secret_key()
        convex = stack.enter_context(LocalConvex(providers=[oidc(issuer.url, "convex")],
                                                 admin_keys=(deploy_key,)))
        clerk_api = stack.enter_context(LocalClerkAPI(secret_key=secret_key,
                                                      frontend_api_url=issuer.url))
        base = Path(tmp)
        project = write_demo_project(base / "demo-app", issuer, convex_url=convex.url,
                                     secret_key=secret_key, deploy_key=deploy_key)
        state = base / "state"
        state.mkdir()
        yield DemoContext(issuer=issuer, project_dir=project, state_dir=state, convex=convex,
                          clerk_api=clerk_api)


def demo_notice(ctx: DemoContext) -> str:
    return (f"Demo: local stand-ins play Clerk (issuer at {ctx.issuer.url}) and Convex, and a "
            "demo project lives in a temporary folder. All are removed when you quit.")


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
    from screens.app import build_app, run_safely

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
