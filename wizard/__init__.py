"""convex-auth-wizard: the core engine (configuration, issuer, token verdict, checks, state).

This package never imports Textual; the UI lives in ``screens``.
"""

__version__ = "0.1.0"
