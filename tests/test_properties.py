"""Property-based: any text as a token, publishable key, ``.env`` file or auth config is judged
with checks and a clear message, and never raises (SPEC §6 "Bad input")."""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NOW
from wizard.checks.catalog import CHECK_IDS
from wizard.checks.model import Status
from wizard.checks.options import Options
from wizard.checks.token_checks import TOKEN_CHECK_IDS
from wizard.demo.local_issuer import LocalIssuer
from wizard.providers.clerk.keys import InvalidPublishableKey, decode_publishable_key
from wizard.rules.jwt import normalize_pasted, read_paste
from wizard.walkthrough.session import Session, load, run_checks

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
SPEC_IDS = (
    "project.root", "env.publishable_key", "env.secret_exposure", "env.issuer",
    "env.issuer_matches_key", "convex.auth_config", "convex.deployment_env", "convex.version",
    "issuer.discovery", "issuer.jwks", *TOKEN_CHECK_IDS,
)
"""The checks of SPEC §4; every run reports each exactly once (other checks may be added)."""
ENVS_IDS = ["envs.instances", "envs.prod_deployment_env", "envs.preview_default",
            "envs.prod_providers", "envs.prod_discovery"]
"""The environment matrix (issue 18), one check per id (the matrix's JSON has one per environment)."""


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
claim_names = st.sampled_from(["iss", "sub", "aud", "exp", "iat", "nbf", "sid", "email_verified",
                               "v", "azp", "name"]) | st.text(max_size=6)
header_names = st.sampled_from(["alg", "kid", "typ", "crit", "cty"]) | st.text(max_size=4)


@st.composite
def jwt_shaped(draw: st.DrawFn) -> str:
    """Three base64url parts whose JSON has the claim names a token has, with any values."""
    header = draw(st.dictionaries(header_names, json_values, max_size=5))
    claims = draw(st.dictionaries(claim_names, json_values, max_size=8))
    signature = draw(st.binary(max_size=64))
    text = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}.{b64(signature)}"
    return draw(st.sampled_from(["{}", '"{}"', "Bearer {}", " {}\n", "{}=", "{}.x"])).format(text)


@pytest.fixture(scope="module")
def live_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A session with real keys fetched once, so each example only runs the token rules."""
    with LocalIssuer() as server:
        root = tmp_path_factory.mktemp("props")
        (root / "package.json").write_text("{}")
        (root / ".env.local").write_text(f"CLERK_JWT_ISSUER_DOMAIN={server.url}\n"
                                         f"VITE_CLERK_PUBLISHABLE_KEY={server.publishable_key}\n")
        session = load(Options(project_dir=root, at=NOW))
        session.fetch()
        assert session.keys is not None and session.keys.usable
        yield session


def assert_token_checks(session: Session, text: str) -> None:
    verdict = session.verify(read_paste(text))
    ids = [c.id for c in verdict.checks]
    assert ids == list(TOKEN_CHECK_IDS)
    for check in verdict.checks:
        assert check.title and check.detail
        if check.status is Status.FAIL:
            assert check.fix
    json.dumps(verdict.to_dict())  # the JSON output can always be written
    assert not (verdict.verified and text.strip() == "")


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_text_as_token(live_session: Session, text: str) -> None:
    assert_token_checks(live_session, text)


@SETTINGS
@given(text=jwt_shaped())
def test_any_jwt_shaped_token(live_session: Session, text: str) -> None:
    assert_token_checks(live_session, text)


@SETTINGS
@given(text=st.text(max_size=200))
def test_normalize_pasted_is_idempotent_and_total(text: str) -> None:
    once = normalize_pasted(text)
    assert once == once.strip()
    assert normalize_pasted(once) == normalize_pasted(once)


@SETTINGS
@given(key=st.text(max_size=80) | st.builds(lambda p, b: p + b64(b),
                                             st.sampled_from(["pk_test_", "pk_live_"]),
                                             st.binary(max_size=40)))
def test_any_publishable_key(key: str) -> None:
    try:
        decoded = decode_publishable_key(key)
    except InvalidPublishableKey as exc:
        assert str(exc)
    else:
        assert "." in decoded.frontend_api and "$" not in decoded.frontend_api
        assert decoded.instance_type in ("development", "production")


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A project folder the examples overwrite (hypothesis reuses one fixture value)."""
    root = Path(tempfile.mkdtemp(prefix="props-"))
    (root / "convex").mkdir()
    (root / "package.json").write_text('{"dependencies": {"convex": "^1.45.0"}}')
    yield root
    shutil.rmtree(root, ignore_errors=True)


