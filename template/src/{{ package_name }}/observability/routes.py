"""The route a request is counted and logged under: its template, never its path."""

from starlette.routing import Mount
from starlette.types import Scope

# The route of requests no route matched: a fixed value, so that requests for
# made-up paths add no metric series and write no path into the log.
UNMATCHED_ROUTE = "(unmatched)"


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (`/users/{user_id}`), with
    the path of the mount it lives under; UNMATCHED_ROUTE if none matched."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED_ROUTE
    # A mount's matched prefix is in root_path (beyond the app's own root path).
    prefix: str = scope.get("root_path", "")[len(scope.get("app_root_path", "")) :]
    if isinstance(route, Mount):
        # The mount itself answered (static files, say): its whole subtree is
        # one series, whatever the rest of the path was.
        return prefix + "/{path}"
    return f"{prefix}{getattr(route, 'path', '')}" or UNMATCHED_ROUTE
