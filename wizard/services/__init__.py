"""Talking to services: the issuer, a Convex deployment, its CLI; one deadline per request,
and keys only where they belong."""
