"""The town profile's charts: population with its projection, the monthly series against the
network and the country, and the job structure; each with its text summary and sources."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import figures, queries
from dashboard.i18n import fmt_number, fmt_period, t
from dashboard.layout import figure_block
from dashboard.views.common import group_column
from pipeline.presentation import Presentation


def period(row) -> str:
    """'2023' for annual rows, '1/2025' for monthly rows."""
    return fmt_period(row.get("year"), row.get("month"))


def population_summary(history: pd.DataFrame, lang: str) -> str:
    """First and last actual population and the projection's last year, in words."""
    actual = history[history.kind == "actual"]
    projection = history[history.kind == "projection"]
    if actual.empty or projection.empty:
        return ""
    return t(
        "town.population_summary",
        lang,
        first=fmt_number(actual.value.iloc[0], 0, lang),
        first_year=int(actual.year.iloc[0]),
        last=fmt_number(actual.value.iloc[-1], 0, lang),
        last_year=int(actual.year.iloc[-1]),
        projection=fmt_number(projection.value.iloc[-1], 0, lang),
        projection_year=int(projection.year.iloc[-1]),
    )


def projection_name(history: pd.DataFrame, lang: str) -> str:
    """The projection's legend name with its first and last year ('Projection 2024–2040')."""
    years = history[history.kind == "projection"].year
    if years.empty:
        return t("town.population_projection", lang, first="–", last="–")
    return t("town.population_projection", lang, first=int(years.min()), last=int(years.max()))


def population_block(
    history: pd.DataFrame, name: str, lang: str, pres: Presentation
) -> html.Figure:
    fig = figures.population_figure(
        history,
        lang,
        title=t("town.population_title", lang),
        subtitle=name,
        names={
            "actual": t("town.population_actual", lang),
            "projection": projection_name(history, lang),
        },
    )
    indicators = [pres.profile.population_history, pres.profile.population_projection]
    sources = queries.sources_for(indicators, lang)
    return figure_block("town-population", fig, population_summary(history, lang), sources, lang)


def unemployment_summary(values: pd.DataFrame, lang: str, pres: Presentation) -> str:
    """The town's latest monthly value against the country and the network, in words."""
    row = values[values.indicator_id == pres.profile.monthly]
    if row.empty:
        return ""
    row = row.iloc[0]
    return t(
        "town.unemployment_summary",
        lang,
        value=fmt_number(row.value, 1, lang),
        period=period(row),
        country=fmt_number(row[group_column(pres.country)], 1, lang),
        network=fmt_number(row[group_column(pres.network)], 1, lang),
    )


def unemployment_block(
    code: str, name: str, values: pd.DataFrame, lang: str, pres: Presentation
) -> html.Figure:
    indicator = pres.profile.monthly
    frame = queries.monthly_comparison(indicator, code, [pres.network, pres.country])
    names = {
        code: name,
        pres.network: t("common.network", lang),
        pres.country: t("common.whole_country", lang),
    }
    fig = figures.monthly_lines(
        frame,
        lang,
        title=t("town.unemployment_title", lang),
        subtitle=name,
        names=names,
        subject=code,
        unit="%",
        colours=figures.COMPARISON.by_code(pres.role_codes),
        dotted=pres.country,
    )
    summary = unemployment_summary(values, lang, pres)
    return figure_block(
        "town-unemployment", fig, summary, queries.sources_for([indicator], lang), lang
    )


def job_shares(values: pd.DataFrame, pres: Presentation) -> pd.DataFrame:
    """The job-structure rows of `values`, indexed by indicator, in the presentation's order."""
    order = pres.profile.job_structure
    shares = values[values.indicator_id.isin(order)].set_index("indicator_id")
    return shares.reindex([i for i in order if i in shares.index])


def jobs_summary(shares: pd.DataFrame, lang: str, pres: Presentation) -> str:
    """Each share of the town and of the country, in the presentation's order."""
    country = shares[group_column(pres.country)].get
    numbers = {}
    for n, indicator in enumerate(pres.profile.job_structure, start=1):
        numbers[f"share_{n}"] = fmt_number(shares.value.get(indicator), 1, lang)
        numbers[f"country_{n}"] = fmt_number(country(indicator), 1, lang)
    return t("town.jobs_summary", lang, **numbers)


def jobs_block(
    name: str, values: pd.DataFrame, lang: str, pres: Presentation
) -> html.Figure | None:
    shares = job_shares(values, pres)
    if shares.empty:
        return None
    order = pres.profile.job_structure
    short = {ind: t(f"town.{ind}", lang) for ind in order}
    network, country = group_column(pres.network), group_column(pres.country)
    colours = figures.COMPARISON.by_code(pres.role_codes)
    fig = figures.structure_bars(
        shares.reset_index().assign(label=lambda f: f.indicator_id.map(short)),
        lang,
        title=t("town.jobs_title", lang, year=period(shares.iloc[0])),
        subtitle=name,
        series={
            "value": name,
            network: t("common.network", lang),
            country: t("common.whole_country", lang),
        },
        colours={group_column(code): colour for code, colour in colours.items()},
    )
    summary = jobs_summary(shares, lang, pres)
    return figure_block("town-jobs", fig, summary, queries.sources_for(order, lang), lang)
