"""The lean default template: every trace type and subplot the pages draw keeps plotly_white's
settings, and the template in a figure's JSON is a fraction of plotly_white's."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.io as pio

from dashboard import figures  # noqa: F401  (sets the default template)
from dashboard.figures import common

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def _drawn_trace_types() -> set[str]:
    """Trace types the dashboard's code constructs (`go.Bar(` -> 'bar'), read from the source."""
    import re

    names = set()
    for path in DASHBOARD.rglob("*.py"):
        names |= set(re.findall(r"\bgo\.([A-Z][a-z]+)\(", path.read_text(encoding="utf-8")))
    return {n.lower() for n in names} - {"figure"}


def test_every_trace_type_drawn_has_plotly_whites_defaults():
    white = pio.templates["plotly_white"].to_plotly_json()
    lean = pio.templates[pio.templates.default].to_plotly_json()
    drawn = _drawn_trace_types()
    assert drawn >= {"bar", "scatter", "choropleth"}, drawn
    for trace in drawn:
        assert lean["data"].get(trace) == white["data"][trace], trace


def test_layout_defaults_are_plotly_whites_except_unused_subplots():
    white = pio.templates["plotly_white"].to_plotly_json()["layout"]
    lean = pio.templates[pio.templates.default].to_plotly_json()["layout"]
    assert set(white) - set(lean) == set(common.UNUSED_SUBPLOTS)
    for key, value in lean.items():
        assert value == white[key], key


def test_no_page_draws_an_unused_subplot():
    source = "\n".join(p.read_text(encoding="utf-8") for p in DASHBOARD.rglob("*.py"))
    for subplot in common.UNUSED_SUBPLOTS:
        assert f"{subplot}=" not in source and f'"{subplot}":' not in source, subplot


def test_a_figure_carries_under_half_of_plotly_whites_bytes():
    fig = common.no_data_figure("–", "en")
    carried = len(json.dumps(fig.to_plotly_json()["layout"]["template"]))
    whole = len(json.dumps(pio.templates["plotly_white"].to_plotly_json()))
    assert carried < whole / 2, (carried, whole)
