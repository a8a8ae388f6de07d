"""core.latest_ranked against plain pandas on core.indicator_values and core.indicators: the
latest period of each indicator (newest year, that year's newest month), every municipality
with a value then, its rank by the indicator's direction (ties share the best rank) and how
many were ranked."""

from __future__ import annotations

import duckdb
import pandas as pd


def _expected(values: pd.DataFrame, directions: pd.Series) -> pd.DataFrame:
    year = values.groupby("indicator_id").year.transform("max")
    newest_year = values[values.year == year]
    month = newest_year.groupby("indicator_id").month.transform("max")
    same_month = (newest_year.month == month) | (newest_year.month.isna() & month.isna())
    latest = newest_year[same_month & newest_year.value.notna()].copy()
    latest["direction"] = latest.indicator_id.map(directions)
    by_indicator = latest.groupby("indicator_id").value
    higher = by_indicator.rank(method="min", ascending=False)
    lower = by_indicator.rank(method="min", ascending=True)
    latest["rank"] = higher.where(latest.direction == "higher_is_better").fillna(
        lower.where(latest.direction == "lower_is_better")
    )
    latest["n"] = by_indicator.transform("size")
    return latest.sort_values(["area_code", "indicator_id"]).reset_index(drop=True)


def test_latest_ranked_is_each_indicators_latest_period_ranked(warehouse_path):
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        values = con.execute(
            "SELECT indicator_id, area_code, year, month, value FROM core.indicator_values"
        ).df()
        directions = con.execute("SELECT indicator_id, direction FROM core.indicators").df()
        table = con.execute(
            "SELECT * FROM core.latest_ranked ORDER BY area_code, indicator_id"
        ).df()
    expected = _expected(values, directions.set_index("indicator_id").direction)
    assert len(table) == len(expected) > 10_000
    columns = ["indicator_id", "area_code", "year", "value", "direction"]
    pd.testing.assert_frame_equal(
        table[columns].astype(str), expected[columns].astype(str), check_dtype=False
    )
    assert (table.month.isna() == expected.month.isna()).all()
    assert (table.month.dropna().to_numpy() == expected.month.dropna().to_numpy()).all()
    assert table["rank"].isna().equals(expected["rank"].isna())
    ranked = table["rank"].notna()
    assert (table["rank"][ranked].astype(int) == expected["rank"][ranked].astype(int)).all()
    assert (table.n.astype(int) == expected.n.astype(int)).all()
    assert ranked.any() and not ranked.all()  # neutral indicators are left unranked
