"""queries.groups_of_areas (one query per catalogue group and language, filtered per call)
against a plain join of core.group_members and core.areas for the asked areas only."""

from __future__ import annotations

import random

import duckdb
import pytest

from tests.helpers import queries_on

NAME = {"fi": "name_fi", "sv": "name_sv", "en": "name_en"}


def _expected(con, areas: list[str], group_id: str, lang: str) -> list[tuple]:
    return con.execute(
        f"SELECT m.area_code, m.group_code, g.{NAME[lang]} FROM core.group_members m "  # noqa: S608
        "JOIN core.areas g ON g.area_code = m.group_code "
        "WHERE g.group_id = ? AND list_contains(?, m.area_code) ORDER BY m.area_code",
        [group_id, areas],
    ).fetchall()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_each_area_gets_its_group_of_the_catalogue_group(warehouse_path, lang):
    from dashboard import queries

    rng = random.Random(lang)
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        towns = [
            r[0]
            for r in con.execute(
                "SELECT area_code FROM core.areas WHERE kind = 'municipality' ORDER BY 1"
            ).fetchall()
        ]
        group_ids = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT g.group_id FROM core.group_members m "
                "JOIN core.areas g ON g.area_code = m.group_code ORDER BY 1"
            ).fetchall()
        ]
        asks = [[t] for t in rng.sample(towns, 5)] + [rng.sample(towns, 40), [], ["999"]]
        cases = [(areas, group_id) for areas in asks for group_id in group_ids]
        expected = [_expected(con, areas, group_id, lang) for areas, group_id in cases]
    assert len(group_ids) >= 3 and any(expected)
    with queries_on(warehouse_path):
        for (areas, group_id), rows in zip(cases, expected, strict=True):
            found = queries.groups_of_areas(areas, group_id, lang)
            assert list(found.columns) == ["area_code", "group_code", "group_name"]
            assert list(found.itertuples(index=False, name=None)) == rows, (areas, group_id)
