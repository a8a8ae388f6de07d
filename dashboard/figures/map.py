"""The map page's tile-free choropleth with grey no-data shapes and group outlines."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import base_layout, number_format
from dashboard.figures.units import chart_unit, mark_source_units

NO_DATA = "#D9D9D9"
Shapes = Callable[[dict | Iterable[str]], tuple[dict | str, list[str]]]


def direction_colorscale(direction: str) -> str:
    """A sequential, colour-blind-safe scale whose dark end is the better end."""
    if direction == "higher_is_better":
        return "YlGnBu"
    if direction == "lower_is_better":
        return "YlGnBu_r"
    return "Cividis"


def _flat_shapes(
    collection: dict | str,
    codes: list[str],
    feature_id_key: str,
    *,
    fill: str,
    line: dict[str, Any],
    **trace: Any,
) -> go.Choropleth:
    """The municipalities `codes` of `collection` in one `fill` colour with a `line` border,
    without a colour bar (the map's grey no-data layer and its outlines)."""
    return go.Choropleth(
        geojson=collection,
        featureidkey=feature_id_key,
        locations=codes,
        z=[0] * len(codes),
        colorscale=[[0, fill], [1, fill]],
        showscale=False,
        marker={"line": line},
        meta={"data": "skip"},  # drawn only: no values (figures.data)
        **trace,
    )


def _values_layer(
    data: pd.DataFrame,
    geojson: dict | str,
    key: str,
    unit: str,
    fmt: str,
    direction: str,
    scale_title: str | None = None,
) -> go.Choropleth:
    return go.Choropleth(
        geojson=geojson,
        featureidkey=key,
        locations=data["area_code"],
        z=data["value"],
        text=data["name"],
        colorscale=direction_colorscale(direction),
        marker={"line": {"color": "white", "width": 0.3}},
        colorbar={
            "title": {"text": unit if scale_title is None else scale_title, "side": "top"},
            "tickformat": fmt,
            "thickness": 14,
            "len": 0.6,
            # below the map, not beside it: on a phone a side bar takes a fifth of the width
            "orientation": "h",
            "y": 0,
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
        },
        hovertemplate=f"%{{text}}: %{{z:{fmt}}} {unit}<extra></extra>",
        showlegend=False,
    )


def _missing_layer(label: str, shapes: tuple[dict | str, list[str]], key: str) -> go.Choropleth:
    collection, codes = shapes
    return _flat_shapes(
        collection,
        codes,
        key,
        fill=NO_DATA,
        line={"color": "white", "width": 0.3},
        name=label,
        showlegend=True,
        hovertemplate=f"{label}<extra></extra>",
    )


def _outline_layers(
    label: str, shapes: tuple[dict | str, list[str]], colour: str, key: str
) -> list[Any]:
    collection, codes = shapes
    border = _flat_shapes(
        collection,
        codes,
        key,
        fill="rgba(0,0,0,0)",
        line={"color": colour, "width": 2.2},
        hoverinfo="skip",
        name=label,
        showlegend=False,
    )
    # A choropleth's legend item has no swatch; an empty line trace shows the colour.
    swatch = go.Scattergeo(
        lon=[None],
        lat=[None],
        mode="lines",
        line={"color": colour, "width": 3},
        name=label,
        showlegend=True,
        hoverinfo="skip",
    )
    return [border, swatch]


def _shapes_of(geojson: dict | str, feature_id_key: str) -> Shapes:
    """(collection, codes) of an outline or missing set: its own FeatureCollection, or the
    shared `geojson` with the given municipality codes."""
    key = feature_id_key.split(".", 1)[1]

    def shapes(collection: dict | Iterable[str]) -> tuple[dict | str, list[str]]:
        if isinstance(collection, dict):
            return collection, [f["properties"][key] for f in collection["features"]]
        return geojson, sorted(collection)

    return shapes


# The mainland, Åland and the northernmost fells with a little room (degrees).
LON_RANGE = [19.1, 31.6]
LAT_RANGE = [59.6, 70.2]


def choropleth_figure(
    frame: pd.DataFrame,
    geojson: dict | str,
    lang: str,
    *,
    title: str,
    unit: str = "",
    scale_title: str | None = None,
    decimals: int = 1,
    direction: str = "neutral",
    outlines: Iterable[tuple[str, dict | Iterable[str], str]] = (),
    missing: tuple[str, dict | Iterable[str]] | None = None,
    feature_id_key: str = "properties.kunta",
) -> go.Figure:
    """Municipal values (`area_code, name, value`) on the boundaries in `geojson`.

    `unit`: the catalogue unit (thousands of euros are drawn in millions, `figures.units`);
    `scale_title`: the colour bar's title (default the drawn unit); `outlines`: (legend label, FeatureCollection of the outlined municipalities, colour), each a
    transparent choropleth with a thick border; `missing`: (label, FeatureCollection) drawn grey.
    The map is tile-free: a hidden `geo` base map fitted to the drawn municipalities.
    `geojson` may be a URL (plotly.js fetches it once); outlines and missing may then give
    municipality codes instead of collections and share it, which keeps the figures small.
    """
    chart = chart_unit(unit, lang)
    data = chart.scaled(frame.dropna(subset=["value"]), ["value"])
    fmt, unit = number_format(chart.decimals(decimals)), chart.label
    shapes = _shapes_of(geojson, feature_id_key)
    fig = mark_source_units(go.Figure(), {"value": chart})
    if missing is not None and shapes(missing[1])[1]:
        fig.add_trace(_missing_layer(missing[0], shapes(missing[1]), feature_id_key))
    fig.add_trace(_values_layer(data, geojson, feature_id_key, unit, fmt, direction, scale_title))
    for label, outlined, colour in outlines:
        fig.add_traces(_outline_layers(label, shapes(outlined), colour, feature_id_key))
    # Finland's extent as the axis ranges (not fitbounds): the frame then takes the country's
    # shape and the map fills the figure's width, instead of a square world frame around it.
    fig.update_geos(
        visible=False, projection_type="mercator", lonaxis_range=LON_RANGE, lataxis_range=LAT_RANGE
    )
    base_layout(fig, title, lang, height=780)
    fig.update_layout(
        hovermode="closest",
        dragmode=False,
        margin={"l": 0, "r": 0, "t": 56, "b": 64},
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": 0.99,
            "x": 0,
            "bgcolor": "rgba(255,255,255,0.8)",
        },
    )
    return fig
