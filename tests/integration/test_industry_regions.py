"""115i (employed by TOL 2008 section and region, 2023) and 11yq (start-ups, closures and stock by
region, industry and quarter): location quotients recomputed from the raw csv in plain pandas,
the 11yq annual sums checked against hand-picked cells of the xlsx read with openpyxl, and the
profile, map and compare naming every region figure as the region's, never as a town's."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT

JOBS = (
    DEFAULT_SNAPSHOT
    / "statfin2"
    / "jobs"
    / "tyokay_115i_employed_labour_force_by_industry_TOL2008_sections_2023_by_region_en.csv"
)
ENTERPRISES = (
    DEFAULT_SNAPSHOT
    / "statfin2"
    / "enterprises"
    / "aly_11yq_startups_closures_enterprise_stock_by_region_industry_quarterly_2013Q1_2022Q4.xlsx"
)
# The xlsx layout (data/snapshot/SOURCES.md): from row 4, 40 quarters × 22 areas × 111 industries.
FIRST_ROW, AREAS, INDUSTRIES = 4, 22, 111
AREA_ORDER = ["KOKO MAA", "MA1", "MK01", "MK02", "MK04", "MK05", "MK06", "MK07", "MK08", "MK09"]
AREA_ORDER += ["MK10", "MK11", "MK12", "MK13", "MK14", "MK15", "MK16", "MK17", "MK18", "MK19"]
AREA_ORDER += ["MA2", "MK21"]


def _value(con, indicator: str, region: str, year: int) -> float | None:
    row = con.execute(
        "SELECT value FROM core.group_values WHERE indicator_id = ? AND group_code = ? AND year = ?",
        [indicator, region, year],
    ).fetchone()
    return None if row is None else row[0]


@pytest.mark.parametrize(
    ("region", "section", "letter"),
    [("MK17", "C Manufacturing", "c"), ("MK04", "C Manufacturing", "c"), ("MK17", "B Mining", "b")],
)
def test_location_quotients_recomputed_from_the_raw_file(con, region, section, letter):
    raw = pd.read_csv(JOBS)
    raw["code"] = raw["Area"].str[:4]
    sections = raw[raw["Industry"].str.startswith(section)]
    totals = raw[raw["Industry"] == "Industries total"]
    assert len(sections) == len(totals) == 19
    region_share = (
        sections.loc[sections.code == region, "value"].iloc[0]
        / totals.loc[totals.code == region, "value"].iloc[0]
    )
    country_share = sections["value"].sum() / totals["value"].sum()
    assert _value(con, f"location_quotient_{letter}", region, 2023) == pytest.approx(
        region_share / country_share, rel=1e-12
    )
    assert _value(con, f"employed_share_{letter}", region, 2023) == pytest.approx(
        100 * region_share, rel=1e-12
    )


def test_the_whole_country_in_the_quotients_is_the_published_2023_total():
    """The 19 regions sum to the whole-country 115i 2023 figures SOURCES.md cites."""
    raw = pd.read_csv(JOBS)
    assert raw.loc[raw.Industry == "Industries total", "value"].sum() == 2_417_365
    assert raw.loc[raw.Industry.str.startswith("C Manufacturing"), "value"].sum() == 298_847


def _row(year: int, quarter: int, area: str, industry: int = 0) -> int:
    block = ((year - 2013) * 4 + quarter - 1) * AREAS + AREA_ORDER.index(area)
    return FIRST_ROW + block * INDUSTRIES + industry


@pytest.fixture(scope="module")
def sheet():
    book = openpyxl.load_workbook(ENTERPRISES, read_only=False)
    yield book.active
    book.close()


def test_11yq_annual_sums_equal_hand_picked_cells(con, sheet):
    """North Ostrobothnia (MK17) 2019: start-ups and closures are the sums of the four
    quarters' cells, the rates' stock is the first quarter's cell, the year-end stock the
    fourth's; section C is the row 11 below the total."""
    rows = [_row(2019, q, "MK17") for q in (1, 2, 3, 4)]
    assert sheet.cell(rows[0], 2).value == "MK17 Pohjois-Pohjanmaa"
    assert sheet.cell(_row(2019, 1, "KOKO MAA"), 1).value == "2019Q1"
    assert all(sheet.cell(r, 3).value == "Yhteensä" for r in rows)
    starts = sum(sheet.cell(r, 4).value for r in rows)
    closures = sum(sheet.cell(r, 5).value for r in rows)
    stock_q1, stock_q4 = sheet.cell(rows[0], 6).value, sheet.cell(rows[3], 6).value
    assert _value(con, "enterprise_startups", "MK17", 2019) == starts
    assert _value(con, "startup_rate_total", "MK17", 2019) == pytest.approx(100 * starts / stock_q1)
    assert _value(con, "closure_rate_total", "MK17", 2019) == pytest.approx(
        100 * closures / stock_q1
    )
    assert _value(con, "enterprise_stock", "MK17", 2019) == stock_q4
    previous = sheet.cell(_row(2018, 4, "MK17"), 6).value
    assert _value(con, "enterprise_stock_change_total", "MK17", 2019) == stock_q4 - previous
    c_rows = [r + 11 for r in rows]
    assert sheet.cell(c_rows[0], 3).value == "C Teollisuus (10-33)"
    c_starts = sum(sheet.cell(r, 4).value for r in c_rows)
    c_stock = sheet.cell(c_rows[0], 6).value
    assert _value(con, "startup_rate_c", "MK17", 2019) == pytest.approx(100 * c_starts / c_stock)


