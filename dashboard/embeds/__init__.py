"""Server-rendered embeds: plain Flask routes answering small HTML documents (no Dash, no
framework JavaScript) for iframes on other sites. `install(server)` adds them to the app's
Flask server; the rendering is pure (`page` for the document, caching and policy; `services`
for the services card) so that another card renders the same way.

- `GET /embed/services/<code>?lang=fi|sv|en`: the town's R&D&I services card; 404 for a code
  that is no municipality of the classification. `ETag` from the warehouse build and the
  content file, `Cache-Control: public, max-age`, framing allowed from any origin.
"""

from __future__ import annotations

import hashlib

import flask

from dashboard import queries
from dashboard.embeds import page, services
from dashboard.i18n import lang_of, t

SERVICES_PATH = "/embed/services/<code>"


def build_id() -> str:
    """16 hex digits naming the warehouse build (`core.build_info`)."""
    info = queries.build_info()
    return hashlib.sha256(repr(sorted(info.items())).encode("utf-8")).hexdigest()[:16]


def install(server: flask.Flask) -> None:
    """Serve the embeds from `server`."""

    @server.get(SERVICES_PATH)
    def services_card(code: str) -> flask.Response:
        lang = lang_of(flask.request.args.get("lang"))
        content = queries.ecosystem()
        etag = page.etag_of("services", build_id(), queries.content_digest(), code[:40], lang)
        if code not in {m.code for m in content.municipalities}:
            body = services.unknown_body(code, lang)
            html_text = page.document(lang, t("ecosystem.card_unknown", lang), body)
            return page.respond(html_text, etag, lang, status=404)
        in_network = code in queries.group_members(queries.presentation().network)
        root = flask.request.url_root.rstrip("/")
        body = services.card_body(
            content,
            code,
            lang,
            in_network=in_network,
            profile_url=f"{root}/town/{code}?lang={lang}",
        )
        title = f"{content.name(code, lang)}: {t('ecosystem.card_title', lang)}"
        return page.respond(page.document(lang, title, body), etag, lang)
