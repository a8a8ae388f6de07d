"""Long CSVs keyed by area name: one row per area, category (and period), one value column.

The shape of many StatFin extracts: `Area,Age,value` (11re by age), `Area,Activity,value`
(115b), `alue,pendelointi,time,values` (115n/115p). The catalogue's `columns` name the `name`
(area name), `category`, `period` and `value` columns (category and period optional); a file
without a period column is for the source's `reference_year`. A variable selects one category
label, or with `filter: {<category column>: "20-39"}` (an inclusive range in file order) or a
list of labels the sum over those categories; its `selector` then names the value column, as a
json-stat selector names the measure and its filter the other dimension's codes.

Areas are joined to codes by name (`names_to_codes`: the classification's fi/sv/en names and
the merger list; "KOKO MAA" is the whole country); an unmatched name fails naming file, row and
name. Cells the publisher suppressed ("..") stay missing, and a sum over a missing cell is
missing; a 0.0 cell is kept as published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.jsonstat import MISSING_MARKERS, quote
from pipeline.readers.common import ReaderError, numbers, periods, staging
from pipeline.readers.keyfigures import clean_name, names_to_codes

ROLES = ("name", "category", "period", "value")


@dataclass(frozen=True)
class CategorySpec:
    """How the build reads one category csv: its columns, and the year of a file without a
    period column."""

    columns: Mapping[str, str]
    reference_year: int | None = None


def read_category_csv(path: Path) -> pd.DataFrame:
    """The file as published, every cell as text (missing-value markers read as missing)."""
    return pd.read_csv(
        path,
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
        na_values=["", *MISSING_MARKERS],
    )


def tidy_category_csv(
    raw: pd.DataFrame,
    spec: CategorySpec,
    variables: Mapping[str, str],
    name_to_code: Mapping[str, str],
    file: str,
    *,
    filters: Mapping[str, Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """Long category frame → staging rows (`variables`: variable id → selector)."""
    cols = _columns(raw, spec, file)
    codes = names_to_codes(raw[cols["name"]], name_to_code, file)
    if "period" in cols:
        years, months = periods(raw[cols["period"]], file)
    else:
        years = pd.Series(np.int32(spec.reference_year), index=raw.index)
        months = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    cells = pd.DataFrame(
        {
            "area_code": codes,
            "year": years,
            "month": months,
            "category": raw[cols["category"]].map(clean_name) if "category" in cols else "",
            "value": numbers(raw, cols["value"], file),
            "source_row": raw.index + 2,
        }
    )
    _refuse_repeats(cells, raw, cols, file)
    labels = list(dict.fromkeys(cells["category"]))  # file order
    texts = (
        dict(zip(cells["category"], raw[cols["category"]], strict=True))
        if "category" in cols
        else {}
    )
    parts = []
    for variable, selector in variables.items():
        wanted = (filters or {}).get(variable) or {}
        chosen = _chosen(variable, selector, wanted, cols, labels, texts, file)
        parts.append(_rows(cells, variable, chosen, summed=bool(wanted), file=file))
    return staging(pd.concat(parts, ignore_index=True))


def _columns(raw: pd.DataFrame, spec: CategorySpec, file: str) -> dict[str, str]:
    """The role → column map for this file; a declared period column the file lacks is
    allowed only with a reference year (the bundled copy of a fetched-with-year source)."""
    declared = {role: spec.columns[role] for role in ROLES if spec.columns.get(role)}
    for role in ("name", "value"):
        if role not in declared:
            raise ReaderError(f"{file}: the catalogue's columns name no {role!r} column")
    cols = {}
    for role, column in declared.items():
        if column in raw.columns:
            cols[role] = column
        elif not (role == "period" and spec.reference_year is not None):
            raise ReaderError(
                f"{file}: no {role} column {quote(column)} in {quote(list(raw.columns), 300)}"
            )
    if "period" not in cols and spec.reference_year is None:
        raise ReaderError(f"{file}: no period column and no reference_year for the file")
    other = [c for c in raw.columns if c not in cols.values()]
    if other:
        raise ReaderError(
            f"{file}: column(s) {quote(other, 300)} are not declared; a category csv has only "
            "the name, category, period and value columns (an undeclared dimension would be "
            "summed over silently)"
        )
    return cols


def _refuse_repeats(cells: pd.DataFrame, raw: pd.DataFrame, cols: dict, file: str) -> None:
    repeated = cells.duplicated(["area_code", "year", "category"], keep="first")
    if repeated.any():
        row = int(np.flatnonzero(repeated.to_numpy())[0])
        what = ", ".join(quote(raw.iloc[row][c]) for c in cols.values() if c != cols["value"])
        raise ReaderError(f"{file}: row {row + 2}: {what} appears twice")


def _chosen(
    variable: str,
    selector: str,
    wanted: Mapping[str, object],
    cols: Mapping[str, str],
    labels: list[str],
    texts: Mapping[str, str],
    file: str,
) -> list[str]:
    """The (cleaned) category labels a variable sums: its selector, or its filter's."""
    why = f"variable {variable}"
    if not wanted:
        if "category" not in cols:
            if selector != cols["value"]:
                raise ReaderError(
                    f"{file}: {why}: selector {quote(selector)} must name the value column "
                    f"{quote(cols['value'])} (the file has no category column)"
                )
            return [""]
        return [_label(selector, labels, texts, file, why)]
    if "category" not in cols:
        raise ReaderError(f"{file}: {why}: a filter needs a category column")
    if selector != cols["value"]:
        raise ReaderError(
            f"{file}: {why}: with a filter, the selector names the value column "
            f"{quote(cols['value'])}, not {quote(selector)}"
        )
    keys = list(wanted)
    if len(keys) != 1 or clean_name(keys[0]) != clean_name(cols["category"]):
        raise ReaderError(
            f"{file}: {why}: filter {quote(keys)} must name the category column "
            f"{quote(cols['category'])} only"
        )
    spec = wanted[keys[0]]
    if isinstance(spec, str):
        return _range(spec, labels, texts, file, why)
    return list(dict.fromkeys(_label(item, labels, texts, file, why) for item in spec))


