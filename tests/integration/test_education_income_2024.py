"""Education levels (vkour 12bq, 2024) and national income deciles (tjt 12hh, 2024) in the
warehouse, against independent oracles: the raw files read with plain pandas, names joined
through the classification file's fi/sv/en names here (not through the build's reader), shares
recomputed as ratios of sums for the network, the university cities, regions and sub-regions."""

from __future__ import annotations

import dataclasses

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT

EDUCATION_CSV = (
    DEFAULT_SNAPSHOT
    / "statfin2"
    / "education"
    / "vkour_12bq_population15plus_by_education_level_2024_by_municipality_2025division_en.csv"
)
INCOME_CSV = (
    DEFAULT_SNAPSHOT
    / "statfin2"
    / "income"
    / "tjt_12hh_dwelling_population_by_national_income_decile_2024_by_municipality_region_wellbeing_area_en.csv"
)
CLASSIFICATION = DEFAULT_SNAPSHOT / "classification" / "geofi_municipality_key_2025.csv"
YEAR = 2024

# The groups as the README states them (not read from the catalogue).
NETWORK = ["140", "740", "678", "287", "111", "232", "249", "684", "305", "832"]
UNIVERSITY_CITIES = [
    "091", "049", "092", "853", "837", "564", "179", "297", "405", "153",
    "167", "905", "398", "743", "491", "609", "272", "205", "765", "698",
]  # fmt: skip

# indicator -> (file, numerator categories, denominator category)
LEVELS = {
    "upper_secondary_share": ["3 ", "4 ", "5 ", "6 ", "7 ", "8 "],
    "tertiary_share": ["5 ", "6 ", "7 ", "8 "],
    "masters_doctoral_share": ["7 ", "8 "],
}
DECILES = {
    "top_income_deciles_share": ["IX", "X"],
    "bottom_income_deciles_share": ["I", "II"],
}


@pytest.fixture(scope="module")
def key() -> pd.DataFrame:
    frame = pd.read_csv(CLASSIFICATION, dtype={"kunta": str})
    frame["code"] = frame["kunta"].str.zfill(3)
    return frame


def name_index(key: pd.DataFrame) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in ("municipality_name_fi", "municipality_name_sv", "municipality_name_en"):
        index.update(zip(key[column], key["code"], strict=True))
    return index


@pytest.fixture(scope="module")
def education(key) -> pd.DataFrame:
    """Wide: one row per municipality code, one column per education level label."""
    raw = pd.read_csv(EDUCATION_CSV)
    wide = raw.pivot(index="Area", columns="Education", values="value")
    wide.index = wide.index.map(name_index(key))
    return wide


@pytest.fixture(scope="module")
def income(key) -> pd.DataFrame:
    """Wide: one row per area (municipality code, or MKxx / SKxxx / HVAxx code), deciles as columns."""
    raw = pd.read_csv(INCOME_CSV)
    wide = raw.pivot(index="Area", columns="Income decile", values="value")
    index = name_index(key)
    wide.index = [index.get(name, name.split(" ", 1)[0]) for name in wide.index]
    return wide


def levels(frame: pd.DataFrame, prefixes: list[str]) -> pd.Series:
    columns = [c for c in frame.columns if any(c.startswith(p) for p in prefixes)]
    assert len(columns) == len(prefixes), columns
    return frame[columns].sum(axis=1)


def oracle(indicator: str, education: pd.DataFrame, income: pd.DataFrame):
    """(numerator, denominator) per area of the raw file for `indicator`."""
    if indicator in LEVELS:
        return levels(education, LEVELS[indicator]), education["Total"]
    return income[DECILES[indicator]].sum(axis=1), income["Total"]


def municipal(con, indicator: str) -> pd.DataFrame:
    return con.execute(
        "SELECT area_code, value, numerator, denominator, source_id FROM core.indicator_values "
        "WHERE indicator_id = ? AND year = ? AND month IS NULL ORDER BY area_code",
        [indicator, YEAR],
    ).df()


def groups(con, indicator: str) -> pd.DataFrame:
    return con.execute(
        "SELECT group_code, value, published_value, numerator, denominator, n_members, n_values "
        "FROM core.group_values WHERE indicator_id = ? AND year = ? ORDER BY group_code",
        [indicator, YEAR],
    ).df()


