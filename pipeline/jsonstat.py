"""Readers for JSON-stat (2.0 datasets, 1.x bundles).

The reader returns one shape of frame: one column per dimension holding codes (named by the
dimension id), one ``<id>_label`` column per dimension, ``value`` (float, NaN for missing) and
``status`` where the source marks cells. Rows are in the source's row-major order.

Dataset metadata (label, source, updated, roles, dimension labels) is attached as a
:class:`JsonStatMeta` in ``frame.attrs["jsonstat"]``; :func:`jsonstat_meta` reads it back.
Speed (``bench/jsonstat_bench.py``: within a few times ``json.loads`` of the text): text is
parsed with orjson (both round numbers correctly: tests/unit/test_jsonstat_fast.py), plain
numbers become floats in one C loop, and each code/label column is written straight as Arrow
string buffers from the repeat/tile pattern of ``size`` (no per-cell Python object).
"""

from __future__ import annotations

import json
import math
import re
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

__all__ = [
    "MISSING_MARKERS",
    "JsonStatError",
    "JsonStatMeta",
    "jsonstat_meta",
    "read_jsonstat",
]

META_KEY = "jsonstat"
# The publisher's missing-value markers: PX files' DATASYMBOL1-6 (not available, confidential,
# ...) and DATASYMBOLNIL "-", as PxWeb writes them in string cells. Only these mean "suppressed";
# any other text in a value cell is an error ("NA", "NaN", "null" are not the publisher's).
MISSING_MARKERS = (".", "..", "...", "....", ".....", "......", "-")
QUOTE_LIMIT = 120  # characters of a bad input quoted in an error message
_DECIMAL = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


class JsonStatError(ValueError):
    """The document is not a JSON-stat dataset (or PxWeb json) this reader understands."""


class _BadCell(JsonStatError):
    """A value cell (at cell index `position`) that is neither a number nor a marker."""

    def __init__(self, position: int, cell: Any, where: str = "") -> None:
        self.position, self.cell = position, cell
        super().__init__(
            f"value cell {position}{where}: {quote(cell)} is neither a number nor one of the "
            f"publisher's missing-value markers ({', '.join(MISSING_MARKERS)})"
        )


@dataclass(frozen=True)
class JsonStatMeta:
    """Dataset-level facts kept beside the frame.

    ``role`` maps ``time``/``geo``/``metric`` to dimension ids; ``dimension_labels`` maps each
    dimension id to its label; ``units`` maps metric category codes to their ``unit`` objects.
    """

    label: str | None = None
    source: str | None = None
    updated: str | None = None
    role: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()
    dimension_labels: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, Any] = field(default_factory=dict)

    def role_dimension(self, role: str) -> str | None:
        """The first dimension id carrying ``role`` (time, geo, metric), or None."""
        ids = self.role.get(role) or ()
        return ids[0] if ids else None


def jsonstat_meta(frame: pd.DataFrame) -> JsonStatMeta:
    """The :class:`JsonStatMeta` a reader attached to ``frame``."""
    meta = frame.attrs.get(META_KEY)
    if not isinstance(meta, JsonStatMeta):
        raise JsonStatError("frame carries no JSON-stat metadata (attrs['jsonstat'])")
    return meta


def _load(obj: Any) -> Any:
    """JSON text → objects. orjson refuses what the stdlib accepts or reports in its own way
    (NaN literals, numbers beyond a double, lone surrogates, a byte-order mark): such text goes
    to ``json.loads``, so it reads, or fails, exactly as it did before orjson."""
    if isinstance(obj, bytes | bytearray | str):
        try:
            return orjson.loads(obj)
        except orjson.JSONDecodeError:
            return json.loads(obj)
    return obj


