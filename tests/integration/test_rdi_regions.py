"""Eurostat's regional R&D&I figures and the network's weight in Finland, against independent
oracles: the raw Eurostat and Statistics Finland files read with plain pandas, NUTS codes and
group members written out here by hand (not taken from the reader or the catalogue)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT

EUROSTAT = DEFAULT_SNAPSHOT / "eurostat"
GERD_CSV = EUROSTAT / "eurostat_rd_e_gerdreg_gerd_by_sector_finland_nuts0-2_2011-2020.csv"
GDP_CSV = EUROSTAT / "eurostat_nama_10r_3gdp_gdp_finland_nuts0-3_2000-2021.csv"
PATENTS_CSV = EUROSTAT / "eurostat_pat_ep_rtot_epo_patents_finland_nuts0-3_2011-2012.csv"
PERSONNEL_2009_CSV = (
    EUROSTAT / "eurostat_rd_p_persreg_total_fte_finland_2009_2018_via_regions_pkg.csv"
)
PERSONNEL_CSV = EUROSTAT / "eurostat_rd_p_persreg_rd_personnel_finland_nuts0-2_2011-2020.csv"
POPULATION_CSV = (
    DEFAULT_SNAPSHOT / "statfin" / "vaerak_11re_population_1972_2023_by_municipality.csv"
)
KEY_CSV = DEFAULT_SNAPSHOT / "classification" / "geofi_municipality_key_2025.csv"

# The groups as the README states them.
NETWORK = ["140", "740", "678", "287", "111", "232", "249", "684", "305", "832"]
UNIVERSITY_CITIES = [
    "091", "049", "092", "853", "837", "564", "179", "297", "405", "153",
    "167", "905", "398", "743", "491", "609", "272", "205", "765", "698",
]  # fmt: skip
# NUTS 2 names as Eurostat and Statistics Finland give them (SOURCES.md).
NUTS2_NAMES = {
    "FI1B": "Helsinki-Uusimaa",
    "FI1C": "Etelä-Suomi",
    "FI19": "Länsi-Suomi",
    "FI1D": "Pohjois- ja Itä-Suomi",
    "FI20": "Ahvenanmaa",
}


def _gerd(indicator: str, region: str, year: int) -> float:
    raw = pd.read_csv(GERD_CSV, dtype=str)
    row = raw[(raw.indicator_id == indicator) & (raw.region_id == region) & (raw.year == str(year))]
    assert len(row) == 1
    return float(row.value.iloc[0])


def _gdp(geo: str, year: int, unit: str = "MIO_EUR") -> float:
    raw = pd.read_csv(GDP_CSV, dtype=str)
    row = raw[(raw.unit == unit) & (raw.geo == geo) & (str(year) == raw.TIME_PERIOD)]
    assert len(row) == 1
    return float(row.OBS_VALUE.iloc[0])


def _group_value(con, indicator: str, group_name: str, year: int) -> float:
    rows = con.execute(
        "SELECT v.value FROM core.group_values v JOIN core.areas a ON a.area_code = v.group_code "
        "WHERE v.indicator_id = ? AND a.name_fi = ? AND v.year = ? AND v.month IS NULL",
        [indicator, group_name, year],
    ).fetchall()
    assert len(rows) == 1, (indicator, group_name, year, rows)
    return rows[0][0]


def test_rd_intensity_of_a_large_region_is_its_expenditure_over_its_gdp(con) -> None:
    """Pohjois- ja Itä-Suomi 2019: GERD M€ ÷ Eurostat GDP M€ equals the published % of GDP
    (given to two decimals) that the warehouse holds for the large region."""
    expected = 100 * _gerd("rd_e_gerdreg_total_mio_eur", "FI1D", 2019) / _gdp("FI1D", 2019)
    assert expected == pytest.approx(2.58, abs=0.005)  # the raw files agree with each other
    stored = _group_value(con, "rdi_gerd_pct_gdp", "Pohjois- ja Itä-Suomi", 2019)
    assert stored == pytest.approx(expected, abs=0.005)
    business = 100 * _gerd("rd_e_gerdreg_bes_mio_eur", "FI1B", 2019) / _gdp("FI1B", 2019)
    stored = _group_value(con, "rdi_bes_pct_gdp", "Helsinki-Uusimaa", 2019)
    assert stored == pytest.approx(business, abs=0.005)


def test_the_whole_country_takes_eurostats_fi_row(con) -> None:
    stored = con.execute(
        "SELECT value FROM core.group_values WHERE indicator_id = 'rdi_gerd_per_capita' "
        "AND group_code = 'SSS' AND year = 2020"
    ).fetchone()[0]
    assert stored == _gerd("rd_e_gerdreg_total_eur_hab", "FI", 2020)


def test_large_region_personnel_matches_the_independent_package_file(con) -> None:
    """rd_p_persreg FTE 2018 from the eurito file equals the rOpenGov/regions copy."""
    other = pd.read_csv(PERSONNEL_2009_CSV, dtype=str)
    other = other[other.time == "2018"].set_index("geo")["values"].astype(float)
    ours = pd.read_csv(PERSONNEL_CSV, dtype=str)
    ours = ours[(ours.indicator_id == "rd_p_persreg_total_total_fte_t") & (ours.year == "2018")]
    ours = ours.set_index("region_id").value.astype(float)
    for geo in ("FI", "FI1B", "FI19", "FI1C", "FI1D"):
        assert ours[geo] == other[geo], geo


def test_every_municipality_lies_in_one_large_region_named_as_its_nuts2(con) -> None:
    key = pd.read_csv(KEY_CSV, dtype=str)
    key["code"] = key.kunta.str.zfill(3)
    assert len(key) == 308
    members = con.execute(
        "SELECT m.area_code, a.name_fi FROM core.group_members m "
        "JOIN core.areas a ON a.area_code = m.group_code WHERE a.kind = 'large_region'"
    ).df()
    assert members.area_code.is_unique and set(members.area_code) == set(key.code)
    expected = key.set_index("code").nuts2_code.str.strip().map(NUTS2_NAMES)
    assert (members.set_index("area_code").name_fi == expected[members.area_code]).all()
    regions = con.execute(
        "SELECT m.area_code FROM core.group_members m JOIN core.areas a "
        "ON a.area_code = m.group_code WHERE a.kind = 'region'"
    ).df()
    assert regions.area_code.is_unique and set(regions.area_code) == set(key.code)


@pytest.mark.parametrize(
    ("geo", "maakunta", "indicator", "year", "csv"),
    [
        ("FI1D6", "Pohjois-Pohjanmaa", "patents", 2012, PATENTS_CSV),  # NUTS 2013 code
        ("FI1D4", "Kainuu", "patents", 2011, PATENTS_CSV),  # NUTS 2013 code
        ("FI197", "Pirkanmaa", "patents", 2012, PATENTS_CSV),  # FI19B in NUTS 2024
        ("FI1D9", "Pohjois-Pohjanmaa", "gdp", 2019, GDP_CSV),  # NUTS 2021 code
        ("FI1D8", "Kainuu", "gdp", 2020, GDP_CSV),  # NUTS 2021 code
        ("FI1C3", "Päijät-Häme", "gdp", 2015, GDP_CSV),  # FI1C6 in NUTS 2024
    ],
)
def test_nuts3_codes_of_every_version_land_on_their_maakunta(
    con, geo, maakunta, indicator, year, csv
) -> None:
    raw = pd.read_csv(csv, dtype=str)
    if indicator == "patents":
        row = raw[(raw.indicator_id == "pat_ep_rtot_p_mhab") & (raw.region_id == geo)]
        expected = float(row[row.year == str(year)].value.iloc[0])
        stored = _group_value(con, "rdi_patents_per_million", maakunta, year)
    else:
        expected = _gdp(geo, year)
        stored = _group_value(con, "gdp_eurostat", maakunta, year)
    assert stored == expected


@pytest.fixture(scope="module")
def views(dashboard_app):
    """The dashboard's views over the session warehouse (create_app configures the queries)."""
    from dashboard.views import network_shares, town_rdi
    from dashboard.views.common import presentation

    return town_rdi, network_shares, presentation()


