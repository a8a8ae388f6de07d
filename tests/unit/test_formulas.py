"""The formula engine on small hand-made frames (expected values worked out by hand)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipeline.build import formulas

NAT = pd.NaT


def staging(rows: list[tuple]) -> pd.DataFrame:
    """Staging rows from (area_code, year, month or None, variable, value)."""
    frame = pd.DataFrame(rows, columns=["area_code", "year", "month", "variable", "value"])
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def test_first_listed_source_wins_and_extra_keys_are_totalled():
    first = staging([("001", 2020, None, "pop", 100.0), ("002", 2020, None, "pop", 50.0)])
    second = staging([("001", 2020, None, "pop", 999.0), ("003", 2020, None, "pop", 7.0)])
    ages = staging([("001", 2020, None, "jobs", 3.0), ("001", 2020, None, "jobs", 4.0)])
    ages["age"] = ["0-14", "15-64"]
    stacked = formulas.stack_sources(
        [(first, False), (None, False), (second, False), (ages, False)]
    )
    rows = stacked.set_index(["area_code", "variable"])
    assert rows.loc[("001", "pop"), "value"] == 100.0  # not 999: the first source wins
    assert rows.loc[("001", "pop"), "_order"] == 0
    assert rows.loc[("003", "pop"), "_order"] == 2  # the position in the listed sources
    assert rows.loc[("001", "jobs"), "value"] == 7.0  # 3 + 4 over the ages
    assert len(stacked) == 4


def test_no_sources_give_an_empty_stack():
    stacked = formulas.stack_sources([(None, False)])
    assert stacked.empty and "_order" in stacked.columns


def test_pivot_wide_annual():
    stacked = formulas.stack_sources(
        [
            (
                staging(
                    [
                        ("002", 2021, None, "a", 2.0),
                        ("001", 2020, None, "a", 1.0),
                        ("001", 2020, None, "b", 10.0),
                    ]
                ),
                False,
            )
        ]
    )
    (wide,) = formulas.pivot_wide(stacked, ["value"])
    assert list(wide.columns) == ["area_code", "year", "month", "a", "b"]
    assert wide[["area_code", "year"]].values.tolist() == [["001", 2020], ["002", 2021]]
    assert wide["a"].tolist() == [1.0, 2.0]
    assert wide["b"].iloc[0] == 10.0 and np.isnan(wide["b"].iloc[1])
    assert wide["month"].isna().all()


def test_annual_values_fill_the_months_of_their_year():
    monthly = staging(
        [("001", 2020, "2020-01-01", "rate", 5.0), ("001", 2020, "2020-02-01", "rate", 6.0)]
    )
    annual = staging([("001", 2020, None, "pop", 100.0), ("001", 2020, None, "rate", 99.0)])
    stacked = formulas.stack_sources([(monthly, True), (annual, False)])
    value, order = formulas.pivot_wide(stacked, ["value", "_order"])
    assert value["month"].tolist() == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")]
    assert value["pop"].tolist() == [100.0, 100.0]  # the year's value in every month
    assert value["rate"].tolist() == [5.0, 6.0]  # the monthly value is kept
    assert order["pop"].tolist() == [1.0, 1.0] and order["rate"].tolist() == [0.0, 0.0]


def test_lag_and_at_year_columns():
    stacked = formulas.stack_sources(
        [
            (
                staging(
                    [
                        ("001", 2019, None, "pop", 90.0),
                        ("001", 2020, None, "pop", 100.0),
                        ("001", 2021, None, "pop", 120.0),
                    ]
                ),
                False,
            )
        ]
    )
    (wide,) = formulas.pivot_wide(stacked, ["value"])
    by_variable = dict(tuple(stacked.groupby("variable")))
    exprs = ["pop - lag(pop, 1)", "pop / at_year(pop, 2020)"]
    assert formulas.period_columns(exprs) == ["pop__at_2020", "pop__lag_1"]
    wide = formulas.add_period_columns(wide, by_variable, exprs)
    assert wide["pop__lag_1"].tolist()[1:] == [90.0, 100.0] and np.isnan(wide["pop__lag_1"][0])
    assert wide["pop__at_2020"].tolist() == [100.0, 100.0, 100.0]
    assert formulas.to_sql(exprs[0]) == 'pop - "pop__lag_1"'
    arrays = formulas.evaluate(wide, {"change": exprs[0], "relative": exprs[1]})
    assert np.ma.getmaskarray(arrays["change"]).tolist() == [True, False, False]  # no 2018
    assert arrays["change"][1:].tolist() == [10.0, 20.0]
    assert arrays["relative"].tolist() == [0.9, 1.0, 1.2]


def test_monthly_lag_is_months_back():
    stacked = formulas.stack_sources(
        [
            (
                staging(
                    [
                        ("001", 2020, "2020-12-01", "u", 4.0),
                        ("001", 2021, "2021-01-01", "u", 5.0),
                    ]
                ),
                True,
            )
        ]
    )
    (wide,) = formulas.pivot_wide(stacked, ["value"])
    wide = formulas.add_period_columns(
        wide, dict(tuple(stacked.groupby("variable"))), ["lag(u, 1)"]
    )
    assert np.isnan(wide["u__lag_1"][0]) and wide["u__lag_1"][1] == 4.0  # December → January


def wide_frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(
        {"area_code": [f"00{i}" for i in range(n)], "year": 2020, "month": NAT, **columns}
    )


def test_where_keeps_unused_rows_from_failing():
    wide = wide_frame(x=[10.0, 10.0], d=[4.0, 0.0])
    quotient = "CAST(x AS INTEGER) // CAST(d AS INTEGER)"
    with pytest.raises(duckdb.Error):
        formulas.evaluate(wide, {"q": quotient})  # integer division by zero fails in DuckDB
    arrays = formulas.evaluate(wide, {"q": quotient}, {"q": np.array([True, False])})
    assert arrays["q"][0] == 2.0 and np.ma.getmaskarray(arrays["q"]).tolist() == [False, True]


def test_evaluated_frame_names_a_division_by_zero():
    wide = wide_frame(x=[1.0, 2.0], d=[1.0, 0.0])
    exprs = {"value": "x / d", "weight": None}
    arrays = formulas.evaluate(wide, {"value": "x / d"})
    with pytest.raises(formulas.FormulaError, match=r"value expression 'x / d' gives inf .* 001"):
        formulas.evaluated_frame(wide, exprs, arrays)
    ok = formulas.evaluate(wide.iloc[:1], {"value": "x / d"})
    frame = formulas.evaluated_frame(wide.iloc[:1], exprs, ok)
    assert frame["value"].tolist() == [1.0] and frame["weight"].isna().all()
    assert list(frame.columns) == ["area_code", "year", "month", "value", "weight"]
