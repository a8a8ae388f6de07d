"""Shared pieces of the benchmark suite: result rows, medians, free ports, temp copies.

Every timing figure is a median over repeated runs, set beside a reference measured in the same
run, because the machines that run `make bench` are shared and noisy.
"""

from __future__ import annotations

import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "data" / "snapshot"
WAREHOUSE = ROOT / "data" / "warehouse.duckdb"


@dataclass
class Result:
    """One line of the results table.

    ``passed`` is None when the benchmark could not run (``error`` says why).
    """

    bench: str
    what: str
    reference: str
    measured: str
    target: str
    passed: bool | None
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def not_run(bench: str, what: str, target: str, error: str) -> Result:
    return Result(bench, what, "-", "not run", target, None, error=error)


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else math.nan


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock seconds of one call and its result."""
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def repeat(fn: Callable[[], Any], repeats: int) -> list[float]:
    return [timed(fn)[0] for _ in range(max(1, repeats))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_snapshot(into: Path) -> Path:
    """A private copy of data/snapshot (benchmarks never write into the real one)."""
    target = into / "snapshot"
    shutil.copytree(SNAPSHOT, target)
    return target


def investin() -> list[str]:
    """The `investin` console script beside this Python, else `python -m pipeline.cli`."""
    script = Path(sys.executable).parent / "investin"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def run_checked(command: list[str], *, timeout: float, env: dict | None = None) -> str:
    """Run ``command``; raise with its output when it fails."""
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}"
            f"\n{done.stderr[-2000:]}"
        )
    return done.stdout


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"
