"""figures.data.figure_rows: the plotted points of each kind of trace, and nothing drawn only."""

from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio

from dashboard import figures
from dashboard.figures.data import figure_rows


def browser(fig) -> dict:
    return json.loads(pio.to_json(fig))  # typed arrays as the browser sends them back


def test_ranking_rows_are_the_bars_and_the_median_once():
    frame = pd.DataFrame(
        {
            "name": ["Iisalmi", "Raahe", "Verkosto"],
            "value": [16.6, 12.0, 14.6],
            "kind": ["municipality", "municipality", "group"],
        }
    )
    medians = pd.DataFrame({"name": ["Verkosto"], "value": [14.1]})
    fig = figures.compare_ranking_figure(
        frame,
        "fi",
        title="T",
        unit="%",
        medians=medians,
        group_label="Ryhmä",
        median_label="Mediaani",
    )
    rows = figure_rows(browser(fig))
    bars = rows[rows.series.isna()]
    assert dict(zip(bars.label, bars.value, strict=True)) == {
        "Iisalmi": 16.6,
        "Raahe": 12.0,
        "Verkosto": 14.6,
    }
    median = rows[rows.series == "Mediaani – Verkosto"]
    assert list(median.x) == [14.1]  # one row, not the line's two ends


def test_scatter_rows_name_each_area():
    frame = pd.DataFrame(
        {
            "area_code": ["091", "140"],
            "name": ["Helsinki", "Iisalmi"],
            "x": [1.5, 2.5],
            "y": [10.0, 20.0],
        }
    )
    fig = figures.compare_scatter_figure(
        frame, "en", title="T", x_title="A", y_title="B", highlight=["140"], others_label="All"
    )
    rows = figure_rows(browser(fig))
    assert sorted(zip(rows.label, rows.x, rows.y, strict=True)) == [
        ("Helsinki", 1.5, 10.0),
        ("Iisalmi", 2.5, 20.0),
    ]
