"""No download stops the site: a click on /data answers within seconds with a file or a clear
message, the worker's memory does not grow with the data, the complete files are written once
per build outside any request and served as static files, and `investin export` of everything
as Excel streams in bounded time and memory.

Time and memory are measured in fresh subprocesses (peak RSS is a process's high-water mark).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipeline.export import complete
from tests.small_warehouse import build_small_warehouse

ROOT = Path(__file__).resolve().parents[2]
UPDATE = "/_dash-update-component"

# One /data download click in a fresh app process: seconds, peak-RSS growth and the answer.
# Peak memory is the kernel's high-water mark of this process's own memory (VmHWM): getrusage's
# ru_maxrss would also count the parent's size at the fork, which in a long pytest run is large.
PEAK = r"""
def peak_mb():
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024
"""

CLICK = (
    PEAK
    + r"""
import json, sys, time
from dashboard.app import create_app
app = create_app(sys.argv[1])
client = app.server.test_client()
small, large = json.loads(sys.argv[2]), json.loads(sys.argv[3])
client.get("/data?lang=en")
assert client.post("/_dash-update-component", json=small).status_code == 200  # warm up
before = peak_mb()
started = time.perf_counter()
answer = client.post("/_dash-update-component", json=large)
seconds = time.perf_counter() - started
grew_mb = peak_mb() - before
print(json.dumps({"status": answer.status_code, "seconds": seconds, "grew_mb": grew_mb,
                  "answer": answer.get_data(as_text=True)[:50000]}))
"""
)


def _download_body(fmt: str, indicators: list[str], areas: list[str], groups: list[str]) -> dict:
    """The callback request of a click on the /data page's `fmt` download button."""
    clicks = [
        {"id": f"data-download-{f}", "property": "n_clicks", "value": int(f == fmt)}
        for f in ("csv", "csv_excel", "xlsx", "parquet")  # the page's buttons, in order
    ]
    values = {"indicators": indicators, "areas": areas, "groups": groups, "from": None}
    values |= {"to": None, "wide": []}
    state = [{"id": f"data-{k}", "property": "value", "value": v} for k, v in values.items()]
    state.append({"id": "data-lang", "property": "data", "value": "en"})
    return {
        "output": "data-download.data",
        "outputs": {"id": "data-download", "property": "data"},
        "inputs": clicks,
        "changedPropIds": [f"data-download-{fmt}.n_clicks"],
        "state": state,
    }


def _run(script: str, *args: str, timeout: float) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {timeout:.0f} s (a gunicorn worker is killed at 30 s)")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def every_indicator(warehouse_path) -> list[str]:
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT indicator_id FROM core.indicators").fetchall()]


def test_an_excel_click_on_everything_answers_at_once_with_a_message(
    warehouse_path, every_indicator
):
    """Every indicator, no town and no group chosen (= all of them), Excel: every value but the
    peer groups' (273k rows at the time), which took over a minute and a gigabyte in the worker
    before."""
    small = _download_body("xlsx", ["population"], ["140"], [])
    large = _download_body("xlsx", every_indicator, [], [])
    got = _run(CLICK, str(warehouse_path), json.dumps(small), json.dumps(large), timeout=30)
    assert got["status"] == 200
    assert got["seconds"] < 5, got["seconds"]
    assert got["grew_mb"] < 100, got["grew_mb"]
    answer = json.loads(got["answer"])
    assert "response" not in answer or answer["response"] == {}  # no file
    notice = json.dumps(answer["sideUpdate"]["data-notices"], ensure_ascii=False)
    with duckdb.connect(str(warehouse_path), read_only=True) as con:  # every value but peers'
        rows = con.execute("SELECT count(*) FROM core.all_values WHERE kind <> 'peers'").fetchone()
    assert f"This selection has {rows[0]:,} rows" in notice and "at most 25,000" in notice
    assert "A selection of this size can be downloaded as CSV / Parquet" not in notice
    build = complete.warehouse_build_id(warehouse_path)
    for fmt in ("csv", "xlsx", "parquet"):
        assert f"/downloads/{build}/seutu-investin-all-en.{fmt}" in notice


def test_a_csv_click_within_the_limit_gives_the_file(client, warehouse_path):
    body = _download_body("csv", ["population"], ["140", "740"], ["network"])
    answer = client.post(UPDATE, json=body).get_json()
    sent = answer["response"]["data-download"]["data"]
    assert sent["filename"] == "seutu-investin.csv" and sent["type"] == "text/csv"
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        expected = con.execute(
            "SELECT count(*) FROM core.all_values WHERE indicator_id = 'population' "
            "AND area_code IN ('140', '740', 'network')"
        ).fetchone()[0]
    text = base64.b64decode(sent["content"]).decode("utf-8")
    assert text.count("\n") == expected + 1  # the header and one line per value


# --------------------------------------------------------------------------- complete files


@pytest.fixture
def small_warehouse(tmp_path) -> Path:
    return build_small_warehouse(tmp_path / "warehouse.duckdb")


