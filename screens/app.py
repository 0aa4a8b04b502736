"""The Textual app (placeholder until the UI lands)."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(project_dir: Path | None, restart: bool = False) -> int:
    sys.stderr.write("convex-auth-wizard: error: the interactive wizard is not available yet; "
                     "use `convex-auth-wizard check`\n")
    return 2
