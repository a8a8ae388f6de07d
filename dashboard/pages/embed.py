"""Embeddable card `/embed/town/<code>?lang=..&indicators=a,b`: no header or navigation.

The server allows this path in frames (CSP frame-ancestors *); every other page refuses framing.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboard import queries
from dashboard.i18n import fmt_period, fmt_value, lang_of, t
from dashboard.layout import href, message, query_list, source_line

DEFAULT_INDICATORS = (
    "population",
    "unemployment_rate_monthly",
    "jobs",
    "job_self_sufficiency",
)
MAX_INDICATORS = 8

dash.register_page(
    __name__,
    path_template="/embed/town/<code>",
    title="Seutu Invest In",
    path_exists=lambda code=None, **_: queries.is_municipality(code),
)


def layout(code: str | None = None, lang: str | None = None, indicators=None, **_ignored: object):
    lang = lang_of(lang)
    if not queries.is_municipality(code):
        shown = str(code)[:40] if code else "–"
        return html.Div(
            message(t("town.unknown_title", lang), t("town.unknown_body", lang, code=shown), lang),
            className="embed-card",
        )
    known = set(queries.indicator_ids())
    asked = query_list(indicators)[: MAX_INDICATORS * 2]
    chosen = [i for i in dict.fromkeys(asked) if i in known][:MAX_INDICATORS]
    unknown = [i[:40] for i in asked if i not in known]
    if not chosen:
        chosen = list(DEFAULT_INDICATORS)
    values = queries.town_values(code, lang).set_index("indicator_id")
    rows = []
    for indicator_id in chosen:
        if indicator_id not in values.index:
            continue
        row = values.loc[indicator_id]
        country = (
            t("embed.country", lang, value=fmt_value(row.value_SSS, row.decimals, row.unit, lang))
            if row.aggregation != "sum" and pd.notna(row.get("value_SSS"))
            else ""
        )
        rows += [
            html.Dt(
                [
                    row.label,
                    " ",
                    html.Span(
                        f"({fmt_period(row.get('year'), row.get('month'))})", className="year"
                    ),
                ]
            ),
            html.Dd(
                [
                    fmt_value(row.value, row.decimals, row.unit, lang),
                    html.Span(country, className="change") if country else None,
                ]
            ),
        ]
    name = queries.area_name(code, lang)
    return html.Article(
        [
            html.H1(name),
            html.Dl(rows, className="embed-values"),
            html.P(t("embed.unknown_indicators", lang, ids=", ".join(unknown)), className="unit")
            if unknown
            else None,
            html.P(
                html.A(
                    t("embed.open_profile", lang) + " →",
                    href=href(f"/town/{code}", lang),
                    target="_blank",
                    rel="noopener",
                )
            ),
            source_line(queries.sources_for(chosen, lang), lang),
        ],
        className="embed-card card",
        lang=lang,
        **{"aria-label": name},
    )