def test_11yq_cells_not_published_leave_the_year_out(con, sheet):
    """Closures and the stock are '..' for 2017Q2–Q4: no closure rate 2017, no year-end stock
    2017, no stock change 2017 or 2018; the 2017 start-up rate (Q1 stock) exists."""
    assert sheet.cell(_row(2017, 2, "MK17"), 5).value == ".."
    assert sheet.cell(_row(2017, 4, "MK17"), 6).value == ".."
    assert _value(con, "closure_rate_total", "MK17", 2017) is None
    assert _value(con, "enterprise_stock", "MK17", 2017) is None
    assert _value(con, "enterprise_stock_change_total", "MK17", 2018) is None
    starts = sum(sheet.cell(_row(2017, q, "MK17"), 4).value for q in (1, 2, 3, 4))
    stock_q1 = sheet.cell(_row(2017, 1, "MK17"), 6).value
    assert _value(con, "startup_rate_total", "MK17", 2017) == pytest.approx(100 * starts / stock_q1)


def test_11yq_whole_country_is_the_koko_maa_rows(con, sheet):
    rows = [_row(2022, q, "KOKO MAA") for q in (1, 2, 3, 4)]
    assert _value(con, "enterprise_startups", "SSS", 2022) == sum(
        sheet.cell(r, 4).value for r in rows
    )


# --------------------------------------------------------------------------- pages


def _texts(component, out: list[str]) -> list[str]:
    if isinstance(component, str | int | float):
        out.append(str(component))
        return out
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None:
            _texts(child, out)
    return out


def _graphs(component, out: list) -> list:
    if getattr(component, "figure", None) is not None and hasattr(component, "id"):
        out.append(component)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str):
            _graphs(child, out)
    return out


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_profile_region_section_names_the_region_never_the_town(dashboard_app, lang):
    from dashboard import queries
    from dashboard.views import town, town_region

    pres = queries.presentation()
    level = {"fi": "(maakunta)", "sv": "(landskap)", "en": "(region)"}[lang]
    region = {"fi": "Pohjois-Pohjanmaa", "sv": "Norra Österbotten", "en": "North Ostrobothnia"}
    sections = town_region.region_sections("678", lang, pres)  # Raahe
    assert len(sections) == 1
    graphs = _graphs(sections[0], [])
    assert {g.id for g in graphs} == {"town-region-lq", "town-region-rates"}
    for graph in graphs:
        title = graph.figure.layout.title.text
        assert f"{region[lang]} {level}" in title, title
        assert "Raahe" not in title and "Brahestad" not in title, title
        assert any(str(year) in title for year in range(2013, 2024)), title
    text = " ".join(_texts(sections[0], []))
    assert "tyokay 115i" in text and "aly 11yq" in text
    town_name = {"fi": "Raahe", "sv": "Brahestad", "en": "Raahe"}[lang]
    assert town_name in text  # the town is named only as lying in the region
    page_graphs = {g.id for g in _graphs(town.expanded_profile("678", lang, pres), [])}
    assert {"town-jobs", "town-region-lq", "town-region-rates"} <= page_graphs


def test_theme_tables_leave_the_region_section_indicators_out(dashboard_app):
    from dashboard import queries
    from dashboard.views import town

    pres = queries.presentation()
    values = queries.town_values("678", "en")
    shown = {i for _, rows in town.theme_rows(values, pres) for i in rows.indicator_id}
    assert shown and not shown & pres.region_industry.indicator_ids
    assert "gdp_per_capita" in shown  # other region-level indicators keep their table row


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_map_with_a_region_indicator_shows_values_with_their_year_named_as_regions(
    dashboard_app, lang
):
    from dashboard import queries
    from dashboard.views import map as view

    pres = queries.presentation()
    years = queries.indicator_years("location_quotient_c")
    assert years == [2023]
    selection = view.MapSelection("location_quotient_c", years[-1], [])
    fig = view.map_figure(selection, lang, pres)
    assert "2023" in fig.layout.title.text
    level = {"fi": "(maakunta)", "en": "(region)"}[lang]
    values = fig.data[0]
    assert len(values.z) == 308 and pd.notna(list(values.z)).all()
    assert all(str(name).endswith(level) for name in values.text)
    summary = " ".join(_texts(view.summary("location_quotient_c", 2023, lang), []))
    assert "19" in summary and "Raahe" not in summary and level in summary


def test_compare_ranks_regions_named_with_their_level(dashboard_app):
    from dashboard.views import compare_content
    from dashboard.views.compare import Selection

    selection = Selection(("678", "091"), ("SSS",), "startup_rate_total", 2022, "x", "y", None)
    fig = compare_content.ranking_figure(selection, "en")
    names = list(fig.data[0].y)
    assert "North Ostrobothnia (region; Raahe)" in names and "Uusimaa (region; Helsinki)" in names
    assert not {"Raahe", "Helsinki"} & set(names)
    assert "2022" in fig.layout.title.text
