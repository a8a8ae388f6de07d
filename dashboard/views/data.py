"""The data page's selection, table and controls.

The table and the downloads go through the same code as `investin export`
(`pipeline.export.select_frame` and `write_selection`), so a download from the page and one
from the command line with the same selection are the same file; what a download button gives
is `dashboard.views.data_downloads`'s. `parse_params`, `column_defs` and `grid_rows` are pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from dashboard import queries
from dashboard.i18n import lang_of, load_page, t
from dashboard.layout import grid_locale, href, query_list
from dashboard.queries.runner import with_cursor
from dashboard.views.common import (
    Control,
    Known,
    as_year,
    control_row,
    grid_pagination,
    named,
    number_formatter,
    options,
    query_codes,
    quoted,
    year_options,
)
from dashboard.views.data_downloads import FORMATS
from pipeline.presentation import Presentation

PAGE = "data"
MAX_GRID_ROWS = 5000
INDEX_DECIMALS = 2  # composite index scores (ids outside the catalogue), as the profile shows them
COUNT_COLUMNS = ("n_values", "n_members")  # whole numbers
YEARS = range(1972, 2041)  # the year dropdowns' range


class DataSelection(NamedTuple):
    """The page's selection, valid against the warehouse."""

    indicators: tuple[str, ...]
    areas: tuple[str, ...]
    groups: tuple[str, ...]
    year_from: int | None
    year_to: int | None
    wide: bool


def _year(value: Any, key: str, lang: str, notices: list[str]) -> int | None:
    text = next(iter(query_list(value)), None)
    if text is None:
        return None
    year = as_year(text, YEARS)
    if year is None:
        notices.append(t(f"data.bad_{key}", lang, value=quoted(text)))
    return year


def _pick(params, key, known, default, message, lang, notices) -> tuple[str, ...]:
    """The known codes of query value `key` (`default` when absent), a notice for the rest."""
    if key not in params:
        return default
    raw, more = query_codes(params.get(key))
    bad = [value for value in raw if value not in known]
    if bad or more:
        notices.append(t(message, lang, codes=named(bad, lang, more)))
    return tuple(value for value in dict.fromkeys(raw) if value in known)


def parse_params(
    params: dict[str, Any], lang: str, known: Known, pres: Presentation
) -> tuple[DataSelection, list[str]]:
    """The selection from untrusted query values and the notices about what was dropped."""
    notices: list[str] = []
    default = pres.defaults.data_indicators
    indicators = _pick(
        params, "indicators", known.indicators, default, "data.unknown_indicators", lang, notices
    )
    indicators = indicators or default
    towns = tuple(known.members(pres.network))
    areas = _pick(params, "areas", known.municipalities, towns, "data.unknown_areas", lang, notices)
    groups = (pres.network, pres.country)
    groups = _pick(params, "groups", known.groups, groups, "data.unknown_groups", lang, notices)
    year_from = _year(params.get("from"), "from", lang, notices)
    year_to = _year(params.get("to"), "to", lang, notices)
    if year_from is not None and year_to is not None and year_from > year_to:
        notices.append(t("data.years_swapped", lang))
        year_from, year_to = year_to, year_from
    wide = next(iter(query_list(params.get("wide"))), "0").lower() in ("1", "true", "yes")
    return DataSelection(indicators, areas, groups, year_from, year_to, wide), notices


def callback_params(indicators, areas, groups, year_from, year_to, wide) -> dict[str, Any]:
    """The controls' values as query values."""
    return {
        "indicators": ",".join(indicators or []),
        "areas": ",".join(areas or []),
        "groups": ",".join(groups or []),
        "from": "" if year_from is None else str(year_from),
        "to": "" if year_to is None else str(year_to),
        "wide": "1" if wide else "0",
    }


def selection_query(selection: DataSelection, lang: str) -> str:
    return href(
        "",
        lang,
        indicators=list(selection.indicators),
        areas=list(selection.areas),
        groups=list(selection.groups),
        **{"from": selection.year_from, "to": selection.year_to},
        wide=1 if selection.wide else None,
    )


def export_selection(selection: DataSelection, lang: str):
    """The `pipeline.export.Selection` the CLI would build for the same choice."""
    from pipeline.export import Selection

    return Selection(
        indicators=selection.indicators,
        areas=selection.areas,
        groups=selection.groups,
        year_from=selection.year_from,
        year_to=selection.year_to,
        wide=selection.wide,
        lang=lang_of(lang),
    )


# --------------------------------------------------------------------------- table


