"""`fetch_sources` under server faults: survived, or a clear error, and never a half snapshot.

Every case runs against a private replay server on 127.0.0.1 and a copy of the bundled snapshot
in tmp_path. After each one the snapshot is either byte-identical to the old one (checksums of
every file) or a complete new one: its files are the ones its manifest lists, every changed file is a
fetched source whose manifest entry was rewritten, and no journal or temporary file is left.
The client gets short backoff settings so the suite stays fast. Fault kinds the integration
tests already run through `fetch_sources` (persistent 503, non-JSON and reset; a failure in a
later source) are not repeated here.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.pxweb.client import PxWebClient
from pipeline.snapshot import (
    JOURNAL_NAME,
    MANIFEST_NAME,
    FetchError,
    Manifest,
    integrity_problems,
    recover_interrupted_fetch,
)
from pipeline.snapshot.fetch import fetch_sources
from tests.reliability.conftest import checksums, variant
from tests.replay_server import NEW_11RE

POPULATION = "population_11re"
POPULATION_FILE = "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"
PROJECTION_ID = "projection_14wx"


def fast_client(url: str, **options) -> PxWebClient:
    settings = {
        "retries": 2,
        "backoff_factor": 0.01,
        "backoff_jitter": 0.0,
        "backoff_max": 0.05,
        "timeout": (1.0, 0.5),
        "period_s": 0.1,
    }
    return PxWebClient(url, **(settings | options))


def fetch(catalogue, snapshot: Path, server, *only: str, **client_options):
    lines: list[str] = []
    report = fetch_sources(
        catalogue,
        snapshot,
        base_url=server.base_url("fi"),
        only=only or (POPULATION,),
        echo=lines.append,
        client_factory=lambda url: fast_client(url, **client_options),
    )
    return report, lines


def assert_old_or_complete_new(catalogue, snapshot: Path, before: dict[str, str]) -> str:
    """'old' if every file is byte-identical, 'new' if the snapshot is a complete new one.

    A new one's files are the ones its manifest lists; that it also builds is what the fetch's
    trial build ensured (tests/reliability/test_fetch_rejects_bad_data.py), and a full
    `check_snapshot` after each fault would only repeat that build."""
    recover_interrupted_fetch(snapshot)
    assert not (snapshot / JOURNAL_NAME).exists()
    after = checksums(snapshot)
    if after == before:
        return "old"
    assert integrity_problems(catalogue, snapshot, Manifest.load(snapshot / MANIFEST_NAME)) == []
    assert set(after) == set(before), "files appeared or vanished"
    changed = {name for name in after if after[name] != before[name]}
    manifest = Manifest.load(snapshot / MANIFEST_NAME)
    assert MANIFEST_NAME in changed, "data files changed under an old manifest"
    for name in changed - {MANIFEST_NAME}:
        entry = manifest.by_file(name)
        assert entry is not None and entry.copy == "fetched", name
        assert entry.sha256 == after[name], name
    return "new"


def assert_no_temporary_files(snapshot: Path) -> None:
    assert checksums(snapshot, hidden=True) == checksums(snapshot)


# --------------------------------------------------------------------------- transient faults


TRANSIENT = [
    pytest.param("429", {"retry_after": 1}, id="429-retry-after"),
    pytest.param("429", {}, id="429-no-retry-after"),
    pytest.param("500", {}, id="500"),
    pytest.param("502", {}, id="502"),
    pytest.param("503", {"retry_after": 1}, id="503-retry-after"),
    pytest.param("reset", {}, id="reset"),
    pytest.param("slow", {"delay": 0.8}, id="timeout"),
    pytest.param("truncated", {}, id="truncated"),
    pytest.param("nonjson", {}, id="nonjson"),
]


@pytest.mark.parametrize(("kind", "options"), TRANSIENT)
def test_transient_fault_is_survived(catalogue, snapshot, px_server, kind, options):
    before = checksums(snapshot)
    px_server.set_fault(kind, times=1, method="POST", **options)
    report, _ = fetch(catalogue, snapshot, px_server)
    assert [r.action for r in report.results] == ["updated"]
    assert report.requests["retries"] >= 1
    waited = time.monotonic() + 3  # a slow answer is logged when its sleep ends
    while not [e for e in px_server.log if e.fault == kind] and time.monotonic() < waited:
        time.sleep(0.05)
    assert [e for e in px_server.log if e.fault == kind], f"the {kind} fault was never served"
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "new"
    assert_no_temporary_files(snapshot)
    rows = (snapshot / POPULATION_FILE).read_text(encoding="utf-8").splitlines()
    assert "KU091,Helsinki,2023,674500" in rows


def test_rate_limited_server_without_retry_after_is_survived(catalogue, snapshot, px_server):
    """The server's own sliding-window limit (rejected calls counted), no Retry-After, no
    ?config, a client configured with the published window but more calls than the server
    allows: it meets 429s, waits whole windows and completes."""
    px_server.set_limits(max_calls=2, window_s=0.3, retry_after=False, config=False)
    before = checksums(snapshot)
    report, _ = fetch(catalogue, snapshot, px_server, max_calls=5, period_s=0.3)
    assert [r.action for r in report.results] == ["updated"]
    assert 429 in [e.status for e in px_server.log]
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "new"


# --------------------------------------------------------------------------- persistent faults


PERSISTENT = [
    pytest.param("429", {"retry_after": 1}, "429", id="429-retry-after"),
    pytest.param("429", {}, "429", id="429-no-retry-after"),
    pytest.param("500", {}, "500", id="500"),
    pytest.param("502", {}, "502", id="502"),
    pytest.param("slow", {"delay": 0.8}, "timed out", id="timeout"),
    pytest.param("truncated", {}, "truncated", id="truncated"),
]


@pytest.mark.parametrize(("kind", "options", "words"), PERSISTENT)
def test_persistent_fault_is_a_clear_error(catalogue, snapshot, px_server, kind, options, words):
    before = checksums(snapshot)
    px_server.set_fault(kind, times=None, method="POST", **options)
    with pytest.raises(FetchError) as info:
        fetch(catalogue, snapshot, px_server)
    message = str(info.value)
    assert POPULATION in message and "11re.px" in message and words in message.lower()
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "old"
    assert_no_temporary_files(snapshot)


def test_bad_query_400_is_a_clear_error(catalogue, snapshot, px_server):
    """Metadata list an area the data service rejects: 400 with the server's reason."""
    table = px_server.table("fi", NEW_11RE)

    class Listed(type(table)):
        def metadata_json(self):
            doc = super().metadata_json()
            doc = {**doc, "variables": list(doc["variables"])}
            doc["variables"][0] = {
                **doc["variables"][0],
                "values": [*doc["variables"][0]["values"], "KU999"],
                "valueTexts": [*doc["variables"][0]["valueTexts"], "Nowhere"],
            }
            return doc

    px_server.replace_table("fi", NEW_11RE, Listed(**dataclasses.asdict(table)))
    before = checksums(snapshot)
    with pytest.raises(FetchError) as info:
        fetch(catalogue, snapshot, px_server)
    message = str(info.value)
    assert "400" in message and "KU999" in message and POPULATION in message
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "old"


