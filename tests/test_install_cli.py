"""The command line as an installed tool: ``-V``, ``--no-color``, a description on every
subcommand, shell completion, and the wizard's own --offline/--jwks/--issuer/--application-id."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_check_cli import cli
from wizard import __version__
from wizard.cli import build_parser, main


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_the_version(flag: str) -> None:
    done = cli(flag)
    assert done.returncode == 0 and done.stdout.strip() == f"convex-auth-wizard {__version__}"


def test_every_subcommand_has_a_description() -> None:
    parser = build_parser()
    commands = next(action for action in parser._actions
                    if isinstance(action, argparse._SubParsersAction))
    assert set(commands.choices) == {"check", "fix", "report", "demo", "reset", "completion"}
    for name, command in commands.choices.items():
        assert command.description, name


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script(shell: str) -> None:
    done = cli("completion", shell)
    assert done.returncode == 0
    assert "convex-auth-wizard" in done.stdout and "_ARGCOMPLETE" in done.stdout


def test_the_shell_gets_completions() -> None:
    """What the sourced script does: run the program with _ARGCOMPLETE set, read fd 8."""
    line = "convex-auth-wizard ch"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_SHELL": "bash",
           "COMP_LINE": line, "COMP_POINT": str(len(line)), "_ARGCOMPLETE_IFS": "\n"}
    done = subprocess.run(["bash", "-c", '"$0" -m wizard 8>&1 9>/dev/null', sys.executable],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.split() == ["check"], done.stderr


def test_no_color_reaches_the_ui(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Set, then removed: the monkeypatch then restores the environment after main() set it.
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.delenv("NO_COLOR")
    missing = tmp_path / "missing.json"
    # --jwks is refused before the wizard starts, after --no-color took effect.
    assert main(["--no-color", "--jwks", str(missing)]) == 2
    assert os.environ.get("NO_COLOR") == "1"


def test_the_wizard_takes_the_same_key_options_as_check(tmp_path: Path) -> None:
    args = build_parser().parse_args(["--offline", "--jwks", "k.json", "--issuer",
                                      "https://a.example", "--application-id", "x"])
    assert (args.wizard_offline, args.wizard_jwks, args.wizard_issuer,
            args.wizard_application_id) == (True, Path("k.json"), "https://a.example", "x")
    check = build_parser().parse_args(["check", "--offline", "--jwks", "k.json"])
    assert check.offline and check.jwks == Path("k.json")


def test_the_wizard_refuses_a_missing_key_set_file(tmp_path: Path) -> None:
    done = cli("--project", str(tmp_path), "--offline", "--jwks", str(tmp_path / "none.json"))
    assert done.returncode == 2 and "--jwks" in done.stderr
