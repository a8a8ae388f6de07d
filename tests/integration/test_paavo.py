"""Paavo postal areas summed to municipalities, checked against the raw file read in plain
pandas (independent of `pipeline.readers.paavo`), and the file's reference year recomputed
from the population statistics."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT
from pipeline.catalogue import load_catalogue

PAAVO = DEFAULT_SNAPSHOT / "paavo" / "paavo_12f7_2024_all_finland_3018_postal_areas_fi.csv"
KEY = DEFAULT_SNAPSHOT / "classification" / "geofi_municipality_key_2025.csv"
STATFIN = DEFAULT_SNAPSHOT / "statfin"
RESIDENTS = "Asukkaat yhteensä (HE)"
ADULTS = "18 vuotta täyttäneet yhteensä (HR)"
POWER = "Asukkaiden ostovoimakertymä (HR)"
COTTAGES = "Kesämökit yhteensä (RA)"


@pytest.fixture(scope="module")
def postal() -> pd.DataFrame:
    """The raw file with each postal area's municipality code, joined here by hand."""
    raw = pd.read_csv(PAAVO, encoding="utf-8-sig")
    key = pd.read_csv(KEY, encoding="utf-8-sig")
    codes = {}
    for lang in ("fi", "sv"):
        names = key[f"municipality_name_{lang}"].str.strip()
        codes.update(zip(names, key["kunta"].map(lambda k: f"{int(k):03d}"), strict=True))
    name = raw["Alueen_nimi"].map(lambda n: re.search(r"\(([^()]+)\)\s*$", n).group(1).strip())
    # "Maarianhamina - Mariehamn": the Finnish and Swedish names of one municipality
    raw["code"] = name.map(lambda n: codes.get(n) or codes.get(n.split(" - ")[0]))
    return raw


def municipal_sums(postal: pd.DataFrame) -> pd.DataFrame:
    published = postal[POWER] != 0
    return pd.DataFrame(
        {
            "residents": postal.groupby("code")[RESIDENTS].sum(),
            "power": postal.groupby("code")[POWER].sum(),
            "adults": postal[published].groupby("code")[ADULTS].sum(),
            "cottages": postal.groupby("code")[COTTAGES].sum(),
        }
    )


def test_every_postal_area_joins_a_2025_municipality(postal, con):
    assert len(postal) == 3018
    assert postal["code"].notna().all(), postal.loc[postal["code"].isna(), "Alueen_nimi"].tolist()
    assert postal["code"].nunique() == 308
    staged = con.execute(
        "SELECT variable, sum(postal_areas) AS n FROM staging.paavo_2024 GROUP BY variable"
    ).df()
    counts = dict(zip(staged.variable, staged.n, strict=True))
    assert counts["paavo_residents"] == counts["paavo_summer_cottages"] == 3018
    assert counts["paavo_adults_with_income"] == int((postal[POWER] != 0).sum()) == 2927


@pytest.mark.parametrize("code, name", [("304", "Kustavi"), ("478", "Maarianhamina - Mariehamn")])
def test_hand_picked_municipality_equals_the_raw_file(con, code, name):
    raw = pd.read_csv(PAAVO, encoding="utf-8-sig")
    mine = raw[raw["Alueen_nimi"].str.endswith(f"({name})")]
    assert len(mine) > 0
    staged = con.execute(
        "SELECT variable, value, postal_areas, zero_areas FROM staging.paavo_2024 "
        "WHERE area_code = ?",
        [code],
    ).df()
    staged = staged.set_index("variable")
    assert staged.at["paavo_residents", "value"] == mine[RESIDENTS].sum()
    assert staged.at["paavo_summer_cottages", "value"] == mine[COTTAGES].sum()
    assert staged.at["paavo_purchasing_power", "value"] == mine[POWER].sum()
    assert staged.at["paavo_summer_cottages", "zero_areas"] == (mine[COTTAGES] == 0).sum()
    assert staged.at["paavo_residents", "postal_areas"] == len(mine)
    values = con.execute(
        "SELECT indicator_id, value FROM core.indicator_values WHERE area_code = ? AND year = 2024 "
        "AND indicator_id IN ('residents_mean_income', 'summer_cottages_per_1000')",
        [code],
    ).df()
    values = dict(zip(values.indicator_id, values.value, strict=True))
    published = mine[mine[POWER] != 0]
    assert values["residents_mean_income"] == pytest.approx(
        published[POWER].sum() / published[ADULTS].sum(), rel=1e-12
    )
    assert values["summer_cottages_per_1000"] == pytest.approx(
        1000 * mine[COTTAGES].sum() / mine[RESIDENTS].sum(), rel=1e-12
    )


