"""What the app-code reader produces: findings as data, the edits ``fix`` may apply, and an
account of what was read, skipped or only partly parsed.

Nothing here is an English sentence meant for a user: a finding is a check id, a status, a
reason from a closed set and the values a sentence needs; the message catalog turns them into
text in the user's language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import field
from typing import Literal

from wizard.records import record

FindingStatus = Literal["pass", "fail", "warn", "skip"]
TokenPath = Literal["template", "integration"]

CHECK_IDS: tuple[str, ...] = ("app.provider", "app.provider_props", "app.env_access",
                              "app.server_token", "app.auth_gating", "app.convex_copies")
"""The checks in the order they are reported."""

REASONS: dict[str, frozenset[str]] = {
    "app.provider": frozenset({
        "wired", "custom_auth_provider", "token_fetcher_wired", "no_clerk",
        "plain_convex_provider", "no_convex_provider", "outside_clerk_provider",
        "nesting_unknown", "no_clerk_provider", "missing_use_auth", "use_auth_not_a_hook",
        "use_auth_called", "use_auth_not_from_clerk", "use_auth_package_mismatch",
        "use_auth_package_differs", "missing_use_client", "auth_never_set",
        "token_not_a_function", "wrong_template", "template_missing", "template_not_needed",
        "no_source"}),
    "app.provider_props": frozenset({
        "known_props_only", "no_clerk", "not_react", "no_convex_provider_with_clerk",
        "unknown_prop", "missing_prop"}),
    "app.env_access": frozenset({
        "read_correctly", "no_reads", "wrong_accessor", "missing_prefix", "not_inlined",
        "not_in_env_files", "private_in_browser"}),
    "app.server_token": frozenset({
        "fresh_token", "no_server_calls", "no_token", "token_not_from_clerk",
        "browser_get_token", "wrong_template", "template_missing", "template_not_needed",
        "shared_client_token"}),
    "app.auth_gating": frozenset({
        "no_clerk_gate", "no_convex_hooks", "no_clerk", "clerk_component_gate",
        "clerk_hook_gate"}),
    "app.convex_copies": frozenset({"one_copy", "not_installed", "several_copies"}),
}
"""Every reason each check can give: the closed sets the message catalog words."""

_SEVERITY: dict[str, int] = {"skip": 0, "pass": 1, "warn": 2, "fail": 3}


@record(frozen=True)
class Edit:
    """A mechanical change: replace bytes ``start:end`` of ``file`` (as read) with
    ``replacement``. ``expected`` is what those bytes are now, so a fixer can refuse to apply
    the edit to a file that changed since it was read."""

    file: str
    start: int
    end: int
    expected: str
    replacement: str


@record(frozen=True)
class Finding:
    """One result of one check at one place (``file`` is relative to the project, POSIX
    separators; ``line`` is 1-based). A check that passes yields one finding with status
    ``pass``; one that fails yields one finding per failing site."""

    check_id: str
    status: FindingStatus
    reason: str
    file: str | None = None
    line: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    edit: Edit | None = None


@record(frozen=True)
class Skipped:
    """A path the reader did not read, or did not read whole, and why (a closed set:
    ``symlink_outside``, ``not_regular``, ``too_large``, ``unreadable``, ``file_limit``,
    ``byte_limit``, ``folder_limit``, ``parse_deadline``, ``gitignored`` is not recorded:
    ignoring what git ignores is the rule, not a loss)."""

    path: str
    reason: str


@record(frozen=True)
class ParseProblem:
    """A file tree-sitter could not parse cleanly: it was still judged by what did parse.
    ``lines`` are the first lines with an ``ERROR`` or ``MISSING`` node."""

    file: str
    lines: tuple[int, ...]


@record
class SourceScan:
    """How the source was found and read."""

    files_seen: int = 0
    """Source files found (read or not)."""
    files_read: int = 0
    files_parsed: int = 0
    """Files that mention Convex or Clerk and so were parsed (the others cannot matter)."""
    bytes_read: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    """The first :data:`~wizard.appcode.discover.SKIPPED_LISTED` skipped paths."""
    skipped_counts: Counter[str] = field(default_factory=Counter)
    """Every skipped path counted by reason (a list can stop; the count does not)."""
    parse_problems: list[ParseProblem] = field(default_factory=list)
    paths_seen: set[str] = field(default_factory=set, repr=False)
    """Every source file seen (a route layout matters even when it was not parsed)."""

    def skip(self, path: str, reason: str, listed: int) -> None:
        self.skipped_counts[reason] += 1
        if len(self.skipped) < listed:
            self.skipped.append(Skipped(path, reason))


@record(frozen=True)
class Framework:
    """What the project is built with, and why the reader thinks so."""

    name: str
    """``next``, ``vite-react``, ``expo``, ``tanstack-start``, ``sveltekit``, ``svelte``,
    ``vue``, ``nuxt``, ``cra`` or ``unknown``."""
    routers: tuple[str, ...] = ()
    """Next.js: ``app`` and/or ``pages``; Expo: ``expo-router`` when used."""
    evidence: tuple[str, ...] = ()
    """``package.json:next``, ``next.config.mjs``, ``app/layout.tsx``."""
    clerk_packages: tuple[str, ...] = ()
    """The ``@clerk/*`` (and community Clerk) packages among the dependencies."""
    convex_clients: tuple[str, ...] = ()
    """``convex`` and ``convex-svelte``/``convex-vue``/``convex-nuxt`` when depended on."""
    major: int | None = None
    """The framework's major version when the dependency range or install tells it."""


@record
class AppCode:
    """Everything :func:`~wizard.appcode.read_app_code` found."""

    framework: Framework
    findings: list[Finding]
    scan: SourceScan
    convex_props: tuple[str, ...]
    """The props ``ConvexProviderWithClerk`` accepts, as judged."""
    convex_props_source: str
    """Where they were read: a path under ``node_modules/convex``, or ``default``."""

    def for_check(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check_id == check_id]

    def status(self, check_id: str) -> FindingStatus:
        """The worst status among the check's findings (``skip`` when it has none)."""
        worst: FindingStatus = "skip"
        for finding in self.for_check(check_id):
            if _SEVERITY[finding.status] > _SEVERITY[worst]:
                worst = finding.status
        return worst

    def edits(self) -> list[Edit]:
        return [f.edit for f in self.findings if f.edit is not None]
