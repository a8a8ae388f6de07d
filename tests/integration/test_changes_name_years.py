"""Every change the overview cards, the profile's headlines and its region section show names
both years it compares ('2017 → 2020'), and those are the years the warehouse holds.

Oracle: plain SQL on core.indicator_values (the newest and the next newest year of each
network town's annual series) and core.group_values (the region's enterprise stock years).
"""

from __future__ import annotations

import re

import duckdb
import pytest

SPAN = re.compile(r"\((\d{4}) → (\d{4})\)")

YEARS_SQL = """
SELECT indicator_id, area_code, list(year ORDER BY year DESC)[1:2] AS years
FROM core.indicator_values WHERE month IS NULL AND value IS NOT NULL
GROUP BY indicator_id, area_code
"""


@pytest.fixture(scope="module")
def years(warehouse_path) -> dict[tuple[str, str], list[int]]:
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        rows = con.execute(YEARS_SQL).fetchall()
    return {(i, a): list(y) for i, a, y in rows}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_overview_card_changes_name_the_two_years_compared(queries, years, lang):
    from dashboard.views import overview
    from dashboard.views.common import presentation

    pres = presentation()
    cards = queries.network_cards(pres.overview.cards, lang)
    meta = queries.indicators(lang)
    label_ids = dict(zip(meta.label, meta.indicator_id, strict=True))
    checked = 0
    for code in sorted(set(cards.area_code)):
        for item in overview.card_items(cards[cards.area_code == code], meta, lang, pres):
            if item.change is None or "/" in item.period:  # monthly: same month a year earlier
                continue
            found = SPAN.search(item.change)
            assert found, item.change
            newest, previous = years[(label_ids[item.label], code)]
            assert (int(found[1]), int(found[2])) == (previous, newest), (code, item)
            checked += 1
    assert checked >= 20  # population and jobs of ten towns at least


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_profile_headline_changes_name_the_two_years_compared(queries, years, lang):
    from dashboard.views import town
    from dashboard.views.common import presentation

    pres = presentation()
    for code in ("140", "111", "832"):
        rows = town.headline_rows(queries.town_values(code, lang), pres)
        for indicator_id, row in rows.iterrows():
            if indicator_id not in pres.profile.headlines or row.get("month") is not None:
                continue
            trend = town.trend_text(row, lang)
            if trend is None or (indicator_id, code) not in years:
                continue
            if len(years[(indicator_id, code)]) < 2 or "projection" in indicator_id:
                continue
            found = SPAN.search(trend[0])
            assert found, (code, indicator_id, trend[0])
            newest, previous = years[(indicator_id, code)]
            assert (int(found[1]), int(found[2])) == (previous, newest), (code, indicator_id)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_region_enterprise_stock_change_names_both_year_ends(queries, warehouse_path, lang):
    from dashboard.views import town_region
    from dashboard.views.common import presentation

    pres = presentation()
    spec = pres.region_industry
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        region, year = con.execute(
            "SELECT g.group_code, max(g.year) FROM core.group_values g "
            "JOIN core.areas a ON a.area_code = '140' AND a.region_code = g.group_code "
            "WHERE g.indicator_id = ? GROUP BY 1",
            [spec.stock],
        ).fetchone()
    (line,) = town_region._stock_line(region, "Pohjois-Savo", spec, lang)
    text = line.children
    assert f"{year - 1}" in text and f"{year}" in text, text
    assert not re.search(r"previous year|edellisen vuoden|föregående år", text), text