def test_network_population_share_is_the_sum_of_members_over_the_country(views) -> None:
    """Shares recomputed from the raw 11re csv: members' sum ÷ all municipalities' sum."""
    _, network_shares, pres = views
    raw = pd.read_csv(POPULATION_CSV, dtype={"area_code": str})
    raw["area_code"] = raw.area_code.str.removeprefix("KU")  # KU091 -> 091 (2024 division)
    raw = raw[raw.area_code.str.fullmatch(r"\d{3}")]
    frame = network_shares.shares("en", pres)
    for code, members in (("network", NETWORK), ("university_cities", UNIVERSITY_CITIES)):
        for year in (1990, 2023):
            rows = raw[raw.year == year]
            expected = 100 * rows[rows.area_code.isin(members)].population_31dec.sum()
            expected /= rows.population_31dec.sum()
            got = frame[(frame.measure == "Population") & (frame.group_code == code)]
            got = got[got.year == year].share
            assert len(got) == 1 and got.iloc[0] == pytest.approx(
                expected, abs=1e-9
            )  # rounded to 10 decimals in SQL


def test_region_level_gdp_share_is_marked_and_sums_the_members_regions(views) -> None:
    _, network_shares, pres = views
    frame = network_shares.shares("en", pres)
    gdp = frame[frame.measure == "Gross domestic product (Eurostat)"]
    assert set(gdp.basis) == {"regions (the maakunnat the group's towns lie in)"}
    # the network towns lie in these eight maakunnat (NUTS 2021 codes)
    held = ["FI1D2", "FI1D1", "FI1D9", "FI195", "FI1C3", "FI194", "FI193", "FI196"]
    expected = 100 * sum(_gdp(geo, 2019) for geo in held) / _gdp("FI", 2019)
    got = gdp[(gdp.group_code == "network") & (gdp.year == 2019)].share.iloc[0]
    assert got == pytest.approx(expected, rel=1e-9)


