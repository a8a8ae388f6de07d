"""Fetched frames as snapshot files, in the format the source declares (pure).

A refreshed file keeps its source's path and format, so the catalogue's selectors and the readers
stay valid: a `jsonstat2` source is written as a json-stat2 dataset (the client's frame
re-serialised with its codes, labels, roles, units and `updated`), a `csv` source as a tidy CSV
in the catalogue's `columns` shape (area code, area name, period, optional period label, one
value column per variable), a `category_csv` source as a long csv (area name, category, period,
value), a `keyfigures_xlsx` source as the publisher's key-figures workbook (`encode_keyfigures`),
a `paavo_csv` source as the bundled Paavo CSV with its year (`encode_paavo`),
and a `pxweb_xlsx` source as the PxWeb web page's xlsx layout (`encode_pxweb_xlsx`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from pipeline.jsonstat import jsonstat_meta, quote


def frame_to_jsonstat2(frame: pd.DataFrame) -> dict[str, Any]:
    """A json-stat2 dataset from a frame read by `pipeline.jsonstat` (codes, labels, roles,
    units, status and `updated` kept). Categories are ordered by first appearance, which is the
    row-major order the client returns; cells are placed by their codes, and a duplicate cell is
    an error.
    """
    meta = jsonstat_meta(frame)
    ids = list(meta.dimensions)
    refuse_repeated_cells(frame, ids)
    categories = [list(dict.fromkeys(frame[d].tolist())) for d in ids]
    sizes = [len(c) for c in categories]
    positions = [
        frame[d].map({code: i for i, code in enumerate(c)}).to_numpy()
        for d, c in zip(ids, categories, strict=True)
    ]
    flat = np.ravel_multi_index(positions, sizes) if ids else np.zeros(len(frame), dtype=int)
    total = int(np.prod(sizes, dtype=np.int64))
    if len(set(flat.tolist())) != len(frame):
        raise ValueError("the frame has duplicate cells")
    values: list[Any] = [None] * total
    for index, value in zip(flat.tolist(), frame["value"].tolist(), strict=True):
        values[index] = json_number(value)
    metric = set(meta.role.get("metric", ()))
    dimension = {}
    for dim, codes in zip(ids, categories, strict=True):
        labels = dict(zip(frame[dim], frame.get(f"{dim}_label", frame[dim]), strict=True))
        category: dict[str, Any] = {
            "index": {code: i for i, code in enumerate(codes)},
            "label": {code: str(labels[code]) for code in codes},
        }
        units = {c: meta.units[c] for c in codes if dim in metric and c in meta.units}
        if units:
            category["unit"] = units
        dimension[dim] = {"label": meta.dimension_labels.get(dim, dim), "category": category}
    doc: dict[str, Any] = {"version": "2.0", "class": "dataset"}
    doc.update({k: v for k, v in (("label", meta.label), ("source", meta.source)) if v})
    if meta.updated:
        doc["updated"] = meta.updated
    doc.update(id=ids, size=sizes, role={k: list(v) for k, v in meta.role.items() if v})
    doc.update(dimension=dimension, value=values)
    if "status" in frame.columns:
        status = {
            str(i): str(s)
            for i, s in zip(flat.tolist(), frame["status"].tolist(), strict=True)
            if s is not None and not (isinstance(s, float) and np.isnan(s))
        }
        if status:
            doc["status"] = status
    return doc


def refuse_repeated_cells(frame: pd.DataFrame, dimensions: list[str]) -> None:
    """A ValueError naming the first cell the answer holds twice (a dimension value listed
    twice, e.g. across split parts): storing either copy, or both, would be a wrong figure."""
    if not dimensions:
        return
    repeated = frame.duplicated(dimensions, keep="first")
    if repeated.any():
        row = frame.loc[repeated.idxmax(), dimensions]
        cell = ", ".join(f"{dim}={quote(str(row[dim]))}" for dim in dimensions)
        raise ValueError(
            f"the answer holds a duplicate cell {cell} (a dimension value listed twice); not stored"
        )


def json_number(value: Any) -> int | float | None:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def frame_to_csv(
    frame: pd.DataFrame, columns: Mapping[str, str], variables: Iterable[Any], roles: Mapping
) -> str:
    """A tidy CSV in a csv source's `columns` shape: area, name, period, period label, then one
    value column per variable (the variable's selector), one row per area and period.

    Other dimensions must be fixed at one value (totals); the metric dimension maps onto the
    value columns only when that is unambiguous (one variable, or selectors naming metric codes
    or labels).
    """
    geo, time = roles.get("geo"), roles.get("time")
    metric = roles.get("metric")
    for role, dim in (("geo", geo), ("time", time)):
        if dim is None or dim not in frame.columns:
            raise ValueError(
                f"no {role} dimension in the data (dimensions: {dimension_list(frame)})"
            )
    refuse_repeated_cells(frame, list(jsonstat_meta(frame).dimensions))
    fixed = [d for d in jsonstat_meta(frame).dimensions if d not in (geo, time, metric)]
    for dim in fixed:
        if frame[dim].nunique() != 1:
            raise ValueError(
                f"dimension {dim} has {frame[dim].nunique()} values; the csv shape needs one"
            )
    value_columns = _metric_columns(frame, metric, [v.selector for v in variables])
    keys = [geo, time]
    out = frame[keys].drop_duplicates().reset_index(drop=True)
    data: dict[str, Any] = {columns["area"]: out[geo]}
    if columns.get("name"):
        labels = frame.drop_duplicates(geo).set_index(geo)[f"{geo}_label"]
        data[columns["name"]] = out[geo].map(labels)
    data[columns["period"]] = out[time]
    if columns.get("period_label"):
        labels = frame.drop_duplicates(time).set_index(time)[f"{time}_label"]
        data[columns["period_label"]] = out[time].map(labels)
    table = pd.DataFrame(data)
    for code, column in value_columns.items():
        part = frame if code is None else frame[frame[metric] == code]
        series = part.set_index(keys)["value"]
        values = pd.MultiIndex.from_frame(out[keys]).map(series.to_dict())
        table[column] = [_csv_number(v) for v in values]
    return table.to_csv(index=False, lineterminator="\n")


def dimension_list(frame: pd.DataFrame) -> str:
    return ", ".join(jsonstat_meta(frame).dimensions)


def _metric_columns(
    frame: pd.DataFrame, metric: str | None, selectors: list[str]
) -> dict[str | None, str]:
    codes = list(dict.fromkeys(frame[metric])) if metric in frame.columns else []
    if len(codes) <= 1 and len(selectors) == 1:
        return {codes[0] if codes else None: selectors[0]}
    labels = dict(zip(frame[metric], frame[f"{metric}_label"], strict=True)) if codes else {}
    found = {}
    for selector in selectors:
        match = [c for c in codes if selector in (c, labels.get(c))]
        if len(match) != 1:
            raise ValueError(
                f"cannot tell which of the metric values {', '.join(map(str, codes))} fills the "
                f"csv column {selector!r}"
            )
        found[match[0]] = selector
    return found


def _csv_number(value: Any) -> str:
    number = json_number(value)
    return "" if number is None else repr(number)


def frame_to_category_csv(
    frame: pd.DataFrame, columns: Mapping[str, str], roles: Mapping[str, str]
) -> str:
    """A category csv in the catalogue's `columns` shape: area name (the geo label), category
    (the label of the one dimension besides geo and time with several values), period (the
    time code; always written, so a newer year is read as that year) and value.

    The names are what the bundled copies hold (the table's own labels in the source's
    language); the build joins them to codes as it joins the bundled file's.
    """
    geo, time = roles.get("geo"), roles.get("time")
    for role, dim in (("geo", geo), ("time", time)):
        if dim is None or dim not in frame.columns:
            raise ValueError(
                f"no {role} dimension in the data (dimensions: {dimension_list(frame)})"
            )
    dims = list(jsonstat_meta(frame).dimensions)
    refuse_repeated_cells(frame, dims)
    varying = [d for d in dims if d not in (geo, time) and frame[d].nunique() > 1]
    if len(varying) > (1 if columns.get("category") else 0):
        raise ValueError(
            f"dimensions {', '.join(varying)} have several values; the category csv shape has "
            f"{'one category column' if columns.get('category') else 'no category column'}"
        )
    data: dict[str, Any] = {columns["name"]: frame[f"{geo}_label"].astype(str)}
    if columns.get("category"):
        category = varying[0] if varying else next(d for d in dims if d not in (geo, time))
        data[columns["category"]] = frame[f"{category}_label"].astype(str)
    data[columns.get("period") or "year"] = frame[time].astype(str)
    data[columns["value"]] = [_csv_number(v) for v in frame["value"]]
    return pd.DataFrame(data).to_csv(index=False, lineterminator="\n")


def serialise(source: Any, frame: pd.DataFrame, roles: Mapping[str, str]) -> bytes:
    if frame.empty:
        raise ValueError("the server returned no cells")
    if source.format == "jsonstat2":
        doc = frame_to_jsonstat2(frame)
        return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if source.format == "csv":
        text = frame_to_csv(frame, source.columns, source.variables, dimension_roles(frame, roles))
        return text.encode("utf-8")
    if source.format == "category_csv":
        if not source.columns.get("period"):
            raise ValueError("a fetched category csv needs a period column in the catalogue")
        text = frame_to_category_csv(frame, source.columns, dimension_roles(frame, roles))
        return text.encode("utf-8")
    if source.format == "keyfigures_xlsx":
        from pipeline.snapshot.encode_keyfigures import frame_to_keyfigures_xlsx

        return frame_to_keyfigures_xlsx(frame, dimension_roles(frame, roles), source.sheet)
    if source.format == "paavo_csv":
        from pipeline.snapshot.encode_paavo import frame_to_paavo_csv

        text = frame_to_paavo_csv(frame, source.columns, dimension_roles(frame, roles))
        return text.encode("utf-8-sig")  # with a BOM, as the bundled file
    if source.format == "pxweb_xlsx":
        from pipeline.snapshot.encode_pxweb_xlsx import frame_to_pxweb_xlsx

        return frame_to_pxweb_xlsx(frame, source, dimension_roles(frame, roles))
    raise ValueError(
        f"cannot store fetched data as {source.format!r} "
        "(only jsonstat2, csv, category_csv, keyfigures_xlsx, paavo_csv and pxweb_xlsx)"
    )


def dimension_roles(frame: pd.DataFrame, metadata_roles: Mapping[str, str]) -> dict[str, str]:
    """Dimension ids by role: the dataset's own `role`, else the client's detection."""
    meta = jsonstat_meta(frame)
    roles = dict(metadata_roles)
    for role in ("geo", "time", "metric"):
        dim = meta.role_dimension(role)
        if dim is not None:
            roles[role] = dim
    return roles
