"""What every reader shares: the staging shape, area codes, periods and `ReaderError`.

Staging rows are `area_code, year, month, variable, value` (plus extra dimension columns such as
`age`) and `source_row`. Cells the publisher left empty or marked "..." stay as rows with a
missing value, so the build can tell a suppressed value from an absent area.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

STAGING_COLUMNS = ["area_code", "year", "month", "variable", "value"]
# `source_row`: the spreadsheet/CSV line (header = 1) or the json-stat cell index a value came
# from (missing where values were summed over a filter); used to name rows in error reports.
ROW_COLUMN = "source_row"
COUNTRY_CODE = "SSS"
COUNTRY_NAMES = {"KOKO MAA", "WHOLE COUNTRY", "HELA LANDET", "KOKO SUOMI"}
MISSING_MARKERS = (".", "..", "...", "....")  # Statistics Finland: not available / confidential
_MONTH = re.compile(r"^(?P<year>\d{4})M(?P<month>\d{2})\*?$")


class ReaderError(ValueError):
    """A snapshot file could not be read or does not have the expected shape."""


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
    raise ReaderError(f"period {value!r} is neither a year nor a month like 2022M01")


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


def numbers(raw: pd.DataFrame, column: str, file: str) -> pd.Series:
    """The column as numbers; a non-empty cell that is not a number is an error naming its row."""
    values = pd.to_numeric(raw[column], errors="coerce")
    bad = values.isna() & raw[column].notna()
    if bad.any():
        row = int(bad.idxmax())
        raise ReaderError(
            f"{file}: row {row + 2}, column {column!r}: {raw[column][row]!r} is not a number"
        )
    return values


def staging(frame: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    """Staging column order and types. Cells the publisher left empty or marked "..." stay as
    rows with a missing value, so the build can tell a suppressed value from an absent area."""
    frame = frame.astype({"area_code": "str", "year": "int32", "variable": "str"})
    frame["month"] = pd.to_datetime(frame["month"])
    frame[ROW_COLUMN] = frame[ROW_COLUMN].astype("Int64")
    return frame[[*STAGING_COLUMNS, *(extra or []), ROW_COLUMN]].reset_index(drop=True)
