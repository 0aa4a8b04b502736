"""What the repository and the process environment say about each environment, read from
files only: nothing is run and nothing is sent here.

Per environment: the Clerk instance its build would use (the winning publishable key) and
the Convex deployment it talks to (name, URL, a deploy key of exactly that deployment).
Development's deployment is ``CONVEX_DEPLOYMENT`` as the CLI reads it, and its URL the
client URL variables of the files a development build reads. Production's URL comes only
from production's own files (a ``.env.local`` URL is the development deployment, and
``npx convex deploy --cmd`` sets the production one for the build alone), its name from a
``prod:`` key. Previews are made from a preview deploy key; their variables come from the
project's defaults, read later through the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from wizard.environments.deploy_keys import (
    DEV,
    PREVIEW,
    PREVIEW_PROJECT,
    PROD,
    DeployKey,
    Keys,
    cli_deployment,
    find_keys,
)
from wizard.environments.env_sources import (
    HOSTING,
    OWN,
    ProjectFiles,
    hosting_file,
    read_project_files,
)
from wizard.environments.instances import ClerkInstance, KeyProblem, instance_of, known_hosts
from wizard.environments.model import ENVIRONMENTS, Environment
from wizard.project.deployment_url import deployment_name, find_deployment_url
from wizard.project.reader import read_convex_version
from wizard.project.sourced import Sourced
from wizard.records import record
from wizard.services.convex_cli import convex_cli


@record(frozen=True)
class Deployment:
    """One environment's Convex deployment, as far as the files tell."""

    name: str | None = None
    kind: str | None = None  # dev | prod | preview | local | anonymous | "" (legacy)
    source: str | None = None
    url: Sourced | None = None
    key: DeployKey | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "source": self.source,
                "url": self.url.value if self.url else None,
                "url_source": self.url.source if self.url else None,
                "deploy_key": self.key.to_dict() if self.key else None}


@record(frozen=True)
class Discovery:
    root: Path
    framework: str
    files_read: tuple[str, ...]
    problems: tuple[str, ...]
    instances: dict[Environment, ClerkInstance | KeyProblem | None]
    hosts: dict[str, str]
    """Frontend API host → instance type, for every publishable key in the files."""
    deployments: dict[Environment, Deployment]
    keys: Keys
    cli_deployment: Sourced | None
    has_cli: bool
    convex_version: Sourced | None
    preview_evidence: tuple[str, ...]
    """Sources that show the project makes previews (a preview key, the host's preview file)."""
    shared_test_key: str | None
    """A ``pk_test_`` key that a local production build would read from a shared file
    (``.env.local``, ``.env``); the deployed build normally gets the host's key instead."""
    environ: Mapping[str, str] = field(repr=False)
    """The process environment the CLI is run with (it may hold secrets: never shown)."""

    def instance(self, environment: Environment) -> ClerkInstance | None:
        found = self.instances[environment]
        return found if isinstance(found, ClerkInstance) else None

    def secrets(self) -> list[str]:
        return self.keys.secrets()

    def to_dict(self) -> dict[str, Any]:
        def instance(found: ClerkInstance | KeyProblem | None) -> dict[str, Any] | None:
            return found.to_dict() if found is not None else None

        return {
            "framework": self.framework, "files_read": list(self.files_read),
            "problems": list(self.problems),
            "instances": {e.value: instance(v) for e, v in self.instances.items()},
            "deployments": {e.value: d.to_dict() for e, d in self.deployments.items()},
            "deploy_keys": [k.to_dict() for k in self.keys.found],
            "convex_deployment": self.cli_deployment.value if self.cli_deployment else None,
            "convex_cli": self.has_cli,
            "convex_version": self.convex_version.value if self.convex_version else None,
            "preview_evidence": list(self.preview_evidence),
            "shared_test_key": self.shared_test_key,
        }


