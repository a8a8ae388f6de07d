"""dashboard.queries on the real warehouse built from the bundled snapshot."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import queries

NETWORK = {"140", "740", "678", "287", "111", "232", "249", "684", "305", "832"}


@pytest.fixture(scope="module", autouse=True)
def configured(warehouse_path):
    queries.configure(warehouse_path)


def test_municipalities_are_the_2025_division():
    assert len(queries.municipality_codes()) == 308
    assert queries.is_municipality("091")
    assert not queries.is_municipality("588")  # Pertunmaa merged into Mäntyharju in 2025
    for bad in (None, 91, "91", "SSS", "091' OR '1'='1", "x" * 500):
        assert not queries.is_municipality(bad)


def test_names_follow_the_language():
    assert queries.area_name("091", "fi") == "Helsinki"
    assert queries.area_name("091", "sv") == "Helsingfors"
    assert queries.area_name("nope", "en") is None
    names = queries.municipalities("sv").name
    assert list(names) == sorted(names, key=str.lower)


def test_network_towns():
    towns = queries.network_towns("fi")
    assert set(towns.area_code) == NETWORK
    assert set(queries.group_members("network")) == NETWORK


def test_indicators_have_labels_in_each_language():
    for lang in ("fi", "sv", "en"):
        frame = queries.indicators(lang)
        assert frame.label.notna().all() and (frame.label.str.len() > 0).all()
    assert queries.indicator_meta("population", "en")["label"] == "Population"
    assert queries.indicator_meta("no_such_indicator", "en") is None


def test_user_input_is_bound_not_formatted():
    hostile = "091') OR 1=1 --"
    assert queries.indicator_series("population", [hostile]).empty
    assert queries.latest_values([hostile]).empty
    assert queries.group_series("population'; DROP TABLE core.areas; --", ["SSS"]).empty
    assert queries.is_municipality("091")  # the tables are still there


def test_latest_values_compare_like_with_like():
    frame = queries.latest_values(["684"], ["population", "unemployment_rate_monthly"])
    population = frame.set_index("indicator_id").loc["population"]
    assert population.year == 2023 and pd.isna(population.month)
    assert population.prev_year == 2022
    monthly = frame.set_index("indicator_id").loc["unemployment_rate_monthly"]
    assert pd.Timestamp(monthly.prev_month) == pd.Timestamp(monthly.month) - pd.DateOffset(years=1)


def test_country_population_is_the_sum_of_municipalities():
    latest = queries.latest_values(sorted(queries.municipality_codes()), ["population"])
    assert latest.year.nunique() == 1
    assert latest.value_SSS.iloc[0] == pytest.approx(latest.value.sum())
    network = latest[latest.area_code.isin(NETWORK)]
    assert network.value_network.iloc[0] == pytest.approx(network.value.sum())


def test_town_values_have_metadata_groups_and_the_regional_context():
    frame = queries.town_values("684", "en")
    assert {"label", "unit", "decimals", "direction", "theme", "level"} <= set(frame.columns)
    assert frame.indicator_id.is_unique
    assert (frame[frame.level == "municipality"].value.notna()).all()
    gdp = frame.set_index("indicator_id").loc["gdp_per_capita"]
    assert gdp.level == "region" and gdp.value > 0  # Satakunta's value


def test_population_history_and_projection():
    history = queries.population_history("684")
    actual = history[history.kind == "actual"]
    assert actual.year.min() == 1972 and actual.year.max() == 2023
    assert history[history.kind == "projection"].year.max() == 2040


def test_monthly_comparison_has_the_town_and_groups():
    frame = queries.monthly_comparison("unemployment_rate_monthly", "684", ["network", "SSS"])
    assert set(frame.area_code) == {"684", "network", "SSS"}
    assert frame.month.notna().all()


def test_sources_and_build_info():
    sources = queries.sources_for(["population", "population_projection"], "en")
    assert {"population_11re", "projection_14wx"} <= set(sources.source_id)
    assert (sources.licence == "CC BY 4.0").all()
    assert queries.provenance("sv").title.notna().all()
    assert queries.build_info()["built_at"] is not None
