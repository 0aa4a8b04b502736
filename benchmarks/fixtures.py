"""What the benchmarks run against: sample projects, a large monorepo, the Node peer, a clean env.

Everything generated lives under ``benchmarks/.work`` (git-ignored); the monorepo and the npm
install are cached there between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from wizard.demo.project import AUTH_CONFIG as AUTH_CONFIG_TS
from wizard.demo.project import MAIN_TSX

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"

JOSE_VERSION = "6"


def subprocess_env() -> dict[str, str]:
    """The environment of every measured process.

    Bytecode is cached (under ``.work/pycache``) as it is for an installed tool: without it
    Python recompiles the project's own modules on every start, which no pip/pipx user pays.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["NO_COLOR"] = "1"
    for name in ("CLERK_JWT_ISSUER_DOMAIN", "CLERK_FRONTEND_API_URL", "VITE_CLERK_PUBLISHABLE_KEY"):
        env.pop(name, None)
    return env


def write_app(root: Path, issuer_url: str, publishable_key: str) -> Path:
    """A Vite + Convex app: .env.local with the key and issuer, convex/auth.config.ts, and
    its entry file (so ``check`` reads the app's code as it would in a real app)."""
    (root / "convex").mkdir(parents=True, exist_ok=True)
    (root / "src").mkdir(parents=True, exist_ok=True)
    package = root / "package.json"
    if not package.exists():
        package.write_text(json.dumps({"name": root.name, "private": True,
                                       "dependencies": {"convex": "^1.45.0",
                                                        "@clerk/clerk-react": "^5.61.0",
                                                        "react": "^19.0.0"},
                                       "devDependencies": {"vite": "^8.4.1"}}))
    main = root / "src" / "main.tsx"
    if not main.exists():
        main.write_text(VITE_MAIN)
    (root / "convex" / "auth.config.ts").write_text(AUTH_CONFIG_TS)
    (root / ".env.local").write_text(f"VITE_CLERK_PUBLISHABLE_KEY={publishable_key}\n"
                                     f"CLERK_JWT_ISSUER_DOMAIN={issuer_url}\n"
                                     "VITE_CONVEX_URL=https://happy-otter-123.convex.cloud\n")
    return root


