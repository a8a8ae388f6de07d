"""Figure builders: plain functions `(frame, lang, ...) -> go.Figure`, testable without a browser.

Every figure has a title and uses the Okabe-Ito colour-blind-safe palette. Numbers on axes and
hovers follow the language (`separators`). Add a page's figures under its own section header.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.i18n import lang_of

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


def separators(lang: str) -> str:
    """Plotly `separators` (decimal, thousands): '.,' in English, ', ' (thin space) otherwise."""
    return ".," if lang_of(lang) == "en" else ",\u202f"


def base_layout(fig: go.Figure, title: str, lang: str, *, height: int = 360) -> go.Figure:
    """Shared look: title, font, legend below, language number format, no clutter."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 13, "color": "#1d2327"},
        separators=separators(lang),
        template="plotly_white",
        height=height,
        margin={"l": 56, "r": 16, "t": 56, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
        hovermode="x unified",
        colorway=list(PALETTE),
    )
    return fig
