"""read_jsonstat against pyjstat and against the floor, `json.loads` of the same text.

Two json-stat2 documents:
- the 93,000-value population projection (14wx), bundled as Statistics Finland answered it;
- the 2026-form population table (11re, every area and year: ~16,000 values) as the
  test replay server answers a whole-table query, re-encoded from the bundled snapshot (what the
  live fetch parses; no value invented, see tests/replay_snapshot.py).

Each reader parses the same JSON text into a frame: ``read_jsonstat(text)`` and
``pyjstat.Dataset.read(text).write("dataframe")`` (pyjstat 2.4's API). Medians over ``repeats``
runs; ``ratio_pyjstat_over_ours`` is how many times faster read_jsonstat is than pyjstat,
``ratio_ours_over_json_loads`` how many times the bare parse it costs.

The reference is the standard library's ``json.loads`` of the same text, although
read_jsonstat itself parses text with orjson: ``orjson_loads_median_s`` is reported beside it,
so the share of the reader's time that is parsing shows. read_jsonstat and the two parsers are
timed in turn within each repeat (not one after the other in blocks), so that load from other
processes on the machine falls on all three alike.

    python -m bench.jsonstat_bench [--repeats N]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

import orjson

from bench.common import SNAPSHOT, median, ms, repeat, timed
from pipeline.jsonstat import read_jsonstat

PROJECTION = (
    SNAPSHOT
    / "statfin"
    / "vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json"
)
REPLAYED_TABLE = "11re"
MIN_FAST_REPEATS = 15  # the fast timings (a few ms each) get at least this many rounds


def replayed_text(table_id: str = REPLAYED_TABLE) -> tuple[str, str]:
    """(name, json-stat2 text) of the replay server's whole-table answer for `table_id`'s
    2026 form."""
    from tests.replay_server import Table, answer
    from tests.replay_snapshot import build_snapshot_tables

    table = next(t for t in build_snapshot_tables(Table) if t.table_id == table_id)
    query = [
        {"code": v["code"], "selection": {"filter": "all", "values": ["*"]}}
        for v in table.new.variables
    ]
    body, _cells = answer(table.new, {"query": query, "response": {"format": "json-stat2"}})
    return f"{table.new_path} (2026 form, replayed)", body.decode("utf-8")


def run_text(name: str, text: str, repeats: int = 5) -> dict[str, Any]:
    """Time read_jsonstat, pyjstat and json.loads on `text`; medians (s), ratios, row count."""
    import pyjstat.pyjstat as pyjstat

    ours_frame = read_jsonstat(text)
    theirs_frame = pyjstat.Dataset.read(text).write("dataframe")
    if len(ours_frame) != len(theirs_frame):
        raise AssertionError(f"row counts differ: {len(ours_frame)} vs {len(theirs_frame)}")
    ours, floor, fast = _interleaved(
        [lambda: read_jsonstat(text), lambda: json.loads(text), lambda: orjson.loads(text)],
        max(repeats, MIN_FAST_REPEATS),
    )
    theirs = median(repeat(lambda: pyjstat.Dataset.read(text).write("dataframe"), repeats))
    return {
        "file": name,
        "cells": len(ours_frame),
        "repeats": repeats,
        "read_jsonstat_median_s": ours,
        "pyjstat_median_s": theirs,
        "json_loads_median_s": floor,
        "orjson_loads_median_s": fast,
        "ratio_pyjstat_over_ours": theirs / ours,
        "ratio_ours_over_json_loads": ours / floor,
    }


def _interleaved(fns: list[Callable[[], Any]], repeats: int) -> list[float]:
    """Median seconds of each of `fns`, all run once per round, `repeats` rounds."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, out in zip(fns, times, strict=True):
            out.append(timed(fn)[0])
    return [median(t) for t in times]


def run(repeats: int = 5, path=PROJECTION) -> dict[str, Any]:
    """`run_text` on the file at `path`."""
    return run_text(path.name, path.read_text(encoding="utf-8"), repeats)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    for r in (run(args.repeats), run_text(*replayed_text(), args.repeats)):
        print(f"{r['file']}: {r['cells']:,} cells, median of {r['repeats']} runs")
        print(f"  read_jsonstat   {ms(r['read_jsonstat_median_s'])}")
        print(f"  pyjstat         {ms(r['pyjstat_median_s'])}")
        print(f"  json.loads      {ms(r['json_loads_median_s'])} (stdlib; the reference)")
        print(f"  orjson.loads    {ms(r['orjson_loads_median_s'])} (read_jsonstat's own parse)")
        print(f"  pyjstat / read_jsonstat = {r['ratio_pyjstat_over_ours']:.1f}x")
        print(f"  read_jsonstat / json.loads = {r['ratio_ours_over_json_loads']:.1f}x")


if __name__ == "__main__":
    main()
