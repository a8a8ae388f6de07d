"""Paavo (open data by postal code area, Statistics Finland 12f7): postal areas summed to
municipalities.

The file has one row per postal-code area and one column per Paavo variable, labelled as PxWeb
labels them in Finnish ("Asukkaat yhteensä (HE)"); it has no area codes and no year. Method:

- each postal area belongs to the one municipality named in brackets at the end of its name
  ("00100 Helsinki keskusta - Etu-Töölö (Helsinki)"), joined to a code through the
  classification's names and the merger list; a name that matches none is an error naming the
  file, row and name. Postal areas can cross municipal borders, so a municipal sum is the sum of
  the areas assigned to it, not the municipality's own figure;
- additive columns are summed per municipality and year: the year of the file's `period`
  column when the catalogue declares one and the file has it (a file `investin fetch` wrote:
  the year the table answered for), else the source's `reference_year` (the bundled copy, which
  has no year column);
- Paavo suppresses small areas' figures; this file has them as 0.0 (a fetched file may have
  the publisher's missing-value marker). Such an area adds nothing to the sum, so a sum over
  areas with a 0 is a lower bound. Each staging row records `postal_areas` (summed) and
  `zero_areas` (how many of them had 0 or nothing in that column);
- a variable's `filter: {published: <column>}` sums only over the postal areas where that other
  column is published (non-zero), so a ratio's denominator covers the same areas as its
  numerator (e.g. residents 18+ where the purchasing power is published).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.jsonstat import quote
from pipeline.readers.common import ReaderError, numbers, periods, staging
from pipeline.readers.keyfigures import clean_name, names_to_codes
from pipeline.readers.tidy_csv import read_csv

EXTRA_COLUMNS = ["postal_areas", "zero_areas"]
PUBLISHED_FILTER = "published"
_BRACKETED = re.compile(r"\(([^()]+)\)\s*$")


def read_paavo_csv(path: Path) -> pd.DataFrame:
    """The Paavo CSV as published (UTF-8 with a BOM), every cell as text."""
    return read_csv(path)


def read_paavo_source(
    source: Any, path: Path, name_index: Mapping[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(raw, staging) of a catalogue `paavo_csv` source (`read_source` calls this)."""
    raw = read_paavo_csv(path)
    variables = {v.id: v.selector for v in source.variables}
    filters = {v.id: dict(v.filter) for v in source.variables if v.filter}
    tidy = tidy_paavo(
        raw, source.columns, variables, filters, name_index, _years(raw, source), source.file
    )
    return raw, tidy


def _years(raw: pd.DataFrame, source: Any) -> int | pd.Series:
    """Each row's year: the declared period column's, if the file has it, else the source's
    `reference_year`."""
    column = source.columns.get("period")
    if column and column in raw.columns:
        years, months = periods(raw[column], source.file)
        if months.notna().any():
            raise ReaderError(f"{source.file}: column {quote(column)} holds months, not years")
        return years
    if source.reference_year is None:
        raise ReaderError(
            f"{source.file}: no year column {quote(column or '-')} and no reference_year"
        )
    return int(source.reference_year)


def municipality_names(raw: pd.DataFrame, column: str, file: str) -> pd.Series:
    """The municipality named in brackets at the end of each postal area's name."""
    if column not in raw.columns:
        raise ReaderError(f"{file}: no name column {quote(column)} in {quote(list(raw), 300)}")
    names = raw[column].map(lambda n: _bracketed(n))
    if names.isna().any():
        row = int(np.flatnonzero(names.isna().to_numpy())[0])
        raise ReaderError(
            f"{file}: row {row + 2}: postal area {quote(raw[column].iloc[row])} names no "
            "municipality in brackets at its end"
        )
    return names


def bilingual_names(names: pd.Series, name_to_code: Mapping[str, str]) -> pd.Series:
    """A name given in both languages ("Maarianhamina - Mariehamn") as its Finnish part, when
    every part names the same municipality; other names are left for `names_to_codes`."""
    index = {clean_name(k): v for k, v in name_to_code.items()}

    def one(name: str) -> str:
        parts = [p.strip() for p in name.split(" - ")]
        if clean_name(name) in index or len(parts) < 2:
            return name
        codes = {index.get(clean_name(p)) for p in parts}
        return parts[0] if len(codes) == 1 and None not in codes else name

    return names.map(one)


def _bracketed(name: object) -> str | None:
    match = _BRACKETED.search(str(name)) if isinstance(name, str) else None
    return match.group(1).strip() if match else None


def tidy_paavo(
    raw: pd.DataFrame,
    columns: Mapping[str, str],
    variables: Mapping[str, str],
    filters: Mapping[str, Mapping[str, object]],
    name_to_code: Mapping[str, str],
    year: int | pd.Series,
    file: str,
) -> pd.DataFrame:
    """Postal areas → one staging row per municipality, year and variable (the sum over its
    areas), with `postal_areas` and `zero_areas` per row. `year` is one year for every row or
    each row's year."""
    names = bilingual_names(municipality_names(raw, columns["name"], file), name_to_code)
    codes = names_to_codes(names, name_to_code, file)
    years = year if isinstance(year, pd.Series) else pd.Series(int(year), index=raw.index)
    years = years.astype("int64").to_numpy()
    parts = []
    for variable, column in variables.items():
        values = _column(raw, column, variable, file)
        included = _published_rows(raw, filters.get(variable) or {}, variable, file)
        frame = pd.DataFrame(
            {
                "area_code": codes[included],
                "year": years[included],
                "value": values[included].fillna(0.0),
                "zero": (values[included].fillna(0.0) == 0).astype("int64"),
            }
        )
        summed = frame.groupby(["area_code", "year"], sort=True).agg(
            value=("value", "sum"), postal_areas=("zero", "size"), zero_areas=("zero", "sum")
        )
        parts.append(summed.reset_index().assign(variable=variable))
    if not parts:
        raise ReaderError(f"{file}: the catalogue names no Paavo column to sum")
    out = pd.concat(parts, ignore_index=True)
    out = out.assign(month=pd.NaT, source_row=pd.NA)
    out[EXTRA_COLUMNS] = out[EXTRA_COLUMNS].astype("int64")
    return staging(out, EXTRA_COLUMNS)


def _column(raw: pd.DataFrame, column: str, variable: str, file: str) -> pd.Series:
    if column not in raw.columns:
        raise ReaderError(
            f"{file}: no column {quote(column)} (variable {variable}); "
            f"columns are: {quote(list(raw), 400)}"
        )
    return numbers(raw, column, file)


def _published_rows(
    raw: pd.DataFrame, spec: Mapping[str, object], variable: str, file: str
) -> np.ndarray:
    """Rows to sum: all, or (filter `published`) those where the named columns are non-zero."""
    unknown = set(spec) - {PUBLISHED_FILTER}
    if unknown:
        raise ReaderError(
            f"{file}: variable {variable}: unknown filter {quote(sorted(unknown))}; a Paavo "
            f"variable's filter is {{{PUBLISHED_FILTER}: <column>}}"
        )
    keep = np.ones(len(raw), dtype=bool)
    named = spec.get(PUBLISHED_FILTER, ())
    for column in (named,) if isinstance(named, str) else tuple(named):
        values = _column(raw, str(column), variable, file)
        keep &= values.fillna(0.0).to_numpy() != 0
    return keep