def _pick_dataset(doc: Any, name: str | None) -> tuple[dict, bool]:
    """Return (dataset, is_v1) from a 2.0 dataset or a 1.x bundle."""
    if not isinstance(doc, Mapping):
        raise JsonStatError(f"expected a JSON object, got {type(doc).__name__}")
    if doc.get("class") == "dataset" or ("id" in doc and "size" in doc and "dimension" in doc):
        return dict(doc), _is_v1(doc)
    if doc.get("class") == "bundle" or not {"dimension", "value"} <= doc.keys():
        candidates = {k: v for k, v in doc.items() if isinstance(v, Mapping) and "dimension" in v}
        if not candidates:
            raise JsonStatError("no JSON-stat dataset found (keys: " + ", ".join(doc) + ")")
        key = name if name is not None else next(iter(candidates))
        if key not in candidates:
            raise JsonStatError(f"bundle has no dataset {key!r} (has {', '.join(candidates)})")
        ds = dict(candidates[key])
        return ds, _is_v1(ds)
    raise JsonStatError("JSON-stat document has neither id/size nor a bundle of datasets")


def _is_v1(ds: Mapping) -> bool:
    """JSON-stat 1.x keeps `id`, `size` and `role` inside `dimension` (also in 1.02 datasets
    that say `class: dataset`); 2.0 keeps them at the top."""
    dims = ds.get("dimension")
    return "id" not in ds and isinstance(dims, Mapping) and "id" in dims


def quote(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """`repr` of a bad input for an error message, at most about `limit` characters. A damaged
    file can hold one cell (or header) of hundreds of megabytes, so the whole value is never
    rendered: text is cut first, lists are rendered item by item until the limit."""
    if isinstance(value, str | bytes):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, list | tuple):
        parts, used = [], 0
        for item in value:
            if used > limit:
                parts.append(f"… ({len(value)} items)")
                break
            parts.append(quote(item, limit))
            used += len(parts[-1]) + 2
        return "[" + ", ".join(parts) + "]"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…"


def _category_codes(dim_id: str, dim: Mapping, size: int) -> tuple[list[str], list[str]]:
    cat = dim.get("category") or {}
    index = cat.get("index")
    labels = cat.get("label") or {}
    if index is None:
        codes = list(labels)
    elif isinstance(index, Mapping):
        codes = sorted(index, key=lambda code: int(index[code]))
        if sorted(int(p) for p in index.values()) != list(range(len(index))):
            raise JsonStatError(
                f"dimension {quote(dim_id)}: category index positions are not 0..n-1 "
                "(a position given twice, or a value listed twice)"
            )
    else:
        codes = list(index)
    repeated = _first_repeated(codes)
    if repeated is not None:
        raise JsonStatError(f"dimension {quote(dim_id)} lists the value {quote(repeated)} twice")
    if len(codes) != size:
        raise JsonStatError(f"dimension {dim_id!r}: {len(codes)} categories but size {size}")
    return codes, [str(labels.get(c, c)) for c in codes]


def _first_repeated(codes: Sequence[Any]) -> Any:
    seen: set = set()
    for code in codes:
        if code in seen:
            return code
        seen.add(code)
    return None


def _sparse_index(raw: Mapping, n: int, what: str) -> np.ndarray:
    idx = np.fromiter((int(k) for k in raw), dtype=np.int64, count=len(raw))
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise JsonStatError(f"{what} has a cell index outside 0..{n - 1}")
    return idx


def _dense_values(raw: Any, n: int) -> np.ndarray:
    if isinstance(raw, Mapping):
        out = np.full(n, np.nan)
        if raw:
            index = _sparse_index(raw, n, "value")
            out[index] = _to_float(list(raw.values()), index)
        return out
    if isinstance(raw, str | bytes) or len(raw) != n:
        raise JsonStatError(f"value has {len(raw)} cells but size gives {n}")
    return _to_float(list(raw))


