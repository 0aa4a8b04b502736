"""Clerk, as the core sees an identity provider (:class:`wizard.providers.base.IdentityProvider`)."""

from __future__ import annotations

from typing import Any

from wizard.checks.model import Check
from wizard.checks.options import SessionFacts
from wizard.guards.redaction import looks_secret
from wizard.project.envfiles import EnvFiles
from wizard.project.issuer import Issuer
from wizard.project.reader import Project
from wizard.providers.base import PublicKey
from wizard.providers.clerk.keys import (
    issuer_matches_key_check,
    publishable_key,
    publishable_key_check,
)
from wizard.providers.clerk.skipped import NOT_AGREED, skipped_clerk_checks
from wizard.providers.clerk.template import claims_for_path
from wizard.providers.clerk.tokens import classify_token
from wizard.rules.jwt import AuthPath, Classification, DecodedToken
from wizard.text.messages import N_, Message

_CONSOLE_CHECK = ("console.log('Clerk loaded:', !!window.Clerk, 'user:', "
                  "window.Clerk?.user?.id)")


class ClerkProvider:
    name = "Clerk"
    dashboard_url = "https://dashboard.clerk.com"
    issuer_vars: tuple[str, ...] = ("CLERK_JWT_ISSUER_DOMAIN", "CLERK_FRONTEND_API_URL")

    def find_key(self, env: EnvFiles) -> PublicKey | None:
        return publishable_key(env)

    def derived_issuer(self, key: PublicKey | None) -> str | None:
        """``https://`` + the publishable key's Frontend API host."""
        return "https://" + key.host if key is not None and key.host is not None else None

    def classify(self, token: DecodedToken, application_id: str) -> Classification:
        return classify_token(token, application_id)

    def token_snippet(self, path: AuthPath | None) -> str:
        if path is AuthPath.INTEGRATION:
            return "await window.Clerk.session.getToken({ skipCache: true })"
        return "await window.Clerk.session.getToken({ template: 'convex', skipCache: true })"

    def console_check(self, path: AuthPath | None) -> str:
        return _CONSOLE_CHECK + "\n" + "console.log(" + self.token_snippet(path) + ")"

    def claims(self, path: AuthPath, application_id: str) -> str:
        return claims_for_path(path, application_id)

    def dashboard_hint(self, key: PublicKey | None) -> Message:
        if key is None or key.host is None:
            return Message(N_("No publishable key was found, so the wizard cannot tell which "
                              "application to pick. Copy it from Dashboard → API keys "
                              "(https://dashboard.clerk.com/last-active?path=api-keys)."))
        local = key.host.startswith(("127.0.0.1", "localhost"))
        return Message(N_("Pick the application whose API keys page shows the Frontend API "
                          "URL {url}. It must be the same instance (development or "
                          "production) as your publishable key."),
                       url=("http://" if local else "https://") + key.host)

    def key_checks(self, project: Project, key: PublicKey | None,
                   issuer: Issuer | None) -> list[Check]:
        return [publishable_key_check(project, key),
                issuer_matches_key_check(project, key, issuer)]

    def api_checks(self, session: SessionFacts, path: AuthPath | None) -> list[Check]:
        """The clerk.* checks; nothing is sent unless the user agreed (``--use-secret-key``
        or the wizard's question), and the Backend API client is loaded only then."""
        if not session.options.use_secret_key:
            return skipped_clerk_checks(NOT_AGREED)
        from wizard.providers.clerk.checks import for_session

        return for_session(session, path)

    @property
    def template_check(self) -> str:
        return "clerk.template"

    def template_request(self, session: SessionFacts) -> tuple[str, dict[str, Any]]:
        from wizard.providers.clerk.api import convex_template_body, resolve_api_url
        from wizard.providers.clerk.checks import api_root

        base = resolve_api_url(api_root(session.project, session.options.destinations).value)[0]
        return base + "/jwt_templates", convex_template_body(session.application_id.value)

    def create_template(self, session: SessionFacts) -> str | None:
        from wizard.providers.clerk.checks import create_convex_template, describe_problem

        created = create_convex_template(
            session.project, session.application_id.value,
            destinations=session.options.destinations, timeout=session.options.timeout)
        return None if created.problem is None else describe_problem(created.problem)

    def secret_values(self, env: EnvFiles) -> list[str]:
        """Every secret key and webhook secret the project holds (``sk_…``, ``whsec_…``)."""
        values = [v.value for v in env.file_values.values() if looks_secret(v.value)]
        return values + [v for v in env.environ.values() if looks_secret(v)]


CLERK = ClerkProvider()
