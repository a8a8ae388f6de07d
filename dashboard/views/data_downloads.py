"""The data page's downloads: a selection's file made on request, or a message.

A file is made on request only when the selection is small enough to write in a second or two
(`ROW_LIMITS`, counted in values before any row is read: an Excel workbook is the slowest to
write, CSV and Parquet are fast but travel base64-encoded inside the callback's answer). A
larger selection gets a message in the page's language that gives its size and the limit and
links the complete files of the build (every value, written outside any request by
`pipeline.export.complete` and served by `dashboard.downloads`), so no download ever keeps a
worker busy for long or makes its memory grow with the data.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, NamedTuple

from dash import dcc, html

from dashboard.i18n import fmt_number, t
from dashboard.queries.runner import with_cursor
from pipeline.export import ExportError, Selection, complete, count_rows, write_selection

# csv_excel: the dialect Finnish- and Swedish-locale Excel opens (BOM, ';', decimal comma)
FORMATS = {"csv": "text/csv", "csv_excel": "text/csv", "xlsx": None, "parquet": None}
FILE_NAMES = {"csv_excel": "seutu-investin-excel.csv"}
COMPLETE_FORMATS = ("csv", "xlsx", "parquet")  # the complete files of a build
# The most values a file made on request holds. About 1 s for Excel on a quiet machine (see
# bench/xlsx_writers.py), and a CSV answer of about 15 MB.
ROW_LIMITS = {"xlsx": 25_000, "csv": 100_000, "csv_excel": 100_000, "parquet": 100_000}
NOTICE_CLASS = "notice notice-warning"


class Download(NamedTuple):
    """What a click on a download button gives: a file (`dcc.send_file`'s dict) or the
    children of a message for the page's notices box."""

    file: dict[str, Any] | None
    message: list[Any] | None


def selection_file(selection: Selection, fmt: str, lang: str) -> Download:
    """The selection as a `fmt` file if it is within `ROW_LIMITS`, else a message."""
    try:
        rows = with_cursor(lambda cursor: count_rows(cursor, selection))
        if rows > ROW_LIMITS[fmt]:
            return Download(None, too_large(rows, fmt, lang))
        with tempfile.TemporaryDirectory(prefix="investin-download-") as folder:
            out = Path(folder) / FILE_NAMES.get(fmt, f"seutu-investin.{fmt}")
            with_cursor(lambda cursor: write_selection(cursor, selection, fmt, out))
            return Download(dcc.send_file(str(out), filename=out.name, type=FORMATS[fmt]), None)
    except ExportError as exc:
        return Download(None, [html.P(t("data.download_failed", lang, error=str(exc)))])


def too_large(rows: int, fmt: str, lang: str) -> list[Any]:
    """Why the selection is not made into a file here, and where to get its values."""
    text = t(
        "data.too_large",
        lang,
        n=fmt_number(rows, 0, lang),
        limit=fmt_number(ROW_LIMITS[fmt], 0, lang),
        format=t(f"data.{fmt}", lang),
    )
    other = [f for f in FORMATS if f != fmt and ROW_LIMITS[f] >= rows]
    if other:
        formats = " / ".join(t(f"data.{f}", lang) for f in other)
        text += " " + t("data.too_large_other", lang, formats=formats)
    return [html.P(text), complete_links(lang)]


def complete_links(lang: str) -> html.P:
    """Links to the complete files of this build in `lang`, one per format."""
    build = with_cursor(complete.build_id)
    links: list[Any] = []
    for fmt in COMPLETE_FORMATS:
        links += [" ", html.A(t(f"data.{fmt}", lang), href=complete.url_path(build, lang, fmt))]
    return html.P([t("data.complete_data", lang), *links], className="complete-downloads")
