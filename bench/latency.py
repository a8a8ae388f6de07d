"""Server latency of the profile, compare and map pages and callbacks, and worker memory.

One gunicorn server (`bench.wsgi:server`: the app `investin serve --prod` serves, plus the
reference callback; 2 workers) on 127.0.0.1. For every request (page
GET, page layout through Dash's routing callback, the page's callbacks with payloads built from
`/_dash-dependencies` and the rendered layout) a closed-loop burst of 1 and then 16 concurrent
clients (a thread and a `requests.Session` each, a bounded number of requests and seconds) gives
p50/p95 latency. The trivial `bench-echo` callback is measured the same way in the same server
before and after the others: its pooled p95 is the reference.

Requests vary the way users do: the profile is loaded for several towns, and a callback whose
first scalar input is a dropdown cycles through the dropdown's options, so caches see misses.
Memory: the largest resident set of a worker after the load.
"""

from __future__ import annotations

import copy
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import requests

from bench.common import WAREHOUSE, Result, median, percentile
from bench.server import (
    PageSpec,
    Request,
    component_props,
    dependencies,
    echo_request,
    gunicorn_server,
    page_requests,
    routing_body,
)

P95_TARGET_MS = 150.0
RATIO_TARGET = 4.0
RSS_TARGET_MB = 400.0
VARIANTS = 8


@dataclass
class Load:
    clients: int
    requests_per_client: int
    max_seconds: float


def network_towns(warehouse: Path, n: int = VARIANTS) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "SELECT area_code FROM core.areas WHERE kind = 'municipality' AND is_network "
            "ORDER BY area_code LIMIT ?",
            [n],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def _scalar_options(props: dict[str, Any]) -> list[Any]:
    options = props.get("options")
    if not isinstance(options, list) or isinstance(props.get("value"), list):
        return []
    return [o["value"] if isinstance(o, dict) else o for o in options]


def with_variants(req: Request, props: dict[str, dict[str, Any]], n: int) -> list[Request]:
    """``req`` and up to ``n - 1`` copies whose first dropdown input takes other options."""
    if req.body is None or req.kind != "callback":
        return [req]
    for pos, item in enumerate(req.body["inputs"]):
        comp = props.get(str(item["id"]), {})
        options = [o for o in _scalar_options(comp) if o != item.get("value")]
        if options:
            out = [req]
            for value in options[: n - 1]:
                body = copy.deepcopy(req.body)
                body["inputs"][pos]["value"] = value
                body["changedPropIds"] = [f"{item['id']}.{item['property']}"]
                out.append(Request(req.name, req.method, req.path, body, req.kind))
            return out
    return [req]


def burst(variants: list[Request], base: str, load: Load) -> list[float]:
    """Latencies of a closed-loop burst: ``load.clients`` threads, each cycling the variants."""
    start = threading.Barrier(load.clients)
    deadline = [0.0]

    def client(index: int) -> list[float]:
        times = []
        with requests.Session() as session:
            start.wait()
            if index == 0:
                deadline[0] = time.monotonic() + load.max_seconds
            for i in range(load.requests_per_client):
                if deadline[0] and time.monotonic() > deadline[0]:
                    break
                req = variants[(index + i * load.clients) % len(variants)]
                times.append(req.send(session, base))
        return times

    with ThreadPoolExecutor(load.clients) as pool:
        results = list(pool.map(client, range(load.clients)))
    return [t for r in results for t in r]


def _pages(towns: list[str]) -> list[PageSpec]:
    return [
        PageSpec("profile", f"/town/{towns[0]}"),
        PageSpec("compare", "/compare"),
        PageSpec("map", "/map"),
    ]