def column_defs(
    frame: pd.DataFrame, lang: str, decimals: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """Grid columns for the export frame's columns, headers translated where known. Numbers show
    their indicator's catalogue `decimals` (by indicator id) with trailing zeros kept: the long
    frame's `value` by the row's `decimals` field (`grid_rows`), a wide frame's indicator
    column by its id."""
    strings = load_page(PAGE)
    decimals = decimals or {}
    columns = []
    for name in frame.columns:
        key = f"col_{name}"
        column: dict[str, Any] = {
            "field": str(name),
            "headerName": t(f"data.{key}", lang) if key in strings else str(name),
        }
        if pd.api.types.is_numeric_dtype(frame[name]) and name != "year":
            if name == "value":
                places = "params.data.decimals"
            elif name in COUNT_COLUMNS:
                places = "0"
            else:
                places = str(decimals.get(str(name), INDEX_DECIMALS))
            column.update(
                type="numericColumn",
                filter="agNumberColumnFilter",
                valueFormatter={"function": number_formatter(lang, places)},
            )
        columns.append(column)
    return columns


def grid_rows(
    frame: pd.DataFrame, decimals: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """JSON-safe records (dates as ISO text, missing values as null); in the long frame each row
    also carries its indicator's `decimals` for the value column's format."""
    shown = frame.head(MAX_GRID_ROWS).copy()
    for name in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[name]):
            shown[name] = shown[name].dt.strftime("%Y-%m-%d")
        elif shown[name].dtype == object:
            shown[name] = shown[name].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    shown = shown.astype(object).where(shown.notna(), None)
    records = shown.to_dict("records")
    if decimals is not None and {"indicator_id", "value"} <= set(shown.columns):
        for record in records:
            record["decimals"] = decimals.get(str(record["indicator_id"]), INDEX_DECIMALS)
    return records


def catalogue_decimals() -> dict[str, int]:
    """Each catalogue indicator's decimals, by id."""
    frame = queries.indicators("fi")
    return {str(i): int(d) for i, d in zip(frame.indicator_id, frame.decimals, strict=True)}


def table_content(selection: DataSelection, lang: str) -> tuple[list, list, str, list[str]]:
    """(rowData, columnDefs, row count text, notices) for the selection."""
    from pipeline.export import ExportError, count_rows, missing_notices, select_frame

    chosen = export_selection(selection, lang)
    try:
        if chosen.wide:  # the pivot reads every row; its rows are far fewer than the values
            frame = queries.export_frame(chosen)
            rows = len(frame)
        else:  # count, then read no more rows than the table shows
            rows = with_cursor(lambda cursor: count_rows(cursor, chosen))
            frame = with_cursor(lambda cursor: select_frame(cursor, chosen, MAX_GRID_ROWS))
        # an indicator without values for these areas (e.g. one published for regions only)
        missing = with_cursor(lambda cursor: missing_notices(cursor, chosen))
    except ExportError as exc:
        return [], [], "", [t("data.export_error", lang, error=str(exc))]
    count = t("data.row_count", lang, n=rows)
    if rows > MAX_GRID_ROWS:
        count = t("data.row_count_capped", lang, n=rows, shown=MAX_GRID_ROWS)
    decimals = catalogue_decimals()
    return grid_rows(frame, decimals), column_defs(frame, lang, decimals), count, missing


def grid(rows: list, columns: list, lang: str) -> dag.AgGrid:
    return dag.AgGrid(
        id="data-grid",
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            **grid_pagination(50),
            "localeText": grid_locale(lang),
        },
        columnSize="autoSize",
        style={"height": "620px", "width": "100%"},
        className="ag-theme-alpine",
    )


# --------------------------------------------------------------------------- controls


def control_specs(selection: DataSelection, lang: str) -> list[Control]:
    """The page's dropdowns, in order."""
    indicators = queries.indicators(lang)
    towns = queries.municipalities(lang)
    groups = queries.areas(lang)
    groups = groups[groups.kind != "municipality"]
    years = year_options(YEARS)
    many = {"multi": True}
    any_year = {"placeholder": t("data.any_year", lang)}
    return [
        Control(
            "data.indicators",
            "data-indicators",
            options(indicators.indicator_id, indicators.label),
            list(selection.indicators),
            many,
            wide=True,
        ),
        Control(
            "data.areas",
            "data-areas",
            options(towns.area_code, towns.name),
            list(selection.areas),
            many,
            wide=True,
        ),
        Control(
            "data.groups",
            "data-groups",
            options(groups.area_code, groups.name),
            list(selection.groups),
            many,
            wide=True,
        ),
        Control("data.year_from", "data-from", years, selection.year_from, any_year),
        Control("data.year_to", "data-to", years, selection.year_to, any_year),
    ]


def controls(selection: DataSelection, lang: str) -> html.Div:
    wide = dcc.Checklist(
        id="data-wide",
        options=[{"value": "wide", "label": t("data.wide", lang)}],
        value=["wide"] if selection.wide else [],
    )
    specs = control_specs(selection, lang)
    return control_row(specs, lang, "controls data-controls", [html.Div(wide, className="control")])


def downloads(lang: str) -> html.Div:
    buttons = [
        html.Button(
            t(f"data.{fmt}", lang), id=f"data-download-{fmt}", className="button", n_clicks=0
        )
        for fmt in FORMATS
    ]
    return html.Div(
        [
            html.Span(t("data.download", lang), className="control-label"),
            *buttons,
            dcc.Download(id="data-download"),
        ],
        className="downloads",
        style={"display": "flex", "flexWrap": "wrap", "gap": "0.5em", "alignItems": "center"},
        role="group",
        **{"aria-label": t("data.download", lang)},
    )
