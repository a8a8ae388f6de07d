"""Parse the 93,000-value json-stat2 projection file: read_jsonstat against pyjstat.

The measurement itself is engineer A's ``bench/jsonstat_bench.py``; this wraps it as a row.
"""

from __future__ import annotations

from bench import jsonstat_bench
from bench.common import Result, ms

TARGET_RATIO = 10.0


def bench_parse(repeats: int = 5) -> Result:
    r = jsonstat_bench.run(repeats)
    ratio = r["ratio_pyjstat_over_ours"]
    return Result(
        bench="parse",
        what=f"parse {r['file']} ({r['cells']:,} values)",
        reference=f"pyjstat {ms(r['pyjstat_median_s'])}",
        measured=f"{ms(r['read_jsonstat_median_s'])} ({ratio:.1f}x faster)",
        target=f">= {TARGET_RATIO:.0f}x faster",
        passed=ratio >= TARGET_RATIO,
        values=r,
    )
