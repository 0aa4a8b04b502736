"""Reading a project: where it is, its env files, auth config and convex version.

Only fixed paths are read: nothing here walks the tree, so a monorepo with a huge
``node_modules`` costs the same as a tiny app.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path

from wizard.guards.files import is_absent, read_regular_file, why_unread
from wizard.project.auth_config import AuthConfig, Provider, read_auth_config
from wizard.project.envfiles import EnvFiles, read_env_files
from wizard.project.sourced import Sourced
from wizard.records import record

DEFAULT_APPLICATION_ID = "convex"
DEFAULT_ISSUER_VAR = "CLERK_JWT_ISSUER_DOMAIN"
"""The variable assumed when auth.config names none and no identity provider says otherwise
(the session passes its provider's first ``issuer_vars``)."""
_MAX_LOCK_BYTES = 64 * 1024 * 1024
_MAX_MANIFEST_BYTES = 1024 * 1024
_SEMVER = re.compile(r"\d+\.\d+\.\d+")
_PNPM_KEY = re.compile(r"/?convex[@/](\d+\.\d+\.\d+)")
_YARN_HEADER = re.compile(r'"?convex@')
_YARN_VERSION = re.compile(r'version:?[ \t]+"?(\d+\.\d+\.\d+)')
_BUN_ENTRY = re.compile(r'"convex@(\d+\.\d+\.\d+)"')


def find_project_root(start: Path) -> tuple[Path, bool]:
    """The nearest folder at or above ``start`` holding package.json or convex/."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "package.json").is_file() or (folder / "convex").is_dir():
            return folder, True
    return start, False


@record
class Project:
    root: Path
    root_found: bool
    env: EnvFiles
    auth: AuthConfig
    convex_version: Sourced | None = None
    problems: list[str] = field(default_factory=list)
    assumed_issuer_var: str = DEFAULT_ISSUER_VAR
    """The issuer variable assumed when auth.config names none: the identity provider's."""

    @property
    def has_convex_dir(self) -> bool:
        return (self.root / "convex").is_dir()

    @property
    def oidc_provider(self) -> Provider | None:
        """The first OIDC provider of auth.config: the one the identity provider's tokens are
        judged against when they match none (and the one the wizard sets up)."""
        for provider in self.auth.providers:
            if provider.kind == "oidc":
                return provider
        return None

    @property
    def issuer_var(self) -> str:
        """The variable auth.config reads for the domain (never assumed when the file says)."""
        provider = self.oidc_provider
        if provider is not None and provider.domain_env:
            return provider.domain_env
        return self.assumed_issuer_var

    @property
    def issuer_var_declared(self) -> bool:
        provider = self.oidc_provider
        return provider is not None and provider.domain_env is not None

    @property
    def auth_path(self) -> str:
        if self.auth.path is not None:
            return self.auth.display_path(self.root)
        return "convex/auth.config.ts"


def read_project(root: Path, root_found: bool = True,
                 environ: Mapping[str, str] | None = None, *,
                 assumed_issuer_var: str = DEFAULT_ISSUER_VAR) -> Project:
    env = read_env_files(root, environ)
    project = Project(root=root, root_found=root_found, env=env, auth=read_auth_config(root),
                      assumed_issuer_var=assumed_issuer_var)
    project.problems.extend(env.problems)
    project.convex_version = read_convex_version(root, project.problems)
    return project


def _read(root: Path, name: str, limit: int, problems: list[str]) -> bytes | None:
    """The file's bytes; None when it is absent or refused (then ``problems`` says why)."""
    try:
        return read_regular_file(root / name, limit)
    except OSError as exc:
        if not is_absent(exc):
            problems.append(f"{name} {why_unread(exc)}; it was not read")
        return None


def _read_json(root: Path, name: str, limit: int, problems: list[str]) -> object:
    raw = _read(root, name, limit, problems)
    try:
        return None if raw is None else json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
        return None


def _pnpm_version(line: str) -> str | None:
    """``  /convex@1.2.3:`` (lock v6) or ``  convex@1.2.3:`` (v9): an indented package key."""
    if not line[:1].isspace():
        return None
    match = _PNPM_KEY.match(line.lstrip())
    return match.group(1) if match else None


def _yarn_version(lines: list[str]) -> str | None:
    """A ``convex@…`` entry header followed by its ``version "1.2.3"`` (v1) or
    ``version: 1.2.3`` (berry) line."""
    for header, following in itertools.pairwise(lines):
        if _YARN_HEADER.match(header):
            match = _YARN_VERSION.match(following.lstrip())
            if match:
                return match.group(1)
    return None


def _lock_version(name: str, text: str) -> str | None:
    """Each scan looks at one line at a time with an anchored pattern: linear in the file."""
    if name == "pnpm-lock.yaml":
        return next(filter(None, map(_pnpm_version, text.splitlines())), None)
    if name == "yarn.lock":
        return _yarn_version(text.splitlines())
    match = _BUN_ENTRY.search(text)
    return match.group(1) if match else None


def read_convex_version(root: Path, problems: list[str] | None = None) -> Sourced | None:
    """The installed version first, then the lock files, then the range in package.json.

    A file that is there but is not read (a FIFO, a device, over its cap) is named in
    ``problems``."""
    problems = [] if problems is None else problems
    installed = _read_json(root, "node_modules/convex/package.json", _MAX_MANIFEST_BYTES,
                           problems)
    if isinstance(installed, dict) and isinstance(installed.get("version"), str):
        return Sourced(installed["version"], "node_modules/convex/package.json")
    lock = _read_json(root, "package-lock.json", _MAX_LOCK_BYTES, problems)
    if isinstance(lock, dict):
        entry = (lock.get("packages") or {}).get("node_modules/convex") or \
            (lock.get("dependencies") or {}).get("convex")
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            return Sourced(entry["version"], "package-lock.json")
    for name in ("pnpm-lock.yaml", "yarn.lock", "bun.lock"):
        raw = _read(root, name, _MAX_LOCK_BYTES, problems)
        version = None if raw is None else _lock_version(name, raw.decode("utf-8", "replace"))
        if version is not None:
            return Sourced(version, name)
    package = _read_json(root, "package.json", _MAX_MANIFEST_BYTES, problems)
    if isinstance(package, dict):
        for section in ("dependencies", "devDependencies", "peerDependencies"):
            deps = package.get(section)
            if isinstance(deps, dict) and isinstance(deps.get("convex"), str):
                match = _SEMVER.search(deps["convex"])
                if match:
                    return Sourced(match.group(0), f"package.json:{section}.convex "
                                   f"({deps['convex']})", derived=True)
    return None


def resolve_application_id(project: Project, override: str | None) -> Sourced:
    if override:
        return Sourced(override, "--application-id")
    provider = project.oidc_provider
    if provider is not None and provider.application_id:
        return Sourced(provider.application_id, f"{project.auth_path}:{provider.line}")
    return Sourced(DEFAULT_APPLICATION_ID, "default (Convex's Clerk setup uses \"convex\")",
                   derived=True)
