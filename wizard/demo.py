"""The demo (placeholder until the wizard UI lands)."""

from __future__ import annotations

import sys


def run_demo() -> int:
    sys.stderr.write("convex-auth-wizard: error: demo is not available yet\n")
    return 2
