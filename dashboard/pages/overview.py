"""overview page (work in progress)."""

from __future__ import annotations

import dash
from dash import html

from dashboard.i18n import lang_of, t
from dashboard.layout import shell

dash.register_page(__name__, path="/", title="Seutu Invest In")


def layout(lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    return shell("overview", lang, html.H1(t("overview.title", lang)))
