"""The user-facing text, as data."""
