"""What is installed: ``ConvexProviderWithClerk``'s props read from the installed declarations,
and every copy of ``convex`` in npm, pnpm and Yarn PnP layouts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.appcode_apps import line_of, only, problems, write_app
from wizard.appcode import read_app_code
from wizard.appcode.installed import DEFAULT_PROPS, convex_copies, provider_props

# The shape of convex 1.51.0's dist/esm-types/react-clerk/ConvexProviderWithClerk.d.ts
# (research-16-17 §17.1), written for the test, with ``extra`` props when asked.
DECLARATION = """\
import React from "react";
import {{ ReactNode }} from "react";
import {{ IConvexReactClient }} from "../react/ConvexAuthState.js";
type UseAuth = () => {{
    isLoaded: boolean;
    isSignedIn: boolean | undefined;
    getToken: (options: {{ template?: "convex"; skipCache?: boolean; }}) => Promise<string | null>;
}};
/**
 * A wrapper React component which provides a {{@link react.ConvexReactClient}}
 * authenticated with Clerk.
 */
export declare function ConvexProviderWithClerk({{ children, client, useAuth, }}: {{
    children: ReactNode;
    client: IConvexReactClient;
    useAuth: UseAuth;{extra}
}}): React.JSX.Element;
export {{}};
"""


def _install_convex(root: Path, version: str = "1.51.0", extra: str = "",
                    layout: str = "esm-types") -> None:
    package = root / "node_modules" / "convex"
    if layout == "esm-types":
        exports = {"./react-clerk": {
            "require": {"types": "./dist/cjs-types/react-clerk/index.d.ts"},
            "import": {"types": "./dist/esm-types/react-clerk/index.d.ts"}}}
    else:
        exports = {"./react-clerk": {"types": "./dist/types/react-clerk/index.d.ts"}}
    folder = package / "dist" / layout / "react-clerk"
    folder.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "convex", "version": version,
                                                      "exports": exports}))
    (folder / "index.d.ts").write_text(
        'export { ConvexProviderWithClerk } from "./ConvexProviderWithClerk.js";\n')
    (folder / "ConvexProviderWithClerk.d.ts").write_text(DECLARATION.format(extra=extra))


def test_props_read_from_the_installed_declaration(tmp_path: Path) -> None:
    _install_convex(tmp_path)
    assert provider_props(tmp_path) == (
        ("children", "client", "useAuth"),
        "node_modules/convex/dist/esm-types/react-clerk/ConvexProviderWithClerk.d.ts")


def test_props_of_the_flat_1_0_layout(tmp_path: Path) -> None:
    _install_convex(tmp_path, "1.0.3", layout="types")
    assert provider_props(tmp_path)[1] == \
        "node_modules/convex/dist/types/react-clerk/ConvexProviderWithClerk.d.ts"


def test_no_installed_convex_means_the_published_props(tmp_path: Path) -> None:
    assert provider_props(tmp_path) == (DEFAULT_PROPS, "default")
    (tmp_path / "node_modules" / "convex").mkdir(parents=True)
    (tmp_path / "node_modules" / "convex" / "package.json").write_text("{not json")
    assert provider_props(tmp_path) == (DEFAULT_PROPS, "default")


def test_a_prop_the_installed_version_declares_is_accepted(tmp_path: Path) -> None:
    """A (hypothetical) convex that did declare jwtTemplateName: the installed declaration
    decides, not a list in the wizard."""
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "useAuth={useAuth}>", 'useAuth={useAuth} jwtTemplateName="convex">')})
    _install_convex(root, "9.0.0", extra="\n    jwtTemplateName?: string;")
    result = read_app_code(root)
    assert problems(result) == []
    assert result.convex_props == ("children", "client", "useAuth", "jwtTemplateName")


def test_unknown_prop_names_the_installed_declaration(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "useAuth={useAuth}>", 'useAuth={useAuth} jwtTemplateName="convex">')})
    _install_convex(root)
    finding = only(read_app_code(root), "app.provider_props")
    assert finding.values["props_source"] == \
        "node_modules/convex/dist/esm-types/react-clerk/ConvexProviderWithClerk.d.ts"
    assert finding.line == line_of(root, "src/main.tsx", "jwtTemplateName")


# -- copies --------------------------------------------------------------------------------------

def _copy(folder: Path, version: str, name: str = "convex") -> None:
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": name, "version": version}))


def test_one_copy_passes(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite")
    _copy(root / "node_modules" / "convex", "1.51.0")
    _copy(root / "node_modules" / "convex" / "react", "0.0.0", name="convex-react-stub")
    finding = read_app_code(root).for_check("app.convex_copies")[0]
    assert (finding.status, finding.reason, finding.values["copies"]) == (
        "pass", "one_copy", "node_modules/convex (1.51.0)")


def test_npm_nested_and_workspace_copies(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", extra={"package.json": json.dumps({
        "workspaces": ["packages/*"], "dependencies": {"convex": "1.51.0", "vite": "8",
                                                       "react": "19", "@clerk/clerk-react": "5"}})})
    _copy(root / "node_modules" / "convex", "1.51.0")
    _copy(root / "node_modules" / "@acme" / "ui" / "node_modules" / "convex", "1.45.0")
    _copy(root / "packages" / "b" / "node_modules" / "convex", "1.17.0")
    _copy(root / "node_modules" / "convex-helpers" / "node_modules" / "not-convex", "1.0.0")
    finding = only(read_app_code(root), "app.convex_copies")
    assert (finding.status, finding.reason) == ("warn", "several_copies")
    assert finding.values == {
        "copies": "node_modules/convex (1.51.0); "
                  "node_modules/@acme/ui/node_modules/convex (1.45.0); "
                  "packages/b/node_modules/convex (1.17.0)",
        "count": "3", "layout": "npm"}


def test_pnpm_store_copies_of_one_version_with_other_peers(tmp_path: Path) -> None:
    store = tmp_path / "node_modules" / ".pnpm"
    _copy(store / "convex@1.51.0_react@18.3.1" / "node_modules" / "convex", "1.51.0")
    _copy(store / "convex@1.51.0_react@19.2.0" / "node_modules" / "convex", "1.51.0")
    (store / "convex-helpers@0.1.0").mkdir()
    (tmp_path / "node_modules" / "convex").symlink_to(
        store / "convex@1.51.0_react@19.2.0" / "node_modules" / "convex")
    copies, layout = convex_copies(tmp_path)
    assert layout == "pnpm"
    assert [c.path for c in copies] == [
        "node_modules/.pnpm/convex@1.51.0_react@18.3.1/node_modules/convex",
        "node_modules/.pnpm/convex@1.51.0_react@19.2.0/node_modules/convex"]


def test_yarn_pnp_copies_from_the_lock_file(tmp_path: Path) -> None:
    (tmp_path / ".pnp.cjs").write_text("// pnp\n")
    (tmp_path / "yarn.lock").write_text(
        '"convex@npm:^1.45.0":\n  version: 1.45.0\n  resolution: "convex@npm:1.45.0"\n\n'
        '"convex@npm:^1.51.0":\n  version: 1.51.0\n  resolution: "convex@npm:1.51.0"\n')
    copies, layout = convex_copies(tmp_path)
    assert layout == "yarn-pnp"
    assert [c.version for c in copies] == ["1.45.0", "1.51.0"]


def test_no_convex_installed_is_a_skip(tmp_path: Path) -> None:
    result = read_app_code(write_app(tmp_path, "vite"))
    assert result.for_check("app.convex_copies")[0].reason == "not_installed"
