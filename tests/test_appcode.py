"""The app-code reader on small sample apps: each framework's correct app passes every check,
and each mistake, made alone, is found once, at its exact file and line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.appcode_apps import APPS, apply_edit, line_of, only, problems, write_app
from wizard.appcode import CHECK_IDS, read_app_code


@pytest.mark.parametrize("kind", sorted(APPS))
@pytest.mark.parametrize("path", ["template", None])
def test_each_correct_app_has_no_problem(tmp_path: Path, kind: str, path: str | None) -> None:
    root = write_app(tmp_path, kind)
    result = read_app_code(root, token_path=path)  # type: ignore[arg-type]
    assert problems(result) == []
    assert {f.check_id for f in result.findings} == set(CHECK_IDS)
    assert result.scan.parse_problems == []


@pytest.mark.parametrize(("kind", "name", "routers"), [
    ("vite", "vite-react", ()), ("next", "next", ("app",)), ("expo", "expo", ("expo-router",)),
    ("tanstack", "tanstack-start", ()), ("sveltekit", "sveltekit", ()), ("vue", "vue", ())])
def test_framework_detection(tmp_path: Path, kind: str, name: str, routers: tuple[str, ...]):
    framework = read_app_code(write_app(tmp_path, kind)).framework
    assert (framework.name, framework.routers) == (name, routers)
    assert framework.evidence[0].startswith("package.json:")


def test_next_pages_router_is_detected_and_needs_no_use_client(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", extra={"pages/_app.tsx": """\
import { ClerkProvider, useAuth } from "@clerk/nextjs";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { ConvexReactClient } from "convex/react";

const convex = new ConvexReactClient(process.env.NEXT_PUBLIC_CONVEX_URL!);

