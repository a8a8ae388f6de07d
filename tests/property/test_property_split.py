"""Property tests for the PxWeb query splitter (`pipeline.pxweb.split.split_selection`) and the
reassembly of split answers (`pipeline.pxweb.split.reassemble`).

For random dimension sizes and cell limits: the parts cover the original query exactly (union
equals the original, parts pairwise disjoint), no part exceeds the limit, every part is a
sub-cube that keeps the dimension order and the metadata order of values, and the number of
parts is at least ceil(cells / limit) and at most what cutting the largest dimension first
needs. Reading the parts' answers and reassembling them gives the frame one request would give.

How few parts are achievable: every part is a box (a run of values per dimension), so no split
can go below ceil(cells / m), m the largest box of at most `limit` cells. For products of sizes
m can be barely above limit / 2 (eight dimensions of 2 values at 15 cells: m = 8, so 32 parts
where ceil(cells / limit) = 18), so 1.2 x ceil(cells / limit) is not achievable in general.
What the splitter meets: never more parts than the best regular grid (found here by brute
force), and at most ceil(1.2 x ceil(cells / m)) for queries with up to three dimensions of more
than one value (every catalogue table); on the catalogue's tables at 100, 1,000 and 10,000
cells, within 1.2 x ceil(cells / limit).
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


def best_grid(sizes: list[int], limit: int) -> int:
    """The fewest parts of any regular grid (each dimension cut into even chunks), by brute
    force over the number of chunks per dimension."""
    best = math.prod(sizes)
    for chunks in itertools.product(*(range(1, n + 1) for n in sizes)):
        biggest = math.prod(-(-n // c) for n, c in zip(sizes, chunks, strict=True))
        if biggest <= limit:
            best = min(best, math.prod(chunks))
    return best


def largest_box(sizes: list[int], limit: int) -> int:
    """The most cells one box of at most `limit` cells can hold (brute force)."""
    boxes = itertools.product(*(range(1, n + 1) for n in sizes))
    return max(p for p in map(math.prod, boxes) if p <= limit)


@settings(max_examples=300, deadline=None)
@given(resolved=resolved_queries(max_dims=4, max_size=9), data=st.data())
def test_split_is_no_worse_than_the_best_regular_grid(resolved, data):
    sizes = [len(v) for v in resolved.values()]
    limit = data.draw(st.integers(1, math.prod(sizes)), label="limit")
    assert len(split_selection(resolved, limit)) <= best_grid(sizes, limit)


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=3).filter(
        lambda s: math.prod(s) <= 20_000
    ),
    data=st.data(),
)
def test_split_within_1_2_of_the_largest_box_bound(sizes, data):
    resolved = {f"d{i}": [f"v{j}" for j in range(n)] for i, n in enumerate(sizes)}
    total = math.prod(sizes)
    limit = data.draw(st.integers(1, total), label="limit")
    fewest_possible = math.ceil(total / largest_box(sizes, limit))
    assert len(split_selection(resolved, limit)) <= math.ceil(1.2 * fewest_possible)


# Sizes of the catalogue's PxWeb queries (areas x years, months, ages, ...), as resolved
# against the replay server's tables; 310 x 52 is the population table of the issue.
CATALOGUE_QUERIES = {
    "population_11re": [310, 1, 1, 52, 1],
    "population_prelim_11lj": [309, 1, 1, 13, 1],
    "migration_12w7": [310, 24, 1],
    "projection_14wx": [310, 3, 1, 100, 1],
    "unemployment_12r5": [308, 217, 1],
    "municipal_debt_2020": [1, 310, 6, 1],
    "gdp_12bc_2019_2023": [19, 5, 1],
    "population_11re_all_ages": [309, 102, 54],
}


@pytest.mark.parametrize("limit", [100, 1_000, 10_000])
@pytest.mark.parametrize("name", sorted(CATALOGUE_QUERIES))
def test_catalogue_queries_split_within_1_2_of_the_minimum(name, limit):
    sizes = CATALOGUE_QUERIES[name]
    resolved = {f"d{i}": [f"v{j}" for j in range(n)] for i, n in enumerate(sizes)}
    parts = split_selection(resolved, limit)
    assert all(count_cells(p) <= limit for p in parts)
    assert sum(count_cells(p) for p in parts) == math.prod(sizes)
    assert len(parts) <= 1.2 * math.ceil(math.prod(sizes) / limit)


def test_population_table_at_100_cells_takes_the_minimum():
    resolved = {"area": [f"a{i}" for i in range(310)], "year": [str(y) for y in range(52)]}
    assert len(split_selection(resolved, 100)) == 162  # cutting areas first took 310


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
