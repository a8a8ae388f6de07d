"""The network page: the network's and the university cities' shares of the national totals of
the presentation's `network_weight` measures, as a figure and a table.

Each share is a ratio of sums over municipalities (`queries.national_shares`); `share_frame`
labels and orders them, purely.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard import figures, queries
from dashboard.i18n import fmt_number, t
from dashboard.layout import href
from dashboard.views.common import parse_year as parse_year_in
from pipeline.presentation import Presentation

PAGE = "network"


def groups(pres: Presentation) -> tuple[str, str]:
    """The groups whose weight the page shows, in order."""
    return (pres.network, pres.university_cities)


def measure_labels(pres: Presentation) -> dict[str, str]:
    """{indicator: locale key} of the measures, in order."""
    return {m.indicator: m.label for m in pres.network_weight}


def parse_year(value: Any, years: list[int], lang: str) -> tuple[int | None, list[str]]:
    """The chosen year if every measure has it, else the latest such year, with a notice."""
    year, notice = parse_year_in(value, years, lang, PAGE)
    return year, [notice] if notice else []


def share_frame(
    shares: pd.DataFrame, names: dict[str, str], lang: str, pres: Presentation
) -> pd.DataFrame:
    """`shares` (group_code, indicator_id, year, group_total, country_total, share) with the
    measure's label and the group's name, ordered by group then measure."""
    labels = measure_labels(pres)
    frame = shares.copy()
    frame["measure"] = frame["indicator_id"].map(lambda i: t(labels[i], lang))
    frame["group"] = frame["group_code"].map(names)
    order = {code: i for i, code in enumerate(groups(pres))}
    measures = {indicator_id: i for i, indicator_id in enumerate(labels)}
    return frame.sort_values(
        ["group_code", "indicator_id"],
        key=lambda s: s.map(order) if s.name == "group_code" else s.map(measures),
    ).reset_index(drop=True)


def _header(frame: pd.DataFrame, lang: str, pres: Presentation) -> list[html.Th]:
    header = [html.Th(t("network.col_measure", lang), scope="col")]
    for code in groups(pres):
        name = frame.loc[frame.group_code == code, "group"]
        name = name.iloc[0] if len(name) else code
        header += [
            html.Th(t("network.col_total", lang, group=name), scope="col"),
            html.Th(t("network.col_share", lang, group=name), scope="col"),
        ]
    return header + [
        html.Th(t("network.col_country", lang), scope="col"),
        html.Th(t("network.col_year", lang), scope="col"),
    ]


def table_cells(part: pd.DataFrame, lang: str, pres: Presentation) -> list[str]:
    """One measure's cells after its label (`part` indexed by group code): each group's total
    and share, then the country total and the year."""
    cells = []
    for code in groups(pres):
        total = part.at[code, "group_total"] if code in part.index else None
        share = part.at[code, "share"] if code in part.index else None
        cells += [fmt_number(total, 0, lang), f"{fmt_number(share, 1, lang)}\u00a0%"]
    first = part.iloc[0]
    return cells + [fmt_number(first["country_total"], 0, lang), str(int(first["year"]))]


def share_table(frame: pd.DataFrame, lang: str, pres: Presentation) -> html.Div:
    """Measures down, for each group its total and share, then the country total."""
    rows = []
    for indicator_id, label in measure_labels(pres).items():
        part = frame[frame.indicator_id == indicator_id].set_index("group_code")
        if part.empty:
            continue
        cells = [html.Th(t(label, lang), scope="row")]
        cells += [html.Td(text, className="num") for text in table_cells(part, lang, pres)]
        rows.append(html.Tr(cells))
    table = html.Table(
        [
            html.Caption(t("network.table_caption", lang)),
            html.Thead(html.Tr(_header(frame, lang, pres))),
            html.Tbody(rows),
        ],
        className="values",
        id="network-table",
    )
    return html.Div(table, className="table-wrap")


def content(year: int | None, lang: str, pres: Presentation) -> tuple[Any, html.Div]:
    codes = groups(pres)
    names = {code: queries.area_name(code, lang) or code for code in codes}
    frame = share_frame(queries.national_shares(list(codes), year), names, lang, pres)
    title = t("network.figure_title", lang, year=year if year is not None else "–")
    colours = figures.COMPARISON.by_code(pres.role_codes)
    figure = figures.national_share_figure(frame, lang, title=title, colours=colours)
    return figure, share_table(frame, lang, pres)


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
