"""Whether a snapshot file is sound: it parses as its format and, for a fetched file, has cells,
an area and a period dimension, numeric values, and every variable the build reads from it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.jsonstat import read_jsonstat
from pipeline.readers import (
    check_file_size,
    keyfigure_columns,
    read_keyfigures_xlsx,
    read_source,
)
from pipeline.readers.common import numbers
from pipeline.snapshot.encode import dimension_list, dimension_roles
from pipeline.snapshot.errors import SnapshotError

JSON_FORMATS = frozenset({"jsonstat2", "pxweb_json", "geojson", "topojson"})
CSV_FORMATS = frozenset(
    {
        "csv",
        "classification_csv",
        "keyfigures_csv",
        "keyfigures_series_csv",
        "category_csv",
        "paavo_csv",
        "eurostat_csv",
    }
)
XLSX_FORMATS = frozenset({"keyfigures_xlsx", "pxweb_xlsx", "xlsx"})
KNOWN_FORMATS = JSON_FORMATS | CSV_FORMATS | XLSX_FORMATS


def parse_file(path: Path, fmt: str) -> None:
    """Open `path` with the reader for `fmt` and check the basic shape; raise on failure.
    A file larger than the format's reader loads is refused unread."""
    check_file_size(path, fmt)
    if fmt in JSON_FORMATS:
        doc = json.loads(path.read_text(encoding="utf-8"))
        _check_json_shape(doc, fmt)
    elif fmt in CSV_FORMATS:
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
        if frame.empty or len(frame.columns) < 2:
            raise SnapshotError(f"{len(frame)} rows × {len(frame.columns)} columns")
    elif fmt == "pxweb_xlsx":  # written streamed: the sheet records no dimensions to check
        from pipeline.readers.pxweb_xlsx import read_pxweb_xlsx

        try:
            read_pxweb_xlsx(path)
        except ValueError as exc:
            raise SnapshotError(str(exc)) from None
    elif fmt in XLSX_FORMATS:
        import openpyxl

        with open(path, "rb") as handle:  # a staged file is named *.tmp, which openpyxl refuses
            book = openpyxl.load_workbook(handle, read_only=True)
            try:
                if not any(sheet.max_row and sheet.max_row > 1 for sheet in book.worksheets):
                    raise SnapshotError("no sheet with data rows")
            finally:
                book.close()
    else:
        raise SnapshotError(f"unknown format {fmt!r} (known: {', '.join(sorted(KNOWN_FORMATS))})")


def _check_json_shape(doc: Any, fmt: str) -> None:
    if not isinstance(doc, Mapping):
        raise SnapshotError("not a JSON object")
    if fmt == "jsonstat2":  # a 2.0 dataset, or 1.x (id and size inside `dimension`)
        dataset = doc.get("dataset", doc)
        missing = [k for k in ("dimension", "value") if k not in dataset]
        if missing:
            raise SnapshotError(f"json-stat dataset lacks {', '.join(missing)}")
    elif fmt == "pxweb_json" and "data" not in doc and "variables" not in doc:
        raise SnapshotError("PxWeb json has neither `data` nor `variables`")
    elif fmt == "geojson" and not doc.get("features"):
        raise SnapshotError("GeoJSON has no features")
    elif fmt == "topojson" and not doc.get("objects"):
        raise SnapshotError("TopoJSON has no objects")


