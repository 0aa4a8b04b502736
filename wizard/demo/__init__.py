"""The demo and the local stand-ins of Clerk and Convex (used by the tests and ``demo``)."""
