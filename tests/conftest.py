"""Shared fixtures: a real local issuer, a sample project on disk, a fixed clock."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wizard.demo.local_clerk_api import LocalClerkAPI
from wizard.demo.local_convex import LocalConvex, oidc
from wizard.demo.local_issuer import LocalIssuer
from wizard.demo.project import AUTH_CONFIG as AUTH_CONFIG_TS

NOW = 1_800_000_000
"""A fixed instant for every time-based rule (passed as --at / Options.at)."""


SECRET_KEY = "sk_test_Q2xlcmtTZWNyZXRLZXlGb3JUZXN0czEyMzQ1Njc4OQ"
WEBHOOK_SECRET = "whsec_VGhpc0lzQVdlYmhvb2tTZWNyZXRGb3JUZXN0cw"
DEPLOY_KEY = "dev:happy-otter-123|eyJ2MiI6ImRlcGxveUtleVNlY3JldEZvclRlc3RzIn0xyz"


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    """One issuer for the whole run (key generation is the slow part); tests that set a
    fault must use ``fresh_issuer`` or reset ``fault`` themselves."""
    with LocalIssuer() as server:
        yield server


@pytest.fixture
def fresh_issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_shared_issuer(request: pytest.FixtureRequest) -> Iterator[None]:
    server: LocalIssuer | None = None
    if "issuer" in request.fixturenames:
        server = request.getfixturevalue("issuer")
    yield
    if server is not None:
        server.fault = None
        server.clock_offset = 0.0
        server.redirect_hops = 5
        server.discovery_issuer = None
        server.published = ["ins_local_rsa1", "ins_local_ed1"]
        server.cache_control = None
        server.custom_keys = ["rsa", "ec"]
        server.custom_extra = []
        server.extra_keys = []
        server.custom_content_type = server.discovery_content_type = \
            server.jwks_content_type = "application/json"


@pytest.fixture(scope="session")
def closed_port() -> Iterator[int]:
    """A loopback port that refuses every connection: bound, never listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


_PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> None:
    """No test reaches past this machine: the wizard (and httpx) honour the proxy variables,
    so every request to a host other than loopback goes to a port that refuses it at once. A
    key that goes to its real home (NAME.convex.cloud, api.clerk.com) fails fast here instead
    of leaving the machine; a test that wants to see such a request sets its own proxy."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{closed_port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


_LANGUAGE_VARS = ("CONVEX_AUTH_WIZARD_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                          ) -> Iterator[None]:
    """Every test starts in English with no saved language, whatever the machine's locale
    and the developer's own choice; a test that wants Bengali asks for it."""
    from wizard.text import messages

    for name in _LANGUAGE_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("CONVEX_AUTH_WIZARD_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    messages.set_language(None)
    messages._from_environment.cache_clear()
    yield
    messages.set_language(None)
    messages._from_environment.cache_clear()


MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write a Vite + Convex app folder; every part can be overridden or left out."""

    def factory(
        issuer_url: str | None,
        *,
        publishable_key: str | None = None,
        env_local: str | None = None,
        auth_config: str | None = AUTH_CONFIG_TS,
        convex_version: str | None = "1.45.0",
        secrets: bool = True,
        name: str = "app",
    ) -> Path:
        root = tmp_path / name
        (root / "convex").mkdir(parents=True, exist_ok=True)
        deps = {"convex": f"^{convex_version}"} if convex_version else {}
        import json

        (root / "package.json").write_text(json.dumps({"name": name, "dependencies": deps}))
        if auth_config is not None:
            (root / "convex" / "auth.config.ts").write_text(auth_config)
        if env_local is None:
            lines = []
            if publishable_key:
                lines.append(f"VITE_CLERK_PUBLISHABLE_KEY={publishable_key}")
            if issuer_url:
                lines.append(f"CLERK_JWT_ISSUER_DOMAIN={issuer_url}")
            if secrets:
                lines.append(f"CLERK_SECRET_KEY={SECRET_KEY}")
                lines.append(f"CLERK_WEBHOOK_SECRET={WEBHOOK_SECRET}")
            env_local = "\n".join(lines) + "\n"
        (root / ".env.local").write_text(env_local)
        return root

    return factory


@pytest.fixture
def project(make_project: MakeProject, issuer: LocalIssuer) -> Path:
    """A correct project pointing at the shared local issuer."""
    return make_project(issuer.url, publishable_key=issuer.publishable_key)


@pytest.fixture
def now() -> int:
    return NOW


def wall_clock() -> int:
    return int(time.time())


# -- the other stand-ins: Clerk's Backend API and a Convex deployment ----------------------
@pytest.fixture(scope="module")
def module_api(issuer: LocalIssuer) -> Iterator[LocalClerkAPI]:
    with LocalClerkAPI(secret_key=SECRET_KEY, frontend_api_url=issuer.url,
                       issuer=issuer) as server:
        yield server


@pytest.fixture
def api(module_api: LocalClerkAPI) -> Iterator[LocalClerkAPI]:
    module_api.reset()
    yield module_api
    module_api.reset()


@pytest.fixture
def app_dir(project: Path, api: LocalClerkAPI) -> Path:
    """The correct project, with CLERK_API_URL pointing at the Backend API stand-in."""
    with (project / ".env").open("a") as env:
        env.write(f"CLERK_API_URL={api.url}\n")
    return project


@pytest.fixture
def convex(issuer: LocalIssuer) -> Iterator[LocalConvex]:
    """A Convex deployment whose one provider is the shared issuer; DEPLOY_KEY is its key."""
    with LocalConvex(providers=[oidc(issuer.url)], admin_keys=(DEPLOY_KEY,)) as server:
        server.clock = lambda: float(NOW)
        yield server
