"""The web API's examples `/api` (the API itself is `dashboard.api`, at /api/v1/…; content:
`dashboard.views.api_page`)."""

from __future__ import annotations

import dash

from dashboard import pagemeta
from dashboard.i18n import lang_of
from dashboard.layout import shell
from dashboard.views import api_page

dash.register_page(
    __name__,
    path="/api",
    title=pagemeta.title("api"),
    description=pagemeta.description("api"),
    order=10,
)


def layout(lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    return shell("api", lang, api_page.content(lang))
