"""Measure convex-auth-wizard against what a user would use instead (issue 5).

    python benchmarks/run.py            # full run: prints each target with its measured ratio
    python benchmarks/run.py --quick    # a few repetitions: proves the benchmarks run (CI)

Starts the local issuer, writes sample projects, runs every contender alternately several
times and reports medians and their ratio. Exit status: 0 when every benchmark ran (figures are
not judged), 1 when one crashed; with ``--strict``, also 1 when a target is not met.
"""

from __future__ import annotations

import argparse
import functools
import math
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import fixtures
from wizard.demo.local_issuer import LocalIssuer

ABSOLUTE_VERDICT_MS = 10.0


@dataclass
class Row:
    name: str
    a_label: str
    b_label: str
    target: float
    a_ms: float = math.nan
    b_ms: float = math.nan
    note: str = ""
    skipped: str = ""
    absolute_ms: float | None = None  # an absolute ceiling for A, besides the ratio

    @property
    def ratio(self) -> float:
        return self.a_ms / self.b_ms if self.b_ms else math.nan

    @property
    def met(self) -> bool:
        ok = self.ratio <= self.target
        if self.absolute_ms is not None:
            ok = ok and self.a_ms <= self.absolute_ms
        return ok


@dataclass
class Context:
    issuer: LocalIssuer
    token: str
    app: Path
    reps: int
    quick: bool
    env: dict[str, str]


