"""Small sample apps, one per framework, written as real files: each correct as given, and
turned into "the same app with one mistake" by replacing one snippet."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.fixtures import VITE_MAIN
from wizard.appcode import REASONS, AppCode, Edit, Finding

VITE_APP = """\
import { SignInButton, UserButton } from "@clerk/clerk-react";
import { Authenticated, Unauthenticated, useQuery } from "convex/react";
import { api } from "../convex/_generated/api";

function Messages() {
  const messages = useQuery(api.messages.list);
  return <ul>{messages?.map((m) => <li key={m._id}>{m.body}</li>)}</ul>;
}

export default function App() {
  return (
    <main>
      <Unauthenticated><SignInButton /></Unauthenticated>
      <Authenticated><UserButton /><Messages /></Authenticated>
    </main>
  );
}
"""

NEXT_LAYOUT = """\
import { ClerkProvider } from "@clerk/nextjs";
import ConvexClientProvider from "./ConvexClientProvider";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ClerkProvider>
          <ConvexClientProvider>{children}</ConvexClientProvider>
        </ClerkProvider>
      </body>
    </html>
  );
}
"""

NEXT_PROVIDER = """\
"use client";

import { useAuth } from "@clerk/nextjs";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { ConvexReactClient } from "convex/react";

const convex = new ConvexReactClient(process.env.NEXT_PUBLIC_CONVEX_URL!);

export default function ConvexClientProvider({ children }: { children: React.ReactNode }) {
  return (
    <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
      {children}
    </ConvexProviderWithClerk>
  );
}
"""

NEXT_PAGE = """\
import { preloadQuery } from "convex/nextjs";
import { api } from "@/convex/_generated/api";
import { getAuthToken } from "@/lib/auth";
import Tasks from "./Tasks";

export default async function Page() {
  const preloaded = await preloadQuery(api.tasks.list, {}, { token: await getAuthToken() });
  return <Tasks preloaded={preloaded} />;
}
"""

NEXT_AUTH = """\
import { auth } from "@clerk/nextjs/server";

export async function getAuthToken() {
  return (await (await auth()).getToken({ template: "convex" })) ?? undefined;
}
"""

NEXT_TASKS = """\
"use client";

import { Authenticated, usePreloadedQuery, useMutation } from "convex/react";
import { api } from "@/convex/_generated/api";

function AddTask() {
  const add = useMutation(api.tasks.add);
  return <button onClick={() => add({ text: "x" })}>add</button>;
}

export default function Tasks({ preloaded }: { preloaded: any }) {
  const tasks = usePreloadedQuery(preloaded);
  return <Authenticated><AddTask />{tasks.length}</Authenticated>;
}
"""

EXPO_LAYOUT = """\
import { ClerkProvider, useAuth } from "@clerk/expo";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { ConvexReactClient } from "convex/react";
import { Slot } from "expo-router";

const convex = new ConvexReactClient(process.env.EXPO_PUBLIC_CONVEX_URL!);

export default function RootLayout() {
  return (
    <ClerkProvider publishableKey={process.env.EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY!}>
      <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
        <Slot />
      </ConvexProviderWithClerk>
    </ClerkProvider>
  );
}
"""

EXPO_HOME = """\
import { Show } from "@clerk/expo";
import { useQuery } from "convex/react";
import { Text } from "react-native";
import { api } from "../convex/_generated/api";

export default function Home() {
  const notes = useQuery(api.notes.list);
  return <Text>{notes?.length}</Text>;
}
"""

TANSTACK_ROOT = """\
import { ClerkProvider, useAuth } from "@clerk/tanstack-react-start";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { ConvexReactClient } from "convex/react";
import { Outlet, createRootRoute } from "@tanstack/react-router";

const convex = new ConvexReactClient(import.meta.env.VITE_CONVEX_URL);

export const Route = createRootRoute({ component: RootComponent });

function RootComponent() {
  return (
    <ClerkProvider>
      <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
        <Outlet />
      </ConvexProviderWithClerk>
    </ClerkProvider>
  );
}
"""

SVELTE_LAYOUT = """\
<script lang="ts">
  import { PUBLIC_CONVEX_URL } from "$env/static/public";
  import { setupConvex, useConvexClient } from "convex-svelte";
  import { useClerkContext } from "svelte-clerk";

  let { children } = $props();
  setupConvex(PUBLIC_CONVEX_URL);
  const ctx = useClerkContext();
  const client = useConvexClient();
  client.setAuth(async () => (await ctx.session?.getToken({ template: "convex" })) ?? null);
</script>

<!-- <script>import { broken } from "not-parsed"</script> -->
{@render children()}
"""

VUE_MAIN = """\
import { createApp } from "vue";
import { clerkPlugin } from "@clerk/vue";
import { convexVue } from "convex-vue";
import App from "./App.vue";

const app = createApp(App);
app.use(clerkPlugin, { publishableKey: import.meta.env.VITE_CLERK_PUBLISHABLE_KEY });
app.use(convexVue, { url: import.meta.env.VITE_CONVEX_URL });
app.mount("#app");
"""

VUE_APP = """\
<template>
  <div>{{ tasks }}</div>
</template>

