"""wizard.checks.diagnose: each message Convex or Clerk prints maps to its cause and step."""

from __future__ import annotations

import pytest

from wizard.checks.diagnose import diagnose
from wizard.walkthrough.steps import STEP_IDS

NON_REDACTED = (
    "No auth provider found matching the given token. Check that your JWT's issuer and "
    "audience match one of your configured providers: [OIDC(domain=https://verb-noun-00.clerk"
    ".accounts.dev, app_id=convex), CustomJWT(issuer=https://issuer.example.com/1, app_id=App 1)]"
)

CASES: list[tuple[str, str, str]] = [
    ("No auth provider found matching the given token", "No auth provider", "check-token"),
    (NON_REDACTED, "No auth provider", "check-token"),
    ("No auth provider found matching the given token (no providers configured). Check "
     "convex/auth.config.ts.", "no auth provider at all", "verify-config"),
    ("Could not verify OIDC token claim. Check that the token signature is valid and the token "
     "hasn't expired.", "could not verify", "check-token"),
    ("Could not parse JWT payload. Check that the token is a valid JWT format with three "
     "base64-encoded parts separated by dots.", "not a readable JWT", "check-token"),
    ("Could not parse as OIDC ID token. Token might not be an OIDC-compliant JWT.",
     "not an OIDC ID token", "configure-claims"),
    ("Missing issuer claim ('iss') in JWT payload. The JWT must include an 'iss' claim that "
     "matches one of your configured auth providers.", "no iss", "check-token"),
    ("Auth provider discovery of https://x.clerk.accounts.dev failed: 404 Not Found {}",
     "could not reach", "verify-config"),
    ("Auth provider discovery of https://x.clerk.accounts.dev failed", "could not reach",
     "verify-config"),
    ("Uncaught (in promise) e: No JWT template exists with name: convex", "no JWT template",
     "create-template"),
    ("Environment variable CLERK_FRONTEND_API_URL is used in auth config file but its value "
     "was not set", "CLERK_FRONTEND_API_URL is not set", "verify-config"),
    ("Convex token identity expired", "expired", "check-token"),
    ("✖ Found both convex/auth.config.ts and convex/auth.config.js, choose one",
     "Two auth config", "verify-config"),
    ('{"code":"InvalidAuthHeader","message":"something new"}', "InvalidAuthHeader",
     "check-token"),
    ("🔐 users.store called { hasIdentity: false, identitySubject: undefined }",
     "no identity", "check-token"),
]


@pytest.mark.parametrize(("line", "title_part", "step"), CASES)
def test_each_message_is_recognised(line: str, title_part: str, step: str) -> None:
    found = diagnose(line)
    assert found is not None, line
    assert title_part.lower() in found.title.lower()
    assert found.step == step
    assert found.step in STEP_IDS
    assert found.explanation and found.fix


MORE_CASES: list[tuple[str, str, str]] = [
    ("JWT template not found", "no JWT template named convex", "create-template"),
    ("Could not decode token. The JWT's 'kid' (key ID) header doesn't match any key",
     "customJwt", "verify-config"),
    ("Could not fetch JWKS from URL https://x.example/jwks", "customJwt", "verify-config"),
    ("InvalidProviderDomainUrl", "rejects the provider's domain", "verify-config"),
    ("This deployment has no configured authentication providers", "no auth providers",
     "verify-config"),
    ('{"code":"InvalidAdminKey","message":"Invalid admin key"}', "not a Bearer token",
     "check-token"),
    ("Auth token does not live long enough", "cannot schedule a token refresh",
     "configure-claims"),
    ("Production Keys are only allowed for domain \"example.com\"", "Production keys",
     "open-dashboard"),
    ("TokenExpired", "expired", "check-token"),
]


@pytest.mark.parametrize(("line", "title_part", "step"), MORE_CASES)
def test_more_messages_are_recognised(line: str, title_part: str, step: str) -> None:
    test_each_message_is_recognised(line, title_part, step)


@pytest.mark.parametrize("line", [
    "No auth provider found matching the given token (no providers configured).",
    "Could not validate token", "Invalid provider domain URL"])
def test_fixed_fixes_name_the_projects_variable_and_issuer(line: str) -> None:
    found = diagnose(line, issuer="https://odd-{0}.clerk.accounts.dev", issuer_var="MY_ISSUER")
    assert found is not None
    assert "MY_ISSUER" in found.fix and "CLERK_JWT_ISSUER_DOMAIN" not in found.fix
    assert "{var}" not in found.fix and "{issuer}" not in found.fix and "{{" not in found.fix
    if "domain" in found.fix and "process.env" in found.fix:
        assert '{ domain: process.env.MY_ISSUER!, applicationID: "convex" }' in found.fix
    if "env set" in found.fix:
        assert "npx convex env set MY_ISSUER https://odd-{0}.clerk.accounts.dev" in found.fix


def test_wrapped_browser_message_is_unwrapped_and_diagnosed() -> None:
    line = ('Failed to authenticate: "Could not verify OIDC token claim. Check that the token '
            'signature is valid and the token hasn\'t expired.", check your server auth config')
    found = diagnose(line)
    assert found is not None
    assert found.title == "Convex could not verify the token"


def test_wrapped_unknown_message_still_explains_the_wrapper() -> None:
    found = diagnose('Failed to authenticate: "Something unheard of", check your server auth '
                     "config")
    assert found is not None
    assert "Something unheard of" in found.explanation
    assert found.step == "check-token"


def test_non_redacted_provider_list_says_what_was_expected() -> None:
    found = diagnose(NON_REDACTED)
    assert found is not None
    assert "https://verb-noun-00.clerk.accounts.dev" in found.explanation
    assert 'aud "convex"' in found.explanation
    assert "CustomJWT" in found.explanation


def test_redacted_provider_message_says_the_list_is_hidden() -> None:
    found = diagnose("No auth provider found matching the given token")
    assert found is not None
    assert "hides the provider list" in found.explanation


def test_discovery_status_is_reported() -> None:
    found = diagnose("Auth provider discovery of https://bad.example.com failed: 404 Not Found")
    assert found is not None
    assert "https://bad.example.com" in found.title
    assert "HTTP 404 Not Found" in found.explanation
    assert "not a Clerk Frontend API" in found.explanation


def test_env_fix_names_the_variable_and_issuer() -> None:
    found = diagnose("Environment variable CLERK_JWT_ISSUER_DOMAIN is used in auth config file "
                     "but its value was not set", issuer="https://quiet-ox-46.clerk.accounts.dev")
    assert found is not None
    assert ("npx convex env set CLERK_JWT_ISSUER_DOMAIN https://quiet-ox-46.clerk.accounts.dev"
            in found.fix)


def test_has_identity_is_explained_as_the_users_own_log() -> None:
    found = diagnose("hasIdentity: false")
    assert found is not None
    assert "your own app code" in found.explanation
    ok = diagnose("users.store called { hasIdentity: true }")
    assert ok is not None and ok.step == "user-sync"


@pytest.mark.parametrize("line", ["", "   ", "hello world", "Everything is fine"])
def test_unknown_lines_give_none(line: str) -> None:
    assert diagnose(line) is None


def test_a_secret_in_a_wrapped_line_is_not_echoed() -> None:
    secret = "sk_test_Q2xlcmtTZWNyZXRLZXlGb3JUZXN0czEyMzQ1Njc4OQ"
    found = diagnose(f'Failed to authenticate: "bad key {secret}", check your server auth config')
    assert found is not None
    assert secret not in found.explanation + found.fix


def test_huge_input_does_not_hang_or_raise() -> None:
    assert diagnose("x" * 1_000_000) is None
