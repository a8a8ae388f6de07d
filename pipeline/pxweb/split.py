"""Query bodies, and splitting an over-large query under the server's cell limit.

An over-large query is cut into boxes (a run of values on every dimension) by the best regular
grid, refined by guillotine cuts (:func:`split_selection`); :func:`reassemble` puts the answers
back into the row order one request would give. Pure, no I/O.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


# --------------------------------------------------------------------------- planning
#
# A plan cuts the query's index space into boxes (a contiguous run of values per dimension).
# `_Grid` cuts every dimension into even chunks; `_Cut` takes `slabs` slabs of `size` values
# off one dimension (each cut by the same grid) and plans the remainder on its own.


@dataclass(frozen=True)
class _Grid:
    chunks: tuple[int, ...]  # chunks per dimension

    @property
    def parts(self) -> int:
        return math.prod(self.chunks)


@dataclass(frozen=True)
class _Cut:
    dim: int
    size: int
    slabs: int
    slab: _Grid
    rest: _Grid | _Cut

    @property
    def parts(self) -> int:
        return self.slabs * self.slab.parts + self.rest.parts


def _chunk_options(n: int) -> list[tuple[int, int]]:
    """``(largest chunk, chunks)`` for each way of cutting ``n`` values into even chunks, the
    fewest chunks for each largest-chunk size, smallest chunks first."""
    best: dict[int, int] = {}
    for chunks in range(1, n + 1):
        best.setdefault(-(-n // chunks), chunks)
    return sorted(best.items())


class _Planner:
    """The fewest boxes of at most ``limit`` cells for index spaces of the given sizes.

    The best regular grid is exact (a knapsack over the dimensions, memoised on the cells
    left to the remaining dimensions); on top of it, one or two guillotine cuts let a
    remainder slab take another grid, as a 2 x 7 query at 5 cells needs (5 + 5 + 4 cells).
    At most ``max_grids`` grids are tried, which keeps planning under a second or so.
    """

    def __init__(self, limit: int, depth: int = 2, max_grids: int = 300) -> None:
        self.limit = limit
        self.depth = depth
        self.max_grids = max_grids  # bounds the planning time for many-dimension queries
        self._grids: dict[tuple[int, ...], _Grid] = {}
        self._plans: dict[tuple[tuple[int, ...], int], _Grid | _Cut] = {}

    def grid(self, sizes: tuple[int, ...]) -> _Grid:
        if sizes not in self._grids:
            options = [_chunk_options(n) for n in sizes]

            @functools.cache
            def best(i: int, budget: int) -> tuple[int, tuple[int, ...]]:
                if i == len(sizes):
                    return 1, ()
                found: tuple[int, tuple[int, ...]] = (math.inf, ())  # type: ignore[assignment]
                for largest, chunks in options[i]:
                    if largest > budget:
                        break
                    parts, rest = best(i + 1, budget // largest)
                    if chunks * parts < found[0]:
                        found = (chunks * parts, (chunks, *rest))
                return found

            self._grids[sizes] = _Grid(best(0, self.limit)[1])
        return self._grids[sizes]

    def plan(self, sizes: tuple[int, ...], depth: int | None = None) -> _Grid | _Cut:
        depth = self.depth if depth is None else depth
        key = (sizes, depth)
        if key in self._plans:
            return self._plans[key]
        found: _Grid | _Cut = self.grid(sizes)
        fewest = -(-math.prod(sizes) // self.limit)
        for dim, n in enumerate(sizes if depth and found.parts > fewest else ()):
            for size in self._slab_sizes(sizes, dim):
                slabs, left = divmod(n, size)
                if not left or len(self._grids) > self.max_grids:
                    continue
                slab = self.grid(sizes[:dim] + (size,) + sizes[dim + 1 :])
                if slabs * slab.parts >= found.parts:
                    continue
                rest = self.plan(sizes[:dim] + (left,) + sizes[dim + 1 :], depth - 1)
                if slabs * slab.parts + rest.parts < found.parts:
                    found = _Cut(dim, size, slabs, slab, rest)
                    if found.parts == fewest:
                        break
        self._plans[key] = found
        return found

    def _slab_sizes(self, sizes: tuple[int, ...], dim: int) -> list[int]:
        """Where to cut ``dim``: after each even-chunk size, and after as many values as fit
        beside the other dimensions whole or beside one chunk size of one other dimension."""
        others = sizes[:dim] + sizes[dim + 1 :]
        widths = {math.prod(others)} | {largest for n in others for largest, _ in _chunk_options(n)}
        fits = {self.limit // width for width in widths}
        candidates = fits | {largest for largest, _ in _chunk_options(sizes[dim])}
        return sorted(c for c in candidates if 1 <= c < sizes[dim])


Box = tuple[tuple[int, int], ...]  # (start, stop) per dimension


def _grid_boxes(grid: _Grid, spans: Box) -> list[Box]:
    cuts = []
    for chunks, (start, stop) in zip(grid.chunks, spans, strict=True):
        edges = [start + (stop - start) * k // chunks for k in range(chunks + 1)]
        cuts.append(list(itertools.pairwise(edges)))
    return list(itertools.product(*cuts))


def _boxes(plan: _Grid | _Cut, spans: Box) -> list[Box]:
    if isinstance(plan, _Grid):
        return _grid_boxes(plan, spans)
    start, stop = spans[plan.dim]
    out = []
    for k in range(plan.slabs):
        lo = start + k * plan.size
        out += _grid_boxes(plan.slab, _with(spans, plan.dim, (lo, lo + plan.size)))
    rest = (start + plan.slabs * plan.size, stop)
    return out + _boxes(plan.rest, _with(spans, plan.dim, rest))


def _with(spans: Box, dim: int, span: tuple[int, int]) -> Box:
    return spans[:dim] + (span,) + spans[dim + 1 :]


def split_selection(
    resolved: Mapping[str, Sequence[str]], max_cells: int
) -> list[dict[str, list[str]]]:
    """Split into few parts of at most ``max_cells`` cells each, disjoint and covering.

    Each part takes a contiguous run of every dimension's values (metadata order kept). The
    count is the best regular grid's or fewer (see `_Planner`), never more than cutting the
    largest dimension first; for the catalogue's tables it is within a few percent of
    ``ceil(cells / max_cells)``. No split can go below ``ceil(cells / m)``, ``m`` the largest
    sub-cube of at most ``max_cells`` cells, which products of small sizes can hold far under
    the limit (eight dimensions of 2 values at 15 cells: boxes of 8, 32 parts, not 18).
    """
    if max_cells < 1:
        raise ValueError("max_cells must be >= 1")
    base = {k: list(v) for k, v in resolved.items()}
    if count_cells(base) <= max_cells:
        return [base]
    sizes = tuple(len(v) for v in base.values())
    plan = _Planner(max_cells).plan(sizes)
    keys = list(base)
    return [
        {k: base[k][lo:hi] for k, (lo, hi) in zip(keys, box, strict=True)}
        for box in _boxes(plan, tuple((0, n) for n in sizes))
    ]


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
