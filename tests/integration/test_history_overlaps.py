"""Older editions and the commuting tables against each other and against the warehouse.

Where two sources cover the same year they must agree: the 2019 time series (2006–2016) with
the 2018-edition workbook (2016), 115n/115p with both (2006–2016), 115n/115p with the cells
SOURCES.md quotes (2016, 2017), the series' 2016 population with 11re. Every file is read here
in plain pandas/openpyxl by name, not through the project's readers. Then the warehouse: the
extended years, a merged municipality, and the published sub-region figures against the
sub-region groups computed from the municipalities.
"""

from __future__ import annotations

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT

SNAP = DEFAULT_SNAPSHOT
SERIES = SNAP / "statfin2/keyfigures/kuntien_avainluvut_2019ed_aikasarja_311kuntaa_2006_2016.csv"
XLSX_2018 = SNAP / "statfin/kuntien_avainluvut_2018ed_311kuntaa_2016_2017_kunnat.xlsx"
N115 = (
    SNAP
    / "statfin2/commuting/tyokay_115n_employed_residents_by_commuting_municipality_1987_2017_totals.csv"
)
P115 = (
    SNAP
    / "statfin2/commuting/tyokay_115p_workplaces_by_commuting_municipality_1987_2017_totals.csv"
)
SUBREGIONS = (
    SNAP / "statfin2/keyfigures/kuntien_avainluvut_2022ed_69_subregions_2020_2021_en_latin1.csv"
)
RE11 = SNAP / "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"

# 2018-edition label (its 2016 columns) -> the series' ASCII column
OVERLAP_2016 = {
    "Alueella asuvan työllisen työvoiman määrä, 2016": "Alueella_asuvan_tyollisen_tyovoiman_maara",
    "Työllisyysaste, %, 2016": "Tyollisyysaste",
    "Asuinkunnassaan työssäkäyvien osuus, %, 2016": "Asuinkunnassaan_tyossakayvien_osuus",
    "Työttömien osuus työvoimasta, %, 2016": "Tyottomien_osuus_tyovoimasta",
    "Eläkeläisten osuus väestöstä, %, 2016": "Elakelaisten_osuus_vaestosta",
    "Taloudellinen huoltosuhde, 2016": "Taloudellinen_huoltosuhde",
    "Alueella olevien työpaikkojen lukumäärä, 2016": "Alueella_olevien_tyopaikkojen_lukumaara",
    "Alkutuotannon työpaikkojen osuus, %, 2016": "Alkutuotannon_tyopaikkojen_osuus",
    "Jalostuksen työpaikkojen osuus, %, 2016": "Jalostuksen_tyopaikkojen_osuus",
    "Palvelujen työpaikkojen osuus, %, 2016": "Palvelujen_tyopaikkojen_osuus",
}


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return pd.read_csv(SERIES, encoding="utf-8")


@pytest.fixture(scope="module")
def commuting() -> pd.DataFrame:
    """115n and 115p wide: one row per name and year; Mariehamn by its Finnish name."""
    n = pd.read_csv(N115).pivot(index=["alue", "time"], columns="pendelointi", values="values")
    p = pd.read_csv(P115)
    p = p.pivot(index=["tyopaikan_alue", "time"], columns="pendelointi", values="values")
    n = n.rename(
        columns={
            "Asuinkuntansa ulkopuolella työssäkäyvät": "n_out",
            "Asuinkunnassaan työssäkäyvät": "n_home",
            "Yhteensä": "n_total",
        }
    )
    p = p.rename(
        columns={
            "Alueelle pendelöivät": "p_in",
            "Asuinkunnassaan työssäkäyvät": "p_home",
            "Yhteensä": "p_total",
        }
    )
    assert len(n.columns) == len(p.columns) == 3
    n.index.names = p.index.names = ["name", "year"]
    both = n.join(p, how="outer", validate="one_to_one").reset_index()
    both["name"] = both["name"].replace({"Maarianhamina - Mariehamn": "Maarianhamina"})
    return both


