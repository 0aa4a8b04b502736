"""The demo's project: a minimal Vite + Convex + Clerk app, with keys made up for one run."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from wizard.demo.local_issuer import LocalIssuer

AUTH_CONFIG = """import type { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
"""

# The app's entry file, wired as Convex's Clerk docs show, so the app-code step has code to read.
MAIN_TSX = """import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ClerkProvider, useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { ConvexReactClient } from "convex/react";
import App from "./App";

const convex = new ConvexReactClient(import.meta.env.VITE_CONVEX_URL as string);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ClerkProvider publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY}>
      <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
        <App />
      </ConvexProviderWithClerk>
    </ClerkProvider>
  </StrictMode>,
);
"""

DEMO_DEPLOYMENT = "demo-app-123"


def demo_secret_key() -> str:
    """A made-up Clerk secret key for this run (the demo's Backend API accepts only it)."""
    return "sk_test_" + secrets.token_urlsafe(30)


def demo_deploy_key() -> str:
    """A made-up dev deploy key for this run, shaped like Convex's ``dev:<name>|<secret>``."""
    return f"dev:{DEMO_DEPLOYMENT}|" + secrets.token_hex(32)


def write_demo_project(root: Path, issuer: LocalIssuer, *, convex_url: str | None = None,
                       secret_key: str | None = None, deploy_key: str | None = None) -> Path:
    """A minimal Vite + Convex + Clerk app that points at ``issuer`` (and at the demo's
    deployment, with its keys, when given)."""
    (root / "convex").mkdir(parents=True, exist_ok=True)
    package = {"name": "demo-app", "private": True,
               "dependencies": {"convex": "^1.45.0", "@clerk/clerk-react": "^5.0.0",
                                "react": "^19.0.0"},
               "devDependencies": {"vite": "^8.4.1"}}
    (root / "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    (root / "convex" / "auth.config.ts").write_text(AUTH_CONFIG, encoding="utf-8")
    lines = [f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}",
             f"CLERK_JWT_ISSUER_DOMAIN={issuer.url}"]
    if convex_url is not None:
        lines.append(f"VITE_CONVEX_URL={convex_url}")
        (root / "src").mkdir(exist_ok=True)
        (root / "src" / "main.tsx").write_text(MAIN_TSX, encoding="utf-8")
    if deploy_key is not None:
        lines.append(f"CONVEX_DEPLOY_KEY={deploy_key}")
    if secret_key is not None:
        lines.append(f"CLERK_SECRET_KEY={secret_key}")  # server-side: never VITE_
    (root / ".env.local").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
