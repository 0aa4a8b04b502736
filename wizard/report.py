"""The setup report (placeholder until the report lands)."""

from __future__ import annotations

import sys
from pathlib import Path


def write_report_command(project_dir: Path | None, fmt: str, output: Path | None) -> int:
    sys.stderr.write("convex-auth-wizard: error: report is not available yet\n")
    return 2
