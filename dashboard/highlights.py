"""Short generated highlights for a town profile, from real values, in the chosen language.

`town_highlights(values, lang, population=None, pres=None)` is a pure function: `values` is the
frame of `queries.town_values` (one row per indicator: indicator_id, label, unit, decimals, year,
month, value and a `value_<code>` column per comparison group, ...); `population` is
`queries.population_history`. Every sentence names the year of its figures, and a change both
years (the projection's first year is the `first_year` column that
`dashboard.views.coverage.with_currency` adds). Which indicators each rule reads, and which group is the whole
country, come from the presentation (`highlights` and the country role). Each rule returns a
list of sentences; the first `limit` sentences are returned in rule order.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from dashboard.i18n import fmt_number, fmt_signed, lang_of, t
from dashboard.views.common import group_column
from pipeline.presentation import Presentation, load_presentation

# Highlights are a promoter's headlines: notable strengths only, never a tiny share or a
# weakness (a weak figure stays in the tables, beside the comparison groups).
# A job share is a strength from this many times the national share (a location quotient) ...
RATIO_HIGH = 1.2
# ... when it is also a material share of the town's jobs (per cent).
MIN_SHARE = 5.0
# A rate is notably better than the national rate by at least this many percentage points.
GAP_PP = 1.0
# More jobs than employed residents (per cent): a commuting destination.
JOBS_HUB = 100.0


def _country(pres: Presentation) -> str:
    """The column of the whole country's value."""
    return group_column(pres.country)


def _row(values: pd.DataFrame, indicator_id: str) -> pd.Series | None:
    match = values[values.indicator_id == indicator_id]
    if match.empty or _missing(match.iloc[0].get("value")):
        return None
    return match.iloc[0]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def _period(row: pd.Series, lang: str | None = None) -> str:
    """'2023' or '1/2025'; with `lang`, '2020, not current' for a row marked `stale`."""
    month = row.get("month")
    if not _missing(month):
        stamp = pd.Timestamp(month)
        text = f"{stamp.month}/{stamp.year}"
    else:
        text = str(int(row["year"]))
    stale = row.get("stale")
    if lang is not None and not _missing(stale) and bool(stale):
        return t("common.stale_period", lang, period=text)
    return text


def job_share_ratios(values: pd.DataFrame, lang: str, pres: Presentation) -> list[str]:
    """'The share of workplaces in secondary production is 1.7 × the national share …'."""
    out = []
    country = _country(pres)
    for indicator_id in pres.highlights.job_shares:
        row = _row(values, indicator_id)
        if row is None or _missing(row.get(country)) or not row[country]:
            continue
        ratio = row["value"] / row[country]
        if ratio < RATIO_HIGH or row["value"] < MIN_SHARE:
            continue
        out.append(
            t(
                "town.hl_share_ratio",
                lang,
                label=row["label"],
                ratio=fmt_number(ratio, 1, lang),
                value=fmt_number(row["value"], 1, lang),
                country=fmt_number(row[country], 1, lang),
                year=_period(row, lang),
            )
        )
    return out


def unemployment_gap(values: pd.DataFrame, lang: str, pres: Presentation) -> list[str]:
    """The latest monthly unemployed-jobseeker share, when at least GAP_PP below the country's."""
    country = _country(pres)
    row = _row(values, pres.highlights.unemployment)
    if row is None or _missing(row.get(country)):
        return []
    gap = row["value"] - row[country]
    if gap > -GAP_PP:
        return []
    return [
        t(
            "town.hl_unemployment_below",
            lang,
            value=fmt_number(row["value"], 1, lang),
            country=fmt_number(row[country], 1, lang),
            gap=fmt_number(abs(gap), 1, lang),
            period=_period(row, lang),
        )
    ]


def job_self_sufficiency(values: pd.DataFrame, lang: str, pres: Presentation) -> list[str]:
    """More jobs than employed residents: a commuting destination (nothing otherwise)."""
    row = _row(values, pres.highlights.self_sufficiency)
    if row is None or row["value"] < JOBS_HUB:
        return []
    value = fmt_number(row["value"], 1, lang)
    return [t("town.hl_jobs_more", lang, value=value, year=_period(row, lang))]


def population_trend(population: pd.DataFrame | None, lang: str, span: int = 10) -> list[str]:
    """Population growth over the last `span` years of actual data (nothing if it fell)."""
    if population is None or population.empty:
        return []
    actual = population[population.kind == "actual"].dropna(subset=["value"]).sort_values("year")
    if len(actual) < 2:
        return []
    last = actual.iloc[-1]
    earlier = actual[actual.year <= last.year - span]
    first = earlier.iloc[-1] if not earlier.empty else actual.iloc[0]
    if not first.value or last.value <= first.value:
        return []
    change = 100 * (last.value - first.value) / first.value
    return [
        t(
            "town.hl_population_trend",
            lang,
            change=fmt_signed(change, 1, lang),
            first=int(first.year),
            last=int(last.year),
            population=fmt_number(last.value, 0, lang),
        )
    ]


def projection(values: pd.DataFrame, lang: str, pres: Presentation) -> list[str]:
    """The official projection's population change from its first year (the indicator's
    `first_year`, where `values` has it) to its last year, when above the country's."""
    row = _row(values, pres.highlights.projection)
    country = row.get(_country(pres)) if row is not None else None
    if row is None or _missing(country) or row["value"] <= country:
        return []
    first = row.get("first_year")
    key = "town.hl_projection" if _missing(first) else "town.hl_projection_from"
    return [
        t(
            key,
            lang,
            change=fmt_signed(row["value"], 1, lang),
            first="" if _missing(first) else int(first),
            year=_period(row),
            country=fmt_signed(row.get(_country(pres)), 1, lang),
        )
    ]


def tertiary_education(values: pd.DataFrame, lang: str, pres: Presentation) -> list[str]:
    """Tertiary-educated share, when at least GAP_PP above the country's."""
    country = _country(pres)
    row = _row(values, pres.highlights.education)
    if row is None or _missing(row.get(country)):
        return []
    if row["value"] - row[country] < GAP_PP:
        return []
    return [
        t(
            "town.hl_tertiary_above",
            lang,
            value=fmt_number(row["value"], 1, lang),
            country=fmt_number(row[country], 1, lang),
            year=_period(row, lang),
        )
    ]


RULES: tuple[Callable[..., list[str]], ...] = (
    job_share_ratios,
    unemployment_gap,
    job_self_sufficiency,
    projection,
    tertiary_education,
)


def town_highlights(
    values: pd.DataFrame,
    lang: str,
    population: pd.DataFrame | None = None,
    limit: int = 6,
    pres: Presentation | None = None,
) -> list[str]:
    """Up to `limit` highlight sentences in `lang` (population trend first, then RULES)."""
    lang = lang_of(lang)
    pres = pres or load_presentation()
    sentences = population_trend(population, lang)
    for rule in RULES:
        sentences += rule(values, lang, pres)
    return sentences[:limit]
