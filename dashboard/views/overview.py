"""The overview: the network towns as cards with the presentation's card figures, and the
network's total of its `network_total` measure against the country.

`card_items` and `network_total` are pure over small frames.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd
from dash import dcc, html

from dashboard import queries
from dashboard.i18n import fmt_number, fmt_period, fmt_signed, fmt_value, t
from dashboard.layout import href, source_line, town_picker
from dashboard.views import coverage
from pipeline.presentation import Presentation


class CardItem(NamedTuple):
    """One figure of a card: label, period, formatted value and change (or None)."""

    label: str
    period: str
    value: str
    change: str | None


def card_change(row: pd.Series, lang: str) -> str:
    """'+1.2 % (2016 → 2020)': the change in % since the previous period, naming both."""
    pct = 100 * (row.value - row.prev_value) / row.prev_value
    return t(
        "overview.change",
        lang,
        change=f"{fmt_signed(pct, 1, lang)} %",
        prev_year=fmt_period(row.prev_year, row.get("prev_month")),
        year=fmt_period(row.year, row.get("month")),
    )


def card_items(
    rows: pd.DataFrame,
    meta: pd.DataFrame,
    lang: str,
    pres: Presentation,
    cutoff: int | None = None,
) -> list[CardItem]:
    """The card figures of one town (`rows`: its latest values; `meta`: queries.indicators):
    each with its period ('2020, not current' when before `cutoff`) and, for everything but
    percentages, the change in % since the previous period with both periods named."""
    items = []
    for indicator_id in pres.overview.cards:
        row = rows[rows.indicator_id == indicator_id]
        info = meta[meta.indicator_id == indicator_id]
        if row.empty or info.empty:
            continue
        row, info = row.iloc[0], info.iloc[0]
        change = None
        if pd.notna(row.prev_value) and info.unit != "%" and row.prev_value:
            change = card_change(row, lang)
        value = fmt_value(row.value, info.decimals, info.unit, lang)
        when = coverage.period_mark({**row, "stale": coverage.is_stale(row.year, cutoff)}, lang)
        items.append(CardItem(info.label, when, value, change))
    return items


def _card(code: str, name: str, items: list[CardItem], lang: str) -> html.Li:
    link = href(f"/town/{code}", lang)
    rows: list[Any] = []
    for item in items:
        change = html.Span(item.change, className="change") if item.change else None
        rows += [
            html.Dt([item.label, " ", html.Span(f"({item.period})", className="year")]),
            html.Dd([item.value, change]),
        ]
    return html.Li(
        html.Article(
            [
                html.H2(dcc.Link(name, href=link, className="card-link")),
                html.Dl(rows),
                html.P(
                    dcc.Link(t("overview.open_profile", lang, name=name), href=link),
                    className="more",
                ),
            ],
            className="card",
            **{"aria-label": name},
        )
    )


def network_total(groups: pd.DataFrame, pres: Presentation) -> tuple[float, int, float] | None:
    """(network total, year, % of the country) of the latest annual year in `groups`
    (queries.group_series of the network and the country); None if either is missing."""
    annual = groups[groups.month.isna()]
    if annual.empty:
        return None
    year = int(annual.year.max())
    latest = annual[annual.year == year].set_index("group_code").value
    if pres.network not in latest or pres.country not in latest:
        return None
    return latest[pres.network], year, 100 * latest[pres.network] / latest[pres.country]


def _network_total(lang: str, pres: Presentation) -> html.P | None:
    measure = pres.overview.network_total
    total = network_total(queries.group_series(measure, [pres.network, pres.country]), pres)
    if total is None:
        return None
    population, year, share = total
    text = t(
        "overview.network_total_text",
        lang,
        population=fmt_number(population, 0, lang),
        year=year,
        share=fmt_number(share, 1, lang),
    )
    return html.P(text, className="lead")


def _town_picker(lang: str) -> html.Div:
    return html.Div(
        [
            html.Label(t("overview.other_town", lang), htmlFor="overview-town"),
            town_picker("overview-town", lang, placeholder=t("town.choose", lang)),
            html.Span(t("overview.other_town_help", lang), className="unit"),
            dcc.Location(id="overview-url", refresh="callback-nav"),
        ],
        className="town-tools",
    )


def content(lang: str, pres: Presentation) -> list[Any]:
    """The overview page's children."""
    meta = queries.indicators(lang)
    cards = queries.network_cards(pres.overview.cards, lang)
    towns = queries.network_towns(lang)
    cutoff = coverage.build_cutoff(pres)
    grid = [
        _card(
            town.area_code,
            town.name,
            card_items(cards[cards.area_code == town.area_code], meta, lang, pres, cutoff),
            lang,
        )
        for town in towns.itertuples(index=False)
    ]
    return [
        html.H1(t("overview.heading", lang)),
        html.P(t("overview.lead", lang), className="lead"),
        _network_total(lang, pres),
        _town_picker(lang),
        html.Ul(grid, className="card-grid", style={"marginTop": "1em"}),
        source_line(queries.sources_for(pres.overview.cards, lang), lang),
    ]