def assert_offline_checks(root: Path, token: str | None = None) -> None:
    # Offline runs read files only: no network, no subprocess, so examples are fast.
    verdict = run_checks(Options(project_dir=root, at=NOW, offline=True), token)
    ids = [c.id for c in verdict.checks]
    assert all(ids.count(i) == 1 for i in SPEC_IDS), ids
    assert set(ids) <= set(CHECK_IDS)
    assert [i for i in ids if i.startswith("envs.")] == ENVS_IDS
    assert all(c.title and c.detail for c in verdict.checks)
    assert all(c.fix for c in verdict.checks if c.status is Status.FAIL)
    json.dumps(verdict.to_json())
    if token is not None:
        assert not verdict.ok  # offline never verifies a signature


env_lines = st.lists(
    st.one_of(
        st.text(max_size=60),
        st.builds(lambda n, v: f"{n}={v}",
                  st.sampled_from(["VITE_CLERK_PUBLISHABLE_KEY", "CLERK_JWT_ISSUER_DOMAIN",
                                   "CLERK_FRONTEND_API_URL", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
                                   "VITE_CLERK_SECRET_KEY", "CLERK_PUBLISHABLE_KEY"]),
                  st.text(max_size=40) | st.sampled_from([
                      "https://verb-noun-00.clerk.accounts.dev", "pk_test_", "sk_test_abc",
                      "'https://x.y/'", '"a', "${OTHER}", "http://[::1"])),
    ),
    max_size=8,
)


@SETTINGS
@given(lines=env_lines, name=st.sampled_from([".env", ".env.local", ".env.development.local"]))
def test_any_env_file(scratch: Path, lines: list[str], name: str) -> None:
    for old in scratch.glob(".env*"):
        old.unlink()
    (scratch / name).write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    assert_offline_checks(scratch)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_env_bytes(scratch: Path, data: bytes) -> None:
    (scratch / ".env.local").write_bytes(data)
    assert_offline_checks(scratch)


auth_fragments = st.sampled_from([
    "export default {", "providers: [", "{", "}", "]", ",", "domain:", "applicationID:",
    "applicationId:", '"convex"', "'convex'", "process.env.CLERK_JWT_ISSUER_DOMAIN!",
    "process.env.", "`https://${x}`", "// ", "/*", "*/", "satisfies AuthConfig;", 'type: "customJwt"',
    "??", '"https://x.clerk.accounts.dev"', "\n", "const a = ", "...a", "as const",
])


@SETTINGS
@given(parts=st.lists(auth_fragments | st.text(max_size=10), max_size=30),
       ext=st.sampled_from(["ts", "js"]))
def test_any_auth_config(scratch: Path, parts: list[str], ext: str) -> None:
    for old in (scratch / "convex").glob("auth.config.*"):
        old.unlink()
    (scratch / "convex" / f"auth.config.{ext}").write_text(" ".join(parts), encoding="utf-8",
                                                            errors="surrogatepass")
    (scratch / ".env.local").write_text("CLERK_JWT_ISSUER_DOMAIN=https://x.clerk.accounts.dev\n")
    assert_offline_checks(scratch, "e30.e30.e30")


@SETTINGS
@given(text=st.text(max_size=40), version=st.text(max_size=12))
def test_any_package_json(scratch: Path, text: str, version: str) -> None:
    (scratch / "package.json").write_text(text)
    (scratch / "package-lock.json").write_text(json.dumps(
        {"packages": {"node_modules/convex": {"version": version}}}))
    assert_offline_checks(scratch)
