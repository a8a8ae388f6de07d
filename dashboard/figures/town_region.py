"""The town profile's region figures: the region's location quotients by industry, and its
enterprise start-up and closure rates over time beside the whole country's."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import COMPARISON, PALETTE, SUBJECT, base_layout, with_gaps
from dashboard.i18n import fmt_number


def location_quotient_bars(
    frame: pd.DataFrame, lang: str, *, title: str, subtitle: str, hover: str
) -> go.Figure:
    """Horizontal bars of `frame` (`label`, `value`: a location quotient per industry) in its
    order, with the line 1 (as specialised as the whole country); bars above 1 in the subject
    colour. `hover` names the value (e.g. 'location quotient')."""
    colours = [SUBJECT if v > 1 else PALETTE[4] for v in frame["value"]]
    fig = go.Figure(
        go.Bar(
            y=frame["label"],
            x=frame["value"],
            orientation="h",
            marker_color=colours,
            text=[fmt_number(v, 2, lang) for v in frame["value"]],
            textposition="outside",
            hovertemplate=f"%{{y}}: %{{x:.2f}}<extra>{hover}</extra>",
            showlegend=False,
        )
    )
    base_layout(fig, title, lang, height=max(360, 24 * len(frame) + 120), subtitle=subtitle)
    fig.add_vline(x=1, line_dash="dot", line_color=COMPARISON.country)
    fig.update_yaxes(autorange="reversed", automargin=True)
    top = float(frame["value"].max()) if len(frame) else 1.0
    fig.update_xaxes(range=[0, max(top * 1.15, 1.2)])
    fig.update_traces(cliponaxis=False)
    return fig


def rate_lines(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    subtitle: str,
    names: Mapping[tuple[str, str], str],
    solid: str,
    unit: str,
) -> go.Figure:
    """Lines of `frame` (`series`, `group_code`, `year`, `value`): one per (series, area) of
    `names` in its order; the area `solid` (the region) solid, the others dotted; each series
    keeps one colour."""
    fig = go.Figure()
    colours: dict[str, str] = {}
    for (series, code), name in names.items():
        rows = frame[(frame["series"] == series) & (frame["group_code"] == code)]
        if rows.empty:
            continue
        colour = colours.setdefault(series, PALETTE[(1 + len(colours)) % len(PALETTE)])
        rows = rows.sort_values("year")
        x, y = with_gaps([int(v) for v in rows["year"]], rows["value"].tolist())
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=name,
                mode="lines+markers",
                connectgaps=False,  # a year without a value (11yq: closures 2017) is a gap
                line={"color": colour, "dash": "solid" if code == solid else "dot"},
                hovertemplate=f"%{{x}}: %{{y:.1f}} {unit}<extra>{name}</extra>",
            )
        )
    base_layout(fig, title, lang, height=380, subtitle=subtitle)
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(dtick=1)
    return fig
