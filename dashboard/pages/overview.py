"""Overview `/`: the network towns as cards with headline figures, each linking to its profile."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboard import queries
from dashboard.i18n import fmt_number, fmt_period, fmt_signed, fmt_value, lang_of, t
from dashboard.layout import href, shell, source_line, town_picker

dash.register_page(__name__, path="/", title="Seutu Invest In", order=0)

# Headline indicators on every card, in order.
CARD_INDICATORS = (
    "population",
    "population_change_pct",
    "unemployment_rate_monthly",
    "jobs",
    "job_self_sufficiency",
    "tertiary_share",
    "population_projection_change_pct",
)


def _card_rows(rows: pd.DataFrame, meta: pd.DataFrame, lang: str) -> list:
    items = []
    for indicator_id in CARD_INDICATORS:
        row = rows[rows.indicator_id == indicator_id]
        info = meta[meta.indicator_id == indicator_id]
        if row.empty or info.empty:
            continue
        row, info = row.iloc[0], info.iloc[0]
        value = fmt_value(row.value, info.decimals, info.unit, lang)
        change = None
        if pd.notna(row.prev_value) and info.unit != "%":
            pct = 100 * (row.value - row.prev_value) / row.prev_value if row.prev_value else None
            if pct is not None:
                change = html.Span(f"{fmt_signed(pct, 1, lang)} %", className="change")
        items += [
            html.Dt(
                [
                    info.label,
                    " ",
                    html.Span(f"({fmt_period(row.year, row.month)})", className="year"),
                ]
            ),
            html.Dd([value, change]),
        ]
    return items


def _card(code: str, name: str, rows: pd.DataFrame, meta: pd.DataFrame, lang: str) -> html.Li:
    link = href(f"/town/{code}", lang)
    return html.Li(
        html.Article(
            [
                html.H2(dcc.Link(name, href=link, className="card-link")),
                html.Dl(_card_rows(rows, meta, lang)),
                html.P(
                    dcc.Link(t("overview.open_profile", lang, name=name), href=link),
                    className="more",
                ),
            ],
            className="card",
            **{"aria-label": name},
        )
    )


def _network_total(meta: pd.DataFrame, lang: str) -> html.P | None:
    groups = queries.group_series(
        "population", [queries.presentation().network, queries.presentation().country]
    )
    groups = groups[groups.month.isna()]
    if groups.empty:
        return None
    year = int(groups.year.max())
    latest = groups[groups.year == year].set_index("group_code").value
    if queries.presentation().network not in latest or queries.presentation().country not in latest:
        return None
    share = 100 * latest[queries.presentation().network] / latest[queries.presentation().country]
    return html.P(
        t(
            "overview.network_total_text",
            lang,
            population=fmt_number(latest[queries.presentation().network], 0, lang),
            year=year,
            share=fmt_number(share, 1, lang),
        ),
        className="lead",
    )


def _town_picker(lang: str) -> html.Form:
    return html.Div(
        [
            html.Label(t("overview.other_town", lang), htmlFor="overview-town"),
            town_picker("overview-town", lang, placeholder=t("town.choose", lang)),
            html.Span(t("overview.other_town_help", lang), className="unit"),
            dcc.Location(id="overview-url", refresh="callback-nav"),
        ],
        className="town-tools",
    )


def layout(lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    meta = queries.indicators(lang)
    cards = queries.network_cards(CARD_INDICATORS, lang)
    towns = queries.network_towns(lang)
    children = [
        html.H1(t("overview.heading", lang)),
        html.P(t("overview.lead", lang), className="lead"),
        _network_total(meta, lang),
        _town_picker(lang),
        html.Ul(
            [
                _card(
                    town.area_code, town.name, cards[cards.area_code == town.area_code], meta, lang
                )
                for town in towns.itertuples(index=False)
            ],
            className="card-grid",
            style={"marginTop": "1em"},
        ),
        source_line(queries.sources_for(CARD_INDICATORS, lang), lang),
    ]
    return shell("overview", lang, children)


@dash.callback(
    Output("overview-url", "href"),
    Input("overview-town", "value"),
    State("overview-url", "search"),
    prevent_initial_call=True,
)
def open_town(code: str | None, search: str | None):
    """Go to the chosen municipality's profile, keeping the language."""
    if not queries.is_municipality(code):
        return dash.no_update
    lang = lang_of(
        dict(p.split("=", 1) for p in (search or "?").lstrip("?").split("&") if "=" in p).get(
            "lang"
        )
    )
    return href(f"/town/{code}", lang)
