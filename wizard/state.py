"""Saved progress (placeholder until the state store lands)."""

from __future__ import annotations

import sys
from pathlib import Path


def reset_command(project_dir: Path | None) -> int:
    sys.stderr.write("convex-auth-wizard: error: reset is not available yet\n")
    return 2
