"""Indicator values as the pages show them: series, one year across areas, latest values.

Which groups are compared (network, university cities, country) and which indicators the
profile's charts and the network page's shares use come from `presentation.yaml`; the queries
take them as bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from dashboard.cache import memoised
from dashboard.i18n import lang_of
from dashboard.queries.lookups import areas, indicators, is_municipality, municipality_codes
from dashboard.queries.lookups import network_towns as _network_towns
from dashboard.queries.runner import presentation, run, with_cursor
from pipeline.export import select_frame

LATEST_COLUMNS = [
    "indicator_id",
    "area_code",
    "year",
    "month",
    "value",
    "prev_year",
    "prev_month",
    "prev_value",
]
_GROUP_SLOTS = ("value_first", "value_second", "value_third")


# --------------------------------------------------------------------------- series


def group_series(indicator_id: str, group_codes: Sequence[str]) -> pd.DataFrame:
    """Group values: group_code, year, month, value, n_members, n_values."""
    codes = list(group_codes)
    if not codes:
        return pd.DataFrame(columns=["group_code", "year", "month", "value"])
    return run("group_series", indicator=indicator_id, groups=codes)


def indicator_years(indicator_id: str) -> list[int]:
    """Years with municipal values of the indicator, ascending; for an indicator published only
    for regions, the years of its region values."""
    return [int(year) for year in run("indicator_years", indicator=indicator_id).year]


def trend_values(
    indicator_id: str, area_codes: Sequence[str], group_codes: Sequence[str], lang: str
) -> pd.DataFrame:
    """Time series of areas and groups: area_code, name, kind (municipality | group), year,
    period (the month for monthly series, 1 January of the year for annual ones), annual
    (True for rows without a month), value."""
    return run(
        "trend_values",
        indicator=indicator_id,
        areas=list(area_codes),
        groups=list(group_codes),
        lang=lang_of(lang),
    )


def monthly_comparison(indicator_id: str, code: str, group_codes: Sequence[str]) -> pd.DataFrame:
    """A monthly series for a municipality and groups, long: area_code, month, value (the
    groups' complete months only), by area code and month."""
    town = run("monthly_series", indicator=indicator_id, area=code)
    groups = run("group_monthly_series", indicator=indicator_id, groups=list(group_codes))
    frame = pd.concat([town, groups], ignore_index=True)
    return frame.sort_values(["area_code", "month"], kind="stable", ignore_index=True)


def population_history(code: str) -> pd.DataFrame:
    """Population on 31 Dec and its projection: year, value, kind ('actual' | 'projection')."""
    profile = presentation().profile
    return run(
        "population_history",
        area=code,
        history=profile.population_history,
        projection=profile.population_projection,
    )


# --------------------------------------------------------------------------- one year


def municipal_values(indicator_id: str, year: int, lang: str) -> pd.DataFrame:
    """Every municipality with its value in `year` (latest month for monthly series):
    area_code, name, value (NaN where missing), is_network, is_university_city."""
    return run("municipal_values", indicator=indicator_id, year=int(year), lang=lang_of(lang))


def region_values_by_municipality(indicator_id: str, year: int, lang: str) -> pd.DataFrame:
    """Every municipality with its region's value in `year` (region-level indicators):
    area_code, name, region_code, region, value (NaN where missing), is_network,
    is_university_city."""
    return run(
        "region_values_by_municipality",
        indicator=indicator_id,
        year=int(year),
        lang=lang_of(lang),
    )


def group_values_in_year(
    indicator_id: str, year: int, group_codes: Sequence[str], lang: str
) -> pd.DataFrame:
    """Aggregate values of the groups in `year` (latest month): area_code, name, value."""
    return run(
        "group_values_in_year",
        indicator=indicator_id,
        year=int(year),
        groups=list(group_codes),
        lang=lang_of(lang),
    )


def peer_gaps(area_codes: Sequence[str], peer_code: str, lang: str) -> pd.DataFrame:
    """Every indicator at its latest period for the areas against a peer group.

    Returns area_code, area, indicator_id, year, month, value, peer_value (the group's
    aggregate by the indicator's rule), peer_median (median of the members' values), rank and
    n (the area's rank among all municipalities with a value, 1 = best by the indicator's
    direction; NULL for neutral indicators), direction.
    """
    return run("peer_gaps", areas=list(area_codes), peer=peer_code, lang=lang_of(lang))


def national_shares(group_codes: Sequence[str], year: int | None = None) -> pd.DataFrame:
    """Each group's share (%) of the whole country for the network-weight measures
    (`presentation.yaml`), as ratios of sums.

    The year is `year` if given, else each measure's latest year; the country total is the sum
    over all municipalities with a value that year (the same rows the group sums come from).
    Returns group_code, indicator_id, year, group_total, country_total, share.
    """
    frames = [
        run(
            "national_share",
            indicator=measure.indicator,
            column=measure.column,
            year=year,
            groups=list(group_codes),
        )
        for measure in presentation().network_weight
    ]
    return pd.concat(frames, ignore_index=True)


def share_series(
    indicator_id: str, column: str, group_codes: Sequence[str], country_size: int
) -> pd.DataFrame:
    """Each group's share (%) of the country for a municipal count in every year where every
    member and all `country_size` municipalities have a value: group_code, indicator_id, year,
    group_total, country_total, share."""
    frame = run("share_series", indicator=indicator_id, column=column, groups=list(group_codes))
    whole = (frame.n_values == frame.n_members) & (frame.n_country == country_size)
    return frame[whole].drop(columns=["n_values", "n_members", "n_country"]).reset_index(drop=True)


def region_share_series(
    indicator_id: str, group_codes: Sequence[str], region_group: str, country: str
) -> pd.DataFrame:
    """For a region-level count: each group's regions' (those of `region_group` holding a
    member) share (%) of `country`, in years every such region has a value; the columns of
    `share_series`."""
    frame = run(
        "region_share_series",
        indicator=indicator_id,
        groups=list(group_codes),
        region_group=region_group,
        country=country,
    )
    whole = frame.n_values == frame.n_members
    return frame[whole].drop(columns=["n_values", "n_members"]).reset_index(drop=True)


def share_years() -> list[int]:
    """Years in which every network-weight indicator has annual municipal values."""
    ids = [measure.indicator for measure in presentation().network_weight]
    return [int(year) for year in run("share_years", indicators=ids).year]


def export_frame(selection: Any) -> pd.DataFrame:
    """`pipeline.export.select_frame` on this process's read-only connection: the rows that
    `investin export` writes for the same `pipeline.export.Selection`."""
    return with_cursor(lambda cursor: select_frame(cursor, selection))


# --------------------------------------------------------------------------- latest values


def comparison_columns() -> list[str]:
    """The group columns of `latest_values`: `value_<code>` for each comparison group
    (network, university cities, country; `presentation.comparison_codes`)."""
    return [f"value_{code}" for code in presentation().comparison_codes]


def _latest(area_codes: list[str] | None, indicator_ids: list[str] | None) -> pd.DataFrame:
    first, second, third = presentation().comparison_codes
    frame = run(
        "latest_values",
        areas=area_codes,
        indicators=indicator_ids,
        first_group=first,
        second_group=second,
        third_group=third,
    )
    return frame.rename(columns=dict(zip(_GROUP_SLOTS, comparison_columns(), strict=True)))


def latest_values(area_codes: Sequence[str], indicator_ids: Sequence[str] = ()) -> pd.DataFrame:
    """Per (indicator, municipality): the latest value, the previous one and the groups' values.

    Columns: indicator_id, area_code, year, month, value, prev_year, prev_month, prev_value and
    `comparison_columns()` (the groups' values for the same period). "Previous" is the
    preceding year for annual series and the same month a year earlier for monthly series (so
    seasonal series compare like with like).
    """
    codes = list(area_codes)
    ids = list(indicator_ids)
    if not codes:
        return pd.DataFrame(columns=[*LATEST_COLUMNS, *comparison_columns()])
    if all(is_municipality(code) for code in codes):  # one cached query for every municipality
        every = _latest(None, None)
        wanted = every.area_code.isin(codes)
        if ids:
            wanted &= every.indicator_id.isin(ids)
        return every[wanted].reset_index(drop=True)
    return _latest(codes, ids or None)


def group_latest_values(group_code: str) -> pd.DataFrame:
    """A group's (e.g. a region's) latest value per indicator: indicator_id, year, month, value."""
    return run("group_latest_values", group=group_code)


def network_cards(indicator_ids: Sequence[str], lang: str) -> pd.DataFrame:
    """The network towns' latest values for the overview cards, with the town names."""
    towns = _network_towns(lang)
    values = latest_values(list(towns.area_code), indicator_ids)
    return values.merge(towns, on="area_code", how="right")


def town_values(code: str, lang: str) -> pd.DataFrame:
    """Every indicator's latest value for one municipality with its catalogue metadata (see
    `_town_values`); a copy of the one made per town and language, which a profile's parts
    each read."""
    return _town_values(code, lang).copy()


@memoised(64)
def _town_values(code: str, lang: str) -> pd.DataFrame:
    """Every indicator's latest value for one municipality with its catalogue metadata.

    Region-level indicators (no municipal values) take the municipality's region's value and
    are marked `level = 'region'`. Columns: latest_values' columns + label, description, unit,
    decimals, direction, theme, level; rows in the catalogue's order.
    """
    own = _rows_by_town(lang).get(code)
    if own is None:
        own = _with_meta(latest_values([code]).assign(level="municipality"), lang)
    region = areas(lang).set_index("area_code").region_code.get(code)
    if not region:
        return own.drop(columns="order").reset_index(drop=True)
    regional = _region_rows(region, lang)
    regional = regional[~regional.indicator_id.isin(own.indicator_id)].assign(area_code=code)
    out = pd.concat([own, regional], ignore_index=True)
    return out.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)


