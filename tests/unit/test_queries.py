"""dashboard.queries on the small warehouse made in code (tests/small_warehouse.py); every
expected value is worked out by hand from that file's rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def q(small_queries):
    return small_queries


def test_municipalities_and_codes(q):
    assert q.municipality_codes() == {"091", "140", "684", "005"}
    assert {"SSS", "MK04", "network", "peers:140"} <= q.area_codes()
    assert q.is_municipality("091")
    for bad in (None, 91, "91", "SSS", "network", "091' OR '1'='1", "x" * 500, ["091"]):
        assert not q.is_municipality(bad)


def test_names_follow_the_language_and_areas_put_the_country_first(q):
    assert q.area_name("091", "sv") == "Helsingfors"
    assert q.area_name("SSS", "en") == "Whole country"
    assert q.area_name("nope", "en") is None
    assert list(q.municipalities("fi").name) == ["Alajärvi", "Helsinki", "Iisalmi", "Rauma"]
    assert list(q.areas("xx").area_code) == [  # unknown language: Finnish
        "SSS", "network", "university_cities", "005", "091", "140", "684", "peers:140", "MK04"
    ]  # fmt: skip


def test_groups_and_network_towns(q):
    assert q.group_members("network") == ["140", "684"]
    assert q.group_members("nope") == []
    towns = q.network_towns("sv")
    assert towns.to_dict("records") == [
        {"area_code": "140", "name": "Idensalmi"},
        {"area_code": "684", "name": "Raumo"},
    ]
    members = q.members_of_groups(["network", "MK04"]).sort_values(["group_code", "area_code"])
    assert members.values.tolist() == [["MK04", "684"], ["network", "140"], ["network", "684"]]


def test_indicator_catalogue_in_catalogue_order(q):
    assert q.indicator_ids()[:3] == ("population", "population_projection", "unemployment_rate")
    meta = q.indicator_meta("jobs", "en")
    assert meta["unit"] == "jobs" and meta["decimals"] == 0 and meta["theme"] == "labour"
    assert q.indicator_meta("no_such_indicator", "en") is None


def test_latest_values_compare_like_with_like(q):
    frame = q.latest_values(["684"], ["population", "unemployment_rate_monthly"])
    rows = frame.set_index("indicator_id")
    population = rows.loc["population"]
    assert (population.year, population.value) == (2023, 310)
    assert (population.prev_year, population.prev_value) == (2022, 300)
    assert pd.isna(population.month)
    assert (population.value_network, population.value_SSS) == (500, 1200)
    assert population.value_university_cities == 610
    monthly = rows.loc["unemployment_rate_monthly"]
    assert pd.Timestamp(monthly.month) == pd.Timestamp("2023-12-01") and monthly.value == 8.0
    assert pd.Timestamp(monthly.prev_month) == pd.Timestamp("2022-12-01")
    assert monthly.prev_value == 7.0  # December a year earlier, not November 2023
    assert (monthly.value_network, monthly.value_SSS) == (10.0, 11.0)
    assert math.isnan(monthly.value_university_cities)
    assert q.comparison_columns() == ["value_network", "value_university_cities", "value_SSS"]


def test_latest_values_with_a_group_code_takes_the_slow_path_to_the_same_rows(q):
    fast = q.latest_values(["684"], ["population"])
    slow = q.latest_values(["684", "SSS"], ["population"])
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)  # nulls elsewhere: Int32
    assert q.latest_values([]).empty and "value_SSS" in q.latest_values([]).columns


def test_town_values_add_metadata_and_the_region(q):
    frame = q.town_values("684", "en")
    assert list(frame.indicator_id) == [
        "population", "population_projection", "unemployment_rate",
        "unemployment_rate_monthly", "jobs", "gdp_per_capita",
    ]  # fmt: skip
    gdp = frame.set_index("indicator_id").loc["gdp_per_capita"]
    assert gdp.level == "region" and gdp.value == 41000
    assert set(frame.level[:-1]) == {"municipality"}
    assert frame.set_index("indicator_id").loc["unemployment_rate", "value"] == 8.0


def test_population_history_and_projection(q):
    history = q.population_history("140")
    assert history.values.tolist() == [
        [2022, 200.0, "actual"],
        [2023, 190.0, "actual"],
        [2030, 180.0, "projection"],
    ]


def test_monthly_comparison_has_the_town_and_groups(q):
    frame = q.monthly_comparison("unemployment_rate_monthly", "684", ["network", "SSS"])
    assert list(frame.area_code) == ["684", "684", "684", "SSS", "network", "network"]
    assert list(frame.value) == [7.0, 7.5, 8.0, 11.0, 9.0, 10.0]


def test_one_year_takes_the_latest_month(q):
    frame = q.municipal_values("unemployment_rate_monthly", 2023, "sv")
    assert frame[["area_code", "value"]].values.tolist() == [
        ["005", 14.0], ["091", 10.0], ["140", 12.5], ["684", 8.0]
    ]  # fmt: skip
    assert frame.set_index("area_code").name["091"] == "Helsingfors"
    missing = q.municipal_values("jobs", 2023, "fi")
    assert missing.value.isna().all() and len(missing) == 4
    groups = q.group_values_in_year("unemployment_rate", 2023, ["network", "SSS"], "en")
    values = groups.set_index("area_code").value
    assert values["network"] == pytest.approx(100 * 22 / 230) and values["SSS"] == 10.0
    assert q.indicator_years("population") == [2022, 2023]


def test_trend_values_put_municipalities_first(q):
    frame = q.trend_values("population", ["140"], ["network"], "fi")
    assert frame[["area_code", "kind", "year", "value"]].values.tolist() == [
        ["140", "municipality", 2022, 200.0],
        ["140", "municipality", 2023, 190.0],
        ["network", "group", 2022, 500.0],
        ["network", "group", 2023, 500.0],
    ]
    assert frame.annual.all()
    assert pd.Timestamp(frame.period.iloc[0]) == pd.Timestamp("2022-01-01")
    monthly = q.trend_values("unemployment_rate_monthly", ["684"], [], "fi")
    assert not monthly.annual.any() and len(monthly) == 3


def test_group_series(q):
    frame = q.group_series("population", ["SSS", "network"])
    assert frame[["group_code", "year", "value"]].values.tolist() == [
        ["SSS", 2022, 1200.0], ["SSS", 2023, 1200.0],
        ["network", 2022, 500.0], ["network", 2023, 500.0],
    ]  # fmt: skip
    assert q.group_series("population", []).empty


def test_national_shares_are_ratios_of_sums(q):
    shares = q.national_shares(["network"], 2022).set_index("indicator_id")
    assert shares.loc["population", "share"] == pytest.approx(100 * 500 / 1200)
    assert shares.loc["jobs", "share"] == pytest.approx(100 * 240 / 680)
    assert shares.loc["jobs", "country_total"] == 680
    latest = q.national_shares(["network"]).set_index("indicator_id")
    assert latest.loc["population", "year"] == 2023 and latest.loc["jobs", "year"] == 2022
    assert q.share_years() == []  # the sector shares have no values in this warehouse


def test_peer_gaps_rank_by_direction(q):
    gaps = q.peer_gaps(["140"], "peers:140", "en").set_index("indicator_id")
    row = gaps.loc["unemployment_rate"]
    assert row.value == 12.5 and row.area == "Iisalmi"
    assert (row["rank"], row.n) == (3, 4)  # 8 < 10 < 12.5 = 12.5: tied third
    assert row.peer_value == pytest.approx(100 * 17 / 190)
    assert row.peer_median == pytest.approx((12.5 + 8.0) / 2)  # members 005 and 684
    assert gaps.loc["population", "peer_median"] == (90 + 310) / 2  # 2023, not 2022


def test_sources_provenance_and_build_info(q):
    sources = q.sources_for(["population", "jobs", "population"], "sv")
    assert list(sources.source_id) == ["jobs_115h", "population_11re"]
    assert list(sources.title) == ["jobs_115h sv", "population_11re sv"]
    assert q.sources_for([], "fi").empty
    assert str(q.build_info()["built_at"]) == "2024-01-02 03:04:05"


def test_stored_indices_and_peer_groups(q):
    assert q.index_themes() == ["demography", "labour"]
    assert q.index_indicators("index_labour") == ["unemployment_rate"]
    assert list(q.stored_peers("140", 1).area_code) == ["684"]
    assert q.is_peer_group("peers:140") and q.peer_group_code("peers:140") == "140"
    assert not q.is_peer_group("peers:999") and q.peer_group_code(None) is None


def test_each_process_queries_on_one_thread(q):
    from dashboard.queries import runner

    threads = runner.connection().execute("SELECT current_setting('threads')").fetchone()[0]
    assert int(threads) == 1 and runner.CONNECTION_SETTINGS == "SET threads = 1"