def _xlsx_2018() -> pd.DataFrame:
    book = openpyxl.load_workbook(XLSX_2018, read_only=True, data_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    return pd.DataFrame(rows[1:], columns=rows[0]).rename(columns={"Kunta": "Alue"})


def test_series_2016_equals_the_2018_edition(series):
    old = _xlsx_2018()
    new = series[series.vuosi == 2016]
    both = new.merge(old, on="Alue", validate="one_to_one")
    assert len(both) == len(old) == len(new) == 311
    for label, column in OVERLAP_2016.items():
        assert (both[label].astype(float) == both[column]).all(), label


def test_commuting_totals_equal_the_key_figures_every_year(series, commuting):
    both = series.merge(
        commuting, left_on=["Alue", "vuosi"], right_on=["name", "year"], validate="one_to_one"
    )
    assert len(both) == 311 * 11
    assert (both.Alueella_olevien_tyopaikkojen_lukumaara == both.p_total).all()
    assert (both.Alueella_asuvan_tyollisen_tyovoiman_maara == both.n_total).all()
    share = 100 * both.n_home / both.n_total
    # one decimal as published: within half a unit of the last digit (one value sits at
    # x.x5005, which the publisher rounded down)
    assert (share - both.Asuinkunnassaan_tyossakayvien_osuus).abs().max() <= 0.051
    assert (both.n_home + both.n_out == both.n_total).all()
    assert (both.p_home + both.p_in == both.p_total).all()


def test_commuting_agrees_with_the_2018_edition_for_2016(commuting):
    old = _xlsx_2018()
    both = old.merge(commuting[commuting.year == 2016], left_on="Alue", right_on="name")
    assert len(both) == 311
    assert (both["Alueella olevien työpaikkojen lukumäärä, 2016"] == both.p_total).all()
    assert (both["Alueella asuvan työllisen työvoiman määrä, 2016"] == both.n_total).all()


@pytest.mark.parametrize(
    ("name", "year", "column", "value"),
    [  # the cells SOURCES.md quotes for 115n/115p
        ("Iisalmi", 2016, "n_total", 8441), ("Iisalmi", 2017, "n_home", 6717),
        ("Iisalmi", 2017, "n_total", 8539), ("Iisalmi", 2016, "p_total", 8947),
        ("Iisalmi", 2017, "p_total", 9204), ("Taivalkoski", 2016, "p_total", 1327),
        ("Helsinki", 2016, "n_total", 300433), ("Helsinki", 2016, "p_total", 388005),
        ("Rauma", 2016, "n_total", 15889), ("Rauma", 2016, "p_total", 15862),
    ],
)  # fmt: skip
def test_hand_picked_commuting_cells(commuting, name, year, column, value):
    row = commuting[(commuting.name == name) & (commuting.year == year)]
    assert row[column].item() == value


def test_series_2016_population_equals_11re(series):
    re11 = pd.read_csv(RE11, dtype={"area_code": str}).query("year == 2016")
    new = series[series.vuosi == 2016].set_index("Alue").Vakiluku
    both = re11.set_index("area_name").join(new, how="inner")
    assert len(both) == 308  # 11re is on the 2024 division: Honkajoki and Valtimo merged
    merged = {"Kankaanpää": "Honkajoki", "Nurmes": "Valtimo"}
    same = both.drop(index=list(merged))
    assert (same.Vakiluku == same.population_31dec).all()
    for town, part in merged.items():
        assert both.loc[town, "population_31dec"] == new[town] + new[part]
    assert new["Iisalmi"] == 21767 and new["Helsinki"] == 635181 and new["Taivalkoski"] == 4133


@pytest.fixture(scope="module")
def con(warehouse_path):
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    yield connection
    connection.close()


def _value(con, indicator: str, area: str, year: int) -> float:
    return con.execute(
        "SELECT value FROM core.indicator_values WHERE indicator_id = ? AND area_code = ? "
        "AND year = ? AND month IS NULL",
        [indicator, area, year],
    ).fetchone()[0]


def test_warehouse_years_before_and_after(con):
    years = (
        con.execute(
            "SELECT indicator_id, min(year), max(year) FROM core.indicator_values GROUP BY 1"
        )
        .df()
        .set_index("indicator_id")
    )
    first = years.iloc[:, 0]
    assert first["jobs"] == first["employed_labour_force"] == 1987
    assert first["working_in_home_municipality_share"] == 1987
    assert first["in_commuters_share_of_jobs"] == first["out_commuters_share"] == 1987
    assert years.loc["in_commuters_share_of_jobs"].iloc[1] == 2017
    for indicator in ("share_65_plus", "tertiary_share", "unemployment_rate", "net_migration"):
        assert first[indicator] == 2006, indicator
    assert first["annual_margin_per_capita"] == 2008  # finance is empty for 2006–2007
    assert first["jobs_services_share"] == 2007  # job shares are empty for 2006


def test_warehouse_values_are_the_files_values(con, series, commuting):
    iisalmi = commuting[commuting.name == "Iisalmi"].set_index("year")
    assert _value(con, "jobs", "140", 1987) == iisalmi.loc[1987, "p_total"]
    assert _value(con, "jobs", "140", 2017) == 9204
    assert _value(con, "in_commuters_share_of_jobs", "140", 1990) == pytest.approx(
        100 * iisalmi.loc[1990, "p_in"] / iisalmi.loc[1990, "p_total"]
    )
    assert _value(con, "out_commuters_share", "140", 2017) == pytest.approx(
        100 * (8539 - 6717) / 8539
    )
    row = series[(series.Alue == "Iisalmi") & (series.vuosi == 2010)]
    assert (
        _value(con, "tertiary_share", "140", 2010)
        == row["Korkea_asteen_tutkinnon_suorittaneiden_osuus_15_vuotta_tayttaneista"].item()
    )


@pytest.mark.parametrize("indicator", ["jobs", "employed_labour_force"])
def test_whole_country_of_115_equals_the_sum_of_municipalities(con, indicator):
    """115p/115n's KOKO MAA rows are the country's published value, 1987–2017: equal to the
    sum over the municipalities every year."""
    rows = con.execute(
        "SELECT year, value, published_value, n_values FROM core.group_values "
        "WHERE indicator_id = ? AND group_code = 'SSS' AND year <= 2017 ORDER BY year",
        [indicator],
    ).df()
    assert rows.year.tolist() == list(range(1987, 2018))
    assert (rows.value == rows.published_value).all() and (rows.n_values == 308).all()


def test_merged_municipality_is_the_sum_of_its_parts(con, commuting, series):
    """Honkajoki (099) joined Kankaanpää (214) in 2021: its jobs are added, its shares are
    combined as ratios of sums."""
    parts = commuting[commuting.name.isin(["Kankaanpää", "Honkajoki"])]
    y1990 = parts[parts.year == 1990]
    assert _value(con, "jobs", "214", 1990) == y1990.p_total.sum()
    assert _value(con, "in_commuters_share_of_jobs", "214", 1990) == pytest.approx(
        100 * y1990.p_in.sum() / y1990.p_total.sum()
    )
    pop = series[series.Alue.isin(["Kankaanpää", "Honkajoki"]) & (series.vuosi == 2012)]
    old = (pop.Vakiluku * pop.Yli_64_vuotiaiden_osuus_vaestosta / 100).sum() / pop.Vakiluku.sum()
    assert _value(con, "share_65_plus", "214", 2012) == pytest.approx(100 * old)


# Sub-region key figures: counts and the shares aggregated as true ratios of sums.
SUBREGION_COUNTS = {
    "jobs": "Number of workplaces in the area, 2020",
    "employed_labour_force": "Employed labour force resident in the area, 2020",
    "natural_increase": "Excess of births, persons, 2021",
    "net_migration": "Intermunicipal migration gain/loss, persons, 2021",
}
SUBREGION_SHARES = [
    "share_0_14", "share_15_64", "share_65_plus", "swedish_speakers_share",
    "foreign_citizens_share", "unemployment_rate", "pensioners_share",
    "working_in_home_municipality_share", "jobs_primary_share", "jobs_processing_share",
    "jobs_services_share", "job_self_sufficiency", "economic_dependency_ratio",
]  # fmt: skip


def _subregion_rows(con, indicator: str) -> pd.DataFrame:
    return con.execute(
        "SELECT g.group_code, g.year, g.value, g.published_value, a.name_en "
        "FROM core.group_values g JOIN core.areas a ON a.area_code = g.group_code "
        "WHERE g.indicator_id = ? AND a.kind = 'subregion' AND g.published_value IS NOT NULL",
        [indicator],
    ).df()


@pytest.mark.parametrize("indicator", list(SUBREGION_COUNTS))
def test_subregion_counts_match_the_published_file_exactly(con, indicator):
    published = pd.read_csv(SUBREGIONS, encoding="latin-1")
    published["name_en"] = published["Region 2021"].str.removesuffix(" sub-regional unit")
    rows = _subregion_rows(con, indicator).merge(published, on="name_en", validate="one_to_one")
    assert len(rows) == 69
    assert (rows.published_value == rows[SUBREGION_COUNTS[indicator]]).all()
    assert (rows.value == rows.published_value).all()


@pytest.mark.parametrize("indicator", SUBREGION_SHARES)
def test_subregion_shares_match_the_published_within_rounding(con, indicator):
    rows = _subregion_rows(con, indicator)
    assert len(rows) == 69
    gap = (rows.value - rows.published_value).abs()
    assert gap.max() <= 0.1, rows.loc[gap.idxmax()].to_dict()


def test_subregion_file_sums_to_the_country():
    published = pd.read_csv(SUBREGIONS, encoding="latin-1")
    assert published["Population, 2021"].sum() == 5_548_241
