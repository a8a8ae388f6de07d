"""The not-found page: Dash shows it for every unknown path (the server answers 404)."""

from __future__ import annotations

import dash

from dashboard import pagemeta
from dashboard.i18n import lang_of, t
from dashboard.layout import NAV, href, message, shell


def layout(lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    links = [(t(f"common.nav_{page}", lang), href(path, lang)) for page, path in NAV]
    body = message(t("common.not_found_title", lang), t("common.not_found_body", lang), lang, links)
    return shell("not_found", lang, body)


# Dash uses the page whose module name ends in "not_found_404" for unknown paths.
dash.register_page(
    "dashboard.pages.not_found_404", path="/404", title=pagemeta.title("not_found"), layout=layout
)