def timed_run(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Wall-clock milliseconds of one whole process, which must succeed."""
    started = time.perf_counter()
    done = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(command[:3])} … exited {done.returncode}: "
                           + " | ".join(tail))
    return elapsed, done.stdout


def alternate(contenders: dict[str, Callable[[], float]], reps: int) -> dict[str, float]:
    """One warm-up round, then ``reps`` rounds in rotating order; the median of each."""
    names = list(contenders)
    for name in names:
        contenders[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(contenders[name]())
    return {name: statistics.median(values) for name, values in samples.items()}


def check_command(project: Path, token: str) -> list[str]:
    return [sys.executable, "-m", "wizard", "check", "--project", str(project), "--token", token]


# -- 1. check vs the peers ------------------------------------------------------------------
def bench_check(ctx: Context) -> list[Row]:
    rows = [Row("check vs minimal Python (httpx+PyJWT)", "check", "minimal", 1.2),
            Row("check vs Node jose", "check", "node+jose", 1.0)]
    node, why = fixtures.node_peer(timeout=20 if ctx.quick else 180)
    minimal = [sys.executable, str(fixtures.HERE / "minimal_verify.py"), ctx.issuer.url,
               ctx.token]
    contenders: dict[str, Callable[[], float]] = {
        "check": lambda: timed_run(check_command(ctx.app, ctx.token), ctx.app, ctx.env)[0],
        "minimal": lambda: timed_run(minimal, ctx.app, ctx.env)[0],
    }
    if node is not None:
        contenders["node"] = lambda: timed_run([*node, ctx.issuer.url, ctx.token], ctx.app,
                                               ctx.env)[0]
    medians = alternate(contenders, ctx.reps)
    rows[0].a_ms, rows[0].b_ms = medians["check"], medians["minimal"]
    if node is None:
        rows[1].skipped = why
    else:
        rows[1].a_ms, rows[1].b_ms = medians["check"], medians["node"]
        rows[1].note = f"jose {fixtures.jose_version()}, node {node_version(node[0])}"
    return rows


def node_version(node: str) -> str:
    try:
        return subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10,
                              check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


# -- 2. wizard start-up vs a bare Textual app ----------------------------------------------
def bench_startup(ctx: Context) -> list[Row]:
    row = Row("wizard first screen vs bare Textual app", "wizard", "bare Static", 1.5)
    driver = fixtures.HERE / "first_screen.py"

    def first_screen(mode: str) -> float:
        command = [sys.executable, str(driver), mode, repr(time.time()), str(ctx.app),
                   str(fixtures.WORK / "state")]
        _, out = timed_run(command, ctx.app, ctx.env)
        return float(out.strip().splitlines()[-1])

    probe = subprocess.run([sys.executable, str(driver), "probe"], env=ctx.env,
                           capture_output=True, text=True, timeout=60, check=False)
    if probe.returncode != 0:
        row.skipped = probe.stdout.strip() or probe.stderr.strip().splitlines()[-1]
        return [row]
    medians = alternate({"wizard": lambda: first_screen("wizard"),
                         "bare": lambda: first_screen("bare")}, ctx.reps)
    row.a_ms, row.b_ms = medians["wizard"], medians["bare"]
    row.note = "headless, until the first screen is drawn, fresh interpreter each run"
    return [row]


# -- 3. paste-to-verdict, in process --------------------------------------------------------
def bench_verdict(ctx: Context) -> list[Row]:
    import jwt

    from wizard.checks.token_checks import TokenContext, TokenVerdict, verify_token
    from wizard.providers.clerk.provider import CLERK
    from wizard.rules.jwt import read_paste
    from wizard.services.issuer_keys import fetch_issuer_keys

    row = Row("paste-to-verdict (all token.* checks) vs jwt.decode", "verify_token",
              "jwt.decode", 2.0, absolute_ms=ABSOLUTE_VERDICT_MS)
    keys = fetch_issuer_keys(ctx.issuer.url)
    if not keys.usable:
        raise RuntimeError(f"the local issuer's keys did not load: {keys.jwks_problem}")
    token_ctx = TokenContext(issuer=ctx.issuer.url, application_id="convex",
                             get_token=CLERK.token_snippet(None))
    key = next(k.public_key("RS256")[0] for k in keys.keys if k.kty == "RSA")
    now = time.time()
    def judge() -> TokenVerdict:
        token = read_paste(ctx.token)
        return verify_token(token, CLERK.classify(token, "convex"), token_ctx, keys, now)

    verdict = judge()
    if not verdict.verified:
        failed = [c.id for c in verdict.checks if c.status.value not in ("pass", "warn")]
        raise RuntimeError(f"the benchmark token did not verify: {failed}")

    def wizard_verdict() -> float:
        started = time.perf_counter()
        judge()
        return (time.perf_counter() - started) * 1000

    def bare_decode() -> float:
        started = time.perf_counter()
        jwt.decode(ctx.token, key, algorithms=["RS256"], audience="convex",
                   issuer=ctx.issuer.url)
        return (time.perf_counter() - started) * 1000

    medians = alternate({"wizard": wizard_verdict, "bare": bare_decode}, ctx.reps * 40)
    row.a_ms, row.b_ms = medians["wizard"], medians["bare"]
    row.note = f"RS256, keys loaded; also ≤ {ABSOLUTE_VERDICT_MS:g} ms absolute"
    return [row]


# -- 4. project reading in a large monorepo ------------------------------------------------
def bench_monorepo(ctx: Context) -> list[Row]:
    packages, per_package = (40, 40) if ctx.quick else (300, 60)
    root = fixtures.monorepo(packages, per_package)
    fixtures.write_app(root, ctx.issuer.url, ctx.issuer.publishable_key)
    row = Row("check in a big monorepo vs a tiny project", "monorepo", "tiny", 1.2)
    medians = alternate({
        "monorepo": lambda: timed_run(check_command(root, ctx.token), root, ctx.env)[0],
        "tiny": lambda: timed_run(check_command(ctx.app, ctx.token), ctx.app, ctx.env)[0],
    }, ctx.reps)
    row.a_ms, row.b_ms = medians["monorepo"], medians["tiny"]
    row.note = f"{fixtures.count_files(root):,} files incl. node_modules"
    return [row]


# -- 5. the app-code reader (issue 17) -------------------------------------------------------
def bench_appcode(ctx: Context) -> list[Row]:
    """The reader alone, in a fresh interpreter each run (as ``check`` will run it), on a tiny
    app, on a ``src/`` of 300 components, and at the root of the big monorepo (which also
    holds the tiny app's two files)."""
    packages, per_package = (40, 40) if ctx.quick else (300, 60)
    monorepo = fixtures.monorepo(packages, per_package)
    fixtures.write_app(monorepo, ctx.issuer.url, ctx.issuer.publishable_key)
    projects = {"monorepo": fixtures.app_source(monorepo, 0),
                "tiny": fixtures.app_source(fixtures.WORK / "appcode-tiny", 0),
                "components": fixtures.app_source(fixtures.WORK / "appcode-300", 300)}
    in_process: dict[str, list[float]] = {name: [] for name in projects}

    def reader(name: str) -> float:
        command = [sys.executable, str(fixtures.HERE / "appcode_reader.py"), str(projects[name])]
        elapsed, out = timed_run(command, projects[name], ctx.env)
        in_process[name].append(float(out.strip().splitlines()[-1]))
        return elapsed

    contenders: dict[str, Callable[[], float]] = {
        name: functools.partial(reader, name) for name in projects}
    node, why = fixtures.node_peer(timeout=20 if ctx.quick else 180)
    if node is not None:
        contenders["node"] = lambda: timed_run([*node, ctx.issuer.url, ctx.token], ctx.app,
                                               ctx.env)[0]
    medians = alternate(contenders, ctx.reps)
    alone = {name: statistics.median(values) for name, values in in_process.items()}
    mono = Row("app-code reader in a big monorepo vs a tiny app", "monorepo", "tiny", 1.2)
    mono.a_ms, mono.b_ms = medians["monorepo"], medians["tiny"]
    mono.note = (f"fresh process each; reader alone {fmt_ms(alone['monorepo'])} vs "
                 f"{fmt_ms(alone['tiny'])}; {fixtures.count_files(monorepo):,} files")
    peer = Row("app-code reader on 300 components vs Node jose", "reader", "node+jose", 1.0)
    peer.a_ms = medians["components"]
    peer.note = f"fresh process; reader alone {fmt_ms(alone['components'])} (300 components)"
    if node is None:
        peer.skipped = why
    else:
        peer.b_ms = medians["node"]
    return [mono, peer]


BENCHMARKS: list[tuple[str, Callable[[Context], list[Row]]]] = [
    ("check vs peers", bench_check),
    ("paste-to-verdict", bench_verdict),
    ("monorepo", bench_monorepo),
    ("app-code reader", bench_appcode),
    ("wizard start-up", bench_startup),
]


def print_table(rows: list[Row]) -> None:
    header = ("benchmark", "median A", "median B", "ratio", "target", "result")
    lines = [header]
    for row in rows:
        if row.skipped:
            lines.append((row.name, "-", "-", "-", f"≤ {row.target:g}", "skipped"))
            continue
        lines.append((row.name, f"{row.a_label} {fmt_ms(row.a_ms)}",
                      f"{row.b_label} {fmt_ms(row.b_ms)}", f"{row.ratio:.2f}",
                      f"≤ {row.target:g}", "met" if row.met else "NOT MET"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for index, line in enumerate(lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    for row in rows:
        if row.skipped:
            print(f"  {row.name}: skipped: {row.skipped}")
        elif row.note:
            print(f"  {row.name}: {row.note}")


def fmt_ms(value: float) -> str:
    return f"{value:.3f} ms" if value < 10 else f"{value:.0f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help="few repetitions and a small monorepo: only proves they run")
    parser.add_argument("--reps", type=int, help="repetitions per contender (default 21, "
                        "quick 2)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is not met")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only the benchmarks whose name contains NAME")
    args = parser.parse_args(argv)
    reps = args.reps or (2 if args.quick else 21)
    fixtures.WORK.mkdir(parents=True, exist_ok=True)
    print(f"convex-auth-wizard benchmarks ({'quick' if args.quick else 'full'}, {reps} reps, "
          f"alternating, medians) on {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.machine()}, "
          f"{_cpu_count()} CPU(s)", flush=True)
    rows: list[Row] = []
    crashed: list[str] = []
    with LocalIssuer() as issuer, tempfile.TemporaryDirectory(prefix="cawbench-") as tmp:
        now = int(time.time())
        token = issuer.mint(issuer.template_claims(now, lifetime=3600))
        app = fixtures.write_app(Path(tmp) / "app", issuer.url, issuer.publishable_key)
        ctx = Context(issuer, token, app, reps, args.quick, fixtures.subprocess_env())
        for name, bench in BENCHMARKS:
            if args.only and not any(part in name for part in args.only):
                continue
            print(f"… {name}", flush=True)
            started = time.perf_counter()
            try:
                rows += bench(ctx)
            except Exception:
                crashed.append(name)
                traceback.print_exc()
            print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    print()
    print_table(rows)
    if crashed:
        print(f"\ncrashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    if args.strict and any(not r.skipped and not r.met for r in rows):
        return 1
    return 0


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    raise SystemExit(main())
