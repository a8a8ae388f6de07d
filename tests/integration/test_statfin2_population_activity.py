"""11re by age and by sex 2025, 11s2 2025 and 115b 2024: every name joined, the totals equal the
recorded whole-country and city figures, and the new years' network and university-city values
recomputed from the raw files in plain pandas (no project code between the file and the check)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT
from tests.replay_server import FIXTURES

STATFIN2 = DEFAULT_SNAPSHOT / "statfin2"
AGE = (
    STATFIN2
    / "population"
    / "vaerak_11re_population_by_age_2025_by_municipality_2025division_en.csv"
)
SEX = (
    STATFIN2
    / "population"
    / "vaerak_11re_population_by_sex_2025_by_municipality_2025division_en.csv"
)
LANG = (
    STATFIN2
    / "population"
    / "vaerak_11s2_population_by_language_finnish_swedish_latest_by_municipality_2025division_en.csv"
)
ACTIVITY = (
    STATFIN2
    / "jobs"
    / "tyokay_115b_population_by_main_activity_2024_by_municipality_2025division_en.csv"
)
KEY = DEFAULT_SNAPSHOT / "classification" / "geofi_municipality_key_2025.csv"
# The groups as the README lists them (not read from the catalogue).
NETWORK = ["140", "740", "678", "287", "111", "232", "249", "684", "305", "832"]
UNIVERSITY = [
    "091", "049", "092", "853", "837", "564", "179", "297", "405", "167", "905", "398", "743",
    "491", "609", "272", "205", "698", "153", "765",
]  # fmt: skip


def _recorded(name: str) -> dict[tuple[str, str], float]:
    """(area code, year) → value of a recorded 11re json-stat 2 response (decoded by hand)."""
    doc = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    dims = [doc["dimension"][d]["category"]["index"] for d in doc["id"]]
    codes = [sorted(index, key=index.get) for index in dims]
    area, year = doc["id"].index(doc["role"]["geo"][0]), doc["id"].index(doc["role"]["time"][0])
    cells = np.array(doc["value"], dtype=float).reshape(doc["size"])
    out = {}
    for position in np.ndindex(*doc["size"]):
        out[(codes[area][position[area]], codes[year][position[year]])] = cells[position]
    return out


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    key = pd.read_csv(KEY)
    out = {}
    for lang in ("fi", "sv", "en"):
        out.update(
            zip(key[f"municipality_name_{lang}"], key.kunta.map("{:03d}".format), strict=True)
        )
    return out


def _wide(path, names) -> pd.DataFrame:
    """A raw `Area,<category>,value` file as one row per municipality code, a column per label."""
    raw = pd.read_csv(path)
    raw["code"] = raw["Area"].map(names)
    assert raw["code"].notna().all(), raw.loc[raw["code"].isna(), "Area"].unique()
    return raw.pivot(index="code", columns=raw.columns[1], values="value")


@pytest.fixture(scope="module")
def ages(names) -> pd.DataFrame:
    return _wide(AGE, names)


@pytest.fixture(scope="module")
def activity(names) -> pd.DataFrame:
    return _wide(ACTIVITY, names)


def test_every_name_joins_to_the_308_municipalities(con, names):
    codes = set(names.values())
    assert len(codes) == 308
    for source in ("population_age_11re_2025", "population_sex_11re_2025", "language_11s2",
                   "main_activity_115b"):  # fmt: skip
        staged = con.execute(f"SELECT DISTINCT area_code FROM staging.{source}").df()  # noqa: S608
        assert set(staged.area_code) == codes, source


def test_11re_2025_totals_equal_the_recorded_figures(ages, names):
    total = ages["Total"]
    singles = ages.drop(columns="Total").sum(axis=1)
    assert (
        total.sum()
        == 5_652_881
        == _recorded(
            "markusl-statfin-mcp_api-query-population-finland_POST_jsonstat2_fi_11re_SSS_top3.json"
        )[("SSS", "2025")]
    )
    assert (singles == total).all()
    cities = _recorded("statfin_11re_2026api_POST_jsonstat2_KU049_KU091_KU092_2025.json")
    for code in ("049", "091", "092"):
        assert total[code] == cities[(f"KU{code}", "2025")]
    sexes = _wide(SEX, names)
    assert ((sexes["Males"] + sexes["Females"]) == total).all()


def test_115b_totals_are_the_2024_population(activity):
    recorded = _recorded(
        "markusl-statfin-mcp_api-query-population-finland_POST_jsonstat2_fi_11re_SSS_top3.json"
    )
    assert activity["Total"].sum() == 5_635_971 == recorded[("SSS", "2024")]
    helsinki = _recorded("statfin_11re_2026api_POST_jsonstat2_KU091_top5years.json")
    assert activity.loc["091", "Total"] == helsinki[("KU091", "2024")] == 684_018
    a = activity
    assert (a["Labour force"] == a["Employed"] + a["Unemployed"]).all()
    assert (a["Total"] == a["Labour force"] + a["Persons outside the labour force"]).all()
    parts = ["0-14 years old", "Students, pupils", "Conscripts, persons in non-military service",
             "Pensioners", "Other persons outside the labour force"]  # fmt: skip
    assert (a[parts].sum(axis=1) == a["Persons outside the labour force"]).all()


def test_11s2_speakers_fit_in_the_2025_population(ages, names):
    speakers = _wide(LANG, names).sum(axis=1)
    assert speakers.sum() == 5_004_413
    assert (speakers <= ages["Total"]).all()


def _ratio(table: pd.DataFrame, numerator, denominator, members) -> float:
    rows = table.loc[members]
    return 100 * float(numerator(rows).sum()) / float(denominator(rows).sum())


def _expected(ages, activity, names) -> dict[tuple[str, int], tuple]:
    """(indicator, year) → (numerator of a frame, denominator of a frame, the frame)."""
    lang = _wide(LANG, names)
    total = ages[["Total"]]

    def span(low, high):
        return lambda t: t[[str(a) for a in range(low, high + 1)]].sum(axis=1)

    population = lambda t: t["Total"]  # noqa: E731
    return {
        ("students_share", 2024): (lambda t: t["Students, pupils"], population, activity),
        ("labour_force_share", 2024): (lambda t: t["Labour force"], population, activity),
        ("unemployment_rate", 2024): (lambda t: t["Unemployed"], lambda t: t["Labour force"], activity),
        ("pensioners_share", 2024): (lambda t: t["Pensioners"], population, activity),
        ("economic_dependency_ratio", 2024): (
            lambda t: t["Total"] - t["Employed"], lambda t: t["Employed"], activity,
        ),
        ("young_working_age_share", 2025): (span(20, 39), population, ages),
        ("share_0_14", 2025): (span(0, 14), population, ages),
        ("share_15_64", 2025): (span(15, 64), population, ages),
        ("share_65_plus", 2025): (lambda t: t[[str(a) for a in range(65, 100)] + ["100 -"]].sum(axis=1),
                                  population, ages),
        ("swedish_speakers_share", 2025): (
            lambda t: t["Swedish-speaking population"], lambda t: t["Total"], lang.join(total),
        ),
    }  # fmt: skip


def test_new_years_of_network_and_university_cities_recomputed_from_the_raw_files(
    con, ages, activity, names
):
    expected = _expected(ages, activity, names)
    for (indicator, year), (numerator, denominator, table) in expected.items():
        for group, members in (("network", NETWORK), ("university_cities", UNIVERSITY)):
            got = con.execute(
                "SELECT value, n_values FROM core.group_values WHERE indicator_id = ? "
                "AND group_code = ? AND year = ?",
                [indicator, group, year],
            ).fetchall()
            assert got and got[0][1] == len(members), (indicator, group, year)
            want = _ratio(table, numerator, denominator, members)
            assert got[0][0] == pytest.approx(want, rel=1e-12), (indicator, group, year)
    population = con.execute(
        "SELECT group_code, value FROM core.group_values WHERE indicator_id = 'population' "
        "AND year = 2025 AND group_code IN ('network', 'university_cities', 'SSS')"
    ).df()
    got = dict(zip(population.group_code, population.value, strict=True))
    assert got == {
        "network": ages.loc[NETWORK, "Total"].sum(),
        "university_cities": ages.loc[UNIVERSITY, "Total"].sum(),
        "SSS": 5_652_881,
    }


def test_hand_picked_cells(con):
    """Iisalmi in 115b (SOURCES.md: 20,463 people, labour force 9,047, employed 7,758) and
    Kristinestad's 2025 Swedish-speakers share, as stored."""
    rows = con.execute(
        "SELECT indicator_id, value FROM core.indicator_values WHERE area_code = '140' "
        "AND year = 2024 AND indicator_id IN ('labour_force_share', 'unemployment_rate')"
    ).df()
    got = dict(zip(rows.indicator_id, rows.value, strict=True))
    assert got["labour_force_share"] == pytest.approx(100 * 9047 / 20463)
    assert got["unemployment_rate"] == pytest.approx(100 * (9047 - 7758) / 9047)
    raw = pd.read_csv(LANG).query("Area == 'Kristinestad'").set_index("Language group").value
    total = pd.read_csv(AGE).query("Area == 'Kristinestad' and Age == 'Total'").value.iloc[0]
    value = con.execute(
        "SELECT value FROM core.indicator_values WHERE area_code = '287' AND year = 2025 "
        "AND indicator_id = 'swedish_speakers_share'"
    ).fetchone()[0]
    assert value == pytest.approx(100 * raw["Swedish-speaking population"] / total)


