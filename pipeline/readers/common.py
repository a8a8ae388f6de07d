"""What every reader shares: the staging shape, area codes, periods and `ReaderError`.

Staging rows are `area_code, year, month, variable, value` (plus extra dimension columns such as
`age`) and `source_row`. Cells the publisher left empty or marked with one of its own
missing-value markers ("..", "...", "-", ...) stay as rows with a missing value, so the build can
tell a suppressed value from an absent area; any other text in a value cell ("NA", "NaN") is an
error. Error messages quote at most a short prefix of the bad input (`quote`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.jsonstat import MISSING_MARKERS, quote

STAGING_COLUMNS = ["area_code", "year", "month", "variable", "value"]
# `source_row`: the spreadsheet/CSV line (header = 1) or the json-stat cell index a value came
# from (missing where values were summed over a filter); used to name rows in error reports.
ROW_COLUMN = "source_row"
COUNTRY_CODE = "SSS"
COUNTRY_NAMES = {"KOKO MAA", "WHOLE COUNTRY", "HELA LANDET", "KOKO SUOMI"}
# The most a reader loads of a file, by format: far above any real snapshot file (the largest
# is about 2 MB), far below what would exhaust memory (pandas holds ~8x a CSV's size).
MAX_FILE_BYTES = {
    "csv": 64 << 20,
    "eurostat_csv": 64 << 20,
    "paavo_csv": 64 << 20,
    "keyfigures_csv": 16 << 20,
    "keyfigures_series_csv": 16 << 20,
    "category_csv": 64 << 20,
    "classification_csv": 16 << 20,
    "jsonstat2": 64 << 20,
    "pxweb_json": 64 << 20,
    "geojson": 64 << 20,
    "topojson": 64 << 20,
    "keyfigures_xlsx": 16 << 20,
    "pxweb_xlsx": 16 << 20,
    "xlsx": 16 << 20,
}
MAX_XLSX_UNPACKED_BYTES = 128 << 20  # what the sheets of a workbook may unzip to
_MONTH = re.compile(r"^(?P<year>\d{4})M(?P<month>\d{2})\*?$")


class ReaderError(ValueError):
    """A snapshot file could not be read or does not have the expected shape."""


def check_file_size(path: Path, fmt: str, name: str | None = None) -> int:
    """The file's size; a ReaderError, before anything is read, when it exceeds what a reader
    of `fmt` loads (`MAX_FILE_BYTES`), or when a workbook unzips to more than
    `MAX_XLSX_UNPACKED_BYTES`."""
    name = name or Path(path).name
    size = Path(path).stat().st_size
    limit = MAX_FILE_BYTES.get(fmt)
    if limit is not None and size > limit:
        raise ReaderError(
            f"{name}: {size:,} bytes, more than the {limit:,} a {fmt} file may have; not read"
        )
    if fmt in ("keyfigures_xlsx", "pxweb_xlsx", "xlsx"):
        _check_unpacked_size(Path(path), name)
    return size


def _check_unpacked_size(path: Path, name: str) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            unpacked = sum(item.file_size for item in book.infolist())
    except zipfile.BadZipFile as exc:
        raise ReaderError(f"{name}: not an xlsx workbook ({exc})") from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ReaderError(
            f"{name}: unzips to {unpacked:,} bytes, more than the {MAX_XLSX_UNPACKED_BYTES:,} "
            "a workbook may; not read"
        )


# --------------------------------------------------------------------------- area codes


def normalise_area_code(value: object) -> str:
    """`KU091` → `091`, `5` → `005`, `MK1`/`1` (region) stay as given; `SSS` stays `SSS`."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        raise ReaderError("empty area code")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.upper().startswith("KU"):
        text = text[2:]
    if text.isdigit():
        return text.zfill(3)
    return text.upper()


def region_code(value: object) -> str:
    """Maakunta code as `MKxx`: `1` → `MK01`, `MK1` → `MK01`."""
    text = str(value).strip().upper().removeprefix("MK")
    return f"MK{int(text):02d}"