def test_the_complete_files_hold_every_value_and_are_written_once(small_warehouse):
    written = complete.write_complete(small_warehouse)
    build = complete.warehouse_build_id(small_warehouse)
    folder = small_warehouse.parent / "warehouse-downloads" / build
    names = {f"seutu-investin-all-{lang}.{fmt}" for lang in ["fi", "sv", "en"]
             for fmt in ("csv", "xlsx", "parquet")}  # fmt: skip
    assert (
        {p.name for p in written} == names == {p.name for p in folder.iterdir()} - {complete.LOCK}
    )
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        oracle = con.execute(
            "SELECT v.indicator_id, v.area_code, v.year, v.value, i.decimals, v.month "
            "FROM core.all_values v JOIN core.indicators i USING (indicator_id) "
            "WHERE v.kind <> 'peers' ORDER BY 1, 2, 3, v.month, 4"
        ).df()
    keys = ["indicator_id", "area_code", "year", "value"]
    parquet = pd.read_parquet(folder / "seutu-investin-all-fi.parquet")  # full precision
    pd.testing.assert_frame_equal(
        parquet.sort_values([*keys[:3], "month", "value"])[keys].reset_index(drop=True),
        oracle[keys].reset_index(drop=True),
        check_dtype=False,
    )
    frame = pd.read_csv(folder / "seutu-investin-all-sv.csv", dtype={"area_code": str})
    got = frame.sort_values([*keys[:3], "month"], kind="stable")[keys].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        got[keys[:3]], oracle[keys[:3]].reset_index(drop=True), check_dtype=False
    )
    # CSV: each value rounded to its indicator's decimals
    assert ((got.value - oracle.value).abs() <= 0.5 * 10.0**-oracle.decimals + 1e-9).all()
    sheet = pd.read_excel(folder / "seutu-investin-all-en.xlsx", sheet_name="data")
    assert len(sheet) == len(oracle) == len(parquet)
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    complete.write_complete(small_warehouse)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps


def test_only_one_process_writes_the_complete_files(small_warehouse):
    folder = complete.writable_folder(small_warehouse, complete.warehouse_build_id(small_warehouse))
    with complete._locked(folder) as got:
        assert got and complete.is_writing(folder)
        assert complete.write_complete(small_warehouse) == []  # another writer holds the lock
    assert not complete.is_writing(folder)


def test_the_background_writer_writes_the_asked_file_then_the_rest(small_warehouse):
    build = complete.warehouse_build_id(small_warehouse)
    complete.start_writer(small_warehouse, first="seutu-investin-all-sv.xlsx")
    complete.start_writer(small_warehouse)  # still running: no second writer
    writer = complete._started[str(small_warehouse.resolve())]
    assert writer.wait(timeout=120) == 0
    found = [complete.find(small_warehouse, build, complete.file_name(lang, fmt))
             for lang, fmt in complete.ORDER]  # fmt: skip
    assert all(found), found
    first = complete.find(small_warehouse, build, "seutu-investin-all-sv.xlsx")
    assert first.stat().st_mtime_ns <= min(path.stat().st_mtime_ns for path in found)


def test_the_route_serves_a_complete_file_with_caching_tied_to_the_build(
    client, warehouse_path, monkeypatch
):
    started = []
    monkeypatch.setattr(complete, "start_writer", lambda *a, **k: started.append((a, k)))
    build = complete.warehouse_build_id(warehouse_path)
    url = f"/downloads/{build}/seutu-investin-all-sv.csv"
    waiting = client.get(url)
    assert waiting.status_code == 503 and waiting.headers["Retry-After"] == "10"
    assert "Filen förbereds" in waiting.get_data(as_text=True)
    assert started == [((warehouse_path.resolve(),), {"first": "seutu-investin-all-sv.csv"})]
    folder = complete.writable_folder(warehouse_path, build)
    try:
        (folder / "seutu-investin-all-sv.csv").write_text("indicator_id\npopulation\n")
        served = client.get(url)
        assert served.status_code == 200 and served.data == b"indicator_id\npopulation\n"
        assert "attachment" in served.headers["Content-Disposition"]
        assert "immutable" in served.headers["Cache-Control"]
        etag = served.headers["ETag"]
        assert build in etag
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    finally:
        (folder / "seutu-investin-all-sv.csv").unlink()
    assert client.get(f"/downloads/{'0' * 16}/seutu-investin-all-sv.csv").status_code == 404
    assert client.get(f"/downloads/{build}/..%2Fwarehouse.duckdb").status_code == 404
    assert client.get(f"/downloads/{build}/seutu-investin-all-xx.csv").status_code == 404


# --------------------------------------------------------------------------- the command line

EXPORT = (
    PEAK
    + r"""
import sys, time
from pathlib import Path
from pipeline.export import Selection, export_file
started = time.perf_counter()
rows = export_file(Path(sys.argv[1]), Selection(lang="en"), "xlsx", Path(sys.argv[2]))
peak = peak_mb()
print('{"rows": %d, "seconds": %.2f, "peak_mb": %.0f}' % (rows, time.perf_counter() - started, peak))
"""
)


def test_excel_export_of_everything_streams_in_bounded_memory(warehouse_path, tmp_path):
    """Before: about a minute and 1.25 GB; the workbook is now written row by row."""
    out = tmp_path / "all.xlsx"
    started = time.perf_counter()
    got = _run(EXPORT, str(warehouse_path), str(out), timeout=240)
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        expected = con.execute("SELECT count(*) FROM core.all_values WHERE kind <> 'peers'")
        expected = expected.fetchone()[0]
    assert got["rows"] == expected
    assert got["peak_mb"] < 600, got
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert workbook.sheetnames == ["data", "indicators", "README"]
    assert workbook["data"].max_row == expected + 1
    assert time.perf_counter() - started < 240
