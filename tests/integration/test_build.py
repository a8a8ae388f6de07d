"""Building the warehouse from the bundled snapshot, and the failures that must stop a build."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipeline import DEFAULT_SNAPSHOT
from pipeline.build import BuildError, build_warehouse
from pipeline.catalogue import load_catalogue
from pipeline.snapshot import rebuild_manifest

CONTRACT = {
    "core.areas": [
        "area_code",
        "kind",
        "name_fi",
        "name_sv",
        "name_en",
        "region_code",
        "subregion_code",
        "municipality_group_code",
        "is_network",
        "is_university_city",
    ],
    "core.group_members": ["group_code", "area_code"],
    "core.indicators": [
        "indicator_id",
        "theme",
        "label_fi",
        "label_sv",
        "label_en",
        "description_fi",
        "description_sv",
        "description_en",
        "unit_fi",
        "unit_sv",
        "unit_en",
        "decimals",
        "direction",
        "aggregation",
        "sources",
        "formula",
        "citation",
    ],
    "core.indicator_values": [
        "indicator_id",
        "area_code",
        "year",
        "month",
        "value",
        "source_id",
        "numerator",
        "denominator",
        "weight",
    ],
    "core.group_values": [
        "indicator_id",
        "group_code",
        "year",
        "month",
        "value",
        "n_members",
        "n_values",
        "complete",
        "published_value",
    ],
    "core.provenance": [
        "source_id",
        "table_id",
        "title_fi",
        "title_en",
        "publisher",
        "licence",
        "updated",
        "fetched",
        "file",
        "sha256",
        "query",
    ],
    "core.build_info": ["built_at", "catalogue_sha256", "snapshot_manifest_sha256"],
}
KEYFIG_2022 = "statfin/kuntien_avainluvut_2022ed_309kuntaa_2020_2021_kunnat.xlsx"
POPULATION_11RE = "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"


def columns(con, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ?",
        [schema, name],
    ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_columns(con, table):
    assert set(CONTRACT[table]) <= set(columns(con, table))


def test_raw_and_staging_per_source(con):
    catalogue = load_catalogue()
    tables = {
        f"{s}.{t}"
        for s, t in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
        ).fetchall()
    }
    for source in catalogue.sources:
        assert f"raw.{source.id}" in tables
        if source.variables:
            assert f"staging.{source.id}" in tables
            assert {"area_code", "year", "month", "variable", "value"} <= set(
                columns(con, f"staging.{source.id}")
            )


def test_areas_2025_division_and_groups(con):
    kinds = dict(con.execute("SELECT kind, count(*) FROM core.areas GROUP BY kind").fetchall())
    assert kinds["municipality"] == 308 and kinds["country"] == 1
    assert kinds["region"] == 19 and kinds["municipality_group"] == 3
    assert con.execute("SELECT count(*) FROM core.areas WHERE is_network").fetchone()[0] == 10
    # Pertunmaa (588) merged into Mäntyharju (507) in 2025: not an area, but its 2023 people
    # are counted in Mäntyharju
    assert con.execute("SELECT count(*) FROM core.areas WHERE area_code = '588'").fetchone()[0] == 0
    merged = con.execute(
        "SELECT value FROM core.indicator_values WHERE indicator_id = 'population' "
        "AND area_code = '507' AND year = 2023"
    ).fetchone()[0]
    parts = con.execute(
        "SELECT sum(value) FROM staging.population_11re WHERE year = 2023 "
        "AND area_code IN ('507', '588')"
    ).fetchone()[0]
    assert merged == parts


def test_values_unique_and_municipal(con):
    duplicates = con.execute(
        "SELECT count(*) FROM (SELECT indicator_id, area_code, year, month FROM "
        "core.indicator_values GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    assert duplicates == 0
    assert (
        con.execute(
            "SELECT count(*) FROM core.indicator_values v LEFT JOIN core.areas a USING (area_code) "
            "WHERE a.kind IS DISTINCT FROM 'municipality'"
        ).fetchone()[0]
        == 0
    )


def test_region_level_sources_land_in_group_values(con):
    municipal = con.execute(
        "SELECT count(*) FROM core.indicator_values WHERE indicator_id = 'gdp_per_capita'"
    ).fetchone()[0]
    regional = con.execute(
        "SELECT group_code, value FROM core.group_values WHERE indicator_id = 'gdp_per_capita' "
        "AND year = 2023 AND group_code LIKE 'MK%' ORDER BY group_code"
    ).fetchall()
    assert municipal == 0
    assert len(regional) == 19 and regional[0] == ("MK01", pytest.approx(62093.364))


def test_weight_fallback_is_noted(con):
    note = con.execute(
        "SELECT note FROM core.indicators WHERE indicator_id = 'unemployment_rate_monthly'"
    ).fetchone()[0]
    assert note and "suppressed" in note


def test_provenance_hashes_match_files(con):
    import hashlib

    for source_id, file, sha in con.execute(
        "SELECT source_id, file, sha256 FROM core.provenance"
    ).fetchall():
        digest = hashlib.sha256((DEFAULT_SNAPSHOT / file).read_bytes()).hexdigest()
        assert sha == digest, source_id


# --------------------------------------------------------------------------- failures


@pytest.fixture
def snapshot(tmp_path) -> Path:
    copy = tmp_path / "snapshot"
    shutil.copytree(DEFAULT_SNAPSHOT, copy)
    for path in copy.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return copy


def fails(snapshot: Path, previous: Path) -> str:
    """Build from an edited snapshot whose manifest is consistent (re-hashed), so the failure
    is the data's, not a checksum mismatch."""
    rebuild_manifest(snapshot)
    before = previous.read_bytes()
    with pytest.raises(BuildError) as info:
        build_warehouse(load_catalogue(), snapshot, previous)
    assert previous.read_bytes() == before
    assert not previous.with_name(previous.name + ".tmp").exists()
    return str(info.value)


