"""Which Excel writer for exports: time and peak memory of writing N export rows as xlsx.

    python -m bench.xlsx_writers [--warehouse PATH] [--rows 100000,all] [--repeats 1]

Candidates, each run in its own process (peak memory is the child's own high-water mark,
VmHWM, imports included) on the same rows (every indicator, every municipality and group, Finnish):

- `pandas-openpyxl`: `DataFrame.to_excel` with openpyxl, what exports used before (the whole
  frame in memory, then every cell as an openpyxl object until it saves);
- `openpyxl-write-only`: openpyxl's write-only workbook fed the same streamed frames;
- `xlsxwriter`: what `pipeline.export` ships (`pipeline.export.writers.write_xlsx`,
  XlsxWriter in constant-memory mode, streamed frames).

Without --warehouse a warehouse is built from the bundled snapshot into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, SNAPSHOT, Result, investin, median, run_checked

CANDIDATES = ("pandas-openpyxl", "openpyxl-write-only", "xlsxwriter")
SHIPPED = "xlsxwriter"


def _rows(warehouse: Path, limit: int | None):
    """The benchmark's rows as export frames, and a connection to close."""
    import duckdb

    from pipeline.export import Selection, frame_batches

    con = duckdb.connect(str(warehouse), read_only=True)
    frames = frame_batches(con, Selection())
    if limit is None:
        return con, frames

    def head():
        left = limit
        for frame in frames:
            yield frame.head(left)
            left -= len(frame)
            if left <= 0:
                return

    return con, head()


def _write(candidate: str, warehouse: Path, limit: int | None, out: Path) -> int:
    import pandas as pd

    from pipeline.export.writers import write_xlsx

    con, frames = _rows(warehouse, limit)
    try:
        if candidate == "xlsxwriter":
            return write_xlsx(out, frames, lambda _ids: [])
        if candidate == "pandas-openpyxl":
            frame = pd.concat(list(frames), ignore_index=True)
            frame.to_excel(out, sheet_name="data", index=False, engine="openpyxl")
            return len(frame)
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        rows = 0
        for frame in frames:
            if rows == 0:
                sheet.append(list(frame.columns))
            for cells in zip(*(frame[c].tolist() for c in frame.columns), strict=True):
                sheet.append([None if v is None or v != v else v for v in cells])
            rows += len(frame)
        workbook.save(out)
        return rows
    finally:
        con.close()


def _child(candidate: str, warehouse: Path, limit: int | None) -> dict:
    """One measured run (in this process): seconds, rows, peak RSS in MB, file size."""
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        out = Path(tmp) / "out.xlsx"
        started = time.perf_counter()
        rows = _write(candidate, warehouse, limit, out)
        seconds = time.perf_counter() - started
        size = out.stat().st_size
    # the process's own high-water mark (ru_maxrss would count the parent's size at the fork)
    status = Path("/proc/self/status").read_text()
    peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_mb, "bytes": size}


def measure(candidate: str, warehouse: Path, limit: int | None, timeout: float = 600) -> dict:
    """`_child` in a fresh interpreter, so imports and high-water marks do not mix."""
    command = [sys.executable, "-m", "bench.xlsx_writers", "--child", candidate]
    command += ["--warehouse", str(warehouse), "--rows", "all" if limit is None else str(limit)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{candidate} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_xlsx(
    warehouse: Path, limits: list[int | None], repeats: int = 1, candidates=CANDIDATES
) -> list[Result]:
    """A result row per (candidate, row count): median seconds and the peak memory."""
    results = []
    for limit in limits:
        runs = {c: [measure(c, warehouse, limit) for _ in range(repeats)] for c in candidates}
        for candidate, measured in runs.items():
            seconds = median([m["seconds"] for m in measured])
            peak = max(m["peak_mb"] for m in measured)
            rows = measured[0]["rows"]
            results.append(
                Result(
                    bench="xlsx",
                    what=f"{candidate}, {rows} rows",
                    reference="pandas-openpyxl",
                    measured=f"{seconds:.1f} s, {peak:.0f} MB peak",
                    target="fastest, flat memory" if candidate == SHIPPED else "-",
                    passed=None if candidate != SHIPPED else True,
                    values={"runs": measured, "median_s": seconds, "peak_mb": peak},
                )
            )
    return results


def _limits(text: str) -> list[int | None]:
    return [None if part == "all" else int(part) for part in text.split(",")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--rows", default="100000,all")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--child", choices=CANDIDATES)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.warehouse, _limits(args.rows)[0])))
        return
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-wh-") as tmp:
        warehouse = args.warehouse
        if warehouse is None:
            warehouse = Path(tmp) / "warehouse.duckdb"
            build = [*investin(), "build", "--snapshot", str(SNAPSHOT), "--warehouse"]
            run_checked([*build, str(warehouse)], timeout=600)
        for result in bench_xlsx(warehouse, _limits(args.rows), args.repeats):
            print(f"{result.what:<40} {result.measured}")


if __name__ == "__main__":
    main()
