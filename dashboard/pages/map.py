"""Map (/map): any indicator over the 308 municipalities of the 2025 division.

A tile-free choropleth (plotly `geo` with a hidden base map fitted to the municipalities), so it
needs no network: the bundled boundaries come from `dashboard.geo`, and plotly's base-map
download is answered by an empty topology in `assets/world_110m.json`. The network towns and
university cities are outlined; the colour scale's dark end is the better end (content:
`dashboard.views.map`).

URL: `?lang=fi&indicator=<id>&year=2020&outline=<group codes>`.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import pagemeta, queries
from dashboard.i18n import lang_of, t
from dashboard.layout import figure_block, href, page_top, shell
from dashboard.views import map as view
from dashboard.views.common import known, presentation, year_options

PAGE = view.PAGE

dash.register_page(
    __name__,
    path="/map",
    name="map",
    title=pagemeta.title("map"),
    description=pagemeta.description("map"),
    order=3,
)


def layout(lang: str | None = None, **params: Any) -> html.Div:
    lang = lang_of(lang)
    pres = presentation()
    selection, notices = view.parse_params(params, lang, known(), pres)
    figure = view.map_figure(selection, lang, pres)
    sources = queries.sources_for([selection.indicator], lang)
    data_link = href("/data", lang, indicators=selection.indicator)
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices),
            view.controls(selection, lang, pres),
            dcc.Loading(
                figure_block(
                    "map-figure",
                    figure,
                    t("map.figure_summary", lang),
                    sources,
                    lang,
                    config=view.graph_config(),
                    sources_id=view.SOURCES_ID,
                ),
                type="dot",
            ),
            view.summary(selection.indicator, selection.year, lang),
            html.P(
                dcc.Link(t("map.to_data", lang), href=data_link, id="map-data-link"),
                className="map-links",
            ),
        ],
    )


@callback(
    Output("map-year", "options"),
    Output("map-year", "value"),
    Input("map-indicator", "value"),
    State("map-year", "value"),
    prevent_initial_call=True,
)
def update_years(indicator: str | None, year: Any):
    years = queries.indicator_years(indicator) if indicator else []
    return year_options(years), (year if year in years else (years[-1] if years else None))


@callback(
    Output("map-figure", "figure"),
    Output("map-summary", "children"),
    Output("map-url", "search"),
    Output("map-data-link", "href"),
    Output(view.SOURCES_ID, "children"),
    Output("map-figure-data", "value"),
    Input("map-indicator", "value"),
    Input("map-year", "value"),
    Input("map-outline", "value"),
    State("map-lang", "data"),
    prevent_initial_call=True,
)
def update(indicator: str | None, year: Any, outline: list[str] | None, lang: str):
    lang = lang_of(lang)
    pres = presentation()
    params = view.callback_params(indicator, year, outline, pres)
    selection, _ = view.parse_params(params, lang, known(), pres)
    indicator, year, outline = selection
    search = href("", lang, indicator=indicator, year=year, outline=outline or "none")
    return (
        view.map_figure(selection, lang, pres),
        view.summary(indicator, year, lang).children,
        search,
        href("/data", lang, indicators=indicator),
        *view.source_parts(indicator, lang),
    )