def test_population_2024_and_the_newest_changes_recomputed(con, activity, names):
    """Population 2024 is 115b's total (the same statistics' 31 Dec figure), so the change
    figures reach 2025: the network's and the university cities' 2024 and 2025 population
    changes as ratios of sums over the members, from the raw 11re 2023 table, 115b and 11re by
    sex 2025 (plain pandas)."""
    raw_2023 = pd.read_csv(
        DEFAULT_SNAPSHOT / "statfin" / "vaerak_11re_population_1972_2023_by_municipality.csv",
        dtype={"area_code": str},
    )
    sexes = _wide(SEX, names)
    years = {
        2023: raw_2023[raw_2023.year == 2023]
        .assign(code=lambda f: f.area_code.str.removeprefix("KU"))
        .set_index("code")["population_31dec"],
        2024: activity["Total"],
        2025: sexes["Males"] + sexes["Females"],
    }
    for group, members in (("network", NETWORK), ("university_cities", UNIVERSITY)):
        for year in (2024, 2025):
            before, after = years[year - 1][members].sum(), years[year][members].sum()
            got = con.execute(
                "SELECT value FROM core.group_values WHERE indicator_id = 'population_change_pct' "
                "AND group_code = ? AND year = ?",
                [group, year],
            ).fetchone()[0]
            assert got == pytest.approx(100.0 * (after - before) / before, rel=1e-9), (group, year)
