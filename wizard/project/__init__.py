"""Reading the project: .env files, convex/auth.config, the convex version, the deployment URL."""
