"""What a Clerk JWT template for Convex looks like (research/clerk_facts.md §4).

One definition, read by the claims screen, the Backend API client that can create the
template, and the checks that judge an existing one.
"""

from __future__ import annotations

import json
from typing import Any

from wizard.rules.jwt import AuthPath

TEMPLATE_NAME = "convex"
"""``ConvexProviderWithClerk`` asks Clerk for exactly this name."""
DEFAULT_LIFETIME = 60
DEFAULT_CLOCK_SKEW = 5
RESERVED_CLAIMS: tuple[str, ...] = ("iss", "sub", "azp", "exp", "iat", "nbf", "jti")
"""Claims Clerk sets itself in every template token; the dashboard refuses them."""


def preset_claims(application_id: str = TEMPLATE_NAME) -> dict[str, Any]:
    """The dashboard's "Convex" preset, with ``aud`` set to the application ID."""
    return {
        "aud": application_id,
        "name": "{{user.full_name}}",
        "email": "{{user.primary_email_address}}",
        "picture": "{{user.image_url}}",
        "nickname": "{{user.username}}",
        "given_name": "{{user.first_name}}",
        "updated_at": "{{user.updated_at}}",
        "family_name": "{{user.last_name}}",
        "phone_number": "{{user.primary_phone_number}}",
        "email_verified": "{{user.email_verified}}",
        "phone_number_verified": "{{user.phone_number_verified}}",
    }


def claims_for_path(path: AuthPath, application_id: str = TEMPLATE_NAME) -> str:
    """The claims to set, as pasteable JSON: the preset for a template, only ``aud`` for the
    integration (which pre-maps it on the session token)."""
    claims = preset_claims(application_id) if path is AuthPath.TEMPLATE else {"aud": application_id}
    return json.dumps(claims, indent=2)
