"""Figures of the town profile: population with its projection, a monthly series against the
comparison groups, and the job structure."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import PALETTE, SUBJECT, base_layout
from dashboard.i18n import fmt_number


def population_figure(
    history: pd.DataFrame, lang: str, *, title: str, names: dict, subtitle: str | None = None
) -> go.Figure:
    """Population on 31 Dec (solid) and the official projection (dashed), one municipality.

    `history` has year, value, kind ('actual' | 'projection'); `names` maps 'actual' and
    'projection' to legend names.
    """
    fig = go.Figure()
    actual = history[history.kind == "actual"].sort_values("year")
    projection = history[history.kind == "projection"].sort_values("year")
    if not actual.empty:
        fig.add_trace(
            go.Scatter(
                x=actual.year,
                y=actual.value,
                name=names["actual"],
                mode="lines",
                line={"color": SUBJECT, "width": 2.5},
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            )
        )
    if not projection.empty:
        # Start the dashed line at the last actual year so the two read as one series; projected
        # years the actual series already covers (the 2024 base year, once 2025 is in) are left out.
        if not actual.empty:
            later = projection[projection.year > actual.year.max()]
            joined = pd.concat([actual.tail(1), later])
        else:
            joined = projection
        fig.add_trace(
            go.Scatter(
                x=joined.year,
                y=joined.value,
                name=names["projection"],
                mode="lines+markers",
                line={"color": PALETTE[5], "width": 2.5, "dash": "dash"},
                marker={"size": 7, "symbol": "diamond"},
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            )
        )
    base_layout(fig, title, lang, subtitle=subtitle)
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f")
    fig.update_xaxes(dtick=10)
    return fig


def monthly_lines(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    names: dict,
    subject: str,
    unit: str = "",
    subtitle: str | None = None,
    colours: Mapping[str, str] | None = None,
    dotted: str | None = None,
) -> go.Figure:
    """A monthly series per area (long frame: area_code, month, value); the subject drawn first.

    `names` maps area codes to legend names; `colours` gives the comparison groups' colours by
    area code (others take the palette in order); the `dotted` area (the whole country) is drawn
    dotted, other comparisons dashed.
    """
    colours = colours or {}
    fig = go.Figure()
    order = [subject] + [c for c in names if c != subject]
    others = iter(PALETTE[1:])
    for code in order:
        part = frame[frame.area_code == code].sort_values("month")
        if part.empty:
            continue
        colour = SUBJECT if code == subject else colours.get(code) or next(others)
        fig.add_trace(
            go.Scatter(
                x=part.month,
                y=part.value,
                name=names.get(code, code),
                mode="lines",
                line={
                    "color": colour,
                    "width": 2.8 if code == subject else 1.8,
                    "dash": "solid" if code == subject else "dot" if code == dotted else "dash",
                },
                hovertemplate=f"%{{y:.1f}} {unit}<extra>{names.get(code, code)}</extra>",
            )
        )
    base_layout(fig, title, lang, subtitle=subtitle)
    fig.update_yaxes(rangemode="tozero", ticksuffix=f" {unit}" if unit == "%" else "")
    return fig


def structure_bars(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    series: dict,
    unit: str = "%",
    subtitle: str | None = None,
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """Grouped horizontal bars: one category per row of `frame` (column `label`), one bar per
    series; `series` maps a value column (e.g. 'value') to its legend name and `colours` a
    value column to its colour (the town's own 'value' is the subject colour)."""
    colours = {"value": SUBJECT, **(colours or {})}
    fig = go.Figure()
    for column, name in series.items():
        if column not in frame:
            continue
        fig.add_trace(
            go.Bar(
                y=frame.label,
                x=frame[column],
                name=name,
                orientation="h",
                marker_color=colours.get(column, PALETTE[4]),
                text=[_fmt_bar(v, lang) for v in frame[column]],
                textposition="outside",
                hovertemplate=f"%{{y}}: %{{x:.1f}} {unit}<extra>{name}</extra>",
            )
        )
    base_layout(fig, title, lang, height=360, subtitle=subtitle)
    fig.update_layout(barmode="group", hovermode="closest", bargap=0.25)
    fig.update_yaxes(autorange="reversed", automargin=True)
    top = max((frame[c].max() for c in series if c in frame and frame[c].notna().any()), default=0)
    fig.update_xaxes(
        ticksuffix=f" {unit}" if unit == "%" else "", range=[0, float(top) * 1.18 or 1]
    )
    fig.update_traces(cliponaxis=False)
    return fig


def _fmt_bar(value: float, lang: str) -> str:
    return "" if pd.isna(value) else fmt_number(value, 1, lang)
