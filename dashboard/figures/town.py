"""Figures of the town profile: population with its projection, a monthly series against the
comparison groups, and the job structure; as plain dicts (`common.plain_figure`), since one is
made on every profile view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.figures.common import PALETTE, SUBJECT, layout_props, plain_figure, plain_values
from dashboard.i18n import fmt_number


def population_figure(
    history: pd.DataFrame, lang: str, *, title: str, names: dict, subtitle: str | None = None
) -> dict[str, Any]:
    """Population on 31 Dec (solid) and the official projection (dashed), one municipality.

    `history` has year, value, kind ('actual' | 'projection'); `names` maps 'actual' and
    'projection' to legend names.
    """
    actual = history[history.kind == "actual"].sort_values("year")
    projection = history[history.kind == "projection"].sort_values("year")
    hover = "%{x}: %{y:,.0f}<extra></extra>"
    traces = []
    if not actual.empty:
        traces.append(
            {
                "type": "scatter",
                "x": actual.year.astype(int).tolist(),
                "y": plain_values(actual.value),
                "name": names["actual"],
                "mode": "lines",
                "line": {"color": SUBJECT, "width": 2.5},
                "hovertemplate": hover,
            }
        )
    if not projection.empty:
        # Start the dashed line at the last actual year so the two read as one series; projected
        # years the actual series already covers (the 2024 base year, once 2025 is in) are left out.
        if not actual.empty:
            later = projection[projection.year > actual.year.max()]
            joined = pd.concat([actual.tail(1), later])
        else:
            joined = projection
        traces.append(
            {
                "type": "scatter",
                "x": joined.year.astype(int).tolist(),
                "y": plain_values(joined.value),
                "name": names["projection"],
                "mode": "lines+markers",
                "line": {"color": PALETTE[5], "width": 2.5, "dash": "dash"},
                "marker": {"size": 7, "symbol": "diamond"},
                "hovertemplate": hover,
            }
        )
    layout = layout_props(title, lang, subtitle=subtitle)
    layout["yaxis"] = {"rangemode": "tozero", "tickformat": ",.0f"}
    layout["xaxis"] = {"dtick": 10}
    return plain_figure(traces, layout)


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
) -> dict[str, Any]:
    """A monthly series per area (long frame: area_code, month, value); the subject drawn first.

    `names` maps area codes to legend names; `colours` gives the comparison groups' colours by
    area code (others take the palette in order); the `dotted` area (the whole country) is drawn
    dotted, other comparisons dashed.
    """
    colours = colours or {}
    order = [subject] + [c for c in names if c != subject]
    others = iter(PALETTE[1:])
    traces = []
    for code, part in _by_area(frame, order):
        colour = SUBJECT if code == subject else colours.get(code) or next(others)
        traces.append(
            {
                "type": "scatter",
                "x": pd.to_datetime(part.month).dt.strftime("%Y-%m-%dT%H:%M:%S").tolist(),
                "y": plain_values(part.value),
                "name": names.get(code, code),
                "mode": "lines",
                "line": {
                    "color": colour,
                    "width": 2.8 if code == subject else 1.8,
                    "dash": "solid" if code == subject else "dot" if code == dotted else "dash",
                },
                "hovertemplate": f"%{{y:.1f}} {unit}<extra>{names.get(code, code)}</extra>",
            }
        )
    layout = layout_props(title, lang, subtitle=subtitle)
    layout["yaxis"] = {"rangemode": "tozero", "ticksuffix": f" {unit}" if unit == "%" else ""}
    return plain_figure(traces, layout)


def _by_area(frame: pd.DataFrame, order: list[str]):
    """(area code, its rows by month) in `order`, areas without rows left out."""
    groups = dict(tuple(frame.sort_values("month").groupby("area_code", sort=False)))
    return [(code, groups[code]) for code in order if code in groups]


def structure_bars(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    series: dict,
    unit: str = "%",
    subtitle: str | None = None,
    colours: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Grouped horizontal bars: one category per row of `frame` (column `label`), one bar per
    series; `series` maps a value column (e.g. 'value') to its legend name and `colours` a
    value column to its colour (the town's own 'value' is the subject colour)."""
    colours = {"value": SUBJECT, **(colours or {})}
    traces = [
        {
            "type": "bar",
            "y": frame.label.tolist(),
            "x": plain_values(frame[column]),
            "name": name,
            "orientation": "h",
            "marker": {"color": colours.get(column, PALETTE[4])},
            "text": [_fmt_bar(v, lang) for v in frame[column]],
            "textposition": "outside",
            "hovertemplate": f"%{{y}}: %{{x:.1f}} {unit}<extra>{name}</extra>",
            "cliponaxis": False,
        }
        for column, name in series.items()
        if column in frame
    ]
    layout = layout_props(title, lang, height=360, subtitle=subtitle)
    layout.update(barmode="group", hovermode="closest", bargap=0.25)
    top = max((frame[c].max() for c in series if c in frame and frame[c].notna().any()), default=0)
    layout["yaxis"] = {"autorange": "reversed", "automargin": True}
    layout["xaxis"] = {
        "ticksuffix": f" {unit}" if unit == "%" else "",
        "range": [0, float(top) * 1.18 or 1],
    }
    return plain_figure(traces, layout)


def _fmt_bar(value: float, lang: str) -> str:
    return "" if pd.isna(value) else fmt_number(value, 1, lang)
