"""The 'data' action of every figure: the CSV of the rows it plots, with its source line.

`layout.figure_block` puts a button (`<figure id>-data`, its value the figure's source text) and
a `dcc.Download` under each figure; `install` registers one callback a figure id of
`layout.DATA_FIGURES`. The callback reads the figure the browser holds (after every update the
page made) and turns its traces into rows (`figures.data.figure_rows`), so the file is what is
drawn, with no second query that could disagree.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, dcc

from dashboard.figures.data import axis_titles, figure_rows, figure_title
from dashboard.i18n import lang_of, t
from dashboard.layout import DATA_FIGURES


def figure_table(figure: Mapping[str, Any], source: str, lang: str) -> pd.DataFrame:
    """The rows `figure` plots with headers in `lang` (the axes' own titles where they have
    them), then the figure's title and `source` on every row."""
    lang = lang_of(lang)
    rows = figure_rows(figure)
    titles = axis_titles(figure)
    headers = {}
    for column in rows.columns:
        name = t(f"figure_data.{column}", lang)
        headers[column] = f"{name}: {titles[column]}" if column in titles else name
    table = rows.rename(columns=headers)
    table[t("figure_data.figure", lang)] = figure_title(figure)
    table[t("figure_data.source", lang)] = source
    return table


def figure_csv(figure: Mapping[str, Any], source: str, lang: str) -> str:
    """`figure_table` as CSV text (UTF-8 with a BOM when written, so Excel reads ä and ö)."""
    buffer = io.StringIO()
    figure_table(figure, source, lang).to_csv(buffer, index=False)
    return buffer.getvalue()


def _answer(figure_id: str):
    def download(n_clicks: int | None, figure: Mapping[str, Any] | None, source: str, lang: Any):
        if not n_clicks or not figure:
            raise dash.exceptions.PreventUpdate
        text = "\ufeff" + figure_csv(figure, source or "", lang_of(lang))
        return dcc.send_string(text, f"{figure_id}.csv", type="text/csv")

    return download


def install(app: dash.Dash) -> None:
    """One callback a figure of `DATA_FIGURES` (ids absent from a page are never called)."""
    for figure_id in DATA_FIGURES:
        app.callback(
            Output(f"{figure_id}-data-download", "data"),
            Input(f"{figure_id}-data", "n_clicks"),
            State(figure_id, "figure"),
            State(f"{figure_id}-data", "value"),
            State("app-lang", "data"),
            prevent_initial_call=True,
        )(_answer(figure_id))
