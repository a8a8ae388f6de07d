"""The embeddable town card: the indicators the embedding page names (or the presentation's
`embed_defaults`), each with its year (marked when not current) and the whole country's value
where comparable."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard import queries
from dashboard.i18n import fmt_value, t
from dashboard.layout import href, message, query_list, source_line
from dashboard.views import coverage
from dashboard.views.common import group_column
from pipeline.presentation import Presentation

MAX_INDICATORS = 8


def chosen_indicators(
    asked: Any, known: frozenset[str] | set[str], pres: Presentation
) -> tuple[list[str], list[str]]:
    """(indicators to show, unknown ids shortened to 40 characters) of the `indicators` query
    value: at most MAX_INDICATORS known ones, else the presentation's defaults."""
    asked = query_list(asked)[: MAX_INDICATORS * 2]
    chosen = [i for i in dict.fromkeys(asked) if i in known][:MAX_INDICATORS]
    unknown = [i[:40] for i in asked if i not in known]
    return chosen or list(pres.embed_defaults), unknown


def unknown_town(code: object, lang: str) -> html.Div:
    shown = str(code)[:40] if code else "–"
    body = t("town.unknown_body", lang, code=shown)
    return html.Div(message(t("town.unknown_title", lang), body, lang), className="embed-card")


def value_rows(values: pd.DataFrame, chosen: list[str], lang: str, pres: Presentation) -> list:
    """<dt>/<dd> pairs of the chosen indicators found in `values` (indexed by indicator; a
    `stale` column marks figures that are not current)."""
    country_column = group_column(pres.country)
    rows = []
    for indicator_id in chosen:
        if indicator_id not in values.index:
            continue
        row = values.loc[indicator_id]
        country = (
            t(
                "embed.country",
                lang,
                value=fmt_value(row[country_column], row.decimals, row.unit, lang),
            )
            if row.aggregation != "sum" and pd.notna(row.get(country_column))
            else ""
        )
        period = coverage.period_mark(row, lang)
        rows += [
            html.Dt([row.label, " ", html.Span(f"({period})", className="year")]),
            html.Dd(
                [
                    fmt_value(row.value, row.decimals, row.unit, lang),
                    html.Span(country, className="change") if country else None,
                ]
            ),
        ]
    return rows


def card(code: str, asked: Any, lang: str, pres: Presentation) -> html.Article:
    chosen, unknown = chosen_indicators(asked, set(queries.indicator_ids()), pres)
    values = coverage.with_currency(
        queries.town_values(code, lang), queries.indicator_coverage(), coverage.build_cutoff(pres)
    ).set_index("indicator_id")
    name = queries.area_name(code, lang)
    note = t("embed.unknown_indicators", lang, ids=", ".join(unknown)) if unknown else None
    profile = html.A(
        t("embed.open_profile", lang) + " →",
        href=href(f"/town/{code}", lang),
        target="_blank",
        rel="noopener",
    )
    return html.Article(
        [
            html.H1(name),
            html.Dl(value_rows(values, chosen, lang, pres), className="embed-values"),
            html.P(note, className="unit") if note else None,
            html.P(profile),
            source_line(queries.sources_for(chosen, lang), lang),
        ],
        className="embed-card card",
        lang=lang,
        **{"aria-label": name},
    )
