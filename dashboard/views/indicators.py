"""The indicator definitions page (/indicators): one section per indicator, anchored by its id
(`/indicators#unemployment_rate`), from `pipeline.export.definitions` — the function that also
writes the Excel files' indicators sheet, so the page and the files say the same."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.i18n import t
from dashboard.queries.runner import with_cursor
from pipeline.export import definitions

PAGE = "indicators"
FIELDS = ("unit", "direction", "formula", "aggregation", "sources", "years", "levels",
          "decimals", "citation", "note")  # fmt: skip


def _years(row: pd.Series, lang: str) -> str:
    if pd.isna(row["first_year"]):
        return t("indicators.no_values", lang)
    return f"{row['first_year']}–{row['last_year']}"


def _field(row: pd.Series, field: str, lang: str) -> str | None:
    if field == "years":
        return _years(row, lang)
    if field == "sources":
        return row["source_details"]
    value = row[field]
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def entry(row: pd.Series, lang: str) -> html.Section:
    """One indicator: its label as heading, description and the fields that have a value."""
    items = []
    for field in FIELDS:
        value = _field(row, field, lang)
        if value:
            shown = html.Code(value) if field == "formula" else value
            items += [html.Dt(t(f"indicators.{field}", lang)), html.Dd(shown)]
    return html.Section(
        [html.H2(row["label"]), html.P(row["description"]), html.Dl(items)],
        id=row["indicator_id"],
        className="indicator-definition",
    )


def content(lang: str) -> list:
    frame = with_cursor(lambda cursor: definitions(cursor, lang)).sort_values("label")
    toc = html.Nav(
        html.Ul([html.Li(html.A(r.label, href=f"#{r.indicator_id}")) for r in frame.itertuples()]),
        **{"aria-label": t("indicators.contents", lang)},
    )
    return [
        html.H1(t("indicators.heading", lang)),
        html.P(t("indicators.lead", lang), className="lead"),
        toc,
        *[entry(row, lang) for _, row in frame.iterrows()],
    ]
