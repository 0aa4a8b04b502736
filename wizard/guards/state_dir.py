"""Where the wizard keeps what it remembers of a project (progress, fix backups, crash logs).

``platformdirs.user_state_dir("convex-auth-wizard")``, or ``$CONVEX_AUTH_WIZARD_STATE_DIR``;
inside it, each project is known by the first 16 hex digits of the sha256 of its absolute
path, so the saved progress and the backups of its fixes share one key.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

APP_NAME = "convex-auth-wizard"
STATE_DIR_ENV = "CONVEX_AUTH_WIZARD_STATE_DIR"


def default_state_dir() -> Path:
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME))


def absolute_project_path(project_root: Path) -> Path:
    try:
        return project_root.resolve()
    except (OSError, RuntimeError):
        return project_root.absolute()


def project_key(project_root: Path) -> str:
    """The project's name in the state dir (``project_root`` already absolute)."""
    digest = hashlib.sha256(str(project_root).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]
