"""dashboard.views.town and town_charts on small hand-made town_values frames."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.views import town, town_charts
from pipeline.presentation import load_presentation

PRES = load_presentation()


def row(name: str, **values) -> pd.Series:
    base = {
        "value": 10.0,
        "prev_value": None,
        "prev_year": None,
        "prev_month": None,
        "year": 2023,
        "month": None,
        "unit": "%",
        "decimals": 1,
        "aggregation": "ratio",
        "direction": "neutral",
    }
    return pd.Series({**base, **values}, name=name)


def test_trend_of_a_rate_in_percentage_points():
    text, css = town.trend_text(
        row("x", value=12.0, prev_value=10.5, prev_year=2022, direction="lower_is_better"), "en"
    )
    assert text.startswith("+1.5 pp") and "2022" in text and "2023" in text
    assert css == "trend up worse"


def test_trend_of_a_count_in_percent():
    count = row("x", value=110.0, prev_value=100.0, prev_year=2022, unit="", decimals=0)
    count["aggregation"] = "sum"
    text, css = town.trend_text(count, "fi")
    assert text.startswith("+10,0 %")  # 100 -> 110 is +10 %
    assert css == "trend up"


def test_no_trend_for_projections_and_a_note_without_a_previous_value():
    assert town.trend_text(row("population_projection_change_pct"), "en") is None
    text, css = town.trend_text(row("x"), "en")
    assert css == "trend" and text


def test_headlines_in_presentation_order_and_only_those_present():
    first, second = PRES.profile.headlines[:2]
    values = pd.DataFrame(
        {"indicator_id": ["not_a_headline", second, first], "value": [1.0, 2.0, 3.0]}
    )
    shown = town.headline_rows(values, PRES)
    assert list(shown.index) == [first, second]
    assert list(shown.value) == [3.0, 2.0]


def test_theme_rows_follow_the_theme_order():
    last, first = PRES.theme_order[-1], PRES.theme_order[0]
    values = pd.DataFrame({"theme": [last, first, last], "indicator_id": ["a", "b", "c"]})
    themes = town.theme_rows(values, PRES)
    assert [theme for theme, _ in themes] == [first, last]
    assert list(themes[1][1].indicator_id) == ["a", "c"]


def test_theme_cells_hide_group_values_of_counts():
    network, university, country = (f"value_{code}" for code in PRES.comparison_codes)
    record = {"value": 5.0, "year": 2023, "month": None, "unit": "%", "decimals": 1}
    ratio = {**record, "aggregation": "ratio", network: 4.0, university: None, country: 6.25}
    assert town.theme_cells(ratio, "en", PRES) == ["5.0\u00a0%", "2023", "4.0", "–", "6.2"]
    count = {**ratio, "aggregation": "sum", "unit": ""}
    assert town.theme_cells(count, "en", PRES)[2:] == ["–", "–", "–"]


def test_job_structure_summary_in_presentation_order():
    country = f"value_{PRES.country}"
    ids = PRES.profile.job_structure
    values = pd.DataFrame(
        {
            "indicator_id": list(reversed(ids)),
            "value": [30.0, 20.0, 10.0][: len(ids)],
            country: [3.0, 2.0, 1.0][: len(ids)],
            "year": [2021] * len(ids),
            "month": [None] * len(ids),
        }
    )
    shares = town_charts.job_shares(values, PRES)
    assert list(shares.index) == list(ids)
    summary = town_charts.jobs_summary(shares, "en", PRES)
    # The first share of the structure was given last (10.0, country 1.0).
    assert summary.startswith("Primary production 10.0 %")
    assert "whole country 1.0 %, 2.0 %, 3.0 %" in summary


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_population_summary_from_first_last_and_projection(lang):
    history = pd.DataFrame(
        {
            "year": [1990, 2023, 2040],
            "value": [1000.0, 1200.0, 1100.0],
            "kind": ["actual", "actual", "projection"],
        }
    )
    text = town_charts.population_summary(history, lang)
    assert "1990" in text and "2023" in text and "2040" in text
    assert town_charts.population_summary(history[history.kind == "actual"], lang) == ""
