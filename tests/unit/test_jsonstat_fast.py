"""The JSON-stat reader's fast paths against plain oracles.

read_jsonstat parses text with orjson, converts a list of plain numbers in one C loop and
writes the code/label columns straight as Arrow buffers. Each is checked here against an
independent reading of the same text: the standard library's ``json.loads``, Python's own
``float`` and ``itertools.product`` over the category lists, never the reader again.
"""

from __future__ import annotations

import itertools
import json
import random
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.jsonstat import JsonStatError, read_jsonstat

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "data" / "snapshot"
PROJECTION = (
    SNAPSHOT
    / "statfin"
    / "vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json"
)
JSONSTAT_FILES = sorted(
    p
    for p in [*SNAPSHOT.rglob("*.json"), *(ROOT / "tests" / "fixtures").glob("*.json")]
    if '"dimension"' in p.read_text(encoding="utf-8")[:200_000]
    and '"value"' in p.read_text(encoding="utf-8")
)


def bits(values) -> list[int]:
    """Each float's 64 bits: equality that tells -0.0 from 0.0 and one ulp from another."""
    return [struct.unpack("<q", struct.pack("<d", float(v)))[0] for v in values]


def oracle_values(doc: dict) -> list[float]:
    """Dense or sparse `value` as floats, null as NaN, read with plain Python."""
    n = int(np.prod(doc["size"]))
    raw = doc["value"]
    if isinstance(raw, dict):
        out = [float("nan")] * n
        for key, cell in raw.items():
            out[int(key)] = float("nan") if cell is None else float(cell)
        return out
    return [float("nan") if cell is None else float(cell) for cell in raw]


def oracle_codes(doc: dict) -> list[tuple[str, ...]]:
    """Every cell's category codes in row-major order (the last dimension fastest)."""
    per_dim = []
    for dim_id in doc["id"]:
        index = doc["dimension"][dim_id]["category"]["index"]
        per_dim.append(sorted(index, key=index.get) if isinstance(index, dict) else list(index))
    return list(itertools.product(*per_dim))


def test_the_bundled_files_are_found():
    names = {p.name for p in JSONSTAT_FILES}
    assert PROJECTION.name in names and len(names) >= 5


@pytest.mark.parametrize("path", JSONSTAT_FILES, ids=lambda p: p.name)
def test_values_are_the_stdlib_parse_bit_for_bit(path):
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    if "id" not in doc:  # a 1.x bundle: its dataset
        doc = next(v for v in doc.values() if isinstance(v, dict) and "dimension" in v)
        doc = {**doc, "id": doc["dimension"]["id"], "size": doc["dimension"]["size"]}
    frame = read_jsonstat(text)
    expected = oracle_values(doc)
    assert len(frame) == len(expected)
    assert bits(frame["value"].to_numpy()) == bits(expected)


def test_projection_codes_and_labels_equal_a_product_of_the_category_lists():
    text = PROJECTION.read_text(encoding="utf-8")
    doc = json.loads(text)
    frame = read_jsonstat(text)
    ids = doc["id"]
    assert list(zip(*(frame[d].tolist() for d in ids), strict=True)) == oracle_codes(doc)
    for dim_id in ids:
        labels = doc["dimension"][dim_id]["category"].get("label", {})
        want = [labels.get(code, code) for code in frame[dim_id].tolist()]
        assert frame[f"{dim_id}_label"].tolist() == want
        for column in (dim_id, f"{dim_id}_label"):
            assert frame[column].dtype == pd.array(["x"], dtype="str").dtype
    # a hand-picked cell: Helsinki (KU091), 2040, age 42 (the raw file's own position)
    row = frame[(frame["Alue"] == "KU091") & (frame["Vuosi"] == "2040") & (frame["Ikä"] == "042")]
    sizes = doc["size"]
    cats = [list(doc["dimension"][d]["category"]["index"]) for d in ids]
    pos = np.ravel_multi_index(
        (cats[0].index("KU091"), cats[1].index("2040"), 0, cats[3].index("042"), 0), sizes
    )
    assert row["value"].tolist() == [float(doc["value"][pos])]


HARD_NUMBERS = [
    "0.1",
    "0.30000000000000004",
    "2.2250738585072011e-308",  # the largest subnormal, a classic strtod trap
    "2.2250738585072014e-308",
    "4.9406564584124654e-324",
    "1.7976931348623157e308",
    "9007199254740993",  # 2**53 + 1: halfway, rounds to even
    "9007199254740995",
    "18446744073709551616",  # beyond 64 bits: orjson reads a float, json an int
    "-0.0",
    "1e23",
    "8.41e21",
    "5e-324",
    "123456789012345678901234567890",
    "0.1e1",
    "1E-7",
]