def collect_requests(
    session: requests.Session, base: str, towns: list[str]
) -> dict[str, list[Request]]:
    """Every request to measure, by name, with its variants."""
    deps = dependencies(session, base)
    out: dict[str, list[Request]] = {}
    for page in _pages(towns):
        reqs = page_requests(session, base, deps, page)
        layout_answer = session.post(base + reqs[1].path, json=reqs[1].body, timeout=60).json()
        props = component_props(layout_answer["response"]["_pages_content"]["children"])
        for req in reqs:
            if page.name == "profile" and req.kind in ("page", "layout"):
                out[req.name] = [_town_variant(req, deps, code) for code in towns]
            else:
                out[req.name] = with_variants(req, props, VARIANTS)
    return out


def _town_variant(req: Request, deps: list[dict[str, Any]], code: str) -> Request:
    if req.kind == "page":
        return Request(req.name, "GET", f"/town/{code}", kind="page")
    return Request(req.name, "POST", req.path, routing_body(deps, f"/town/{code}", ""), "layout")


def measure(
    base: str, named: dict[str, list[Request]], loads: list[Load]
) -> dict[str, dict[str, Any]]:
    """p50/p95 (ms) per request name and load; echo before and after the rest."""
    echo = [echo_request()]
    stats: dict[str, dict[str, Any]] = {}
    for load in loads:
        echo_times = burst(echo, base, load)
        for name, variants in named.items():
            burst(variants[:1], base, Load(min(2, load.clients), 2, 10.0))  # warm the workers
            times = burst(variants, base, load)
            stats.setdefault(name, {})[str(load.clients)] = _summary(times)
        echo_times += burst(echo, base, load)
        stats.setdefault(echo[0].name, {})[str(load.clients)] = _summary(echo_times)
    return stats


def _summary(times: list[float]) -> dict[str, Any]:
    return {
        "n": len(times),
        "p50_ms": 1000 * median(times),
        "p95_ms": 1000 * percentile(times, 95),
        "max_ms": 1000 * max(times),
    }


def bench_latency(
    *,
    warehouse: Path = WAREHOUSE,
    workers: int = 2,
    loads: list[Load] | None = None,
) -> list[Result]:
    loads = loads or [Load(1, 8, 10.0), Load(16, 3, 15.0)]
    towns = network_towns(warehouse)
    with gunicorn_server(warehouse, workers=workers) as server:
        with requests.Session() as session:
            named = collect_requests(session, server.url, towns)
        stats = measure(server.url, named, loads)
        rss = server.worker_rss_mb()
    return _results(stats, loads, rss, workers)


def _results(stats: dict, loads: list[Load], rss: list[float], workers: int) -> list[Result]:
    hi, lo = str(loads[-1].clients), str(loads[0].clients)
    echo = stats[echo_request().name]
    ref = echo[hi]["p95_ms"]
    out = []
    for name, by_load in stats.items():
        if name == echo_request().name:
            continue
        p95 = by_load[hi]["p95_ms"]
        ratio = p95 / ref if ref > 0 else float("inf")
        out.append(
            Result(
                bench="latency",
                what=f"{name} (gunicorn, {workers} workers)",
                reference=f"echo p95 {ref:.1f} ms @{hi}",
                measured=(
                    f"p95 {p95:.0f} ms @{hi} ({ratio:.1f}x echo), p50 {by_load[hi]['p50_ms']:.0f}"
                    f"; @{lo}: p50 {by_load[lo]['p50_ms']:.0f} p95 {by_load[lo]['p95_ms']:.0f} ms"
                ),
                target=f"p95 < {P95_TARGET_MS:.0f} ms @{hi}, <= {RATIO_TARGET:.0f}x echo",
                passed=p95 < P95_TARGET_MS and ratio <= RATIO_TARGET,
                values={"by_clients": by_load, "echo": echo, "ratio_p95": ratio},
            )
        )
    worst = max(rss) if rss else float("nan")
    out.append(
        Result(
            bench="memory",
            what="resident memory of one server worker after the load run",
            reference="-",
            measured=f"{worst:.0f} MB (workers: {', '.join(f'{r:.0f}' for r in rss)})",
            target=f"< {RSS_TARGET_MB:.0f} MB",
            passed=bool(rss) and worst < RSS_TARGET_MB,
            values={"worker_rss_mb": rss},
        )
    )
    return out
