"""The identity provider is a value the core is given: Clerk is one, registered by name, and
every provider-specific fact the core needs comes through the interface."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.conftest import SECRET_KEY, WEBHOOK_SECRET, MakeProject
from wizard.checks.options import Options
from wizard.providers.base import PublicKey
from wizard.providers.clerk.keys import encode_publishable_key
from wizard.providers.clerk.provider import CLERK, ClerkProvider
from wizard.providers.registry import DEFAULT_PROVIDER, PROVIDERS, provider_named
from wizard.rules.jwt import AuthPath, DecodedToken, TokenKind, read_paste
from wizard.walkthrough.session import Session, load, run_checks
from wizard.walkthrough.walkthrough import Walkthrough


def _unsigned(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2ln"


class OtherProvider(ClerkProvider):
    """A second provider, as the core would see it: its own console line, dashboard,
    issuer variable and secrets."""

    name = "Other"
    dashboard_url = "https://dashboard.other.example"
    issuer_vars = ("OTHER_ISSUER",)

    def token_snippet(self, path: AuthPath | None) -> str:
        return "await other.token()"

    def secret_values(self, env: object) -> list[str]:
        return ["other-secret"]


@pytest.fixture
def other(monkeypatch: pytest.MonkeyPatch) -> OtherProvider:
    provider = OtherProvider()
    monkeypatch.setitem(PROVIDERS, "other", provider)
    return provider


def test_clerk_is_the_registered_default() -> None:
    assert DEFAULT_PROVIDER == Options().provider == "clerk"
    assert provider_named("clerk") is CLERK


def test_the_session_uses_the_provider_the_options_name(make_project: MakeProject,
                                                        other: OtherProvider) -> None:
    root = make_project(None, env_local="OTHER_ISSUER=https://issuer.other.example\n",
                        auth_config=None)
    session = load(Options(project_dir=root, provider="other"))
    assert session.project.issuer_var == "OTHER_ISSUER"  # auth.config names none
    assert session.provider is other
    assert session.token_snippet() == "await other.token()"
    assert "other-secret" in session.secrets()
    assert session.issuer is not None
    assert (session.issuer.raw, session.issuer.source) == ("https://issuer.other.example",
                                                           ".env.local:OTHER_ISSUER")
    # Clerk's variable means nothing to another provider (unless auth.config names it).
    clerk_only = make_project(None, env_local="CLERK_JWT_ISSUER_DOMAIN=https://x.example\n",
                              name="clerk-only", auth_config=None)
    assert load(Options(project_dir=clerk_only, provider="other")).issuer is None


def test_a_token_is_classified_and_told_how_to_get_one_by_the_provider(
        project: Path, other: OtherProvider) -> None:
    seen: list[str] = []

    class Watching(OtherProvider):
        def classify(self, token: DecodedToken, application_id: str):  # type: ignore[no-untyped-def]
            seen.append(application_id)
            return super().classify(token, application_id)

    PROVIDERS["other"] = Watching()
    verdict = run_checks(Options(project_dir=project, provider="other", offline=True),
                         "not-a-token")
    assert seen == ["convex"]  # classified once, for the audience auth.config expects
    token_checks = {c.id: c for c in verdict.checks}
    assert "await other.token()" in (token_checks["token.format"].fix or "")


def test_the_walkthrough_shows_the_provider_s_lines(project: Path, other: OtherProvider,
                                                    tmp_path: Path) -> None:
    wt = Walkthrough(Options(project_dir=project, provider="other"), state_dir=tmp_path,
                     clock=lambda: 0.0)
    assert wt.token_line() == "console.log(await other.token())"
    assert wt.console_check().endswith("console.log(await other.token())")


def test_clerk_keys_and_the_issuer_they_imply(make_project: MakeProject) -> None:
    key = encode_publishable_key("verb-noun-00.clerk.accounts.dev")
    root = make_project(None, publishable_key=key)
    session: Session = load(Options(project_dir=root))
    assert session.public_key is not None
    assert (session.public_key.instance_type, session.public_key.host) == (
        "development", "verb-noun-00.clerk.accounts.dev")
    assert session.derived_issuer() == "https://verb-noun-00.clerk.accounts.dev"
    assert session.issuer is not None and session.issuer.derived
    assert {SECRET_KEY, WEBHOOK_SECRET} <= set(session.secrets())
    bad = CLERK.find_key(load(Options(project_dir=make_project(
        None, publishable_key="pk_test_!!", name="bad"))).project.env)
    assert isinstance(bad, PublicKey) and bad.host is None and bad.problem
    assert CLERK.derived_issuer(bad) is None


def test_clerk_classification_and_snippets() -> None:
    assert "template: 'convex'" in CLERK.token_snippet(AuthPath.TEMPLATE)
    assert "template" not in CLERK.token_snippet(AuthPath.INTEGRATION)
    assert CLERK.console_check(None).startswith("console.log('Clerk loaded:'")
    assert '"aud": "my-app"' in CLERK.claims(AuthPath.INTEGRATION, "my-app")
    assert CLERK.classify(read_paste("pk_test_abc"), "convex").reason == "key"
    session_token = read_paste(_unsigned({"iss": "https://x.example", "sid": "sess_1"}))
    assert CLERK.classify(session_token, "convex").kind is TokenKind.SESSION
