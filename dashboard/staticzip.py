"""The front-end bundles compressed once per process, harder than on the fly, and cached long.

flask-compress compresses every response as it goes out, at a level cheap enough for callback
answers (zstd 3, brotli 4). The bundles under `/_dash-component-suites/` and `/assets/` are the
same bytes for every visitor, so here each is compressed once per server process at a higher
level (brotli 6, zstd 9, gzip 9: about a tenth smaller than zstd 3 on plotly.js, some 40 ms
for its 1.4 MB once; brotli 9 would save 1 % more for three times that) and kept; every later
request is served the stored bytes and costs no compression at all.
flask-compress leaves a response that already has a Content-Encoding alone.

`Cache-Control`: Dash marks its own bundles' URLs with a fingerprint and serves them for a year;
the dashboard's assets carry `?m=<modified>` in their URLs (Dash's cache-busting query), so a
changed file has a new URL and those responses may be cached for a year as well (`immutable`).
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable

import brotli
import flask

try:  # flask-compress's own zstd (the standard library's from Python 3.14)
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from backports import zstd  # type: ignore[import-not-found,no-redef]
    except ImportError:
        zstd = None

PREFIXES = ("/_dash-component-suites/", "/assets/")
MIMETYPES = frozenset({"application/javascript", "text/javascript", "text/css", "application/json"})
MIN_SIZE = 1024
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "br": lambda data: brotli.compress(data, quality=6),
    "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
}
if zstd is not None:
    COMPRESSORS["zstd"] = lambda data: zstd.compress(data, 9)
PREFERENCE = ("br", "zstd", "gzip")  # smallest first, of those the client accepts


def accepted(header: str) -> str | None:
    """The preferred encoding of `PREFERENCE` an Accept-Encoding header allows (q > 0)."""
    offered = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip().lower()] = quality
    for name in PREFERENCE:
        if name in COMPRESSORS and offered.get(name, offered.get("*", 0.0)) > 0:
            return name
    return None


def install(server: flask.Flask) -> None:
    """Register the after-request hook (after flask-compress's, so that it runs before it)."""
    store: dict[tuple[str, bytes, str, str], bytes] = {}
    lock = threading.Lock()

    @server.after_request
    def compress_bundle(response: flask.Response) -> flask.Response:
        request = flask.request
        if not _is_bundle(request, response):
            return response
        if request.path.startswith("/assets/") and request.args.get("m"):
            response.headers["Cache-Control"] = IMMUTABLE
        encoding = accepted(request.headers.get("Accept-Encoding", ""))
        if encoding is None:
            return response
        key = (request.path, request.query_string, response.headers.get("ETag", ""), encoding)
        body = store.get(key)
        response.direct_passthrough = False
        if body is None:
            data = response.get_data()
            if len(data) < MIN_SIZE:
                return response
            body = COMPRESSORS[encoding](data)
            with lock:
                store[key] = body
        elif hasattr(response.response, "close"):
            response.response.close()  # the file not read
        return _encoded(response, request, body, encoding)


def _is_bundle(request: flask.Request, response: flask.Response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and request.path.startswith(PREFIXES)
        and response.mimetype in MIMETYPES
        and "Content-Encoding" not in response.headers
    )


def _encoded(
    response: flask.Response, request: flask.Request, body: bytes, encoding: str
) -> flask.Response:
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    vary = response.headers.get("Vary", "")
    if "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    etag, weak = response.get_etag()
    if etag and not weak:  # a strong tag names these bytes: the encoded copy has its own
        response.set_etag(f"{etag}:{encoding}")
    return response.make_conditional(request)
