"""Whether the snapshot's files are the ones its manifest lists: the one integrity check that
`investin build` and `investin check` both apply, before either parses a file.

Every manifest entry's file must exist with the recorded size and sha256 (the size is compared
first, so a file of the wrong size is neither hashed nor read), and every catalogue source must
be listed with the catalogue's file and format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.snapshot.files import sha256_file
from pipeline.snapshot.manifest import MANIFEST_NAME, Manifest, ManifestEntry

DAMAGED = "changed or damaged since it was fetched; run `investin check`"


def integrity_problems(catalogue: Any, snapshot_dir: str | Path, manifest: Manifest) -> list[str]:
    """Problems (empty = the files are the listed ones): a listed file missing, of another size
    or checksum; a catalogue source not listed, or listed with another file or format."""
    snapshot_dir = Path(snapshot_dir)
    problems = [p for entry in manifest.entries for p in entry_problems(snapshot_dir, entry)]
    for source in catalogue.sources:
        entry = manifest.entry(source.id)
        if entry is None:
            problems.append(f"source {source.id!r} ({source.file}): not in {MANIFEST_NAME}")
        elif (entry.file, entry.format) != (source.file, source.format):
            problems.append(
                f"source {source.id!r}: catalogue says {source.file} ({source.format}) but "
                f"{MANIFEST_NAME} says {entry.file} ({entry.format})"
            )
    return problems


def entry_problems(snapshot_dir: Path, entry: ManifestEntry) -> list[str]:
    """What is wrong with one listed file (empty = present with its size and checksum)."""
    path = snapshot_dir / entry.file
    where = f"{entry.file} ({entry.id})"
    if not path.is_file():
        return [f"{where}: file is missing"]
    size = path.stat().st_size
    if size != entry.bytes:
        return [
            f"{where}: {size:,} bytes where {MANIFEST_NAME} says {entry.bytes:,}, so it does not "
            f"match its {MANIFEST_NAME} checksum (not read): {DAMAGED}"
        ]
    digest = sha256_file(path)
    if digest != entry.sha256:
        return [
            f"{where}: does not match its {MANIFEST_NAME} checksum (sha256 {digest[:12]}…, "
            f"{MANIFEST_NAME} says {entry.sha256[:12]}…; not read): {DAMAGED}"
        ]
    return []
