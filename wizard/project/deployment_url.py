"""Where the project's Convex deployment is (research/convex_http_probe.md §5), and its deploy key.

The URL the app's client uses is preferred, because it is a full origin; ``CONVEX_DEPLOYMENT``
only gives a name, and the cloud URL built from it is a guess (EU deployments have a region in
their host), so it is marked as derived. A ``.convex.site`` URL serves HTTP actions only and
never answers 401, so it is turned into its ``.convex.cloud`` API URL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from wizard.guards.files import read_regular_file
from wizard.project.envfiles import EnvFiles
from wizard.project.sourced import Sourced

CONVEX_URL_NAMES: tuple[str, ...] = (
    "CONVEX_URL", "PUBLIC_CONVEX_URL", "NEXT_PUBLIC_CONVEX_URL", "VITE_CONVEX_URL",
    "REACT_APP_CONVEX_URL", "EXPO_PUBLIC_CONVEX_URL",
)
"""The CLI's ``EXPECTED_CONVEX_URL_NAMES``, in its order."""
CONVEX_SITE_URL_NAMES: tuple[str, ...] = tuple(
    name.replace("CONVEX_URL", "CONVEX_SITE_URL") for name in CONVEX_URL_NAMES)
SELF_HOSTED_URL_NAME = "CONVEX_SELF_HOSTED_URL"
DEPLOYMENT_NAME_VAR = "CONVEX_DEPLOYMENT"
DEPLOY_KEY_NAMES: tuple[str, ...] = ("CONVEX_DEPLOY_KEY", "CONVEX_SELF_HOSTED_ADMIN_KEY")
LOCAL_CONFIG = Path(".convex") / "local" / "default" / "config.json"
LOCAL_DEFAULT_PORT = 3210
_SITE_RE = re.compile(r"\.convex\.site$")


def _hostname(url: str) -> str:
    """The host of ``url``, or "" when it has none or does not parse (``https://a]b``)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def site_to_cloud(url: str) -> str:
    """``https://x.convex.site`` → ``https://x.convex.cloud`` (the host only; nothing else)."""
    host = _hostname(url)
    if not _SITE_RE.search(host):
        return url
    parts = urlsplit(url)
    netloc = parts.netloc.replace(host, _SITE_RE.sub(".convex.cloud", host), 1)
    return parts._replace(netloc=netloc).geturl()


def clean_url(value: str) -> str:
    """Surrounding whitespace and quotes and trailing ``/`` removed; nothing else changed."""
    return value.strip().strip("'\"`").strip().rstrip("/")


def _from_value(found: Sourced) -> Sourced:
    url = clean_url(found.value)
    converted = site_to_cloud(url)
    if converted != url:
        return Sourced(converted, f"{found.source} (.convex.site → .convex.cloud)", derived=True)
    return Sourced(url, found.source, found.derived)


def deployment_name(raw: str) -> tuple[str, str]:
    """``dev:happy-otter-123 # team: …`` → ("dev", "happy-otter-123"); legacy values have no
    type and give ("", name)."""
    value = raw.split("#", 1)[0].strip()
    kind, _, name = value.rpartition(":")
    return kind.split(":", 1)[0], name.strip()


def _local_port(root: Path) -> int | None:
    try:
        document = json.loads(read_regular_file(root / LOCAL_CONFIG, 64 * 1024))
    except (OSError, ValueError, RecursionError):
        return None
    ports = document.get("ports") if isinstance(document, dict) else None
    cloud = ports.get("cloud") if isinstance(ports, dict) else None
    return cloud if isinstance(cloud, int) and 0 < cloud < 65536 else None


def _from_deployment_name(found: Sourced, root: Path) -> Sourced | None:
    kind, name = deployment_name(found.value)
    if not name:
        return None
    if kind in ("local", "anonymous"):
        port = _local_port(root)
        if port is not None:
            return Sourced(f"http://127.0.0.1:{port}", f"{found.source} + {LOCAL_CONFIG}",
                           derived=True)
        return Sourced(f"http://127.0.0.1:{LOCAL_DEFAULT_PORT}",
                       f"{found.source} (local deployment; default port assumed)", derived=True)
    return Sourced(f"https://{name}.convex.cloud", f"{found.source} (the default-region URL "
                   "of that name)", derived=True)


def find_deployment_url(env: EnvFiles, root: Path) -> Sourced | None:
    """The deployment's API URL, first that exists: the client URL variables; the self-hosted
    URL; a ``.convex.site`` site URL turned into ``.convex.cloud``; ``CONVEX_DEPLOYMENT``."""
    for name in (*CONVEX_URL_NAMES, SELF_HOSTED_URL_NAME):
        found = env.get(name)
        if found is not None and clean_url(found.value):
            return _from_value(found)
    for name in CONVEX_SITE_URL_NAMES:
        found = env.get(name)
        if found is not None and _SITE_RE.search(_hostname(clean_url(found.value))):
            return _from_value(found)
    found = env.get(DEPLOYMENT_NAME_VAR)
    if found is not None:
        return _from_deployment_name(found, root)
    return None


def find_deploy_key(env: EnvFiles, name: str | None = None) -> Sourced | None:
    """The deploy (admin) key: the variable named by ``--deploy-key-env``, else
    ``CONVEX_DEPLOY_KEY`` (or the self-hosted admin key). The value must never be shown."""
    for candidate in ((name,) if name else DEPLOY_KEY_NAMES):
        found = env.get(candidate)
        if found is not None and found.value.strip():
            return found
    return None


def deploy_key_secrets(env: EnvFiles, name: str | None = None) -> list[str]:
    """The deploy key's value (and its secret part), for scrubbing every output."""
    found = find_deploy_key(env, name)
    if found is None:
        return []
    value = found.value.strip()
    return [value, value.split("|", 1)[-1]] if "|" in value else [value]
