"""How current each figure is: the marks the pages put on figures that are not current, and the
"data as of" table of the town profile and the About page. The staleness rule itself is
`dashboard.queries.currency`'s (the embeds use the same one).

The rule: a figure whose year is before `Presentation.currency.cutoff(build year)` (the build's
year from core.build_info minus `currency.stale_after_years` in presentation.yaml) is not
current. Pages mark it with its year and never hide it. Which years the warehouse holds comes
from `queries.indicator_coverage` (the core.indicator_coverage view); no year is written here.
`with_currency`, `coverage_rows` and `coverage_cells` are pure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard import queries
from dashboard.i18n import fmt_period, t
from dashboard.layout import present
from dashboard.queries.currency import build_cutoff, cutoff_year, is_stale
from pipeline.presentation import Presentation

# The data-as-of table's column headers, in the order `coverage_cells` returns the cells.
COVERAGE_COLUMNS = (
    "common.as_of_col_indicator",
    "common.as_of_col_first",
    "common.as_of_col_last",
    "common.as_of_col_table",
    "common.as_of_col_updated",
    "common.as_of_col_status",
)


def with_currency(values: pd.DataFrame, coverage: pd.DataFrame, cutoff: int | None) -> pd.DataFrame:
    """`values` (one row per indicator, with `indicator_id` and `year`) with the indicator's
    `first_year` and `newest_year` in the warehouse and `stale` (the row's year is not current)."""
    span = coverage[["indicator_id", "first_year", "last_year"]].rename(
        columns={"last_year": "newest_year"}
    )
    out = values.drop(columns=["first_year", "newest_year", "stale"], errors="ignore")
    out = out.merge(span, on="indicator_id", how="left")
    out["stale"] = [is_stale(year, cutoff) for year in out["year"]]
    return out


def marked_stale(row: Any) -> bool:
    """Whether a row (dict or Series) carries a true `stale` flag."""
    stale = row.get("stale")
    return stale is not None and not pd.isna(stale) and bool(stale)


def stale_note(year: Any, lang: str) -> str:
    """'Not current: newest in the bundled data 2020'."""
    return t("common.stale_note", lang, year=fmt_period(year))


def period_mark(row: Any, lang: str) -> str:
    """A figure's period as the cards and the embed show it: '2023', '1/2025', or
    '2020, not current'."""
    text = fmt_period(row.get("year"), row.get("month"))
    return t("common.stale_period", lang, period=text) if marked_stale(row) else text


# --------------------------------------------------------------------------- data as of


def coverage_rows(
    coverage: pd.DataFrame, meta: pd.DataFrame, cutoff: int | None, pres: Presentation
) -> pd.DataFrame:
    """One row per indicator with values: `coverage` with the label and theme of `meta`
    (queries.indicators) and `stale`, in the presentation's theme order, then catalogue order."""
    info = meta[["indicator_id", "label", "theme"]].reset_index(drop=True)
    info = info.assign(order=range(len(info)))
    rows = coverage.dropna(subset=["last_year"]).merge(info, on="indicator_id", how="inner")
    themes = {theme: n for n, theme in enumerate(pres.theme_order)}
    rows = rows.assign(theme_order=rows.theme.map(themes).fillna(len(themes)))
    rows["stale"] = [is_stale(year, cutoff) for year in rows.last_year]
    return rows.sort_values(["theme_order", "order"]).reset_index(drop=True)


def coverage_cells(row: Any, lang: str) -> list[str]:
    """The text of a data-as-of row: indicator, first year, newest year (the newest month of a
    monthly series), source table, updated and whether it is current."""
    newest = fmt_period(row.get("last_year"), row.get("last_month"))
    status = t("common.as_of_stale" if marked_stale(row) else "common.as_of_current", lang)
    label = row.get("label")
    if row.get("level") == "group":
        label = f"{label} ({t('common.as_of_groups_only', lang)})"
    return [
        label,
        fmt_period(row.get("first_year")),
        newest,
        present(row.get("table_id")) or "–",
        (present(row.get("updated")) or "–")[:10],
        status,
    ]


def coverage_table(lang: str, pres: Presentation, table_id: str) -> html.Div:
    """The data-as-of table of every indicator with values (a row's `data-indicator` names it)."""
    cutoff = build_cutoff(pres)
    rows = coverage_rows(queries.indicator_coverage(), queries.indicators(lang), cutoff, pres)
    head = html.Thead(html.Tr([html.Th(t(key, lang), scope="col") for key in COVERAGE_COLUMNS]))
    body = []
    for record in rows.to_dict("records"):
        label, *cells = coverage_cells(record, lang)
        stale = record["stale"]
        body.append(
            html.Tr(
                [html.Th(label, scope="row")]
                + [html.Td(text, className="num") for text in cells[:2]]
                + [html.Td(cells[2]), html.Td(cells[3], className="num")]
                + [html.Td(cells[4], className="num stale" if stale else "num")],
                **{"data-indicator": record["indicator_id"], "data-stale": str(stale).lower()},
            )
        )
    return html.Div(
        html.Table([head, html.Tbody(body)], className="values", id=table_id),
        className="table-wrap",
    )


def coverage_lead(lang: str, pres: Presentation) -> list[html.P]:
    """What the table shows and, when the build time is known, the rule for 'not current'."""
    built = queries.build_info().get("built_at")
    cutoff = cutoff_year(built, pres)
    text = [html.P(t("common.as_of_lead", lang))]
    if cutoff is not None:
        rule = t(
            "common.as_of_rule",
            lang,
            cutoff=cutoff,
            years=pres.currency.stale_after_years,
            build_year=pd.Timestamp(built).year,
        )
        text.append(html.P(rule))
    return text


def coverage_section(lang: str, pres: Presentation, section_id: str, class_name: str):
    """The "data as of" section: heading, lead and table. The same for every town (it lists
    the catalogue's indicators), so it is made once per language and warehouse."""
    return _coverage_section(lang, queries.Same(pres), section_id, class_name)


@queries.memoised(16)
def _coverage_section(
    lang: str, same: queries.Same, section_id: str, class_name: str
) -> html.Section:
    pres = same.value
    return html.Section(
        [
            html.H2(t("common.as_of_title", lang)),
            *coverage_lead(lang, pres),
            coverage_table(lang, pres, f"{section_id}-table"),
        ],
        className=class_name,
        id=section_id,
    )
