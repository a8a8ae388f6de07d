"""The Dash application: `create_app(warehouse_path)` builds it; `dashboard.wsgi:server` serves it.

Conventions for every page (engineers adding pages: follow these):

- Multi-page Dash (`use_pages=True`, pages folder `dashboard/pages/`), one module per page that
  calls `dash.register_page(__name__, path=... | path_template=..., title=...)` and defines
  `layout(**query)`. The layout receives the path variables and every query parameter as
  keyword arguments (strings; a repeated parameter arrives as a list), so it MUST accept
  `**_ignored` and treat every value as untrusted. Parse lists with `layout.query_list`.
- Component ids are prefixed with the page name: `town-…`, `compare-…`, `map-…`.
- Language: `?lang=fi|sv|en` (default fi), read with `i18n.lang_of(lang)`. Every page except the
  embed card wraps its content in `layout.shell(page_id, lang, children)`, which renders the
  header (brand, visible language switch, navigation) and footer. Internal links are built with
  `layout.href(path, lang, **params)` so the language travels with them; the switch keeps the
  whole current query (assets/app.js).
- State lives in the URL query string. A page that changes its selection writes it back with its
  own `dcc.Location(id="<page>-url", refresh=False)` (write `search`, e.g.
  `"?" + urlencode({"lang": lang, "areas": "091,049"})`); refresh=False updates the address
  without re-rendering the page, and a reload or a shared link restores the same view through
  `layout(**query)`. Such a page starts its content with `*layout.page_top(page, lang, notices)`
  (that Location, a `<page>-lang` store, title, lead, `<page>-notices` box; callbacks update the
  box with `*layout.notice_parts(notices)`) and builds each labelled dropdown with
  `layout.dropdown_control` (dcc.Dropdown's own texts from `common.dd_*`).
- Strings: one locale file per page, `dashboard/locales/<page>.yaml`, `key: {fi, sv, en}`;
  look up with `i18n.t("<page>.<key>", lang, **format_values)`. Shared strings live in
  `common.yaml`. tests/unit/test_i18n.py checks that every key has all three languages and that
  every `t("…")` literal in the code exists. Indicator labels/units come from core.indicators
  (`queries.indicators(lang)`), never from locale files.
- SQL only in named query files `dashboard/queries/sql/<name>.sql` run by
  `dashboard.queries.runner.run` (one read-only DuckDB connection per process, a cursor per
  call, named parameters bound, pandas frames out); the Python that shapes a query's result
  sits in the `dashboard.queries` module of its kind and is re-exported by the package.
  Computations on the fly (index weights, chosen peers) are `dashboard.services`. Caching is
  `dashboard.cache`'s (its docstring is the policy).
- Figures are plain functions in `dashboard/figures.py`: `(frame, lang, ...) -> go.Figure` with
  a title and the Okabe-Ito palette (`figures.PALETTE`); show them with `layout.figure_block`
  (aria label, visually-hidden text summary, source line with table id, `updated`, licence).
- Bad input (unknown code, unknown indicator, malformed values) renders a friendly message in the
  page's language (`layout.message`), never a traceback. Every page layout is wrapped in an
  error boundary here, and callback exceptions are caught by `on_error` (shown in
  `#app-error`). For a path template, pass `path_exists=<callable(**path_vars) -> bool>` to
  `register_page` and the server answers HTTP 404 for paths it rejects; unknown paths get the
  not-found page with 404.
- Debug is off unless `investin serve --debug`.
"""

from __future__ import annotations

import functools
import html as html_lib
import logging
import os
import traceback
from pathlib import Path
from typing import Any

import dash
import flask
import werkzeug.exceptions
from dash import dcc, html
from dash._pages import PAGE_REGISTRY, _path_to_page
from flask_compress import Compress

from dashboard import api, cache, downloads, embeds, figure_data, geo, httpcache, pagemeta, queries
from dashboard.answer_json import install as write_answers_in_one_pass
from dashboard.frontend import page_parts
from dashboard.i18n import lang_of, t
from dashboard.layout import error_page
from dashboard.pagemeta import image as pagemeta_image
from dashboard.staticzip import install as compress_bundles

