"""Data (/data): the selection as a sortable, filterable table, and downloads of all its rows.

The table and the CSV / Excel / Parquet downloads go through the same code as `investin export`
(`pipeline.export.select_frame` and `export_file`), so a download from the page and one from the
command line with the same selection are the same file.

URL: `?lang=fi&indicators=population,jobs&areas=140,740&groups=network&from=2016&to=2020&wide=1`.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import queries
from dashboard.i18n import lang_of, load_page, t
from dashboard.layout import (
    dropdown_control,
    grid_locale,
    href,
    notice_parts,
    page_top,
    query_list,
    shell,
)

PAGE = "data"
MAX_GRID_ROWS = 5000
DEFAULT_INDICATORS = ("population",)
DEFAULT_GROUPS = (queries.presentation().network, queries.presentation().country)
FORMATS = {"csv": "text/csv", "xlsx": None, "parquet": None}
LOCALE_TAGS = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/data", name="data", title="Seutu Invest In", order=4)


class DataSelection(NamedTuple):
    """The page's selection, valid against the warehouse (a NamedTuple: see compare.py)."""

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
    try:
        return int(text)
    except ValueError:
        notices.append(t(f"data.bad_{key}", lang, value=text))
        return None


def parse_params(params: dict[str, Any], lang: str) -> tuple[DataSelection, list[str]]:
    """The selection from untrusted query values and the notices about what was dropped."""
    notices: list[str] = []
    known_indicators = set(queries.indicator_ids())
    municipalities = queries.municipality_codes()
    groups_known = queries.area_codes() - municipalities

    def pick(key: str, known: set[str] | frozenset[str], default: tuple[str, ...], message: str):
        raw = query_list(params.get(key))
        if key not in params:
            return default
        bad = [value for value in raw if value not in known]
        if bad:
            notices.append(t(message, lang, codes=", ".join(bad)))
        return tuple(value for value in dict.fromkeys(raw) if value in known)

    indicators = pick("indicators", known_indicators, DEFAULT_INDICATORS, "data.unknown_indicators")
    if not indicators:
        indicators = DEFAULT_INDICATORS
    default_areas = tuple(queries.group_members(queries.presentation().network))
    areas = pick("areas", municipalities, default_areas, "data.unknown_areas")
    groups = pick("groups", groups_known, DEFAULT_GROUPS, "data.unknown_groups")
    year_from = _year(params.get("from"), "from", lang, notices)
    year_to = _year(params.get("to"), "to", lang, notices)
    if year_from is not None and year_to is not None and year_from > year_to:
        notices.append(t("data.years_swapped", lang))
        year_from, year_to = year_to, year_from
    wide = next(iter(query_list(params.get("wide"))), "0").lower() in ("1", "true", "yes")
    return DataSelection(indicators, areas, groups, year_from, year_to, wide), notices


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


