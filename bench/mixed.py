"""The cold mixed load users meet: the suite's load test (tests/reliability/test_load.py) as a
benchmark, against a fresh `bench.wsgi:server` with 2 workers (what `investin serve --prod`
runs): 32 clients for 60 s, each request drawn at random over the whole space (any of the 308
towns, any language, random compare, map, data and network states, every server callback with
random inputs), page loads as a browser makes them (the page, its layout, the parts the layout
fills right after). The echo callback under the same 32 clients is the reference.
"""

from __future__ import annotations

import time
from pathlib import Path

import requests

from bench.common import WAREHOUSE, Result, percentile
from bench.server import echo_request, gunicorn_server

TARGET_RPS = 100.0
TARGET_P95_MS = 400.0
TARGET_RSS_MB = 400.0


def _echo_p95(base: str, clients: int, seconds: float) -> float:
    """p95 (ms) of the echo callback under `clients` closed-loop clients for `seconds`."""
    from concurrent.futures import ThreadPoolExecutor

    echo = echo_request()
    deadline = time.monotonic() + seconds

    def client(_n: int) -> list[float]:
        times = []
        with requests.Session() as session:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                session.post(base + echo.path, json=echo.body, timeout=60).raise_for_status()
                times.append(time.perf_counter() - started)
        return times

    with ThreadPoolExecutor(clients) as pool:
        times = [t for part in pool.map(client, range(clients)) for t in part]
    return percentile(times, 95) * 1000


def bench_mixed(seconds: float = 60.0, *, warehouse: Path = WAREHOUSE) -> list[Result]:
    """Requests/s, latency and worker memory of the cold mixed load, beside the echo."""
    from tests.reliability import test_load as load_test

    load_test.SECONDS = seconds
    with gunicorn_server(warehouse, workers=load_test.WORKERS) as server:
        rss_before = server.worker_rss_mb()
        deps = requests.get(f"{server.url}/_dash-dependencies", timeout=30).json()
        templates = load_test.callback_templates(server.url, deps)
        space = load_test.Space.of(warehouse)
        load = load_test.Load()
        wall = load_test.run_clients(server.url, deps, templates, space, load)
        rss_after = server.worker_rss_mb()
        echo_p95 = _echo_p95(server.url, load_test.CLIENTS, min(10.0, seconds))
    ordered = sorted(load.latencies)
    rps = len(ordered) / wall
    p95 = percentile(ordered, 95) * 1000
    worst_rss = max(rss_after)
    return [
        Result(
            bench="mixed",
            what=(
                f"cold mixed load, {load_test.CLIENTS} clients x {wall:.0f} s, "
                f"{load_test.WORKERS} workers: {len(ordered)} requests "
                f"({load.kinds['page']} page loads, {load.kinds['callback']} callbacks)"
            ),
            reference=f"echo callback p95 {echo_p95:.0f} ms at {load_test.CLIENTS} clients",
            measured=(
                f"{rps:.1f} req/s, p50 {percentile(ordered, 50) * 1000:.0f} ms, p95 {p95:.0f} ms,"
                f" p99 {percentile(ordered, 99) * 1000:.0f} ms, {len(load.errors)} errors;"
                f" worker RSS {', '.join(f'{m:.0f}' for m in rss_before)} ->"
                f" {', '.join(f'{m:.0f}' for m in rss_after)} MB"
            ),
            target=(
                f">= {TARGET_RPS:.0f} req/s, p95 <= {TARGET_P95_MS:.0f} ms, 0 errors,"
                f" every worker <= {TARGET_RSS_MB:.0f} MB"
            ),
            passed=rps >= TARGET_RPS
            and p95 <= TARGET_P95_MS
            and not load.errors
            and worst_rss <= TARGET_RSS_MB,
            values={
                "requests_per_second": rps,
                "latencies_s": ordered,
                "errors": load.errors[:20],
                "rss_before_mb": rss_before,
                "rss_after_mb": rss_after,
                "echo_p95_ms": echo_p95,
            },
        )
    ]
