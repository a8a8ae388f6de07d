"""JSON-stat 2 files (what `investin fetch` writes for PxWeb sources), matched with the fetch
client's own rules (`pipeline.pxweb.matching`) so the catalogue's names work on every table form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.jsonstat import (
    META_KEY,
    JsonStatError,
    JsonStatMeta,
    jsonstat_meta,
    quote,
    read_jsonstat,
)
from pipeline.pxweb import (
    PxWebQueryError,
    TableMetadata,
    Variable,
    dimension_name,
    resolve_dimension,
    resolve_value,
)
from pipeline.readers.common import (
    ROW_COLUMN,
    STAGING_COLUMNS,
    ReaderError,
    area_codes,
    periods,
    staging,
)


def read_jsonstat_file(path: Path) -> tuple[pd.DataFrame, dict, dict]:
    """A JSON-stat file (2.0 dataset, 1.x bundle or 1.02 dataset) → (long frame, roles, labels),
    read with `pipeline.jsonstat`.

    The frame has one code column per dimension (in category order) and `value` (NaN where the
    cell is missing); `roles` is the dataset's role map; `labels` maps dimension id →
    {code: label}. A JSON object that repeats a key (a category listed twice) is refused.
    """
    name = Path(path).name
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"), object_pairs_hook=_unique_keys)
        frame = read_jsonstat(data)
    except (JsonStatError, ValueError) as exc:
        raise ReaderError(f"{name}: {exc}") from None
    meta = jsonstat_meta(frame)
    ids = list(meta.dimensions)
    labels = {
        dim: dict(zip(frame[dim].tolist(), frame[f"{dim}_label"].tolist(), strict=True))
        for dim in ids
    }
    roles = {role: list(dims) for role, dims in meta.role.items()}
    return frame[[*ids, "value"]].reset_index(drop=True), roles, labels


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """`json.loads` hook: a key given twice in one object is an error (json keeps the last)."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ReaderError(f"the key {quote(key)} appears twice in one JSON object")
        out[key] = value
    return out


def jsonstat_table(
    raw: pd.DataFrame,
    roles: Mapping[str, list[str]],
    labels: Mapping[str, Mapping[str, str]],
    file: str,
) -> TableMetadata:
    """A json-stat frame described as `pipeline.pxweb.TableMetadata`, so the readers select dimensions
    and values with the fetch client's matching (`resolve_dimension`, `resolve_value`).

    Dimension texts come from the file's own labels (the frame's `JsonStatMeta`), values in the
    order the file lists them; the file's `role` map is declared, not guessed.
    """
    meta = raw.attrs.get(META_KEY)
    texts = meta.dimension_labels if isinstance(meta, JsonStatMeta) else {}
    variables = []
    for dim in (c for c in raw.columns if c != "value"):
        codes = [str(c) for c in raw[dim].unique()]
        names = labels.get(dim, {})
        variables.append(
            Variable(
                code=dim,
                text=str(texts.get(dim) or dim).strip(),
                values=tuple(codes),
                value_texts=tuple(str(names.get(c, c)) for c in codes),
                time=dim in (roles.get("time") or ()),
            )
        )
    declared = tuple((role, dims[0]) for role, dims in roles.items() if dims)
    return TableMetadata(
        table=file, title="", variables=tuple(variables), declared_roles=declared, kind="file"
    )


def _dimension(table: TableMetadata, key: str, why: str) -> Variable:
    try:
        return resolve_dimension(table, key)
    except PxWebQueryError as exc:
        raise ReaderError(f"{exc} ({why})") from None


def _filter_codes(table: TableMetadata, var: Variable, spec, why: str) -> list[str]:
    """Codes of `var` that `spec` names: a code or label, a list of them, or an inclusive range
    "a-b" of codes (tried before the lenient match, which would read "000-014" as "014")."""
    try:
        if isinstance(spec, str) and "-" in spec:
            try:
                return [resolve_value(table, var, spec, loose=False)]
            except PxWebQueryError:
                pass
            ends = [part.strip() for part in spec.split("-", 1)]
            try:
                low, high = (resolve_value(table, var, end) for end in ends)
            except PxWebQueryError:
                low = high = None
            if low is not None:
                order = list(var.values)
                wanted = order[order.index(low) : order.index(high) + 1]
                if not wanted:
                    raise ReaderError(f"{table.table}: range {quote(spec)} of {var.code} is empty")
                return wanted
        items = [spec] if isinstance(spec, str) else list(spec)
        return [resolve_value(table, var, item) for item in items]
    except PxWebQueryError as exc:
        raise ReaderError(f"{exc} ({why})") from None


