"""Kuntien avainluvut (municipal key figures): wide workbooks and CSVs whose areas are names
and whose columns are labels like "Väkiluku, 2021"; and the time-series CSV (one row per area
and year, one column per key figure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from pipeline.jsonstat import MISSING_MARKERS, quote
from pipeline.readers.common import (
    COUNTRY_CODE,
    COUNTRY_NAMES,
    ReaderError,
    numbers,
    periods,
    staging,
)

_YEAR_LABEL = re.compile(r"^(?P<label>.*?),\s*(?P<year>\d{4})\s*$")
COUNTRY_NAMES_FOLDED = {n.casefold() for n in COUNTRY_NAMES}


def read_keyfigures_xlsx(path: Path) -> pd.DataFrame:
    """The first sheet of a Kuntien avainluvut workbook, as published.

    The first column holds the area name (its header cell is empty in the 2022 edition and is
    then called `area_name`); the other headers are labels like "Väkiluku, 2021".
    """
    with open(path, "rb") as handle:  # a handle: openpyxl refuses names not ending in .xlsx
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        try:
            rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
    if not rows:
        raise ReaderError(f"{path.name}: the first sheet is empty")
    header = ["area_name" if i == 0 else h for i, h in enumerate(rows[0])]
    if any(h is None for h in header):
        raise ReaderError(
            f"{path.name}: the header row (row 1) has an empty cell: {quote(header, 300)}; "
            "is there a title row above the header?"
        )
    body = [r for r in rows[1:] if any(c is not None for c in r)]
    return pd.DataFrame(body, columns=[str(h) for h in header])


def read_keyfigures_csv(path: Path, encoding: str | None = None) -> pd.DataFrame:
    """The regional key figures CSV (same column labels as the xlsx, areas by name), in the
    source's declared `encoding` (default UTF-8)."""
    frame = pd.read_csv(
        path,
        encoding=encoding or "utf-8-sig",
        keep_default_na=False,
        na_values=["", *MISSING_MARKERS],
    )
    return frame.rename(columns={frame.columns[0]: "area_name"})


def read_keyfigures_series_csv(path: Path, encoding: str | None = None) -> pd.DataFrame:
    """The key-figures time series as published: text cells, names and years as written.

    Only empty cells and the publisher's markers are missing. The bundled 2006–2016 series
    (R `NA` written out as empty fields) has no "NA" text at all: its empty cells are the
    table's own gaps (municipal finance before 2008, job shares in 2006). So pandas' "NA"
    list stays off here too, and a text "NA" in a value cell fails in `numbers`.
    """
    return pd.read_csv(
        path,
        encoding=encoding or "utf-8-sig",
        dtype=str,
        keep_default_na=False,
        na_values=["", *MISSING_MARKERS],
    )


def tidy_keyfigures_series(
    raw: pd.DataFrame,
    columns: Mapping[str, str],
    variables: Mapping[str, str],
    name_to_code: Mapping[str, str],
    file: str,
) -> pd.DataFrame:
    """Time-series frame → staging rows: `columns` names the area-name and period columns,
    `variables` map variable → value column; names become codes via `name_to_code`."""
    for role in ("name", "period"):
        if columns.get(role) not in raw.columns:
            raise ReaderError(
                f"{file}: no {role} column {quote(columns.get(role))} in {quote(list(raw), 300)}"
            )
    codes = names_to_codes(raw[columns["name"]], name_to_code, file)
    years, months = periods(raw[columns["period"]], file)
    parts = []
    for variable, column in variables.items():
        if column not in raw.columns:
            raise ReaderError(f"{file}: no value column {quote(column)} (variable {variable})")
        parts.append(
            pd.DataFrame(
                {"area_code": codes, "year": years, "month": months, "variable": variable}
            ).assign(value=numbers(raw, column, file), source_row=raw.index + 2)
        )
    if not parts:
        raise ReaderError(f"{file}: the catalogue declares no variable of this file")
    return staging(pd.concat(parts, ignore_index=True))


