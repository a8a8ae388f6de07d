"""How the build grows: its steps on a synthetic scale-up of the municipal data (bench only).

Nothing here is bundled or shown: the scaled data lives in a temporary folder and an in-memory
warehouse for the length of one run. Scales are (areas, years) factors:

- **areas × k**: every municipality gets k − 1 synthetic twins (unused three-digit codes, the
  same region, sub-region and groups, names marked "#j") in the municipality key and in every
  staged municipal row, so each series is repeated verbatim;
- **bounds**: each indicator's ceiling times the areas factor (`widened`), since a group of k
  times the municipalities sums to k times the real figure;
- **years × 3**: each staged series is mirrored once before its first year and once after its
  last (year `first − 1 − i` holds year `first + i`'s value, `last + 1 + i` holds `last − i`'s),
  so every year-on-year step is one the real series has and the bounds still hold.

The real files are read once (the `raw+staging` step at 1×, reported as such); the scale-up
starts from the staged frames, which are written to the warehouse's staging schema as the
build writes them. Then `pipeline.build.run.build_core` runs every later step with the build's
own timing (`BuildReport.timed`). Each scale runs in a fresh process (`--one`) whose peak
resident memory is sampled every 10 ms and attributed to the step running at that moment.

    python -m bench.growth                  # 1x, 3x areas, 3x areas x 3x years
    python -m bench.growth --one 3 1        # one scale, as JSON (used by the above)
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bench.common import SNAPSHOT, Result
from pipeline.build.report import BuildReport

SCALES = ((1, 1), (3, 1), (3, 3))
PAGE = os.sysconf("SC_PAGE_SIZE")


class PeakSampler:
    """The process's resident memory, sampled in a thread; `peak_during(step)` per step."""

    def __init__(self) -> None:
        self.step = "start"
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with open("/proc/self/statm") as statm:
                rss = int(statm.read().split()[1]) * PAGE
            self.peaks[self.step] = max(self.peaks.get(self.step, 0), rss)
            time.sleep(0.01)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclasses.dataclass
class SampledReport(BuildReport):
    """The build's report whose `timed` steps also name the step the memory sampler is in."""

    sampler: PeakSampler | None = None

    @contextlib.contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        if self.sampler is not None:
            self.sampler.step = phase
        with super().timed(phase):
            yield


def _free_codes(used: set[str], needed: int) -> list[str]:
    free = [f"{n:03d}" for n in range(1, 1000) if f"{n:03d}" not in used]
    if len(free) < needed:
        raise ValueError(f"{needed} synthetic municipality codes asked, {len(free)} free")
    return free[:needed]


