"""Export files: `export_file` (a warehouse path) and `write_selection` (an open connection)
write a selection as CSV, Excel or Parquet atomically (a temporary file beside the target,
then a rename), streaming the rows through `pipeline.export.writers`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.export import shape, texts, writers
from pipeline.export.definitions import definitions, missing_notices
from pipeline.export.selection import (
    FORMATS,
    ExportError,
    Selection,
    frame_batches,
    selected_indicators,
)


def export_file(warehouse_path: Path, selection: Selection, fmt: str, out_path: Path) -> int:
    """Write the selection to `out_path` atomically; return the number of data rows."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    warehouse_path = Path(warehouse_path)
    if not warehouse_path.exists():
        raise ExportError(f"{warehouse_path} does not exist: run `investin build` first")
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return write_selection(con, selection, fmt, Path(out_path))
    finally:
        con.close()


def export_notices(warehouse_path: Path, selection: Selection) -> list[str]:
    """The notices of a selection (indicators without values for its areas), in its language."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return missing_notices(con, selection)
    finally:
        con.close()


def write_selection(
    con: duckdb.DuckDBPyConnection, selection: Selection, fmt: str, out_path: Path
) -> int:
    """`export_file` on an open connection: the selection's rows streamed to `out_path`,
    which appears only once complete. Returns the number of data rows."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    frames = frame_batches(con, selection)  # checks the selection before any file exists
    out_path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.")
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        if fmt == "parquet":  # full precision, column ids
            rows = writers.write_parquet(tmp, frames)
        else:
            shaped = shape.shaped(frames, shape.look(con, fmt, selection.lang))
            if fmt == "xlsx":
                sheets = _sheets(con, selection)
                data_sheet = texts.sheet("data", selection.lang)
                rows = writers.write_xlsx(tmp, shaped, lambda _ids: sheets, data_sheet)
            else:
                rows = writers.write_csv(tmp, shaped, excel=fmt == "csv_excel")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an export is for reading
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return rows


def _sheets(con, selection: Selection) -> list[tuple[str, pd.DataFrame]]:
    """The workbook's sheets after the data: the definitions of every selected indicator (also
    those without values here) and the README, each in the selection's language."""
    lang = selection.lang
    ids = [i for i in selected_indicators(con, selection) if not i.startswith("index_")]
    sheet = definitions(con, lang, ids)
    sheet.columns = [texts.header(c, lang) for c in sheet.columns]
    lines = [*texts.readme_lines(lang), *missing_notices(con, selection)]
    readme = pd.DataFrame({"Seutu Invest In": lines})
    return [(texts.sheet("indicators", lang), sheet), (texts.sheet("readme", lang), readme)]
