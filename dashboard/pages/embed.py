"""Embeddable card `/embed/town/<code>?lang=..&indicators=a,b`: no header or navigation
(content: `dashboard.views.embed`).

The server allows this path in frames (CSP frame-ancestors *); every other page refuses framing.
"""

from __future__ import annotations

import dash

from dashboard import queries
from dashboard.i18n import lang_of
from dashboard.views import embed
from dashboard.views.common import presentation

dash.register_page(
    __name__,
    path_template="/embed/town/<code>",
    title="Seutu Invest In",
    path_exists=lambda code=None, **_: queries.is_municipality(code),
)


def layout(code: str | None = None, lang: str | None = None, indicators=None, **_ignored: object):
    lang = lang_of(lang)
    if not queries.is_municipality(code):
        return embed.unknown_town(code, lang)
    return embed.card(code, indicators, lang, presentation())
