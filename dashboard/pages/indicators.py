"""Indicator definitions `/indicators` (content: `dashboard.views.indicators`)."""

from __future__ import annotations

import dash

from dashboard import pagemeta
from dashboard.i18n import lang_of
from dashboard.layout import shell
from dashboard.views import indicators

dash.register_page(
    __name__,
    path="/indicators",
    title=pagemeta.title("indicators"),
    description=pagemeta.description("indicators"),
    order=8,
)


def layout(lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    return shell(indicators.PAGE, lang, indicators.content(lang))