PACKAGE = Path(__file__).resolve().parent
TITLE = "Seutu Invest In"
# No "Updating..." tab title; the page meta tags are dashboard.pagemeta's (each town's image).
TAB_AND_META: dict[str, Any] = {"update_title": None, "include_pages_meta": False}
log = logging.getLogger(__name__)

INDEX_STRING = """<!DOCTYPE html>
<html lang="{%lang%}">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <noscript><p class="noscript">{%noscript%}</p></noscript>
        {%app_entry%}
        <footer class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# What the pages load: everything from this origin; inline scripts only by hash (Dash's
# renderer and clientside callbacks, `_csp`); inline styles, which Dash's components, plotly.js
# and AG Grid inject; data: images (plotly's exports) and fonts.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
# Log records quote at most this many characters of a message (and of a traceback line).
LOG_TEXT_LIMIT = 400
LOG_TRACEBACK_LINES = 60


def create_app(
    warehouse_path: str | os.PathLike,
    *,
    shared_answers: bool = False,
    cache_url: str | None = None,
) -> dash.Dash:
    """The Dash app over the warehouse at `warehouse_path` (opened read-only).

    `shared_answers` (set by `dashboard.wsgi` for gunicorn): the workers of one server share
    their callback answers (`dashboard.cache.Answers`), so a page computed by one is ready in
    the others. `cache_url` (`redis://HOST:PORT/N`): every server given the same Redis shares
    them instead (`dashboard.rediscache`).
    """
    queries.configure(warehouse_path)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PACKAGE / "pages"),
        assets_folder=str(PACKAGE / "assets"),
        assets_path_ignore=["vendor"],  # loaded by assets/plotly_preload.js
        title=TITLE,
        **TAB_AND_META,
        suppress_callback_exceptions=True,
        serve_locally=True,
        on_error=_callback_error,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    app.interpolate_index = functools.partial(_interpolate_index, app)
    app.layout = html.Div(
        [
            dcc.Store(id="app-lang"),
            html.Div(id="app-error", role="alert", hidden=True, className="app-error"),
            dash.page_container,
        ]
    )
    app.clientside_callback(
        """
        function(search) {
            const lang = new URLSearchParams(search || "").get("lang");
            document.documentElement.lang = ["fi", "sv", "en"].includes(lang) ? lang : "fi";
            return document.documentElement.lang;
        }
        """,
        dash.Output("app-lang", "data"),
        dash.Input("_pages_location", "search"),
    )
    figure_data.install(app)  # the 'data' action under every figure
    _wrap_page_layouts()
    _shorten_logs()
    server = app.server
    build = queries.build_id()
    _serve_fast(server, _answers(warehouse_path, build, shared_answers, cache_url))
    downloads.install(server, warehouse_path)  # the complete downloads, as static files
    api.install(server)  # the read-only web API, /api/v1/… (its own ETags)
    httpcache.install(server, build, cache.code_digest())  # before the 404 status is set
    embeds.install(server)  # server-rendered embeds (plain Flask routes)
    server.after_request(functools.partial(_after_request, app))
    server.register_error_handler(Exception, _unhandled_error)
    return app


def _answers(
    warehouse_path: str | os.PathLike, build: str, shared: bool, cache_url: str | None
) -> cache.Answers:
    """The answer cache: in Redis when `cache_url`, else the server's (`cache.Answers`)."""
    if cache_url:
        from dashboard.rediscache import RedisAnswers

        return cache.Answers(RedisAnswers(cache_url, build, cache.code_digest()))
    return cache.Answers.for_server(warehouse_path, shared, build)