<script setup lang="ts">
import { useSession } from "@clerk/vue";
import { useConvexClient, useConvexQuery } from "convex-vue";
import { api } from "../convex/_generated/api";

const { session } = useSession();
const client = useConvexClient();
client.setAuth(async () => (await session.value?.getToken({ template: "convex" })) ?? null);
const { data: tasks } = useConvexQuery(api.tasks.list, {});
</script>
"""

APPS: dict[str, dict[str, str]] = {
    "vite": {
        "package.json": json.dumps({"dependencies": {
            "convex": "^1.51.0", "@clerk/clerk-react": "^5.61.0", "react": "^19.0.0",
            "react-dom": "^19.0.0"}, "devDependencies": {"vite": "^8.4.1"}}),
        ".env.local": "VITE_CONVEX_URL=https://happy-otter-123.convex.cloud\n"
                      "VITE_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k\n",
        "src/main.tsx": VITE_MAIN,
        "src/App.tsx": VITE_APP,
    },
    "next": {
        "package.json": json.dumps({"dependencies": {
            "next": "^16.5.0", "@clerk/nextjs": "^7.9.0", "convex": "^1.51.0",
            "react": "^19.0.0"}}),
        ".env.local": "NEXT_PUBLIC_CONVEX_URL=https://happy-otter-123.convex.cloud\n"
                      "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k\n",
        "app/layout.tsx": NEXT_LAYOUT,
        "app/ConvexClientProvider.tsx": NEXT_PROVIDER,
        "app/page.tsx": NEXT_PAGE,
        "app/Tasks.tsx": NEXT_TASKS,
        "lib/auth.ts": NEXT_AUTH,
    },
    "expo": {
        "package.json": json.dumps({"dependencies": {
            "expo": "^58.0.0", "expo-router": "^6.0.0", "@clerk/expo": "^4.6.0",
            "convex": "^1.51.0", "react-native": "^0.83.0"}}),
        ".env": "EXPO_PUBLIC_CONVEX_URL=https://happy-otter-123.convex.cloud\n"
                "EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k\n",
        "app/_layout.tsx": EXPO_LAYOUT,
        "app/index.tsx": EXPO_HOME,
    },
    "tanstack": {
        "package.json": json.dumps({"dependencies": {
            "@tanstack/react-start": "^1.169.0", "@clerk/tanstack-react-start": "^1.5.0",
            "convex": "^1.51.0", "react": "^19.0.0", "vite": "^8.4.1"}}),
        ".env": "VITE_CONVEX_URL=https://happy-otter-123.convex.cloud\n",
        "src/routes/__root.tsx": TANSTACK_ROOT,
    },
    "sveltekit": {
        "package.json": json.dumps({"devDependencies": {
            "@sveltejs/kit": "^2.50.0", "svelte": "^5.59.0", "convex-svelte": "^0.14.0",
            "svelte-clerk": "^0.19.0", "convex": "^1.51.0"}}),
        ".env": "PUBLIC_CONVEX_URL=https://happy-otter-123.convex.cloud\n",
        "src/routes/+layout.svelte": SVELTE_LAYOUT,
    },
    "vue": {
        "package.json": json.dumps({"dependencies": {
            "vue": "^3.5.0", "convex-vue": "^0.1.5", "@clerk/vue": "^2.5.0",
            "convex": "^1.51.0"}, "devDependencies": {"vite": "^8.4.1"}}),
        ".env.local": "VITE_CONVEX_URL=https://happy-otter-123.convex.cloud\n"
                      "VITE_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k\n",
        "src/main.ts": VUE_MAIN,
        "src/App.vue": VUE_APP,
    },
}


def write_app(root: Path, kind: str, replace: dict[str, tuple[str, str]] | None = None,
              extra: dict[str, str] | None = None) -> Path:
    """Write app ``kind`` under ``root``; ``replace`` maps a file to one ``(old, new)``
    snippet change (the old snippet must be there), ``extra`` adds or overwrites files."""
    files = dict(APPS[kind])
    for rel, (old, new) in (replace or {}).items():
        assert old in files[rel], f"{old!r} is not in {kind}'s {rel}"
        files[rel] = files[rel].replace(old, new, 1)
    files.update(extra or {})
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def line_of(root: Path, rel: str, needle: str) -> int:
    """The 1-based line of the first occurrence of ``needle`` in the written file."""
    text = (root / rel).read_text()
    assert needle in text, f"{needle!r} is not in {rel}"
    return text[: text.index(needle)].count("\n") + 1


def problems(result: AppCode) -> list[Finding]:
    """The failing and warning findings (every finding's reason checked to be catalogued)."""
    for finding in result.findings:
        assert finding.reason in REASONS[finding.check_id], finding
    return [f for f in result.findings if f.status in ("fail", "warn")]


def only(result: AppCode, check_id: str) -> Finding:
    """The single failing or warning finding of the whole result, which must be of
    ``check_id``: proof that a mistake was found alone, and found once."""
    found = problems(result)
    assert len(found) == 1, found
    assert found[0].check_id == check_id, found
    return found[0]


def apply_edit(root: Path, edit: Edit) -> None:
    path = root / edit.file
    data = path.read_bytes()
    assert data[edit.start:edit.end].decode() == edit.expected
    path.write_bytes(data[:edit.start] + edit.replacement.encode() + data[edit.end:])
