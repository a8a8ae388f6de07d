"""The network page's full table of shares of Finland: every additive measure, over its years.

The measures are `presentation.yaml` `network_shares`: the counts listed there (numerators of
ratio indicators, with a locale label) and every catalogue indicator of the rule `sum` that the
presentation parser found, so an additive indicator added to the catalogue appears here without
code. A municipal count is summed over the group's members (`queries.share_series`); a count
published only for regions is summed over the regions the members lie in
(`queries.region_share_series`) and marked as such, never as the towns' own figure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard import figures, queries
from dashboard.i18n import fmt_number, t
from dashboard.layout import figure_block
from pipeline.presentation import Presentation

COLUMNS = ["measure", "basis", "group_code", "group", "year", "share", "group_total"]


def measures(lang: str, pres: Presentation) -> list[dict[str, Any]]:
    """(indicator, column, label, level) of every measure, explicit ones first; `level` is
    `group` for indicators published only for regions, else `municipality`."""
    spec = pres.network_shares
    if spec is None:
        return []
    levels = queries.indicator_coverage().set_index("indicator_id").level
    labels = queries.indicators(lang).set_index("indicator_id").label
    out = [
        {"indicator": m.indicator, "column": m.column, "label": t(m.label, lang)}
        for m in spec.measures
    ]
    out += [{"indicator": i, "column": "value", "label": labels[i]} for i in spec.indicators]
    for item in out:
        item["level"] = levels.get(item["indicator"], "municipality")
    return out


def shares(lang: str, pres: Presentation) -> pd.DataFrame:
    """Every measure's share of the country per group and year (complete years only)."""
    codes = [pres.network, pres.university_cities]
    names = {code: queries.area_name(code, lang) or code for code in codes}
    country_size = len(queries.municipality_codes())
    frames = []
    for item in measures(lang, pres):
        if item["level"] == "group":
            frame = queries.region_share_series(
                item["indicator"], codes, pres.network_shares.region_group, pres.country
            )
            basis = t("network_shares.basis_regions", lang)
        else:
            frame = queries.share_series(item["indicator"], item["column"], codes, country_size)
            basis = t("network_shares.basis_municipalities", lang)
        if frame.empty:
            continue
        frames.append(
            frame.assign(measure=item["label"], basis=basis, group=frame.group_code.map(names))
        )
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _cell(rows: pd.DataFrame, code: str, pick: str, lang: str) -> str:
    rows = rows[rows.group_code == code].sort_values("year")
    if rows.empty:
        return "–"
    row = rows.iloc[0] if pick == "first" else rows.iloc[-1]
    share = fmt_number(row["share"], 1, lang)
    return t("network_shares.share_in_year", lang, share=share, year=int(row["year"]))


def shares_table(frame: pd.DataFrame, lang: str, pres: Presentation) -> html.Div:
    """Measures down; for each group its share in the measure's first and latest year."""
    codes = [pres.network, pres.university_cities]
    names = dict(zip(frame.group_code, frame.group, strict=False))
    head = [t("network_shares.col_measure", lang), t("network_shares.col_basis", lang)]
    for pick in ("first", "latest"):
        head += [t(f"network_shares.col_{pick}", lang, group=names.get(c, c)) for c in codes]
    head.append(t("network_shares.col_years", lang))
    body = []
    for (measure, basis), rows in frame.groupby(["measure", "basis"], sort=False):
        years = sorted(set(rows.year))
        cells = [html.Th(measure, scope="row"), html.Td(basis)]
        cells += [
            html.Td(_cell(rows, code, pick, lang), className="num")
            for pick in ("first", "latest")
            for code in codes
        ]
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]} ({len(years)})"
        body.append(html.Tr([*cells, html.Td(span, className="num")]))
    table = html.Table(
        [
            html.Caption(t("network_shares.title", lang)),
            html.Thead(html.Tr([html.Th(text, scope="col") for text in head])),
            html.Tbody(body),
        ],
        className="values",
        id="network-shares-table",
    )
    return html.Div(table, className="table-wrap")


def section(lang: str, pres: Presentation) -> list:
    """The definition line, then the over-time figure and table ([] without measures). The same
    for every state of the page, so it is made once per language and warehouse."""
    return list(_section(lang, queries.Same(pres)))


@queries.memoised(8)
def _section(lang: str, same: queries.Same) -> tuple:
    pres = same.value
    definition = html.P(t("network_shares.university_cities_definition", lang), className="hint")
    frame = shares(lang, pres)
    if frame.empty:
        return (definition,)
    colours = figures.COMPARISON.by_code(pres.role_codes)
    figure = figures.share_trend_figure(
        frame, lang, title=t("network_shares.figure_title", lang), colours=colours
    )
    indicators = [m["indicator"] for m in measures(lang, pres)]
    sources = queries.sources_for(indicators, lang)
    return (
        definition,
        html.H2(t("network_shares.title", lang)),
        html.P(t("network_shares.lead", lang), className="hint"),
        figure_block(
            "network-shares-figure",
            figure,
            t("network_shares.figure_summary", lang),
            sources,
            lang,
        ),
        shares_table(frame, lang, pres),
    )
