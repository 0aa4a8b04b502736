"""The demo's stand-in services, project and state folder, and its sample tokens.

Three loopback stand-ins play the real services: a :class:`~wizard.demo.local_issuer.LocalIssuer`
for Clerk's Frontend API, a :class:`~wizard.demo.local_convex.LocalConvex` for the Convex
deployment (its providers are the demo issuer with applicationID ``convex``, so "Ask Convex"
and ``convex.deployed_providers`` answer), and a
:class:`~wizard.demo.local_clerk_api.LocalClerkAPI` for Clerk's Backend API (so the Clerk-side
panel can verify the dashboard steps). A demo Vite + Convex project pointing at them is written
to a temporary folder, and the check-token step offers sample tokens (good ones and instructive
bad ones). The demo's keys are made up for this run. Everything is removed on exit and every
port is closed. The app that shows it is started by ``screens.run.run_demo``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.checks.options import Options
from wizard.demo.local_clerk_api import LocalClerkAPI
from wizard.demo.local_convex import LocalConvex, oidc
from wizard.demo.local_issuer import LocalIssuer
from wizard.demo.project import demo_deploy_key, demo_secret_key, write_demo_project
from wizard.services.keys import Destinations
from wizard.text.messages import N_, _

OTHER_ISSUER = "https://other-app-12.clerk.accounts.dev"
SAMPLES: tuple[tuple[str, str], ...] = (
    ("template", N_("Good: template")),
    ("integration", N_("Good: integration")),
    ("session", N_("Bad: no aud (session)")),
    ("expired", N_("Bad: expired")),
    ("wrong-issuer", N_("Bad: wrong issuer")),
)
"""Each sample's name and its button's label (a message id)."""


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
        # With the issuer the stand-in mints real tokens, so the demo reaches every step
        # verified by evidence without a paste.
        clerk_api = stack.enter_context(LocalClerkAPI(secret_key=secret_key,
                                                      frontend_api_url=issuer.url,
                                                      issuer=issuer))
        base = Path(tmp)
        project = write_demo_project(base / "demo-app", issuer, convex_url=convex.url,
                                     secret_key=secret_key, deploy_key=deploy_key)
        state = base / "state"
        state.mkdir()
        yield DemoContext(issuer=issuer, project_dir=project, state_dir=state, convex=convex,
                          clerk_api=clerk_api)


def demo_notice(ctx: DemoContext) -> str:
    return _("Demo: local stand-ins play Clerk (issuer at {url}) and Convex, and a demo project "
             "lives in a temporary folder. All are removed when you quit.", url=ctx.issuer.url)
