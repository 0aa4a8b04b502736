"""The core never loads the UI toolkit (SPEC §1): importing ``wizard`` and running ``check``
leaves Textual out of ``sys.modules``, and no module in wizard/ imports it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import wizard
from tests.conftest import NOW
from wizard.demo.local_issuer import LocalIssuer

WIZARD_DIR = Path(wizard.__file__).parent
UI_PACKAGES = ("textual", "screens", "rich")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)


def test_check_runs_without_loading_textual(project: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW))
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        f"status = main(['check', '--project', {str(project)!r}, '--token', {token!r}, "
        f"'--at', '{NOW}', '--json'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'screens'))\n"
        "assert 'textual' not in sys.modules, loaded\n"
        "assert not loaded, loaded\n"
        "sys.exit(status)\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"ok": true' in done.stdout  # check really ran to a verdict


def test_offline_check_and_every_core_module_import_without_textual(project: Path) -> None:
    modules = sorted(".".join(p.relative_to(WIZARD_DIR).with_suffix("").parts)
                     for p in WIZARD_DIR.rglob("*.py") if p.stem not in ("__main__", "__init__"))
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('wizard.' + name)\n"
        "from wizard.cli import main\n"
        f"main(['check', '--project', {str(project)!r}, '--offline'])\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr


def imported_roots(path: Path) -> set[str]:
    """Top-level packages a module imports anywhere (module level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_core_module_imports_textual() -> None:
    files = sorted(WIZARD_DIR.rglob("*.py"))
    assert len(files) > 40
    offenders = {f.name: sorted(imported_roots(f) & {"textual"}) for f in files}
    assert {name: found for name, found in offenders.items() if found} == {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "import textual" not in text and "from textual" not in text, path.name
        assert "importlib.import_module(\"textual" not in text, path.name


def test_screens_is_reached_only_lazily_from_the_cli() -> None:
    """Only the CLI's interactive path may import screens/, and only inside a function."""
    for path in sorted(WIZARD_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in UI_PACKAGES, (path.name, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in UI_PACKAGES, (path.name, alias.name)