def test_every_name_of_both_files_is_a_2025_municipality_or_a_coded_area(key):
    index = name_index(key)
    edu_names = pd.read_csv(EDUCATION_CSV)["Area"].unique()
    assert [n for n in edu_names if n not in index] == []
    assert len({index[n] for n in edu_names}) == 308
    inc_names = pd.read_csv(INCOME_CSV)["Area"].unique()
    unmatched = [n for n in inc_names if n not in index]
    assert len(inc_names) - len(unmatched) == 308
    prefixes = pd.Series([n.split(" ", 1)[0] for n in unmatched]).str.extract(r"^([A-Z]+)")[0]
    assert prefixes.value_counts().to_dict() == {"SK": 69, "HVA": 23, "MK": 19}


@pytest.mark.parametrize("indicator", [*LEVELS, *DECILES])
def test_every_municipality_has_the_raw_files_ratio(con, education, income, indicator):
    numerator, denominator = oracle(indicator, education, income)
    expected = (100 * numerator / denominator).loc[lambda s: s.index.str.fullmatch(r"\d{3}")]
    rows = municipal(con, indicator).set_index("area_code")
    assert len(rows) == 308  # zero unmatched: every 2025 municipality joined
    assert sorted(rows.index) == sorted(expected.index)
    np.testing.assert_allclose(rows["value"], expected.loc[rows.index], rtol=0, atol=1e-9)
    np.testing.assert_allclose(rows["numerator"], numerator.loc[rows.index], rtol=0, atol=1e-9)
    np.testing.assert_allclose(rows["denominator"], denominator.loc[rows.index], rtol=0, atol=0)
    source = "education_12bq" if indicator in LEVELS else "income_deciles_12hh"
    assert set(rows["source_id"]) == {source}


@pytest.mark.parametrize("indicator", [*LEVELS, *DECILES])
@pytest.mark.parametrize("group", ["network", "university_cities"])
def test_network_and_university_cities_are_ratios_of_sums(con, education, income, indicator, group):
    members = NETWORK if group == "network" else UNIVERSITY_CITIES
    numerator, denominator = oracle(indicator, education, income)
    expected = 100 * numerator.loc[members].sum() / denominator.loc[members].sum()
    row = groups(con, indicator).set_index("group_code").loc[group]
    assert row["n_values"] == row["n_members"] == len(members)
    assert row["value"] == pytest.approx(expected, abs=1e-9)
    assert row["numerator"] == numerator.loc[members].sum()
    assert row["denominator"] == denominator.loc[members].sum()


def test_hand_picked_cells():
    """Iisalmi as SOURCES.md quotes it: 13,299 of 17,676 aged 15+ with a post-comprehensive
    qualification; Total 20,032 dwelling population with I = 2,256 and X = 1,173."""
    edu = pd.read_csv(EDUCATION_CSV).query("Area == 'Iisalmi'").set_index("Education")["value"]
    assert edu["Total"] == 17676 and edu["3-8 A post-comprehensive level qualification"] == 13299
    inc = pd.read_csv(INCOME_CSV).query("Area == 'Iisalmi'").set_index("Income decile")["value"]
    assert (inc["Total"], inc["I"], inc["X"]) == (20032, 2256, 1173)


def test_education_levels_add_up_in_the_raw_file(education):
    post = education["3-8 A post-comprehensive level qualification"]
    assert (levels(education, LEVELS["upper_secondary_share"]) == post).all()
    assert (post + education["9 Basic education"] == education["Total"]).all()


@pytest.mark.parametrize("indicator", list(LEVELS))
def test_country_value_2024_is_the_ratio_of_sums_of_all_municipalities(
    con, education, income, indicator
):
    numerator, denominator = oracle(indicator, education, income)
    row = groups(con, indicator).set_index("group_code").loc["SSS"]
    assert row["n_values"] == 308
    assert row["value"] == pytest.approx(100 * numerator.sum() / denominator.sum(), abs=1e-9)


