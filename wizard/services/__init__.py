"""Talking to services: the issuer, a Convex deployment, its CLI; one deadline per request,
and keys only where they belong."""

import sys

# httpx imports its own command-line tool (click, pygments, rich: about 50 ms) whenever those
# happen to be installed, which a developer's environment often has. The wizard never runs it:
# marking the module absent makes httpx skip it (its package falls back on ImportError).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
