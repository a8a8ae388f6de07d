"""The frame of a server-rendered embed: one small HTML document with inline CSS, no framework
JavaScript, readable without any script; an optional inline script posts the document's height
to the embedding page (`{"type": "investin-embed-height", "height": <px>}`), which may size its
iframe by it. `respond` answers with the caching headers: a weak `ETag` naming the data the card
was made from (the warehouse build and the content file), 304 when the browser has it.

Any embed (the services card, and later the statistics card) renders its body as `Markup` and
passes it to `document`; its CSP is `policy()`, which allows exactly these inline blocks.
"""

from __future__ import annotations

import base64
import hashlib

import flask
from markupsafe import Markup, escape

MAX_AGE_S = 3600  # an hour: a web editor's change to the content shows within it
STALE_S = 86400  # a CDN may serve a stale card for a day while it revalidates (docs/deploy.md)
MESSAGE_TYPE = "investin-embed-height"
STYLE = (
    "*{box-sizing:border-box}"
    "html,body{margin:0;padding:0;overflow-x:hidden}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;"
    "background:#fff;overflow-wrap:anywhere}"
    ".card{padding:12px 14px;border:1px solid #d5dbe1;border-radius:6px;max-width:100%}"
    "h1{font-size:1.15em;margin:0 0 2px}h2{font-size:1em;margin:0 0 8px;color:#3e4c59}"
    "ul{margin:0 0 8px;padding-left:1.1em}li{margin:0 0 6px}p{margin:0 0 8px}"
    "a{color:#0b5cad}.muted,.src{color:#52606d;font-size:.87em}.src{margin:0}"
    "dl{margin:6px 0 8px}.fig{margin:0 0 10px}dt{color:#3e4c59;font-size:.93em}dd{margin:0}"
    ".num{font-size:1.3em;font-weight:700;color:#1f2933}.area{color:#52606d;font-size:.87em}"
)
SCRIPT = (
    "(function(){function s(){parent.postMessage({type:'" + MESSAGE_TYPE + "',"
    "height:Math.ceil(document.documentElement.getBoundingClientRect().height)},'*')}"
    "addEventListener('load',s);addEventListener('resize',s)})();"
)

# Names the frame's markup in the cards' ETags: new CSS or script is a new card on the same build.
VERSION = hashlib.sha256((STYLE + SCRIPT).encode("utf-8")).hexdigest()[:12]


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy() -> str:
    """The embed's Content-Security-Policy: nothing but its own inline style and script, and
    framing by any site."""
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {_hash(STYLE)}",
            f"script-src {_hash(SCRIPT)}",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors *",
        ]
    )


def document(lang: str, title: str, body: Markup) -> str:
    """The whole HTML document of an embed."""
    return (
        "<!DOCTYPE html>"
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}<script>{SCRIPT}</script></body></html>"
    )


def etag_of(*parts: str) -> str:
    """The (weak) entity tag of a card made from `parts` (build id, content digest, ...)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def respond(html_text: str, etag: str, lang: str, status: int = 200) -> flask.Response:
    """The embed's response: cached for `MAX_AGE_S` (and `STALE_S` while revalidating), `ETag`
    `etag` (weak: the compressed and plain bytes are the same card), 304 without a body when the
    request's If-None-Match has it."""
    if status == 200 and flask.request.if_none_match.contains_weak(etag):
        response = flask.Response(status=304)
    else:
        response = flask.Response(html_text, status, mimetype="text/html")
        response.headers["Content-Language"] = lang
    response.set_etag(etag, weak=True)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    response.cache_control.stale_while_revalidate = STALE_S
    response.headers["Content-Security-Policy"] = policy()
    return response
