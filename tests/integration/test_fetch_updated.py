"""The manifest's `updated` is the data's own stamp, never the folder listing's, and the next
fetch compares like with like (listing with the stored listing stamp, data with data).

The replay server's snapshot world serves 11re with the bundled manifest's `updated`
(2024-04-26) in its data answers; `set_listed` makes its folder listing say something else.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pipeline.pxweb.client import PxWebClient
from pipeline.snapshot import MANIFEST_NAME, Manifest, sha256_file
from pipeline.snapshot.fetch import fetch_sources

POPULATION = "population_11re"
DATA_UPDATED = "2024-04-26"  # 11re's `updated` in the bundled manifest, so in the data answers
LISTED = "2025-06-01T00:00:00"


def fetch(catalogue, snapshot: Path, server):
    return fetch_sources(
        catalogue,
        snapshot,
        base_url=server.base_url("fi"),
        only=(POPULATION,),
        echo=lambda line: None,
        client_factory=lambda url: PxWebClient(url, retries=1, backoff_factor=0.01),
    )


def entry(snapshot: Path):
    return Manifest.load(snapshot / MANIFEST_NAME).entry(POPULATION)


def set_updated(snapshot: Path, updated: str) -> None:
    manifest = Manifest.load(snapshot / MANIFEST_NAME)
    new = dataclasses.replace(manifest.entry(POPULATION), updated=updated)
    manifest.with_entry(new).save(snapshot / MANIFEST_NAME)


def posts(server) -> list:
    return [e for e in server.log if e.method == "POST"]


def test_manifest_records_the_datas_updated_not_the_listings(catalogue, snapshot, replay_server):
    replay_server.use_snapshot()
    replay_server.set_listed("11re", LISTED)
    set_updated(snapshot, "2020-01-01")  # an older copy, so the first fetch replaces it

    report = fetch(catalogue, snapshot, replay_server)
    assert [r.action for r in report.results] == ["updated"]
    stored = entry(snapshot)
    assert stored.updated == DATA_UPDATED  # the data's own stamp (was the listing's)
    assert stored.listed == LISTED

    # Nothing published since: the listing says what it said, no data request.
    replay_server.clear_log()
    report = fetch(catalogue, snapshot, replay_server)
    assert [r.action for r in report.results] == ["skipped"]
    assert posts(replay_server) == []

    # The data are republished (and with them the listing): fetched, the new stamp stored.
    replay_server.set_listed("11re", None)
    stamp = replay_server.bump_updated("11re", to="2025-09-01T05:00:00")
    replay_server.clear_log()
    report = fetch(catalogue, snapshot, replay_server)
    assert [r.action for r in report.results] == ["updated"]
    assert posts(replay_server)
    assert entry(snapshot).updated == stamp == entry(snapshot).listed


def test_listing_is_not_compared_with_the_datas_stamp(catalogue, snapshot, replay_server):
    """Listing and data stamps differ on the real server: a bundled entry (data stamp only) is
    fetched, found unchanged by its data stamp, kept byte for byte, and the listing stamp is
    recorded so that the next fetch makes no data request."""
    replay_server.use_snapshot()
    replay_server.set_listed("11re", LISTED)
    before = entry(snapshot)
    file_sha = sha256_file(snapshot / before.file)

    report = fetch(catalogue, snapshot, replay_server)
    assert [r.action for r in report.results] == ["unchanged"]
    after = entry(snapshot)
    assert sha256_file(snapshot / after.file) == file_sha == after.sha256
    assert after.updated == before.updated == DATA_UPDATED and after.listed == LISTED

    replay_server.clear_log()
    report = fetch(catalogue, snapshot, replay_server)
    assert [r.action for r in report.results] == ["skipped"] and posts(replay_server) == []
