"""The map page's selection, choropleth, text summary and controls.

The outlined groups are the presentation's network and university cities (and any town's peer
group named in the URL); their colours are the figures' outline colours by role.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import figures, geo, queries
from dashboard.i18n import fmt_value, t
from dashboard.layout import data_action, source_line
from dashboard.views.common import (
    Control,
    Known,
    control_row,
    first,
    indicator_options,
    parse_year,
    query_codes,
    quoted,
    year_options,
)
from pipeline.presentation import Presentation

PAGE = "map"
TOP_N = 5
SOURCES_ID = "map-sources"  # the figure's source line, replaced when the indicator changes


class MapSelection(NamedTuple):
    indicator: str
    year: int | None
    outline: list[str]


def outline_groups(pres: Presentation) -> tuple[str, str]:
    """The groups the map offers to outline."""
    return (pres.network, pres.university_cities)


def parse_params(
    params: dict[str, Any], lang: str, known: Known, pres: Presentation
) -> tuple[MapSelection, list[str]]:
    """(indicator, year, outlined groups) and notices from untrusted query values."""
    notices = []
    default = pres.defaults.map_indicator
    indicator = first(params.get("indicator")) or default
    if indicator not in known.indicators:
        notices.append(t("map.unknown_indicator", lang, value=quoted(indicator)))
        indicator = default
    year, notice = parse_year(params.get("year"), known.years(indicator), lang, PAGE)
    notices += [notice] if notice else []
    offered = outline_groups(pres)
    outline = query_codes(params.get("outline"))[0] if "outline" in params else list(offered)
    outline = [c for c in outline if c in offered or known.is_peer_group(c)]
    return MapSelection(indicator, year, outline), notices


def callback_params(indicator: str | None, year: Any, outline: list[str] | None, pres) -> dict:
    params = {
        "indicator": indicator or pres.defaults.map_indicator,
        "outline": ",".join(outline or []),
    }
    if year is not None:
        params["year"] = str(year)
    return params


def _meta(indicator: str, lang: str) -> tuple[str, str, int, str]:
    """(label, unit, decimals, direction) of an indicator."""
    meta = queries.indicator_meta(indicator, lang) or {}
    decimals = int(meta.get("decimals", 1) or 0)
    return (
        meta.get("label", indicator),
        meta.get("unit", ""),
        decimals,
        meta.get("direction", "neutral"),
    )


def region_label(region: str, lang: str) -> str:
    """'Pohjois-Pohjanmaa (maakunta)': a region's name and level."""
    return t("map.region_label", lang, region=region, level=t("map.level_region", lang))


def area_values(indicator: str, year: int, lang: str) -> pd.DataFrame:
    """The map's values per municipality: its own, or for a region-level indicator its
    region's, named as the region's ('Pohjois-Pohjanmaa (maakunta)'), with `region_code`."""
    if not queries.is_region_level(indicator):
        return queries.municipal_values(indicator, year, lang)
    values = queries.region_values_by_municipality(indicator, year, lang)
    return values.assign(name=[region_label(r, lang) for r in values.region])


def map_title(indicator: str, year: int | None, lang: str) -> str:
    """'<label>, <year>' (a region-level indicator's says the values are its regions'); the
    label alone when there is no year to show."""
    label = _meta(indicator, lang)[0]
    if year is None:
        return label
    if queries.is_region_level(indicator):
        return t("map.region_title", lang, label=label, year=year)
    return f"{label}, {year}"


def source_parts(indicator: str, lang: str) -> tuple[html.P, str]:
    """The chosen indicator's source line and the source text its 'data' button carries."""
    sources = queries.sources_for([indicator], lang)
    button = data_action("map-figure", sources, lang).children[0]
    return source_line(sources, lang), button.value


def map_figure(selection: MapSelection, lang: str, pres: Presentation) -> go.Figure:
    indicator, year, outline = selection
    _label, unit, decimals, direction = _meta(indicator, lang)
    title = map_title(indicator, year, lang)
    if year is None:
        return figures.no_data_figure(t("common.no_data", lang), lang, title=title)
    values = area_values(indicator, year, lang)
    colours = figures.OUTLINE_COLOURS.by_code(pres.role_codes)
    outlines = [
        (
            queries.area_name(code, lang) or code,
            set(queries.group_members(code)),  # codes on the shared geojson, not shapes
            colours.get(code, figures.OUTLINE_OTHER),
        )
        for code in outline
    ]
    missing = values[values.value.isna()]
    regional = queries.is_region_level(indicator)
    return figures.choropleth_figure(
        values,
        geo.display_url(),  # fetched once by the browser, not sent in every figure
        lang,
        title=title,
        unit=unit,
        scale_title=t("map.region_scale", lang, unit=figures.chart_unit(unit, lang).label)
        if regional
        else None,
        decimals=decimals,
        direction=direction,
        outlines=outlines,
        missing=(t("map.no_data", lang), set(missing.area_code)) if len(missing) else None,
    )


def extremes(values: pd.DataFrame, n: int = TOP_N) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `n` highest (descending) and `n` lowest (ascending) rows with a value."""
    ordered = values.dropna(subset=["value"]).sort_values("value", ascending=False)
    return ordered.head(n), ordered.tail(n).iloc[::-1]


def summary(indicator: str, year: int | None, lang: str) -> html.Div:
    """The highest and lowest municipalities in words (also the map's text alternative)."""
    if year is None:
        return html.Div(t("common.no_data", lang), id="map-summary")
    _label, unit, decimals, _direction = _meta(indicator, lang)
    values = area_values(indicator, year, lang).dropna(subset=["value"])
    regional = "region_code" in values.columns
    if regional:  # one row per region: the municipalities share their region's value
        values = values.drop_duplicates("region_code")

    def items(frame: pd.DataFrame) -> html.Ol:
        return html.Ol(
            [
                html.Li(f"{row.name}: {fmt_value(row.value, decimals, unit, lang)}")
                for row in frame.itertuples(index=False)
            ]
        )

    highest, lowest = extremes(values)
    if regional:
        coverage = t("map.region_coverage", lang, n=len(values), year=year)
    else:
        coverage = t("map.coverage", lang, n=len(values), total=len(geo.municipality_codes()))
    return html.Div(
        [
            html.P(coverage),
            html.Div(
                [
                    html.Div([html.H3(t("map.highest", lang, n=TOP_N)), items(highest)]),
                    html.Div([html.H3(t("map.lowest", lang, n=TOP_N)), items(lowest)]),
                ],
                className="map-extremes",
            ),
        ],
        id="map-summary",
    )


def graph_config() -> dict[str, Any]:
    # plotly.js fetches <topojsonURL>world_110m.json for every geo subplot; serve it locally.
    return {"topojsonURL": dash.get_asset_url(""), "scrollZoom": False}


def controls(selection: MapSelection, lang: str, pres: Presentation) -> html.Div:
    years = year_options(queries.indicator_years(selection.indicator))
    single = {"clearable": False}
    indicators = indicator_options(queries.indicators(lang))
    specs = [
        Control("map.indicator", "map-indicator", indicators, selection.indicator, single, True),
        Control("map.year", "map-year", years, selection.year, single),
    ]
    outline = html.Div(
        [
            html.Span(t("map.outline", lang), className="control-label"),
            dcc.Checklist(
                id="map-outline",
                options=[
                    {"value": code, "label": queries.area_name(code, lang) or code}
                    for code in outline_groups(pres)
                ],
                value=selection.outline,
                inline=True,
            ),
        ],
        className="control",
    )
    return control_row(specs, lang, "controls map-controls", [outline])