def monorepo(packages: int, files_per_package: int) -> Path:
    """A monorepo with a big node_modules and many workspace packages (generated once).

    There is no ``node_modules/.bin/convex``: with it ``check`` would ask the deployment through
    the Convex CLI, a subprocess the tiny project does not run, and that is not what is compared.
    """
    root = WORK / f"monorepo-{packages}x{files_per_package}"
    done = root / ".generated"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    body = "export const value = 1;\n"
    for index in range(packages):
        for top in ("node_modules", "packages"):
            folder = root / top / f"pkg-{index:04d}"
            for sub in ("lib", "src", "dist/esm"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
            (folder / "package.json").write_text(
                json.dumps({"name": f"pkg-{index:04d}", "version": "1.0.0"}))
            for n in range(files_per_package - 1):
                sub = ("lib", "src", "dist/esm")[n % 3]
                (folder / sub / f"module{n:03d}.js").write_text(body)
    convex_pkg = root / "node_modules" / "convex"
    convex_pkg.mkdir(parents=True, exist_ok=True)
    (convex_pkg / "package.json").write_text(json.dumps({"name": "convex", "version": "1.45.0"}))
    (root / "package.json").write_text(json.dumps({
        "name": "monorepo", "private": True, "workspaces": ["packages/*"],
        "dependencies": {"convex": "^1.45.0"}}))
    done.write_text("ok\n")
    return root


def count_files(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def node_peer(timeout: float) -> tuple[list[str] | None, str]:
    """``(command prefix, "")`` for the jose script, or ``(None, why it is skipped)``."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return None, "node/npm not found on PATH: Node comparison skipped"
    folder = WORK / "node"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "node_modules" / "jose" / "package.json").is_file():
        (folder / "package.json").write_text(json.dumps({"name": "bench-node", "private": True,
                                                         "type": "module"}))
        try:
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--prefer-offline", "--silent",
                 f"jose@{JOSE_VERSION}"],
                cwd=folder, capture_output=True, text=True, timeout=timeout, check=False)
        except (subprocess.TimeoutExpired, OSError) as exc:
            return None, f"npm install jose failed ({exc}): Node comparison skipped"
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["exit status " + str(done.returncode)])[-1]
            return None, f"npm install jose failed ({last}): Node comparison skipped"
    script = folder / "jose_verify.mjs"
    shutil.copyfile(HERE / "jose_verify.mjs", script)
    return [node, str(script)], ""


def jose_version() -> str:
    try:
        package = json.loads((WORK / "node" / "node_modules" / "jose" / "package.json").read_text())
        return str(package.get("version", "?"))
    except (OSError, ValueError):
        return "?"


_COMPONENT = """\
import {{ useState }} from "react";
import {{ {hook} }} from "convex/react";
import {{ api }} from "../../convex/_generated/api";
import type {{ Doc, Id }} from "../../convex/_generated/dataModel";

type Props = {{ title: string; ownerId: Id<"users">; compact?: boolean }};

export function Widget{index}({{ title, ownerId, compact = false }}: Props) {{
  const [open, setOpen] = useState<boolean>(false);
  const items = {call};
  const visible = (items ?? []).filter((item: Doc<"tasks">) => item.owner === ownerId);
  return (
    <section className={{compact ? "compact" : "card"}} aria-expanded={{open}}>
      <header onClick={{() => setOpen(!open)}}>
        <h2>{{title}}</h2>
        <span>{{visible.length}} items</span>
      </header>
      {{open && (
        <ul>
          {{visible.map((item) => (
            <li key={{item._id}}>{{item.text}}</li>
          ))}}
        </ul>
      )}}
    </section>
  );
}}
"""

_PLAIN_COMPONENT = """\
import {{ type ReactNode }} from "react";

export function Layout{index}({{ children, aside }}: {{ children: ReactNode; aside?: ReactNode }}) {{
  return (
    <div className="layout">
      <main>{{children}}</main>
      {{aside ? <aside>{{aside}}</aside> : null}}
    </div>
  );
}}
"""

VITE_MAIN = MAIN_TSX  # the demo's entry file: wired as Convex's Clerk docs show

_APP = """\
import { Authenticated } from "convex/react";

export default function App() {
  return <Authenticated><p>signed in</p></Authenticated>;
}
"""


def app_source(root: Path, components: int) -> Path:
    """A Vite + React + Clerk + Convex app: ``package.json`` dependencies, the variables in
    ``.env.local`` and ``src/main.tsx`` (rewritten each call, as ``write_app`` may have just
    replaced them), and ``components`` extra components, most calling Convex hooks (generated
    once per root)."""
    folder = root / "src" / "components"
    folder.mkdir(parents=True, exist_ok=True)
    package = json.loads((root / "package.json").read_text()) \
        if (root / "package.json").exists() else {"name": root.name, "private": True}
    dependencies = package.setdefault("dependencies", {})
    for name, version in (("convex", "^1.51.0"), ("@clerk/clerk-react", "^5.61.0"),
                          ("react", "^19.0.0"), ("vite", "^8.4.1")):
        dependencies.setdefault(name, version)
    (root / "package.json").write_text(json.dumps(package))
    env = root / ".env.local"
    lines = env.read_text() if env.exists() else ""
    for line in ("VITE_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k",
                 "VITE_CONVEX_URL=https://happy-otter-123.convex.cloud"):
        if line.split("=")[0] + "=" not in lines:
            lines += line + "\n"
    env.write_text(lines)
    (root / "src" / "main.tsx").write_text(VITE_MAIN)
    (root / "src" / "App.tsx").write_text(_APP)
    done = root / "src" / ".generated"
    if done.exists():
        return root
    for index in range(components):
        if index % 4 == 3:
            text = _PLAIN_COMPONENT.format(index=index)
        else:
            hook, call = (("useQuery", "useQuery(api.tasks.list, { ownerId })") if index % 2
                          else ("usePaginatedQuery",
                                "usePaginatedQuery(api.tasks.page, {}, { initialNumItems: 10 })"
                                ".results"))
            text = _COMPONENT.format(index=index, hook=hook, call=call)
        (folder / f"Widget{index:04d}.tsx").write_text(text)
    done.write_text("ok\n")
    return root
