"""Which ``.env*`` files each environment's build reads, and in which order.

Vite and Next.js both read ``.env``, ``.env.local``, ``.env.<mode>`` and ``.env.<mode>.local``
(``vite build`` and ``next build`` run in the ``production`` mode, so a production build reads
``.env.local`` too); they differ in one place: Vite lets ``.env.production`` win over
``.env.local``, Next.js the other way round (research-15-18 §18.3). The hosting provider's own
variables win over every file; ``vercel pull --environment=<target>`` keeps a copy of them in
``.vercel/.env.<target>.local``, the only place a repository can show them.

A preview is a production-mode build on the host, so it also reads a committed
``.env.production`` or ``.env``; but its Clerk key is meant to be a development one (Clerk's
production keys do not work on the host's preview domain), set in the host's preview
variables. So only those variables say what a preview gets; files say nothing about it.

Each file has a scope: ``hosting`` (the host's variables for that environment),
``environment`` (read by that environment's builds only) or ``shared`` (read by other
environments too, so a value there is not evidence of what the environment was meant to get).
"""

from __future__ import annotations

from pathlib import Path

from wizard.environments.model import ENVIRONMENTS, Environment
from wizard.project.envfiles import EnvFiles, read_env_file
from wizard.project.sourced import Sourced
from wizard.records import record

HOSTING, OWN, SHARED = "hosting", "environment", "shared"
NEXT_CONFIGS: tuple[str, ...] = ("next.config.js", "next.config.mjs", "next.config.ts",
                                 "next.config.cjs")
CLI_FILES: tuple[str, ...] = (".env.local", ".env")
"""What the Convex CLI reads by itself, first wins (convex-js deploymentSelection.ts)."""


def hosting_file(environment: Environment) -> str:
    return f".vercel/.env.{environment.value}.local"


def framework(root: Path) -> str:
    """``next`` when a Next.js config is there, else ``vite`` (whose order Expo and most
    other bundlers share: the mode's files before the generic ones)."""
    return "next" if any((root / name).is_file() for name in NEXT_CONFIGS) else "vite"


def files_for(environment: Environment, kind: str) -> tuple[tuple[str, str], ...]:
    """(file, scope) pairs read by ``environment``'s build, the winning file first."""
    if environment is Environment.PREVIEW:
        return ((hosting_file(environment), HOSTING),)
    mode = environment.value
    own_local, own = (f".env.{mode}.local", OWN), (f".env.{mode}", OWN)
    local, generic = (".env.local", SHARED), (".env", SHARED)
    middle = (local, own) if kind == "next" else (own, local)
    return ((hosting_file(environment), HOSTING), own_local, *middle, generic)


@record
class EnvironmentFiles:
    """One environment's variables, merged the way its build merges them."""

    environment: Environment
    env: EnvFiles
    scopes: dict[str, str]
    """file → scope, for every file this environment reads (present or not)."""

    def scope_of(self, found: Sourced) -> str:
        return self.scopes.get(source_file(found), SHARED)

    def get(self, name: str) -> Sourced | None:
        return self.env.get(name)


def source_file(found: Sourced) -> str:
    """``.env.production:NAME`` → ``.env.production``."""
    return found.source.rpartition(":")[0]


@record
class ProjectFiles:
    """Every env file any environment reads, each read once."""

    root: Path
    framework: str
    values: dict[str, dict[str, Sourced]]
    """file → its values, for the files that were read."""
    problems: list[str]

    @property
    def files_read(self) -> tuple[str, ...]:
        return tuple(self.values)

    def environment(self, environment: Environment,
                    scopes: tuple[str, ...] = (HOSTING, OWN, SHARED)) -> EnvironmentFiles:
        """``environment``'s variables from the files of the given scopes."""
        order = tuple(pair for pair in files_for(environment, self.framework)
                      if pair[1] in scopes)
        merged = EnvFiles()
        for name, _scope in reversed(order):
            if name in self.values:
                merged.files_read.append(name)
                merged.file_values.update(self.values[name])
        merged.files_read.reverse()
        return EnvironmentFiles(environment, merged, dict(order))

    def first(self, name: str, files: tuple[str, ...]) -> Sourced | None:
        """``name`` from the first of ``files`` that sets it to something."""
        for file in files:
            found = self.values.get(file, {}).get(name)
            if found is not None and found.value.strip():
                return found
        return None


def read_project_files(root: Path) -> ProjectFiles:
    kind = framework(root)
    names = dict.fromkeys(name for env in ENVIRONMENTS for name, _ in files_for(env, kind))
    problems: list[str] = []
    values: dict[str, dict[str, Sourced]] = {}
    for name in names:
        found = read_env_file(root, name, problems)
        if found is not None:
            values[name] = found
    return ProjectFiles(root, kind, values, problems)