def keyfigure_columns(columns: Iterable[str], variables: Mapping[str, str], file: str):
    """Map each variable to the columns whose label (before ", <unit>, <year>") matches it.

    A selector matches a label that equals it or starts with it followed by a comma, so
    "Väkiluku" matches "Väkiluku, 2021" but not "Väkiluvun muutos ..., %, 2021".
    Returns a list of (variable, column, year).
    """
    parsed = []
    for column in columns:
        match = _YEAR_LABEL.match(str(column))
        if match:
            parsed.append((column, match["label"].strip(), int(match["year"])))
    found = []
    for variable, selector in variables.items():
        sel = selector.strip()
        hits = [(c, y) for c, label, y in parsed if label == sel or label.startswith(sel + ",")]
        if not hits:
            raise ReaderError(
                f"{file}: no column label starts with {quote(selector)} (variable {variable}); "
                f"labels are: {quote([label for _, label, _ in parsed], 400)}"
            )
        years = [y for _, y in hits]
        if len(set(years)) != len(years):
            raise ReaderError(
                f"{file}: selector {quote(selector)} (variable {variable}) matches several "
                f"columns for one year: {quote([c for c, _ in hits], 400)}"
            )
        found.extend((variable, c, y) for c, y in hits)
    return found


def tidy_keyfigures(
    raw: pd.DataFrame, variables: Mapping[str, str], name_to_code: Mapping[str, str], file: str
) -> pd.DataFrame:
    """Wide key-figures frame → staging rows; area names become codes via `name_to_code`."""
    codes = names_to_codes(raw["area_name"], name_to_code, file)
    found = keyfigure_columns(raw.columns, variables, file)
    values = []
    for _, column, _ in found:
        values.append(numbers(raw, column, file).to_numpy("float64"))
    if not found:
        raise ReaderError(f"{file}: no key-figure column of the catalogue's variables")
    rows = len(raw)
    frame = pd.DataFrame(  # one block per (variable, year) column, rows in file order
        {
            "area_code": np.tile(codes.to_numpy(), len(found)),
            "year": np.repeat([year for _, _, year in found], rows),
            "month": pd.NaT,
            "variable": np.repeat([variable for variable, _, _ in found], rows),
            "value": np.concatenate(values),
            "source_row": np.tile((raw.index + 2).to_numpy(), len(found)),
        }
    )
    return staging(frame)


def clean_name(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def names_to_codes(names: pd.Series, name_to_code: Mapping[str, str], file: str) -> pd.Series:
    """Look each name up (whitespace-stripped, case-insensitive); fail naming file, row, name.

    Row numbers are spreadsheet rows (the header is row 1).
    """
    index = {clean_name(k): v for k, v in name_to_code.items()}
    known: dict[object, str] = {}  # each distinct name is looked up once (files repeat them)
    codes = []
    for position, name in enumerate(names):
        code = known.get(name)
        if code is None:
            if clean_name(name) in COUNTRY_NAMES_FOLDED:
                code = COUNTRY_CODE
            elif (code := _code_of(index, name)) is None:
                raise ReaderError(
                    f"{file}: row {position + 2}: area name {quote(name)} matches no "
                    "municipality or region in the classification or the merger list"
                )
            known[name] = code
        codes.append(code)
    return pd.Series(codes, index=names.index, dtype="str")


def _code_of(index: Mapping[str, str], name: object) -> str | None:
    """The code of a name; a bilingual "fi - sv" name ("Maarianhamina - Mariehamn") matches
    when both halves name the same area."""
    if name is None:
        return None
    code = index.get(clean_name(name))
    if code is None and " - " in str(name):
        halves = {index.get(clean_name(half)) for half in str(name).split(" - ")}
        code = halves.pop() if len(halves) == 1 else None
    return code
