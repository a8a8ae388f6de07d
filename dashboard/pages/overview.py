"""Overview `/`: the network towns as cards with headline figures, each linking to its profile
(content: `dashboard.views.overview`; figures: presentation.yaml `overview`)."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
from dash import Input, Output, State

from dashboard import pagemeta, queries
from dashboard.i18n import lang_of
from dashboard.layout import href, shell
from dashboard.views import overview
from dashboard.views.common import presentation

dash.register_page(
    __name__,
    path="/",
    title=pagemeta.title("overview"),
    description=pagemeta.description("overview"),
    order=0,
)


def layout(lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    return shell("overview", lang, overview.content(lang, presentation()))


@dash.callback(
    Output("overview-url", "href"),
    Input("overview-town", "value"),
    State("overview-url", "search"),
    prevent_initial_call=True,
)
def open_town(code: str | None, search: str | None):
    """Go to the chosen municipality's profile, keeping the language."""
    if not queries.is_municipality(code):
        return dash.no_update
    lang = lang_of(parse_qs((search or "").lstrip("?")).get("lang"))
    return href(f"/town/{code}", lang)
