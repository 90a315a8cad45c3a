"""Streaq's dashboard pages, made safe to show an admin.

Streaq renders its pages through one Jinja environment (`streaq.ui.deps.templates`)
from `.j2` files, a suffix Starlette's `select_autoescape()` does not escape: a
task result holding `<script>` (say, a user's name in an export) would run in the
browser of whoever looks at it, with the power to abort tasks and delete cron jobs.
The pages also load Bootstrap, htmx and images from CDNs, which the dashboard's
Content-Security-Policy refuses (and an offline network cannot reach).

`make_streaq_pages_safe()` configures that environment, without copying Streaq's
templates: autoescape on, and a loader that points the CDN links at the copies in
`dashboard_assets/` and adds a log-out button.
"""

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import jinja2
import streaq.ui.deps
import streaq.ui.tasks

ASSETS_DIR = Path(__file__).parent / "dashboard_assets"
# Where the dashboard serves ASSETS_DIR, below its own path.
ASSETS_PATH = "assets"

# Each asset Streaq's pages load from elsewhere, and its copy in ASSETS_DIR. The
# Bootstrap files are the same bytes, so the integrity hashes in the pages still hold.
VENDORED = {
    "https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css": (
        "bootstrap.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js": (
        "bootstrap.bundle.min.js"
    ),
    "https://www.tastyware.dev/static/favicon.ico": "favicon.svg",
    "https://www.tastyware.dev/static/bars.svg": "spinner.svg",
}
HTMX_SCRIPT = '<script src="https://unpkg.com/htmx.org@2.0.4"></script>'
# Stands for the dashboard's path in what is added to the pages; `offline_page`
# turns it into the pages' own `base_url` variable.
BASE_URL = "@base_url@"


def asset_url(asset: str) -> str:
    """Where a page finds `asset` of ASSETS_DIR."""
    return f"{BASE_URL}{ASSETS_PATH}/{asset}"


# htmx from ASSETS_DIR, told not to insert its indicator styles inline (the CSP
# refuses them; dashboard.css has them), nor to run scripts or `eval` from HTML it
# swaps in: a second wall should an unescaped value ever reach a page.
HTMX_OFFLINE = (
    '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, '
    '"allowScriptTags": false, "allowEval": false}\'>\n'
    f'  <link rel="stylesheet" href="{asset_url("dashboard.css")}">\n'
    f'  <script src="{asset_url("htmx.min.js")}"></script>'
)
# The end of the navigation links in base.j2: the log-out button goes after them.
NAVIGATION_END = "</ul>"
LOG_OUT_FORM = (
    f'\n        <form method="post" action="{BASE_URL}logout" class="ms-auto">'
    '<button type="submit" class="btn btn-sm btn-outline-secondary">Log out</button>'
    "</form>"
)
BASE_TEMPLATE = "base.j2"

# An absolute URL in a page (the SVG namespace is a name, not something loaded).
EXTERNAL_URL = re.compile(r"https?://(?!www\.w3\.org/2000/svg)[^\s\"'<>]+")
STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"\sstyle=\"([^\"]*)\"")


def jinja_variable(environment: jinja2.Environment, name: str) -> str:
    """`name` as an expression in the environment's syntax."""
    start, end = environment.variable_start_string, environment.variable_end_string
    return f"{start} {name} {end}"


def offline_page(environment: jinja2.Environment, name: str, source: str) -> str:
    """Streaq's template `name` with its CDN links pointing at ASSETS_DIR's copies
    (and, on the page all others extend, a log-out button)."""
    for url, asset in VENDORED.items():
        source = source.replace(url, asset_url(asset))
    source = source.replace(HTMX_SCRIPT, HTMX_OFFLINE)
    if name == BASE_TEMPLATE:
        source = source.replace(NAVIGATION_END, NAVIGATION_END + LOG_OUT_FORM, 1)
    return source.replace(BASE_URL, jinja_variable(environment, "base_url"))


class OfflinePages(jinja2.BaseLoader):
    """Streaq's own templates, passed through `offline_page`."""

    def __init__(self, streaq_loader: jinja2.BaseLoader) -> None:
        self.streaq_loader = streaq_loader

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.streaq_loader.get_source(
            environment, template
        )
        return offline_page(environment, template, source), filename, uptodate

    def list_templates(self) -> list[str]:
        return self.streaq_loader.list_templates()


def make_streaq_pages_safe() -> jinja2.Environment:
    """Escape everything Streaq's pages render and serve their assets locally.

    Idempotent (every dashboard app calls it). Raises RuntimeError when Streaq no
    longer renders through the environment configured here, rather than serve
    pages that might not escape.
    """
    templates = streaq.ui.deps.templates
    if getattr(streaq.ui.tasks, "templates", None) is not templates:
        raise RuntimeError(
            "Streaq's dashboard no longer renders with streaq.ui.deps.templates: "
            "cannot turn on HTML escaping for it (see tasks/machinery/dashboard_pages.py)"
        )
    environment: jinja2.Environment = templates.env
    if environment.autoescape is not True or not isinstance(
        environment.loader, OfflinePages
    ):
        environment.autoescape = True
        if environment.loader is None:
            raise RuntimeError("Streaq's dashboard has no templates to load")
        if not isinstance(environment.loader, OfflinePages):
            environment.loader = OfflinePages(environment.loader)
        # Pages compiled before now were compiled without escaping.
        if environment.cache is not None:
            environment.cache.clear()
    return environment


def page_sources(environment: jinja2.Environment) -> dict[str, str]:
    """Every dashboard template as the environment loads it, by name."""
    loader = environment.loader
    assert loader is not None
    return {
        name: loader.get_source(environment, name)[0]
        for name in loader.list_templates()
    }


def external_urls(environment: jinja2.Environment) -> dict[str, list[str]]:
    """What each page would still load from another origin (nothing, when the
    assets in ASSETS_DIR cover every link): by template name."""
    found = {
        name: EXTERNAL_URL.findall(source)
        for name, source in page_sources(environment).items()
    }
    return {name: urls for name, urls in found.items() if urls}


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows this exact inline text."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def inline_style_hashes(environment: jinja2.Environment) -> tuple[list[str], list[str]]:
    """CSP hashes of the pages' fixed inline styles: (`<style>` elements, `style=`
    attributes), so the CSP can allow exactly these and no other inline style.
    Styles built from template values are left out: they would not match anyway."""
    elements: set[str] = set()
    attributes: set[str] = set()
    markup = (environment.variable_start_string, environment.block_start_string)
    for source in page_sources(environment).values():
        for found, kind in (
            (STYLE_ELEMENT.findall(source), elements),
            (STYLE_ATTRIBUTE.findall(source), attributes),
        ):
            kind.update(
                csp_hash(style)
                for style in found
                if not any(opener in style for opener in markup)
            )
    return sorted(elements), sorted(attributes)
