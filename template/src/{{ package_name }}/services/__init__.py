"""Services behind the routes and commands: email sending and the welcome email."""
