"""Figure builders: plain functions `(frame, lang, ...) -> go.Figure`, testable without a browser.

Every figure has a title and uses the Okabe-Ito colour-blind-safe palette (`common`). Numbers on
axes and hovers follow the language (`separators`). One module per page's figures; the shared
look lives in `common`.
"""

from dashboard.figures.common import (
    COMPARISON,
    FONT,
    OUTLINE_COLOURS,
    OUTLINE_OTHER,
    PALETTE,
    SUBJECT,
    TEMPLATE,
    ByRole,
    base_layout,
    line_looks,
    no_data_figure,
    number_format,
    separators,
)
from dashboard.figures.compare import (
    compare_ranking_figure,
    compare_scatter_figure,
    compare_trend_figure,
)
from dashboard.figures.index import rank_range_figure
from dashboard.figures.map import choropleth_figure, direction_colorscale
from dashboard.figures.network import national_share_figure, share_trend_figure
from dashboard.figures.town import monthly_lines, population_figure, structure_bars
from dashboard.figures.units import ChartUnit, chart_unit

__all__ = [
    "ByRole",
    "ChartUnit",
    "COMPARISON",
    "FONT",
    "OUTLINE_COLOURS",
    "OUTLINE_OTHER",
    "PALETTE",
    "SUBJECT",
    "TEMPLATE",
    "base_layout",
    "chart_unit",
    "choropleth_figure",
    "compare_ranking_figure",
    "compare_scatter_figure",
    "compare_trend_figure",
    "direction_colorscale",
    "monthly_lines",
    "national_share_figure",
    "share_trend_figure",
    "line_looks",
    "no_data_figure",
    "number_format",
    "population_figure",
    "rank_range_figure",
    "separators",
    "structure_bars",
]
