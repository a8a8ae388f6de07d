"""Streaming writers of export files: each takes the rows as frames one after another and holds
no more than one frame at a time, so memory stays flat however many rows a file has.

- CSV: pandas `to_csv`, the header once, then appended frames (the same bytes as one call).
- Parquet: one pyarrow row group per frame, the schema fixed by the first frame.
- Excel: XlsxWriter in constant-memory mode, which writes each row to disk as it goes. It was
  chosen over openpyxl (pandas' default engine, which keeps every cell as an object until it
  saves) and openpyxl's write-only mode by `bench/xlsx_writers.py`: the fastest of the three
  and, like write-only openpyxl, flat in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# The look pandas gives a header row, and its date format, so the workbook reads as before.
HEADER_FORMAT = {"bold": True, "border": 1, "align": "center", "valign": "top"}
DATE_FORMAT = "yyyy-mm-dd"
_NUMBER, _DATE, _TEXT = "number", "date", "text"

# (sheet name, frame): the small sheets written after the data sheet, given the data's ids.
ExtraSheets = Callable[[set[str]], list[tuple[str, pd.DataFrame]]]


def write_csv(path: Path, frames: Iterable[pd.DataFrame], excel: bool = False) -> int:
    """UTF-8 CSV of the frames' rows (the first frame's header); returns the rows written.
    `excel`: the dialect of Finnish- and Swedish-locale Excel (a byte order mark, `;`)."""
    rows = 0
    encoding, sep = ("utf-8-sig", ";") if excel else ("utf-8", ",")
    with open(path, "w", encoding=encoding, newline="") as out:
        for number, frame in enumerate(frames):
            frame.to_csv(out, index=False, header=number == 0, sep=sep)
            rows += len(frame)
    return rows


def write_parquet(path: Path, frames: Iterable[pd.DataFrame]) -> int:
    """Parquet of the frames' rows, one row group each; returns the rows written."""
    rows, writer = 0, None
    try:
        for frame in frames:
            if writer is None:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                schema = _with_dates(table.schema, frame)
                writer = pq.ParquetWriter(str(path), schema)
            table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
            writer.write_table(table)
            rows += len(frame)
    finally:
        if writer is not None:
            writer.close()
    return rows


def _with_dates(schema: pa.Schema, frame: pd.DataFrame) -> pa.Schema:
    """The schema with date columns typed as dates even when the first frame has no date in
    them (all missing), so that later frames' dates fit."""
    for name in frame.columns:
        if schema.field(name).type == pa.null() and name == "month":
            schema = schema.set(schema.get_field_index(name), pa.field(name, pa.date32()))
    return schema


def write_xlsx(
    path: Path, frames: Iterable[pd.DataFrame], extra: ExtraSheets, data_sheet: str = "data"
) -> int:
    """An Excel workbook: sheet `data_sheet` with the frames' rows, then `extra(ids)`'s sheets,
    where `ids` are the indicator ids the data held. Returns the data rows written."""
    import xlsxwriter  # only where a workbook is written

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "nan_inf_to_errors": True})
    try:
        header = workbook.add_format(HEADER_FORMAT)
        date = workbook.add_format({"num_format": DATE_FORMAT})
        sheet = workbook.add_worksheet(data_sheet)
        rows, ids = 0, set()
        for frame in frames:
            if rows == 0:
                sheet.write_row(0, 0, [str(name) for name in frame.columns], header)
            _write_rows(sheet, frame, rows + 1, date)
            rows += len(frame)
            ids |= _indicator_ids(frame)
        for name, frame in extra(ids):
            other = workbook.add_worksheet(name)
            other.write_row(0, 0, [str(column) for column in frame.columns], header)
            _write_rows(other, frame, 1, date)
    finally:
        workbook.close()
    return rows


def _indicator_ids(frame: pd.DataFrame) -> set[str]:
    if "indicator_id" in frame:
        return set(frame["indicator_id"].dropna())
    return {str(c) for c in frame.columns} - {"area_code", "area_name", "year", "month"}


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return _NUMBER
    if pd.api.types.is_datetime64_any_dtype(series):
        return _DATE
    first = series.dropna().head(1).tolist()
    return _DATE if first and isinstance(first[0], dt.date) else _TEXT


def _write_rows(sheet, frame: pd.DataFrame, first_row: int, date_format) -> None:
    """The frame's cells from `first_row` on, row after row (constant-memory mode writes each
    row out when the next begins). Missing values (None, NaN, NaT) stay empty cells."""
    kinds = [_kind(frame[name]) for name in frame.columns]
    columns = [frame[name].tolist() for name in frame.columns]
    text, number, when = sheet.write_string, sheet.write_number, sheet.write_datetime
    for row, cells in enumerate(zip(*columns, strict=True), start=first_row):
        for column, (kind, value) in enumerate(zip(kinds, cells, strict=True)):
            if value is None or value is pd.NA or value != value:  # noqa: PLR0124 - NaN and NaT are not themselves
                continue
            if kind is _NUMBER:
                number(row, column, value)
            elif kind is _DATE:
                when(row, column, value, date_format)
            else:
                text(row, column, value if isinstance(value, str) else str(value))
