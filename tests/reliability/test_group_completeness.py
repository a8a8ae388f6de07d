"""Group completeness: a group value some members lack is flagged (`complete = false`, with
`n_values` of `n_members`) or left out, as the catalogue's `completeness` rule says.

The snapshot is the bundled one with Helsinki's 2023 population suppressed by the publisher's
own marker (".."), so the country, the university cities and every peer group holding Helsinki
lack one member that year. Expected figures come from the csv itself (plain pandas).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT
from pipeline.build import build_warehouse
from pipeline.build.groups import apply_completeness
from pipeline.catalogue import Completeness, load_catalogue
from pipeline.snapshot import rebuild_manifest

POPULATION_FILE = "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"
QUERY = (
    "SELECT group_code, year, value, published_value, n_members, n_values, complete, method "
    "FROM core.group_values WHERE indicator_id = 'population' AND year IN (2022, 2023) "
    "ORDER BY group_code, year"
)


@pytest.fixture(scope="module")
def suppressed(tmp_path_factory) -> Path:
    """A snapshot copy with Helsinki's 2023 population suppressed ("..")."""
    import shutil

    snapshot = tmp_path_factory.mktemp("suppressed") / "snapshot"
    shutil.copytree(DEFAULT_SNAPSHOT, snapshot)
    path = snapshot / POPULATION_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count("KU091,Helsinki,2023,674500\n") == 1
    path.write_text(text.replace("KU091,Helsinki,2023,674500\n", "KU091,Helsinki,2023,..\n"))
    rebuild_manifest(snapshot)
    return snapshot


def csv_2023() -> pd.DataFrame:
    rows = pd.read_csv(DEFAULT_SNAPSHOT / POPULATION_FILE, dtype={"area_code": str})
    return rows[rows.year == 2023]


def build_rows(catalogue, snapshot: Path, out: Path) -> pd.DataFrame:
    build_warehouse(catalogue, snapshot, out)
    with duckdb.connect(str(out), read_only=True) as con:
        return con.execute(QUERY).df().set_index(["group_code", "year"])


def with_rule(catalogue, rule: Completeness, group_id: str | None = None):
    """The catalogue with `rule` for one group, or as the default (peers) and every group."""
    groups = tuple(
        dataclasses.replace(g, completeness=rule) if group_id in (None, g.id) else g
        for g in catalogue.groups
    )
    default = rule if group_id is None else catalogue.completeness
    return dataclasses.replace(catalogue, groups=groups, completeness=default)


def test_default_rule_keeps_and_flags_a_partial_country(suppressed, tmp_path):
    """Before: the country's 2023 population silently summed 307 of 308 towns, unflagged."""
    rows = build_rows(load_catalogue(), suppressed, tmp_path / "w.duckdb")
    published = csv_2023()
    towns = published[published.area_code.str.startswith("KU")]
    country = rows.loc[("SSS", 2023)]
    assert (country.n_values, country.n_members) == (307, 308)
    assert not country.complete and country.method == "computed"
    assert country.value == towns.loc[towns.area_code != "KU091", "population_31dec"].sum()
    assert country.published_value == published.loc[published.area_code == "SSS"].iloc[0, -1]
    university = rows.loc[("university_cities", 2023)]
    assert (university.n_values, university.n_members, university.complete) == (19, 20, False)
    assert rows.loc[("SSS", 2022)].complete and rows.loc[("SSS", 2022)].n_values == 308
    flagged = rows[~rows.complete.astype(bool)].index
    assert all(year == 2023 for _, year in flagged)
    assert {"SSS", "MK01", "university_cities"} <= {code for code, _ in flagged}


def test_a_group_rule_may_drop_partial_values(suppressed, tmp_path):
    """The country drops partial values: its publisher's own 2023 figure stands instead; the
    university cities (default rule) stay flagged."""
    catalogue = with_rule(load_catalogue(), Completeness(1.0, False), "country")
    rows = build_rows(catalogue, suppressed, tmp_path / "w.duckdb")
    country = rows.loc[("SSS", 2023)]
    published = csv_2023()
    assert country.value == published.loc[published.area_code == "SSS"].iloc[0, -1]
    assert (country.method, country.n_values, bool(country.complete)) == ("published", 0, True)
    assert not rows.loc[("university_cities", 2023)].complete


def test_the_default_rule_may_drop_every_partial_value(suppressed, tmp_path):
    """Dropped everywhere: groups without a published figure (the university cities, the peer
    groups of Helsinki's peers) have no 2023 population; 2022 is untouched."""
    catalogue = with_rule(load_catalogue(), Completeness(1.0, False))
    rows = build_rows(catalogue, suppressed, tmp_path / "w.duckdb")
    assert ("university_cities", 2023) not in rows.index
    assert ("university_cities", 2022) in rows.index
    assert rows.complete.all()
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        holding = {
            code
            for (code,) in con.execute(
                "SELECT group_code FROM core.group_members WHERE area_code = '091' "
                "AND group_code LIKE 'peers:%'"
            ).fetchall()
        }
    assert holding
    assert not {code for code, year in rows.index if year == 2023} & holding
    assert {code for code, year in rows.index if year == 2022} >= holding


def frame(**columns) -> pd.DataFrame:
    base = {
        "group_code": ["a", "a", "b", "b"],
        "value": [1.0, 2.0, 3.0, 4.0],
        "published_value": [None, 9.0, None, None],
        "n_members": [10, 10, 4, 4],
        "n_values": [10, 9, 3, 0],
        "method": ["computed", "computed", "computed", "published"],
        "numerator": 1.0,
        "denominator": 1.0,
        "weight": 1.0,
        "source_id": "s",
        "source_id_published": [None, "p", None, None],
    }
    return pd.DataFrame({**base, **columns})


def test_min_share_and_show_partial_on_small_frames():
    """9 of 10 meets a 0.9 share, 3 of 4 does not; a published-only row is always complete."""
    rules = {"a": Completeness(0.9, False)}
    kept = apply_completeness(frame(), rules, Completeness(1.0, True))
    assert kept.complete.tolist() == [True, True, False, True]
    assert kept.value.tolist() == [1.0, 2.0, 3.0, 4.0]
    dropped = apply_completeness(frame(), {}, Completeness(0.8, False))
    assert dropped.group_code.tolist() == ["a", "a", "b"]  # b's 3 of 4 (0.75) left out
    fallback = apply_completeness(frame(), {}, Completeness(1.0, False))
    row = fallback.iloc[1]
    assert (row.value, row.method, row.n_values, row.complete) == (9.0, "published", 0, True)
    assert row.source_id == "p" and pd.isna(row.numerator)
    assert fallback.group_code.tolist() == ["a", "a", "b"]
