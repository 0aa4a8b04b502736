"""Talking to services: the issuer, a Convex deployment, its CLI; one deadline, keys only where they belong."""
