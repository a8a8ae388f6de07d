"""The registry of core tables on small frames: parts validated when added, stacked once."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipeline.build.registry import PARTS, TABLES, CoreTables
from pipeline.build.report import BuildReport


def municipal_areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["001", "002"],
            "kind": "municipality",
            "name_fi": ["A", "B"],
            "name_sv": ["A", "B"],
            "name_en": ["A", "B"],
            "region_code": ["MK01", None],
            "is_network": [True, False],
        }
    )


def peer_areas(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"area_code": codes, "kind": "peers", "name_fi": "P", "name_sv": "P", "name_en": "P"}
    )


@pytest.fixture
def tables() -> CoreTables:
    return CoreTables(municipalities=["001", "002"], bounds={}, files={})


def test_every_table_is_declared_once_with_parts():
    assert len(TABLES) == len(set(TABLES)) == 11
    assert {p.table for p in PARTS.values()} == set(TABLES)
    assert [n for n, p in PARTS.items() if p.table == "core.areas"] == ["areas", "peer_areas"]


def test_parts_stack_in_the_first_parts_columns(tables):
    assert tables.add("areas", municipal_areas()) == []
    assert tables.add("peer_areas", peer_areas(["peers:001"])) == []
    areas = tables.frame("core.areas")
    assert list(areas.columns) == list(municipal_areas().columns)
    assert areas["area_code"].tolist() == ["001", "002", "peers:001"]
    assert areas["is_network"].tolist()[:2] == [True, False]
    assert areas["is_network"].isna().tolist() == [False, False, True]  # NULL, not False
    assert areas["region_code"].iloc[0] == "MK01" and areas["region_code"].iloc[1:].isna().all()


def test_a_part_is_validated_when_added(tables):
    bad = municipal_areas().assign(kind=["municipality", "planet"])
    problems = tables.add("areas", bad)
    assert len(problems) == 1 and problems[0].startswith("core.areas: column kind")
    assert "area_code='002'" in problems[0]


def test_a_later_part_may_not_reuse_keys(tables):
    tables.add("areas", municipal_areas())
    problems = tables.add("peer_areas", peer_areas(["002"]))
    assert problems == ["core.areas: peer_areas rows clash with existing keys: 002"]


def test_write_needs_every_table(tables):
    tables.add("areas", municipal_areas())
    con = duckdb.connect(":memory:")
    with pytest.raises(RuntimeError, match="no step built core.group_members"):
        tables.write(con, BuildReport(out_path=None, seconds=0.0))
