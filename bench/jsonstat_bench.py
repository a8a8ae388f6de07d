"""read_jsonstat vs pyjstat on the 93,000-value population projection (json-stat2).

Both parse the same JSON text into a frame: ``read_jsonstat(text)`` and
``pyjstat.Dataset.read(text).write("dataframe")`` (pyjstat 2.4's API). Medians over ``repeats``
runs; the ratio is pyjstat's median over ours (how many times faster read_jsonstat is).

    python -m bench.jsonstat_bench [--repeats N]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench.common import SNAPSHOT, median, ms, repeat
from pipeline.jsonstat import read_jsonstat

PROJECTION = (
    SNAPSHOT
    / "statfin"
    / "vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json"
)


def run(repeats: int = 5, path=PROJECTION) -> dict[str, Any]:
    """Time both readers on ``path``; returns medians (s), the ratio and the frame shapes."""
    import pyjstat.pyjstat as pyjstat

    text = path.read_text(encoding="utf-8")
    ours_frame = read_jsonstat(text)
    theirs_frame = pyjstat.Dataset.read(text).write("dataframe")
    if len(ours_frame) != len(theirs_frame):
        raise AssertionError(f"row counts differ: {len(ours_frame)} vs {len(theirs_frame)}")
    ours = repeat(lambda: read_jsonstat(text), repeats)
    theirs = repeat(lambda: pyjstat.Dataset.read(text).write("dataframe"), repeats)
    parse_only = repeat(lambda: json.loads(text), repeats)
    result = {
        "file": path.name,
        "cells": len(ours_frame),
        "repeats": repeats,
        "read_jsonstat_median_s": median(ours),
        "pyjstat_median_s": median(theirs),
        "json_loads_median_s": median(parse_only),
        "ratio_pyjstat_over_ours": median(theirs) / median(ours),
    }
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    r = run(args.repeats)
    print(f"{r['file']}: {r['cells']:,} cells, median of {r['repeats']} runs")
    print(f"  read_jsonstat   {ms(r['read_jsonstat_median_s'])}")
    print(f"  pyjstat         {ms(r['pyjstat_median_s'])}")
    print(f"  (json.loads     {ms(r['json_loads_median_s'])}, included in both)")
    print(f"  ratio pyjstat / read_jsonstat = {r['ratio_pyjstat_over_ours']:.1f}x")


if __name__ == "__main__":
    main()
