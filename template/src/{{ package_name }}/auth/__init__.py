"""Accounts: password hashes, access tokens, and the rate limit of log-in attempts."""
