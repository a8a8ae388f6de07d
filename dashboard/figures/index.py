"""The composite index's figure: each town's overall rank with its range over weight draws."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import PALETTE, SUBJECT, base_layout, no_data_figure
from dashboard.i18n import fmt_number


def _rank_interval(
    frame: pd.DataFrame,
    rank: pd.Series,
    low: str,
    high: str,
    *,
    marker: dict[str, Any],
    bar: dict[str, Any],
    **trace: Any,
) -> go.Scatter:
    """Markers at `rank` by name with a horizontal error bar from column `low` to `high`;
    `bar` styles the bar (thickness, width, colour)."""
    return go.Scatter(
        x=rank,
        y=frame["name"],
        mode="markers",
        marker=marker,
        error_x={
            "type": "data",
            "symmetric": False,
            "array": frame[high].astype(float) - rank,
            "arrayminus": rank - frame[low].astype(float),
            **bar,
        },
        showlegend=False,
        **trace,
    )


def rank_range_figure(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    rank_label: str,
    hover: str,
    n_areas: int,
) -> go.Figure:
    """Each town's overall rank (dot) with its range over the weight draws: thin bar min–max,
    thick bar 5th–95th percentile. `frame` has name, rank, rank_min, rank_p05, rank_p95,
    rank_max, score; `hover` is a template over those fields (`{rank}`, `{rank_min}`, …)."""
    frame = frame.dropna(subset=["rank"]).sort_values("rank", ascending=False)
    if frame.empty:
        return no_data_figure(title, lang, title=title)
    rank = frame["rank"].astype(float)
    text = [
        hover.format(**{k: fmt_number(v, 2 if k == "score" else 0, lang) for k, v in row.items()})
        for row in frame[
            ["rank", "rank_min", "rank_p05", "rank_median", "rank_p95", "rank_max", "score"]
        ].to_dict("records")
    ]
    fig = go.Figure()
    fig.add_trace(  # min–max whisker
        _rank_interval(
            frame,
            rank,
            "rank_min",
            "rank_max",
            marker={"size": 0.1, "color": SUBJECT},
            bar={"thickness": 1.2, "width": 4, "color": "#7a7f84"},
            hoverinfo="skip",
        )
    )
    fig.add_trace(  # 5–95 % bar, the marker and the hover text
        _rank_interval(
            frame,
            rank,
            "rank_p05",
            "rank_p95",
            marker={"size": 10, "color": SUBJECT, "line": {"color": "#ffffff", "width": 1}},
            bar={"thickness": 5, "width": 0, "color": PALETTE[4]},
            text=text,
            hovertemplate="<b>%{y}</b><br>%{text}<extra></extra>",
            meta={"text": "hover"},  # the text is the hover's, not a label (figures.data)
        )
    )
    base_layout(fig, title, lang, height=max(220, 90 + 26 * len(frame)))
    fig.update_layout(
        hovermode="closest",
        xaxis={
            "title": {"text": rank_label},
            "range": [n_areas + 0.5, 0.5],  # rank 1 (best) on the right
            "zeroline": False,
        },
        yaxis={"automargin": True, "type": "category"},
    )
    return fig
