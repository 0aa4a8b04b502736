"""The Textual UI of convex-auth-wizard."""
