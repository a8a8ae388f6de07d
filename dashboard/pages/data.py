"""Data (/data): the selection as a sortable, filterable table, and downloads of all its rows
(content: `dashboard.views.data`, which shares its code with `investin export`).

URL: `?lang=fi&indicators=<ids>&areas=140,740&groups=<group codes>&from=2016&to=2020&wide=1`.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import queries
from dashboard.i18n import lang_of, t
from dashboard.layout import notice_parts, page_top, shell
from dashboard.views import data
from dashboard.views.common import known, presentation

PAGE = data.PAGE
log = logging.getLogger(__name__)

dash.register_page(__name__, path="/data", name="data", title="Seutu Invest In", order=4)


def _selection(lang: str, params: dict[str, Any]):
    return data.parse_params(params, lang, known(), presentation())


def layout(lang: str | None = None, **params: Any) -> html.Div:
    lang = lang_of(lang)
    selection, notices = _selection(lang, params)
    rows, columns, count, problems = data.table_content(selection, lang)
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices + problems),
            data.controls(selection, lang),
            data.downloads(lang),
            html.P(count, id="data-count", className="row-count", **{"aria-live": "polite"}),
            data.grid(rows, columns, lang),
            html.P(t("data.cli_hint", lang), className="hint"),
        ],
    )


_CONTROLS = tuple(
    Input(f"data-{key}", "value") for key in ("indicators", "areas", "groups", "from", "to", "wide")
)


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
    params = data.callback_params(indicators, areas, groups, year_from, year_to, wide)
    selection, notices = _selection(lang, params)
    rows, columns, count, problems = data.table_content(selection, lang)
    query = data.selection_query(selection, lang)
    return rows, columns, count, query, *notice_parts(notices + problems)


@callback(
    Output("data-download", "data"),
    *(Input(f"data-download-{fmt}", "n_clicks") for fmt in data.FORMATS),
    *(State(i.component_id, i.component_property) for i in _CONTROLS),
    State("data-lang", "data"),
    prevent_initial_call=True,
)
def download(_csv, _xlsx, _parquet, indicators, areas, groups, year_from, year_to, wide, lang):
    """All rows of the selection, written by `pipeline.export.export_file` to a temporary file."""
    from pipeline.export import ExportError, export_file

    fmt = (dash.ctx.triggered_id or "data-download-csv").rsplit("-", 1)[-1]
    if fmt not in data.FORMATS:
        return dash.no_update
    lang = lang_of(lang)
    params = data.callback_params(indicators, areas, groups, year_from, year_to, wide)
    selection, _ = _selection(lang, params)
    with tempfile.TemporaryDirectory(prefix="investin-download-") as folder:
        out = Path(folder) / f"seutu-investin.{fmt}"
        try:
            export_file(queries.warehouse_path(), data.export_selection(selection, lang), fmt, out)
        except ExportError as exc:
            log.warning("download failed: %s", exc)
            return dash.no_update
        return dcc.send_file(str(out), filename=out.name, type=data.FORMATS[fmt])
