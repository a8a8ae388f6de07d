"""`investin check`: the manifest parses, every listed file matches its checksum and size, and
every catalogue source is listed, present and readable by the build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.snapshot.errors import SnapshotError
from pipeline.snapshot.files import sha256_file
from pipeline.snapshot.journal import recover_interrupted_fetch
from pipeline.snapshot.manifest import MANIFEST_NAME, ManifestEntry, load_manifest
from pipeline.snapshot.validate import parse_file, readable_by_build


def check_snapshot(catalogue: Any, snapshot_dir: str | Path) -> list[str]:
    """Problems with the snapshot (empty = ok): the manifest parses; every listed file exists
    with its checksum and size; every catalogue source is listed, present and readable."""
    snapshot_dir = Path(snapshot_dir)
    recover_interrupted_fetch(snapshot_dir)
    try:
        manifest = load_manifest(snapshot_dir)
    except SnapshotError as exc:
        return [str(exc)]
    problems: list[str] = []
    broken: set[str] = set()
    for entry in manifest.entries:
        entry_problems = _check_entry(snapshot_dir, entry)
        problems.extend(entry_problems)
        if entry_problems:
            broken.add(entry.file)
    for source in catalogue.sources:
        entry = manifest.entry(source.id)
        if entry is None:
            problems.append(f"source {source.id!r} ({source.file}): not in {MANIFEST_NAME}")
            continue
        if (entry.file, entry.format) != (source.file, source.format):
            problems.append(
                f"source {source.id!r}: catalogue says {source.file} ({source.format}) but "
                f"{MANIFEST_NAME} says {entry.file} ({entry.format})"
            )
            continue
        if source.file in broken:
            continue
        try:
            readable_by_build(snapshot_dir / source.file, source)
        except (ValueError, OSError) as exc:
            problems.append(f"source {source.id!r} ({source.file}): {exc}")
    return problems


def _check_entry(snapshot_dir: Path, entry: ManifestEntry) -> list[str]:
    path = snapshot_dir / entry.file
    if not path.is_file():
        return [f"{entry.file} ({entry.id}): file is missing"]
    problems = []
    size = path.stat().st_size
    if size != entry.bytes:
        problems.append(f"{entry.file} ({entry.id}): {size} bytes, manifest says {entry.bytes}")
    digest = sha256_file(path)
    if digest != entry.sha256:
        problems.append(
            f"{entry.file} ({entry.id}): sha256 {digest[:12]}… does not match the manifest's "
            f"{entry.sha256[:12]}…"
        )
    try:
        parse_file(path, entry.format)
    except Exception as exc:  # any reader failure is a problem to report, not to raise
        problems.append(f"{entry.file} ({entry.id}): unreadable as {entry.format}: {exc}")
    return problems
