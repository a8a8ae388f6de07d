"""`investin fetch` against the PxWeb replay server (tests/replay_server.py) on 127.0.0.1.

Two figures, both on a private copy of data/snapshot:

- a full fetch of every PxWeb source the replay server serves, with a 10,000-cell limit and a
  call-rate limit: data requests per table against the lower bound ceil(cells / limit), and the
  most calls the server saw in any window (never above the limit, no 429);
- a second fetch with nothing changed: metadata requests only, 0 data requests.

The clients are the ones `investin fetch` makes (default factory). The server lists the served
tables in their folders with ``updated`` (``set_listings``), as Statistics Finland's PxWeb does.

Request counts come from the server's request log (what the server saw) and are cross-checked
against the client's ``stats`` in the fetch report.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from pathlib import Path

import requests

from bench.common import Result, copy_snapshot, median
from pipeline.catalogue import load_catalogue
from pipeline.snapshot import MANIFEST_NAME, load_manifest
from pipeline.snapshot.fetch import fetch_sources
from tests.helpers import max_in_window
from tests.replay_server import API_PREFIX, ReplayServer

MAX_CELLS = 10_000
MAX_CALLS = 30  # Statistics Finland: 30 calls per 10 s
WINDOW_S = 10.0
MAX_RATIO = 1.5


def served_sources(server: ReplayServer, catalogue) -> list:
    """PxWeb-backed sources whose table (or legacy table) the replay server has."""
    out = []
    for source in catalogue.sources:
        spec = source.pxweb
        if spec is None:
            continue
        tables = [spec.table, spec.legacy_table] if spec.legacy_table else [spec.table]
        for table in tables:
            url = f"{server.base_url(spec.language)}/{spec.database}/{table}"
            if requests.get(url, timeout=10).status_code == 200:
                out.append(source)
                break
    server.clear_log()
    return out


def _forget(snapshot: Path, sources: list) -> None:
    """Remove the sources' files so the next fetch must fetch them all."""
    for entry_id in {s.id for s in sources}:
        entry = load_manifest(snapshot).entry(entry_id)
        if entry is not None:
            (snapshot / entry.file).unlink(missing_ok=True)


def _table_of(path: str) -> str:
    """``/PxWeb/api/v1/fi/StatFin/11re.px`` -> ``fi/StatFin/11re.px``."""
    return path.split("?", 1)[0].removeprefix(API_PREFIX + "/")


def _analyse(log: list, report, limit: int, window: float) -> dict:
    """Requests by kind, and per source its data requests against ceil(cells / limit).

    Sources are fetched one after another, so the server's POSTs split into runs of each
    source's data-request count (from the client's report); a source's cells are those its
    answered POSTs carried. Two sources may share a table (12bc) with different selections.
    """
    kinds = {"metadata": 0, "data": 0, "other": 0, "rate_limited": 0}
    for entry in log:
        kinds["rate_limited"] += entry.status == 429
        if entry.method == "POST":
            kinds["data"] += 1
        elif entry.path.endswith(".px"):
            kinds["metadata"] += 1
        else:
            kinds["other"] += 1
    posts = iter([e for e in log if e.method == "POST"])
    per_source: dict[str, dict] = {}
    for result in report.results:
        mine = [next(posts) for _ in range(result.data_requests)]
        if not mine:
            continue
        cells = sum(e.cells or 0 for e in mine if e.status == 200)
        bound = max(1, math.ceil(cells / limit))
        per_source[result.source_id] = {
            "table": _table_of(mine[0].path),
            "requests": len(mine),
            "rejected": sum(e.status != 200 for e in mine),
            "cells": cells,
            "lower_bound": bound,
            "ratio": len(mine) / bound,
        }
    kinds["max_calls_in_window"] = max_in_window([e.time for e in log], window)
    return {"tables": per_source, **kinds}