def _to_float(cells: list[Any], index: np.ndarray | None = None) -> np.ndarray:
    """Cells as floats: numbers as they are, null and the publisher's markers as NaN.

    Any other cell (text such as "NA" or "NaN", a NaN literal, true/false) is an error naming
    the cell's position (`index[i]` for sparse values) and its content.
    """
    plain = _plain_numbers(cells)
    if plain is not None:
        return plain
    kinds = set(map(type, cells))
    if kinds <= {int, float, type(None)}:
        out = np.array(cells, dtype=float)
        nan = np.isnan(out)
        if not nan.any() or nan.sum() == cells.count(None):
            return out
        bad = next(i for i, c in enumerate(cells) if c is not None and nan[i])
    else:
        out, bad = _mixed_to_float(cells)
        if bad is None:
            return out
    raise _BadCell(int(index[bad]) if index is not None else bad, cells[bad])


def _plain_numbers(cells: list[Any]) -> np.ndarray | None:
    """The common case in one C loop: every cell an int or a float that is not NaN. None when
    any cell is something else (null, text, a NaN float, a bool), for `_to_float` to sort out.

    ``array("d")`` refuses None and text but takes a bool as 0/1, so the cells equal to 0 or 1
    (few, and found by numpy) are looked at for a bool."""
    try:
        out = np.frombuffer(array("d", cells), dtype=np.float64)
    except (TypeError, OverflowError):
        return None
    if np.isnan(out).any():
        return None
    zero_or_one = np.flatnonzero((out == 0.0) | (out == 1.0))
    if zero_or_one.size and bool in set(map(type, map(cells.__getitem__, zero_or_one.tolist()))):
        return None
    return out


def _mixed_to_float(cells: list[Any]) -> tuple[np.ndarray, int | None]:
    """Cells holding text: numbers written as text are read, markers are NaN. Returns the
    floats and the position of the first cell that is neither (or None)."""
    out = np.full(len(cells), np.nan)
    for i, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and cell.strip() in MISSING_MARKERS):
            continue
        if isinstance(cell, bool) or not isinstance(cell, int | float | str):
            return out, i
        try:
            number = float(cell)
        except ValueError:
            return out, i
        if np.isnan(number) or (isinstance(cell, str) and not _DECIMAL.match(cell.strip())):
            return out, i
        out[i] = number
    return out, None


def _status(raw: Any, n: int) -> np.ndarray | None:
    if raw is None:
        return None
    out = np.full(n, None, dtype=object)
    if isinstance(raw, str):
        out[:] = raw
    elif isinstance(raw, Mapping):
        if raw:
            out[_sparse_index(raw, n, "status")] = list(raw.values())
    else:
        if len(raw) not in (1, n):
            raise JsonStatError(f"status has {len(raw)} cells but size gives {n}")
        if len(raw) == 1 and n != 1:
            out[:] = raw[0]
        else:
            out[:] = list(raw)
    return out


_STR = pd.api.types.pandas_dtype("str")  # the frame's code/label dtype (Arrow-backed strings)


def _index_column(categories: Sequence[str], inner: int, outer: int) -> Any:
    """One dimension's column for every cell in row-major order: each category repeated
    `inner` times (the cells of the later dimensions), that block repeated `outer` times (the
    cells of the earlier ones). Written straight into Arrow's large_string buffers, the same
    array ``pd.array(categories, dtype="str").take(positions)`` gives, at memcpy cost. Codes
    that are not text (an index list of numbers or nulls) take pandas' own conversion."""
    if getattr(_STR, "storage", None) != "pyarrow" or set(map(type, categories)) - {str}:
        positions = np.tile(np.repeat(np.arange(len(categories)), inner), outer)
        return pd.array(list(categories), dtype=_STR).take(positions)
    encoded = [c.encode("utf-8") for c in categories]
    block = b"".join([code * inner for code in encoded])
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    n = len(encoded) * inner * outer
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.tile(np.repeat(lengths, inner), outer), out=offsets[1:])
    strings = pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(block * outer)
    )
    return pd.arrays.ArrowStringArray(pa.chunked_array([strings]), dtype=_STR)


