"""HTTP caching: `ETag`, `Cache-Control` and `304 Not Modified`, so that a browser, a reverse
proxy or a CDN can serve repeat traffic without asking the app servers.

Everything a GET answers is a function of the request and the deployment: the warehouse's
build id and the dashboard's code (`dashboard.cache.code_digest`). So an answer's ETag is a
digest of those, the request's path and query and its language, and it is known before the
answer is made: a request whose `If-None-Match` names it gets `304` at once (in
`before_request`, nothing computed).

The tags are weak (`W/"…"`: the same meaning, not always the same bytes): Dash writes a fresh
random `end_id` token into every page it serves, which binds background-callback handles to a
page load; the app has no background callbacks, so two copies of a page differ in that token
only. Weak tags also stay the same for the compressed copy (flask-compress changes only strong
ones), and If-None-Match compares weakly anyway.

`POLICIES` says what each kind of request gets (first matching path prefix):
- pages (`/`, `/town/…`, …): a short `max-age`: a new build shows within minutes;
- the embed card (`/embed/…`): an hour, and a CDN may serve a stale copy for a day while it
  revalidates: an embed sits on other sites' pages, which are read far more than ours;
- `/api/…` answers: their own (`dashboard/api/respond.py`: ten minutes, an ETag of the build
  and the request), or an hour for one that sets none;
- Dash's own JSON (`/_dash-layout`, `/_dash-dependencies`): like pages;
- callback POSTs (`/_dash-update-component`): `no-store` (the answer cache has them);
- downloads, assets, Dash's component bundles: left to their routes (which set an ETag and a
  year's caching on URLs that name the build or the file's version).
A response that already carries an ETag is left alone, and one that already has a
Cache-Control keeps it. Answers other than 200 get `no-store` and no ETag.
"""

from __future__ import annotations

import hashlib

import flask

from dashboard.i18n import lang_of

PAGE = "public, max-age=300"
EMBED = "public, max-age=3600, stale-while-revalidate=86400"
API = "public, max-age=3600"
CALLBACK_PATH = "/_dash-update-component"
# (path prefix, Cache-Control or None: not this layer's), the first match wins; "/" is the rest.
POLICIES: tuple[tuple[str, str | None], ...] = (
    ("/downloads/", None),
    ("/assets/", None),
    ("/_dash-component-suites/", None),
    ("/_favicon", None),
    ("/_reload-hash", None),
    ("/_alive", None),
    (CALLBACK_PATH, None),
    ("/embed/", EMBED),
    ("/api/", API),
    ("/", PAGE),
)
SAFE_METHODS = ("GET", "HEAD")


def policy(request: flask.Request) -> str | None:
    """The Cache-Control for a GET or HEAD of `request.path`, or None if it is not tagged here."""
    if request.method not in SAFE_METHODS:
        return None
    return next(value for prefix, value in POLICIES if request.path.startswith(prefix))


def etag(request: flask.Request, deployment: str) -> str:
    """The ETag of the answer to `request` (without quotes) under `deployment`."""
    lang = lang_of(request.args.get("lang"))
    query = request.query_string.decode("latin-1")
    text = "\n".join((deployment, request.path, query, lang))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def matches(request: flask.Request, tag: str) -> bool:
    """Whether `If-None-Match` names `tag` (weakly, as RFC 9110 compares it)."""
    wanted = request.if_none_match
    return wanted.star_tag or tag in wanted.as_set(include_weak=True)


def install(server: flask.Flask, build: str, code: str) -> None:
    """Tag and cache-control `server`'s answers; answer 304 to a matching If-None-Match.

    Register it before any after_request that changes the status (those run first)."""
    deployment = f"{build}|{code}"

    @server.before_request
    def not_modified() -> flask.Response | None:
        request = flask.request
        cache_control = policy(request)
        if cache_control is None or not request.if_none_match:
            return None
        tag = etag(request, deployment)
        if not matches(request, tag):
            return None
        response = flask.Response(status=304)
        response.set_etag(tag, weak=True)
        response.headers["Cache-Control"] = cache_control
        return response

    @server.after_request
    def tag(response: flask.Response) -> flask.Response:
        request = flask.request
        if request.method == "POST" and request.path == CALLBACK_PATH:
            response.headers["Cache-Control"] = "no-store"
            return response
        cache_control = policy(request)
        if cache_control is None or "ETag" in response.headers or response.status_code == 304:
            return response
        if response.status_code != 200:
            response.headers.setdefault("Cache-Control", "no-store")
            return response
        response.set_etag(etag(request, deployment), weak=True)
        response.headers.setdefault("Cache-Control", cache_control)
        return response
