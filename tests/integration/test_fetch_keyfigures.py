"""`investin fetch` of the live municipal key figures (`kuntien_avainluvut_viimeisin.px`) against
the replay server, then a build: the same figures as the bundled workbook.

The replay server serves the bundled workbook as the live table (tests/replay_snapshot.py:
`Alue` × `Tiedot`, the workbook's labels as texts and invented codes `T01`…). The catalogue
selects every `Tiedot` value and the reader picks each variable by its Finnish label, so the
test also shows that no M-code is needed: a label the table lacks fails the fetch by name.
"""

from __future__ import annotations

import duckdb
import openpyxl
import pandas as pd

from pipeline import DEFAULT_SNAPSHOT
from pipeline.snapshot import MANIFEST_NAME, Manifest, check_snapshot
from pipeline.snapshot.fetch import fetch_sources
from tests.helpers import assert_renamed_selector_refuses_fetch

SOURCE = "keyfig_latest"
TABLE = "kuntien_avainluvut_viimeisin"


def _sheet(path) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [r for r in book.worksheets[0].iter_rows(values_only=True) if any(r)]
    finally:
        book.close()


def _fetch(catalogue, snapshot, server) -> list[str]:
    server.use_snapshot()
    server.bump_updated(TABLE)
    lines: list[str] = []
    report = fetch_sources(
        catalogue, snapshot, base_url=server.base_url("fi"), only=[SOURCE], echo=lines.append
    )
    assert [r.action for r in report.results] == ["updated"], lines
    return lines


def _tables(path, *queries: str) -> list[pd.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [con.execute(q).df() for q in queries]


def test_fetch_then_build_gives_the_bundled_key_figures(
    catalogue, snapshot, replay_server, tmp_path
):
    from pipeline.build import build_warehouse

    _fetch(catalogue, snapshot, replay_server)
    file = catalogue.source(SOURCE).file
    bundled, fetched = _sheet(DEFAULT_SNAPSHOT / file), _sheet(snapshot / file)
    assert fetched[0][1:] == bundled[0][1:]  # the Tiedot texts, in order
    assert len(fetched) == len(bundled) == 310
    for old, new in zip(bundled[1:], fetched[1:], strict=True):
        assert new[0] == old[0] and [float(v) for v in new[1:]] == [float(v) for v in old[1:]]
    entry = Manifest.load(snapshot / MANIFEST_NAME).entry(SOURCE)
    assert entry.copy == "fetched" and entry.table == f"Kuntien_avainluvut/{TABLE}.px"
    posts = [e for e in replay_server.log if e.method == "POST"]
    asked = {q["code"]: q["selection"]["values"] for q in posts[0].body["query"]}
    assert asked["Tiedot"][:2] == ["T01", "T02"] and len(asked["Tiedot"]) == 32
    assert check_snapshot(catalogue, snapshot) == []
    queries = (
        f"SELECT area_code, year, variable, value FROM staging.{SOURCE} ORDER BY ALL",
        "SELECT * FROM core.indicator_values ORDER BY ALL",
    )
    build_warehouse(catalogue, DEFAULT_SNAPSHOT, tmp_path / "bundled.duckdb")
    build_warehouse(catalogue, snapshot, tmp_path / "fetched.duckdb")
    for before, after in zip(
        _tables(tmp_path / "bundled.duckdb", *queries),
        _tables(tmp_path / "fetched.duckdb", *queries),
        strict=True,
    ):
        pd.testing.assert_frame_equal(after, before)


def test_a_label_the_live_table_lacks_fails_the_fetch_by_name(catalogue, snapshot, replay_server):
    """Were the live table to rename "Työttömien osuus työvoimasta", the fetch stops before
    anything is replaced, naming the label (the selection is by label, not by code)."""
    assert_renamed_selector_refuses_fetch(
        catalogue,
        snapshot,
        replay_server,
        SOURCE,
        TABLE,
        ("unemployment_pct", "Työttömien osuus työvoimasta (uusi)"),
        r"Työttömien osuus työvoimasta \(uusi\)",
    )