def _unhandled_error(exc: Exception):
    """An exception Dash's own machinery raised (callbacks have `on_error`). On the
    callback endpoint that means a malformed request (400); elsewhere a plain 500 page. Neither
    shows a traceback; the log has it."""
    if isinstance(exc, werkzeug.exceptions.HTTPException):
        return exc
    if isinstance(exc, dash.exceptions.DependencyException | OSError) and (
        flask.request.path.startswith("/_dash-component-suites/")
    ):  # a file the app does not serve (unknown package, path or `..`)
        log.info("not found: %s", flask.request.path)
        return flask.Response("Not found.", 404, mimetype="text/plain")
    log.error("request %s failed: %s", flask.request.path, exc, exc_info=exc)
    if flask.request.path.endswith("/_dash-update-component"):
        return flask.Response("Malformed callback request.", 400, mimetype="text/plain")
    return flask.Response("Internal server error.", 500, mimetype="text/plain")


# --------------------------------------------------------------------------- routing and status


def route_exists(path: str) -> bool:
    """Whether a request path is a page of the app (and its path variables are acceptable)."""
    page, variables = _path_to_page(path.strip("/"))
    if not page or page.get("module", "").endswith("not_found_404"):
        return False
    check = page.get("path_exists")
    if check is None or not variables:
        return True
    try:
        return bool(check(**variables))
    except Exception:  # a broken check must not turn a page into a 500
        log.exception("path_exists failed for %s", path)
        return False


# Dash's page routes (the index and its catch-all); other routes (downloads, embeds) answer
# their own status.
DASH_PAGE_ENDPOINTS = frozenset({"/", "/<path:path>"})


def _is_page_request(request: flask.Request) -> bool:
    path = request.path
    internal = ("/_dash", "/_reload-hash", "/_favicon", "/assets/", "/_alive")
    if request.endpoint is not None and request.endpoint not in DASH_PAGE_ENDPOINTS:
        return False
    return request.method == "GET" and not path.startswith(internal)


def _csp(app: dash.Dash, embed: bool) -> str:
    """The Content-Security-Policy header: `CONTENT_SECURITY_POLICY`, the hashes of the app's
    inline scripts and who may frame the page (anyone for the embed card, nobody otherwise)."""
    policy = dict(CONTENT_SECURITY_POLICY)
    policy["script-src"] = " ".join([policy["script-src"], *_inline_script_hashes(app)])
    policy["frame-ancestors"] = "*" if embed else "'none'"
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def _inline_script_hashes(app: dash.Dash) -> tuple[str, ...]:
    scripts = (*app._inline_scripts, *dash._callback.GLOBAL_INLINE_SCRIPTS, app.renderer)
    return _hashes_of(scripts, app)


@functools.lru_cache(maxsize=4)
def _hashes_of(scripts: tuple[str, ...], app: dash.Dash) -> tuple[str, ...]:
    """Dash's `csp_hashes` (it also takes the pending global inline scripts into the app)."""
    return tuple(app.csp_hashes())


def _after_request(app: dash.Dash, response: flask.Response) -> flask.Response:
    request = flask.request
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    embed = request.path.startswith("/embed/")
    own_policy = embed and "Content-Security-Policy" in response.headers  # server-rendered
    if not own_policy:
        response.headers["Content-Security-Policy"] = _csp(app, embed)
    if embed:
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["X-Frame-Options"] = "DENY"
    if (
        _is_page_request(request)
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not route_exists(request.path)
    ):
        response.status_code = 404
    return response


def _interpolate_index(app: dash.Dash, **parts: str) -> str:
    """Dash's index page with the lang attribute, localized loading text and a 404 message."""
    lang = lang_of(flask.request.args.get("lang")) if flask.has_request_context() else "fi"
    entry = parts.pop("app_entry", "")
    loading = html_lib.escape(t("common.loading", lang))
    if flask.has_request_context() and not route_exists(flask.request.path):
        loading = (
            f"<h1>{html_lib.escape(t('common.not_found_title', lang))}</h1>"
            f"<p>{html_lib.escape(t('common.not_found_body', lang))}</p>"
        )
    entry = entry.replace("Loading...", loading)
    if flask.has_request_context():  # the page's own title, description and link preview
        request = flask.request
        title, metas = pagemeta.head_tags(request.path, request.url, request.url_root)
        parts.update(title=html_lib.escape(title), metas=f"{parts['metas']}\n        {metas}")
        # the bundles the page needs (the rest on demand), dcc's chunks fetched ahead
        parts.update(page_parts(parts, request.path, app.config.requests_pathname_prefix))
    return dash._utils.interpolate_str(
        app.index_string,
        lang=lang,
        noscript=html_lib.escape(t("common.noscript", lang)),
        app_entry=entry,
        **parts,
    )


