"""Values in thousands of euros are drawn in millions (axes, hovers, colour bar in 'milj. €' /
'€ million'), while the figure's 'data' CSV keeps the source values in '1 000 €', labelled."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard import figures
from dashboard.figure_data import figure_csv
from dashboard.figures.data import figure_rows

UNIT = {"fi": "1 000 €", "sv": "1 000 €", "en": "EUR 1,000"}
LABEL = {"fi": "milj.\u00a0€", "sv": "milj.\u00a0€", "en": "€ million"}
# hand-picked: a loan stock of 61 342 thousand euros is 61.342 million
RANKING = pd.DataFrame(
    {"name": ["Heinola", "Iisalmi"], "value": [61342.0, 8000.0], "kind": ["municipality"] * 2}
)


def _csv(fig, lang: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(figure_csv(fig.to_plotly_json(), "Tilastokeskus", lang)))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_ranking_in_millions_and_its_csv_in_thousands(lang):
    fig = figures.compare_ranking_figure(RANKING, lang, title="t", unit=UNIT[lang], decimals=0)
    bars = fig.data[0]
    assert sorted(bars.x) == pytest.approx([8.0, 61.342])
    assert fig.layout.xaxis.title.text == LABEL[lang] and fig.layout.xaxis.tickformat == ",.1f"
    assert LABEL[lang] in bars.hovertemplate and UNIT[lang] not in bars.hovertemplate
    table = _csv(fig, lang)
    value_column = next(c for c in table.columns if UNIT[lang] in c)
    assert sorted(table[value_column]) == [8000.0, 61342.0]


def test_trend_and_map_scale_the_same_way():
    trend = pd.DataFrame(
        {
            "area_code": ["111", "111"],
            "name": ["Heinola", "Heinola"],
            "kind": ["municipality"] * 2,
            "period": [2022, 2023],
            "value": [60000.0, 61342.0],
        }
    )
    fig = figures.compare_trend_figure(trend, "fi", title="t", unit="1 000 €", decimals=0)
    assert list(fig.data[0].y) == pytest.approx([60.0, 61.342])
    assert fig.layout.yaxis.title.text == "milj.\u00a0€"
    assert list(figure_rows(fig).y) == pytest.approx([60000.0, 61342.0])
    values = pd.DataFrame({"area_code": ["111"], "name": ["Heinola"], "value": [61342.0]})
    geojson = {"type": "FeatureCollection", "features": []}
    fig = figures.choropleth_figure(values, geojson, "en", title="t", unit="EUR 1,000")
    layer = fig.data[-1]
    assert list(layer.z) == pytest.approx([61.342])
    assert layer.colorbar.title.text == "€ million" and "€ million" in layer.hovertemplate
    assert list(figure_rows(fig).value) == pytest.approx([61342.0])


def test_scatter_axis_scaled_and_csv_header_names_the_source_unit():
    chart = figures.chart_unit("1 000 €", "fi")
    frame = chart.scaled(
        pd.DataFrame({"area_code": ["111"], "name": ["Heinola"], "x": [61342.0], "y": [13.0]}),
        ["x"],
    )
    fig = figures.compare_scatter_figure(
        frame,
        "fi",
        title="t",
        x_title=f"Lainakanta ({chart.label}), 2023",
        y_title="Työttömyysaste (%), 2023",
        units={"x": chart},
    )
    table = _csv(fig, "fi")
    x_column = next(c for c in table.columns if "Lainakanta" in c)
    assert "1 000 €" in x_column and "milj." not in x_column
    assert list(table[x_column]) == [61342.0]
    assert list(table[next(c for c in table.columns if "Työttömyysaste" in c)]) == [13.0]


def test_other_units_are_untouched():
    fig = figures.compare_ranking_figure(
        RANKING.assign(value=[13.0, 9.5]), "fi", title="t", unit="%", decimals=1
    )
    assert sorted(fig.data[0].x) == [9.5, 13.0] and fig.layout.xaxis.title.text == "%"
    assert not fig.layout.meta
