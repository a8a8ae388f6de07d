"""The rows a figure plots, read back from its traces: the 'data' action of every figure.

Read from the figure itself (the dict the browser holds, or a `go.Figure`), so the CSV is what
is drawn after every callback update, with no per-page query. One row a plotted point:
`series` (the trace's name), `label` (the point's name: an area, a category), `x` and `y` (or,
on a map, `area` and `value`). Traces that only draw (legend swatches, outlines, the grey
no-data layer) carry `meta={"data": "skip"}` or `hoverinfo="skip"`; a reference line drawn
from two points (a median) carries `meta={"data": "x"}` and gives one row, its x; a trace whose
`text` is only its hover's carries `meta={"text": "hover"}`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

from dashboard.figures.units import source_units

COLUMNS = ("series", "label", "area", "x", "y", "value", "low", "high")


def _as_dict(figure: go.Figure | Mapping[str, Any]) -> dict[str, Any]:
    return figure.to_plotly_json() if isinstance(figure, BaseFigure) else dict(figure)


def _typed(raw: Mapping[str, Any]) -> list[Any]:
    """A plotly.js typed array ({'dtype': 'f8', 'bdata': base64}) as a list."""
    dtype = np.dtype(raw["dtype"]).newbyteorder("<")
    return np.frombuffer(base64.b64decode(raw["bdata"]), dtype=dtype).tolist()


def _values(trace: Mapping[str, Any], key: str) -> list[Any]:
    """A trace array as a list (figures serialised by plotly hold typed arrays)."""
    raw = trace.get(key)
    if raw is None:
        return []
    if isinstance(raw, Mapping) and "bdata" in raw:
        return _typed(raw)
    return list(raw.tolist() if hasattr(raw, "tolist") else raw)


def _role(trace: Mapping[str, Any]) -> str:
    meta = trace.get("meta") or {}
    if meta.get("data"):
        return str(meta["data"])
    return "skip" if trace.get("hoverinfo") == "skip" else "points"


def _map_rows(trace: Mapping[str, Any]) -> pd.DataFrame:
    areas, values = _values(trace, "locations"), _values(trace, "z")
    labels = _values(trace, "text") or [None] * len(areas)
    return pd.DataFrame({"area": areas, "label": labels, "value": values})


def _xy_rows(trace: Mapping[str, Any]) -> pd.DataFrame:
    x, y = _values(trace, "x"), _values(trace, "y")
    n = max(len(x), len(y))
    frame = pd.DataFrame({"x": x or [None] * n, "y": y or [None] * n})
    # a bar's text is its value's label; a hover-only text is marked so
    text = [] if trace.get("type") == "bar" else _values(trace, "text")
    if len(text) == n and (trace.get("meta") or {}).get("text") != "hover":
        frame.insert(0, "label", text)
    error = trace.get("error_x") or {}
    if error.get("array") is not None:
        plus, minus = _values(error, "array"), _values(error, "arrayminus")
        frame["low"] = frame.x - pd.Series(minus or plus, dtype=float)
        frame["high"] = frame.x + pd.Series(plus, dtype=float)
    if trace.get("orientation") == "h":  # bars: the category on y, the value on x
        frame = frame.rename(columns={"y": "label", "x": "value"})
    return frame.dropna(subset=[c for c in ("x", "y", "value") if c in frame], how="all")


def figure_rows(figure: go.Figure | Mapping[str, Any]) -> pd.DataFrame:
    """The plotted points of `figure`, one row each, in trace order (columns of `COLUMNS`
    that any trace fills), in the source unit where the figure plots a scaled one."""
    figure = _as_dict(figure)
    parts = []
    for trace in figure.get("data", []):
        role = _role(trace)
        if role == "skip":
            continue
        if trace.get("type") in {"choropleth", "choroplethmapbox", "choroplethmap"}:
            rows = _map_rows(trace)
        else:
            rows = _xy_rows(trace)
            if role == "x":
                rows = rows.drop(columns=["y"]).drop_duplicates()
        if not rows.empty:
            parts.append(rows.assign(series=trace.get("name")))
    if not parts:
        return pd.DataFrame(columns=["series", "value"])
    frame = pd.concat(parts, ignore_index=True)
    for column, (factor, _source, _label) in source_units(figure.get("layout") or {}).items():
        if column in frame:
            frame[column] = pd.to_numeric(frame[column]) * factor
    columns = [c for c in COLUMNS if c in frame and frame[c].notna().any()]
    return frame[columns]


def axis_titles(figure: go.Figure | Mapping[str, Any]) -> dict[str, str]:
    """{'x': the x axis title, 'y': ...} where the figure names its axes; a column the figure
    plots in a scaled unit is titled with its source unit ('value': '1 000 €')."""
    layout = _as_dict(figure).get("layout", {})
    units = source_units(layout)
    titles = {}
    for axis in ("x", "y"):
        title = (layout.get(f"{axis}axis") or {}).get("title") or {}
        text = title.get("text") if isinstance(title, Mapping) else title
        if text:
            titles[axis] = str(text)
    for column, (_factor, source, label) in units.items():
        titles[column] = titles[column].replace(label, source) if column in titles else source
    return titles


def figure_title(figure: go.Figure | Mapping[str, Any]) -> str:
    title = _as_dict(figure).get("layout", {}).get("title") or {}
    return str((title.get("text") if isinstance(title, Mapping) else title) or "")
