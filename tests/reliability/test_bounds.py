"""Plausibility limits: a figure outside the bounds the catalogue declares stops the build, naming
the table, the limits (and their kind), the value, the row and the snapshot file.

The bad snapshots are copies of the bundled one with one cell edited and the manifest rebuilt
(so the failure is the data's, not a checksum mismatch). The year-on-year rule is also checked
against a plain-pandas oracle on random series.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipeline.build import BuildError, build_warehouse
from pipeline.build.bounds import year_on_year_jumps
from pipeline.catalogue import Bounds
from pipeline.snapshot import rebuild_manifest

POPULATION_FILE = "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"
HELSINKI_2023 = "KU091,Helsinki,2023,674500"


def edit_population(snapshot: Path, new_line: str) -> int:
    """Replace Helsinki's 2023 line of the 11re csv; rebuild the manifest; return the file line
    (header = 1), which staging keeps as `source_row`."""
    path = snapshot / POPULATION_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    index = lines.index(HELSINKI_2023)
    lines[index] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rebuild_manifest(snapshot)
    return index + 1


def build_fails(catalogue, snapshot: Path, previous: Path) -> str:
    before = previous.read_bytes()
    with pytest.raises(BuildError) as info:
        build_warehouse(catalogue, snapshot, previous)
    assert previous.read_bytes() == before, "the previous warehouse changed"
    return str(info.value)


def test_population_of_1e300_fails_naming_file_and_row(catalogue, snapshot, previous):
    """Before: the build passed; the country, MK01 and the university cities became 1e300."""
    line = edit_population(snapshot, "KU091,Helsinki,2023,1e300")
    report = build_fails(catalogue, snapshot, previous)
    assert "staging.population_11re" in report and POPULATION_FILE in report
    assert "check bounds 0..10,000,000 (kind population)" in report
    assert "value 1e+300" in report and "area_code='091', year=2023" in report
    assert f"source_row={line}" in report


def test_tenfold_population_fails_year_on_year(catalogue, snapshot, previous):
    """Below the ceiling, but ten times the year before: the change factor catches it."""
    line = edit_population(snapshot, "KU091,Helsinki,2023,6745000")
    report = build_fails(catalogue, snapshot, previous)
    assert "check bounds year on year within x2 (kind population)" in report
    assert "value 6745000" in report and f"source_row={line}" in report
    assert POPULATION_FILE in report and "0..10,000,000" not in report


def test_core_values_outside_an_indicators_bounds_fail(catalogue, previous):
    """The indicator's own bounds are checked on municipal and group values, naming the
    indicator, the area and the source file (here the bounds, not the data, are tightened)."""
    from pipeline import DEFAULT_SNAPSHOT

    tight = Bounds(0.0, 600_000.0, None, None)
    indicators = tuple(
        dataclasses.replace(i, bounds=tight) if i.id == "population" else i
        for i in catalogue.indicators
    )
    report = build_fails(
        dataclasses.replace(catalogue, indicators=indicators), DEFAULT_SNAPSHOT, previous
    )
    assert (
        "core.indicator_values" in report and "check bounds 0..600,000 (declared inline)" in report
    )
    assert "indicator_id='population', area_code='091', year=2023" in report
    assert POPULATION_FILE in report and "value 674500" in report
    assert "core.group_values" in report and "group_code='KR1', year=1972" in report


def test_real_data_is_within_every_declared_bound(catalogue, warehouse_path):
    """An independent pass over the built warehouse: every staging row and every core value
    within its variable's or indicator's min..max."""
    limits = pd.DataFrame(
        [(v.id, v.bounds.min, v.bounds.max) for s in catalogue.sources for v in s.variables],
        columns=["id", "low", "high"],
    ).drop_duplicates()
    indicator_limits = pd.DataFrame(
        [(i.id, i.bounds.min, i.bounds.max) for i in catalogue.indicators],
        columns=["id", "low", "high"],
    )
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        frames = [
            con.execute(f"SELECT variable AS id, value FROM staging.{s.id}").df()  # noqa: S608
            for s in catalogue.sources
            if s.variables
        ]
        core = con.execute(
            "SELECT indicator_id AS id, value FROM core.indicator_values UNION ALL "
            "SELECT indicator_id, value FROM core.group_values"
        ).df()
    staged = pd.concat(frames).dropna().merge(limits, on="id", validate="many_to_one")
    valued = core.merge(indicator_limits, on="id", validate="many_to_one")
    for rows in (staged, valued):
        assert len(rows) > 100_000
        outside = rows[(rows.value < rows.low) | (rows.value > rows.high)]
        assert outside.empty, outside.head()


def _oracle(rows: pd.DataFrame, factor: float) -> set[int]:
    """Row labels whose value jumps by more than `factor` from the year before: a loop."""
    known = {(r.series, r.month, r.year): (label, r.value) for label, r in rows.iterrows()}
    failing = set()
    for (series, month, year), (label, value) in known.items():
        before = known.get((series, month, year - 1))
        if before is None or not (value > 0 and before[1] > 0):
            continue
        if value > factor * before[1] or before[1] > factor * value:
            failing.add(label)
    return failing


@pytest.mark.parametrize("seed", range(5))
def test_year_on_year_rule_matches_a_plain_loop(seed):
    rng = np.random.default_rng(seed)
    n = 400
    keys = pd.DataFrame(
        {
            "series": rng.choice(["a", "b", "c"], n),
            "year": rng.integers(2000, 2012, n),
            "month": rng.choice(
                [pd.NaT, pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")], n
            ),
        }
    ).drop_duplicates(["series", "year", "month"])
    values = rng.choice([0.0, -1.0, np.nan, 1.0, 1.9, 2.5, 10.0], len(keys))
    rows = keys.assign(value=values).sample(frac=1, random_state=seed).reset_index(drop=True)
    month_of_year = pd.to_datetime(rows["month"]).dt.month.fillna(0).astype(int)
    expected = _oracle(rows.assign(month=month_of_year), 2.0)
    found = set(rows.index[year_on_year_jumps(rows, ["series"], 2.0)])
    assert found == expected
    assert expected or seed != 0  # the random series do contain jumps
