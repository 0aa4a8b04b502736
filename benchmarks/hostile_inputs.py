"""How long reading a project takes when its files are built to be slow (issue 10, item 6).

    python benchmarks/hostile_inputs.py                  # this checkout
    python benchmarks/hostile_inputs.py --source DIR     # another checkout, e.g. the old main
    python benchmarks/hostile_inputs.py --timeout 30     # give up on a case after 30 s

Each case writes one file into a fresh project and times, in a fresh interpreter, the call the
wizard makes on it (``read_auth_config`` or ``read_convex_version``): one run, the parse
included, interpreter start-up not. A case that runs past the timeout is killed and shown as
``> N s``. Figures are printed, not judged; the tests hold only a generous bound.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIB = 1024


def _nested(depth: int) -> str:
    return ("export default { providers: [" + "{ a: [" * depth + "]}" * depth + ", "
            + '{ domain: process.env.X!, applicationID: "convex" }] };\n')


def _unterminated(size: int) -> str:
    unit = 'export default { providers: [{ domain: `${process.env["X'
    return (unit + "/* ' \" ` ${ (" * (size // 20))[:size]


# name -> (file written in the project, its content, the reader that judges it)
CASES: dict[str, tuple[str, Callable[[], str], str]] = {
    "auth.config.ts: export default + 16 KiB of '('": (
        "convex/auth.config.ts", lambda: "export default " + "(" * (16 * KIB), "auth"),
    "auth.config.ts: export default + 240 KiB of '('": (
        "convex/auth.config.ts", lambda: "export default " + "(" * (240 * KIB), "auth"),
    "auth.config.ts: export default + 1 MiB of '('": (
        "convex/auth.config.ts", lambda: "export default " + "(" * (1024 * KIB), "auth"),
    "auth.config.ts: nesting 10,000 deep": (
        "convex/auth.config.ts", lambda: _nested(10_000), "auth"),
    "auth.config.ts: a 200 KiB string": (
        "convex/auth.config.ts",
        lambda: 'export default { providers: [{ domain: "' + "x" * (200 * KIB) + '" }] };',
        "auth"),
    "auth.config.ts: 200 KiB, everything unterminated": (
        "convex/auth.config.ts", lambda: _unterminated(200 * KIB), "auth"),
    "auth.config.ts: a provider with 15,000 keys": (
        "convex/auth.config.ts", lambda: "export default { providers: [{ domain: 'x', "
        + ", ".join(f"key{n:06}: 1" for n in range(15_000)) + " }] };", "auth"),
    "pnpm-lock.yaml: 60,000 newlines": (
        "pnpm-lock.yaml", lambda: "lockfileVersion: '9.0'\n" + "\n" * 60_000, "version"),
    "pnpm-lock.yaml: one 4 MiB line of spaces": (
        "pnpm-lock.yaml", lambda: " " * (4 * 1024 * KIB) + "\n", "version"),
    "yarn.lock: 'convex@' then 60,000 newlines": (
        "yarn.lock", lambda: '"convex@^1.0.0":\n' + "\n" * 60_000, "version"),
}

_MEASURE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    root = Path(sys.argv[1])
    try:  # this layout; a checkout from before the re-layout has flat modules
        from wizard.project import auth_config, reader
    except ImportError:
        from wizard import auth_config, project as reader
    read = auth_config.read_auth_config if sys.argv[2] == "auth" else reader.read_convex_version
    started = time.perf_counter()
    read(root)
    print(time.perf_counter() - started)
    print(sys.modules[read.__module__].__file__)
""")


def measure(name: str, source: Path, timeout: float) -> str:
    relative, content, reader = CASES[name]
    with tempfile.TemporaryDirectory(prefix="caw-hostile-") as tmp:
        project = Path(tmp)
        (project / "convex").mkdir()
        (project / "package.json").write_text("{}")
        (project / relative).write_text(content(), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(source), "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            # run from the project: ``-c`` puts the working folder first on sys.path
            done = subprocess.run([sys.executable, "-c", _MEASURE, str(project), reader],
                                  cwd=project, env=env, capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return f"> {timeout:g} s"
    if done.returncode != 0:
        return "crashed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    seconds_line, module = done.stdout.strip().splitlines()[-2:]
    if not Path(module).is_relative_to(source):
        return f"measured the wrong checkout ({module})"
    seconds = float(seconds_line)
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="the checkout whose wizard/ is measured (default: this one)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds before a case is given up (default 60)")
    parser.add_argument("--only", action="append", metavar="TEXT",
                        help="run only the cases whose name contains TEXT")
    args = parser.parse_args(argv)
    names = [n for n in CASES if not args.only or any(part in n for part in args.only)]
    width = max(len(n) for n in names)
    print(f"hostile inputs, read by {args.source}")
    for name in names:
        print(f"  {name.ljust(width)}  {measure(name, args.source.resolve(), args.timeout)}",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
