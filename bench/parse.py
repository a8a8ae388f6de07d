"""Parse two large json-stat2 documents (the bundled projection and a replayed 2026-form
table): read_jsonstat within `MAX_OVER_JSON_LOADS` times `json.loads` of the same text (the
floor for any reader that starts from text) and at least `MIN_OVER_PYJSTAT` times faster than
pyjstat. The reference is the standard library's json.loads even though read_jsonstat parses
with orjson (whose time is shown beside it). The measurement is ``bench/jsonstat_bench.py``;
this wraps it as rows.
"""

from __future__ import annotations

from typing import Any

from bench import jsonstat_bench
from bench.common import Result, ms

MIN_OVER_PYJSTAT = 10.0
MAX_OVER_JSON_LOADS = 4.0


def _row(r: dict[str, Any]) -> Result:
    over_pyjstat = r["ratio_pyjstat_over_ours"]
    over_floor = r["ratio_ours_over_json_loads"]
    return Result(
        bench="parse",
        what=f"parse {r['file']} ({r['cells']:,} values)",
        reference=(
            f"stdlib json.loads {ms(r['json_loads_median_s'])}; pyjstat {ms(r['pyjstat_median_s'])}"
        ),
        measured=(
            f"{ms(r['read_jsonstat_median_s'])} ({over_floor:.1f}x json.loads, "
            f"{over_pyjstat:.0f}x faster than pyjstat; its own parse, orjson, "
            f"{ms(r['orjson_loads_median_s'])})"
        ),
        target=f"<= {MAX_OVER_JSON_LOADS:.0f}x json.loads, >= {MIN_OVER_PYJSTAT:.0f}x pyjstat",
        passed=over_floor <= MAX_OVER_JSON_LOADS and over_pyjstat >= MIN_OVER_PYJSTAT,
        values=r,
    )


def bench_parse(repeats: int = 5) -> list[Result]:
    """One row per document."""
    projection = jsonstat_bench.run(repeats)
    replayed = jsonstat_bench.run_text(*jsonstat_bench.replayed_text(), repeats)
    return [_row(projection), _row(replayed)]
