"""Asking the project's Convex CLI about each environment (research-15-18 §18.1, convex 1.45).

=============  ==========================================  ===================================
environment    the issuer variable                         everything (when it is missing)
=============  ==========================================  ===================================
development    ``env get NAME``                            ``env list``
production     ``env get --prod NAME``                     ``env list --prod``
preview        ``env default get --type preview NAME``     ``env default list --type preview``
=============  ==========================================  ===================================

What the CLI prints: ``get`` the raw value and a newline on stdout; for a missing variable
nothing on stdout, ``✖ Environment variable "NAME" not found`` and a notice on stderr, and
exit status **0**. ``list`` one ``NAME=value`` line per variable (dotenv quoting), or
``No environment variables set`` on stderr. The notice names what was asked: `` (on prod
deployment brave-lion-42)`` or `` (in default env vars for preview deployments)``. The
defaults commands exist since convex 1.36.0, ``--type`` since 1.36.1.

Which deploy key the CLI sees. The wizard never hands the CLI a key: the CLI reads
``CONVEX_DEPLOY_KEY`` (or ``CONVEX_DEPLOYMENT_TOKEN``) from its environment, ``.env.local`` and
``.env`` by itself, and sends it to Convex's API and to the deployment Convex names for it,
its own home. But a key of one deployment also decides *which* deployment the CLI reads, over
every flag: with a ``dev:`` key, ``env get --prod`` silently reads the development deployment
(only a stderr warning says so); with a ``prod:`` key, a plain ``env get`` reads production.
So a key is left where the CLI finds it only when it is the key of exactly what the call asks
about (a ``dev:`` key for development, a ``prod:`` key for production, a ``project:`` key for
the project's preview defaults); any other key is hidden from that call with the CLI's own
sentinel, ``CONVEX_DEPLOY_KEY=<ignore_deploy_key>`` in the child's environment (the process
environment wins over both files), and the CLI falls back to ``CONVEX_DEPLOYMENT`` and the
user's login. A production key is therefore never in play for a development or preview
question, and a question about production is asked only with the user's consent.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from wizard.environments.deploy_keys import IGNORE_DEPLOY_KEY, DeployKey
from wizard.environments.model import Environment
from wizard.records import record
from wizard.services.convex_cli import (
    CliFailed,
    CliRun,
    DeploymentValue,
    EnvLookup,
    env_get_value,
    run_convex_cli,
)

FOUND, MISSING, LISTED, ERROR, UNAVAILABLE, NOT_RUN = (
    "found", "missing", "listed", "error", "unavailable", "not_run")
KEPT, IGNORED, NO_KEY = "kept", "ignored", "none"
DEFAULTS_SINCE = (1, 36, 1)
"""``env default … --type`` (convex-js CHANGELOG 1.36.0 and 1.36.1)."""
_NOTICE = re.compile(r"\((?:on (?P<type>[\w-]+) deployment (?P<name>[\w-]+)|"
                     r"in default env vars for (?P<defaults>[\w-]+) deployments)\)")
_FLAGS_IGNORED = "Ignoring `--prod`"


def get_args(environment: Environment, name: str) -> tuple[str, ...]:
    if environment is Environment.PRODUCTION:
        return ("env", "get", "--prod", name)
    if environment is Environment.PREVIEW:
        return ("env", "default", "get", "--type", "preview", name)
    return ("env", "get", name)


def list_args(environment: Environment) -> tuple[str, ...]:
    if environment is Environment.PRODUCTION:
        return ("env", "list", "--prod")
    if environment is Environment.PREVIEW:
        return ("env", "default", "list", "--type", "preview")
    return ("env", "list")


WANTED_KEY = {Environment.DEVELOPMENT: "dev", Environment.PRODUCTION: "prod",
              Environment.PREVIEW: "project"}
"""The only kind of deploy key each question is asked with (see the module's text)."""


@record(frozen=True)
class CliAnswer:
    """One CLI question and its answer. ``listed`` keeps every name but only the values
    ``keep`` chose (an env list holds secrets)."""

    args: tuple[str, ...]
    status: str  # found | missing | listed | error | unavailable | not_run
    value: str | None = None
    reason: str = ""
    """not_run: offline | no_consent | cli_too_old; unavailable: no_cli; error: timeout |
    not_started | unparsable (or "" when the CLI itself failed: see ``message``)."""
    message: str = ""  # the CLI's own line (stderr), shown as data
    notice: str | None = None  # the deployment type (or "preview" defaults) the CLI named
    deployment: str | None = None  # the deployment name the CLI named
    deploy_key: str = NO_KEY  # kept | ignored | none
    deploy_key_source: str | None = None
    flags_ignored: bool = False
    """The CLI said it ignored ``--prod`` and used the deploy key's deployment instead."""
    names: tuple[str, ...] = ()
    values: dict[str, str] = field(default_factory=dict)

    @property
    def wrong_deployment(self) -> bool:
        """The answer is another deployment's: ``--prod`` gave way to a key that is not
        production's. (With production's own key the CLI warns too, and reads production.)"""
        return self.flags_ignored and self.deploy_key != KEPT

    def to_dict(self) -> dict[str, Any]:
        return {"command": ["npx", "convex", *self.args], "status": self.status,
                "value": self.value, "reason": self.reason or None,
                "message": self.message or None, "notice": self.notice,
                "deployment": self.deployment, "deploy_key": self.deploy_key,
                "deploy_key_source": self.deploy_key_source,
                "flags_ignored": self.flags_ignored, "names": list(self.names),
                "values": dict(self.values)}


def not_run(args: Sequence[str], reason: str) -> CliAnswer:
    return CliAnswer(tuple(args), NOT_RUN, reason=reason)


def child_environment(environ: Mapping[str, str], key: DeployKey | None,
                      wanted: str) -> tuple[dict[str, str], str]:
    """The CLI's environment for a question that only a ``wanted`` key may answer, and
    whether the key the CLI would find was kept, ignored, or there was none."""
    if key is None:
        return dict(environ), NO_KEY
    if key.kind == wanted:
        return dict(environ), KEPT
    return {**environ, "CONVEX_DEPLOY_KEY": IGNORE_DEPLOY_KEY}, IGNORED


def _notice(stderr: str) -> tuple[str | None, str | None]:
    match = _NOTICE.search(stderr)
    if match is None:
        return None, None
    if match.group("defaults"):
        return match.group("defaults"), None
    return match.group("type"), match.group("name")


def _run(root: Path, args: tuple[str, ...], environ: Mapping[str, str],
         key: DeployKey | None, wanted: str, timeout: float,
         ) -> tuple[CliRun | None, CliAnswer]:
    child, decision = child_environment(environ, key, wanted)
    base = CliAnswer(args, ERROR, deploy_key=decision,
                     deploy_key_source=key.source if key is not None else None)
    try:
        run = run_convex_cli(root, args, timeout=timeout, environ=child)
    except CliFailed as exc:
        return None, replace(base, status=exc.status, reason=exc.reason, message=exc.message)
    notice, deployment = _notice(run.stderr)
    return run, replace(base, notice=notice, deployment=deployment,
                        flags_ignored=_FLAGS_IGNORED in run.stderr)


def ask_value(root: Path, environment: Environment, name: str, *,
              environ: Mapping[str, str], key: DeployKey | None,
              timeout: float) -> CliAnswer:
    args = get_args(environment, name)
    run, answer = _run(root, args, environ, key, WANTED_KEY[environment], timeout)
    if run is None:
        return answer
    value = env_get_value(run)
    return replace(answer, status=value.status, value=value.value, message=value.message)


def ask_list(root: Path, environment: Environment, *, environ: Mapping[str, str],
             key: DeployKey | None, timeout: float,
             keep: Callable[[str, str], bool]) -> CliAnswer:
    args = list_args(environment)
    run, answer = _run(root, args, environ, key, WANTED_KEY[environment], timeout)
    if run is None:
        return answer
    if run.returncode != 0:
        first = next((line for line in run.stderr.splitlines() if line.strip()), "")
        return replace(answer, message=first or f"exit status {run.returncode}")
    try:
        parsed = dotenv_values(stream=io.StringIO(run.stdout), interpolate=False)
    except Exception:  # python-dotenv on pathological output
        return replace(answer, reason="unparsable")
    kept = {n: v for n, v in parsed.items() if v is not None and keep(n, v)}
    return replace(answer, status=LISTED, names=tuple(parsed), values=kept)


def version_tuple(version: str | None) -> tuple[int, ...] | None:
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", version or "")
    return tuple(int(part) for part in match.groups()) if match else None



def _cli_key(root: Path, environ: Mapping[str, str]) -> DeployKey | None:
    from wizard.environments.deploy_keys import find_keys
    from wizard.environments.env_sources import read_project_files

    return find_keys(read_project_files(root), environ).cli


def cli_environment(root: Path, environ: Mapping[str, str],
                    environment: Environment) -> dict[str, str]:
    """The environment for a CLI run that acts on ``environment``'s deployment: the deploy
    key the CLI would find is left only when it is that deployment's own."""
    child, _decision = child_environment(environ, _cli_key(root, environ),
                                         WANTED_KEY[environment])
    return child


def development_value(root: Path, name: str, environ: Mapping[str, str], *,
                      timeout: float) -> DeploymentValue:
    """``npx convex env get NAME`` on the deployment ``check`` judges, the one
    ``CONVEX_DEPLOYMENT`` (or a ``dev:`` key) selects: a key of any other deployment found in
    the environment or the files is hidden from the CLI, so a production key in a CI shell
    never makes this read production."""
    answer = ask_value(root, Environment.DEVELOPMENT, name, environ=environ,
                       key=_cli_key(root, environ), timeout=timeout)
    return DeploymentValue(EnvLookup(answer.status), answer.value, answer.message)
