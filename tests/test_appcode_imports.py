"""The app-code reader is self-contained: it imports the standard library, tree-sitter,
pathspec and, of the rest of the wizard, only the bounded file reader, the ``.env`` reader and
``@record`` (a leaf: dataclasses only), so it can move as one piece, and never a UI toolkit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import wizard.appcode

PACKAGE = Path(wizard.appcode.__file__).parent
ALLOWED_WIZARD = {"wizard.guards.files", "wizard.project.envfiles", "wizard.records"}
ALLOWED_THIRD_PARTY = {"tree_sitter", "tree_sitter_typescript", "pathspec"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_only_the_file_and_env_readers_are_borrowed_from_the_wizard() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 10
    for module in modules:
        for name in _imports(module):
            root = name.split(".")[0]
            if root == "wizard":
                assert name.startswith("wizard.appcode") or name in ALLOWED_WIZARD, (module, name)
            else:
                assert root in sys.stdlib_module_names or root in ALLOWED_THIRD_PARTY, (module,
                                                                                       name)


def test_importing_it_loads_neither_textual_nor_tree_sitter() -> None:
    """tree-sitter loads when there is a file to parse, not at import."""
    code = ("import sys, wizard.appcode\n"
            "assert 'textual' not in sys.modules\n"
            "assert 'tree_sitter' not in sys.modules, 'tree-sitter loaded at import'\n"
            "assert 'pathspec' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