# --------------------------------------------------------------------------- logging


class ShortRecords(logging.Filter):
    """Log records quote at most `LOG_TEXT_LIMIT` characters of their message and of each
    traceback line, and at most `LOG_TRACEBACK_LINES` lines of a traceback: the request data a
    record names (a path, query values, a callback's ids and values) is the client's and may be
    megabytes long."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = shorten(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            lines = "".join(traceback.format_exception(*record.exc_info)).splitlines()
            if len(lines) > LOG_TRACEBACK_LINES:
                head, tail = lines[:10], lines[10 - LOG_TRACEBACK_LINES :]
                cut = len(lines) - LOG_TRACEBACK_LINES
                lines = [*head, f"... {cut} lines left out", *tail]
            record.exc_text = "\n".join(shorten(line) for line in lines)
        return True


def shorten(text: str, limit: int = LOG_TEXT_LIMIT) -> str:
    """`text`, or its first `limit` characters and how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


def _shorten_logs() -> None:
    """`ShortRecords` on the loggers of the dashboard's modules, Dash and the dev server."""
    names = [name for name in logging.root.manager.loggerDict if name.startswith("dashboard.")]
    for name in {*names, __name__, "dash", "dash.dash", "werkzeug"}:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ShortRecords) for f in logger.filters):
            logger.addFilter(ShortRecords())


# --------------------------------------------------------------------------- error boundaries


def _wrap_page_layouts() -> None:
    for page in PAGE_REGISTRY.values():
        layout = page.get("layout")
        if callable(layout) and not getattr(layout, "_error_boundary", False):
            page["layout"] = _error_boundary(layout)


def _serve_fast(server: flask.Flask, answers: cache.Answers) -> None:
    """Compressed responses (flask-compress), the display boundaries, the link-preview
    pictures (`/og/…`), the answer cache and answers written in one pass."""
    write_answers_in_one_pass()
    Compress(server)  # registered first, so its after_request runs after the answer cache's
    compress_bundles(server)  # the bundles compressed once, before flask-compress sees them
    pagemeta_image.install(server)

    @server.get(geo.DISPLAY_PATH)
    def boundaries() -> flask.Response:
        response = flask.Response(geo.display_json(), mimetype="application/json")
        response.cache_control.public = True
        response.cache_control.max_age = 365 * 24 * 3600  # the URL carries a content hash
        return response

    answers.install(server)


def _error_boundary(layout):
    cached = cache.cached_layout(layout)

    @functools.wraps(layout)
    def safe_layout(*args: Any, **kwargs: Any):
        try:
            return cached(*args, **kwargs)
        except Exception:
            log.exception("page layout %s failed for %r", layout.__module__, kwargs)
            return error_page(lang_of(kwargs.get("lang")))

    safe_layout._error_boundary = True
    return safe_layout


def _callback_error(exc: Exception) -> None:
    """Global callback error handler: log it, show a friendly alert, leave outputs unchanged."""
    log.error("callback failed: %s", exc, exc_info=exc)
    lang = "fi"
    if flask.has_request_context() and flask.request.referrer:
        from urllib.parse import parse_qs, urlparse

        lang = lang_of(parse_qs(urlparse(flask.request.referrer).query).get("lang"))
    dash.set_props("app-error", {"children": t("common.callback_error", lang), "hidden": False})
    return None
