"""How the rows look in the files people open (CSV and Excel): values rounded to each
indicator's published decimals, headers in the file's language (Excel and the Excel-dialect
CSV) and units in the headers of the wide format. Parquet keeps the rows as selected: full
precision, column ids.

CSV dialects: `csv` is UTF-8 with `,` and a decimal point; `csv_excel` is what Finnish- and
Swedish-locale Excel opens by a double click: UTF-8 with a byte order mark, `;` between fields
and a decimal comma.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline.export import texts

INDEX_DECIMALS = 3  # composite index scores (0..1)
KEYS = ("area_code", "area_name", "year", "month")  # the wide format's row keys
COUNTS = ("n_values", "n_members")


@dataclass(frozen=True)
class Look:
    """What a file's rows look like: decimals, labels and units per indicator id."""

    fmt: str
    lang: str
    decimals: dict[str, int]
    labels: dict[str, str]
    units: dict[str, str]

    @property
    def translated(self) -> bool:
        return self.fmt in ("xlsx", "csv_excel")


def look(con: duckdb.DuckDBPyConnection, fmt: str, lang: str) -> Look:
    rows = con.execute(
        """
        SELECT indicator_id, CAST(decimals AS INTEGER),
               CASE $lang WHEN 'sv' THEN label_sv WHEN 'en' THEN label_en ELSE label_fi END,
               CASE $lang WHEN 'sv' THEN unit_sv WHEN 'en' THEN unit_en ELSE unit_fi END
        FROM core.indicators
        UNION ALL
        SELECT index_id, $index_decimals,
               CASE $lang WHEN 'sv' THEN label_sv WHEN 'en' THEN label_en ELSE label_fi END, unit
        FROM core.index_definitions
        """,
        {"lang": lang, "index_decimals": INDEX_DECIMALS},
    ).fetchall()
    return Look(
        fmt,
        lang,
        {r[0]: r[1] for r in rows},
        {r[0]: r[2] for r in rows},
        {r[0]: r[3] for r in rows},
    )


def shaped(frames: Iterable[pd.DataFrame], look: Look) -> Iterator[pd.DataFrame]:
    """The frames rounded (CSV: as text with the dialect's decimal mark) and renamed."""
    for frame in frames:
        frame = frame.copy()
        wide = "indicator_id" not in frame.columns
        for column in COUNTS:
            if column in frame.columns:
                frame[column] = frame[column].astype("Int64")
        if wide:
            for column in [c for c in frame.columns if c not in KEYS]:
                frame[column] = _rounded(frame[column], look.decimals.get(column, 6), look)
        else:
            decimals = frame["indicator_id"].map(look.decimals).fillna(6).astype(int)
            frame["value"] = _rounded_by(frame["value"], decimals, look)
        frame.columns = [_header(str(c), look, wide) for c in frame.columns]
        yield frame


def _rounded(values: pd.Series, decimals: int, look: Look) -> pd.Series:
    return _rounded_by(values, pd.Series(decimals, index=values.index), look)


def _rounded_by(values: pd.Series, decimals: pd.Series, look: Look) -> pd.Series:
    """Each value rounded to its row's decimals: numbers for Excel, text for CSV."""
    values = values.astype("float64")
    out = values.copy() if look.fmt == "xlsx" else pd.Series("", index=values.index, dtype=object)
    mark = "," if look.fmt == "csv_excel" else "."
    for places in decimals.unique():
        rows = (decimals == places) & values.notna()
        if look.fmt == "xlsx":
            out[rows] = values[rows].round(int(places))
        else:
            text = values[rows].map(lambda v, p=int(places): f"{v:.{p}f}")
            out[rows] = text.str.replace(".", mark, regex=False) if mark != "." else text
    return out


def _header(column: str, look: Look, wide: bool) -> str:
    if wide and column not in KEYS:  # an indicator's column: its name and unit
        name = look.labels.get(column, column) if look.translated else column
        unit = look.units.get(column)
        return f"{name} ({unit})" if unit else name
    return texts.header(column, look.lang) if look.translated else column
