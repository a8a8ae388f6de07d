"""Committing a fetch as one roll-forward transaction, and completing an interrupted one.

A fetch stages every file beside its target first. The commit stages the new manifest too,
writes a journal (`fetch-journal.yaml`) naming every pending rename atomically, does the renames
with the manifest last, and removes the journal. A crash before the journal leaves the old
snapshot; a crash after it is completed by the next `fetch`, `check` or `build`. So the snapshot
is always either the old one or the complete new one.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.snapshot.errors import FetchError, SnapshotError
from pipeline.snapshot.files import atomic_write_bytes, fsync_dir, write_temp
from pipeline.snapshot.manifest import JOURNAL_NAME, MANIFEST_NAME, Manifest, ManifestEntry


@dataclass
class Staged:
    """A validated file written beside `target`, and its new manifest entry."""

    temp: Path
    target: Path
    entry: ManifestEntry


def commit_staged(staged: list[Staged], manifest: Manifest, snapshot_dir: Path) -> None:
    """Move the staged files and the new manifest into place as one roll-forward transaction.

    The new manifest is staged too, then a journal naming every pending rename is written
    atomically. Only after that are the renames done, manifest last, and the journal removed.
    A crash before the journal exists leaves the old snapshot (stray temporary files only); a
    crash after it is completed by `recover_interrupted_fetch`, so the snapshot is always
    either the old one or the complete new one.
    """
    manifest_path = snapshot_dir / MANIFEST_NAME
    pending_manifest = write_temp(manifest_path, manifest.dumps().encode("utf-8"))
    moves = [(stage.temp, stage.target) for stage in staged] + [(pending_manifest, manifest_path)]
    journal = [
        {"temp": temp.name, "target": str(target.relative_to(snapshot_dir))}
        for temp, target in moves
    ]
    try:
        Manifest.load(pending_manifest)
        atomic_write_bytes(
            snapshot_dir / JOURNAL_NAME,
            yaml.safe_dump({"moves": journal}, sort_keys=False).encode("utf-8"),
        )
    except (OSError, SnapshotError) as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(pending_manifest)
        entry = staged[0].entry
        raise FetchError(entry.id, entry.table or "-", f"writing failed: {exc}") from exc
    try:
        recover_interrupted_fetch(snapshot_dir)
    except OSError as exc:
        entry = staged[0].entry
        raise FetchError(
            entry.id, entry.table or "-", f"renaming failed ({exc}); run `investin check`"
        ) from exc


def recover_interrupted_fetch(snapshot_dir: str | Path) -> bool:
    """Complete a fetch whose commit was interrupted (see `commit_staged`); True if one was found.

    Each journal entry moves a complete, validated temporary file onto its target; an entry
    whose temporary file is gone was already moved. Idempotent, so a crash here is harmless.
    """
    snapshot_dir = Path(snapshot_dir)
    journal_path = snapshot_dir / JOURNAL_NAME
    if not journal_path.exists():
        return False
    doc = yaml.safe_load(journal_path.read_text(encoding="utf-8")) or {}
    for move in doc.get("moves", []):
        target = snapshot_dir / move["target"]
        temp = target.parent / move["temp"]
        if temp.exists():
            os.replace(temp, target)
    fsync_dir(snapshot_dir)
    os.unlink(journal_path)
    fsync_dir(snapshot_dir)
    return True


def remove_stale_staging(snapshot_dir: str | Path) -> list[Path]:
    """Delete staged files (`.<name>.*.tmp`) left by a fetch killed before its commit.

    Call only when no journal is pending (a journal's files are rolled forward instead) and no
    other fetch runs on this snapshot. Returns the removed paths.
    """
    snapshot_dir = Path(snapshot_dir)
    if (snapshot_dir / JOURNAL_NAME).exists():
        return []
    stale = [p for p in snapshot_dir.rglob(".*.tmp") if p.is_file()]
    for path in stale:
        path.unlink()
    return stale
