"""Benchmarks against the peers (issue 5); run ``python benchmarks/run.py``."""
