"""The unit a figure plots in: values in thousands of euros are drawn in millions ('milj. €',
'€ million'), as `i18n.fmt_value` writes them in text; every other unit as it is.

A figure builder that is given a catalogue unit turns it into a `ChartUnit` (`chart_unit`),
scales the plotted columns (`ChartUnit.scaled`) and labels its axes and hovers with
`ChartUnit.label`; `mark_source_units` records on the figure how to undo the scale, so the
'data' CSV under the figure (`figures.data`) stays in the source unit and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import THOUSAND_EUROS, lang_of

MILLION_EUROS = {"fi": "milj.\u00a0€", "sv": "milj.\u00a0€", "en": "€ million"}
META_KEY = "source_units"  # layout.meta[META_KEY]: {data column: [factor, source, label]}


class ChartUnit(NamedTuple):
    """`label`: the axis and hover unit; plotted value = source value × `factor`; `source`: the
    catalogue unit of the values (the CSV's)."""

    label: str
    factor: float
    source: str

    @property
    def is_scaled(self) -> bool:
        return self.factor != 1

    def decimals(self, decimals: int) -> int:
        """Decimals to plot with: millions with one, as in text."""
        return 1 if self.is_scaled else decimals

    def scaled(self, frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
        """`frame` with `columns` (those present) in the chart unit."""
        if not self.is_scaled:
            return frame
        present = [c for c in columns if c in frame]
        return frame.assign(**{c: frame[c] * self.factor for c in present})


def chart_unit(unit: str, lang: str) -> ChartUnit:
    """The plotted unit of values in the catalogue `unit`."""
    unit = unit or ""
    if unit in THOUSAND_EUROS:
        return ChartUnit(MILLION_EUROS[lang_of(lang)], 1 / 1000, unit)
    return ChartUnit(unit, 1.0, unit)


def mark_source_units(fig: go.Figure, units: Mapping[str, ChartUnit]) -> go.Figure:
    """Record on `fig` the scaled data columns (`figures.data` names: 'x', 'y', 'value')."""
    scaled = {k: [1 / u.factor, u.source, u.label] for k, u in units.items() if u.is_scaled}
    if scaled:
        meta: dict[str, Any] = dict(fig.layout.meta or {})
        fig.update_layout(meta={**meta, META_KEY: scaled})
    return fig


def source_units(layout: Mapping[str, Any]) -> dict[str, tuple[float, str, str]]:
    """{data column: (factor back to the source unit, source unit, chart label)} of a figure's
    layout (a dict, as the browser sends it back)."""
    meta = layout.get("meta") or {}
    raw = meta.get(META_KEY) if isinstance(meta, Mapping) else None
    return {k: (float(v[0]), str(v[1]), str(v[2])) for k, v in (raw or {}).items()}
