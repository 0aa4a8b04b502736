"""Convex deploy keys: which deployment each names, and which one the CLI would use.

Shapes (convex-js src/cli/lib/deployment.ts; docs cli/deploy-key-types): ``prod:NAME|…``,
``dev:NAME|…``, ``preview:NAME|…`` (one preview deployment), ``custom:NAME|…``,
``preview:TEAM:PROJECT|…`` (creates previews in a project), ``project:TEAM:PROJECT|…``, a
legacy admin key ``NAME|…`` (the CLI takes it as prod), and the self-hosted admin key. The
value is kept in memory only to be sent where it belongs; it is never part of a ``repr``, a
dictionary or an output, and :meth:`Keys.secrets` lists it for scrubbing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from wizard.environments.env_sources import CLI_FILES, ProjectFiles
from wizard.project.sourced import Sourced
from wizard.records import record

DEPLOY_KEY_VARS: tuple[str, ...] = ("CONVEX_DEPLOY_KEY", "CONVEX_DEPLOYMENT_TOKEN")
"""``CONVEX_DEPLOYMENT_TOKEN`` is the CLI's alias; ``CONVEX_DEPLOY_KEY`` wins."""
SELF_HOSTED_KEY_VAR = "CONVEX_SELF_HOSTED_ADMIN_KEY"
IGNORE_DEPLOY_KEY = "<ignore_deploy_key>"
"""The CLI's own sentinel: a deploy key variable holding it counts as unset, and a value in
the process environment is never overridden by ``.env.local`` or ``.env``."""

PROD, DEV, PREVIEW, CUSTOM = "prod", "dev", "preview", "custom"
PREVIEW_PROJECT, PROJECT, LEGACY, SELF_HOSTED, MALFORMED = (
    "preview_project", "project", "legacy", "self_hosted", "malformed")


def classify(value: str) -> tuple[str, str | None]:
    """(kind, deployment name or None) of a deploy key, as the CLI reads it."""
    head, bar, _secret = value.strip().partition("|")
    if not bar or not head:
        return MALFORMED, None
    parts = head.split(":")
    if len(parts) == 1:
        return LEGACY, parts[0]
    kind = parts[0]
    if kind in (PROD, DEV, PREVIEW, CUSTOM) and len(parts) == 2 and parts[1]:
        return kind, parts[1]
    if kind == PREVIEW and len(parts) == 3:
        return PREVIEW_PROJECT, None
    if kind == PROJECT and len(parts) == 3:
        return PROJECT, None
    return MALFORMED, None


@record(frozen=True)
class DeployKey:
    kind: str
    deployment: str | None
    source: str  # "environment:CONVEX_DEPLOY_KEY", ".env.local:CONVEX_DEPLOY_KEY"
    secret: str = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "deployment": self.deployment, "source": self.source}


def _key(found: Sourced, variable: str) -> DeployKey | None:
    value = found.value.strip()
    if not value or value == IGNORE_DEPLOY_KEY:
        return None
    kind, name = (SELF_HOSTED, None) if variable == SELF_HOSTED_KEY_VAR else classify(value)
    return DeployKey(kind, name, found.source, value)


@record(frozen=True)
class Keys:
    """Every deploy key the project and the process environment hold."""

    found: tuple[DeployKey, ...]
    cli: DeployKey | None
    """The key the CLI would pick by itself (process environment, ``.env.local``, ``.env``)."""

    def of_kind(self, kind: str) -> DeployKey | None:
        return next((k for k in self.found if k.kind == kind), None)

    def secrets(self) -> list[str]:
        """Each value and its secret part, for scrubbing every output."""
        values: list[str] = []
        for key in self.found:
            values.append(key.secret)
            if "|" in key.secret:
                values.append(key.secret.split("|", 1)[1])
        return values


def find_keys(files: ProjectFiles, environ: Mapping[str, str]) -> Keys:
    """The process environment's keys first (a CI secret), then each file's."""
    found: list[DeployKey] = []
    for variable in (*DEPLOY_KEY_VARS, SELF_HOSTED_KEY_VAR):
        if variable in environ:
            key = _key(Sourced(environ[variable], "environment:" + variable), variable)
            if key is not None:
                found.append(key)
        for values in files.values.values():
            key = _key(values[variable], variable) if variable in values else None
            if key is not None:
                found.append(key)
    return Keys(tuple(found), _cli_key(files, environ))


def _cli_key(files: ProjectFiles, environ: Mapping[str, str]) -> DeployKey | None:
    """``CONVEX_DEPLOY_KEY`` from the environment, ``.env.local`` or ``.env`` (the CLI loads
    both files without overriding), else ``CONVEX_DEPLOYMENT_TOKEN`` from the same; a
    variable set to the sentinel stops the search, as in the CLI."""
    for variable in DEPLOY_KEY_VARS:
        value = environ.get(variable, "").strip()
        found = Sourced(value, "environment:" + variable) if value else \
            files.first(variable, CLI_FILES)
        if found is not None:
            return _key(found, variable)
    return None


def cli_deployment(files: ProjectFiles, environ: Mapping[str, str]) -> Sourced | None:
    """``CONVEX_DEPLOYMENT`` as the CLI reads it."""
    value = environ.get("CONVEX_DEPLOYMENT", "").strip()
    if value:
        return Sourced(value, "environment:CONVEX_DEPLOYMENT")
    return files.first("CONVEX_DEPLOYMENT", CLI_FILES)
