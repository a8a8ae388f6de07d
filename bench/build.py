"""`investin build` from the bundled snapshot, timed as a subprocess (imports included).

The warehouse goes to a temporary file; data/warehouse.duckdb is never touched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import SNAPSHOT, Result, investin, median, run_checked, timed

TARGET_S = 5.0


def bench_build(repeats: int = 3, *, snapshot: Path = SNAPSHOT, timeout: float = 300.0) -> Result:
    """Median wall time of ``investin build --warehouse <tmp>`` over ``repeats`` runs."""
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        out = Path(tmp) / "warehouse.duckdb"
        command = [*investin(), "build", "--snapshot", str(snapshot), "--warehouse", str(out)]
        for _ in range(max(1, repeats)):
            seconds, _ = timed(lambda: run_checked(command, timeout=timeout))
            times.append(seconds)
        size = out.stat().st_size
    med = median(times)
    return Result(
        bench="build",
        what="investin build from the bundled snapshot",
        reference="-",
        measured=f"{med:.2f} s (median of {len(times)})",
        target=f"< {TARGET_S:.0f} s",
        passed=med < TARGET_S,
        values={"seconds": times, "median_s": med, "warehouse_bytes": size},
    )
