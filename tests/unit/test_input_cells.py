"""What a value cell may hold, and which dimension lists the readers accept.

Only the publisher's own missing-value markers mean "suppressed"; any other non-number fails
naming the file, the row (or json-stat cell) and the value. A dimension that lists a value twice
is refused, naming the dimension and the value. JSON-stat 1.02 datasets (`class: dataset` with
`id`, `size` and `role` inside `dimension`, the form of the json-stat.org samples) are read.
The expected frames are written out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.jsonstat import JsonStatError, jsonstat_meta, read_jsonstat
from pipeline.readers import ReaderError, read_csv, read_jsonstat_file, tidy_csv
from pipeline.readers.keyfigures import read_keyfigures_csv, tidy_keyfigures

COLUMNS = {"area": "area_code", "period": "year"}


def v2(values, areas=("KU091", "KU049")) -> dict:
    return {
        "version": "2.0",
        "class": "dataset",
        "id": ["alue", "vuosi"],
        "size": [len(areas), 1],
        "role": {"geo": ["alue"], "time": ["vuosi"]},
        "dimension": {
            "alue": {"category": {"index": list(areas), "label": {a: a for a in areas}}},
            "vuosi": {"category": {"index": ["2023"]}},
        },
        "value": values,
    }


# --------------------------------------------------------------------------- value cells


@pytest.mark.parametrize("marker", [".", "..", "...", "....", "-"])
def test_publisher_markers_in_jsonstat_values_are_missing(marker):
    frame = read_jsonstat(v2([674500, marker]))
    assert frame["value"].tolist()[0] == 674500
    assert np.isnan(frame["value"].tolist()[1])


@pytest.mark.parametrize("cell", ["NA", "NaN", "nan", "null", "n/a", "None", "", "abc", True])
def test_other_jsonstat_value_strings_fail_naming_cell_and_value(cell):
    with pytest.raises(JsonStatError) as info:
        read_jsonstat(v2([674500, cell]))
    assert "cell 1" in str(info.value) and repr(cell) in str(info.value)


def test_jsonstat_nan_literal_is_not_a_missing_marker():
    text = '{"version": "2.0", "class": "dataset", "id": ["a"], "size": [2],'
    text += ' "dimension": {"a": {"category": {"index": ["x", "y"]}}}, "value": [1, NaN]}'
    with pytest.raises(JsonStatError, match="cell 1"):
        read_jsonstat(text)


def test_sparse_jsonstat_value_strings_are_checked_too():
    doc = v2({"0": 1, "1": "NA"})
    with pytest.raises(JsonStatError, match="cell 1"):
        read_jsonstat(doc)
    assert read_jsonstat(v2({"0": 1, "1": ".."}))["value"].isna().tolist() == [False, True]


def _csv(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "population.csv"
    path.write_text(f"area_code,year,population\nKU091,2023,674500\nKU049,2023,{value}\n")
    return path


@pytest.mark.parametrize("marker", ["...", "..", ".", "-", ""])
def test_publisher_markers_in_csv_are_missing(tmp_path, marker):
    staging = tidy_csv(read_csv(_csv(tmp_path, marker)), COLUMNS, {"population": "population"}, "f")
    assert staging["value"].isna().tolist() == [False, True]


@pytest.mark.parametrize("cell", ["NA", "NaN", "nan", "null", "n/a", "N/A", "#N/A", "None", "<NA>"])
def test_other_csv_cells_fail_naming_file_row_and_value(tmp_path, cell):
    raw = read_csv(_csv(tmp_path, cell))
    with pytest.raises(ReaderError) as info:
        tidy_csv(raw, COLUMNS, {"population": "population"}, "statfin/population.csv")
    message = str(info.value)
    assert "statfin/population.csv" in message and "row 3" in message and repr(cell) in message


@pytest.mark.parametrize("cell", ["NA", "NaN", "null"])
def test_keyfigures_csv_cells_fail_naming_file_row_and_value(tmp_path, cell):
    path = tmp_path / "regions.csv"
    path.write_text(f'Alue,"Väkiluku, 2021"\nUusimaa,1700000\nPirkanmaa,{cell}\n')
    raw = read_keyfigures_csv(path)
    names = {"Uusimaa": "MK01", "Pirkanmaa": "MK06"}
    with pytest.raises(ReaderError) as info:
        tidy_keyfigures(raw, {"population": "Väkiluku"}, names, "regions.csv")
    assert "regions.csv" in str(info.value) and "row 3" in str(info.value)
    assert repr(cell) in str(info.value)


def test_keyfigures_markers_are_missing(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text('Alue,"Väkiluku, 2021"\nUusimaa,1700000\nPirkanmaa,..\n')
    names = {"Uusimaa": "MK01", "Pirkanmaa": "MK06"}
    staging = tidy_keyfigures(read_keyfigures_csv(path), {"population": "Väkiluku"}, names, "f")
    assert staging["value"].isna().tolist() == [False, True]


# --------------------------------------------------------------------------- dimension lists


def test_dimension_listing_a_value_twice_is_refused():
    with pytest.raises(JsonStatError) as info:
        read_jsonstat(v2([674500, 674500], areas=("KU091", "KU091")))
    assert "'alue'" in str(info.value) and "'KU091'" in str(info.value)


def test_dimension_index_object_with_a_repeated_key_is_refused_in_a_file(tmp_path):
    text = json.dumps(v2([1, 2]))
    text = text.replace('"index": ["KU091", "KU049"]', '"index": {"KU091": 0, "KU091": 1}')
    path = tmp_path / "answer.json"
    path.write_text(text)
    with pytest.raises(ReaderError) as info:
        read_jsonstat_file(path)
    assert "answer.json" in str(info.value) and "'KU091'" in str(info.value)


def test_repeated_position_in_an_index_object_names_the_dimension():
    doc = v2([1, 2])
    doc["dimension"]["alue"]["category"]["index"] = {"KU091": 0, "KU049": 0}
    with pytest.raises(JsonStatError, match="'alue'"):
        read_jsonstat(doc)


# --------------------------------------------------------------------------- JSON-stat 1.02


def dataset_102() -> dict:
    """A JSON-stat 1.02 dataset in the form of the json-stat.org samples (galicia-ds.json,
    us-labor-ds.json): `class: dataset` at the top, `id`, `size` and `role` inside
    `dimension`, an index as a list, an index as an object and a category with labels only."""
    return {
        "class": "dataset",
        "label": "Population by province and year",
        "source": "a test",
        "updated": "2012-12-27T12:25:09Z",
        "value": [10, 11, 20, None, 30, 31],
        "dimension": {
            "id": ["residence", "time", "concept"],
            "size": [3, 2, 1],
            "role": {"geo": ["residence"], "time": ["time"], "metric": ["concept"]},
            "concept": {
                "label": "concept",
                "category": {
                    "label": {"pop": "population"},
                    "unit": {"pop": {"label": "persons", "decimals": 0}},
                },
            },
            "time": {"label": "year", "category": {"index": {"2001": 0, "2011": 1}}},
            "residence": {
                "label": "province of residence",
                "category": {
                    "index": ["15", "27", "32"],
                    "label": {"15": "A Coruña", "27": "Lugo", "32": "Ourense"},
                },
            },
        },
    }


EXPECTED_102 = pd.DataFrame(
    {
        "residence": ["15", "15", "27", "27", "32", "32"],
        "time": ["2001", "2011"] * 3,
        "concept": ["pop"] * 6,
        "value": [10.0, 11.0, 20.0, np.nan, 30.0, 31.0],
    }
)


def test_jsonstat_102_dataset_is_read():
    frame = read_jsonstat(dataset_102())
    pd.testing.assert_frame_equal(
        frame[["residence", "time", "concept", "value"]], EXPECTED_102, check_dtype=False
    )
    assert frame["residence_label"].tolist()[::2] == ["A Coruña", "Lugo", "Ourense"]
    meta = jsonstat_meta(frame)
    assert meta.role_dimension("geo") == "residence" and meta.role_dimension("time") == "time"
    assert meta.updated == "2012-12-27T12:25:09Z"
    assert meta.units["pop"]["label"] == "persons"


def test_jsonstat_102_bundle_is_read():
    dataset = {k: v for k, v in dataset_102().items() if k != "class"}
    frame = read_jsonstat({"dataset": dataset})
    pd.testing.assert_frame_equal(
        frame[["residence", "time", "concept", "value"]], EXPECTED_102, check_dtype=False
    )


@pytest.mark.parametrize("form", ["dataset", "bundle"])
def test_jsonstat_102_file_is_read_by_the_file_reader(tmp_path, form):
    doc = dataset_102()
    if form == "bundle":
        doc = {"dataset": {k: v for k, v in doc.items() if k != "class"}}
    path = tmp_path / "galicia.json"
    path.write_text(json.dumps(doc))
    raw, roles, labels = read_jsonstat_file(path)
    assert list(raw.columns) == ["residence", "time", "concept", "value"]
    assert roles["geo"] == ["residence"] and roles["time"] == ["time"]
    assert labels["residence"] == {"15": "A Coruña", "27": "Lugo", "32": "Ourense"}
    assert labels["time"] == {"2001": "2001", "2011": "2011"}
