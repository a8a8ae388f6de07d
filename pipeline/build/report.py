"""What a build tells its caller: the report of a finished build, or the error of a failed one."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class BuildError(RuntimeError):
    """The warehouse could not be built; `str()` is the readable failure report."""


class Problems(Exception):
    """Validation problems found by a step; `build_warehouse` turns them into a `BuildError`."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class BuildReport:
    """Rows written per table (counted in the warehouse), phase timings and notes."""

    out_path: Path
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - started

    def summary(self) -> str:
        lines = [f"warehouse {self.out_path} built in {self.seconds:.2f} s"]
        lines += [f"  {table}: {count} rows" for table, count in self.rows.items()]
        phases = ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items())
        lines.append(f"  phases: {phases}")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)
