"""Server-rendered embeds: plain Flask routes answering small HTML documents (no Dash, no
framework JavaScript) for iframes on other sites. `install(server)` adds them to the app's
Flask server; the rendering is pure (`page` for the document, caching and policy; `town` for
the statistics card, `services` for the services card) so that every card renders the same way.

- `GET /embed/town/<code>?lang=fi|sv|en&indicators=a,b`: the town's statistics card (at most
  `town.MAX_INDICATORS` figures, else the presentation's `embed_defaults`; unknown ids are
  ignored with a note); 404 for a code that is no municipality. `ETag` from the warehouse
  build and the request (code, language, the indicators shown).
- `GET /oembed?url=<profile or card URL>&format=json[&maxwidth=]`: the oEmbed "rich" object
  of the card (`oembed`); 404 for a URL that is no town of this server, 501 for another format.
- `GET /embed/services/<code>?lang=fi|sv|en`: the town's R&D&I services card; 404 for a code
  that is no municipality of the classification. `ETag` from the warehouse build and the
  content file, `Cache-Control: public, max-age`, framing allowed from any origin.
"""

from __future__ import annotations

from typing import Any

import flask

from dashboard import queries
from dashboard.embeds import oembed, page, services, town
from dashboard.i18n import lang_of, t

SERVICES_PATH = "/embed/services/<code>"
TOWN_PATH = "/embed/town/<code>"


def town_card(code: str, lang: str, asked: object, root: str) -> flask.Response:
    """The statistics card of `code` (304 when the request's If-None-Match names it)."""
    pres = queries.presentation()
    known = set(queries.indicator_ids())
    chosen, unknown = town.chosen_indicators(asked, known, pres.embed_defaults)
    parts = (
        "town",
        town.VERSION,
        page.VERSION,
        queries.build_id(),
        root,
        code[:40],
        lang,
        *chosen,
        "|",
        *unknown,
    )
    etag = page.etag_of(*parts)
    if not queries.is_municipality(code):
        html_text = page.document(
            lang, t("town.unknown_title", lang), town.unknown_body(code, lang)
        )
        return page.respond(html_text, etag, lang, status=404)
    if flask.request.if_none_match.contains_weak(etag):
        return page.respond("", etag, lang)  # 304: nothing rendered
    info = queries.areas(lang).set_index("area_code")
    region = info.region_code.get(code) or ""
    places = {"town": code, "region": region, "country": pres.country}
    shown = town.figures(
        queries.town_values(code, lang),
        queries.area_figures([c for c in places.values() if c], chosen),
        chosen,
        lang,
        places=places,
        region_name=str(info.name.get(region, "")),
        cutoff=queries.build_cutoff(pres),
    )
    name = str(info.name[code])
    body = town.card_body(
        name,
        shown,
        lang,
        unknown=unknown,
        profile_url=f"{root}/town/{code}?lang={lang}",
        sources=town.source_text(shown, queries.provenance(lang), lang),
    )
    return page.respond(page.document(lang, name, body), etag, lang)


def oembed_answer(args: Any, root: str, host: str) -> flask.Response:
    """The oEmbed answer for the request's `url`, `format` and `maxwidth` (`oembed`)."""
    if (args.get("format") or "json") != "json":
        return flask.Response("Only format=json is served.", 501, mimetype="text/plain")
    found = oembed.target(args.get("url"), host, queries.is_municipality)
    if found is None:
        return flask.Response("Not a town of this server.", 404, mimetype="text/plain")
    pres = queries.presentation()
    body = oembed.answer(
        found,
        root=root,
        name=queries.area_name(found.code, found.lang) or found.code,
        maxwidth=args.get("maxwidth"),
        known=set(queries.indicator_ids()),
        defaults=pres.embed_defaults,
    )
    return flask.jsonify(body)


def install(server: flask.Flask) -> None:
    """Serve the embeds from `server`."""

    @server.get(oembed.PATH)
    def oembed_route() -> flask.Response:
        request = flask.request
        return oembed_answer(request.args, request.url_root.rstrip("/"), request.host)

    @server.get(TOWN_PATH)
    def town_card_route(code: str) -> flask.Response:
        lang = lang_of(flask.request.args.get("lang"))
        asked = flask.request.args.getlist("indicators")
        return town_card(code, lang, asked, flask.request.url_root.rstrip("/"))

    @server.get(SERVICES_PATH)
    def services_card(code: str) -> flask.Response:
        lang = lang_of(flask.request.args.get("lang"))
        content = queries.ecosystem()
        etag = page.etag_of(
            "services", queries.build_id(), queries.content_digest(), code[:40], lang
        )
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
