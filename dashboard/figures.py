"""Figure builders: plain functions `(frame, lang, ...) -> go.Figure`, testable without a browser.

Every figure has a title and uses the Okabe-Ito colour-blind-safe palette. Numbers on axes and
hovers follow the language (`separators`). Add a page's figures under its own section header.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.i18n import fmt_number, lang_of

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Black first is reserved for the subject (the town); the rest in order.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
SUBJECT = PALETTE[0]
COMPARISON = {"network": PALETTE[1], "university_cities": PALETTE[2], "SSS": "#000000"}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
# --- perf (issue 5): plotly_white as the default template, not set per figure ------------------
# `update_layout(template="plotly_white")` copies and validates the whole template on every
# figure (~30 ms each, several figures per page); the default template is applied from plotly's
# already-validated copy. The serialised figures are the same.
TEMPLATE = "plotly_white"
pio.templates.default = TEMPLATE
# --- end perf (issue 5) --------------------------------------------------------------------------


def separators(lang: str) -> str:
    """Plotly `separators` (decimal, thousands): '.,' in English, ', ' (thin space) otherwise."""
    return ".," if lang_of(lang) == "en" else ",\u202f"


def base_layout(
    fig: go.Figure, title: str, lang: str, *, height: int = 360, subtitle: str | None = None
) -> go.Figure:
    """Shared look: title (and subtitle), font, legend below, language number format."""
    heading = {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}}
    if subtitle:
        heading["subtitle"] = {"text": subtitle, "font": {"size": 13, "color": "#505a62"}}
    fig.update_layout(
        title=heading,
        font={"family": FONT, "size": 13, "color": "#1d2327"},
        separators=separators(lang),
        height=height,
        margin={"l": 56, "r": 16, "t": 76 if subtitle else 56, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
        hovermode="x unified",
        colorway=list(PALETTE),
    )
    return fig


# --------------------------------------------------------------------------- compare, map, network
# (issue 4, part 2: dashboard/pages/compare.py, map.py, network.py)

GROUP_BAR = "#8C8C8C"  # group aggregates: neutral grey, hatched
OTHERS = "rgba(110, 110, 110, 0.40)"  # the municipalities that are not chosen
HIGHLIGHT = PALETTE[5]  # vermillion: the chosen towns in the scatter
MEDIAN_COLOURS = (PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[7], PALETTE[4], PALETTE[5])
OUTLINE_COLOURS = {"network": PALETTE[5], "university_cities": "#000000"}
NO_DATA = "#D9D9D9"


def number_format(decimals: int | None) -> str:
    """A d3 format with thousands separators and `decimals` decimals."""
    return f",.{max(int(decimals or 0), 0)}f"


def direction_colorscale(direction: str) -> str:
    """A sequential, colour-blind-safe scale whose dark end is the better end."""
    if direction == "higher_is_better":
        return "YlGnBu"
    if direction == "lower_is_better":
        return "YlGnBu_r"
    return "Cividis"


def no_data_figure(text: str, lang: str, *, title: str = "") -> go.Figure:
    """An empty figure that says why (no values for the selection)."""
    fig = go.Figure()
    fig.add_annotation(
        text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16}
    )
    base_layout(fig, title, lang, height=240)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


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
    data = frame.dropna(subset=["value"])
    # Plotly draws the first category at the bottom: put the best last.
    data = data.sort_values("value", ascending=direction != "lower_is_better")
    fmt = number_format(decimals)
    is_group = data["kind"].eq("group").tolist()
    fig = go.Figure(
        go.Bar(
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
    )
    if group_label and any(is_group):
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                name=group_label,
                marker_color=GROUP_BAR,
                marker_pattern_shape="/",
                showlegend=True,
                hoverinfo="skip",
            )
        )
    if medians is not None:
        for index, row in enumerate(medians.dropna(subset=["value"]).itertuples(index=False)):
            label = f"{median_label} – {row.name}" if median_label else str(row.name)
            fig.add_trace(
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
                    name=label,
                    hovertemplate=f"{label}: %{{x:{fmt}}} {unit}<extra></extra>",
                )
            )
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
) -> go.Figure:
    """All municipalities (`area_code, name, x, y`) in grey, the chosen ones named."""
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
    fig.update_layout(
        hovermode="closest",
        xaxis={"title": {"text": x_title}, "automargin": True},
        yaxis={"title": {"text": y_title}, "automargin": True},
    )
    return fig


def compare_trend_figure(
    frame: pd.DataFrame, lang: str, *, title: str, unit: str = "", decimals: int = 1
) -> go.Figure:
    """One line per area or group (`name, kind, period, value`); groups dashed. `period` is a
    date (monthly series) or an integer year (annual series, drawn with whole-year ticks)."""
    fmt = number_format(decimals)
    fig = go.Figure()
    data = frame.dropna(subset=["value"])
    for (name, kind), series in data.groupby(["name", "kind"], sort=False):
        series = series.sort_values("period")
        fig.add_trace(
            go.Scatter(
                x=series["period"],
                y=series["value"],
                name=name,
                mode="lines+markers" if len(series) <= 12 else "lines",
                line={"dash": "dash" if kind == "group" else "solid", "width": 2},
                hovertemplate=f"{name}: %{{y:{fmt}}} {unit}<extra></extra>",
            )
        )
    base_layout(fig, title, lang, height=440)
    fig.update_layout(yaxis={"title": {"text": unit}, "tickformat": fmt, "automargin": True})
    if pd.api.types.is_integer_dtype(data["period"]):
        fig.update_xaxes(tickformat="d", dtick=1 if data["period"].nunique() <= 12 else None)
    return fig


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
        **trace,
    )


def choropleth_figure(
    frame: pd.DataFrame,
    geojson: dict | str,
    lang: str,
    *,
    title: str,
    unit: str = "",
    decimals: int = 1,
    direction: str = "neutral",
    outlines: Iterable[tuple[str, dict | Iterable[str], str]] = (),
    missing: tuple[str, dict | Iterable[str]] | None = None,
    feature_id_key: str = "properties.kunta",
) -> go.Figure:
    """Municipal values (`area_code, name, value`) on the boundaries in `geojson`.

    `outlines`: (legend label, FeatureCollection of the outlined municipalities, colour), each a
    transparent choropleth with a thick border; `missing`: (label, FeatureCollection) drawn grey.
    The map is tile-free: a hidden `geo` base map fitted to the drawn municipalities.
    `geojson` may be a URL (plotly.js fetches it once); outlines and missing may then give
    municipality codes instead of collections and share it (issue 5: small figures).
    """
    data = frame.dropna(subset=["value"])
    fmt = number_format(decimals)
    key = feature_id_key.split(".", 1)[1]

    def shapes(collection: dict | Iterable[str]) -> tuple[dict | str, list[str]]:
        if isinstance(collection, dict):
            return collection, [f["properties"][key] for f in collection["features"]]
        return geojson, sorted(collection)

    fig = go.Figure()
    missing_shapes = shapes(missing[1]) if missing is not None else (None, [])
    if missing_shapes[1]:
        label = missing[0]
        collection, codes = missing_shapes
        fig.add_trace(
            _flat_shapes(
                collection,
                codes,
                feature_id_key,
                fill=NO_DATA,
                line={"color": "white", "width": 0.3},
                name=label,
                showlegend=True,
                hovertemplate=f"{label}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Choropleth(
            geojson=geojson,
            featureidkey=feature_id_key,
            locations=data["area_code"],
            z=data["value"],
            text=data["name"],
            colorscale=direction_colorscale(direction),
            marker={"line": {"color": "white", "width": 0.3}},
            colorbar={
                "title": {"text": unit, "side": "top"},
                "tickformat": fmt,
                "thickness": 14,
                "len": 0.6,
            },
            hovertemplate=f"%{{text}}: %{{z:{fmt}}} {unit}<extra></extra>",
            showlegend=False,
        )
    )
    for label, outlined, colour in outlines:
        collection, codes = shapes(outlined)
        fig.add_trace(
            _flat_shapes(
                collection,
                codes,
                feature_id_key,
                fill="rgba(0,0,0,0)",
                line={"color": colour, "width": 2.2},
                hoverinfo="skip",
                name=label,
                showlegend=False,
            )
        )
        # A choropleth's legend item has no swatch; an empty line trace shows the colour.
        fig.add_trace(
            go.Scattergeo(
                lon=[None],
                lat=[None],
                mode="lines",
                line={"color": colour, "width": 3},
                name=label,
                showlegend=True,
                hoverinfo="skip",
            )
        )
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    base_layout(fig, title, lang, height=780)
    fig.update_layout(
        hovermode="closest",
        dragmode=False,
        margin={"l": 0, "r": 0, "t": 56, "b": 0},
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": 0.99,
            "x": 0,
            "bgcolor": "rgba(255,255,255,0.8)",
        },
    )
    return fig


def national_share_figure(frame: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """Grouped bars: each group's share (%) of the national total per measure.

    `frame`: measure (label), group (label), group_code, share (0–100).
    """
    fig = go.Figure()
    for index, (code, rows) in enumerate(frame.groupby("group_code", sort=False)):
        name = str(rows["group"].iloc[0])
        fig.add_trace(
            go.Bar(
                x=rows["measure"],
                y=rows["share"],
                name=name,
                marker_color=COMPARISON.get(code, PALETTE[index % len(PALETTE)]),
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


# --------------------------------------------------------------------------- town profile


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
        # Start the dashed line at the last actual year so the two read as one series.
        joined = pd.concat([actual.tail(1), projection]) if not actual.empty else projection
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
) -> go.Figure:
    """A monthly series per area (long frame: area_code, month, value); the subject drawn first.

    `names` maps area codes to legend names; comparison groups use `COMPARISON` colours.
    """
    fig = go.Figure()
    order = [subject] + [c for c in names if c != subject]
    others = iter(PALETTE[1:])
    for code in order:
        part = frame[frame.area_code == code].sort_values("month")
        if part.empty:
            continue
        colour = SUBJECT if code == subject else COMPARISON.get(code) or next(others)
        fig.add_trace(
            go.Scatter(
                x=part.month,
                y=part.value,
                name=names.get(code, code),
                mode="lines",
                line={
                    "color": colour,
                    "width": 2.8 if code == subject else 1.8,
                    "dash": "solid" if code == subject else "dot" if code == "SSS" else "dash",
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
) -> go.Figure:
    """Grouped horizontal bars: one category per row of `frame` (column `label`), one bar per
    series; `series` maps a value column (e.g. 'value', 'value_SSS') to its legend name."""
    fig = go.Figure()
    colours = {
        "value": SUBJECT,
        "value_network": COMPARISON["network"],
        "value_university_cities": COMPARISON["university_cities"],
        "value_SSS": COMPARISON["SSS"],
    }
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


# --- composite index and peers (issue 7)


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
