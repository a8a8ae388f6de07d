"""A full fetch of every PxWeb source against the replay server, on a copy of the snapshot.

The replay server's snapshot world (``use_snapshot``) serves every catalogue table re-encoded
from the bundled files (tests/replay_snapshot.py), listed with the manifest's ``updated``. So an
unchanged snapshot costs metadata requests only, and a forced refresh (``bump_updated``) must
give back the bundled numbers, within the cell and call-rate limits.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline import DEFAULT_SNAPSHOT
from pipeline.cli import main as cli
from pipeline.pxweb import resolve_selection
from pipeline.pxweb.client import PxWebClient
from pipeline.pxweb.ratelimit import RateLimiter
from pipeline.readers import read_category_csv, read_csv, read_jsonstat_file
from pipeline.snapshot import MANIFEST_NAME, Manifest, check_snapshot
from pipeline.snapshot.fetch import fetch_sources
from tests.helpers import checksums, max_in_window

MAX_CELLS = 10_000
MAX_CALLS = 8
WINDOW_S = 0.5


def pxweb_sources(catalogue) -> list:
    return [s for s in catalogue.sources if s.pxweb is not None]


def limited_factory():
    """Clients as `investin fetch` makes them (one limiter shared by every language), with the
    test's short rate window instead of the production 10 s."""
    limiter = RateLimiter(MAX_CALLS, WINDOW_S, margin_s=0.02 * WINDOW_S)

    def make(url: str) -> PxWebClient:
        return PxWebClient(
            url, max_calls=MAX_CALLS, period_s=WINDOW_S, limiter=limiter, retries=2,
            backoff_factor=0.01, backoff_jitter=0.0, timeout=(2, 30),
        )  # fmt: skip

    return make


def _stamped(catalogue) -> tuple[list, list]:
    """PxWeb sources whose bundled copy has the publisher's `updated` recorded, and the others."""
    manifest = Manifest.load(DEFAULT_SNAPSHOT / MANIFEST_NAME)
    sources = pxweb_sources(catalogue)
    known = [s for s in sources if manifest.entry(s.id).updated]
    return known, [s for s in sources if s not in known]