def test_over_cell_limit_403_is_recovered(catalogue, snapshot, px_server):
    """The server hides its ?config and allows fewer cells than the client assumes: the client
    learns a lower limit from the 403s and splits further."""
    px_server.set_limits(max_cells=1_000, config=False)
    before = checksums(snapshot)
    fetch(catalogue, snapshot, px_server)
    assert 403 in [e.status for e in px_server.log]
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "new"


def test_403_that_is_not_a_cell_limit_is_a_clear_error(catalogue, snapshot, px_server):
    px_server.set_fault("403", times=None, method="POST")
    before = checksums(snapshot)
    with pytest.raises(FetchError) as info:
        fetch(catalogue, snapshot, px_server)
    message = str(info.value)
    assert "403" in message and "cell limit" in message and POPULATION in message
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "old"


# --------------------------------------------------------------------------- metadata changes


def _with_new_year(table):
    variables = [dict(v) for v in table.variables]
    time_var = next(v for v in variables if v.get("time"))
    time_var["values"] = [*time_var["values"], "2026"]
    time_var["valueTexts"] = [*time_var["valueTexts"], "2026"]
    return variant(table, variables=variables, updated="2027-03-01T05:00:00Z")


def _renamed_area_dimension(table):
    variables = [dict(v) for v in table.variables]
    variables[0]["code"] = "alue_24_20270101"
    return variant(table, variables=variables)


def _renamed_age_dimension(table):
    variables = [dict(v) for v in table.variables]
    age = next(v for v in variables if v["text"] == "Ikä")
    age["code"], age["text"] = "ikaluokka_2027", "Ikäluokka"
    return variant(table, variables=variables)


def test_new_year_between_metadata_and_data_is_survived(catalogue, snapshot, px_server):
    """A year is published after the metadata was read: the query asked for the years the
    metadata listed, and the snapshot is a complete new one with those years."""
    table = px_server.table("fi", NEW_11RE)
    px_server.swap_after("GET", NEW_11RE, "fi", NEW_11RE, _with_new_year(table))
    before = checksums(snapshot)
    report, _ = fetch(catalogue, snapshot, px_server)
    assert [r.action for r in report.results] == ["updated"]
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "new"
    assert ",2026," not in (snapshot / POPULATION_FILE).read_text(encoding="utf-8")


