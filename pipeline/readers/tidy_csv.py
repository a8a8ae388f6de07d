"""Tidy CSVs: one row per area and period, one value column per variable."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pipeline.jsonstat import quote
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

    Empty cells and the publisher's missing-value markers (".", "..", "...", "-") are read as
    missing; pandas' own list ("NA", "NaN", "null", ...) is not, so such a value cell fails in
    `tidy_csv` instead of silently becoming a gap.
    """
    return pd.read_csv(
        path,
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
        na_values=["", *MISSING_MARKERS],
    )


def tidy_csv(
    raw: pd.DataFrame, columns: Mapping[str, str], variables: Mapping[str, str], file: str
) -> pd.DataFrame:
    """`columns` names the area and period columns; `variables` map variable → value column."""
    for role in ("area", "period"):
        if columns.get(role) not in raw.columns:
            raise ReaderError(
                f"{file}: no {role} column {quote(columns.get(role))} in {quote(list(raw), 300)}"
            )
    try:
        codes = area_codes(raw[columns["area"]])
    except ReaderError as exc:
        raise ReaderError(f"{file}: {exc}") from None
    years, months = periods(raw[columns["period"]], file)
    parts = []
    for variable, column in variables.items():
        if column not in raw.columns:
            raise ReaderError(f"{file}: no value column {quote(column)} (variable {variable})")
        values = numbers(raw, column, file)
        parts.append(
            pd.DataFrame(
                {"area_code": codes, "year": years, "month": months, "variable": variable}
            ).assign(value=values.astype("float64"), source_row=raw.index + 2)
        )
    return staging(pd.concat(parts, ignore_index=True))