def _key_for(keys: Keys, kind: str, name: str | None) -> DeployKey | None:
    """A key of ``kind`` naming ``name`` if there is one, else the first key of ``kind``."""
    matching = [k for k in keys.found if k.kind == kind]
    return next((k for k in matching if k.deployment == name), matching[0] if matching
                else None)


def _production_instance(files: ProjectFiles,
                         ) -> tuple[ClerkInstance | KeyProblem | None, str | None]:
    """Production's own key (the host's or a production file's); a key in a shared file only
    when it is a ``pk_live_`` one, since a shared ``pk_test_`` key is the development setup
    that every local file holds, not evidence of what production gets."""
    own = instance_of(files.environment(Environment.PRODUCTION, (HOSTING, OWN)))
    if own is not None:
        return own, None
    shared = instance_of(files.environment(Environment.PRODUCTION))
    if isinstance(shared, ClerkInstance) and shared.instance_type == "production":
        return shared, None
    return None, shared.source if shared is not None else None


def _development(files: ProjectFiles, keys: Keys, selected: Sourced | None) -> Deployment:
    kind, name = deployment_name(selected.value) if selected else ("", "")
    key = _key_for(keys, DEV, name or None)
    url = find_deployment_url(files.environment(Environment.DEVELOPMENT).env, files.root)
    if selected is not None and name:
        return Deployment(name, kind, selected.source, url, key)
    if key is not None:
        return Deployment(key.deployment, DEV, key.source, url, key)
    return Deployment(url=url)


def _production(files: ProjectFiles, keys: Keys, selected: Sourced | None) -> Deployment:
    own = files.environment(Environment.PRODUCTION, (HOSTING, OWN))
    url = find_deployment_url(own.env, files.root)
    kind, name = deployment_name(selected.value) if selected else ("", "")
    if selected is not None and kind == PROD:
        return Deployment(name, PROD, selected.source, url, _key_for(keys, PROD, name))
    key = keys.of_kind(PROD)
    if key is not None:
        return Deployment(key.deployment, PROD, key.source, url, key)
    return Deployment(url=url)


def _preview(files: ProjectFiles, keys: Keys) -> Deployment:
    hosting = files.environment(Environment.PREVIEW, (HOSTING,))
    url = find_deployment_url(hosting.env, files.root)
    key = keys.of_kind(PREVIEW) or keys.of_kind(PREVIEW_PROJECT)
    if key is not None:
        return Deployment(key.deployment, PREVIEW, key.source, url, key)
    return Deployment(url=url)


def discover(root: Path, environ: Mapping[str, str] | None = None) -> Discovery:
    """Read the project at ``root``; ``environ`` is the process environment (a CI secret such
    as ``CONVEX_DEPLOY_KEY`` lives there), default this process's."""
    environ = dict(os.environ if environ is None else environ)
    files = read_project_files(root)
    keys = find_keys(files, environ)
    selected = cli_deployment(files, environ)
    problems = list(files.problems)
    version = read_convex_version(root, problems)
    evidence = [k.source for k in keys.found if k.kind in (PREVIEW, PREVIEW_PROJECT)]
    if hosting_file(Environment.PREVIEW) in files.values:
        evidence.append(hosting_file(Environment.PREVIEW))
    instances = {e: instance_of(files.environment(e)) for e in ENVIRONMENTS}
    instances[Environment.PRODUCTION], shared_test_key = _production_instance(files)
    return Discovery(
        root=root, framework=files.framework, files_read=files.files_read,
        problems=tuple(problems),
        instances=instances,
        hosts=known_hosts(files),
        deployments={Environment.DEVELOPMENT: _development(files, keys, selected),
                     Environment.PRODUCTION: _production(files, keys, selected),
                     Environment.PREVIEW: _preview(files, keys)},
        keys=keys, cli_deployment=selected, has_cli=convex_cli(root) is not None,
        convex_version=version, preview_evidence=tuple(evidence),
        shared_test_key=shared_test_key,
        environ=environ,
    )
