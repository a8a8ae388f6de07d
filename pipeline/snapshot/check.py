"""`investin check`: the snapshot passes exactly the checks `investin build` applies.

First the integrity check the build applies first (`integrity`: every listed file present with
its size and checksum, every catalogue source listed), without parsing anything; then, if the
files are the listed ones, a trial build (`trial`) into a temporary folder, so that every check
of the build (readers, staging and core schemas, completeness) is also a check of `check`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.snapshot.errors import SnapshotError
from pipeline.snapshot.integrity import integrity_problems
from pipeline.snapshot.journal import recover_interrupted_fetch
from pipeline.snapshot.manifest import load_manifest
from pipeline.snapshot.trial import trial_build


def check_snapshot(catalogue: Any, snapshot_dir: str | Path) -> list[str]:
    """Problems with the snapshot (empty = `investin build` would build it)."""
    snapshot_dir = Path(snapshot_dir)
    recover_interrupted_fetch(snapshot_dir)
    try:
        manifest = load_manifest(snapshot_dir)
    except SnapshotError as exc:
        return [str(exc)]
    problems = integrity_problems(catalogue, snapshot_dir, manifest)
    if problems:
        return problems
    return trial_build(catalogue, snapshot_dir)
