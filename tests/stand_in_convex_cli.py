"""A stand-in for the project's ``node_modules/.bin/convex`` (convex-js 1.45, research-15-18
§18.1), written into a test project by :func:`install`.

It answers ``env get|set|list`` (with ``--prod``) and ``env default get|set|list --type
preview`` from a JSON file that plays the Convex cloud, with the real CLI's output: values
on stdout, ``✖``/``✔`` lines and notices on stderr, exit status 0 for a missing variable. It
picks the deployment as the CLI does: ``.env.local`` then ``.env`` loaded under the process
environment; a deploy key first (``<ignore_deploy_key>`` counts as none; a key of one
deployment wins over ``--prod``, with the CLI's warning), else ``CONVEX_DEPLOYMENT``, and
``--prod`` means the project's production deployment. Each run appends its arguments and the
kind of deploy key it used (``dev``, ``prod``, ``ignored`` or none; never the key) to a log.
It imports nothing from the wizard.
"""

from __future__ import annotations

import json
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = r'''#!{python}
import json, os, sys, time
from dotenv import dotenv_values

CLOUD, LOG = {cloud!r}, {log!r}
WARNING = ("Ignoring `--prod`, `--preview-name`, or `--deployment-name` flags and using "
           "deployment from CONVEX_DEPLOY_KEY")


def crash(message):
    print("\u2716 " + message, file=sys.stderr)
    sys.exit(1)


def dotfile(value):
    return "'" + value + "'" if "#" in value or "\n" in value else value


def main(argv):
    with open(CLOUD) as f:
        cloud = json.load(f)
    time.sleep(cloud.get("sleep", 0))
    env = dict(os.environ)
    for name in (".env.local", ".env"):
        if os.path.isfile(name):
            for k, v in dotenv_values(name).items():
                if v is not None and k not in env:
                    env[k] = v
    key = env.get("CONVEX_DEPLOY_KEY") or env.get("CONVEX_DEPLOYMENT_TOKEN") or None
    used = "ignored" if key == "<ignore_deploy_key>" else None
    if used:
        key = None
    flags, positional, rest = set(), [], list(argv[1:])
    dtype = None
    while rest:
        arg = rest.pop(0)
        if arg == "--type":
            dtype = rest.pop(0)
        elif arg.startswith("--"):
            flags.add(arg)
        else:
            positional.append(arg)
    if positional and positional[0] == "default":
        positional.pop(0)
        if dtype is None:
            crash("--type is needed in these tests")
        store = cloud["defaults"].setdefault(dtype, {{}})
        notice = " (in default env vars for %s deployments)" % dtype
    else:
        if key:
            head = key.split("|")[0].split(":")
            kind, name = (head[0], head[1]) if len(head) == 2 else ("prod", head[0])
            used = kind
            if "--prod" in flags:
                print(WARNING, file=sys.stderr)
        else:
            selected = (env.get("CONVEX_DEPLOYMENT") or "").split("#")[0].strip()
            if not selected:
                crash("No CONVEX_DEPLOYMENT set, run `npx convex dev` to configure a Convex "
                      "project")
            kind, _, name = selected.rpartition(":")
            if "--prod" in flags:
                kind, name = "prod", cloud["prod"]
        if name not in cloud["deployments"]:
            crash("Please set CONVEX_DEPLOY_KEY to a new key which you can find on your "
                  "Convex dashboard.")
        store = cloud["deployments"][name]
        notice = " (on %s deployment %s)" % (kind, name)
    with open(LOG, "a") as f:
        f.write(json.dumps({{"args": argv, "key": used}}) + "\n")
    command = positional.pop(0)
    if command == "get":
        if positional[0] in store:
            print(store[positional[0]])
        else:
            print('\u2716 Environment variable "%s" not found%s' % (positional[0], notice),
                  file=sys.stderr)
    elif command == "list":
        if not store:
            print("No environment variables set" + notice, file=sys.stderr)
        for k in sorted(store):
            print("%s=%s" % (k, dotfile(store[k])))
    elif command == "set":
        store[positional[0]] = positional[1]
        with open(CLOUD, "w") as f:
            json.dump(cloud, f)
        print("\u2714 Successfully set %s%s" % (positional[0], notice), file=sys.stderr)


main(sys.argv[1:])
'''


@dataclass
class StandInCli:
    """The installed stand-in: its cloud file and its log."""

    path: Path
    cloud_file: Path
    log_file: Path

    @property
    def cloud(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.cloud_file.read_text())
        return loaded

    def save(self, cloud: dict[str, Any]) -> None:
        self.cloud_file.write_text(json.dumps(cloud))

    def calls(self) -> list[dict[str, Any]]:
        """Each run's arguments and the kind of deploy key it used."""
        if not self.log_file.exists():
            return []
        return [json.loads(line) for line in self.log_file.read_text().splitlines()]


def install(root: Path, cloud: dict[str, Any]) -> StandInCli:
    """``cloud``: {"prod": NAME, "deployments": {NAME: {VAR: value}}, "defaults":
    {"preview": {VAR: value}}, "sleep": seconds}."""
    work = root.parent / (root.name + "-cli")
    work.mkdir(exist_ok=True)
    stand_in = StandInCli(root / "node_modules" / ".bin" / "convex", work / "cloud.json",
                          work / "calls.jsonl")
    stand_in.save(cloud)
    stand_in.path.parent.mkdir(parents=True, exist_ok=True)
    stand_in.path.write_text(SCRIPT.format(python=sys.executable, cloud=str(stand_in.cloud_file),
                                           log=str(stand_in.log_file)))
    stand_in.path.chmod(stand_in.path.stat().st_mode | stat.S_IXUSR)
    return stand_in
