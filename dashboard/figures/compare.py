"""Figures of the compare page: the ranking of towns and groups, the scatter, the trend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import PALETTE, SUBJECT, base_layout, number_format, with_gaps
from dashboard.figures.units import ChartUnit, chart_unit, mark_source_units

GROUP_BAR = "#8C8C8C"  # group aggregates: neutral grey, hatched
OTHERS = "rgba(110, 110, 110, 0.40)"  # the municipalities that are not chosen
HIGHLIGHT = PALETTE[5]  # vermillion: the chosen towns in the scatter
MEDIAN_COLOURS = (PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[7], PALETTE[4], PALETTE[5])


def _ranking_bars(data: pd.DataFrame, fmt: str, unit: str) -> go.Bar:
    is_group = data["kind"].eq("group").tolist()
    return go.Bar(
        x=data["value"],
        y=data["name"],
        orientation="h",
        marker={
            "color": [GROUP_BAR if g else SUBJECT for g in is_group],
            "pattern": {"shape": ["/" if g else "" for g in is_group]},
        },
        texttemplate=f"%{{x:{fmt}}}",
        textposition="outside",
        cliponaxis=False,
        hovertemplate=f"%{{y}}: %{{x:{fmt}}} {unit}<extra></extra>",
        showlegend=False,
    )


def _group_legend(group_label: str) -> go.Bar:
    """An empty bar whose legend item explains the hatched group bars."""
    return go.Bar(
        x=[None],
        y=[None],
        name=group_label,
        marker_color=GROUP_BAR,
        marker_pattern_shape="/",
        showlegend=True,
        hoverinfo="skip",
    )


def _median_lines(medians: pd.DataFrame, label: str, fmt: str, unit: str) -> list[go.Scatter]:
    lines = []
    for index, row in enumerate(medians.dropna(subset=["value"]).itertuples(index=False)):
        name = f"{label} – {row.name}" if label else str(row.name)
        lines.append(
            go.Scatter(
                x=[row.value, row.value],
                y=[0, 1],
                yaxis="y2",
                mode="lines",
                line={
                    "color": MEDIAN_COLOURS[index % len(MEDIAN_COLOURS)],
                    "dash": "dash",
                    "width": 2,
                },
                name=name,
                hovertemplate=f"{name}: %{{x:{fmt}}} {unit}<extra></extra>",
                meta={"data": "x"},  # a reference line: one value (figures.data)
            )
        )
    return lines


def compare_ranking_figure(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    unit: str = "",
    decimals: int = 1,
    direction: str = "neutral",
    medians: pd.DataFrame | None = None,
    group_label: str = "",
    median_label: str = "",
) -> go.Figure:
    """Ranking bars of areas and groups, best at the top.

    `frame`: name, value, kind ("group" rows are aggregates, drawn grey and hatched).
    `medians`: name, value of each group's member median, drawn as dashed vertical lines.
    """
    chart = chart_unit(unit, lang)
    data = chart.scaled(frame.dropna(subset=["value"]), ["value"])
    # Plotly draws the first category at the bottom: put the best last.
    data = data.sort_values("value", ascending=direction != "lower_is_better")
    fmt, unit = number_format(chart.decimals(decimals)), chart.label
    fig = go.Figure(_ranking_bars(data, fmt, unit))
    if group_label and data["kind"].eq("group").any():
        fig.add_trace(_group_legend(group_label))
    if medians is not None:
        fig.add_traces(_median_lines(chart.scaled(medians, ["value"]), median_label, fmt, unit))
    mark_source_units(fig, {"value": chart, "x": chart})
    base_layout(fig, title, lang, height=max(340, 26 * len(data) + 170))
    fig.update_layout(
        hovermode="closest",
        bargap=0.25,
        margin={"l": 16, "r": 48, "t": 56, "b": 110},
        xaxis={"title": {"text": unit}, "tickformat": fmt, "zeroline": True},
        yaxis={"automargin": True, "type": "category"},
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
        # Anchored to the figure's bottom edge so it never meets the axis title.
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0.01, "x": 0},
    )
    return fig


def compare_scatter_figure(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    highlight: Iterable[str] = (),
    x_decimals: int = 1,
    y_decimals: int = 1,
    others_label: str = "",
    units: Mapping[str, ChartUnit] | None = None,
) -> go.Figure:
    """All municipalities (`area_code, name, x, y`) in grey, the chosen ones named. `units`:
    the `ChartUnit` of an axis ('x', 'y') whose values are plotted scaled (`figures.units`)."""
    data = frame.dropna(subset=["x", "y"])
    chosen = data["area_code"].isin(set(highlight))
    hover = (
        f"%{{text}}<br>{x_title}: %{{x:{number_format(x_decimals)}}}"
        f"<br>{y_title}: %{{y:{number_format(y_decimals)}}}<extra></extra>"
    )
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=data.loc[~chosen, "x"],
            y=data.loc[~chosen, "y"],
            text=data.loc[~chosen, "name"],
            mode="markers",
            marker={"color": OTHERS, "size": 7},
            name=others_label,
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=data.loc[chosen, "x"],
            y=data.loc[chosen, "y"],
            text=data.loc[chosen, "name"],
            mode="markers+text",
            textposition="top center",
            marker={"color": HIGHLIGHT, "size": 11, "line": {"color": "white", "width": 1}},
            hovertemplate=hover,
            showlegend=False,
        )
    )
    base_layout(fig, title, lang, height=480)
    mark_source_units(fig, units or {})
    fig.update_layout(
        hovermode="closest",
        xaxis={"title": {"text": x_title}, "automargin": True},
        yaxis={"title": {"text": y_title}, "automargin": True},
    )
    return fig


def compare_trend_figure(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    unit: str = "",
    decimals: int = 1,
    looks: Mapping[str, tuple[str, str]] | None = None,
) -> go.Figure:
    """One line per area or group (`area_code, name, kind, period, value`), in the (colour,
    dash) `looks` gives its code (groups dashed without it). `period` is a date (monthly
    series) or an integer year (annual series, drawn with whole-year ticks); a year or month
    without a value is a gap in the line, never bridged."""
    chart = chart_unit(unit, lang)
    fmt, unit = number_format(chart.decimals(decimals)), chart.label
    fig = mark_source_units(go.Figure(), {"y": chart})
    data = chart.scaled(frame.dropna(subset=["value"]), ["value"])
    if "area_code" not in data:  # looks are by code; a frame without codes goes by name
        data = data.assign(area_code=data["name"])
    for (code, name, kind), series in data.groupby(["area_code", "name", "kind"], sort=False):
        series = series.sort_values("period")
        colour, dash = (looks or {}).get(code, (None, "dash" if kind == "group" else "solid"))
        x, y = with_gaps(series["period"].tolist(), series["value"].tolist())
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=name,
                # markers also where a value stands alone between gaps (no line to draw)
                mode="lines+markers" if len(series) <= 12 or None in y else "lines",
                marker={"size": 5},
                line={"color": colour, "dash": dash, "width": 2},
                connectgaps=False,
                hovertemplate=f"{name}: %{{y:{fmt}}} {unit}<extra></extra>",
            )
        )
    base_layout(fig, title, lang, height=440)
    fig.update_layout(yaxis={"title": {"text": unit}, "tickformat": fmt, "automargin": True})
    if pd.api.types.is_integer_dtype(data["period"]):
        fig.update_xaxes(tickformat="d", dtick=1 if data["period"].nunique() <= 12 else None)
    return fig
