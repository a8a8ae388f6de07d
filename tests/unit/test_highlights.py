"""dashboard.highlights: generated sentences from values, on contract-shaped frames and real data."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import highlights, queries
from pipeline.presentation import load_presentation

PRES = load_presentation()


def frame(rows: list[dict]) -> pd.DataFrame:
    """A town_values-shaped frame (the contract columns the rules read)."""
    base = {"year": 2020, "month": pd.NaT, "value_SSS": None, "value_network": None}
    return pd.DataFrame([{**base, **row} for row in rows])


def test_processing_share_ratio_to_the_country():
    values = frame(
        [
            {
                "indicator_id": "jobs_processing_share",
                "label": "Processing jobs",
                "value": 36.0,
                "value_SSS": 20.0,
            }
        ]
    )
    assert highlights.job_share_ratios(values, "en", PRES) == [
        "Processing jobs is 1.8 × the national share (36.0 % vs 20.0 %, 2020)."
    ]
    assert "1,8 ×" in highlights.job_share_ratios(values, "fi", PRES)[0]


def test_a_share_near_the_country_is_not_a_highlight():
    values = frame(
        [{"indicator_id": "jobs_services_share", "label": "S", "value": 70.0, "value_SSS": 72.0}]
    )
    assert highlights.job_share_ratios(values, "en", PRES) == []


def test_unemployment_gap_direction_and_period():
    values = frame(
        [
            {
                "indicator_id": "unemployment_rate_monthly",
                "year": 2025,
                "month": pd.Timestamp("2025-01-01"),
                "value": 10.1,
                "value_SSS": 12.0,
            }
        ]
    )
    (sentence,) = highlights.unemployment_gap(values, "en", PRES)
    assert "1.9 percentage points below" in sentence and "1/2025" in sentence
    values.loc[0, "value"] = 14.0  # a weakness is no headline
    assert highlights.unemployment_gap(values, "en", PRES) == []
    values.loc[0, "value"] = 11.5  # not notably below
    assert highlights.unemployment_gap(values, "en", PRES) == []


def test_population_trend_over_ten_years():
    population = pd.DataFrame(
        {
            "year": [2012, 2013, 2023, 2040],
            "value": [1000.0, 1000.0, 1100.0, 800.0],
            "kind": ["actual", "actual", "actual", "projection"],
        }
    )
    (sentence,) = highlights.population_trend(population, "en")
    assert sentence.startswith("The population changed by +10.0 % from 2013 to 2023")
    population.loc[2, "value"] = 900.0  # a falling population is no headline
    assert highlights.population_trend(population, "en") == []


def test_missing_values_give_no_sentence():
    values = frame([{"indicator_id": "job_self_sufficiency", "label": "x", "value": None}])
    assert highlights.town_highlights(values, "sv", None) == []
    assert highlights.town_highlights(frame([{"indicator_id": "x", "value": 1.0}]), "en") == []


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_real_town_highlights(warehouse_path, lang):
    queries.configure(warehouse_path)
    sentences = highlights.town_highlights(
        queries.town_values("684", lang), lang, queries.population_history("684")
    )
    assert 2 <= len(sentences) <= 6
    assert all("{" not in s and "nan" not in s.lower() for s in sentences)
    # Rauma's secondary-production share is well above the national share (2020 key figures).
    ratio = [s for s in sentences if "×" in s]
    assert ratio and ("1,7 ×" in ratio[0] or "1.7 ×" in ratio[0])


def test_the_country_is_the_presentations_country_role():
    """Renaming the country group (another area code) moves the rules to its value column."""
    from dataclasses import replace
    from types import MappingProxyType

    renamed = replace(PRES, role_codes=MappingProxyType({**PRES.role_codes, "country": "FI"}))
    values = frame(
        [
            {
                "indicator_id": PRES.highlights.education,
                "value": 40.0,
                "value_SSS": 40.0,  # the old code's column: not read any more
                "value_FI": 30.0,
            }
        ]
    )
    (sentence,) = highlights.tertiary_education(values, "en", renamed)
    assert "40.0" in sentence and "30.0" in sentence
    assert highlights.tertiary_education(values, "en", PRES) == []  # 40 vs 40: no gap