export default function MyApp({ Component, pageProps }: any) {
  return (
    <ClerkProvider {...pageProps}>
      <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
        <Component {...pageProps} />
      </ConvexProviderWithClerk>
    </ClerkProvider>
  );
}
"""})
    result = read_app_code(root)
    assert result.framework.routers == ("app", "pages")
    assert problems(result) == []


def test_files_only_judged_without_package_json(tmp_path: Path) -> None:
    (tmp_path / "next.config.mjs").write_text("export default {};\n")
    assert read_app_code(tmp_path).framework.evidence == ("next.config.mjs",)


# -- app.provider --------------------------------------------------------------------------------

def test_plain_convex_provider_while_clerk_is_used(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        '<ConvexProviderWithClerk client={convex} useAuth={useAuth}>\n        <App />\n'
        '      </ConvexProviderWithClerk>',
        '<ConvexProvider client={convex}>\n        <App />\n      </ConvexProvider>')},
        extra={})
    main = root / "src/main.tsx"
    main.write_text(main.read_text().replace(
        'import { ConvexReactClient } from "convex/react";',
        'import { ConvexProvider, ConvexReactClient } from "convex/react";'))
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason) == ("fail", "plain_convex_provider")
    assert (finding.file, finding.line) == ("src/main.tsx",
                                            line_of(root, "src/main.tsx", "<ConvexProvider "))
    assert finding.values["clerk_packages"] == "@clerk/clerk-react"


def test_provider_outside_clerk_provider_in_one_file(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        """    <ClerkProvider publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY}>
      <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
        <App />
      </ConvexProviderWithClerk>
    </ClerkProvider>""",
        """    <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
      <ClerkProvider publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY}>
        <App />
      </ClerkProvider>
    </ConvexProviderWithClerk>""")})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason) == ("fail", "outside_clerk_provider")
    assert finding.line == line_of(root, "src/main.tsx", "<ConvexProviderWithClerk")
    assert finding.values["clerk_provider_inside"] == \
        f"src/main.tsx:{line_of(root, 'src/main.tsx', '<ClerkProvider')}"
    assert finding.values["top"] == f"src/main.tsx:{line_of(root, 'src/main.tsx', '<StrictMode>')}"


def test_next_wrapper_rendered_outside_clerk_provider_by_the_layout(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"app/layout.tsx": (
        """        <ClerkProvider>
          <ConvexClientProvider>{children}</ConvexClientProvider>
        </ClerkProvider>""",
        """        <ConvexClientProvider>
          <ClerkProvider>{children}</ClerkProvider>
        </ConvexClientProvider>""")})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.reason, finding.file) == ("outside_clerk_provider",
                                              "app/ConvexClientProvider.tsx")
    assert finding.line == line_of(root, "app/ConvexClientProvider.tsx", "<ConvexProviderWithClerk")
    assert finding.values["top"] == f"app/layout.tsx:{line_of(root, 'app/layout.tsx', '<html')}"


def test_next_wrapper_inside_clerk_provider_through_the_layout(tmp_path: Path) -> None:
    """The correct Next app nests across two files; breaking the layout's import breaks the
    proof, and the reader then says it does not know rather than guess."""
    root = write_app(tmp_path, "next", replace={"app/layout.tsx": (
        'import ConvexClientProvider from "./ConvexClientProvider";',
        'import ConvexClientProvider from "./Elsewhere";')})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason) == ("warn", "nesting_unknown")
    assert finding.values["clerk_providers"] == \
        f"app/layout.tsx:{line_of(root, 'app/layout.tsx', '<ClerkProvider>')}"


def test_no_clerk_provider_anywhere(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"app/layout.tsx": (
        """        <ClerkProvider>
          <ConvexClientProvider>{children}</ConvexClientProvider>
        </ClerkProvider>""", "        <ConvexClientProvider>{children}</ConvexClientProvider>")})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason) == ("fail", "outside_clerk_provider")
    assert finding.values["clerk_providers"] == ""


def test_missing_use_auth(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "client={convex} useAuth={useAuth}>", "client={convex}>")})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.reason, finding.line) == (
        "missing_use_auth", line_of(root, "src/main.tsx", "<ConvexProviderWithClerk"))


def test_use_auth_called_instead_of_passed(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "useAuth={useAuth}", "useAuth={useAuth()}")})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.reason, finding.values["written"]) == ("use_auth_called", "useAuth()")


def test_use_auth_from_another_clerk_package(tmp_path: Path) -> None:
    """The issue's own example: ClerkProvider from @clerk/clerk-react, useAuth from
    @clerk/react (the Core 3 rename): two packages, two contexts."""
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        'import { ClerkProvider, useAuth } from "@clerk/clerk-react";',
        'import { ClerkProvider } from "@clerk/clerk-react";\n'
        'import { useAuth } from "@clerk/react";')})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason) == ("fail", "use_auth_package_mismatch")
    assert finding.line == line_of(root, "src/main.tsx", "useAuth={useAuth}")
    assert finding.values == {
        "use_auth_package": "@clerk/react", "clerk_provider_package": "@clerk/clerk-react",
        "clerk_provider_at": f"src/main.tsx:{line_of(root, 'src/main.tsx', '<ClerkProvider')}"}


def test_use_auth_package_resolved_through_an_alias(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        'import { ClerkProvider, useAuth } from "@clerk/clerk-react";',
        'import { ClerkProvider, useAuth as useClerkAuth } from "@clerk/clerk-react";')})
    (root / "src/main.tsx").write_text((root / "src/main.tsx").read_text().replace(
        "useAuth={useAuth}", "useAuth={useClerkAuth}"))
    assert problems(read_app_code(root)) == []


def test_use_auth_from_a_package_sharing_the_context_is_a_warning(tmp_path: Path) -> None:
    root = write_app(tmp_path, "tanstack", replace={"src/routes/__root.tsx": (
        'import { ClerkProvider, useAuth } from "@clerk/tanstack-react-start";',
        'import { ClerkProvider } from "@clerk/tanstack-react-start";\n'
        'import { useAuth } from "@clerk/react";')})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason) == ("warn", "use_auth_package_differs")


def test_expo_use_auth_from_the_old_package(tmp_path: Path) -> None:
    root = write_app(tmp_path, "expo", replace={"app/_layout.tsx": (
        'import { ClerkProvider, useAuth } from "@clerk/expo";',
        'import { ClerkProvider } from "@clerk/expo";\nimport { useAuth } from "@clerk/clerk-expo";')})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason, finding.file) == (
        "fail", "use_auth_package_mismatch", "app/_layout.tsx")


def test_next_wrapper_without_use_client_and_its_edit(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"app/ConvexClientProvider.tsx": (
        '"use client";\n\n', "")})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.reason, finding.file, finding.line) == (
        "missing_use_client", "app/ConvexClientProvider.tsx",
        line_of(root, "app/ConvexClientProvider.tsx", "<ConvexProviderWithClerk"))
    assert finding.edit is not None
    apply_edit(root, finding.edit)
    assert problems(read_app_code(root)) == []


def test_use_client_after_an_import_is_no_directive(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"app/ConvexClientProvider.tsx": (
        '"use client";\n\nimport { useAuth } from "@clerk/nextjs";',
        'import { useAuth } from "@clerk/nextjs";\n"use client";')})
    assert only(read_app_code(root), "app.provider").reason == "missing_use_client"


def test_sveltekit_token_fetcher_template_follows_the_path(tmp_path: Path) -> None:
    root = write_app(tmp_path, "sveltekit", replace={"src/routes/+layout.svelte": (
        'getToken({ template: "convex" })', "getToken()")})
    assert problems(read_app_code(root, token_path="integration")) == []
    finding = only(read_app_code(root, token_path="template"), "app.provider")
    assert (finding.reason, finding.file, finding.line) == (
        "template_missing", "src/routes/+layout.svelte",
        line_of(root, "src/routes/+layout.svelte", "getToken()"))


def test_sveltekit_token_string_instead_of_a_fetcher(tmp_path: Path) -> None:
    root = write_app(tmp_path, "sveltekit", replace={"src/routes/+layout.svelte": (
        'client.setAuth(async () => (await ctx.session?.getToken({ template: "convex" })) ?? null);',
        'client.setAuth(await ctx.session?.getToken({ template: "convex" }));')})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.reason, finding.line) == (
        "token_not_a_function", line_of(root, "src/routes/+layout.svelte", "client.setAuth"))


def test_vue_client_that_never_sets_auth(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vue", replace={"src/App.vue": (
        'client.setAuth(async () => (await session.value?.getToken({ template: "convex" })) '
        '?? null);\n', "")})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason, finding.file) == ("fail", "auth_never_set", None)
    assert finding.values["clients"] == "convex, convex-vue"


def test_vue_wrong_template_name(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vue", replace={"src/App.vue": (
        'template: "convex"', 'template: "supabase"')})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.reason, finding.values["template"], finding.line) == (
        "wrong_template", "supabase", line_of(root, "src/App.vue", "getToken("))


def test_no_clerk_means_nothing_to_judge(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", extra={
        "package.json": '{"dependencies": {"convex": "1.51.0", "react": "19", "vite": "8"}}',
        "src/main.tsx": 'import { ConvexProvider } from "convex/react";\n',
        "src/App.tsx": "export default function App() { return null; }\n"})
    result = read_app_code(root)
    assert (result.status("app.provider"), result.for_check("app.provider")[0].reason) == (
        "skip", "no_clerk")


# -- app.provider_props ------------------------------------------------------------------------

def test_the_guides_jwt_template_name_prop_and_its_edit(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "useAuth={useAuth}>", 'useAuth={useAuth} jwtTemplateName="convex">')})
    result = read_app_code(root)
    finding = only(result, "app.provider_props")
    assert (finding.status, finding.reason, finding.file, finding.line) == (
        "fail", "unknown_prop", "src/main.tsx", line_of(root, "src/main.tsx", "jwtTemplateName"))
    assert finding.values == {"prop": "jwtTemplateName", "known_props": "children, client, useAuth",
                              "props_source": "default"}
    assert finding.edit is not None and finding.edit.expected == ' jwtTemplateName="convex"'
    assert result.edits() == [finding.edit]
    apply_edit(root, finding.edit)
    assert "useAuth={useAuth}>" in (root / "src/main.tsx").read_text()
    assert problems(read_app_code(root)) == []


def test_missing_client_prop(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "client={convex} useAuth", "useAuth")})
    finding = only(read_app_code(root), "app.provider_props")
    assert (finding.reason, finding.values["prop"]) == ("missing_prop", "client")


def test_spread_props_are_not_called_missing(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "client={convex} useAuth={useAuth}", "{...{ client: convex, useAuth }}")})
    assert problems(read_app_code(root)) == []


# -- app.env_access ----------------------------------------------------------------------------

def test_vite_process_env_is_the_wrong_accessor_and_its_edit(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "import.meta.env.VITE_CONVEX_URL", "process.env.VITE_CONVEX_URL")})
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.status, finding.reason, finding.file, finding.line) == (
        "fail", "wrong_accessor", "src/main.tsx",
        line_of(root, "src/main.tsx", "process.env.VITE_CONVEX_URL"))
    assert finding.values == {"name": "VITE_CONVEX_URL", "used": "process.env",
                              "expected": "import.meta.env", "prefix": "VITE_",
                              "framework": "vite-react"}
    assert finding.edit is not None
    assert (finding.edit.expected, finding.edit.replacement) == ("process.env", "import.meta.env")
    apply_edit(root, finding.edit)
    assert problems(read_app_code(root)) == []


def test_vite_variable_without_prefix(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "import.meta.env.VITE_CONVEX_URL", "import.meta.env.CONVEX_URL")})
    (root / ".env.local").write_text((root / ".env.local").read_text() + "CONVEX_URL=x\n")
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.reason, finding.values["suggested"]) == ("missing_prefix", "VITE_CONVEX_URL")


def test_variable_missing_from_the_env_files(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", extra={
        ".env.local": "VITE_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k\n"})
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.reason, finding.values) == (
        "not_in_env_files", {"name": "VITE_CONVEX_URL", "files_read": ".env.local"})
    assert finding.line == line_of(root, "src/main.tsx", "import.meta.env.VITE_CONVEX_URL")
    assert problems(read_app_code(root, environ={"VITE_CONVEX_URL": "https://x"})) == []


def test_next_client_reads_an_unprefixed_name(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"app/ConvexClientProvider.tsx": (
        "process.env.NEXT_PUBLIC_CONVEX_URL!", "process.env.CONVEX_URL!")})
    (root / ".env.local").write_text("CONVEX_URL=https://happy-otter-123.convex.cloud\n")
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.reason, finding.file, finding.values["suggested"]) == (
        "missing_prefix", "app/ConvexClientProvider.tsx", "NEXT_PUBLIC_CONVEX_URL")


def test_next_import_meta_env_and_its_edit(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"app/ConvexClientProvider.tsx": (
        "process.env.NEXT_PUBLIC_CONVEX_URL!", "import.meta.env.NEXT_PUBLIC_CONVEX_URL!")})
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.reason, finding.values["expected"]) == ("wrong_accessor", "process.env")
    assert finding.edit is not None
    apply_edit(root, finding.edit)
    assert problems(read_app_code(root)) == []


@pytest.mark.parametrize(("written", "form"), [
    ('process.env["NEXT_PUBLIC_CONVEX_URL"]!', "subscript"),
    ("process.env[name]!", "computed")])
def test_next_dynamic_reads_are_not_inlined(tmp_path: Path, written: str, form: str) -> None:
    root = write_app(tmp_path, "next", replace={"app/ConvexClientProvider.tsx": (
        "process.env.NEXT_PUBLIC_CONVEX_URL!", written)})
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.status, finding.reason, finding.values["form"]) == ("warn", "not_inlined",
                                                                         form)


def test_next_server_code_may_read_any_name(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", extra={"app/api/tasks/route.ts": """\
import { ConvexHttpClient } from "convex/browser";

