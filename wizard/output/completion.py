"""Shell completion for bash, zsh and fish (argcomplete): the script a shell sources once,
and the answer to the shell when it asks for completions."""

from __future__ import annotations

import argparse
import os

SHELLS = ("bash", "zsh", "fish")


def completion_script(prog: str, shell: str) -> str:
    """What ``eval "$(convex-auth-wizard completion bash)"`` (or zsh, or ``| source`` in fish)
    runs: it asks the program itself for completions as the user types."""
    from argcomplete.shell_integration import shellcode

    return shellcode([prog], shell=shell)


def answer_completion(parser: argparse.ArgumentParser) -> None:
    """When the shell asks (``_ARGCOMPLETE`` set by the script above), print the completions
    and exit; otherwise do nothing (argcomplete is not even imported)."""
    if "_ARGCOMPLETE" in os.environ:
        import argcomplete

        argcomplete.autocomplete(parser)
