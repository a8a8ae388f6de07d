"""The data page's grid shows each indicator's catalogue decimals with trailing zeros kept (the
same AG Grid formatter as the compare gaps grid), not up to six decimals. The formatter is run
in node, the way the browser runs it."""

from __future__ import annotations

import json
import shutil
import subprocess

import duckdb
import pandas as pd
import pytest

from dashboard.views import data

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node runs the formatter")


def _formatted(column: dict, rows: list[dict]) -> list[str]:
    """The column's valueFormatter applied to each row's cell, in node."""
    body = column["valueFormatter"]["function"]
    script = (
        f"const f = (params) => {body};\n"
        f"const rows = {json.dumps(rows)};\n"
        f"console.log(JSON.stringify(rows.map((r) => f({{value: r[{json.dumps(column['field'])}],"
        " data: r}))));"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


LONG = pd.DataFrame(
    {
        "indicator_id": ["jobs", "unemployment_rate", "unemployment_rate", "index_overall"],
        "year": [2020, 2021, 2022, 2021],
        "value": [8602.0, 13.0, 13.25, 0.5],
        "n_values": [None, 12.0, None, None],
    }
)
DECIMALS = {"jobs": 0, "unemployment_rate": 1}


@needs_node
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", ["8\u00a0602", "13,0", "13,3", "0,50"]),
        ("en", ["8,602", "13.0", "13.3", "0.50"]),
    ],
)
def test_long_value_column_uses_each_rows_catalogue_decimals(lang, expected):
    rows = data.grid_rows(LONG, DECIMALS)
    columns = {c["field"]: c for c in data.column_defs(LONG, lang, DECIMALS)}
    assert [r["decimals"] for r in rows] == [0, 1, 1, data.INDEX_DECIMALS]
    assert _formatted(columns["value"], rows) == expected
    assert _formatted(columns["n_values"], rows) == ["", "12", "", ""]


@needs_node
def test_wide_columns_use_their_indicators_decimals():
    wide = pd.DataFrame({"year": [2021], "jobs": [8602.4], "unemployment_rate": [13.0]})
    rows = data.grid_rows(wide, DECIMALS)
    columns = {c["field"]: c for c in data.column_defs(wide, "sv", DECIMALS)}
    assert _formatted(columns["jobs"], rows) == ["8\u00a0602"]
    assert _formatted(columns["unemployment_rate"], rows) == ["13,0"]
    assert "valueFormatter" not in columns["year"]


def test_catalogue_decimals_are_the_warehouses(small_queries, small_warehouse_path):
    with duckdb.connect(str(small_warehouse_path), read_only=True) as con:
        expected = dict(
            con.execute("SELECT indicator_id, decimals FROM core.indicators").fetchall()
        )
    assert data.catalogue_decimals() == expected
