"""A group value some members lack (core.group_values.complete = false) is never shown as the
group's on a page, and exports carry every group value's coverage."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from pipeline.export import Selection, select_frame
from tests.helpers import queries_on


@pytest.fixture()
def partial_warehouse(small_warehouse_path, tmp_path):
    """The small warehouse with the country's December 2023 unemployment marked partial."""
    path = tmp_path / "partial.duckdb"
    shutil.copyfile(small_warehouse_path, path)
    con = duckdb.connect(str(path))
    con.execute(
        "UPDATE core.group_values SET complete = false, n_values = 1 "
        "WHERE group_code = 'SSS' AND indicator_id = 'unemployment_rate_monthly' "
        "AND month = TIMESTAMP '2023-12-01'"
    )
    con.close()
    return path


def test_pages_queries_leave_a_partial_group_value_out(partial_warehouse, small_warehouse_path):
    with queries_on(small_warehouse_path) as queries:
        whole = queries.latest_values(["140"], ["unemployment_rate_monthly"])
        assert whole["value_SSS"].tolist() == [11.0]  # the complete value is shown
    with queries_on(partial_warehouse) as queries:
        row = queries.latest_values(["140"], ["unemployment_rate_monthly"])
        assert row["value_SSS"].isna().all()
        assert row["value_network"].tolist() == [10.0]  # the network's value is complete
        monthly = queries.monthly_comparison("unemployment_rate_monthly", "140", ["SSS"])
        assert "SSS" not in set(monthly.area_code)
        series = queries.group_series("unemployment_rate_monthly", ["SSS", "network"])
        assert set(series.group_code) == {"network"}


def test_exports_carry_the_coverage_of_group_values(partial_warehouse):
    con = duckdb.connect(str(partial_warehouse), read_only=True)
    try:
        frame = select_frame(con, Selection(indicators=("unemployment_rate_monthly",)))
    finally:
        con.close()
    country = frame[frame.area_code == "SSS"]
    assert country[["n_values", "n_members"]].astype(int).values.tolist() == [[1, 2]]
    municipal = frame[frame.area_code == "140"]
    assert municipal[["n_values", "n_members"]].isna().all().all()
    assert pd.notna(country["value"]).all()  # kept, with its coverage, for the analyst
