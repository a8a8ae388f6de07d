"""Query bodies, and splitting an over-large query under the server's cell limit.

Over-large queries are split along the largest dimension first; :func:`reassemble` puts the
answers back into the row order one request would give. Pure, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.jsonstat import META_KEY, JsonStatMeta


def query_body(resolved: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The json-stat2 POST body asking for the ``{variable code: [value codes]}`` given."""
    return {
        "query": [
            {"code": code, "selection": {"filter": "item", "values": list(values)}}
            for code, values in resolved.items()
        ],
        "response": {"format": "json-stat2"},
    }


def count_cells(resolved: Mapping[str, Sequence[str]]) -> int:
    return math.prod(len(v) for v in resolved.values())


def split_selection(
    resolved: Mapping[str, Sequence[str]], max_cells: int
) -> list[dict[str, list[str]]]:
    """Split into the fewest parts of at most ``max_cells`` cells, largest dimension first.

    The largest dimension is cut into even chunks; if a single value of it still exceeds the
    limit, it is cut into single values and the rest is split the same way.
    """
    if max_cells < 1:
        raise ValueError("max_cells must be >= 1")
    base = {k: list(v) for k, v in resolved.items()}
    if count_cells(base) <= max_cells:
        return [base]
    order = sorted(base, key=lambda k: len(base[k]), reverse=True)
    big = order[0]
    per_value = count_cells(base) // len(base[big])
    if per_value <= max_cells:
        n_parts = math.ceil(len(base[big]) / (max_cells // per_value))
        chunks = [list(c) for c in np.array_split(np.asarray(base[big], dtype=object), n_parts)]
        return [{**base, big: chunk} for chunk in chunks]
    parts = []
    for value in base[big]:
        for sub in split_selection({k: v for k, v in base.items() if k != big}, max_cells):
            parts.append({k: ([value] if k == big else sub[k]) for k in base})
    return parts


def reassemble(frames: list[pd.DataFrame], resolved: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Concatenate part frames into the row order a single request gives."""
    if len(frames) == 1:
        return frames[0]
    meta = frames[0].attrs.get(META_KEY)
    frame = pd.concat(frames, ignore_index=True)
    dims = list(meta.dimensions) if isinstance(meta, JsonStatMeta) else list(resolved)
    keys = [
        pd.Categorical(frame[d], categories=list(dict.fromkeys(resolved.get(d) or frame[d]))).codes
        for d in dims
    ]
    frame = frame.iloc[np.lexsort(keys[::-1])].reset_index(drop=True)
    frame.attrs[META_KEY] = meta
    return frame
