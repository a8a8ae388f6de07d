"""Readers on the bundled snapshot files (real data)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT
from pipeline import readers as r

STATFIN = DEFAULT_SNAPSHOT / "statfin"
KEY_2025 = DEFAULT_SNAPSHOT / "classification" / "geofi_municipality_key_2025.csv"


@pytest.fixture(scope="module")
def classification() -> pd.DataFrame:
    return r.tidy_classification(r.read_classification_csv(KEY_2025))


@pytest.fixture(scope="module")
def names(classification) -> dict[str, str]:
    index = dict(zip(classification.name_fi, classification.area_code, strict=True))
    index.update(zip(classification.name_sv, classification.area_code, strict=True))
    index.update({"Pertunmaa": "588", "Honkajoki": "099", "Valtimo": "911"})
    return index


@pytest.mark.parametrize(
    ("value", "expected"),
    [("KU091", "091"), (5, "005"), ("5", "005"), (5.0, "005"), ("SSS", "SSS")],
)
def test_normalise_area_code(value, expected):
    assert r.normalise_area_code(value) == expected


def test_group_codes():
    assert r.region_code(1) == "MK01"
    assert r.subregion_code(11) == "SK011"
    assert r.municipality_group_code(3) == "KR3"


def test_parse_period():
    assert r.parse_period("2022M01") == (2022, pd.Timestamp("2022-01-01"))
    assert r.parse_period("2024M12*") == (2024, pd.Timestamp("2024-12-01"))
    assert r.parse_period(2021) == (2021, None)
    with pytest.raises(r.ReaderError):
        r.parse_period("spring")


def test_classification_2025(classification):
    assert len(classification) == 308
    assert classification.area_code.is_unique
    helsinki = classification.set_index("area_code").loc["091"]
    assert (helsinki.name_fi, helsinki.name_sv, helsinki.region_code) == (
        "Helsinki",
        "Helsingfors",
        "MK01",
    )
    assert classification.region_code.nunique() == 19
    assert set(classification.municipality_group_code) == {"KR1", "KR2", "KR3"}
    assert classification.subregion_code.str.match(r"^SK\d{3}$").all()


def test_keyfigures_2022_header_and_names(names):
    path = STATFIN / "kuntien_avainluvut_2022ed_309kuntaa_2020_2021_kunnat.xlsx"
    raw = r.read_keyfigures_xlsx(path)
    assert raw.shape == (309, 33)
    assert raw.columns[0] == "area_name"  # the 2022 edition's first header cell is empty
    tidy = r.tidy_keyfigures(
        raw,
        {"population": "Väkiluku", "unemployment_pct": "Työttömien osuus työvoimasta"},
        names,
        path.name,
    )
    pop = tidy[tidy.variable == "population"].set_index("area_code")
    assert len(pop) == 309 and set(pop.year) == {2021}
    assert pop.loc["091", "value"] == pytest.approx(658457)
    assert set(tidy[tidy.variable == "unemployment_pct"].year) == {2020}


def test_keyfigures_selector_does_not_match_longer_labels(names):
    path = STATFIN / "kuntien_avainluvut_2018ed_311kuntaa_2016_2017_kunnat.xlsx"
    raw = r.read_keyfigures_xlsx(path)
    matches = r.keyfigure_columns(raw.columns, {"population": "Väkiluku"}, path.name)
    assert [c for _, c, _ in matches] == ["Väkiluku, 2017"]
    tidy = r.tidy_keyfigures(raw, {"population": "Väkiluku"}, names, path.name)
    assert len(tidy) == 311 and {"099", "911", "588"} <= set(tidy.area_code)


def test_unmatched_name_names_file_row_and_name(names):
    raw = pd.DataFrame({"area_name": ["Akaa", "Atlantis"], "Väkiluku, 2021": [1, 2]})
    with pytest.raises(r.ReaderError, match=r"kunnat\.xlsx: row 3: area name 'Atlantis'"):
        r.tidy_keyfigures(raw, {"population": "Väkiluku"}, names, "kunnat.xlsx")


def test_regional_keyfigures_csv(classification):
    path = STATFIN / "kuntien_avainluvut_2021ed_19_regions_2020_2021_en.csv"
    raw = r.read_keyfigures_csv(path)
    assert raw.shape == (20, 33)
    regions = {"Åland": "MK21", **{"Uusimaa": "MK01"}}
    regions.update(zip(classification.region_name_en, classification.region_code, strict=True))
    tidy = r.tidy_keyfigures(raw, {"population": "Population"}, regions, path.name)
    country = tidy[tidy.area_code == "SSS"]
    assert country.value.tolist() == [5548241.0]
    assert tidy.area_code.nunique() == 20


def test_tidy_csv_months():
    path = STATFIN / "tyonv_12r5_unemployment_rate_monthly_2007_2025_by_municipality.csv"
    raw = r.read_csv(path)
    tidy = r.tidy_csv(
        raw,
        {"area": "area_code", "period": "month"},
        {"unemployment": "unemployed_jobseekers_pct_of_labour_force"},
        path.name,
    )
    assert len(raw) == 66836
    # 692 cells are Statistics Finland's "..." (not available): read as missing, not as values
    assert len(tidy) == 66836 and tidy.value.isna().sum() == 692
    first = tidy.iloc[0]
    assert (first.area_code, first.year, first.month) == ("005", 2007, pd.Timestamp("2007-01-01"))


def test_tidy_csv_years_and_integer_codes():
    path = STATFIN / "sotkanet_ind127_population_2000_2022_by_municipality.csv"
    tidy = r.tidy_csv(
        r.read_csv(path),
        {"area": "municipality_code", "period": "year"},
        {"population": "population"},
        path.name,
    )
    assert tidy.area_code.str.match(r"^\d{3}$").all()
    assert tidy.month.isna().all()
    assert tidy.area_code.nunique() == 309


def test_population_11re_country_row():
    path = STATFIN / "vaerak_11re_population_1972_2023_by_municipality.csv"
    tidy = r.tidy_csv(
        r.read_csv(path),
        {"area": "area_code", "period": "year"},
        {"population": "population_31dec"},
        path.name,
    )
    assert len(tidy) == 16120
    assert tidy[(tidy.area_code == "SSS") & (tidy.year == 1972)].value.item() == 4653401


def test_jsonstat_projection_by_age():
    path = (
        STATFIN
        / "vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json"
    )
    raw, roles, labels = r.read_jsonstat_file(path)
    assert len(raw) == 93000
    tidy = r.tidy_jsonstat(raw, roles, {"projection": "vaesto_e24"}, labels, path.name)
    assert "age" in tidy.columns and tidy.age.max() == 99
    assert set(tidy.year) == {2024, 2035, 2040}


def test_jsonstat_filter_sums_age_range():
    path = (
        STATFIN
        / "vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json"
    )
    raw, roles, labels = r.read_jsonstat_file(path)
    full = r.tidy_jsonstat(raw, roles, {"all": "vaesto_e24"}, labels, path.name)
    young = r.tidy_jsonstat(
        raw,
        roles,
        {"young": "vaesto_e24"},
        labels,
        path.name,
        filters={"young": {"Ikä": "000-014"}},
    )
    expected = full[(full.area_code == "091") & (full.year == 2024) & (full.age <= 14)].value.sum()
    got = young[(young.area_code == "091") & (young.year == 2024)].value.item()
    assert got == expected
    assert "age" not in young.columns


def test_jsonstat_kta_codes_and_key_figures():
    path = STATFIN / "kta_006_2020_POST_jsonstat2_en_loan_keyfigures_all_municipalities.json"
    raw, roles, labels = r.read_jsonstat_file(path)
    tidy = r.tidy_jsonstat(
        raw,
        roles,
        {"loan_per_capita": "lainakanta_asuk"},
        labels,
        path.name,
        variable_dimension="Tunnusluku",
    )
    assert len(tidy) == 310 and tidy.year.unique().tolist() == [2020]


def test_jsonstat_regions():
    path = STATFIN / "altp_12bc_gdp_per_capita_and_population_by_region_2023_jsonstat2_en.json"
    raw, roles, labels = r.read_jsonstat_file(path)
    tidy = r.tidy_jsonstat(raw, roles, {"gdp": "GDPcap"}, labels, path.name)
    assert tidy.set_index("area_code").loc["MK01", "value"] == pytest.approx(62093.364)
    assert len(tidy) == 19


def test_geo_readers():
    kunnat = r.read_geojson(DEFAULT_SNAPSHOT / "geo" / "kunnat2025_wgs84.geojson")
    assert len(kunnat) == 308 and "geometry" in kunnat.columns
    regions = r.read_topojson(DEFAULT_SNAPSHOT / "geo" / "maakunnat2024.topojson.json")
    assert len(regions) == 19 and "maakunta" in regions.columns


def test_every_catalogue_source_reads(names, classification):
    """Each bundled file the catalogue declares reads into a raw frame and, where the source
    has variables, a staging frame carrying every declared variable."""
    from pipeline.build.areas import load_division, subregion_names
    from pipeline.build.staging import source_names
    from pipeline.catalogue import load_catalogue

    catalogue = load_catalogue()
    division = load_division(catalogue, DEFAULT_SNAPSHOT)
    regions = dict(zip(classification.region_name_en, classification.region_code, strict=True))
    subregions = subregion_names(classification)
    for source in catalogue.sources:
        index = {"region": regions, "subregion": subregions}.get(source.area_level, names)
        if source.format in ("category_csv", "pxweb_xlsx") or source.area_level == "nuts":
            # as the build joins them: English and coded names; NUTS codes
            index = source_names(source, division)
        raw, staging = r.read_source(source, DEFAULT_SNAPSHOT / source.file, index)
        assert len(raw) > 0, source.id
        if source.variables:
            assert set(staging.variable) == set(source.variable_ids), source.id
            assert list(staging.columns[:5]) == r.STAGING_COLUMNS, source.id
            assert staging.value.notna().any(), source.id
        else:
            assert staging is None, source.id
