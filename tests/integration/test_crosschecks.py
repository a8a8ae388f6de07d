"""Cross-checks of the warehouse against published figures and an independent recomputation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT
from pipeline.catalogue import load_catalogue

REGIONS_CSV = DEFAULT_SNAPSHOT / "statfin" / "kuntien_avainluvut_2021ed_19_regions_2020_2021_en.csv"


def group_rows(con, indicator: str) -> pd.DataFrame:
    return con.execute(
        "SELECT group_code, year, month, value, published_value, n_members, n_values "
        "FROM core.group_values WHERE indicator_id = ? ORDER BY group_code, year, month",
        [indicator],
    ).df()


def test_11re_whole_country_equals_sum_of_municipalities_every_year(con):
    rows = group_rows(con, "population").query("group_code == 'SSS' and year <= 2023")
    published = pd.read_csv(
        DEFAULT_SNAPSHOT / "statfin" / "vaerak_11re_population_1972_2023_by_municipality.csv",
        dtype={"area_code": str},
    ).query("area_code == 'SSS'")
    assert len(rows) == 52 == len(published)  # 1972–2023
    assert (rows.n_values == 308).all()
    assert rows.value.tolist() == rows.published_value.tolist()
    assert rows.value.tolist() == published.population_31dec.astype(float).tolist()


def regional_file_rows(con, indicator: str) -> pd.DataFrame:
    """The groups the regional key-figures file publishes: regions and the country, 2020–2021
    (the sub-region file and 115n/115p publish other groups and years)."""
    rows = group_rows(con, indicator).dropna(subset=["published_value"])
    regional = rows.group_code.str.startswith("MK") | (rows.group_code == "SSS")
    return rows[regional & (rows.year >= 2020)]


@pytest.mark.parametrize(
    "indicator", ["jobs", "employed_labour_force", "natural_increase", "net_migration"]
)
def test_key_figure_counts_match_published_regions_and_country(con, indicator):
    rows = regional_file_rows(con, indicator)
    assert set(rows.group_code) >= {"SSS", "MK01", "MK21"} and len(rows) == 20
    assert (rows.value == rows.published_value).all()


@pytest.mark.parametrize(
    ("indicator", "tolerance"),
    [
        ("unemployment_rate", 0.1),
        ("share_65_plus", 0.1),
        ("share_0_14", 0.1),
        ("pensioners_share", 0.1),
        ("job_self_sufficiency", 0.1),
    ],
)
def test_key_figure_ratios_match_published_within_rounding(con, indicator, tolerance):
    """Ratios of sums over the rounded municipal figures reproduce the published regional
    and whole-country ratios to within rounding (published with one decimal)."""
    rows = regional_file_rows(con, indicator)
    assert len(rows) == 20
    gap = (rows.value - rows.published_value).abs()
    assert gap.max() <= tolerance, rows.loc[gap.idxmax()].to_dict()


def test_published_regional_csv_is_what_the_warehouse_keeps(con):
    published = pd.read_csv(REGIONS_CSV)
    country = published[published.iloc[:, 0] == "WHOLE COUNTRY"]
    jobs = float(country["Number of workplaces in the area, 2020"].iloc[0])
    row = group_rows(con, "jobs").query("group_code == 'SSS' and year == 2020")
    assert row.published_value.item() == jobs == row.value.item()


def month_key(months: pd.Series) -> pd.Series:
    return pd.to_datetime(months).dt.strftime("%Y-%m").fillna("")


def recompute(values: pd.DataFrame, members: list[str], rule: str, scale: float) -> pd.DataFrame:
    """Independent pandas recomputation of a group's values from municipal rows."""
    rows = values[values.area_code.isin(members)].copy()
    rows["month"] = month_key(rows["month"])
    out = []
    for (year, month), part in rows.groupby(["year", "month"]):
        if rule == "sum":
            value = part.value.sum()
        elif rule == "ratio":
            ok = part.dropna(subset=["numerator", "denominator"])
            value = scale * ok.numerator.sum() / ok.denominator.sum()
        else:
            ok = part.dropna(subset=["value", "weight"])
            value = (ok.value * ok.weight).sum() / ok.weight.sum()
        out.append({"year": year, "month": month, "value": value})
    return pd.DataFrame(out)


@pytest.mark.parametrize("group", ["network", "university_cities"])
def test_user_groups_recomputed_independently(con, group):
    catalogue = load_catalogue()
    members = list(catalogue.group(group).members)
    checked = 0
    for indicator in catalogue.indicators:
        rule = indicator.aggregation.rule
        if rule == "none":
            continue
        values = con.execute(
            "SELECT area_code, year, month, value, numerator, denominator, weight "
            "FROM core.indicator_values WHERE indicator_id = ?",
            [indicator.id],
        ).df()
        if values.empty:
            continue
        expected = recompute(values, members, rule, indicator.aggregation.scale)
        stored = group_rows(con, indicator.id).query("group_code == @group").copy()
        stored["month"] = month_key(stored["month"])
        merged = expected.merge(stored, on=["year", "month"], suffixes=("_expected", ""))
        assert len(merged) == len(stored), indicator.id
        assert np.allclose(merged.value, merged.value_expected, rtol=1e-9), indicator.id
        checked += 1
    assert checked >= 20


def test_ratio_is_not_the_mean_of_member_ratios(con):
    """The network's unemployment rate weights towns by labour force."""
    network = load_catalogue().group("network").members
    values = con.execute(
        "SELECT area_code, value FROM core.indicator_values "
        "WHERE indicator_id = 'unemployment_rate' AND year = 2020"
    ).df()
    mean_of_ratios = values[values.area_code.isin(network)].value.mean()
    stored = group_rows(con, "unemployment_rate").query("group_code == 'network' and year == 2020")
    assert stored.value.item() != pytest.approx(mean_of_ratios, abs=1e-6)


def test_partial_group_values_are_kept_and_flagged(con):
    """The real data's partial groups (e.g. the country's monthly unemployment rate, where the
    publisher suppresses small towns' cells) keep their value under the default rule and say
    how many members it covers: recounted here from the municipal rows."""
    recount = con.execute(
        "SELECT v.month, count(*) AS n FROM core.indicator_values v "
        "WHERE v.indicator_id = 'unemployment_rate_monthly' AND v.weight IS NOT NULL "
        "GROUP BY v.month"
    ).df()
    country = con.execute(
        "SELECT month, n_values, n_members, complete FROM core.group_values "
        "WHERE indicator_id = 'unemployment_rate_monthly' AND group_code = 'SSS'"
    ).df()
    both = country.merge(recount, on="month", validate="one_to_one")
    assert len(both) == len(country) == len(recount) > 200
    assert (both.n_values == both.n).all() and (both.n_members == 308).all()
    assert (both.complete == (both.n == 308)).all() and not both.complete.all()
    flags = con.execute(
        "SELECT method, complete, n_values = n_members AS whole, count(*) AS n "
        "FROM core.group_values GROUP BY ALL"
    ).df()
    computed = flags[flags.method == "computed"]
    assert (computed.complete == computed.whole).all()
    assert flags[flags.method == "published"].complete.all()
