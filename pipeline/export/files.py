"""Export files: `export_file` (a warehouse path) and `write_selection` (an open connection)
write a selection as CSV, Excel or Parquet atomically (a temporary file beside the target,
then a rename), streaming the rows through `pipeline.export.writers`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.export import writers
from pipeline.export.selection import CREDIT, FORMATS, ExportError, Selection, frame_batches

README_LINES = (
    CREDIT,
    "Language: {lang}. Sheet 'data' holds the values; sheet 'indicators' the "
    "definitions, units, sources, citations and update dates.",
    "Area codes: municipalities three digits (2025 division), SSS whole country, "
    "MKxx regions, SKxxx sub-regions, KR1-KR3 municipality groups, and user groups "
    "by id (network, university_cities).",
)
DEFINITION_COLUMNS = [
    "indicator_id",
    "label",
    "description",
    "unit",
    "decimals",
    "direction",
    "aggregation",
    "formula",
    "sources",
    "citation",
    "note",
]


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
        if fmt == "csv":
            rows = writers.write_csv(tmp, frames)
        elif fmt == "parquet":
            rows = writers.write_parquet(tmp, frames)
        else:
            rows = writers.write_xlsx(tmp, frames, lambda ids: _sheets(con, selection.lang, ids))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an export is for reading
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return rows


def _sheets(con, lang: str, ids: set[str]) -> list[tuple[str, pd.DataFrame]]:
    """The workbook's sheets after 'data': the indicators' definitions and the README."""
    readme = pd.DataFrame({"Seutu Invest In": [line.format(lang=lang) for line in README_LINES]})
    return [("indicators", definitions(con, lang, ids)), ("README", readme)]


def definitions(con: duckdb.DuckDBPyConnection, lang: str, ids: set[str]) -> pd.DataFrame:
    """Label, description, unit, rules and sources of each indicator in `ids`."""
    indicators = con.execute(
        """
        SELECT indicator_id,
               CASE $lang WHEN 'sv' THEN label_sv WHEN 'en' THEN label_en ELSE label_fi END,
               CASE $lang WHEN 'sv' THEN description_sv WHEN 'en' THEN description_en
                    ELSE description_fi END,
               CASE $lang WHEN 'sv' THEN unit_sv WHEN 'en' THEN unit_en ELSE unit_fi END,
               decimals, direction, aggregation, formula, sources, citation, note
        FROM core.indicators WHERE list_contains($ids, indicator_id) ORDER BY indicator_id
        """,
        {"lang": lang, "ids": sorted(ids)},
    ).df()
    indicators.columns = DEFINITION_COLUMNS
    provenance = con.execute(
        "SELECT source_id, table_id, publisher, licence, updated, fetched FROM core.provenance"
    ).df()
    updated = {
        row.source_id: f"{row.table_id} ({row.publisher}, {row.licence}; updated "
        f"{row.updated or 'n/a'})"
        for row in provenance.itertuples()
    }
    indicators["source_details"] = indicators["sources"].map(
        lambda ids: "; ".join(updated.get(s, s) for s in str(ids).split(","))
    )
    return indicators