def test_kustavi_by_hand():
    """One cell a person can check: Kustavi's one postal area, 3,228 cottages, 940 residents."""
    raw = pd.read_csv(PAAVO, encoding="utf-8-sig")
    kustavi = raw[raw["Alueen_nimi"].str.endswith("(Kustavi)")]
    assert len(kustavi) == 1
    assert (kustavi[COTTAGES].sum(), kustavi[RESIDENTS].sum()) == (3228.0, 940.0)


@pytest.mark.parametrize("group", ["network", "university_cities"])
def test_group_values_recomputed_as_ratio_of_sums(con, postal, group):
    members = list(load_catalogue().group(group).members)
    sums = municipal_sums(postal).loc[members].sum()
    expected = {
        "residents_mean_income": sums["power"] / sums["adults"],
        "summer_cottages_per_1000": 1000 * sums["cottages"] / sums["residents"],
    }
    rows = con.execute(
        "SELECT indicator_id, value, n_values, complete FROM core.group_values "
        "WHERE group_code = ? AND year = 2024 AND indicator_id IN (?, ?)",
        [group, *expected],
    ).df()
    assert len(rows) == 2
    for row in rows.itertuples():
        assert row.value == pytest.approx(expected[row.indicator_id], rel=1e-12)
        assert row.n_values == len(members) and row.complete


def test_lower_bounds_are_stated_where_zeros_were_summed(con, postal):
    notes = dict(
        con.execute(
            "SELECT indicator_id, note FROM core.indicators WHERE indicator_id IN "
            "('residents_mean_income', 'summer_cottages_per_1000')"
        ).fetchall()
    )
    zero_cottage_towns = postal.loc[postal[COTTAGES] == 0, "code"].nunique()
    assert f"in {zero_cottage_towns} of 308 municipalities" in notes["summer_cottages_per_1000"]
    assert all("lower bound" in note for note in notes.values())
    for indicator in ("residents_mean_income", "summer_cottages_per_1000"):
        description = load_catalogue().indicator(indicator).description
        assert "alaraj" in description.fi and "nedre gräns" in description.sv
        assert "lower bound" in description.en and "2024" in description.en


# --------------------------------------------------------------------------- reference year


def population_by_year(key: pd.DataFrame) -> pd.DataFrame:
    """Municipalities × years: 11re (31 Dec, to 2023), the 11lj preliminary figure for December
    2024 (31 Dec 2024) and, when bundled, the 11re 2025 file (by age, its Total rows)."""
    re11 = pd.read_csv(
        STATFIN / "vaerak_11re_population_1972_2023_by_municipality.csv", dtype={"area_code": str}
    )
    re11["area_code"] = re11["area_code"].str.removeprefix("KU")
    wide = re11[re11.area_code != "SSS"].pivot(
        index="area_code", columns="year", values="population_31dec"
    )
    prelim = pd.read_csv(
        STATFIN / "vamuu_11lj_population_preliminary_monthly_2024_by_municipality.csv",
        dtype={"area_code": str},
    )
    prelim["area_code"] = prelim["area_code"].str.removeprefix("KU")
    december = prelim[prelim.month == "2024M12"].set_index("area_code")
    wide[2024] = december.population_preliminary
    for path in STATFIN.glob("vaerak_11re_population_by_age_2025*.csv"):
        y2025 = pd.read_csv(path)
        y2025 = y2025[y2025["Age"] == "Total"]
        codes = {}
        for lang in ("fi", "sv", "en"):
            names = key[f"municipality_name_{lang}"].str.strip()
            codes.update(zip(names, key["kunta"].map(lambda k: f"{int(k):03d}"), strict=True))
        wide[2025] = y2025.set_index(y2025["Area"].map(codes))["value"]
    return wide


def test_reference_year_is_the_best_matching_population_year(postal):
    """Summed to municipalities, Paavo's residents are compared with the population each year.
    Paavo's postal areas hold about 1.4% fewer residents than 11re, so each year's populations
    are first scaled to Paavo's total; the year with the least summed absolute difference over
    the municipalities is the reference year (figures as stated in data/snapshot/SOURCES.md)."""
    key = pd.read_csv(KEY, encoding="utf-8-sig")
    paavo = postal.groupby("code")[RESIDENTS].sum()
    wide = population_by_year(key)
    years = list(range(2019, 2024))  # 11re to 2023 is on older divisions; 11lj on 2025's
    wide.loc["507", years] += wide.loc["588", years]  # Pertunmaa → Mäntyharju (2025)
    distance = {}
    for year in [y for y in wide.columns if y >= 2019]:
        official = wide[year].reindex(paavo.index)
        assert official.notna().all(), year
        scaled = official * paavo.sum() / official.sum()
        distance[year] = float(np.abs(paavo - scaled).sum())
    best = min(distance, key=distance.get)
    assert best == load_catalogue().source("paavo_2024").reference_year == 2024
    assert round(distance[2024]) == 84_854
    assert round(distance[2023]) == 106_844
    assert paavo.sum() == 5_557_765
    assert distance[2024] < 0.8 * min(d for y, d in distance.items() if y != 2024)
