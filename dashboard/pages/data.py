"""Data (/data): the selection as a sortable, filterable table, and downloads of all its rows
(content: `dashboard.views.data`, which shares its code with `investin export`).

URL: `?lang=fi&indicators=<ids>&areas=140,740&groups=<group codes>&from=2016&to=2020&wide=1`.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, html

from dashboard import pagemeta
from dashboard.i18n import lang_of, t
from dashboard.layout import notice_parts, page_top, shell
from dashboard.views import data, data_downloads
from dashboard.views.common import known, presentation

PAGE = data.PAGE

dash.register_page(
    __name__,
    path="/data",
    name="data",
    title=pagemeta.title("data"),
    description=pagemeta.description("data"),
    order=4,
)


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
def download(
    _csv, _csv_excel, _xlsx, _parquet, indicators, areas, groups, year_from, year_to, wide, lang
):
    """The selection as a file when it is small enough to make at once; otherwise a message in
    the notices box that says why and links the complete files (`views.data_downloads`)."""
    fmt = (dash.ctx.triggered_id or "data-download-csv").rsplit("-", 1)[-1]
    if fmt not in data.FORMATS:
        return dash.no_update
    lang = lang_of(lang)
    params = data.callback_params(indicators, areas, groups, year_from, year_to, wide)
    selection, _ = _selection(lang, params)
    answer = data_downloads.selection_file(data.export_selection(selection, lang), fmt, lang)
    if answer.message is not None:
        notice = {"children": answer.message, "className": data_downloads.NOTICE_CLASS}
        dash.set_props("data-notices", notice)
        return dash.no_update
    return answer.file
