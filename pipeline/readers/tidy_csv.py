"""Tidy CSVs: one row per area and period, one value column per variable."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pipeline.readers.common import (
    MISSING_MARKERS,
    ReaderError,
    area_codes,
    numbers,
    periods,
    staging,
)


def read_csv(path: Path) -> pd.DataFrame:
    """A tidy CSV as published; codes are kept as text so leading zeros survive.

    Statistics Finland's missing-value dots (".", "..", "...") are read as missing.
    """
    return pd.read_csv(
        path, encoding="utf-8-sig", dtype=str, keep_default_na=True, na_values=list(MISSING_MARKERS)
    )


def tidy_csv(
    raw: pd.DataFrame, columns: Mapping[str, str], variables: Mapping[str, str], file: str
) -> pd.DataFrame:
    """`columns` names the area and period columns; `variables` map variable → value column."""
    for role in ("area", "period"):
        if columns.get(role) not in raw.columns:
            raise ReaderError(f"{file}: no {role} column {columns.get(role)!r} in {list(raw)}")
    try:
        codes = area_codes(raw[columns["area"]])
    except ReaderError as exc:
        raise ReaderError(f"{file}: {exc}") from None
    years, months = periods(raw[columns["period"]], file)
    parts = []
    for variable, column in variables.items():
        if column not in raw.columns:
            raise ReaderError(f"{file}: no value column {column!r} (variable {variable})")
        values = numbers(raw, column, file)
        parts.append(
            pd.DataFrame(
                {"area_code": codes, "year": years, "month": months, "variable": variable}
            ).assign(value=values.astype("float64"), source_row=raw.index + 2)
        )
    return staging(pd.concat(parts, ignore_index=True))
