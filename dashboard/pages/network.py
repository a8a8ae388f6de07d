"""Network (/network): the regional towns network's weight in Finland beside the university cities.

Shares of the national population, jobs and jobs by sector, each a ratio of sums over
municipalities: the group's total divided by the total of all municipalities with a value in the
same year (content: `dashboard.views.network`; measures: presentation.yaml `network_weight`).

URL: `?lang=fi&year=2020`.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, html

from dashboard import pagemeta, queries
from dashboard.i18n import lang_of, t
from dashboard.layout import dropdown_control, figure_block, href, page_top, shell
from dashboard.views import network, network_shares
from dashboard.views.common import presentation, year_options

PAGE = network.PAGE

dash.register_page(
    __name__,
    path="/network",
    name="network",
    title=pagemeta.title("network"),
    description=pagemeta.description("network"),
    order=5,
)


def layout(lang: str | None = None, year: Any = None, **_ignored: Any) -> html.Div:
    lang = lang_of(lang)
    pres = presentation()
    years = queries.share_years()
    chosen, notices = network.parse_year(year, years, lang)
    figure, table = network.content(chosen, lang, pres)
    sources = queries.sources_for([m.indicator for m in pres.network_weight], lang)
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices),
            dropdown_control(
                t("network.year", lang),
                lang,
                "network-year",
                options=year_options(years),
                value=chosen,
                clearable=False,
                style={"maxWidth": "12em"},
            ),
            figure_block(
                "network-figure", figure, t("network.figure_summary", lang), sources, lang
            ),
            html.Div(table, id="network-table-wrap"),
            html.P(t("network.method", lang), className="hint"),
            *network_shares.section(lang, pres),
            html.H2(t("network.towns_title", lang)),
            network.town_links(lang),
        ],
    )


@callback(
    Output("network-figure", "figure"),
    Output("network-table-wrap", "children"),
    Output("network-url", "search"),
    Input("network-year", "value"),
    State("network-lang", "data"),
    prevent_initial_call=True,
)
def update(year: Any, lang: str):
    lang = lang_of(lang)
    years = queries.share_years()
    chosen, _ = network.parse_year(None if year is None else str(year), years, lang)
    figure, table = network.content(chosen, lang, presentation())
    return figure, table, href("", lang, year=chosen)
