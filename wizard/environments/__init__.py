"""Every environment, side by side: development, production and preview (issue 18).

Each Clerk instance (development ``pk_test_``, production ``pk_live_``) has its own issuer and
keys; each Convex deployment (development, production, every preview) its own variables and
its own pushed ``auth.config``. This package finds them and lines them up:

- :func:`discover` reads the project's files and the process environment (nothing is run or
  sent): the instance each environment's build uses, each environment's deployment, the
  deploy keys (kind, deployment and source; the value is never shown or kept in an output).
- :func:`build_matrix` asks the live side (the project's Convex CLI, the deployments, the
  production Frontend API) within the rules in :mod:`wizard.environments.matrix`, and judges
  the rows into findings (:mod:`wizard.environments.findings`).
- :func:`check_environments` does both.

Everything comes back as data: rows, findings with a check id, a status, a reason code and
values, and fixes as command lines or dashboard pages. ``Matrix.to_dict()`` is the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from wizard.environments.discovery import Deployment, Discovery, discover
from wizard.environments.instances import ClerkInstance, KeyProblem
from wizard.environments.matrix import build_matrix
from wizard.environments.model import CHECK_IDS, ENVIRONMENTS, Environment, Finding, Fix
from wizard.environments.rows import Matrix, MatrixOptions, Row


def check_environments(root: Path, options: MatrixOptions | None = None,
                       environ: Mapping[str, str] | None = None) -> Matrix:
    """The matrix of the project at ``root`` (``environ``: the process environment)."""
    return build_matrix(discover(root, environ), options or MatrixOptions())


__all__ = ["CHECK_IDS", "ENVIRONMENTS", "ClerkInstance", "Deployment", "Discovery",
           "Environment", "Finding", "Fix", "KeyProblem", "Matrix", "MatrixOptions", "Row",
           "build_matrix", "check_environments", "discover"]
