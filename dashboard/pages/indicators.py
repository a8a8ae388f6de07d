"""Indicator definitions `/indicators` (content: `dashboard.views.indicators`)."""

from __future__ import annotations

import dash

from dashboard.i18n import lang_of
from dashboard.layout import shell
from dashboard.views import indicators

dash.register_page(__name__, path="/indicators", title="Seutu Invest In", order=8)


def layout(lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    return shell(indicators.PAGE, lang, indicators.content(lang))
