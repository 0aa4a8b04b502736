"""How the Convex backend judges an auth config and a token, and a JWT decoded once."""
