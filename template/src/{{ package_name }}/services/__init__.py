"""Services behind the routes and commands (email, health checks, ...)."""