def validate_fetched(path: Path, source: Any, roles: Mapping[str, str]) -> None:
    """Raise ValueError unless `path` parses, has cells, geo and time, and numeric values."""
    parse_file(path, source.format)
    if source.format == "jsonstat2":
        frame = read_jsonstat(path.read_text(encoding="utf-8"))
        found = dimension_roles(frame, roles)
        for role in ("geo", "time"):
            if found.get(role) not in frame.columns:
                raise ValueError(f"{path.name}: no {role} dimension ({dimension_list(frame)})")
        values = frame["value"]
    elif source.format == "category_csv":
        values = _category_values(path, source)
    elif source.format == "keyfigures_xlsx":
        values = _keyfigure_values(path, source)
    elif source.format == "paavo_csv":
        values = _paavo_values(path, source)
    elif source.format == "pxweb_xlsx":
        from pipeline.readers.pxweb_xlsx import ROW, read_pxweb_xlsx

        raw = read_pxweb_xlsx(path)
        cells = raw[[c for c in raw.columns if c not in (*source.columns.values(), ROW)]]
        values = pd.to_numeric(cells.stack().replace("..", np.nan), errors="raise")
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        for role in ("area", "period"):
            column = source.columns.get(role)
            if column not in raw.columns or (raw[column] == "").any():
                raise ValueError(f"{path.name}: {role} column {column!r} missing or incomplete")
        keys = set(source.columns.values())
        cells = pd.concat([raw[c] for c in raw.columns if c not in keys], ignore_index=True)
        try:
            values = pd.to_numeric(cells[cells != ""], errors="raise")
        except ValueError as exc:
            raise ValueError(f"{path.name}: a value is not numeric ({exc})") from exc
    if not values.notna().any():
        raise ValueError(f"{path.name}: no numeric values")
    if not np.isfinite(values.dropna().to_numpy(float)).all():
        raise ValueError(f"{path.name}: non-finite values")
    readable_by_build(path, source)


def _keyfigure_values(path: Path, source: Any) -> pd.Series:
    """A fetched key-figures workbook's cells, once every variable's label has its column
    (`keyfigure_columns`: a release that renamed a `Tiedot` text fails the fetch, naming it)."""
    raw = read_keyfigures_xlsx(path)
    if raw.empty or raw["area_name"].isna().any():
        raise ValueError(f"{path.name}: no areas, or an area without a name")
    selectors = {v.id: v.selector for v in source.variables}
    found = keyfigure_columns(raw.columns, selectors, path.name)
    columns = list(dict.fromkeys(column for _, column, _ in found))
    return pd.concat([numbers(raw, c, path.name) for c in columns], ignore_index=True)


def _category_values(path: Path, source: Any) -> pd.Series:
    """The value column of a fetched category csv, once its declared columns are all there."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    for role, column in source.columns.items():
        if column not in raw.columns or (raw[column] == "").all():
            raise ValueError(f"{path.name}: {role} column {column!r} missing or empty")
    cells = raw[source.columns["value"]]
    try:
        return pd.to_numeric(cells[cells != ""], errors="raise")
    except ValueError as exc:
        raise ValueError(f"{path.name}: a value is not numeric ({exc})") from exc


def _paavo_values(path: Path, source: Any) -> pd.Series:
    """A fetched Paavo csv's cells, once its name and year columns are filled and every
    variable's label (and filter column) has its column: a table that renamed a `Tiedot` text
    fails the fetch, naming the text."""
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for role in ("name", "period"):
        column = source.columns.get(role)
        if column not in raw.columns or (raw[column] == "").any():
            raise ValueError(f"{path.name}: {role} column {column!r} missing or incomplete")
    wanted = [v.selector for v in source.variables]
    for var in source.variables:  # `published` filters name other columns
        for named in var.filter.values():
            wanted += [named] if isinstance(named, str) else [str(c) for c in named]
    missing = [c for c in dict.fromkeys(wanted) if c not in raw.columns]
    if missing:
        raise ValueError(f"{path.name}: no column for the Tiedot text(s) {', '.join(missing)}")
    return pd.concat([numbers(raw, c, path.name) for c in dict.fromkeys(wanted)])


# Formats whose areas are codes, so the build's reader needs no name index to read them.
_CODED_FORMATS = ("csv", "jsonstat2")


def readable_by_build(path: Path, source: Any) -> None:
    """Raise ValueError unless the build's own reader finds every variable `source` declares."""
    if source.format not in _CODED_FORMATS:
        return
    _, staging = read_source(source, path, name_index={})
    found = set(staging["variable"].unique()) if staging is not None else set()
    missing = sorted({v.id for v in source.variables} - found)
    if missing:
        raise ValueError(f"{path.name}: the build finds no values for {', '.join(missing)}")