def _dataset(cells: list[str]) -> str:
    """A json-stat2 text whose value list is `cells` written verbatim."""
    head = {
        "version": "2.0",
        "class": "dataset",
        "id": ["i"],
        "size": [len(cells)],
        "dimension": {"i": {"category": {"index": [str(k) for k in range(len(cells))]}}},
    }
    return json.dumps(head)[:-1] + ', "value": [' + ", ".join(cells) + "]}"


def test_hard_and_random_decimals_read_as_pythons_float_reads_them():
    rng = random.Random(16)
    doubles = [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(4000)]
    written = [f"{d:.{rng.choice((15, 16, 17))}g}" for d in doubles if np.isfinite(d)]
    written += [str(rng.randint(-(10**12), 10**12)) for _ in range(1000)]
    cells = HARD_NUMBERS + written
    frame = read_jsonstat(_dataset(cells))
    assert bits(frame["value"].to_numpy()) == bits([float(c) for c in cells])


def test_markers_and_nulls_together_are_the_suppressed_cells():
    cells = ["1", '".."', "null", '"."', "2.5", '"-"', "0", '"......"']
    frame = read_jsonstat(_dataset(cells))
    assert frame["value"].isna().tolist() == [False, True, True, True, False, True, False, True]
    assert frame["value"].dropna().tolist() == [1.0, 2.5, 0.0]


@pytest.mark.parametrize("cell", ['"NA"', '"n/a"', "true", "false", '"1,5"', '""', "NaN"])
def test_a_non_number_that_is_no_marker_names_table_variable_and_value(cell):
    doc = json.loads(_dataset(["1", "2", "3", "4"]))
    doc.update(
        id=["alue", "vuosi"],
        size=[2, 2],
        dimension={
            "alue": {"category": {"index": ["KU091", "KU049"]}},
            "vuosi": {"category": {"index": ["2023", "2024"]}},
        },
        extension={"px": {"tableid": "11re"}},
    )
    text = json.dumps(doc).replace('"value": [1, 2, 3, 4]', f'"value": [1, 2, {cell}, 4]')
    with pytest.raises(JsonStatError) as info:
        read_jsonstat(text)
    message = str(info.value)
    assert "'11re'" in message and "cell 2" in message
    assert "alue='KU049'" in message and "vuosi='2023'" in message
    assert repr(json.loads(cell)) in message


def test_a_bool_among_many_plain_numbers_is_still_refused():
    cells = [str(k % 7) for k in range(5000)]
    cells[4321] = "true"
    with pytest.raises(JsonStatError, match=r"cell 4321 \(i='4321'\): True"):
        read_jsonstat(_dataset(cells))


def test_the_dataset_label_names_the_table_when_there_is_no_px_table_id():
    doc = json.loads(_dataset(["1", "2"]))
    doc["label"] = "Population by area"
    doc["value"][1] = "NA"
    with pytest.raises(JsonStatError, match=r"^table 'Population by area': value cell 1"):
        read_jsonstat(doc)


def test_text_orjson_refuses_goes_to_the_stdlib_parser():
    # orjson refuses a NaN literal (json.loads reads it, and the reader then refuses the cell,
    # above) and a byte-order mark (json.loads refuses it too): both fail as JsonStatError
    text = _dataset(["1", "2"])
    assert read_jsonstat(text)["value"].tolist() == [1.0, 2.0]
    with pytest.raises(JsonStatError, match="cell 1"):
        read_jsonstat(_dataset(["1", "NaN"]))
    with pytest.raises(JsonStatError):
        read_jsonstat("\ufeff" + text)


def test_codes_of_uneven_length_in_every_position_equal_the_product():
    # every dimension has outer and inner cells, and codes/labels of different lengths (and
    # non-ASCII), so a column that repeats or offsets wrongly cannot pass
    dims = {
        "a": ["x", "yyyy", "Åland"],
        "b": ["1", "22", "333", "4444"],
        "c": ["ä", "bb"],
        "d": ["p", "qq", "rrr"],
    }
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": list(dims),
        "size": [len(v) for v in dims.values()],
        "dimension": {
            d: {"category": {"index": codes, "label": {c: f"{c}-{d}" * len(c) for c in codes}}}
            for d, codes in dims.items()
        },
        "value": list(range(3 * 4 * 2 * 3)),
    }
    frame = read_jsonstat(json.dumps(doc))
    cells = oracle_codes(doc)
    assert list(zip(*(frame[d].tolist() for d in dims), strict=True)) == cells
    labels = [tuple(f"{c}-{d}" * len(c) for d, c in zip(dims, cell, strict=True)) for cell in cells]
    assert list(zip(*(frame[f"{d}_label"].tolist() for d in dims), strict=True)) == labels


def test_a_dimension_of_size_zero_gives_an_empty_frame_of_the_same_columns():
    doc = json.loads(_dataset(["1"]))
    doc.update(id=["i", "j"], size=[1, 0], value=[])
    doc["dimension"]["j"] = {"category": {"index": []}}
    frame = read_jsonstat(doc)
    assert list(frame.columns) == ["i", "i_label", "j", "j_label", "value"] and len(frame) == 0