def scaled_key(
    raw: pd.DataFrame, factor: int, taken: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The municipality key with `factor - 1` twins per municipality, and code → twin codes;
    twins never take a code of the key or of `taken` (merged municipalities' old codes)."""
    codes = raw["kunta"].map(lambda v: f"{int(v):03d}")
    free = iter(_free_codes(set(codes) | set(taken), len(raw) * (factor - 1)))
    twins: dict[str, list[str]] = {code: [] for code in codes}
    copies = [raw]
    for j in range(1, factor):
        copy = raw.copy()
        new = [next(free) for _ in range(len(raw))]
        for code, twin in zip(codes, new, strict=True):
            twins[code].append(twin)
        copy["kunta"] = [int(c) for c in new]
        for lang in ("fi", "sv", "en"):
            copy[f"municipality_name_{lang}"] = copy[f"municipality_name_{lang}"] + f" #{j}"
        copies.append(copy)
    return pd.concat(copies, ignore_index=True), twins


def _with_twins(frame: pd.DataFrame, twins: dict[str, list[str]]) -> pd.DataFrame:
    municipal = frame[frame["area_code"].isin(twins.keys())]
    parts = [frame]
    for j in range(len(next(iter(twins.values()), []))):
        twin = municipal.copy()
        twin["area_code"] = twin["area_code"].map(lambda c, j=j: twins[c][j])
        parts.append(twin)
    return pd.concat(parts, ignore_index=True)


def _shifted(frame: pd.DataFrame, years: pd.Series) -> pd.DataFrame:
    out = frame.copy()
    out["year"] = years
    if out["month"].notna().any():
        month = pd.to_datetime(frame["month"])
        out["month"] = pd.to_datetime(
            pd.DataFrame({"year": years, "month": month.dt.month.fillna(1), "day": 1})
        ).where(month.notna())
    return out


def _mirrored(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its years mirrored once before the first and once after the last."""
    if frame.empty:
        return frame
    first, last = int(frame["year"].min()), int(frame["year"].max())
    before = _shifted(frame, 2 * first - 1 - frame["year"])
    after = _shifted(frame, 2 * last + 1 - frame["year"])
    return pd.concat([before, frame, after], ignore_index=True)


def scaled_staging(
    staged: dict[str, pd.DataFrame], twins: dict[str, list[str]], years: int
) -> dict[str, pd.DataFrame]:
    """Every staged frame with the municipalities' twins, and mirrored years when `years` is 3."""
    out = {}
    for source_id, frame in staged.items():
        frame = _with_twins(frame, twins)
        out[source_id] = _mirrored(frame) if years == 3 else frame
    return out


def widened(catalogue, areas_factor: int):
    """The catalogue with each indicator's upper bound times `areas_factor` (and its lower
    bound's magnitude, when negative): a group of k times the municipalities sums to k times
    the real sum, which the real ceilings (e.g. the country's population) rightly refuse. The
    checks still run on every row, as in a real build."""

    def wide(bounds):
        if bounds is None:
            return None
        low = bounds.min * areas_factor if bounds.min < 0 else bounds.min
        return dataclasses.replace(bounds, min=low, max=bounds.max * areas_factor)

    indicators = tuple(dataclasses.replace(i, bounds=wide(i.bounds)) for i in catalogue.indicators)
    return dataclasses.replace(catalogue, indicators=indicators)


def _scaled_snapshot(
    tmp: Path, catalogue, areas_factor: int, taken: frozenset[str]
) -> tuple[Path, dict]:
    """A snapshot folder whose municipality key has the twins (other files linked)."""
    from pipeline.build.areas import municipality_key
    from pipeline.readers import read_classification_csv

    folder = tmp / "snapshot"
    shutil.copytree(SNAPSHOT, folder, copy_function=os.symlink)
    key = folder / municipality_key(catalogue).file
    raw, twins = scaled_key(
        read_classification_csv(SNAPSHOT / municipality_key(catalogue).file), areas_factor, taken
    )
    key.unlink()
    raw.to_csv(key, index=False, encoding="utf-8-sig")
    return folder, twins


def run_one(areas_factor: int, years_factor: int) -> dict[str, Any]:
    """One scale in this process: per step seconds and peak resident bytes, and row counts."""
    from pipeline.build import areas, run, schemas, staging
    from pipeline.build.staging import write_frame
    from pipeline.catalogue import load_catalogue
    from pipeline.presentation import load_presentation
    from pipeline.readers import ROW_COLUMN, STAGING_COLUMNS
    from pipeline.snapshot import load_manifest

    catalogue = widened(load_catalogue(), areas_factor)
    shown = load_presentation(catalogue=catalogue)
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as tmp, PeakSampler() as sampler:
        report = SampledReport(out_path=Path(tmp) / "growth.duckdb", seconds=0.0, sampler=sampler)
        con = duckdb.connect(str(Path(tmp) / "growth.duckdb"))
        for schema in ("raw", "staging", "core"):
            con.execute(f"CREATE SCHEMA {schema}")
        real = areas.load_division(catalogue, SNAPSHOT)
        with report.timed("read sources (1x)"):
            staged = staging.load_sources(con, catalogue, SNAPSHOT, real)
        seen = {code for frame in staged.staging.values() for code in frame["area_code"].unique()}
        taken = frozenset(real.code_map) | frozenset(seen)
        snapshot, twins = _scaled_snapshot(Path(tmp), catalogue, areas_factor, taken)
        division = areas.load_division(catalogue, snapshot)
        sampler.step = "scale up"
        scaled = scaled_staging(staged.staging, twins, years_factor)
        with report.timed("stage (validate, write)"):
            for source_id, frame in scaled.items():
                source = catalogue.source(source_id)
                extra = [c for c in frame.columns if c not in (*STAGING_COLUMNS, ROW_COLUMN)]
                schemas.validate(
                    f"staging.{source_id}", schemas.staging_schema(extra, source.variables), frame
                )
                con.execute(f"DROP TABLE staging.{source_id}")
                write_frame(con, f"staging.{source_id}", frame)
        run.build_core(
            con, catalogue, shown, (snapshot, load_manifest(SNAPSHOT)), division, scaled, report
        )
        values = con.execute("SELECT count(*) FROM core.indicator_values").fetchone()[0]
        con.close()
    steps = {
        name: {"seconds": seconds, "peak_bytes": sampler.peaks.get(name, 0)}
        for name, seconds in report.timings.items()
    }
    return {
        "areas": areas_factor,
        "years": years_factor,
        "municipalities": len(division.codes),
        "staging_rows": int(sum(len(f) for f in scaled.values())),
        "indicator_values": int(values),
        "steps": steps,
        "peak_bytes": max(sampler.peaks.values()),
    }


def measure(scales=SCALES, timeout: float = 1800.0) -> list[dict[str, Any]]:
    """Each scale in a fresh process (so that its peak memory is its own)."""
    out = []
    for areas_factor, years_factor in scales:
        command = [
            sys.executable,
            "-m",
            "bench.growth",
            "--one",
            str(areas_factor),
            str(years_factor),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
        out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def _core_seconds(run: dict[str, Any]) -> float:
    return sum(s["seconds"] for name, s in run["steps"].items() if name != "read sources (1x)")


def bench_growth(scales=SCALES) -> list[Result]:
    """One row per scale: the steps after reading, against the 1x run of the same session;
    passed when time per indicator value grows by at most a quarter (linear or better)."""
    runs = measure(scales)
    base = runs[0]
    base_per_value = _core_seconds(base) / base["indicator_values"]
    rows = []
    for run in runs:
        seconds = _core_seconds(run)
        rows_factor = run["indicator_values"] / base["indicator_values"]
        per_value = seconds / run["indicator_values"]
        rows.append(
            Result(
                bench="growth",
                what=(
                    f"build steps at {run['areas']}x areas, {run['years']}x years "
                    f"({run['indicator_values']:,} values, {rows_factor:.1f}x)"
                ),
                reference=f"1x: {_core_seconds(base):.2f} s, peak {base['peak_bytes'] / 2**20:.0f} MB",
                measured=(
                    f"{seconds:.2f} s ({seconds / _core_seconds(base):.1f}x), "
                    f"peak {run['peak_bytes'] / 2**20:.0f} MB"
                ),
                target="time per value <= 1.25x the 1x run's",
                passed=per_value <= 1.25 * base_per_value,
                values=run,
            )
        )
    return rows


def _table(runs: list[dict[str, Any]]) -> str:
    """A markdown table: step × scale, seconds and peak MB."""
    steps = list(runs[0]["steps"])
    head = (
        "| step | " + " | ".join(f"{r['areas']}x areas, {r['years']}x years" for r in runs) + " |"
    )
    lines = [head, "|---" * (len(runs) + 1) + "|"]
    for step in steps:
        cells = [
            f"{r['steps'][step]['seconds']:.2f} s, {r['steps'][step]['peak_bytes'] / 2**20:.0f} MB"
            if step in r["steps"]
            else "–"
            for r in runs
        ]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    lines.append(
        "| indicator values | " + " | ".join(f"{r['indicator_values']:,}" for r in runs) + " |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, type=int, metavar=("AREAS", "YEARS"))
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    print(_table(measure()))


if __name__ == "__main__":
    main()