export async function GET() {
  const client = new ConvexHttpClient(process.env.CONVEX_URL!);
  return Response.json(await client.query("tasks:list" as any, {}));
}
"""})
    (root / ".env.local").write_text((root / ".env.local").read_text() + "CONVEX_URL=x\n")
    assert problems(read_app_code(root)) == []


def test_expo_import_meta_env(tmp_path: Path) -> None:
    root = write_app(tmp_path, "expo", replace={"app/_layout.tsx": (
        "process.env.EXPO_PUBLIC_CONVEX_URL!", "import.meta.env.EXPO_PUBLIC_CONVEX_URL!")})
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.reason, finding.line) == (
        "wrong_accessor", line_of(root, "app/_layout.tsx", "import.meta.env"))


def test_sveltekit_process_env_in_a_component(tmp_path: Path) -> None:
    root = write_app(tmp_path, "sveltekit", replace={"src/routes/+layout.svelte": (
        "setupConvex(PUBLIC_CONVEX_URL);", "setupConvex(process.env.PUBLIC_CONVEX_URL);")})
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.reason, finding.values["expected"], finding.line) == (
        "wrong_accessor", "$env/static/public",
        line_of(root, "src/routes/+layout.svelte", "process.env"))
    assert finding.edit is None


def test_sveltekit_3_suggests_its_own_accessor(tmp_path: Path) -> None:
    root = write_app(tmp_path, "sveltekit", replace={
        "src/routes/+layout.svelte": ("setupConvex(PUBLIC_CONVEX_URL);",
                                      "setupConvex(process.env.PUBLIC_CONVEX_URL);"),
        "package.json": ('"@sveltejs/kit": "^2.50.0"', '"@sveltejs/kit": "^3.2.0"')})
    result = read_app_code(root)
    assert result.framework.major == 3
    assert only(result, "app.env_access").values["expected"] == "$app/env/public"


def test_sveltekit_3_app_env_public_needs_no_prefix(tmp_path: Path) -> None:
    root = write_app(tmp_path, "sveltekit", replace={"src/routes/+layout.svelte": (
        'import { PUBLIC_CONVEX_URL } from "$env/static/public";',
        'import { CONVEX_URL as PUBLIC_CONVEX_URL } from "$app/env/public";')})
    (root / ".env").write_text("CONVEX_URL=https://happy-otter-123.convex.cloud\n")
    assert problems(read_app_code(root)) == []


def test_sveltekit_private_module_in_a_component(tmp_path: Path) -> None:
    root = write_app(tmp_path, "sveltekit", replace={"src/routes/+layout.svelte": (
        '"$env/static/public"', '"$env/static/private"')})
    finding = only(read_app_code(root), "app.env_access")
    assert finding.reason == "private_in_browser"


def test_a_read_handed_to_the_client_is_judged_whatever_its_name(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "new ConvexReactClient(import.meta.env.VITE_CONVEX_URL as string);",
        "new ConvexReactClient(backend);\nconst unrelated = process.env.VITE_OTHER;")})
    main = root / "src/main.tsx"
    main.write_text(main.read_text().replace(
        "const convex", "const backend = process.env.VITE_BACKEND!;\nconst convex"))
    (root / ".env.local").write_text((root / ".env.local").read_text() + "VITE_BACKEND=x\n")
    finding = only(read_app_code(root), "app.env_access")
    assert (finding.reason, finding.values["name"]) == ("wrong_accessor", "VITE_BACKEND")


# -- app.server_token --------------------------------------------------------------------------

def test_server_token_without_the_template_on_the_template_path(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"lib/auth.ts": (
        'getToken({ template: "convex" })', "getToken()")})
    assert problems(read_app_code(root, token_path="integration")) == []
    assert problems(read_app_code(root)) == []
    finding = only(read_app_code(root, token_path="template"), "app.server_token")
    assert (finding.status, finding.reason, finding.file, finding.line) == (
        "fail", "template_missing", "lib/auth.ts", line_of(root, "lib/auth.ts", "getToken("))
    assert finding.values["used_at"] == f"app/page.tsx:{line_of(root, 'app/page.tsx', 'preloadQuery(')}"
    assert finding.values["call"] == "preloadQuery"


def test_server_token_with_the_template_on_the_integration_path(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next")
    finding = only(read_app_code(root, token_path="integration"), "app.server_token")
    assert (finding.status, finding.reason) == ("warn", "template_not_needed")


def test_server_token_with_another_template_name(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"lib/auth.ts": (
        'template: "convex"', 'template: "my-template"')})
    finding = only(read_app_code(root), "app.server_token")
    assert (finding.reason, finding.values["template"]) == ("wrong_template", "my-template")


def test_server_call_without_a_token(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", replace={"app/page.tsx": (
        "preloadQuery(api.tasks.list, {}, { token: await getAuthToken() })",
        "preloadQuery(api.tasks.list, {})")})
    finding = only(read_app_code(root), "app.server_token")
    assert (finding.status, finding.reason, finding.line) == (
        "warn", "no_token", line_of(root, "app/page.tsx", "preloadQuery(api"))


def test_server_token_from_a_destructured_get_token_in_the_same_file(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", extra={"app/page.tsx": """\
import { fetchQuery } from "convex/nextjs";
import { auth } from "@clerk/nextjs/server";
import { api } from "@/convex/_generated/api";

