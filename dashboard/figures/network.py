"""The network page's figure: each group's share of the national totals."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import PALETTE, base_layout


def national_share_figure(
    frame: pd.DataFrame, lang: str, *, title: str, colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Grouped horizontal bars: each group's share (%) of the national total per measure (the
    measures' names read across, also on a phone, and the figure grows with them).

    `frame`: measure (label), group (label), group_code, share (0–100); `colours` maps group
    codes to bar colours (other groups take the palette in order).
    """
    colours = colours or {}
    fig = go.Figure()
    for index, (code, rows) in enumerate(frame.groupby("group_code", sort=False)):
        name = str(rows["group"].iloc[0])
        fig.add_trace(
            go.Bar(
                x=rows["share"],
                y=rows["measure"],
                orientation="h",
                name=name,
                marker_color=colours.get(code, PALETTE[index % len(PALETTE)]),
                texttemplate="%{x:.1f} %",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{name}<br>%{{y}}: %{{x:.1f}} %<extra></extra>",
            )
        )
    measures = frame["measure"].nunique()
    base_layout(
        fig, title, lang, height=max(300, 28 * frame["group_code"].nunique() * measures + 150)
    )
    fig.update_layout(
        barmode="group",
        hovermode="closest",
        margin={"r": 48},
        xaxis={"title": {"text": "%"}, "rangemode": "tozero"},
        yaxis={"automargin": True, "autorange": "reversed", "type": "category"},
    )
    return fig


def share_trend_figure(
    frame: pd.DataFrame, lang: str, *, title: str, colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Lines of each group's share (%) of the country over the years, one per measure and
    group (solid: the first group, dashed: the others); measures with one year are markers.

    `frame`: measure (label), group (label), group_code, year, share; `colours` as above.
    """
    colours = colours or {}
    fig = go.Figure()
    codes = list(dict.fromkeys(frame["group_code"]))
    for (measure, code), rows in frame.groupby(["measure", "group_code"], sort=False):
        rows = rows.sort_values("year")
        name = f"{rows['group'].iloc[0]}: {measure}"
        fig.add_trace(
            go.Scatter(
                x=rows["year"],
                y=rows["share"],
                name=name,
                mode="lines+markers" if len(rows) > 1 else "markers",
                line={
                    "color": colours.get(code, PALETTE[codes.index(code) % len(PALETTE)]),
                    "dash": "solid" if code == codes[0] else "dash",
                },
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}} %<extra></extra>",
            )
        )
    base_layout(fig, title, lang, height=480)
    fig.update_layout(
        hovermode="closest",
        yaxis={"title": {"text": "%"}, "rangemode": "tozero", "automargin": True},
        xaxis={"dtick": 5},
    )
    return fig
