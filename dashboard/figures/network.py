"""The network page's figure: each group's share of the national totals."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import PALETTE, base_layout


def national_share_figure(
    frame: pd.DataFrame, lang: str, *, title: str, colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Grouped bars: each group's share (%) of the national total per measure.

    `frame`: measure (label), group (label), group_code, share (0–100); `colours` maps group
    codes to bar colours (other groups take the palette in order).
    """
    colours = colours or {}
    fig = go.Figure()
    for index, (code, rows) in enumerate(frame.groupby("group_code", sort=False)):
        name = str(rows["group"].iloc[0])
        fig.add_trace(
            go.Bar(
                x=rows["measure"],
                y=rows["share"],
                name=name,
                marker_color=colours.get(code, PALETTE[index % len(PALETTE)]),
                texttemplate="%{y:.1f} %",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}} %<extra></extra>",
            )
        )
    base_layout(fig, title, lang, height=440)
    fig.update_layout(
        barmode="group",
        hovermode="closest",
        yaxis={"title": {"text": "%"}, "rangemode": "tozero", "automargin": True},
    )
    return fig
