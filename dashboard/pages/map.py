"""Map (/map): any indicator over the 308 municipalities of the 2025 division.

A tile-free choropleth (plotly `geo` with a hidden base map fitted to the municipalities), so it
needs no network: the bundled boundaries come from `dashboard.geo`, and plotly's base-map
download is answered by an empty topology in `assets/world_110m.json`. Network towns and
university cities are outlined; the colour scale's dark end is the better end.

URL: `?lang=fi&indicator=unemployment_rate&year=2020&outline=network,university_cities`.
"""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html

from dashboard import figures, geo, queries
from dashboard.i18n import fmt_value, lang_of, t
from dashboard.layout import (
    dropdown_control,
    figure_block,
    href,
    page_top,
    query_list,
    shell,
)

PAGE = "map"
DEFAULT_INDICATOR = "unemployment_rate"
OUTLINES = (queries.presentation().network, queries.presentation().university_cities)
TOP_N = 5

dash.register_page(__name__, path="/map", name="map", title="Seutu Invest In", order=3)


def parse_params(params: dict[str, Any], lang: str) -> tuple[str, int | None, list[str], list[str]]:
    """(indicator, year, outlined groups, notices) from untrusted query values."""
    notices = []
    indicator = next(iter(query_list(params.get("indicator"))), DEFAULT_INDICATOR)
    if indicator not in queries.indicator_ids():
        notices.append(t("map.unknown_indicator", lang, value=indicator))
        indicator = DEFAULT_INDICATOR
    years = queries.indicator_years(indicator)
    year = years[-1] if years else None
    text = next(iter(query_list(params.get("year"))), None)
    if text is not None:
        try:
            wanted = int(text)
        except ValueError:
            notices.append(t("map.bad_year", lang, value=text))
        else:
            if wanted in years:
                year = wanted
            else:
                notices.append(t("map.no_year", lang, value=wanted))
    outline = query_list(params.get("outline")) if "outline" in params else list(OUTLINES)
    outline = [c for c in outline if c in OUTLINES or queries.is_peer_group(c)]  # issue 7
    return indicator, year, outline, notices


def map_figure(indicator: str, year: int | None, outline: list[str], lang: str) -> go.Figure:
    meta = queries.indicator_meta(indicator, lang) or {}
    title = f"{meta.get('label', indicator)}, {year}"
    if year is None:
        return figures.no_data_figure(t("common.no_data", lang), lang, title=title)
    values = queries.municipal_values(indicator, year, lang)
    outlines = []
    for code in outline:
        outlines.append(
            (
                queries.area_name(code, lang) or code,
                set(queries.group_members(code)),  # perf (issue 5): codes on the shared geojson
                figures.OUTLINE_COLOURS.get(code, figures.PALETTE[3]),  # issue 7: peers:<code>
            )
        )
    missing = values[values.value.isna()]
    return figures.choropleth_figure(
        values,
        geo.display_url(),  # perf (issue 5): fetched once by the browser, not in every figure
        lang,
        title=title,
        unit=meta.get("unit", ""),
        decimals=int(meta.get("decimals", 1) or 0),
        direction=meta.get("direction", "neutral"),
        outlines=outlines,
        missing=(t("map.no_data", lang), set(missing.area_code)) if len(missing) else None,
    )


def summary(indicator: str, year: int | None, lang: str) -> html.Div:
    """The highest and lowest municipalities in words (also the map's text alternative)."""
    meta = queries.indicator_meta(indicator, lang) or {}
    if year is None:
        return html.Div(t("common.no_data", lang), id="map-summary")
    values = queries.municipal_values(indicator, year, lang).dropna(subset=["value"])
    decimals, unit = int(meta.get("decimals", 1) or 0), meta.get("unit", "")

    def items(frame: pd.DataFrame) -> html.Ol:
        return html.Ol(
            [
                html.Li(f"{row.name}: {fmt_value(row.value, decimals, unit, lang)}")
                for row in frame.itertuples(index=False)
            ]
        )

    ordered = values.sort_values("value", ascending=False)
    return html.Div(
        [
            html.P(t("map.coverage", lang, n=len(values), total=len(geo.municipality_codes()))),
            html.Div(
                [
                    html.Div(
                        [html.H3(t("map.highest", lang, n=TOP_N)), items(ordered.head(TOP_N))]
                    ),
                    html.Div(
                        [
                            html.H3(t("map.lowest", lang, n=TOP_N)),
                            items(ordered.tail(TOP_N).iloc[::-1]),
                        ]
                    ),
                ],
                className="map-extremes",
            ),
        ],
        id="map-summary",
    )


def _graph_config() -> dict[str, Any]:
    # plotly.js fetches <topojsonURL>world_110m.json for every geo subplot; serve it locally.
    return {"topojsonURL": dash.get_asset_url(""), "scrollZoom": False}


def layout(lang: str | None = None, **params: Any) -> html.Div:
    lang = lang_of(lang)
    indicator, year, outline, notices = parse_params(params, lang)
    indicators = queries.indicators(lang)
    options = [
        {"value": row.indicator_id, "label": f"{row.label} ({row.unit})" if row.unit else row.label}
        for row in indicators.itertuples(index=False)
    ]
    sources = queries.sources_for([indicator], lang)
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices),
            html.Div(
                [
                    dropdown_control(
                        t("map.indicator", lang),
                        lang,
                        "map-indicator",
                        options=options,
                        value=indicator,
                        clearable=False,
                        wide=True,
                    ),
                    dropdown_control(
                        t("map.year", lang),
                        lang,
                        "map-year",
                        options=[
                            {"value": y, "label": str(y)}
                            for y in queries.indicator_years(indicator)
                        ],
                        value=year,
                        clearable=False,
                    ),
                    html.Div(
                        [
                            html.Span(t("map.outline", lang), className="control-label"),
                            dcc.Checklist(
                                id="map-outline",
                                options=[
                                    {"value": code, "label": queries.area_name(code, lang) or code}
                                    for code in OUTLINES
                                ],
                                value=outline,
                                inline=True,
                            ),
                        ],
                        className="control",
                    ),
                ],
                className="controls map-controls",
            ),
            dcc.Loading(
                figure_block(
                    "map-figure",
                    map_figure(indicator, year, outline, lang),
                    t("map.figure_summary", lang),
                    sources,
                    lang,
                    config=_graph_config(),
                ),
                type="dot",
            ),
            summary(indicator, year, lang),
            html.P(
                dcc.Link(
                    t("map.to_data", lang),
                    href=href("/data", lang, indicators=indicator),
                    id="map-data-link",
                ),
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
    options = [{"value": y, "label": str(y)} for y in years]
    return options, (year if year in years else (years[-1] if years else None))


@callback(
    Output("map-figure", "figure"),
    Output("map-summary", "children"),
    Output("map-url", "search"),
    Output("map-data-link", "href"),
    Input("map-indicator", "value"),
    Input("map-year", "value"),
    Input("map-outline", "value"),
    State("map-lang", "data"),
    prevent_initial_call=True,
)
def update(indicator: str | None, year: Any, outline: list[str] | None, lang: str):
    lang = lang_of(lang)
    params = {"indicator": indicator or DEFAULT_INDICATOR, "outline": ",".join(outline or [])}
    if year is not None:
        params["year"] = str(year)
    indicator, year, outline, _ = parse_params(params, lang)
    search = href("", lang, indicator=indicator, year=year, outline=outline or "none")
    return (
        map_figure(indicator, year, outline, lang),
        summary(indicator, year, lang).children,
        search,
        href("/data", lang, indicators=indicator),
    )
