"""A configuration value and where it came from."""

from __future__ import annotations

from wizard.records import record


@record(frozen=True)
class Sourced:
    """A configuration value and where it came from (``.env.local:NAME``, ``--issuer`` …)."""

    value: str
    source: str
    derived: bool = False