def test_renamed_dimension_code_is_followed(catalogue, snapshot, px_server):
    """The area dimension gets a new versioned code after the metadata were read: the server
    answers 400, the client re-reads the metadata, selects by role again and completes."""
    table = px_server.table("fi", NEW_11RE)
    px_server.swap_after("GET", NEW_11RE, "fi", NEW_11RE, _renamed_area_dimension(table))
    before = checksums(snapshot)
    report, _ = fetch(catalogue, snapshot, px_server)
    assert [r.action for r in report.results] == ["updated"]
    assert 400 in [e.status for e in px_server.log]
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "new"
    assert "KU091,Helsinki,2023,674500" in (snapshot / POPULATION_FILE).read_text("utf-8")


def test_renamed_dimension_the_selection_names_is_a_clear_error(catalogue, snapshot, px_server):
    """The source selects `Ikä`; after the rename no dimension has that code or label."""
    table = px_server.table("fi", NEW_11RE)
    px_server.swap_after("GET", NEW_11RE, "fi", NEW_11RE, _renamed_age_dimension(table))
    before = checksums(snapshot)
    with pytest.raises(FetchError) as info:
        fetch(catalogue, snapshot, px_server)
    message = str(info.value)
    assert "changed between metadata and data requests" in message
    assert "Ikä" in message and POPULATION in message
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "old"


def test_update_between_split_parts_is_a_clear_error(catalogue, snapshot, px_server):
    """The table is republished (new `updated`) while a split query is being fetched."""
    px_server.set_limits(max_cells=3_000)
    table = px_server.table("fi", NEW_11RE)
    px_server.swap_after("POST", NEW_11RE, "fi", NEW_11RE, _with_new_year(table))
    before = checksums(snapshot)
    with pytest.raises(FetchError) as info:
        fetch(catalogue, snapshot, px_server)
    assert "updated while its" in str(info.value) and "fetch again" in str(info.value)
    assert len([e for e in px_server.log if e.method == "POST"]) > 1
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "old"


# --------------------------------------------------------------------------- killed process


def _investin(snapshot: Path, server) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("investin")),
        "fetch",
        "--snapshot",
        str(snapshot),
        "--base-url",
        server.base_url("fi"),
        "--only",
        POPULATION,
        "--only",
        PROJECTION_ID,
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _make_projection_stale(snapshot: Path) -> None:
    manifest = Manifest.load(snapshot / MANIFEST_NAME)
    entry = dataclasses.replace(manifest.entry(PROJECTION_ID), updated="2020-01-01")
    manifest.with_entry(entry).save(snapshot / MANIFEST_NAME)


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_fetch_killed_after_staging_leaves_the_old_snapshot(catalogue, snapshot, px_server):
    """`investin fetch` is SIGKILLed while the second table's data request hangs, after the
    first table was staged: the snapshot is the old one, and a later fetch completes."""
    _make_projection_stale(snapshot)
    before = checksums(snapshot)
    px_server.set_fault("slow", times=None, method="POST", path="14wx", delay=30)
    process = _investin(snapshot, px_server)
    staged = list((snapshot / "statfin").glob(".vaerak_11re*.tmp"))
    deadline = time.monotonic() + 60
    try:
        while not staged and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            staged = list((snapshot / "statfin").glob(".vaerak_11re*.tmp"))
    finally:
        _kill(process)
    assert staged, f"the first table was never staged: {process.stdout.read().decode()}"
    assert process.returncode == -signal.SIGKILL
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "old"

    px_server.clear_faults()
    report, _ = fetch(catalogue, snapshot, px_server, POPULATION, PROJECTION_ID)
    assert [r.action for r in report.results] == ["updated", "updated"]
    assert assert_old_or_complete_new(catalogue, snapshot, before) == "new"


def _commit_started(snapshot: Path) -> bool:
    names = os.listdir(snapshot)
    return JOURNAL_NAME in names or any(n.startswith(f".{MANIFEST_NAME}.") for n in names)


def test_fetch_killed_during_its_commit_leaves_old_or_new(catalogue, snapshot, px_server):
    """SIGKILL the moment the commit starts (new manifest staged or journal written): the
    snapshot is then the old one or, once recovered by the next check, the complete new one."""
    before = checksums(snapshot)
    process = _investin(snapshot, px_server)
    deadline = time.monotonic() + 60
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if _commit_started(snapshot):
                break
    finally:
        _kill(process)
    outcome = assert_old_or_complete_new(catalogue, snapshot, before)
    assert outcome in ("old", "new")
    if process.returncode == 0:  # finished before the poll saw it: then it must be new
        assert outcome == "new"