def _frame(
    ids: Sequence[str],
    sizes: Sequence[int],
    codes: Sequence[Sequence[str]],
    labels: Sequence[Sequence[str]],
    values: np.ndarray,
    status: np.ndarray | None,
) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for i, (dim_id, dim_codes, dim_labels) in enumerate(zip(ids, codes, labels, strict=True)):
        outer, inner = math.prod(sizes[:i]), math.prod(sizes[i + 1 :])
        data[dim_id] = _index_column(dim_codes, inner, outer)
        same = list(dim_labels) == list(dim_codes)  # years: the label is the code
        data[f"{dim_id}_label"] = data[dim_id] if same else _index_column(dim_labels, inner, outer)
    data["value"] = values
    if status is not None:
        data["status"] = status
    return pd.DataFrame(data)


def read_jsonstat(obj: Any, *, name: str | None = None) -> pd.DataFrame:
    """Read a JSON-stat 2.0 dataset or a 1.x bundle (``{"dataset": {...}}``) into a tidy frame.

    ``obj`` is the parsed document or its JSON text. ``name`` picks a dataset from a bundle
    (default: the first). Metadata goes to ``frame.attrs["jsonstat"]`` (:class:`JsonStatMeta`).
    A malformed document raises :class:`JsonStatError`, whatever part of it is wrong.
    """
    try:
        return _read_jsonstat(obj, name)
    except JsonStatError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        raise JsonStatError(f"malformed JSON-stat dataset: {type(exc).__name__}: {exc}") from exc


def _read_jsonstat(obj: Any, name: str | None) -> pd.DataFrame:
    ds, is_v1 = _pick_dataset(_load(obj), name)
    dims = ds.get("dimension") or {}
    if is_v1:
        ids, sizes, role = dims.get("id"), dims.get("size"), dims.get("role") or {}
    else:
        ids, sizes, role = ds.get("id"), ds.get("size"), ds.get("role") or {}
    if not ids or sizes is None or len(ids) != len(sizes):
        raise JsonStatError("JSON-stat dataset lacks matching 'id' and 'size'")
    sizes = [int(s) for s in sizes]
    if any(s < 0 for s in sizes):
        raise JsonStatError(f"JSON-stat dataset has a negative size: {sizes}")
    codes, labels = [], []
    for dim_id, size in zip(ids, sizes, strict=True):
        if dim_id not in dims:
            raise JsonStatError(f"dimension {dim_id!r} is listed in 'id' but not described")
        c, lab = _category_codes(dim_id, dims[dim_id], size)
        codes.append(c)
        labels.append(lab)
    n = math.prod(sizes)
    try:
        values = _dense_values(ds.get("value", []), n)
    except _BadCell as bad:
        raise JsonStatError(_where(ds, ids, sizes, codes, bad)) from None
    frame = _frame(ids, sizes, codes, labels, values, _status(ds.get("status"), n))
    frame.attrs[META_KEY] = JsonStatMeta(
        label=ds.get("label"),
        source=ds.get("source"),
        updated=ds.get("updated"),
        role={k: tuple(v) for k, v in role.items()},
        dimensions=tuple(ids),
        dimension_labels={d: str(dims[d].get("label", d)) for d in ids},
        units=_units(dims, role),
    )
    return frame


def _where(
    ds: Mapping, ids: Sequence[str], sizes: Sequence[int], codes: list, bad: _BadCell
) -> str:
    """`bad`'s message naming the table (PxWeb's table id, else the dataset's label) and the
    cell by each variable's value code."""
    px = ds.get("extension")
    px = px.get("px") if isinstance(px, Mapping) else None
    table = (px.get("tableid") if isinstance(px, Mapping) else None) or ds.get("label")
    at = np.unravel_index(bad.position, sizes)
    cell = ", ".join(f"{d}={quote(c[int(k)])}" for d, c, k in zip(ids, codes, at, strict=True))
    message = str(_BadCell(bad.position, bad.cell, f" ({cell})"))
    return f"table {quote(table)}: {message}" if table else message


def _units(dims: Mapping, role: Mapping) -> dict[str, Any]:
    units: dict[str, Any] = {}
    for dim_id in role.get("metric") or ():
        units.update((dims.get(dim_id, {}).get("category") or {}).get("unit") or {})
    return units