export default async function Page() {
  const { getToken } = await auth();
  const token = await getToken();
  const tasks = await fetchQuery(api.tasks.list, {}, { token });
  return <p>{tasks.length}</p>;
}
"""})
    finding = only(read_app_code(root, token_path="template"), "app.server_token")
    assert (finding.reason, finding.line) == (
        "template_missing", line_of(root, "app/page.tsx", "getToken()"))


def test_browser_get_token_on_the_server(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", extra={"lib/auth.ts": """\
import { getToken } from "@clerk/nextjs";

export async function getAuthToken() {
  return (await getToken({ template: "convex" })) ?? undefined;
}
"""})
    finding = only(read_app_code(root), "app.server_token")
    assert (finding.status, finding.reason, finding.file) == ("fail", "browser_get_token",
                                                              "lib/auth.ts")


def test_token_not_from_clerk_never_carries_the_literal(tmp_path: Path) -> None:
    """A token pasted into the code is a secret in the source: the finding shows the
    expression with the literal elided, never the token."""
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    root = write_app(tmp_path, "next", replace={"app/page.tsx": (
        "{ token: await getAuthToken() }", f'{{ token: `${{"{token}"}}` || "sk_test_abc" }}')})
    result = read_app_code(root)
    finding = only(result, "app.server_token")
    assert (finding.status, finding.reason) == ("warn", "token_not_from_clerk")
    assert finding.values["written"] == '"…" || "…"'
    assert token not in repr(result) and "sk_test_abc" not in repr(result)


def test_module_level_http_client_given_a_request_token(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", extra={"app/actions.ts": """\
"use server";
import { ConvexHttpClient } from "convex/browser";
import { auth } from "@clerk/nextjs/server";

