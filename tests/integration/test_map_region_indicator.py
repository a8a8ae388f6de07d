"""The map after the indicator is changed to a region-level one (GDP per capita): the title
names the year, the colour scale is labelled as the regions' values and the source line (and
the 'data' button's source text) are the chosen indicator's, not the previous one's.

Oracles: plain SQL on core.group_values (the newest year of complete region values),
core.all_values joined to core.provenance (the table ids behind the indicator's values).
"""

from __future__ import annotations

import sys

import duckdb
import pytest

from tests.helpers import component_text, queries_on

REGIONAL = "gdp_per_capita"  # published only for regions (a test of the map's region mode)
BEFORE = "unemployment_rate"
SCALE_WORD = {"fi": "maakun", "sv": "landskap", "en": "region"}


def _tables(con, indicator: str) -> set[str]:
    rows = con.execute(
        "SELECT DISTINCT p.table_id FROM core.all_values v "
        "JOIN core.provenance p USING (source_id) WHERE v.indicator_id = ?",
        [indicator],
    ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture(scope="module")
def oracle(warehouse_path):
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        (year,) = con.execute(
            "SELECT max(g.year) FROM core.group_values g JOIN core.areas a "
            "ON a.area_code = g.group_code WHERE a.kind = 'region' AND g.complete "
            "AND g.indicator_id = ?",
            [REGIONAL],
        ).fetchone()
        return {"year": year, "own": _tables(con, REGIONAL), "before": _tables(con, BEFORE)}


@pytest.fixture(scope="module")
def page(dashboard_app, warehouse_path):
    # the page module as Dash loaded it (importing dashboard.pages.map would register it twice)
    import dash

    module = next(p["module"] for p in dash.page_registry.values() if p["path"] == "/map")
    with queries_on(warehouse_path):
        yield sys.modules[module]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_switching_to_a_regional_indicator(page, oracle, lang):
    options, year = page.update_years(REGIONAL, 2024)  # 2024: the previous indicator's year
    assert year == oracle["year"] and options
    # the figure callback sees the new indicator before the year list has caught up
    for shown_year in (2024, None, year):
        answer = page.update(REGIONAL, shown_year, ["network"], lang)
        figure, _summary, search, _link, sources, data_source = answer
        title = figure.layout.title.text
        assert str(oracle["year"]) in title and "None" not in title, title
        (values,) = [
            tr for tr in figure.data if tr.type == "choropleth" and tr.showscale is not False
        ]
        assert SCALE_WORD[lang] in values.colorbar.title.text.lower()
        text = component_text(sources)
        assert all(table in text for table in oracle["own"]), text
        assert all(table in data_source for table in oracle["own"]), data_source
        stray = oracle["before"] - oracle["own"]
        assert stray and not any(table in text or table in data_source for table in stray)
        assert f"year={oracle['year']}" in search


def test_a_title_without_a_year_never_says_none(page):
    from dashboard.views import map as view

    for lang in ("fi", "sv", "en"):
        assert "None" not in view.map_title(REGIONAL, None, lang)
        assert "None" not in view.map_title(BEFORE, None, lang)
