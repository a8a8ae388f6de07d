"""Property tests for the JSON-stat reader (`pipeline.jsonstat.read_jsonstat`).

A random source frame (random dimension count, sizes, codes, labels, values with gaps, status
marks) is encoded into a json-stat2 dict by an independent encoder here (dense ``value`` array or
sparse ``value`` object, category index as a list or an object, labels present or absent), sent
through ``json.dumps`` and read back; the result must equal the source frame cell for cell.
Malformed documents must fail with ``JsonStatError`` (a ``ValueError``), never another exception.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.jsonstat import JsonStatError, jsonstat_meta, read_jsonstat
from pipeline.snapshot import frame_to_jsonstat2

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RESERVED = {"value", "status"}
MAX_CELLS = 400

dim_ids = st.text("abcdefghijklmnopqrstuvwxyzäöÅ_0123456789", min_size=1, max_size=8).filter(
    lambda s: s not in RESERVED and not s.endswith("_label")
)
codes = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=6)
numbers = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
statuses = st.sampled_from(["..", ".", "-", "e", "p", "*"])


@st.composite
def source_frames(draw):
    """(dimension ids, codes per dim, labels per dim or None, values, status or None)."""
    n_dims = draw(st.integers(1, 5))
    ids = draw(st.lists(dim_ids, min_size=n_dims, max_size=n_dims, unique=True))
    ids = [i for i in ids if not any(i == f"{j}_label" for j in ids)]
    sizes = []
    for _ in ids:
        room = MAX_CELLS // max(1, math.prod(sizes))
        sizes.append(draw(st.integers(1, max(1, min(6, room)))))
    dim_codes = [draw(st.lists(codes, min_size=s, max_size=s, unique=True)) for s in sizes]
    labels = [
        draw(st.none() | st.lists(codes, min_size=len(c), max_size=len(c))) for c in dim_codes
    ]
    n = math.prod(sizes)
    values = draw(st.lists(st.none() | numbers, min_size=n, max_size=n))
    status = draw(st.none() | st.lists(st.none() | statuses, min_size=n, max_size=n))
    return ids, sizes, dim_codes, labels, values, status


def encode(ids, sizes, dim_codes, labels, values, status, *, sparse, index_as_list, status_form):
    """json-stat2 dataset dict for the source (independent of pipeline.snapshot's encoder)."""
    dimension = {}
    for dim_id, cs, labs in zip(ids, dim_codes, labels, strict=True):
        category = {"index": list(cs) if index_as_list else {c: i for i, c in enumerate(cs)}}
        if labs is not None:
            category["label"] = dict(zip(cs, labs, strict=True))
        dimension[dim_id] = {"label": f"label of {dim_id}", "category": category}
    dense = list(values)
    value = {str(i): v for i, v in enumerate(dense) if v is not None} if sparse else dense
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "random",
        "updated": "2026-01-01T00:00:00Z",
        "id": list(ids),
        "size": list(sizes),
        "role": {"geo": [ids[0]]},
        "dimension": dimension,
        "value": value,
    }
    if status is not None:
        if status_form == "dict":
            doc["status"] = {str(i): s for i, s in enumerate(status) if s is not None}
        else:
            doc["status"] = list(status)
    return doc


def expected_frame(ids, dim_codes, labels, values, status) -> pd.DataFrame:
    rows = list(itertools.product(*[range(len(c)) for c in dim_codes]))  # row-major
    data = {}
    for d, dim_id in enumerate(ids):
        cs = dim_codes[d]
        labs = labels[d] if labels[d] is not None else cs
        data[dim_id] = pd.array([cs[r[d]] for r in rows], dtype=object)
        data[f"{dim_id}_label"] = pd.array([labs[r[d]] for r in rows], dtype=object)
    data["value"] = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    if status is not None:
        data["status"] = np.array(status, dtype=object)
    return pd.DataFrame(data)


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    for column in want.columns:
        if column == "value":
            np.testing.assert_array_equal(got[column].to_numpy(float), want[column].to_numpy())
        else:
            assert got[column].tolist() == want[column].tolist(), column


