"""`investin build` on bad snapshot data: every case fails with a report naming the file, row or
indicator, and the previous warehouse stays byte-identical, opens and serves a dashboard query.

Cases the warehouse tests already run the same way (tests/integration/test_build.py: an
unmatched municipality name, a share above 100, a negative population, duplicate keys) are not
repeated. Where a case fails before any indicator is aggregated, a catalogue reduced to the
indicators at stake (same sources, groups and code paths) keeps the suite fast; the checksum
case runs on the whole catalogue.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from pipeline import DEFAULT_CATALOGUE
from pipeline.build import BuildError, build_warehouse
from pipeline.catalogue import load_catalogue
from pipeline.snapshot import rebuild_manifest
from tests.helpers import queries_on

POPULATION_FILE = "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"
KEYFIG_2022 = "statfin/kuntien_avainluvut_2022ed_309kuntaa_2020_2021_kunnat.xlsx"
PROJECTION_FILE = (
    "statfin/vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json"
)


def reduced(catalogue, *indicator_ids: str):
    """The catalogue with only these indicators and the sources they (and the groups) need."""
    indicators = tuple(i for i in catalogue.indicators if i.id in indicator_ids)
    assert len(indicators) == len(indicator_ids), indicator_ids
    needed = {s for i in indicators for s in i.sources}
    sources = tuple(
        s for s in catalogue.sources if s.id in needed or s.format == "classification_csv"
    )
    return dataclasses.replace(catalogue, indicators=indicators, sources=sources)


def build_fails(catalogue, snapshot: Path, previous: Path) -> str:
    before = previous.read_bytes()
    with pytest.raises(BuildError) as info:
        build_warehouse(catalogue, snapshot, previous)
    assert previous.read_bytes() == before, "the previous warehouse changed"
    assert not list(previous.parent.glob("*.tmp*")), "a temporary warehouse was left behind"
    with duckdb.connect(str(previous), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.indicator_values").fetchone()[0] > 0
    with queries_on(previous) as queries:
        helsinki = queries.trend_values("population", ["091"], [], "fi")
        assert helsinki.loc[helsinki["year"] == 2023, "value"].tolist() == [674_500]
    return str(info.value)


def rewrite_lines(path: Path, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def test_checksum_mismatch_names_the_file(catalogue, snapshot, previous):
    """One figure edited after the fetch (plausible, parseable): the manifest checksum says so."""
    rewrite_lines(
        snapshot / POPULATION_FILE,
        lambda lines: [line.replace(",674500", ",674501") for line in lines],
    )
    report = build_fails(catalogue, snapshot, previous)
    assert POPULATION_FILE in report and "population_11re" in report
    assert "manifest.yaml checksum" in report


def test_truncated_file_names_the_file(catalogue, snapshot, previous):
    path = snapshot / POPULATION_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    report = build_fails(reduced(catalogue, "population"), snapshot, previous)
    assert POPULATION_FILE in report and "manifest.yaml checksum" in report


def test_corrupted_xlsx_names_the_file(catalogue, snapshot, previous):
    """Bytes inside the zip damaged and the manifest re-hashed (damaged as published): the
    reader's failure names the file, not just a zlib error."""
    path = snapshot / KEYFIG_2022
    data = bytearray(path.read_bytes())
    data[2000:2100] = bytes(100)
    path.write_bytes(bytes(data))
    rebuild_manifest(snapshot)
    report = build_fails(reduced(catalogue, "natural_increase_per_1000"), snapshot, previous)
    assert KEYFIG_2022 in report and "unreadable" in report


def test_truncated_json_names_the_file(catalogue, snapshot, previous):
    path = snapshot / PROJECTION_FILE
    path.write_bytes(path.read_bytes()[:5_000])
    rebuild_manifest(snapshot)
    report = build_fails(reduced(catalogue, "population_projection"), snapshot, previous)
    assert "projection_14wx" in report and PROJECTION_FILE in report


def test_missing_municipality_names_indicator_and_municipality(catalogue, snapshot, previous):
    """Akaa's rows dropped from the population table (manifest re-hashed)."""
    rewrite_lines(
        snapshot / POPULATION_FILE,
        lambda lines: [line for line in lines if not line.startswith("KU020,")],
    )
    rebuild_manifest(snapshot)
    report = build_fails(reduced(catalogue, "population"), snapshot, previous)
    assert "completeness" in report and "indicator population" in report
    assert "020 Akaa" in report


def test_formula_dividing_by_zero_names_the_indicator(tmp_path, snapshot, previous):
    text = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    original = 'formula: "1000.0 * natural_increase / nullif(population_kf, 0)"'
    assert text.count(original) == 1
    modified = tmp_path / "indicators.yaml"
    modified.write_text(
        text.replace(
            original, 'formula: "1000.0 * natural_increase / (population_kf - population_kf)"'
        ),
        encoding="utf-8",
    )
    catalogue = reduced(load_catalogue(modified), "population", "natural_increase_per_1000")
    report = build_fails(catalogue, snapshot, previous)
    assert "indicator natural_increase_per_1000" in report and "division by zero" in report
    assert "population_kf - population_kf" in report
