"""Network (/network): the regional towns network's weight in Finland beside the university cities.

Shares of the national population, jobs and jobs by sector (primary production, processing,
services), each a ratio of sums over municipalities: the group's total divided by the total of
all municipalities with a value in the same year. Jobs by sector are the numerators of the
sector-share indicators (jobs × share), so the shares are never means of ratios.

URL: `?lang=fi&year=2020`.
"""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import figures, queries
from dashboard.i18n import fmt_number, lang_of, t
from dashboard.layout import (
    dropdown_control,
    figure_block,
    href,
    page_top,
    query_list,
    shell,
)

PAGE = "network"
GROUPS = (queries.presentation().network, queries.presentation().university_cities)
MEASURE_KEYS = {
    "population": "network.measure_population",
    "jobs": "network.measure_jobs",
    "jobs_primary_share": "network.measure_primary",
    "jobs_processing_share": "network.measure_processing",
    "jobs_services_share": "network.measure_services",
}

dash.register_page(__name__, path="/network", name="network", title="Seutu Invest In", order=5)


def parse_year(value: Any, lang: str) -> tuple[int | None, list[str]]:
    """The chosen year if every measure has it, else the latest such year, with a notice."""
    years = queries.share_years()
    latest = years[-1] if years else None
    text = next(iter(query_list(value)), None)
    if text is None:
        return latest, []
    try:
        year = int(text)
    except ValueError:
        return latest, [t("network.bad_year", lang, value=text)]
    if year not in years:
        return latest, [t("network.no_year", lang, value=year)]
    return year, []


def share_frame(year: int | None, lang: str) -> pd.DataFrame:
    """measure (label), group (name), group_code, year, group_total, country_total, share."""
    frame = queries.national_shares(list(GROUPS), year)
    frame["measure"] = frame["indicator_id"].map(lambda i: t(MEASURE_KEYS[i], lang))
    names = {code: queries.area_name(code, lang) or code for code in GROUPS}
    frame["group"] = frame["group_code"].map(names)
    order = {code: i for i, code in enumerate(GROUPS)}
    measures = {indicator_id: i for i, indicator_id in enumerate(MEASURE_KEYS)}
    return frame.sort_values(
        ["group_code", "indicator_id"],
        key=lambda s: s.map(order) if s.name == "group_code" else s.map(measures),
    ).reset_index(drop=True)


def share_table(frame: pd.DataFrame, lang: str) -> html.Div:
    """Measures down, for each group its total and share, then the country total."""
    header = [html.Th(t("network.col_measure", lang), scope="col")]
    for code in GROUPS:
        name = frame.loc[frame.group_code == code, "group"]
        name = name.iloc[0] if len(name) else code
        header += [
            html.Th(t("network.col_total", lang, group=name), scope="col"),
            html.Th(t("network.col_share", lang, group=name), scope="col"),
        ]
    header += [
        html.Th(t("network.col_country", lang), scope="col"),
        html.Th(t("network.col_year", lang), scope="col"),
    ]
    rows = []
    for indicator_id in MEASURE_KEYS:
        part = frame[frame.indicator_id == indicator_id].set_index("group_code")
        if part.empty:
            continue
        cells = [html.Th(t(MEASURE_KEYS[indicator_id], lang), scope="row")]
        for code in GROUPS:
            total = part.at[code, "group_total"] if code in part.index else None
            share = part.at[code, "share"] if code in part.index else None
            cells += [
                html.Td(fmt_number(total, 0, lang), className="num"),
                html.Td(f"{fmt_number(share, 1, lang)}\u00a0%", className="num"),
            ]
        first = part.iloc[0]
        cells += [
            html.Td(fmt_number(first["country_total"], 0, lang), className="num"),
            html.Td(str(int(first["year"])), className="num"),
        ]
        rows.append(html.Tr(cells))
    return html.Div(
        html.Table(
            [
                html.Caption(t("network.table_caption", lang)),
                html.Thead(html.Tr(header)),
                html.Tbody(rows),
            ],
            className="values",
            id="network-table",
        ),
        className="table-wrap",
    )


def content(year: int | None, lang: str) -> tuple[Any, html.Div]:
    frame = share_frame(year, lang)
    title = t("network.figure_title", lang, year=year if year is not None else "–")
    figure = figures.national_share_figure(frame, lang, title=title)
    return figure, share_table(frame, lang)


def town_links(lang: str) -> html.Ul:
    towns = queries.network_towns(lang)
    return html.Ul(
        [
            html.Li(dcc.Link(row.name, href=href(f"/town/{row.area_code}", lang)))
            for row in towns.itertuples(index=False)
        ],
        className="town-list",
        style={"columns": "12em", "paddingLeft": "1.2em"},
    )


def layout(lang: str | None = None, year: Any = None, **_ignored: Any) -> html.Div:
    lang = lang_of(lang)
    chosen, notices = parse_year(year, lang)
    figure, table = content(chosen, lang)
    ids = [measure.indicator for measure in queries.presentation().network_weight]
    sources = queries.sources_for(ids, lang)
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices),
            dropdown_control(
                t("network.year", lang),
                lang,
                "network-year",
                options=[{"value": y, "label": str(y)} for y in queries.share_years()],
                value=chosen,
                clearable=False,
                style={"maxWidth": "12em"},
            ),
            figure_block(
                "network-figure", figure, t("network.figure_summary", lang), sources, lang
            ),
            html.Div(table, id="network-table-wrap"),
            html.P(t("network.method", lang), className="hint"),
            html.H2(t("network.towns_title", lang)),
            town_links(lang),
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
    chosen, _ = parse_year(None if year is None else str(year), lang)
    figure, table = content(chosen, lang)
    return figure, table, href("", lang, year=chosen)