@SETTINGS
@given(
    source=source_frames(),
    sparse=st.booleans(),
    index_as_list=st.booleans(),
    status_form=st.sampled_from(["dict", "list"]),
)
def test_round_trip_of_random_shapes(source, sparse, index_as_list, status_form):
    ids, _sizes, dim_codes, labels, values, status = source
    doc = encode(
        *source,
        sparse=sparse,
        index_as_list=index_as_list,
        status_form=status_form,
    )
    text = json.dumps(doc, ensure_ascii=False)
    frame = read_jsonstat(text)
    assert_same(frame, expected_frame(ids, dim_codes, labels, values, status))
    meta = jsonstat_meta(frame)
    assert meta.dimensions == tuple(ids)
    assert meta.role_dimension("geo") == ids[0]
    assert meta.updated == "2026-01-01T00:00:00Z"
    assert read_jsonstat(doc).equals(frame)  # dict and text give the same frame


@SETTINGS
@given(source=source_frames(), sparse=st.booleans())
def test_snapshot_encoder_round_trips_the_reader(source, sparse):
    """`frame_to_jsonstat2` (what `investin fetch` stores) reads back to the same frame."""
    ids = source[0]
    doc = encode(
        *source,
        sparse=sparse,
        index_as_list=False,
        status_form="dict",
    )
    first = read_jsonstat(doc)
    again = read_jsonstat(json.loads(json.dumps(frame_to_jsonstat2(first))))
    if "status" in first and first["status"].isna().all():
        first = first.drop(columns="status")  # no marks at all: the encoder writes no status
    assert_same(again, first)
    assert jsonstat_meta(again).dimensions == tuple(ids)


def _valid_doc() -> dict:
    return encode(
        ["alue", "vuosi"],
        [2, 3],
        [["KU091", "KU049"], ["2021", "2022", "2023"]],
        [None, None],
        [1, 2, None, 4, 5, 6],
        None,
        sparse=False,
        index_as_list=False,
        status_form="dict",
    )


MUTATIONS = {
    "size longer than id": lambda d: d.update(size=[2, 3, 4]),
    "size not a number": lambda d: d.update(size=[2, "three"]),
    "negative size": lambda d: d.update(size=[-2, -3]),
    "dimension not described": lambda d: d["dimension"].pop("vuosi"),
    "too few categories": lambda d: d["dimension"]["vuosi"]["category"].update(
        index={"2021": 0, "2022": 1}
    ),
    "category position out of range": lambda d: d["dimension"]["vuosi"]["category"].update(
        index={"2021": 0, "2022": 1, "2023": 7}
    ),
    "dense value too short": lambda d: d.update(value=[1, 2, 3]),
    "sparse value index out of range": lambda d: d.update(value={"0": 1, "99": 2}),
    "sparse value index negative": lambda d: d.update(value={"-1": 1}),
    "sparse value index not a number": lambda d: d.update(value={"x": 1}),
    "status list of wrong length": lambda d: d.update(status=["..", ".."]),
    "status index out of range": lambda d: d.update(status={"42": ".."}),
    "value not a list or object": lambda d: d.update(value=7),
    "dimension not an object": lambda d: d.update(dimension=["alue", "vuosi"]),
    "category not an object": lambda d: d["dimension"]["alue"].update(category=[1, 2]),
    "not an object": lambda d: d.clear() or d.update({"0": [1, 2]}),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_malformed_documents_raise_jsonstat_error(name):
    doc = _valid_doc()
    MUTATIONS[name](doc)
    with pytest.raises(JsonStatError):
        read_jsonstat(doc)


@SETTINGS
@given(
    path=st.lists(st.sampled_from(["id", "size", "dimension", "value", "status"]), min_size=1),
    junk=st.recursive(
        st.none() | st.booleans() | st.integers(-5, 50) | st.text(max_size=4),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=6,
    ),
)
def test_random_junk_in_a_field_is_a_jsonstat_error_or_reads(path, junk):
    doc = _valid_doc()
    for key in path:
        doc[key] = junk
    try:
        frame = read_jsonstat(doc)
    except JsonStatError:
        return
    assert isinstance(frame, pd.DataFrame)
