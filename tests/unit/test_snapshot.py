"""The snapshot store on the bundled real files: manifest, checksums, atomic writes, check."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from pipeline import DEFAULT_SNAPSHOT
from pipeline.jsonstat import read_jsonstat
from pipeline.snapshot import (
    MANIFEST_NAME,
    Manifest,
    SnapshotError,
    atomic_write_bytes,
    check_snapshot,
    frame_to_csv,
    frame_to_jsonstat2,
    load_manifest,
    rebuild_manifest,
    same_updated,
    sha256_file,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_bundled_snapshot_passes_check(catalogue) -> None:
    assert check_snapshot(catalogue, DEFAULT_SNAPSHOT) == []


def test_manifest_lists_every_catalogue_source_with_real_checksums(catalogue) -> None:
    manifest = load_manifest(DEFAULT_SNAPSHOT)
    for source in catalogue.sources:
        entry = manifest.entry(source.id)
        assert entry is not None, source.id
        assert entry.file == source.file
        path = DEFAULT_SNAPSHOT / entry.file
        assert entry.sha256 == sha256_file(path)
        assert entry.bytes == path.stat().st_size
        assert entry.licence == source.licence  # CC BY 4.0 for Statistics Finland


def test_manifest_provenance_is_the_declared_one() -> None:
    entry = load_manifest(DEFAULT_SNAPSHOT).entry("population_11re")
    assert entry.request == (
        "POST https://pxdata.stat.fi:443/PxWeb/api/v1/fi/StatFin/vaerak/statfin_vaerak_pxt_11re.px"
    )
    assert entry.updated == "2024-04-26"
    assert entry.fetched == "2025-03-19"
    assert entry.copy == "converted"
    assert "b5767a7c0ee4ab9499f6d45deeee6af2aecda82e" in entry.origin


def test_rebuild_reproduces_the_committed_manifest(snapshot: Path) -> None:
    before = (snapshot / MANIFEST_NAME).read_bytes()
    rebuild_manifest(snapshot)
    assert (snapshot / MANIFEST_NAME).read_bytes() == before


def test_rebuild_refuses_an_undeclared_file(snapshot: Path) -> None:
    (snapshot / "statfin" / "extra.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match="extra.csv"):
        rebuild_manifest(snapshot)


def test_corrupted_file_is_named(catalogue, snapshot: Path) -> None:
    path = snapshot / "statfin" / "vaerak_11re_population_1972_2023_by_municipality.csv"
    data = bytearray(path.read_bytes())
    data[100] = ord("9") if data[100] != ord("9") else ord("8")
    path.write_bytes(bytes(data))
    problems = check_snapshot(catalogue, snapshot)
    assert len(problems) == 1
    assert "vaerak_11re_population_1972_2023_by_municipality.csv" in problems[0]
    assert "sha256" in problems[0]


def test_truncated_json_is_named_and_not_parsed(catalogue, snapshot: Path) -> None:
    """A file of another size than listed is reported by its size, before anyone parses it."""
    path = snapshot / "geo" / "maakunnat2024.topojson.json"
    path.write_bytes(path.read_bytes()[:500])
    problems = check_snapshot(catalogue, snapshot)
    assert problems == [
        "geo/maakunnat2024.topojson.json (geo_regions_2024): 500 bytes where manifest.yaml says "
        "30,886, so it does not match its manifest.yaml checksum (not read): changed or damaged "
        "since it was fetched; run `investin check`"
    ]


def test_missing_file_is_named(catalogue, snapshot: Path) -> None:
    (snapshot / "statfin" / "kuntien_avainluvut_2022ed_309kuntaa_2020_2021_kunnat.xlsx").unlink()
    problems = check_snapshot(catalogue, snapshot)
    assert problems == [
        "statfin/kuntien_avainluvut_2022ed_309kuntaa_2020_2021_kunnat.xlsx (keyfig_2022): "
        "file is missing"
    ]


def test_source_missing_from_manifest_is_named(catalogue, snapshot: Path) -> None:
    doc = yaml.safe_load((snapshot / MANIFEST_NAME).read_text(encoding="utf-8"))
    doc["files"] = [f for f in doc["files"] if f["id"] != "unemployment_12r5"]
    (snapshot / MANIFEST_NAME).write_text(yaml.safe_dump(doc), encoding="utf-8")
    problems = check_snapshot(catalogue, snapshot)
    assert len(problems) == 1
    assert "unemployment_12r5" in problems[0] and "not in manifest.yaml" in problems[0]


def test_unparseable_manifest_is_reported(catalogue, snapshot: Path) -> None:
    (snapshot / MANIFEST_NAME).write_text("files: [unclosed", encoding="utf-8")
    problems = check_snapshot(catalogue, snapshot)
    assert len(problems) == 1 and "manifest.yaml" in problems[0]


def test_atomic_write_keeps_the_old_file_when_validation_fails(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_bytes(b'{"ok": 1}')

    def reject(path: Path) -> None:
        raise ValueError(f"bad {path.name}")

    with pytest.raises(ValueError, match="bad"):
        atomic_write_bytes(target, b"{broken", validate=reject)
    assert target.read_bytes() == b'{"ok": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]
    atomic_write_bytes(target, b'{"ok": 2}')
    assert target.read_bytes() == b'{"ok": 2}'


def test_manifest_round_trip_and_validation(tmp_path: Path) -> None:
    manifest = load_manifest(DEFAULT_SNAPSHOT)
    manifest.save(tmp_path / MANIFEST_NAME)
    assert Manifest.load(tmp_path / MANIFEST_NAME) == manifest
    bad = tmp_path / "bad.yaml"
    bad.write_text("files:\n  - {id: a, file: x.csv, format: csv, sha256: abc}\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match="missing bytes"):
        Manifest.load(bad)


# --------------------------------------------------------------------------- fetched data (pure)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("2024-04-26", "2024-04-26T05:00:00Z", True),
        ("2024-10-24T05:00:00Z", "2024-10-24T05:00:00Z", True),
        ("2022-12-21T06.00.00Z", "2022-12-21T06:00:00Z", True),  # PxGraf's dotted time
        ("2026-06-06T21:04:32", "2026-06-06T21:04:30", False),
        ("2024-04-26", "2026-06-06T21:04:32", False),
        (None, "2024-04-26", False),
    ],
)
def test_same_updated(a, b, same) -> None:
    assert same_updated(a, b) is same


def _recorded_frame(name: str):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return read_jsonstat(text), json.loads(text)


def test_jsonstat2_round_trip_of_a_recorded_response() -> None:
    frame, original = _recorded_frame(
        "kta_006_2020_POST_jsonstat2_en_loan_keyfigures_all_municipalities.json"
    )
    doc = frame_to_jsonstat2(frame)
    for key in ("id", "size", "value", "updated", "label", "role"):
        assert doc[key] == original[key], key
    for dim in original["id"]:
        assert (
            doc["dimension"][dim]["category"]["label"]
            == original["dimension"][dim]["category"]["label"]
        )


def test_csv_shape_of_a_recorded_2026_response() -> None:
    frame, _ = _recorded_frame("statfin_11re_2026api_POST_jsonstat2_KU091_top5years.json")
    roles = {"geo": "alue_23_20260101", "time": "timeperiod_y", "metric": "contentscode"}
    text = frame_to_csv(
        frame,
        {"area": "area_code", "name": "area_name", "period": "year"},
        [SimpleNamespace(selector="population_31dec")],
        roles,
    )
    assert text.splitlines() == [
        "area_code,area_name,year,population_31dec",
        "KU091,Helsinki,2021,658457",
        "KU091,Helsinki,2022,664028",
        "KU091,Helsinki,2023,674500",
        "KU091,Helsinki,2024,684018",
        "KU091,Helsinki,2025,694392",
    ]


def test_csv_shape_refuses_an_ambiguous_metric_mapping() -> None:
    frame, _ = _recorded_frame(
        "kta_006_2020_POST_jsonstat2_en_loan_keyfigures_all_municipalities.json"
    )
    roles = {"geo": "Alue", "time": "Vuosi", "metric": "Tunnusluku"}
    with pytest.raises(ValueError, match="cannot tell which"):
        frame_to_csv(
            frame,
            {"area": "area_code", "period": "year"},
            [SimpleNamespace(selector="loan_stock"), SimpleNamespace(selector="equity")],
            roles,
        )


def test_jsonstat2_refuses_duplicate_cells() -> None:
    frame, _ = _recorded_frame("statfin_11re_2026api_POST_jsonstat2_KU091_top5years.json")
    doubled = pd.concat([frame, frame.tail(1)], ignore_index=True)
    doubled.attrs = frame.attrs
    with pytest.raises(ValueError, match="duplicate"):
        frame_to_jsonstat2(doubled)
