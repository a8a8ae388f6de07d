"""Property tests for the PxWeb query splitter (`pipeline.pxweb.split.split_selection`) and the
reassembly of split answers (`pipeline.pxweb.split.reassemble`).

For random dimension sizes and cell limits: the parts cover the original query exactly (union
equals the original, parts pairwise disjoint), no part exceeds the limit, every part is a
sub-cube that keeps the dimension order and the metadata order of values, and the number of
parts is at least ceil(cells / limit) and at most what cutting the largest dimension first
needs. Reading the parts' answers and reassembling them gives the frame one request would give.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline.jsonstat import read_jsonstat
from pipeline.pxweb.split import count_cells, reassemble, split_selection


@st.composite
def resolved_queries(draw, max_dims: int = 5, max_size: int = 12):
    n_dims = draw(st.integers(1, max_dims))
    sizes = draw(st.lists(st.integers(1, max_size), min_size=n_dims, max_size=n_dims))
    return {f"d{i}": [f"v{i}_{j}" for j in range(size)] for i, size in enumerate(sizes)}


def largest_first_bound(sizes: list[int], limit: int) -> int:
    """Parts needed when the largest dimension is cut first into as few chunks as fit, and
    cut into single values (recursing into the rest) when one of its values is already too big."""
    if math.prod(sizes) <= limit:
        return 1
    big, *rest = sorted(sizes, reverse=True)
    per_value = math.prod(rest)
    if per_value <= limit:
        return math.ceil(big / (limit // per_value))
    return big * largest_first_bound(rest, limit)


def cells(part: dict[str, list[str]]) -> set[tuple[str, ...]]:
    return set(itertools.product(*part.values()))


@settings(max_examples=200, deadline=None)
@given(resolved=resolved_queries(), data=st.data())
def test_split_covers_the_query_exactly_within_the_limit(resolved, data):
    total = count_cells(resolved)
    limit = data.draw(st.integers(1, total + 5), label="limit")
    parts = split_selection(resolved, limit)

    assert all(count_cells(p) <= limit for p in parts)
    seen: set[tuple[str, ...]] = set()
    for part in parts:
        assert list(part) == list(resolved)  # same dimensions, same order
        for dim, values in part.items():
            assert values, f"empty selection on {dim}"
            order = [v for v in resolved[dim] if v in set(values)]
            assert values == order  # metadata order kept
        part_cells = cells(part)
        assert len(part_cells) == count_cells(part)
        assert not part_cells & seen, "parts overlap"
        seen |= part_cells
    assert seen == cells(resolved)

    sizes = [len(v) for v in resolved.values()]
    assert math.ceil(total / limit) <= len(parts) <= largest_first_bound(sizes, limit)


@settings(max_examples=200, deadline=None)
@given(resolved=resolved_queries(max_dims=6, max_size=40), limit=st.integers(1, 200_000))
def test_large_queries_split_within_the_limit(resolved, limit):
    assume(largest_first_bound([len(v) for v in resolved.values()], limit) <= 5_000)
    parts = split_selection(resolved, limit)
    assert all(count_cells(p) <= limit for p in parts)
    assert sum(count_cells(p) for p in parts) == count_cells(resolved)
    sizes = [len(v) for v in resolved.values()]
    assert len(parts) <= largest_first_bound(sizes, limit)


def test_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="max_cells"):
        split_selection({"a": ["1"]}, 0)


def _answer(part: dict[str, list[str]], whole: dict[str, list[str]]) -> dict:
    """A json-stat2 answer for `part`, each cell's value its position in the whole query."""
    strides = {}
    step = 1
    for dim in reversed(list(whole)):
        strides[dim] = step
        step *= len(whole[dim])
    values = [
        float(sum(whole[d].index(v) * strides[d] for d, v in zip(part, combo, strict=True)))
        for combo in itertools.product(*part.values())
    ]
    return {
        "version": "2.0",
        "class": "dataset",
        "updated": "2026-06-06T21:04:32Z",
        "id": list(part),
        "size": [len(v) for v in part.values()],
        "dimension": {
            d: {"label": d, "category": {"index": {c: i for i, c in enumerate(vs)}}}
            for d, vs in part.items()
        },
        "value": values,
    }


@settings(max_examples=100, deadline=None)
@given(resolved=resolved_queries(max_dims=4, max_size=8), data=st.data())
def test_reassembled_parts_equal_one_request(resolved, data):
    limit = data.draw(st.integers(1, count_cells(resolved)), label="limit")
    parts = split_selection(resolved, limit)
    frames = [read_jsonstat(_answer(p, resolved)) for p in parts]
    single = read_jsonstat(_answer(resolved, resolved))
    got = reassemble(frames, resolved)
    pd.testing.assert_frame_equal(got, single)
    assert got["value"].tolist() == list(map(float, range(count_cells(resolved))))