@pytest.mark.parametrize("indicator", list(DECILES))
def test_published_region_and_subregion_rows_match_the_computed_groups(
    con, education, income, indicator
):
    """12hh publishes regions and sub-regions: kept as `published_value` beside the value
    computed from the municipalities; the counts agree exactly except where Sottunga's
    suppressed deciles (written as 0) are missing from the municipal sum."""
    numerator, denominator = oracle(indicator, education, income)
    rows = groups(con, indicator).set_index("group_code")
    coded = [c for c in rows.index if c.startswith(("MK", "SK"))]
    assert len(coded) == 19 + 69
    assert rows.loc[coded, "published_value"].notna().all()
    np.testing.assert_allclose(
        rows.loc[coded, "published_value"],
        100 * numerator.loc[coded] / denominator.loc[coded],
        rtol=0,
        atol=1e-9,
    )
    assert (rows.loc[coded, "denominator"] == denominator.loc[coded]).all()
    gap = (numerator.loc[coded] - rows.loc[coded, "numerator"]).loc[lambda s: s != 0]
    if indicator == "top_income_deciles_share":
        assert gap.empty
        assert (rows.loc[coded, "value"] - rows.loc[coded, "published_value"]).abs().max() < 1e-9
    else:  # Sottunga's decile II: suppressed in its municipal row, counted in Åland's rows
        assert gap.to_dict() == {"MK21": 2.0, "SK213": 2.0}
        for code in gap.index:
            members = members_of(code)
            assert "766" in members
            assert income.loc[code, "I"] == income.loc[members, "I"].sum()
            assert income.loc[code, "II"] - income.loc[members, "II"].sum() == 2
        others = [c for c in coded if c not in gap.index]
        assert (rows.loc[others, "value"] - rows.loc[others, "published_value"]).abs().max() < 1e-9
        assert (rows.loc[gap.index, "published_value"] - rows.loc[gap.index, "value"]).max() < 0.11


def members_of(code: str) -> list[str]:
    key = pd.read_csv(CLASSIFICATION, dtype={"kunta": str})
    column = "maakunta_code" if code.startswith("MK") else "seutukunta_code"
    return key.loc[key[column] == int(code[2:]), "kunta"].str.zfill(3).tolist()


def test_sottunga_suppressed_deciles_are_read_as_published_zeros(con, income):
    """Sottunga (766): six deciles suppressed and written as 0 by the file's script; the
    deciles sum to 76 of a Total of 101, so its shares are lower bounds."""
    row = income.loc["766"]
    assert row.drop("Total").sum() == 76 and row["Total"] == 101
    assert (row[["II", "III", "IV", "V", "VI", "VIII"]] == 0).all()
    bottom = municipal(con, "bottom_income_deciles_share").set_index("area_code").loc["766"]
    assert bottom["value"] == pytest.approx(100 * 27 / 101)


def test_population_15_plus_equals_115b_population_less_children(education):
    """Where 12bq meets the employment statistics (115b, 31.12.2024, same run): the population
    aged 15+ is 115b's population minus its 0–14-year-olds, for every municipality."""
    files = sorted(DEFAULT_SNAPSHOT.rglob("tyokay_115b_population_by_main_activity_2024*.csv"))
    if not files:
        pytest.skip("115b 2024 is not in this snapshot")
    raw = pd.read_csv(files[0])
    wide = raw.pivot(index="Area", columns="Activity", values="value")
    edu = pd.read_csv(EDUCATION_CSV).query("Education == 'Total'").set_index("Area")["value"]
    population_15_plus = wide["Total"] - wide["0-14 years old"]
    assert sorted(population_15_plus.index) == sorted(edu.index)
    assert (population_15_plus.loc[edu.index] == edu).all()
    assert edu.sum() == 4_815_684


@pytest.mark.parametrize(
    ("file", "line", "bad"),
    [
        (EDUCATION_CSV, 37, "Alavuss"),  # a municipality misspelt
        (INCOME_CSV, 353, "SK014 Raasepori sub-region"),  # a coded area whose name is off
    ],
)
def test_an_unmatched_name_fails_the_build_naming_file_row_and_name(
    snapshot, tmp_path, file, line, bad
):
    from pipeline.build import BuildError, build_warehouse
    from pipeline.catalogue import load_catalogue
    from pipeline.snapshot import rebuild_manifest

    target = snapshot / file.relative_to(DEFAULT_SNAPSHOT)
    lines = target.read_text(encoding="utf-8").splitlines()
    name = lines[line - 1].split(",", 1)[0]
    lines[line - 1] = lines[line - 1].replace(name, bad, 1)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rebuild_manifest(snapshot)
    catalogue = load_catalogue()
    keep = {"education_12bq", "income_deciles_12hh"}
    catalogue = dataclasses.replace(
        catalogue,
        indicators=tuple(i for i in catalogue.indicators if set(i.sources) <= keep),
        sources=tuple(
            s for s in catalogue.sources if s.id in keep or s.format == "classification_csv"
        ),
    )
    with pytest.raises(BuildError) as info:
        build_warehouse(catalogue, snapshot, tmp_path / "warehouse.duckdb")
    text = str(info.value)
    assert target.name in text and f"row {line}" in text and repr(bad) in text, text