def edit_xlsx(path: Path, row: int, column: int, value) -> None:
    workbook = openpyxl.load_workbook(path)
    workbook.worksheets[0].cell(row=row, column=column, value=value)
    workbook.save(path)


def test_unmatched_municipality_name(snapshot, previous):
    edit_xlsx(snapshot / KEYFIG_2022, row=5, column=1, value="Atlantis")
    report = fails(snapshot, previous)
    assert "kuntien_avainluvut_2022ed_309kuntaa_2020_2021_kunnat.xlsx" in report
    assert "row 5" in report and "'Atlantis'" in report


def test_share_above_100(snapshot, previous):
    """Stopped at the staging row (the xlsx line), by the variable's declared bounds."""
    header = [c.value for c in openpyxl.load_workbook(snapshot / KEYFIG_2022).worksheets[0][1]]
    column = header.index("Työttömien osuus työvoimasta, %, 2020") + 1
    edit_xlsx(snapshot / KEYFIG_2022, row=2, column=column, value=150)  # Akaa, 020
    report = fails(snapshot, previous)
    assert "staging.keyfig_2022" in report and KEYFIG_2022 in report
    assert "bounds 0..100 (kind share)" in report and "value 150" in report
    assert "variable='unemployment_pct'" in report and "area_code='020'" in report
    assert "source_row=2" in report


def test_negative_population(snapshot, previous):
    path = snapshot / POPULATION_11RE
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[100].startswith("KU")
    fields = lines[100].split(",")
    fields[-1] = "-5"
    lines[100] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = fails(snapshot, previous)
    assert "staging.population_11re" in report and POPULATION_11RE in report
    assert "bounds 0..10,000,000 (kind population)" in report and "source_row=101" in report


def test_duplicate_key(snapshot, previous):
    path = snapshot / POPULATION_11RE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(201, lines[200])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = fails(snapshot, previous)
    assert "staging.population_11re" in report and "multiple_fields_uniqueness" in report
    assert "source_row=201" in report and "source_row=202" in report


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A build over a stale temporary file left by a crashed build: (warehouse, report)."""
    out = tmp_path_factory.mktemp("fresh") / "fresh.duckdb"
    out.with_name(out.name + ".tmp").write_bytes(b"left over by a crashed build")
    return out, build_warehouse(load_catalogue(), DEFAULT_SNAPSHOT, out)


def test_stale_temp_file_is_replaced(fresh):
    out, report = fresh
    assert out.exists() and not out.with_name(out.name + ".tmp").exists()
    assert "core.indicator_values" in report.summary()


def test_report_counts_equal_the_tables(fresh):
    """Every core table and view is in the report, with the rows it holds (peer groups too)."""
    out, report = fresh
    with duckdb.connect(str(out), read_only=True) as connection:
        names = [
            f"core.{name}"
            for (name,) in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'core'"
            ).fetchall()
        ]
        counts = {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
            for name in names
        }
        peer_areas = connection.execute(
            "SELECT count(*) FROM core.areas WHERE kind = 'peers'"
        ).fetchone()[0]
    assert report.rows == counts
    assert peer_areas == 308 and report.rows["core.areas"] > peer_areas


def test_missing_weight_takes_nearest_earlier_year(tmp_path):
    """With only the annual 11re population (1972–2023) as weight, the 2024–2025 months of the
    monthly unemployment rate are weighted by each town's 2023 population, and the note says so."""
    from pipeline import DEFAULT_CATALOGUE

    text = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    edited = text.replace(
        "source: [unemployment_12r5, population_prelim_11lj, population_11re]",
        "source: [unemployment_12r5, population_11re]",
    ).replace('weight: "coalesce(population_prelim, population)"', "weight: population")
    assert edited != text
    catalogue_path = tmp_path / "indicators.yaml"
    catalogue_path.write_text(edited, encoding="utf-8")
    out = tmp_path / "warehouse.duckdb"
    build_warehouse(load_catalogue(catalogue_path), DEFAULT_SNAPSHOT, out)
    con = duckdb.connect(str(out), read_only=True)
    try:
        note = con.execute(
            "SELECT note FROM core.indicators WHERE indicator_id = 'unemployment_rate_monthly'"
        ).fetchone()[0]
        assert "population is missing for 2024–2025; the nearest earlier year (2023)" in note
        weights = con.execute(
            "SELECT DISTINCT weight FROM core.indicator_values WHERE area_code = '091' "
            "AND indicator_id = 'unemployment_rate_monthly' AND year >= 2023"
        ).fetchall()
        helsinki_2023 = con.execute(
            "SELECT value FROM staging.population_11re WHERE area_code = '091' AND year = 2023"
        ).fetchone()[0]
        assert weights == [(helsinki_2023,)]
    finally:
        con.close()
