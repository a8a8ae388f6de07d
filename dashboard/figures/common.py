"""The look every figure shares: palette, role colours, fonts, number formats, empty figures.

Colours of the comparison groups are declared per role (network, university cities, country),
never per group id: a page turns them into colours per area code with the codes its
presentation gives (`role_colours`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.i18n import lang_of

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. The first colour is reserved for the subject (the town); the rest in order.
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
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"

# plotly_white, cut to what these figures use, as the default template rather than per figure
# (`update_layout(template=...)` copies and validates the whole template on every figure, ~30 ms
# each). Every figure carries its template in the page's JSON: plotly_white whole is 7 KB a
# figure, mostly defaults of trace and subplot types no page draws (3D, polar, ternary,
# heatmaps, contours...). The trace types and subplots drawn keep plotly_white's settings.
TRACE_TYPES = ("bar", "scatter", "choropleth", "scattergeo")
UNUSED_SUBPLOTS = ("polar", "ternary", "scene")
TEMPLATE = "investin"


def lean_template(base: str = "plotly_white") -> go.layout.Template:
    """`base` with the defaults of TRACE_TYPES only and without UNUSED_SUBPLOTS."""
    whole = pio.templates[base].to_plotly_json()
    layout = {k: v for k, v in whole["layout"].items() if k not in UNUSED_SUBPLOTS}
    data = {k: v for k, v in whole["data"].items() if k in TRACE_TYPES}
    return go.layout.Template(layout=layout, data=data)


pio.templates[TEMPLATE] = lean_template()
pio.templates.default = TEMPLATE
TEMPLATE_JSON = pio.templates[TEMPLATE].to_plotly_json()


class ByRole(NamedTuple):
    """One value per comparison role (the roles of `pipeline.presentation.ROLES`): colours
    here, locale keys in the views. Fields name roles, never group ids."""

    country: Any
    network: Any
    university_cities: Any

    def by_code(self, role_codes: Mapping[str, str]) -> dict[str, Any]:
        """{area code: value} for the presentation's role codes (role -> area code)."""
        return {code: getattr(self, role) for role, code in role_codes.items()}


# Lines and bars of the comparison groups beside a town.
COMPARISON = ByRole(country="#000000", network=PALETTE[1], university_cities=PALETTE[2])
# Outlines of the groups on the map.
OUTLINE_COLOURS = ByRole(country=PALETTE[3], network=PALETTE[5], university_cities="#000000")
OUTLINE_OTHER = PALETTE[3]  # any other outlined group (a town's peers)


def separators(lang: str) -> str:
    """Plotly `separators` (decimal, thousands): '.,' in English, ', ' (thin space) otherwise."""
    return ".," if lang_of(lang) == "en" else ",\u202f"


def layout_props(
    title: str, lang: str, *, height: int = 360, subtitle: str | None = None
) -> dict[str, Any]:
    """Shared look: title (and subtitle), font, legend below, language number format."""
    heading = {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}}
    if subtitle:
        heading["subtitle"] = {"text": subtitle, "font": {"size": 13, "color": "#505a62"}}
    return {
        "title": heading,
        "font": {"family": FONT, "size": 13, "color": "#1d2327"},
        "separators": separators(lang),
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 76 if subtitle else 56, "b": 40},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
        "hovermode": "x unified",
        "colorway": list(PALETTE),
    }


def base_layout(
    fig: go.Figure, title: str, lang: str, *, height: int = 360, subtitle: str | None = None
) -> go.Figure:
    """`fig` with the shared look (`layout_props`)."""
    return set_layout(fig, **layout_props(title, lang, height=height, subtitle=subtitle))


def plain_figure(data: list[dict[str, Any]], layout: Mapping[str, Any]) -> dict[str, Any]:
    """A figure as the plain dict plotly.js takes, with the default template: for figures
    made on every page view, where building and validating a `go.Figure` costs more than it
    protects (~10-30 ms a figure against microseconds); their tests check the dicts."""
    return {"data": data, "layout": {"template": TEMPLATE_JSON, **layout}}


def plain_values(values: Iterable[Any]) -> list[Any]:
    """Numbers as JSON takes them: floats, None for a missing value (a gap in a line)."""
    return [None if pd.isna(v) else float(v) for v in values]


def set_layout(fig: go.Figure, **props: Any) -> go.Figure:
    """`fig.update_layout(**props)`, the same result at a tenth of the cost: a property the
    layout does not have yet is assigned (validated as update_layout does it, without its
    path-by-path merge, ~15 ms a figure); one it has is merged by update_layout."""
    present = fig.layout.to_plotly_json()
    merged = {key: value for key, value in props.items() if key in present}
    for key, value in props.items():
        if key not in present:
            fig.layout[key] = value
    if merged:
        fig.update_layout(**merged)
    return fig


def number_format(decimals: int | None) -> str:
    """A d3 format with thousands separators and `decimals` decimals."""
    return f",.{max(int(decimals or 0), 0)}f"


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


# Lines of many areas at once (the compare trend): the Okabe & Ito colours the comparison roles
# do not use, then Paul Tol's muted and light schemes; past the end the dash pattern changes, so
# every line keeps its own look.
LINE_COLOURS = (
    PALETTE[0],
    PALETTE[3],
    PALETTE[4],
    PALETTE[5],
    "#882255",  # wine
    "#44AA99",  # teal
    "#999933",  # olive
    "#332288",  # indigo
    "#AA4499",  # purple
    "#117733",  # green
    "#DDCC77",  # sand
    "#661100",  # brown
    "#6699CC",  # steel blue
    "#88CCEE",  # cyan
    "#F0E442",  # yellow
)
LINE_DASHES = ("solid", "dot", "dashdot", "longdash")
GROUP_DASHES = ("dash", "longdashdot", "dashdot", "dot")


def line_looks(
    areas: Iterable[str], groups: Iterable[str], role_colours: Mapping[str, str]
) -> dict[str, tuple[str, str]]:
    """(colour, dash) per area code, each pair different: municipalities solid in
    LINE_COLOURS in code order (so a town keeps its colour whatever the indicator), groups
    dashed in their role colour or, without a role, in the next free colour."""
    looks: dict[str, tuple[str, str]] = {}
    for index, code in enumerate(sorted(dict.fromkeys(areas))):
        cycle, slot = divmod(index, len(LINE_COLOURS))
        looks[code] = (LINE_COLOURS[slot], LINE_DASHES[cycle % len(LINE_DASHES)])
    spare = iter(range(len(looks), 10**6))
    for code in dict.fromkeys(groups):
        if code in role_colours:
            looks[code] = (role_colours[code], GROUP_DASHES[0])
            continue
        cycle, slot = divmod(next(spare), len(LINE_COLOURS))
        looks[code] = (LINE_COLOURS[slot], GROUP_DASHES[(cycle + 1) % len(GROUP_DASHES)])
    return looks


def with_gaps(periods: Sequence[Any], values: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """Sorted `periods` (integer years or month dates) and their `values` with every missing
    year or month between the first and the last put in as None, so that a line drawn with
    `connectgaps=False` stops at a gap instead of running straight across it."""
    if not len(periods):
        return [], []
    known = dict(zip(periods, values, strict=True))
    first, last = min(known), max(known)
    if isinstance(first, int | np.integer):
        full: list[Any] = list(range(int(first), int(last) + 1))
    else:
        full = list(pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="MS").date)
        known = {pd.Timestamp(k).date(): v for k, v in known.items()}
    return full, [None if pd.isna(known.get(p)) else known.get(p) for p in full]
