"""The cold path users meet: the profile layout of every municipality, each asked once.

A fresh gunicorn server (`bench.wsgi:server`, 2 workers, what `investin serve --prod` runs);
one client asks Dash's routing callback for `/town/<code>?lang=fi` of all 308 towns in a random
order (seeded), each once, so no answer comes from the answer cache; the trivial echo callback,
asked the same number of times in the same server before and after, is the reference. Then the
same towns again in another order (warm: the answer cache). Reports p50/p95/max of each, the
ratio of the cold p95 to the echo's, and the layout's size (the JSON bytes of the answer, and
gzipped as the browser gets it).
"""

from __future__ import annotations

import gzip
import random
import time
from pathlib import Path

import duckdb
import requests

from bench.common import WAREHOUSE, Result, percentile
from bench.server import (
    UPDATE,
    component_props,
    dependencies,
    echo_request,
    gunicorn_server,
    match_bodies,
    routing_body,
)

TARGET_P95_MS = 60.0
TARGET_RATIO = 12.0
TARGET_WARM_MS = 5.0


def municipality_codes(warehouse: Path) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "SELECT area_code FROM core.areas WHERE kind = 'municipality' ORDER BY area_code"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def _times(
    session, base: str, bodies: list[dict], answers: list | None = None
) -> tuple[list[float], list[int]]:
    """Seconds and bytes of each answer (the answers' JSON appended to `answers` if given)."""
    times, sizes = [], []
    for body in bodies:
        started = time.perf_counter()
        answer = session.post(base + UPDATE, json=body, timeout=60)
        data = answer.content
        times.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise RuntimeError(f"{UPDATE} -> {answer.status_code}: {data[:200]!r}")
        sizes.append(len(data))
        if answers is not None:
            answers.append(answer.json())
    return times, sizes


def later_bodies(deps: list[dict], answers: list[dict]) -> list[dict]:
    """The requests for the parts each profile fills after its first answer (the page's MATCH
    callbacks on the placeholders of the layout), as the browser sends them."""
    bodies = []
    for answer in answers:
        props = component_props(answer["response"]["_pages_content"]["children"])
        for dep in deps:
            bodies += match_bodies(dep, props)
    return bodies


def _ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000


def bench_cold(*, warehouse: Path = WAREHOUSE, limit: int | None = None) -> list[Result]:
    """Cold and warm profile layouts over every town, beside the echo callback."""
    codes = municipality_codes(warehouse)[:limit]
    order = random.Random(20261201).sample(codes, len(codes))
    with gunicorn_server(warehouse) as server, requests.Session() as session:
        deps = dependencies(session, server.url)
        bodies = [routing_body(deps, f"/town/{code}", "?lang=fi") for code in order]
        echo = echo_request()
        echo_bodies = [echo.body] * len(bodies)
        echo_before, _ = _times(session, server.url, echo_bodies[: len(bodies) // 2])
        answers: list[dict] = []
        cold, sizes = _times(session, server.url, bodies, answers)
        rest = later_bodies(deps, answers)
        later, later_sizes = _times(session, server.url, rest)
        echo_after, _ = _times(session, server.url, echo_bodies[len(bodies) // 2 :])
        warm, _ = _times(session, server.url, random.Random(1).sample(bodies, len(bodies)))
        sample = session.post(server.url + UPDATE, json=bodies[0], timeout=60).content
    echo_p95 = _ms(echo_before + echo_after, 95)
    cold_p95 = _ms(cold, 95)
    size = f"{sum(sizes) / len(sizes) / 1024:.0f} KB JSON, {len(gzip.compress(sample)) / 1024:.0f} KB gzip"
    return [
        Result(
            bench="cold",
            what=f"profile layout, {len(cold)} towns each once (cold), one client; {size}",
            reference=f"echo callback p95 {echo_p95:.1f} ms",
            measured=(
                f"p50 {_ms(cold, 50):.0f} ms, p95 {cold_p95:.0f} ms, max {_ms(cold, 100):.0f} ms"
                f" ({cold_p95 / echo_p95:.0f}x echo)"
            ),
            target=f"p95 <= {TARGET_P95_MS:.0f} ms and <= {TARGET_RATIO:.0f}x echo",
            passed=cold_p95 <= TARGET_P95_MS and cold_p95 <= TARGET_RATIO * echo_p95,
            values={"cold_s": cold, "echo_s": echo_before + echo_after, "bytes": sizes},
        ),
        Result(
            bench="cold",
            what=(
                f"the part each profile fills right after its layout (below the first screens"
                f" and the printed page 2), {len(later)} towns each once (cold);"
                f" {sum(later_sizes) / max(len(later_sizes), 1) / 1024:.0f} KB JSON"
            ),
            reference=f"echo callback p95 {echo_p95:.1f} ms",
            measured=f"p50 {_ms(later, 50):.0f} ms, p95 {_ms(later, 95):.0f} ms",
            target="reported (no target of its own)",
            passed=True,
            values={"later_s": later, "bytes": later_sizes},
        ),
        Result(
            bench="cold",
            what=f"profile layout, the same {len(warm)} towns again (warm)",
            reference=f"echo callback p95 {echo_p95:.1f} ms",
            measured=f"p50 {_ms(warm, 50):.1f} ms, p95 {_ms(warm, 95):.1f} ms",
            target=f"p95 <= {TARGET_WARM_MS:.0f} ms",
            passed=_ms(warm, 95) <= TARGET_WARM_MS,
            values={"warm_s": warm},
        ),
    ]
