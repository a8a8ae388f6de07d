"""`investin check` and `investin fetch` through click's CliRunner."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from pipeline import DEFAULT_SNAPSHOT
from pipeline.cli import main
from pipeline.snapshot import sha256_file


def test_check_passes_on_the_bundled_snapshot() -> None:
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "snapshot OK" in result.output


def test_check_fails_on_a_broken_copy(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot"
    shutil.copytree(DEFAULT_SNAPSHOT, snapshot)
    broken = snapshot / "statfin" / "muutl_12w7_net_intermunicipal_migration_monthly_2022_2023.csv"
    broken.write_bytes(broken.read_bytes().replace(b"KOKO MAA", b"KOKO MAX", 1))
    (snapshot / "geo" / "kunnat2025_wgs84.geojson").unlink()
    result = CliRunner().invoke(main, ["check", "--snapshot", str(snapshot)])
    assert result.exit_code == 1
    assert "FAIL statfin/muutl_12w7_net_intermunicipal_migration_monthly_2022_2023.csv" in (
        result.output
    )
    assert "FAIL geo/kunnat2025_wgs84.geojson (geo_municipalities_2025): file is missing" in (
        result.output
    )


def test_fetch_failure_is_reported_and_snapshot_kept(tmp_path: Path, replay_server) -> None:
    snapshot = tmp_path / "snapshot"
    shutil.copytree(DEFAULT_SNAPSHOT, snapshot)
    before = {p: sha256_file(p) for p in snapshot.rglob("*") if p.is_file()}
    replay_server.set_fault("nonjson", times=None, method="POST")
    result = CliRunner().invoke(
        main,
        [
            "fetch",
            "--base-url",
            replay_server.base_url("fi"),
            "--only",
            "population_11re",
            "--snapshot",
            str(snapshot),
        ],
    )
    assert result.exit_code == 1
    assert "population_11re" in result.output
    assert "The previous snapshot is unchanged." in result.output
    assert {p: sha256_file(p) for p in snapshot.rglob("*") if p.is_file()} == before
