"""The integration path is described with the convex version the wizard read."""

from __future__ import annotations

import pytest

from wizard.project.sourced import Sourced
from wizard.walkthrough.convex_support import integration_support


@pytest.mark.parametrize(("version", "says"), [
    ("1.45.0", "it sends the session token when its aud is \"convex\""),
    ("1.33.1", "it sends the session token when its aud is \"convex\""),
    ("1.33.0", "it always sends the session token"),
    ("1.32.9", "too old for the integration"),
    ("latest", "is not one the wizard recognises"),
])
def test_each_version_is_said_with_itself(version: str, says: str) -> None:
    found = Sourced(version, "package.json:dependencies.convex")
    text = integration_support(found).render()
    assert says in text
    assert f"{version} (package.json:dependencies.convex)" in text or version == "latest"


def test_no_version_found_names_what_is_needed() -> None:
    assert "needs convex 1.33.1 or newer" in integration_support(None).render()