def test_unchanged_snapshot_costs_metadata_requests_only(catalogue, snapshot, replay_server):
    replay_server.use_snapshot()
    before = checksums(snapshot, hidden=True)
    known, _ = _stamped(catalogue)
    only = [arg for s in known for arg in ("--only", s.id)]
    result = CliRunner().invoke(
        cli,
        ["fetch", "--base-url", replay_server.base_url("fi"), "--snapshot", str(snapshot), *only],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    n = len(known)
    assert f"tables checked {n}, skipped {n}, unchanged 0, updated 0" in result.output
    assert " 0 data" in result.output
    log = replay_server.log
    assert [e for e in log if e.method == "POST"] == []
    assert {e.method for e in log} == {"GET"} and all(e.status in (200, 404) for e in log)
    assert checksums(snapshot, hidden=True) == before


def test_a_bundled_copy_without_updated_is_fetched_once_then_skipped(
    catalogue, snapshot, replay_server
):
    """11s2, 115b, 12bq, 12hh, 115n, 115p, 115i, Paavo and the key-figures copy came without the
    publisher's stamp: nothing says they are current, so the first fetch asks for the data (the
    same numbers come back), and the next one skips them."""
    replay_server.use_snapshot()
    _, unknown = _stamped(catalogue)
    assert {s.id for s in unknown} == {
        "language_11s2",
        "main_activity_115b",
        "education_12bq",
        "income_deciles_12hh",
        "keyfig_latest",
        "commuting_115n",
        "commuting_115p",
        "paavo_2024",
        "industry_115i",
    }
    args = ["fetch", "--base-url", replay_server.base_url("fi"), "--snapshot", str(snapshot)]
    args += [arg for s in unknown for arg in ("--only", s.id)]
    first = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert f"skipped 0, unchanged 0, updated {len(unknown)}" in first.output
    for source in unknown:
        pd.testing.assert_series_equal(
            _cells(source, snapshot), _cells(source, DEFAULT_SNAPSHOT), obj=source.id
        )
    replay_server.clear_log()
    second = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert f"skipped {len(unknown)}, unchanged 0, updated 0" in second.output, second.output
    assert [e for e in replay_server.log if e.method == "POST"] == []


def test_every_table_is_served_in_both_forms(catalogue, replay_server):
    replay_server.use_snapshot()
    for source in pxweb_sources(catalogue):
        spec = source.pxweb
        tables = [spec.table] + ([spec.legacy_table] if spec.legacy_table else [])
        with PxWebClient(replay_server.base_url(spec.language)) as client:
            for table in tables:
                md = client.metadata(f"{spec.database}/{table}")
                resolved = resolve_selection(md, dict(spec.selection))
                assert resolved, (source.id, table)
    forms = {s.table_id: s.new_path is not None for s in replay_server.snapshot_tables}
    assert forms == {
        "11re": True, "11lj": True, "12w7": True, "14wx": True, "12r5": True, "12bc": True,
        "11ge": True, "006_kta_19_2020": False, "11s2": True, "115b": True, "12bq": True,
        "12hh": True, "kuntien_avainluvut_viimeisin": False, "115n": True, "115p": True,
        "12f7": True,
        "115i": True, "11yq": True,
    }  # fmt: skip


def _refetch_all(catalogue, snapshot, server) -> tuple:
    server.use_snapshot()
    server.set_limits(max_cells=MAX_CELLS, max_calls=MAX_CALLS, window_s=WINDOW_S)
    stamp = server.bump_updated()
    lines: list[str] = []
    report = fetch_sources(
        catalogue,
        snapshot,
        base_url=server.base_url("fi"),
        echo=lines.append,
        client_factory=limited_factory(),
    )
    return report, stamp, server.log


def _check_requests(catalogue, report, log) -> dict[str, tuple[int, int]]:
    """Per source: (data requests, cells) — within 1.5x ceil(cells / limit), never rejected."""
    posts = [e for e in log if e.method == "POST"]
    assert all(e.status == 200 for e in posts), [(e.path, e.status) for e in posts]
    assert len(posts) == report.data_requests
    counts, start = {}, 0
    for result in report.results:  # sources are fetched one after another
        mine = posts[start : start + result.data_requests]
        start += result.data_requests
        cells = sum(e.cells for e in mine)
        assert cells <= MAX_CELLS * len(mine)
        assert all(e.cells <= MAX_CELLS for e in mine)
        assert len(mine) <= 1.5 * math.ceil(cells / MAX_CELLS), (result.source_id, len(mine))
        counts[result.source_id] = (len(mine), cells)
    assert not [e for e in log if e.status == 429]
    assert max_in_window([e.time for e in log], WINDOW_S) <= MAX_CALLS
    return counts


def _build_values(catalogue, snapshot: Path, out: Path) -> pd.DataFrame:
    import duckdb

    from pipeline.build import build_warehouse

    build_warehouse(catalogue, snapshot, out)
    with duckdb.connect(str(out), read_only=True) as con:
        frame = con.execute("SELECT * FROM core.indicator_values").df()
    keys = ["indicator_id", "area_code", "year", "month"]
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.fixture(scope="module")
def bundled_values(catalogue, tmp_path_factory) -> pd.DataFrame:
    return _build_values(
        catalogue, DEFAULT_SNAPSHOT, tmp_path_factory.mktemp("bundled") / "w.duckdb"
    )


def test_forced_refresh_of_legacy_forms_rebuilds_the_same_warehouse(
    catalogue, snapshot, replay_server, bundled_values, tmp_path
):
    """The pre-2026 server (legacy ids only): what produced the bundled files."""
    replay_server.set_forms(new=False)
    report, stamp, log = _refetch_all(catalogue, snapshot, replay_server)
    sources = pxweb_sources(catalogue)
    assert [r.action for r in report.results] == ["updated"] * len(sources)
    manifest = Manifest.load(snapshot / MANIFEST_NAME)
    for source in sources:
        entry = manifest.entry(source.id)
        assert entry.copy == "fetched" and entry.updated == stamp, source.id
        if source.pxweb.legacy_table:
            assert entry.table == f"{source.pxweb.database}/{source.pxweb.legacy_table}"
    counts = _check_requests(catalogue, report, log)
    assert counts["unemployment_12r5"] == (7, 66_836)
    assert counts["projection_14wx"] == (10, 93_000)
    assert counts["population_11re"] == (2, 16_120)
    assert check_snapshot(catalogue, snapshot) == []
    fetched = _build_values(catalogue, snapshot, tmp_path / "fetched.duckdb")
    pd.testing.assert_frame_equal(fetched, bundled_values)


def test_forced_refresh_of_2026_forms_gives_the_bundled_numbers(
    catalogue, snapshot, replay_server, bundled_values, tmp_path
):
    """The 2026 server (short ids, versioned codes): every file refetched, same numbers, and
    the catalogue's selectors (`GDPcap`, `vaesto_e24`, filter `Ikä`) still build the warehouse
    from the files as fetched (`altp-GDPcap`, `ikaryhma_10_20180101`)."""
    report, _, log = _refetch_all(catalogue, snapshot, replay_server)
    sources = pxweb_sources(catalogue)
    assert [r.action for r in report.results] == ["updated"] * len(sources)
    manifest = Manifest.load(snapshot / MANIFEST_NAME)
    for source in sources:
        if source.pxweb.legacy_table:
            spec = source.pxweb
            assert manifest.entry(source.id).table == f"{spec.database}/{spec.table}"
    _check_requests(catalogue, report, log)
    assert check_snapshot(catalogue, snapshot) == []
    for source in sources:
        fetched, bundled = (_cells(source, root) for root in (snapshot, DEFAULT_SNAPSHOT))
        pd.testing.assert_series_equal(fetched, bundled, obj=source.id)
    fetched_values = _build_values(catalogue, snapshot, tmp_path / "fetched.duckdb")
    pd.testing.assert_frame_equal(fetched_values, bundled_values)


def _cells(source, root: Path) -> pd.Series:
    """A source file's numbers keyed by area and period (csv) or by every dimension's codes in
    dimension order (json-stat; contents codes without the 2026 `<subject>-` prefix)."""
    path = root / source.file
    if source.format == "keyfigures_xlsx":
        from pipeline.readers import read_keyfigures_xlsx

        frame = read_keyfigures_xlsx(path).set_index("area_name")
        series = frame.stack(future_stack=True).astype(float)
        series.index.names = [None, None]
        return series.sort_index().rename("value")
    if source.format == "category_csv":
        return _category_cells(source, path)
    if source.format == "paavo_csv":
        return _paavo_cells(source, path)
    if source.format == "pxweb_xlsx":
        return _pxweb_xlsx_cells(source, path)
    if source.format == "csv":
        frame = read_csv(path)
        cols = source.columns
        keys = [cols["area"], cols["period"]]
        column = source.variables[0].selector
        series = pd.to_numeric(frame.set_index(keys)[column])
    else:
        frame, roles, _ = read_jsonstat_file(path)
        dims = [c for c in frame.columns if c != "value"]
        metric = roles.get("metric", [dims[0]])[0]
        frame[metric] = frame[metric].str.rpartition("-")[2]  # `altp-GDPcap` -> `GDPcap`
        series = frame.set_index(dims)["value"]  # both forms keep the variables' order
        series.index.names = [None] * len(dims)
    return series.sort_index().astype(float).rename("value")


def _pxweb_xlsx_cells(source, path: Path) -> pd.Series:
    """A PxWeb xlsx's numbers keyed by quarter, area label, category and measure ('..' as NaN)."""
    from pipeline.readers.pxweb_xlsx import ROW, read_pxweb_xlsx

    cols = source.columns
    keys = [cols["period"], cols["name"], cols["category"]]
    frame = read_pxweb_xlsx(path).drop(columns=ROW).set_index(keys)
    series = frame.stack(future_stack=True).replace("..", float("nan"))
    series.index.names = [None] * 4
    return series.sort_index().astype(float).rename("value")


def _category_cells(source, path: Path) -> pd.Series:
    """A category csv's numbers keyed by area name and category label; a file with a year
    column (as fetched) must hold only the bundled copy's reference year."""
    frame = read_category_csv(path)
    cols = source.columns
    keys = [cols["name"], cols["category"]]
    if source.reference_year is None:  # a series with its years (115n/115p): keyed by year too
        keys.append(cols["period"])
        frame[cols["period"]] = frame[cols["period"]].astype(int)
    elif cols["period"] in frame.columns:
        assert set(frame[cols["period"]]) == {str(source.reference_year)}, source.id
    series = pd.to_numeric(frame.set_index(keys)[cols["value"]])
    series.index.names = [None] * len(keys)
    return series.sort_index().astype(float).rename("value")


def _paavo_cells(source, path: Path) -> pd.Series:
    """A Paavo csv's numbers of the columns the build reads, keyed by postal code and column; a
    file with a year column (as fetched) must hold only the bundled copy's reference year."""
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    period = source.columns["period"]
    if period in frame.columns:
        assert set(frame[period]) == {str(source.reference_year)}, source.id
    columns = list(dict.fromkeys(v.selector for v in source.variables))
    series = frame.set_index("Postinumero")[columns].stack().astype(float)
    series.index.names = [None, None]
    return series.sort_index().rename("value")
