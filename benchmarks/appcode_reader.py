"""Run the app-code reader once on a project, as a whole process would (issue 17).

    python benchmarks/appcode_reader.py PROJECT

Prints the reader's own in-process milliseconds and what it read; exits 1 if a check that
should pass on the benchmark apps did not (a benchmark of a broken reader measures nothing).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wizard.appcode import read_app_code


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    result = read_app_code(Path(argv[0]))
    elapsed = (time.perf_counter() - started) * 1000
    if result.status("app.provider") != "pass" or result.status("app.env_access") != "pass":
        print("unexpected findings:", [f for f in result.findings if f.status != "pass"],
              file=sys.stderr)
        return 1
    scan = result.scan
    print(f"{scan.files_seen} files seen, {scan.files_read} read, {scan.files_parsed} parsed")
    print(f"{elapsed:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