def _with_meta(values: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`values` joined with the catalogue's metadata in `lang`, with the catalogue `order`."""
    meta = indicators(lang)
    order = {ind: i for i, ind in enumerate(meta.indicator_id)}
    out = values.merge(meta, on="indicator_id", how="inner")
    out["order"] = out.indicator_id.map(order)
    return out.sort_values("order", kind="stable")


@memoised(4)
def _rows_by_town(lang: str) -> dict[str, pd.DataFrame]:
    """Every municipality's own latest values with metadata, by area code: one join per
    language instead of one per profile (the pages treat the frames as read-only)."""
    every = _with_meta(_latest(None, None).assign(level="municipality"), lang)
    return {code: rows for code, rows in every.groupby("area_code", sort=False)}


@memoised(64)
def _region_rows(region: str, lang: str) -> pd.DataFrame:
    """A region's latest values with metadata, marked `level = 'region'`."""
    return _with_meta(group_latest_values(region).assign(level="region"), lang)


def area_figures(area_codes: Sequence[str], indicator_ids: Sequence[str]) -> pd.DataFrame:
    """Every value of `indicator_ids` for `area_codes` (municipalities or groups) from
    core.all_values: indicator_id, area_code, year, month, value, source_id, complete."""
    return run("area_figures", areas=list(area_codes), indicators=list(indicator_ids))


def warm_up() -> None:
    """Run once at server start what most pages need (areas, catalogue, latest values)."""
    for lang in ("fi", "sv", "en"):
        areas(lang)
        indicators(lang)
    latest_values(sorted(municipality_codes())[:1])