def tidy_jsonstat(
    raw: pd.DataFrame,
    roles: Mapping[str, list[str]],
    variables: Mapping[str, str],
    labels: Mapping[str, Mapping[str, str]],
    file: str,
    *,
    filters: Mapping[str, Mapping[str, object]] | None = None,
    variable_dimension: str | None = None,
) -> pd.DataFrame:
    """Long json-stat frame → staging rows.

    Dimensions are found as the fetch client finds them (`pipeline.pxweb.resolve_dimension`): by
    id, label text, role or the same concept in another language, so the catalogue's names work
    on the legacy files and on StatFin's 2026 ones (`Ikä` → `ikaryhma_10_20180101`, "Age"). Geo
    and time by role; the variable dimension is `variable_dimension` or the metric one, where a
    selector names a code, a label or a 2026 code (`GDPcap` → `altp-GDPcap`).
    `filters[variable]` restricts other dimensions and sums over them. Remaining dimensions with
    more than one category stay as extra columns named across forms (`Ikä` → `age`).
    """
    table = jsonstat_table(raw, roles, labels, file)
    dims = _Dimensions(
        geo=_dimension(table, "geo", "area dimension").code,
        time=_dimension(table, "time", "period dimension").code,
        metric=_dimension(table, variable_dimension or "metric", "variable dimension"),
    )
    parts = [
        _variable_rows(raw, table, dims, variable, selector, (filters or {}).get(variable), file)
        for variable, selector in variables.items()
    ]
    out = pd.concat(parts, ignore_index=True)
    if "age" in out.columns:
        out["age"] = out["age"].astype("Int32")
    return staging(out, extra=[c for c in out.columns if c not in (*STAGING_COLUMNS, ROW_COLUMN)])


@dataclass(frozen=True)
class _Dimensions:
    """The area and period dimension codes and the variable (metric) dimension of a file."""

    geo: str
    time: str
    metric: Variable


def _variable_rows(
    raw: pd.DataFrame,
    table: TableMetadata,
    dims: _Dimensions,
    variable: str,
    selector: str,
    filters: Mapping[str, object] | None,
    file: str,
) -> pd.DataFrame:
    """Staging rows of one variable: its metric value, filtered (and summed) as declared."""
    why = f"variable {variable}"
    metric = dims.metric.code
    mask = raw[metric] == _filter_codes(table, dims.metric, [selector], why)[0]
    filtered = []
    for key, wanted in (filters or {}).items():
        var = _dimension(table, key, f"filter of {why}")
        mask &= raw[var.code].isin(_filter_codes(table, var, wanted, f"filter of {why}"))
        filtered.append(var.code)
    rows = raw[mask]
    keep = [
        v
        for v in table.variables
        if v.code not in (dims.geo, dims.time, metric, *filtered) and raw[v.code].nunique() > 1
    ]
    if filtered:
        by = [dims.geo, dims.time, *(v.code for v in keep)]
        rows = rows.groupby(by, sort=False, as_index=False)["value"].sum(min_count=1)
    years, months = periods(rows[dims.time].astype(str), file)
    part = pd.DataFrame(
        {
            "area_code": area_codes(rows[dims.geo]).to_numpy(),
            "year": years.to_numpy(),
            "month": months.to_numpy(),
            "variable": variable,
            "value": rows["value"].astype("float64").to_numpy(),
            "source_row": pd.NA if filtered else rows.index.to_numpy(),
        }
    )
    for var in keep:
        name = dimension_name(var)
        values = rows[var.code].to_numpy()
        part[name] = pd.to_numeric(values, errors="coerce") if name == "age" else values
    return part