def _texts(component) -> list[str]:
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [text for child in component for text in _texts(child)]
    children = getattr(component, "children", None)
    return [] if children is None else _texts(children)


def _headers(component) -> list[str]:
    if isinstance(component, (list, tuple)):
        return [h for child in component for h in _headers(child)]
    if type(component).__name__ == "Th" and getattr(component, "scope", None) == "col":
        return [" ".join(_texts(component.children))]
    children = getattr(component, "children", None)
    return [] if children is None or isinstance(children, str) else _headers(children)


@pytest.mark.parametrize(
    ("lang", "large", "local"),
    [
        ("fi", "Pohjois- ja Itä-Suomi (suuralue, NUTS 2)", "Pohjois-Pohjanmaa (maakunta, NUTS 3)"),
        ("sv", "Norra och Östra Finland (storområde, NUTS 2)", "Norra Österbotten (landskap, NUTS 3)"),
        ("en", "Northern and Eastern Finland (large region, NUTS 2)", "North Ostrobothnia (region, NUTS 3)"),
    ],
)  # fmt: skip
def test_profile_region_values_are_labelled_with_the_regions_name(views, lang, large, local):
    town_rdi, _, pres = views
    sections = town_rdi.rdi_sections("678", lang, pres)  # Raahe
    headers = _headers(sections)
    assert large in headers and local in headers
    assert not any(h.startswith("Raahe") for h in headers)  # never a column of the town's own
    text = " ".join(_texts(sections))
    assert "2019" in text and "2012" in text and "rd_e_gerdreg" in text and "pat_ep_rtot" in text


def test_the_profile_lists_its_rdi_section(views) -> None:
    from dashboard.views import town

    _, _, pres = views
    page = town.expanded_profile("678", "en", pres)
    assert "Research, development and innovation: the region's figures" in _texts(page)