def subregion_code(value: object) -> str:
    """Seutukunta code as `SKxxx`: `11` → `SK011`."""
    text = str(value).strip().upper().removeprefix("SK")
    return f"SK{int(text):03d}"


def municipality_group_code(value: object) -> str:
    """Kuntaryhmitys code as `KRx`: `1` → `KR1`."""
    text = str(value).strip().upper().removeprefix("KR")
    return f"KR{int(text)}"


def parse_period(value: object) -> tuple[int, pd.Timestamp | None]:
    """`2022M01` → (2022, 2022-01-01); `2021` → (2021, None)."""
    text = str(value).strip()
    match = _MONTH.match(text)
    if match:
        year, month = int(match["year"]), int(match["month"])
        return year, pd.Timestamp(year=year, month=month, day=1)
    if re.fullmatch(r"\d{4}(\.0)?", text):
        return int(float(text)), None
    raise ReaderError(f"period {quote(value)} is neither a year nor a month like 2022M01")


def periods(values: pd.Series, file: str) -> tuple[pd.Series, pd.Series]:
    """Years and months (first day, NaT for annual) of a period column, parsed once per value."""
    positions, uniques = pd.factorize(values)
    parsed = []
    for value in uniques:
        try:
            parsed.append(parse_period(value))
        except ReaderError as exc:
            raise ReaderError(f"{file}: {exc}") from None
    years = np.array([p[0] for p in parsed], dtype="int32")[positions]
    months = pd.DatetimeIndex([p[1] for p in parsed], dtype="datetime64[ns]")[positions]
    return (
        pd.Series(years, index=values.index),
        pd.Series(months, index=values.index),
    )


def area_codes(values: pd.Series) -> pd.Series:
    """`normalise_area_code` over a column, computed once per distinct value."""
    positions, uniques = pd.factorize(values)
    if (positions < 0).any():
        row = int(np.argmax(positions < 0))
        raise ReaderError(f"row {row + 2}: empty area code")
    codes = np.array([normalise_area_code(u) for u in uniques], dtype=object)[positions]
    return pd.Series(codes, index=values.index, dtype="str")


def numbers(raw: pd.DataFrame, column: str, file: str, rows: pd.Series | None = None) -> pd.Series:
    """The column as numbers. Empty cells and the publisher's missing-value markers are
    missing; any other cell that is not a number ("NA", "NaN", "null") is an error naming the
    file, its row (header = row 1, or `rows`' number for the cell), the column and the value."""
    cells = raw[column]
    # most cells are numbers (or numeric text): parse the column at once, then look again,
    # stripped, only at the cells that did not parse (markers, empty text or errors)
    values = pd.to_numeric(cells, errors="coerce").to_numpy("float64", na_value=np.nan, copy=True)
    again = np.flatnonzero(np.isnan(values) & cells.notna().to_numpy())
    if len(again):
        text = cells.iloc[again].map(lambda c: c.strip() if isinstance(c, str) else c)
        missing = text.isin(["", *MISSING_MARKERS]).to_numpy()
        parsed = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy("float64")
        bad = np.isnan(parsed) & ~missing
        if bad.any():
            at = int(again[np.argmax(bad)])
            row = at + 2 if rows is None else rows.iloc[at]
            raise ReaderError(
                f"{file}: row {row}, column {quote(column)}: {quote(cells.iloc[at])} is neither "
                "a number nor one of the publisher's missing-value markers "
                f"({', '.join(MISSING_MARKERS)})"
            )
        values[again] = parsed
    return pd.Series(values, index=cells.index, name=cells.name)


def staging(frame: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    """Staging column order and types. Cells the publisher left empty or marked missing stay as
    rows with a missing value, so the build can tell a suppressed value from an absent area."""
    frame = frame.astype({"area_code": "str", "year": "int32", "variable": "str"})
    frame["month"] = pd.to_datetime(frame["month"])
    frame[ROW_COLUMN] = frame[ROW_COLUMN].astype("Int64")
    return frame[[*STAGING_COLUMNS, *(extra or []), ROW_COLUMN]].reset_index(drop=True)