@pytest.mark.parametrize(
    ("indicator", "label"),
    [
        ("upper_secondary_share", "Vähintään toisen asteen tutkinnon suorittaneiden osuus"),
        ("tertiary_share", "Korkea-asteen tutkinnon suorittaneiden osuus"),
    ],
)
def test_years_before_12bq_keep_the_key_figures_and_their_weighted_method(
    con, key, indicator, label
):
    """2020 comes from Kuntien avainluvut 2022 as before: the published municipal share, and
    for groups the mean weighted by the population on 31 Dec (11re; the key figures give the
    population only for 2021), now written as a ratio of those weighted sums."""
    xlsx = pd.read_excel(
        DEFAULT_SNAPSHOT / "statfin" / "kuntien_avainluvut_2022ed_309kuntaa_2020_2021_kunnat.xlsx"
    )
    column = next(c for c in xlsx.columns if str(c).startswith(label) and str(c).endswith("2020"))
    share = xlsx.set_index(xlsx.columns[0])[column]
    share.index = share.index.map(name_index(key))
    population = pd.read_csv(
        DEFAULT_SNAPSHOT / "statfin" / "vaerak_11re_population_1972_2023_by_municipality.csv",
        dtype={"area_code": str},
    ).query("year == 2020")
    weight = population.set_index(population["area_code"].str.removeprefix("KU"))[
        "population_31dec"
    ]
    rows = con.execute(
        "SELECT area_code, value FROM core.indicator_values WHERE indicator_id = ? AND year = 2020",
        [indicator],
    ).df()
    rows = rows.set_index("area_code")["value"]
    np.testing.assert_allclose(rows.loc[NETWORK], share.loc[NETWORK], rtol=0, atol=1e-9)
    expected = (share.loc[NETWORK] * weight.loc[NETWORK]).sum() / weight.loc[NETWORK].sum()
    value = con.execute(
        "SELECT value FROM core.group_values WHERE indicator_id = ? AND year = 2020 "
        "AND group_code = 'network'",
        [indicator],
    ).fetchone()[0]
    assert value == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("form", ["legacy", "2026"])
def test_fetch_then_build_gives_the_bundled_values(snapshot, tmp_path, replay_server, form):
    """`investin fetch` of 12bq and 12hh from the replay server (the bundled files re-encoded as
    PxWeb tables, test data) writes category csvs with a Year column; the build from them gives
    the same municipal values, numerators, denominators and published group values."""
    from click.testing import CliRunner

    from pipeline.build import build_warehouse
    from pipeline.catalogue import load_catalogue
    from pipeline.cli import main as cli

    replay_server.use_snapshot()
    if form == "legacy":
        replay_server.set_forms(new=False)
    else:
        replay_server.set_forms(legacy=False)
    args = ["fetch", "--base-url", replay_server.base_url("fi"), "--snapshot", str(snapshot)]
    args += ["--only", "education_12bq", "--only", "income_deciles_12hh"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0 and "updated 2" in result.output, result.output
    fetched = pd.read_csv(snapshot / EDUCATION_CSV.relative_to(DEFAULT_SNAPSHOT))
    assert list(fetched.columns) == ["Area", "Education", "Year", "value"]
    assert set(fetched["Year"]) == {YEAR} and len(fetched) == 308 * 9
    catalogue = load_catalogue()
    # + the population's sources, so that the peers have an indicator
    keep = {"education_12bq", "income_deciles_12hh", "population_11re"}
    keep |= {"population_sex_11re_2025", "main_activity_115b"}
    catalogue = dataclasses.replace(
        catalogue,
        indicators=tuple(i for i in catalogue.indicators if set(i.sources) <= keep),
        sources=tuple(
            s for s in catalogue.sources if s.id in keep or s.format == "classification_csv"
        ),
    )
    frames = []
    for root, name in ((DEFAULT_SNAPSHOT, "bundled"), (snapshot, "fetched")):
        out = tmp_path / f"{name}.duckdb"
        build_warehouse(catalogue, root, out)
        with duckdb.connect(str(out), read_only=True) as con:
            frames.append(
                [
                    con.execute(f"SELECT {columns} FROM core.{table} ORDER BY ALL").df()  # noqa: S608
                    for table, columns in (
                        ("indicator_values", "indicator_id, area_code, year, value, numerator, "
                         "denominator, source_id"),
                        ("group_values", "indicator_id, group_code, year, value, "
                         "published_value, numerator, denominator, n_values"),
                    )
                ]
            )  # fmt: skip
    for bundled, fetched in zip(*frames, strict=True):
        assert len(bundled) > 0
        pd.testing.assert_frame_equal(fetched, bundled)