const client = new ConvexHttpClient(process.env.NEXT_PUBLIC_CONVEX_URL!);

export async function addTask(text: string) {
  client.setAuth((await (await auth()).getToken({ template: "convex" }))!);
  await client.mutation("tasks:add" as any, { text });
}
"""})
    finding = only(read_app_code(root), "app.server_token")
    assert (finding.status, finding.reason, finding.line) == (
        "fail", "shared_client_token", line_of(root, "app/actions.ts", "client.setAuth"))
    assert finding.values["created_at"] == \
        f"app/actions.ts:{line_of(root, 'app/actions.ts', 'new ConvexHttpClient')}"


def test_per_request_http_client_is_judged_by_its_template(tmp_path: Path) -> None:
    root = write_app(tmp_path, "next", extra={"app/actions.ts": """\
"use server";
import { ConvexHttpClient } from "convex/browser";
import { auth } from "@clerk/nextjs/server";

export async function addTask(text: string) {
  const client = new ConvexHttpClient(process.env.NEXT_PUBLIC_CONVEX_URL!);
  client.setAuth((await (await auth()).getToken())!);
  await client.mutation("tasks:add" as any, { text });
}
"""})
    def actions(path: str) -> list[tuple[str, int | None]]:
        result = read_app_code(root, token_path=path)  # type: ignore[arg-type]
        return [(f.reason, f.line) for f in problems(result) if f.file == "app/actions.ts"]

    assert actions("integration") == []
    assert actions("template") == [
        ("template_missing", line_of(root, "app/actions.ts", "getToken()"))]


# -- app.auth_gating ---------------------------------------------------------------------------

def test_query_gated_by_signed_in(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/App.tsx": (
        "<Authenticated><UserButton /><Messages /></Authenticated>",
        "<SignedIn><UserButton /><Messages /></SignedIn>")})
    app = root / "src/App.tsx"
    app.write_text(app.read_text().replace("import { SignInButton,", "import { SignedIn, SignInButton,"))
    finding = only(read_app_code(root), "app.auth_gating")
    assert (finding.status, finding.reason, finding.file, finding.line) == (
        "warn", "clerk_component_gate", "src/App.tsx", line_of(root, "src/App.tsx", "useQuery("))
    assert finding.values == {"hook": "useQuery", "gate": "SignedIn", "component": "Messages",
                              "gate_at": f"src/App.tsx:{line_of(root, 'src/App.tsx', '<SignedIn>')}"}


def test_query_gated_by_core_3_show_across_files(tmp_path: Path) -> None:
    """Expo Router: the route is gated by <Show when="signed-in"> in its own file, the hook
    lives in a component imported from components/."""
    root = write_app(tmp_path, "expo", extra={
        "app/index.tsx": """\