def bench_fetch(
    repeats: int = 3,
    *,
    full_repeats: int = 1,
    max_cells: int = MAX_CELLS,
    max_calls: int = MAX_CALLS,
    window_s: float = WINDOW_S,
    max_sources: int | None = None,
) -> list[Result]:
    """``full_repeats`` full fetches on fresh snapshot copies, each followed by ``repeats``
    nothing-changed fetches. Request counts are deterministic; a full fetch waits on the rate
    limit by design (about 20 s), so it runs once by default."""
    catalogue = load_catalogue()
    full_runs, same_runs = [], []
    with ReplayServer() as server, tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp:
        sources = served_sources(server, catalogue)[:max_sources]
        only = tuple(s.id for s in sources)
        if not only:
            raise RuntimeError("the replay server serves none of the catalogue's PxWeb sources")

        def fetch(snapshot: Path) -> dict:
            server.reset()
            server.set_limits(max_cells=max_cells, max_calls=max_calls, window_s=window_s)
            server.set_listings(True)
            started = time.perf_counter()
            report = fetch_sources(
                catalogue,
                snapshot,
                base_url=server.base_url("fi"),
                only=only,
                echo=lambda _line: None,
            )
            seconds = time.perf_counter() - started
            return {
                "seconds": seconds,
                "report": report,
                **_analyse(server.log, report, max_cells, window_s),
            }

        for i in range(max(1, full_repeats)):
            snapshot = copy_snapshot(Path(tmp) / str(i))
            _forget(snapshot, sources)
            full_runs.append(fetch(snapshot))
            same_runs += [fetch(snapshot) for _ in range(max(1, repeats))]
            assert (snapshot / MANIFEST_NAME).exists()
            shutil.rmtree(snapshot)
    return [
        _full_result(full_runs, only, max_cells, max_calls, window_s),
        _same_result(same_runs, only),
    ]


def _full_result(runs: list[dict], only, max_cells, max_calls, window_s) -> Result:
    last = runs[-1]
    requests_ = sum(t["requests"] for t in last["tables"].values())
    bound = sum(t["lower_bound"] for t in last["tables"].values())
    worst = max((t["ratio"] for t in last["tables"].values()), default=math.nan)
    over = max(r["max_calls_in_window"] for r in runs)
    limited = sum(r["rate_limited"] for r in runs)
    client_data = last["report"].data_requests
    passed = (
        worst <= MAX_RATIO
        and over <= max_calls
        and limited == 0
        and client_data == last["data"]
        and all(r["report"].count("updated") == len(only) for r in runs)
    )
    secs = median([r["seconds"] for r in runs])
    return Result(
        bench="fetch_full",
        what=f"full fetch of {len(only)} PxWeb sources, {max_cells:,}-cell limit",
        reference=f"lower bound {bound} data requests",
        measured=(
            f"{requests_} data requests (worst source {worst:.2f}x); "
            f"max {over}/{max_calls} calls per {window_s:g} s, {limited} x 429; {secs:.2f} s"
        ),
        target=f"<= {MAX_RATIO}x bound per source, <= {max_calls} calls/{window_s:g} s",
        passed=passed,
        values={
            "sources": list(only),
            "tables": last["tables"],
            "data_requests": requests_,
            "lower_bound": bound,
            "worst_ratio": worst,
            "client_data_requests": client_data,
            "max_calls_in_window": over,
            "rate_limit": {"max_calls": max_calls, "window_s": window_s},
            "rate_limited": limited,
            "seconds": [r["seconds"] for r in runs],
            "median_s": secs,
        },
    )


def _same_result(runs: list[dict], only) -> Result:
    last = runs[-1]
    data = max(r["data"] for r in runs)
    metadata = last["metadata"]
    client_data = max(r["report"].data_requests for r in runs)
    secs = median([r["seconds"] for r in runs])
    return Result(
        bench="fetch_unchanged",
        what="investin fetch with nothing changed",
        reference=f"{len(only)} tables",
        measured=f"{metadata} metadata, {last['other']} list/config, {data} data requests; {secs:.2f} s",
        target="0 data requests",
        passed=data == 0 and client_data == 0,
        values={
            "tables": len(only),
            "metadata_requests": metadata,
            "other_requests": last["other"],
            "data_requests": data,
            "client_data_requests": client_data,
            "summary": last["report"].summary(),
            "seconds": [r["seconds"] for r in runs],
            "median_s": secs,
        },
    )