def column_defs(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid columns for the export frame's columns, headers translated where known."""
    strings = load_page(PAGE)
    tag = LOCALE_TAGS[lang_of(lang)]
    columns = []
    for name in frame.columns:
        key = f"col_{name}"
        column: dict[str, Any] = {
            "field": str(name),
            "headerName": t(f"data.{key}", lang) if key in strings else str(name),
        }
        if pd.api.types.is_numeric_dtype(frame[name]) and name != "year":
            column.update(
                type="numericColumn",
                filter="agNumberColumnFilter",
                valueFormatter={
                    "function": "params.value == null ? '' : "
                    f"params.value.toLocaleString('{tag}', {{maximumFractionDigits: 6}})"
                },
            )
        columns.append(column)
    return columns


def grid_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe records (dates as ISO text, missing values as null)."""
    shown = frame.head(MAX_GRID_ROWS).copy()
    for name in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[name]):
            shown[name] = shown[name].dt.strftime("%Y-%m-%d")
        elif shown[name].dtype == object:
            shown[name] = shown[name].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    shown = shown.astype(object).where(shown.notna(), None)
    return shown.to_dict("records")


def table_content(selection: DataSelection, lang: str) -> tuple[list, list, str, list[str]]:
    """(rowData, columnDefs, row count text, notices) for the selection."""
    from pipeline.export import ExportError

    try:
        frame = queries.export_frame(export_selection(selection, lang))
    except ExportError as exc:
        return [], [], "", [t("data.export_error", lang, error=str(exc))]
    count = t("data.row_count", lang, n=len(frame))
    if len(frame) > MAX_GRID_ROWS:
        count = t("data.row_count_capped", lang, n=len(frame), shown=MAX_GRID_ROWS)
    return grid_rows(frame), column_defs(frame, lang), count, []


# --------------------------------------------------------------------------- layout


def controls(selection: DataSelection, lang: str) -> html.Div:
    indicators = queries.indicators(lang)
    municipalities = queries.municipalities(lang)
    groups = queries.areas(lang)
    groups = groups[groups.kind != "municipality"]
    years = list(range(1972, 2041))
    year_options = [{"value": y, "label": str(y)} for y in years]
    return html.Div(
        [
            dropdown_control(
                t("data.indicators", lang),
                lang,
                "data-indicators",
                options=[
                    {"value": r.indicator_id, "label": r.label}
                    for r in indicators.itertuples(index=False)
                ],
                value=list(selection.indicators),
                multi=True,
                wide=True,
            ),
            dropdown_control(
                t("data.areas", lang),
                lang,
                "data-areas",
                options=[
                    {"value": r.area_code, "label": r.name}
                    for r in municipalities.itertuples(index=False)
                ],
                value=list(selection.areas),
                multi=True,
                wide=True,
            ),
            dropdown_control(
                t("data.groups", lang),
                lang,
                "data-groups",
                options=[
                    {"value": r.area_code, "label": r.name} for r in groups.itertuples(index=False)
                ],
                value=list(selection.groups),
                multi=True,
                wide=True,
            ),
            dropdown_control(
                t("data.year_from", lang),
                lang,
                "data-from",
                placeholder=t("data.any_year", lang),
                options=year_options,
                value=selection.year_from,
            ),
            dropdown_control(
                t("data.year_to", lang),
                lang,
                "data-to",
                placeholder=t("data.any_year", lang),
                options=year_options,
                value=selection.year_to,
            ),
            html.Div(
                dcc.Checklist(
                    id="data-wide",
                    options=[{"value": "wide", "label": t("data.wide", lang)}],
                    value=["wide"] if selection.wide else [],
                ),
                className="control",
            ),
        ],
        className="controls data-controls",
    )


def downloads(lang: str) -> html.Div:
    return html.Div(
        [
            html.Span(t("data.download", lang), className="control-label"),
            html.Button(
                t("data.csv", lang), id="data-download-csv", className="button", n_clicks=0
            ),
            html.Button(
                t("data.xlsx", lang), id="data-download-xlsx", className="button", n_clicks=0
            ),
            html.Button(
                t("data.parquet", lang), id="data-download-parquet", className="button", n_clicks=0
            ),
            dcc.Download(id="data-download"),
        ],
        className="downloads",
        style={"display": "flex", "flexWrap": "wrap", "gap": "0.5em", "alignItems": "center"},
        role="group",
        **{"aria-label": t("data.download", lang)},
    )


def layout(lang: str | None = None, **params: Any) -> html.Div:
    lang = lang_of(lang)
    selection, notices = parse_params(params, lang)
    rows, columns, count, problems = table_content(selection, lang)
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices + problems),
            controls(selection, lang),
            downloads(lang),
            html.P(count, id="data-count", className="row-count", **{"aria-live": "polite"}),
            dag.AgGrid(
                id="data-grid",
                rowData=rows,
                columnDefs=columns,
                defaultColDef={"sortable": True, "filter": True, "resizable": True},
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": 50,
                    "localeText": grid_locale(lang),
                },
                columnSize="autoSize",
                style={"height": "620px", "width": "100%"},
                className="ag-theme-alpine",
            ),
            html.P(t("data.cli_hint", lang), className="hint"),
        ],
    )


# --------------------------------------------------------------------------- callbacks

_CONTROLS = (
    Input("data-indicators", "value"),
    Input("data-areas", "value"),
    Input("data-groups", "value"),
    Input("data-from", "value"),
    Input("data-to", "value"),
    Input("data-wide", "value"),
)


def _params(indicators, areas, groups, year_from, year_to, wide) -> dict[str, Any]:
    return {
        "indicators": ",".join(indicators or []),
        "areas": ",".join(areas or []),
        "groups": ",".join(groups or []),
        "from": "" if year_from is None else str(year_from),
        "to": "" if year_to is None else str(year_to),
        "wide": "1" if wide else "0",
    }


@callback(
    Output("data-grid", "rowData"),
    Output("data-grid", "columnDefs"),
    Output("data-count", "children"),
    Output("data-url", "search"),
    Output("data-notices", "children"),
    Output("data-notices", "className"),
    *_CONTROLS,
    State("data-lang", "data"),
    prevent_initial_call=True,
)
def update(indicators, areas, groups, year_from, year_to, wide, lang):
    lang = lang_of(lang)
    params = _params(indicators, areas, groups, year_from, year_to, wide)
    selection, notices = parse_params(params, lang)
    rows, columns, count, problems = table_content(selection, lang)
    notices += problems
    return (
        rows,
        columns,
        count,
        selection_query(selection, lang),
        *notice_parts(notices),
    )


@callback(
    Output("data-download", "data"),
    Input("data-download-csv", "n_clicks"),
    Input("data-download-xlsx", "n_clicks"),
    Input("data-download-parquet", "n_clicks"),
    *(State(i.component_id, i.component_property) for i in _CONTROLS),
    State("data-lang", "data"),
    prevent_initial_call=True,
)
def download(_csv, _xlsx, _parquet, indicators, areas, groups, year_from, year_to, wide, lang):
    """All rows of the selection, written by `pipeline.export.export_file` to a temporary file."""
    from pipeline.export import ExportError, export_file

    fmt = (dash.ctx.triggered_id or "data-download-csv").rsplit("-", 1)[-1]
    if fmt not in FORMATS:
        return dash.no_update
    lang = lang_of(lang)
    selection, _ = parse_params(_params(indicators, areas, groups, year_from, year_to, wide), lang)
    with tempfile.TemporaryDirectory(prefix="investin-download-") as folder:
        out = Path(folder) / f"seutu-investin.{fmt}"
        try:
            export_file(queries.warehouse_path(), export_selection(selection, lang), fmt, out)
        except ExportError as exc:
            log.warning("download failed: %s", exc)
            return dash.no_update
        return dcc.send_file(str(out), filename=out.name, type=FORMATS[fmt])
