"""core.index_values, core.index_components and core.peers in a warehouse built from the real
snapshot, checked against the method (docs/method.md) recomputed here in plain pandas/numpy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard import services
from pipeline import composite, peers
from pipeline.build.indices import PEER_COUNT
from pipeline.presentation import load_presentation


@pytest.fixture(scope="module")
def warehouse(warehouse_path) -> Path:
    """The session's warehouse (tests/conftest.py), built from the real snapshot."""
    return warehouse_path


@pytest.fixture(scope="module")
def con(warehouse) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def frame(con, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def test_index_values_cover_every_municipality(con):
    values = frame(con, "SELECT * FROM core.index_values")
    municipalities = set(
        frame(con, "SELECT area_code FROM core.areas WHERE kind='municipality'")["area_code"]
    )
    assert len(municipalities) == 308
    assert "index_overall" in set(values["index_id"])
    for index_id, rows in values.groupby("index_id"):
        assert set(rows["area_code"]) == municipalities, index_id
        scored = rows.dropna(subset=["score"])
        assert scored["score"].between(0, 1).all()
        assert sorted(scored["rank"].astype(int)) == sorted(composite.rank_scores(scored["score"]))
        # the best town has rank 1, and the ranks follow the scores
        order = scored.sort_values("score", ascending=False)
        assert order["rank"].iloc[0] == 1 and order["rank"].is_monotonic_increasing


def _mean_of_at_least_half(frame: pd.DataFrame) -> pd.Series:
    """Row means over the present columns, where at least half of the columns are present."""
    enough = frame.notna().sum(axis=1) >= 0.5 * frame.shape[1]
    return frame.mean(axis=1, skipna=True).where(enough)


def test_overall_is_the_mean_of_the_theme_indices(con):
    values = frame(con, "SELECT index_id, area_code, score FROM core.index_values")
    wide = values.pivot(index="area_code", columns="index_id", values="score")
    themes = wide.drop(columns="index_overall")
    expected = _mean_of_at_least_half(themes)
    np.testing.assert_allclose(expected.to_numpy(), wide["index_overall"].to_numpy())


def test_components_are_directional_intensive_observations(con):
    components = frame(con, "SELECT * FROM core.index_components")
    meta = frame(con, "SELECT indicator_id, direction, aggregation FROM core.indicators")
    used = meta.set_index("indicator_id").loc[components["indicator_id"].unique()]
    assert (used["direction"] != "neutral").all()
    assert (used["aggregation"] != "sum").all()
    assert components["year"].max() <= dt.date.today().year  # no projections
    # every theme index lists its indicators, and the overall lists all of them
    overall = set(components.loc[components["index_id"] == "index_overall", "indicator_id"])
    assert overall == set(components["indicator_id"])
    # the index's year is the latest year among its components
    years = frame(con, "SELECT DISTINCT index_id, year FROM core.index_values")
    expected = components.groupby("index_id")["year"].max()
    assert years.set_index("index_id")["year"].to_dict() == expected.to_dict()


def _normalised(x: pd.Series, direction: str) -> pd.Series:
    """docs/method.md, per indicator: winsorise, root-transform when skewed, min-max, flip."""
    low, high = np.quantile(x.dropna(), [0.025, 0.975])  # linear interpolation
    x = x.clip(low, high)
    present = x.dropna().to_numpy()
    n = len(present)
    m2 = ((present - present.mean()) ** 2).mean()
    m3 = ((present - present.mean()) ** 3).mean()
    g = 0.0 if m2 == 0 else np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5
    if g > 1:
        x = np.sqrt(x - low)
    elif g < -1:
        x = -np.sqrt(high - x)
    y = (x - x.min()) / (x.max() - x.min())
    return 1 - y if direction == "lower_is_better" else y


def _expected_scores(con) -> pd.DataFrame:
    """Theme and overall scores from core.indicator_values, by the method, area × index."""
    municipalities = frame(con, "SELECT area_code FROM core.areas WHERE kind='municipality'")
    codes = sorted(municipalities["area_code"])
    meta = frame(con, "SELECT indicator_id, theme, direction, aggregation FROM core.indicators")
    values = frame(
        con,
        "SELECT indicator_id, area_code, year, value FROM core.indicator_values "
        "WHERE month IS NULL",
    )
    future = set(values.loc[values["year"] > dt.date.today().year, "indicator_id"])
    eligible = meta[
        (meta["direction"] != "neutral")
        & (meta["aggregation"] != "sum")
        & ~meta["indicator_id"].isin(future)
    ].set_index("indicator_id")
    normalised = {}
    for indicator, rows in values[values["indicator_id"].isin(eligible.index)].groupby(
        "indicator_id"
    ):
        coverage = rows.groupby("year")["area_code"].nunique()
        covered = coverage[coverage >= 0.9 * len(codes)]
        if covered.empty:
            continue
        latest = rows[rows["year"] == covered.index.max()].set_index("area_code")["value"]
        column = _normalised(latest.reindex(codes), eligible.at[indicator, "direction"])
        if column.notna().any():
            normalised[indicator] = column
    wide = pd.DataFrame(normalised)
    scores = {}
    for theme, members in eligible.loc[list(wide.columns)].groupby("theme").groups.items():
        scores[f"index_{theme}"] = _mean_of_at_least_half(wide[list(members)])
    out = pd.DataFrame(scores)
    out["index_overall"] = _mean_of_at_least_half(out)
    return out


def test_index_scores_recompute_from_indicator_values(con):
    """The stored scores and ranks are what the method gives on the stored values."""
    expected = _expected_scores(con)
    stored = frame(con, "SELECT index_id, area_code, score, rank FROM core.index_values")
    scores = stored.pivot(index="area_code", columns="index_id", values="score")
    assert sorted(scores.columns) == sorted(expected.columns)
    np.testing.assert_allclose(
        scores[expected.columns].to_numpy(), expected.reindex(scores.index).to_numpy()
    )
    ranks = stored.pivot(index="area_code", columns="index_id", values="rank")
    by_hand = expected.round(12).rank(ascending=False, method="min")
    np.testing.assert_array_equal(
        ranks[expected.columns].to_numpy("float64"), by_hand.reindex(ranks.index).to_numpy()
    )


def test_peers(con):
    table = frame(con, "SELECT * FROM core.peers")
    assert (table.groupby("area_code").size() == PEER_COUNT).all()
    assert table["area_code"].nunique() == 308
    assert (table["area_code"] != table["peer_code"]).all()
    for _, rows in table.groupby("area_code"):
        assert rows.sort_values("rank")["distance"].is_monotonic_increasing
    # the large university cities are each other's peers
    helsinki = set(table.loc[table["area_code"] == "091", "peer_code"])
    assert {"837", "853"} <= helsinki  # Tampere, Turku


def test_stored_peers_match_nearest_peers(con):
    municipalities = list(
        frame(con, "SELECT area_code FROM core.areas WHERE kind='municipality'")["area_code"]
    )
    values = frame(
        con, "SELECT indicator_id, area_code, year, month, value FROM core.indicator_values"
    )
    profile = peers.profile_frame(values, municipalities)
    declared = load_presentation().peer_profile
    chosen = [i for i in declared.indicators if i in profile.columns]
    assert chosen == list(declared.indicators)  # the whole declared profile exists
    live = peers.nearest_peers(profile, "140", chosen, k=10, log=declared.log)
    stored = frame(con, "SELECT * FROM core.peers WHERE area_code = '140' ORDER BY rank")
    assert live["area_code"].tolist() == stored["peer_code"].tolist()
    np.testing.assert_allclose(live["distance"], stored["distance"])


# --------------------------------------------------------------------------- dashboard queries


@pytest.fixture(scope="module")
def q(warehouse):
    from dashboard import queries

    queries.configure(warehouse)
    return queries


def test_index_scores_query(q, con):
    assert q.index_themes() == ["demography", "economy", "labour", "skills"]
    equal = services.index_scores()
    assert len(equal) == 308 and equal["rank"].min() == 1
    labour = services.index_scores(index_id="index_labour")
    assert (labour["index_id"] == "index_labour").all()
    # weighting labour 3 times makes the overall follow the labour index more closely
    heavy = services.index_scores({"labour": 3.0})
    corr_equal = equal["score"].corr(labour["score"])
    assert heavy["score"].corr(labour["score"]) > corr_equal
    assert sorted(heavy["rank"]) == sorted(composite.rank_scores(heavy["score"]))


def test_parse_weights(q):
    params = {"w_labour": "2", "w_economy": ["0.5"], "w_bogus": "3", "w_skills": "x"}
    assert services.parse_weights(params) == {"labour": 2.0, "economy": 0.5}
    assert services.parse_weights({"w_labour": "99"}) == {"labour": 3.0}
    zero = {f"w_{theme}": "0" for theme in q.index_themes()}
    assert services.parse_weights(zero) == {}


def test_rank_ranges_query(q, con):
    weights = {"labour": 2.0}
    ranges = services.rank_ranges(weights)
    scores = services.index_scores(weights).set_index("area_code")
    ranges = ranges.set_index("area_code")
    assert ranges["rank"].tolist() == scores.loc[ranges.index, "rank"].tolist()
    assert (ranges["rank_min"] <= ranges["rank"]).all()
    assert (ranges["rank"] <= ranges["rank_max"]).all()
    assert (ranges["rank_p05"] <= ranges["rank_median"]).all()
    assert (ranges["rank_max"] > ranges["rank_min"]).any()  # weights do matter somewhere
    # seeded: a fresh computation on the stored theme indices gives the same ranges, another
    # seed other ones
    themes = frame(con, "SELECT index_id, area_code, score FROM core.index_values")
    themes = themes[themes["index_id"] != "index_overall"]
    wide = themes.pivot(index="area_code", columns="index_id", values="score")
    wide.columns = [c.removeprefix("index_") for c in wide.columns]
    fresh = composite.overall_rank_ranges(wide, weights, draws=1000, seed=0)
    pd.testing.assert_frame_equal(fresh.set_index("area_code"), ranges, check_like=True)
    other = composite.overall_rank_ranges(wide, weights, draws=1000, seed=1)
    assert not other.set_index("area_code").equals(ranges)


def test_peers_queries(q):
    stored = services.peers("140")
    assert len(stored) == 10 and "140" not in set(stored["area_code"])
    chosen = services.peers("140", ["population", "unemployment_rate"], k=5)
    assert len(chosen) == 5 and set(chosen["area_code"]) != set(stored["area_code"][:5])
    assert services.peers("999").empty
    assert q.peer_group_code("peers:140") == "140"
    assert q.peer_group_code("peers:999") is None and q.peer_group_code("network") is None
    assert q.group_members("peers:140") == sorted(stored["area_code"])
    assert q.area_name("peers:140", "en") == "Peers of Iisalmi"
    assert "unemployment_rate" in q.index_indicators()
    assert q.index_indicators("index_skills") == [
        "masters_doctoral_share",
        "tertiary_share",
        "upper_secondary_share",
    ]


def test_peer_groups_are_groups_aggregated_by_rule(q, con):
    areas = frame(con, "SELECT * FROM core.areas WHERE kind = 'peers'")
    assert len(areas) == 308 and set(areas["area_code"]) == {
        f"peers:{c}" for c in frame(con, "SELECT area_code FROM core.peers")["area_code"]
    }
    members = q.group_members("peers:140")
    assert "140" not in members and len(members) == 10
    series = q.group_series("unemployment_rate", ["peers:140"])
    assert (series["n_members"] == 10).all()
    year = int(series["year"].max())
    rows = con.execute(
        "SELECT numerator, denominator FROM core.indicator_values WHERE indicator_id = "
        "'unemployment_rate' AND year = ? AND list_contains(?, area_code)",
        [year, members],
    ).df()
    expected = 100 * rows["numerator"].sum() / rows["denominator"].sum()  # a ratio of sums
    got = series.loc[series["year"] == year, "value"].iloc[0]
    assert got == pytest.approx(expected)
    population = q.group_series("population", ["peers:140"])
    latest = population[population["year"] == population["year"].max()]
    members_sum = con.execute(
        "SELECT sum(value) FROM core.indicator_values WHERE indicator_id = 'population' "
        "AND month IS NULL AND year = ? AND list_contains(?, area_code)",
        [int(latest["year"].iloc[0]), members],
    ).fetchone()[0]
    assert latest["value"].iloc[0] == pytest.approx(members_sum)


def test_indices_export_like_indicators(warehouse, tmp_path):
    from pipeline.export import ExportError, Selection, export_file, select_frame

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = select_frame(
            connection,
            Selection(indicators=("index_overall", "unemployment_rate"), areas=("140",), lang="en"),
        )
        index = rows[rows["indicator_id"] == "index_overall"]
        assert len(index) == 1 and index["label"].iloc[0] == "Overall index"
        stored = connection.execute(
            "SELECT score FROM core.index_values WHERE index_id = 'index_overall' "
            "AND area_code = '140'"
        ).fetchone()[0]
        assert index["value"].iloc[0] == pytest.approx(stored)
        assert (rows["indicator_id"] == "unemployment_rate").any()
        only = select_frame(connection, Selection(indicators=("index_labour",)))
        assert set(only["indicator_id"]) == {"index_labour"} and len(only) == 308
        with pytest.raises(ExportError, match="index_nope"):
            select_frame(connection, Selection(indicators=("index_nope",)))
        peers_rows = select_frame(
            connection, Selection(indicators=("population",), groups=("peers:140",))
        )
        assert set(peers_rows["area_code"]) == {"peers:140"}
    out = tmp_path / "indices.csv"
    assert export_file(warehouse, Selection(indicators=("index_overall",)), "csv", out) == 308
