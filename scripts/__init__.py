"""Scripts copier runs (post-copy tasks, migrations) and the release command."""