import { Show } from "@clerk/expo";
import Notes from "../components/Notes";

export default function Home() {
  return <Show when="signed-in"><Notes /></Show>;
}
""",
        "components/Notes.tsx": """\
import { useQuery } from "convex/react";
import { Text } from "react-native";
import { api } from "../convex/_generated/api";

export default function Notes() {
  const notes = useQuery(api.notes.list);
  return <Text>{notes?.length}</Text>;
}
"""})
    finding = only(read_app_code(root), "app.auth_gating")
    assert (finding.file, finding.line, finding.values["gate"], finding.values["gate_at"]) == (
        "components/Notes.tsx", line_of(root, "components/Notes.tsx", "useQuery("), "Show",
        f"app/index.tsx:{line_of(root, 'app/index.tsx', '<Show')}")


def test_convex_gate_inside_the_clerk_gate_is_fine(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/App.tsx": (
        "<Authenticated><UserButton /><Messages /></Authenticated>",
        "<SignedIn><Authenticated><UserButton /><Messages /></Authenticated></SignedIn>")})
    app = root / "src/App.tsx"
    app.write_text(app.read_text().replace("import { SignInButton,", "import { SignedIn, SignInButton,"))
    assert problems(read_app_code(root)) == []


def test_query_skipped_on_clerks_is_signed_in(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/App.tsx": (
        """function Messages() {
  const messages = useQuery(api.messages.list);""",
        """function Messages() {
  const { isSignedIn } = useAuth();
  const messages = useQuery(api.messages.list, isSignedIn ? {} : "skip");""")})
    app = root / "src/App.tsx"
    app.write_text(app.read_text().replace("import { SignInButton,", "import { useAuth, SignInButton,"))
    finding = only(read_app_code(root), "app.auth_gating")
    assert (finding.reason, finding.line, finding.values["gate_at"]) == (
        "clerk_hook_gate", line_of(root, "src/App.tsx", "useQuery("),
        f"src/App.tsx:{line_of(root, 'src/App.tsx', 'useAuth()')}")


def test_use_convex_auth_in_the_component_is_fine(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/App.tsx": (
        """function Messages() {
  const messages = useQuery(api.messages.list);""",
        """function Messages() {
  const { isSignedIn } = useAuth();
  const { isAuthenticated } = useConvexAuth();
  const messages = useQuery(api.messages.list, isAuthenticated && isSignedIn ? {} : "skip");""")})
    app = root / "src/App.tsx"
    app.write_text(app.read_text().replace(
        "import { SignInButton,", "import { useAuth, SignInButton,").replace(
        "import { Authenticated,", "import { useConvexAuth, Authenticated,"))
    assert problems(read_app_code(root)) == []


# -- files that do not parse -------------------------------------------------------------------

def test_a_file_that_does_not_parse_is_judged_by_what_parsed(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "import.meta.env.VITE_CONVEX_URL as string", "process.env.VITE_CONVEX_URL as string")},
        extra={})
    main = root / "src/main.tsx"
    broken = main.read_text().replace("<App />", "<App <<< oops =")
    main.write_text(broken)
    result = read_app_code(root)
    assert [p.file for p in result.scan.parse_problems] == ["src/main.tsx"]
    error_line = result.scan.parse_problems[0].lines[0]
    assert line_of(root, "src/main.tsx", "render(") <= error_line <= \
        line_of(root, "src/main.tsx", "<App <<<")
    env = [f for f in problems(result) if f.check_id == "app.env_access"]
    assert [(f.reason, f.line) for f in env] == [
        ("wrong_accessor", line_of(root, "src/main.tsx", "process.env"))]


def test_garbage_and_binary_sources_never_raise(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", extra={
        "src/garbage.tsx": "convex " + "<{[(" * 2000,
        "src/binary.ts": "convex\x00\xff\xfe" * 100,
        "src/empty.svelte": "<p>convex</p>",
        "src/unclosed.vue": "<script>import x from 'convex/react'",
    })
    result = read_app_code(root)
    assert result.status("app.provider") == "pass"
    assert "src/garbage.tsx" in {p.file for p in result.scan.parse_problems}


def test_a_hand_written_use_auth_is_a_warning(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "useAuth={useAuth}", "useAuth={useAuthFromClerk}")}, extra={
        "src/auth.ts": 'import { useAuth } from "@clerk/clerk-react";\n'
                       "export const useAuthFromClerk = () => useAuth();\n"})
    main = root / "src/main.tsx"
    main.write_text(main.read_text().replace(
        'import App from "./App";', 'import App from "./App";\nimport { useAuthFromClerk } from "./auth";'))
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason, finding.values) == (
        "warn", "use_auth_not_from_clerk", {"written": "useAuthFromClerk", "imported_from": "./auth"})


def test_use_auth_given_a_string(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        "useAuth={useAuth}", 'useAuth="useAuth"')})
    assert only(read_app_code(root), "app.provider").reason == "use_auth_not_a_hook"


def test_convex_provider_with_auth_is_a_custom_adapter(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", replace={"src/main.tsx": (
        '<ConvexProviderWithClerk client={convex} useAuth={useAuth}>\n        <App />\n'
        '      </ConvexProviderWithClerk>',
        '<ConvexProviderWithAuth client={convex} useAuth={useAuthFromClerk}>\n        <App />\n'
        '      </ConvexProviderWithAuth>')})
    main = root / "src/main.tsx"
    main.write_text(main.read_text().replace(
        'import { ConvexReactClient } from "convex/react";',
        'import { ConvexProviderWithAuth, ConvexReactClient } from "convex/react";'))
    result = read_app_code(root)
    assert problems(result) == []
    finding = result.for_check("app.provider")[0]
    assert (finding.reason, finding.line) == (
        "custom_auth_provider", line_of(root, "src/main.tsx", "<ConvexProviderWithAuth"))


def test_clerk_without_any_convex_provider(tmp_path: Path) -> None:
    root = write_app(tmp_path, "vite", extra={"src/main.tsx": 'import { ClerkProvider } from "@clerk/clerk-react";\n'})
    finding = only(read_app_code(root), "app.provider")
    assert (finding.status, finding.reason, finding.values["files_parsed"]) == (
        "warn", "no_convex_provider", "2")


def test_tanstack_server_function_may_read_process_env(tmp_path: Path) -> None:
    root = write_app(tmp_path, "tanstack", extra={"src/server/convex.ts": """\
import { createServerFn } from "@tanstack/react-start";
import { ConvexHttpClient } from "convex/browser";

export const list = createServerFn().handler(async () => {
  const client = new ConvexHttpClient(process.env.VITE_CONVEX_URL!);
  return client.query("tasks:list" as any, {});
});
"""})
    assert problems(read_app_code(root)) == []


_TOKENS = ["<", ">", "/>", "</", "{", "}", "(", ")", "=", ";", ",", ".", '"', "'", "`", "\n",
           "import", "from", "export", "default", "function", "const", "await", "new",
           '"convex/react"', '"@clerk/clerk-react"', '"convex/nextjs"', "ConvexProviderWithClerk",
           "ClerkProvider", "useAuth", "useQuery", "SignedIn", "Authenticated", "process.env",
           "import.meta.env", "VITE_CONVEX_URL", "getToken", "setAuth", "fetchQuery",
           "ConvexHttpClient", "children", "{children}", "template", '"use client"', "é", "\x00"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=120), st.sampled_from(
    ["src/main.tsx", "src/a.ts", "src/b.jsx", "src/c.svelte", "app/layout.tsx"]))
def test_any_token_soup_is_read_without_raising(tokens: list[str], rel: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_app(Path(folder), "next")
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(" ".join(tokens) if not rel.endswith(".svelte")
                        else "<script>" + " ".join(tokens) + "</script>")
        result = read_app_code(root, token_path="template")
        assert {f.check_id for f in result.findings} == set(CHECK_IDS)
        assert all(f.status in ("pass", "fail", "warn", "skip") for f in result.findings)
        problems(result)  # every reason is a catalogued one
        assert all(f.line is None or f.line >= 1 for f in result.findings)
