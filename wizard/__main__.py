"""``python -m wizard`` runs the same CLI as ``convex-auth-wizard``."""

from wizard.cli import main

raise SystemExit(main())
