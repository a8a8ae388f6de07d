"""`make bench`: run every benchmark, print the results table, write bench/results.json.

    python -m bench [--only parse,build,growth,fetch,cold,mixed,latency,render] [--repeats N] [--quick]

Every timing is a median over repeated runs beside a reference measured in the same run. A
benchmark that cannot run (a missing browser, say) is reported as "not run" with the reason; the
exit status is 1 when any target is missed or a benchmark could not run.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import psutil

from bench.common import WAREHOUSE, Result, not_run

RESULTS = Path(__file__).resolve().parent / "results.json"
BENCHES = ("parse", "build", "growth", "fetch", "cold", "mixed", "latency", "render")


def _plan(repeats: int | None, quick: bool) -> dict[str, tuple[str, str, Callable[[], list]]]:
    from bench.build import bench_build
    from bench.cold import bench_cold
    from bench.fetch import bench_fetch
    from bench.growth import bench_growth
    from bench.latency import Load, bench_latency
    from bench.mixed import bench_mixed
    from bench.parse import bench_parse
    from bench.render import bench_render

    def n(default: int) -> int:
        return repeats if repeats is not None else (1 if quick else default)

    loads = [Load(1, 4, 10.0), Load(16, 2, 20.0)] if quick else None
    return {
        "parse": (
            "parse two large json-stat files",
            "<= 4x json.loads, >= 10x pyjstat",
            lambda: bench_parse(n(5)),
        ),
        "build": ("investin build", "< 5 s", lambda: [bench_build(n(3))]),
        "growth": (
            "build steps at 3x areas and 3x areas x 3x years",
            "linear or better",
            lambda: bench_growth(((1, 1), (3, 1)) if quick else ((1, 1), (3, 1), (3, 3))),
        ),
        "fetch": ("investin fetch", "bounded requests", lambda: bench_fetch(n(3))),
        "cold": (
            "profile layout of every town, each once",
            "p95 <= 60 ms, <= 12x echo",
            lambda: bench_cold(limit=40 if quick else None),
        ),
        "mixed": (
            "cold mixed load, 32 clients, 2 workers",
            ">= 100 req/s, p95 <= 400 ms, 0 errors, <= 400 MB",
            lambda: bench_mixed(15.0 if quick else 60.0),
        ),
        "latency": (
            "server latency and memory",
            "p95 < 150 ms",
            lambda: bench_latency(loads=loads),
        ),
        "render": ("first render of a profile", "< 1.2 s", lambda: [bench_render(n(3))]),
    }


def run(only: tuple[str, ...], repeats: int | None, quick: bool) -> list[Result]:
    results: list[Result] = []
    for name, (what, target, fn) in _plan(repeats, quick).items():
        if only and name not in only:
            continue
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            results += fn()
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            results.append(not_run(name, what, target, f"{type(exc).__name__}: {exc}"))
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return results


def table(results: list[Result]) -> str:
    headers = ("what", "reference", "measured", "target", "result")
    rows = [
        (
            r.what,
            r.reference,
            r.measured if r.error is None else f"not run: {r.error}",
            r.target,
            {True: "PASS", False: "FAIL", None: "ERROR"}[r.passed],
        )
        for r in results
    ]
    widths = [min(70, max(len(h), *(len(row[i]) for row in rows))) for i, h in enumerate(headers)]

    def line(cells) -> str:
        return " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True))

    return "\n".join(
        [line(headers), "-+-".join("-" * w for w in widths), *(line(row) for row in rows)]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seutu Invest In benchmarks")
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(BENCHES)}")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per timing")
    parser.add_argument("--quick", action="store_true", help="one repeat, small loads")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    only = tuple(x for x in args.only.split(",") if x)
    unknown = set(only) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}")
    if not WAREHOUSE.exists() and any(b in (only or BENCHES) for b in ("latency", "render")):
        parser.error(f"{WAREHOUSE} is missing: run `investin build` (or `make bench`) first")
    started = time.perf_counter()
    results = run(only, args.repeats, args.quick)
    print(table(results))
    doc = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": psutil.cpu_count(),
            "load_average": list(psutil.getloadavg()),
        },
        "results": [r.to_json() for r in results],
    }
    args.out.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({doc['seconds']} s)")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
