"""`fetch_sources` against the PxWeb replay server, on a copy of the bundled snapshot.

The replay server's 11re data in the 2026 form are a relabelling for testing (see
tests/replay_server.py), so fetched files are only ever written into tmp_path copies.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline import DEFAULT_SNAPSHOT
from pipeline.pxweb.client import PxWebClient
from pipeline.readers import read_csv, read_jsonstat_file
from pipeline.snapshot import (
    MANIFEST_NAME,
    FetchError,
    Manifest,
    check_snapshot,
    sha256_file,
)
from pipeline.snapshot.fetch import fetch_sources
from tests.helpers import checksums

POPULATION = "population_11re"
POPULATION_FILE = "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"
PROJECTION = "projection_14wx"
PROJECTION_FILE = (
    "statfin/vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json"
)

# `updated` of 11re.px in the recorded StatFin/vaerak folder listing.
LISTED_UPDATED = "2026-06-06T21:04:32"


def fast_client(url: str) -> PxWebClient:
    """Few quick retries, so fault tests do not wait through the production backoff."""
    return PxWebClient(url, retries=1, backoff_factor=0.01, backoff_jitter=0.0, timeout=(2, 10))


def fetch(catalogue, snapshot: Path, server, *only: str, cat=None):
    lines: list[str] = []
    report = fetch_sources(
        cat or catalogue,
        snapshot,
        base_url=server.base_url("fi"),
        only=only,
        echo=lines.append,
        client_factory=fast_client,
    )
    return report, lines


def set_manifest_updated(snapshot: Path, source_id: str, updated: str) -> None:
    manifest = Manifest.load(snapshot / MANIFEST_NAME)
    entry = dataclasses.replace(manifest.entry(source_id), updated=updated)
    manifest.with_entry(entry).save(snapshot / MANIFEST_NAME)


def data_posts(server) -> list:
    return [e for e in server.log if e.method == "POST"]


def test_unchanged_table_is_skipped_without_data_requests(catalogue, snapshot, replay_server):
    set_manifest_updated(snapshot, POPULATION, LISTED_UPDATED)
    before = checksums(snapshot, hidden=True)
    report, lines = fetch(catalogue, snapshot, replay_server, POPULATION)
    assert data_posts(replay_server) == []
    assert report.data_requests == 0
    assert [r.action for r in report.results] == ["skipped"]
    assert "tables checked 1, skipped 1" in report.summary()
    assert any("unchanged" in line and POPULATION in line for line in lines)
    assert checksums(snapshot, hidden=True) == before


def test_newer_table_replaces_file_and_manifest(catalogue, snapshot, replay_server):
    old_sha = sha256_file(snapshot / POPULATION_FILE)
    report, _ = fetch(catalogue, snapshot, replay_server, POPULATION)
    assert [r.action for r in report.results] == ["updated"]
    assert report.data_requests == len(data_posts(replay_server)) >= 1

    entry = Manifest.load(snapshot / MANIFEST_NAME).entry(POPULATION)
    path = snapshot / POPULATION_FILE
    assert entry.sha256 == sha256_file(path) != old_sha
    assert entry.bytes == path.stat().st_size
    assert entry.updated == "2026-04-01T05:00:00Z"  # the data's own, not the listing's
    assert entry.listed == LISTED_UPDATED
    assert entry.copy == "fetched" and entry.fetched
    assert entry.table == "StatFin/11re.px"  # the 2026 short id is tried first
    assert entry.request == f"POST {replay_server.base_url('fi')}/StatFin/11re.px"
    assert entry.query["Ikä"] == ["SSS"]

    # Same shape as the bundled conversion, so the catalogue's csv columns still apply.
    frame = read_csv(path)
    assert list(frame.columns) == ["area_code", "area_name", "year", "population_31dec"]
    helsinki = frame[(frame.area_code == "KU091") & (frame.year == "2023")]
    assert helsinki.population_31dec.tolist() == ["674500"]
    assert check_snapshot(catalogue, snapshot) == []

    # A second run sees the stored `updated` and makes no data request.
    replay_server.clear_log()
    report, _ = fetch(catalogue, snapshot, replay_server, POPULATION)
    assert [r.action for r in report.results] == ["skipped"]
    assert data_posts(replay_server) == []


def test_legacy_table_id_is_used_when_the_short_one_is_unknown(catalogue, snapshot, replay_server):
    source = catalogue.source(POPULATION)
    pxweb = dataclasses.replace(source.pxweb, table="11re_not_on_this_server.px")
    sources = tuple(
        dataclasses.replace(s, pxweb=pxweb) if s.id == POPULATION else s for s in catalogue.sources
    )
    old_form = dataclasses.replace(catalogue, sources=sources)
    # The old-form folder listing does not name the table, so the data are fetched and their
    # own `updated` (2024-04-26, as in the bundled manifest) says nothing changed.
    report, _ = fetch(catalogue, snapshot, replay_server, POPULATION, cat=old_form)
    assert [r.action for r in report.results] == ["unchanged"]
    assert checksums(snapshot, hidden=True) == checksums(DEFAULT_SNAPSHOT, hidden=True)

    set_manifest_updated(snapshot, POPULATION, "2020-01-01")
    replay_server.clear_log()
    report, _ = fetch(catalogue, snapshot, replay_server, POPULATION, cat=old_form)
    assert [r.action for r in report.results] == ["updated"]
    entry = Manifest.load(snapshot / MANIFEST_NAME).entry(POPULATION)
    assert entry.table == "StatFin/vaerak/statfin_vaerak_pxt_11re.px"
    posts = data_posts(replay_server)
    assert posts and all("statfin_vaerak_pxt_11re.px" in e.path for e in posts)
    frame = read_csv(snapshot / POPULATION_FILE)
    # The old-form data are the recorded full table: the bundled file's rows (in metadata order).
    bundled = read_csv(DEFAULT_SNAPSHOT / POPULATION_FILE)

    def ordered(f):
        return f.sort_values(["area_code", "year"]).reset_index(drop=True)

    assert ordered(frame).equals(ordered(bundled))


def test_jsonstat2_source_round_trips(catalogue, snapshot, replay_server):
    # 14wx is only served under its legacy id (en); its metadata carry no `updated`, so the
    # data are fetched and compared by the dataset's own `updated`.
    report, _ = fetch(catalogue, snapshot, replay_server, PROJECTION)
    assert [r.action for r in report.results] == ["unchanged"]
    assert (snapshot / PROJECTION_FILE).read_bytes() == (
        DEFAULT_SNAPSHOT / PROJECTION_FILE
    ).read_bytes()

    set_manifest_updated(snapshot, PROJECTION, "2020-01-01")
    report, _ = fetch(catalogue, snapshot, replay_server, PROJECTION)
    assert [r.action for r in report.results] == ["updated"]
    entry = Manifest.load(snapshot / MANIFEST_NAME).entry(PROJECTION)
    assert entry.table == "StatFin/vaenn/statfin_vaenn_pxt_14wx.px"
    assert entry.updated == "2024-10-24T05:00:00Z"
    fetched = json.loads((snapshot / PROJECTION_FILE).read_text(encoding="utf-8"))
    bundled = json.loads((DEFAULT_SNAPSHOT / PROJECTION_FILE).read_text(encoding="utf-8"))
    for key in ("id", "size", "value", "updated"):
        assert fetched[key] == bundled[key], key
    assert fetched["role"]["geo"] == ["Alue"]
    frame, roles, _ = read_jsonstat_file(snapshot / PROJECTION_FILE)
    assert len(frame) == 93_000 and roles["time"] == ["Vuosi"]
    assert check_snapshot(catalogue, snapshot) == []


@pytest.mark.parametrize("fault", ["503", "nonjson", "reset"])
def test_failing_server_leaves_snapshot_byte_identical(catalogue, snapshot, replay_server, fault):
    before = checksums(snapshot, hidden=True)
    replay_server.set_fault(fault, times=None, method="POST")
    with pytest.raises(FetchError) as info:
        fetch(catalogue, snapshot, replay_server, POPULATION)
    assert POPULATION in str(info.value) and "11re.px" in str(info.value)
    assert checksums(snapshot, hidden=True) == before


def test_failure_in_a_later_source_keeps_the_earlier_ones_unwritten(
    catalogue, snapshot, replay_server
):
    """Files are staged first: one good table and one failing table leave nothing replaced."""
    before = checksums(snapshot, hidden=True)
    set_manifest_updated(snapshot, PROJECTION, "2020-01-01")
    before = checksums(snapshot, hidden=True)
    replay_server.set_fault("503", times=None, method="POST", path="14wx")
    with pytest.raises(FetchError, match=PROJECTION):
        fetch(catalogue, snapshot, replay_server, POPULATION, PROJECTION)
    posts = [e for e in data_posts(replay_server) if e.status == 200]
    assert any("11re" in e.path for e in posts)  # 11re was fetched and staged …
    assert checksums(snapshot, hidden=True) == before  # … but nothing was renamed
    assert not list(snapshot.rglob(".*.tmp"))


def test_unknown_only_id_is_named(catalogue, snapshot, replay_server):
    with pytest.raises(FetchError, match="keyfig_2022"):
        fetch(catalogue, snapshot, replay_server, "keyfig_2022")
    assert replay_server.log == []
