"""Services the API and the workers share (email, health checks, ...)."""
