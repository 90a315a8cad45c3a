"""The security headers on every response of the task dashboard.

The Content-Security-Policy lets a page load scripts, styles and images from the
dashboard itself only and run no inline script: should some value ever reach a
page unescaped, the browser still refuses to run it. The few inline styles
Streaq's pages carry are allowed by their hashes, one by one.
"""

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(
    style_elements: Iterable[str], style_attributes: Iterable[str]
) -> str:
    """The dashboard's CSP, allowing the inline styles with these hashes."""
    attribute_sources = " ".join(style_attributes)
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        " ".join(["style-src 'self'", *style_elements]),
        # 'unsafe-hashes' allows the listed style="..." values, nothing else.
        f"style-src-attr 'unsafe-hashes' {attribute_sources}"
        if attribute_sources
        else "style-src-attr 'none'",
        # Bootstrap's CSS draws a few icons from data: URLs.
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def security_headers(csp: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        # For browsers that predate frame-ancestors.
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


class SecurityHeaders:
    """ASGI middleware: adds `headers` to every HTTP response of the app it wraps
    (pages, redirects, errors and static files alike)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
