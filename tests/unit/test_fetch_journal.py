"""A fetch interrupted between its renames is rolled forward: never half old, half new."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from pipeline.catalogue import load_catalogue
from pipeline.snapshot import (
    JOURNAL_NAME,
    FetchError,
    check_snapshot,
    load_manifest,
    recover_interrupted_fetch,
    sha256_file,
)
from pipeline.snapshot.files import write_temp
from pipeline.snapshot.journal import Staged, commit_staged

TARGETS = (
    "statfin/muutl_12w7_net_intermunicipal_migration_monthly_2022_2023.csv",
    "statfin/vamuu_11lj_population_preliminary_monthly_2024_by_municipality.csv",
)


def _stage_reordered_copies(snapshot: Path) -> list[Staged]:
    """Stage each target with its lines in another (still valid) order: new bytes, same data."""
    manifest = load_manifest(snapshot)
    staged = []
    for file in TARGETS:
        target = snapshot / file
        header, *rows = target.read_text(encoding="utf-8").splitlines(keepends=True)
        temp = write_temp(target, (header + "".join(reversed(rows))).encode("utf-8"))
        entry = dataclasses.replace(
            manifest.by_file(file), sha256=sha256_file(temp), bytes=temp.stat().st_size
        )
        staged.append(Staged(temp=temp, target=target, entry=entry))
    return staged


def test_crash_after_first_rename_is_completed_on_recovery(snapshot, monkeypatch):
    staged = _stage_reordered_copies(snapshot)
    new_sums = {s.target.name: s.entry.sha256 for s in staged}
    manifest = load_manifest(snapshot)
    for stage in staged:
        manifest = manifest.with_entry(stage.entry)

    real_replace = os.replace
    calls = []

    def crash_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # journal written (1), first file moved (2), then the "crash"
            raise OSError("simulated crash")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_second)
    with pytest.raises(FetchError, match="renaming failed"):
        commit_staged(staged, manifest, snapshot)
    monkeypatch.setattr(os, "replace", real_replace)

    assert (snapshot / JOURNAL_NAME).exists()
    assert recover_interrupted_fetch(snapshot) is True
    assert not (snapshot / JOURNAL_NAME).exists()
    for file in TARGETS:
        assert sha256_file(snapshot / file) == new_sums[Path(file).name]
    assert check_snapshot(load_catalogue(), snapshot) == []


def test_failure_before_the_journal_leaves_the_old_snapshot(snapshot, monkeypatch):
    before = {f: sha256_file(snapshot / f) for f in (*TARGETS, "manifest.yaml")}
    staged = _stage_reordered_copies(snapshot)
    manifest = load_manifest(snapshot)

    def refuse(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("pipeline.snapshot.journal.atomic_write_bytes", refuse)
    with pytest.raises(FetchError, match="writing failed"):
        commit_staged(staged, manifest, snapshot)
    assert not (snapshot / JOURNAL_NAME).exists()
    assert recover_interrupted_fetch(snapshot) is False
    assert {f: sha256_file(snapshot / f) for f in before} == before


def test_check_reads_each_source_the_way_the_build_does(snapshot):
    """A file that parses but whose declared variable the build cannot find fails `check`."""
    from pipeline.snapshot import rebuild_manifest

    file = snapshot / TARGETS[0]
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("net_intermunicipal_migration", "net_migration", 1), "utf-8")
    rebuild_manifest(snapshot)
    problems = check_snapshot(load_catalogue(), snapshot)
    assert len(problems) == 1
    assert "migration_12w7" in problems[0]
    assert "no value column 'net_intermunicipal_migration'" in problems[0]


def test_stale_staged_files_of_a_killed_fetch_are_removed(snapshot):
    from pipeline.snapshot import remove_stale_staging

    stale = write_temp(snapshot / TARGETS[0], b"half a fetch")
    before = {f: sha256_file(snapshot / f) for f in TARGETS}
    assert remove_stale_staging(snapshot) == [stale]
    assert not stale.exists()
    assert {f: sha256_file(snapshot / f) for f in TARGETS} == before


def test_build_completes_an_interrupted_fetch_and_says_so(snapshot, tmp_path, monkeypatch):
    from pipeline.build import build_warehouse

    staged = _stage_reordered_copies(snapshot)
    manifest = load_manifest(snapshot)
    for stage in staged:
        manifest = manifest.with_entry(stage.entry)
    real_replace = os.replace
    calls = []

    def crash_after_journal(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the journal is written (1); the first rename (2) "crashes"
            raise OSError("simulated crash")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_after_journal)
    with pytest.raises(FetchError):
        commit_staged(staged, manifest, snapshot)
    monkeypatch.setattr(os, "replace", real_replace)

    report = build_warehouse(load_catalogue(), snapshot, tmp_path / "warehouse.duckdb")
    assert f"completed an interrupted fetch in {snapshot}" in report.notes
    assert not (snapshot / JOURNAL_NAME).exists()
    assert check_snapshot(load_catalogue(), snapshot) == []