def _label(wanted: object, labels: list[str], texts: Mapping[str, str], file: str, why) -> str:
    label = clean_name(wanted)
    if label not in labels:
        raise ReaderError(
            f"{file}: {why}: no category {quote(wanted)}; the categories are "
            f"{quote([texts[x] for x in labels], 400)}"
        )
    return label


def _range(spec: str, labels: list[str], texts, file: str, why: str) -> list[str]:
    """One label, or an inclusive range "a-b" of labels in file order (every '-' is tried as
    the split, so labels that contain one, like "0-14 years old" or "100 -", still work)."""
    if clean_name(spec) in labels:
        return [clean_name(spec)]
    splits = []
    for i, char in enumerate(spec):
        if char == "-":
            low, high = clean_name(spec[:i]), clean_name(spec[i + 1 :])
            if low in labels and high in labels:
                splits.append((low, high))
    if len(splits) != 1:
        problem = "is ambiguous" if splits else "names neither a category nor a range of two"
        raise ReaderError(
            f"{file}: {why}: filter {quote(spec)} {problem}; the categories are "
            f"{quote([texts[x] for x in labels], 400)}"
        )
    low, high = (labels.index(end) for end in splits[0])
    if high < low:
        raise ReaderError(f"{file}: {why}: range {quote(spec)} runs backwards in file order")
    return labels[low : high + 1]


def _rows(
    cells: pd.DataFrame, variable: str, chosen: list[str], *, summed: bool, file: str
) -> pd.DataFrame:
    rows = cells[cells["category"].isin(chosen)]
    if not summed:
        return rows.drop(columns="category").assign(variable=variable)
    counts = rows.groupby(["area_code", "year"], sort=False)["category"].nunique()
    short = counts[counts < len(chosen)]
    if not short.empty:
        area, year = short.index[0]
        have = set(rows.loc[(rows.area_code == area) & (rows.year == year), "category"])
        lacking = [c for c in chosen if c not in have]
        raise ReaderError(
            f"{file}: variable {variable}: area {area} ({year}) has no row for {quote(lacking)}, "
            "so its sum would be short"
        )
    grouped = rows.groupby(["area_code", "year"], sort=False)
    out = grouped.agg(month=("month", "first"), value=("value", "sum"))
    out.loc[
        rows["value"].isna().groupby([rows.area_code, rows.year], sort=False).any(), "value"
    ] = np.nan  # a sum over a suppressed cell is missing
    return out.reset_index().assign(variable=variable, source_row=pd.NA)
