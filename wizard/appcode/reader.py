"""Reading the app's own code: discovery, parsing, and every ``app.*`` check, in one call."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from wizard.appcode.context import AppContext, finding
from wizard.appcode.discover import SKIPPED_LISTED, Limits, discover_sources
from wizard.appcode.env_access import check_env_access
from wizard.appcode.facts import FileFacts, extract
from wizard.appcode.framework import detect_framework, workspace_patterns
from wizard.appcode.gating import check_auth_gating
from wizard.appcode.installed import convex_copies, provider_props
from wizard.appcode.model import AppCode, Finding, ParseProblem, SourceScan, TokenPath
from wizard.appcode.provider import check_provider
from wizard.appcode.server_token import check_server_token
from wizard.appcode.syntax import ParseTimeout, parse
from wizard.appcode.tree import SourceTree
from wizard.project.envfiles import read_env_files

COPIES = "app.convex_copies"


def _parse_all(files: list[tuple[str, bytes]], limits: Limits,
               scan: SourceScan) -> list[FileFacts]:
    parsed: list[FileFacts] = []
    stop = time.monotonic() + limits.parse_seconds_total
    for rel, data in files:
        now = time.monotonic()
        if now >= stop:
            scan.skip(rel, "parse_deadline", SKIPPED_LISTED)
            continue
        try:
            result = parse(rel, data, min(stop, now + limits.parse_seconds_per_file))
        except ParseTimeout:
            scan.skip(rel, "parse_deadline", SKIPPED_LISTED)
            continue
        if result is None:
            continue
        scan.files_parsed += 1
        if result.error_lines:
            scan.parse_problems.append(ParseProblem(rel, result.error_lines))
        parsed.append(extract(result))
    return parsed


def check_convex_copies(root: Path) -> list[Finding]:
    copies, layout = convex_copies(root)
    if not copies:
        return [finding(COPIES, "skip", "not_installed")]
    listed = "; ".join(f"{c.path} ({c.version})" for c in copies)
    if len(copies) == 1:
        return [finding(COPIES, "pass", "one_copy", copies=listed, layout=layout)]
    return [Finding(COPIES, "warn", "several_copies", copies[1].path, None,
                    {"copies": listed, "count": str(len(copies)), "layout": layout})]


def read_app_code(root: Path, *, token_path: TokenPath | None = None,
                  environ: Mapping[str, str] | None = None,
                  limits: Limits | None = None) -> AppCode:
    """Read the app under ``root`` and run every ``app.*`` check.

    ``token_path`` is the project's auth path (``template``: a Clerk JWT template named
    ``convex``; ``integration``: Clerk's Convex integration; None: not known yet, then only
    what is wrong on both paths is reported). ``environ`` is consulted, after the ``.env``
    files, for variables the code reads. Nothing is executed; nothing outside ``root`` is read.
    """
    limits = limits or Limits()
    scan = SourceScan()
    framework = detect_framework(root)
    other_packages = frozenset(base for base, _members in workspace_patterns(root))
    sources = discover_sources(root, limits, scan, other_packages)
    files = _parse_all([(s.rel, s.data) for s in sources], limits, scan)
    tree = SourceTree(files, frozenset(scan.paths_seen))
    props, source = (provider_props(root)
                     if any(f.imports_from(("convex/react-clerk",)) for f in files)
                     else ((), ""))
    ctx = AppContext(framework, tree, read_env_files(root, environ), token_path, scan,
                     props, source)
    findings = (check_provider(ctx) + check_env_access(ctx) + check_server_token(ctx)
                + check_auth_gating(ctx) + check_convex_copies(root))
    return AppCode(framework, findings, scan, props, source)
