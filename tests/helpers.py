"""Helpers shared by test modules in different folders (fixtures live in the conftest files)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

from pipeline.snapshot import sha256_file


def routing_body(deps: list[dict], path: str, search: str) -> dict:
    """The `/_dash-update-component` payload of Dash's page-routing callback (the one that
    builds a page layout) for `path` and `search`; `deps` is `/_dash-dependencies`."""
    output = next(d["output"] for d in deps if "_pages_content" in d["output"])
    return {
        "output": output,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def checksums(folder: Path, *, hidden: bool = False) -> dict[str, str]:
    """sha256 of every file under `folder` (hidden temporary files only when `hidden`)."""
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (hidden or not p.name.startswith("."))
    }


def max_in_window(times: list[float], window: float) -> int:
    """The most of the sorted `times` that fall in any window of `window` seconds."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


@contextlib.contextmanager
def queries_on(path: Path) -> Iterator:
    """`dashboard.queries` pointed at the warehouse `path` for the block, then back at the one it
    served before (the session's app shares the module)."""
    from dashboard import queries

    try:
        before = queries.warehouse_path()
    except queries.QueryError:
        before = None
    queries.configure(path)
    try:
        yield queries
    finally:
        if before is not None:
            queries.configure(before)


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds; reaped either way."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
