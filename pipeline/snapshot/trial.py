"""A trial build: the warehouse built into a temporary folder and thrown away, so that
`investin check` and `investin fetch` judge a snapshot by exactly the checks `investin build`
applies (one set of checks, not a second list that drifts from the first).

`trial_build` returns the build's problems, one line each (empty = it builds). With `replaced`
and `manifest` it builds a view of the snapshot (links to its files) in which the staged files
of a fetch stand in for their targets, so the snapshot itself is not touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.snapshot.manifest import JOURNAL_NAME, MANIFEST_NAME, Manifest


def trial_build(
    catalogue: Any,
    snapshot_dir: str | Path,
    *,
    replaced: Mapping[Path, Path] | None = None,
    manifest: Manifest | None = None,
) -> list[str]:
    """The problems `investin build` finds in the snapshot (empty = it builds).

    `replaced` maps target paths in `snapshot_dir` to the files that stand in for them and
    `manifest` is the manifest to build with; the build then reads a linked view of the folder.
    """
    from pipeline.build import BuildError, build_warehouse

    snapshot_dir = Path(snapshot_dir)
    with tempfile.TemporaryDirectory(prefix="investin-trial-") as tmp:
        folder = snapshot_dir
        if replaced or manifest is not None:
            folder = Path(tmp) / "snapshot"
            _link_view(snapshot_dir, folder, dict(replaced or {}), manifest)
        try:
            build_warehouse(catalogue, folder, Path(tmp) / "trial.duckdb")
        except BuildError as exc:
            return problem_lines(exc)
    return []


def problem_lines(exc: Exception) -> list[str]:
    """A failed build's problems, one per line (a `BuildError` made from the build's list of
    problems keeps that list as its cause)."""
    lines = getattr(exc.__cause__, "lines", None)
    return list(lines) if lines else [str(exc)]


def _link_view(
    snapshot_dir: Path, view: Path, replaced: dict[Path, Path], manifest: Manifest | None
) -> None:
    """`view` mirrors `snapshot_dir` with links (copies where links are not allowed); the
    `replaced` targets point at their stand-ins and `manifest`, if given, is written there."""
    own = {JOURNAL_NAME} | ({MANIFEST_NAME} if manifest is not None else set())
    stand_ins = {Path(target).resolve(): Path(temp) for target, temp in replaced.items()}
    for path in snapshot_dir.rglob("*"):
        relative = path.relative_to(snapshot_dir)
        if not path.is_file() or path.name.startswith(".") or relative.as_posix() in own:
            continue
        _link(stand_ins.pop(path.resolve(), path), view / relative)
    for target, temp in stand_ins.items():  # a fetched file new to the snapshot
        _link(temp, view / target.relative_to(snapshot_dir.resolve()))
    if manifest is not None:
        (view / MANIFEST_NAME).write_text(manifest.dumps(), encoding="utf-8")


def _link(source: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(source.resolve(), link)
    except OSError:
        with contextlib.suppress(FileExistsError):
            shutil.copyfile(source, link)
