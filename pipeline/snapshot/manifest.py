"""`manifest.yaml`: every snapshot file with its provenance, checksum and size.

For the bundled files it is generated from `provenance.yaml` (hand-written) by
`python -m pipeline.snapshot --rebuild-manifest`; `investin fetch` rewrites the entries of the
sources it refreshes (marked `copy: fetched`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from pipeline.snapshot.errors import SnapshotError
from pipeline.snapshot.files import atomic_write_bytes, sha256_file

MANIFEST_NAME = "manifest.yaml"
PROVENANCE_NAME = "provenance.yaml"
JOURNAL_NAME = "fetch-journal.yaml"
# libyaml's safe loader when available (~20x faster; the same documents)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FETCHED = "fetched"  # `copy` of an entry written by `investin fetch`


@dataclass(frozen=True)
class ManifestEntry:
    """One snapshot file. `request` is "METHOD URL"; `query` the selection as a mapping.

    `updated` is the data's own stamp (json-stat `updated`); `listed`, written by
    `investin fetch`, the folder listing's stamp for the table when it was fetched, which the
    next fetch compares with the listing (only when set: omitted from the file otherwise).
    """

    id: str
    file: str
    format: str
    table: str | None
    request: str | None
    query: Any
    updated: str | None
    fetched: str | None
    licence: str | None
    origin: str | None
    sha256: str
    bytes: int
    copy: str | None = None
    credit: str | None = None
    listed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if out["listed"] is None:
            del out["listed"]
        return out


_ENTRY_FIELDS = {f.name for f in fields(ManifestEntry)}
_REQUIRED = ("id", "file", "format", "sha256", "bytes")


@dataclass(frozen=True)
class Manifest:
    entries: tuple[ManifestEntry, ...] = ()
    version: int = 1

    def entry(self, source_id: str) -> ManifestEntry | None:
        return next((e for e in self.entries if e.id == source_id), None)

    def by_file(self, file: str) -> ManifestEntry | None:
        return next((e for e in self.entries if e.file == file), None)

    def with_entry(self, new: ManifestEntry) -> Manifest:
        """A copy with `new` replacing the entry of the same id (or appended)."""
        kept = [e for e in self.entries if e.id != new.id]
        position = next((i for i, e in enumerate(self.entries) if e.id == new.id), len(kept))
        kept.insert(position, new)
        return replace(self, entries=tuple(kept))

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        path = Path(path)
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506
        except FileNotFoundError as exc:
            raise SnapshotError(f"{path}: manifest not found") from exc
        except yaml.YAMLError as exc:
            raise SnapshotError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(doc, Mapping) or not isinstance(doc.get("files"), list):
            raise SnapshotError(f"{path}: expected a mapping with a `files:` list")
        entries, seen_ids, seen_files = [], set(), set()
        for number, item in enumerate(doc["files"], start=1):
            entry = _entry(item, f"{path}: files[{number}]")
            for value, seen, what in ((entry.id, seen_ids, "id"), (entry.file, seen_files, "file")):
                if value in seen:
                    raise SnapshotError(f"{path}: duplicate {what} {value!r}")
                seen.add(value)
            entries.append(entry)
        return cls(tuple(entries), int(doc.get("version", 1)))

    def dumps(self) -> str:
        doc = {"version": self.version, "files": [e.to_dict() for e in self.entries]}
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=4096)

    def save(self, path: str | Path) -> None:
        """Write atomically; the written text is re-parsed before it replaces the old manifest."""
        atomic_write_bytes(path, self.dumps().encode("utf-8"), validate=Manifest.load)


def _entry(item: Any, where: str) -> ManifestEntry:
    if not isinstance(item, Mapping):
        raise SnapshotError(f"{where}: expected a mapping")
    unknown = set(item) - _ENTRY_FIELDS
    if unknown:
        raise SnapshotError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    missing = [k for k in _REQUIRED if item.get(k) in (None, "")]
    if missing:
        raise SnapshotError(f"{where} ({item.get('file', '?')}): missing {', '.join(missing)}")
    values = {name: item.get(name) for name in _ENTRY_FIELDS}
    values["bytes"] = int(values["bytes"])
    for key in ("updated", "fetched", "listed"):
        if isinstance(values[key], dt.date | dt.datetime):
            values[key] = values[key].isoformat()
    return ManifestEntry(**values)


def load_manifest(snapshot_dir: str | Path) -> Manifest:
    return Manifest.load(Path(snapshot_dir) / MANIFEST_NAME)


# --------------------------------------------------------------------------- rebuild


def rebuild_manifest(snapshot_dir: str | Path) -> Manifest:
    """Regenerate `manifest.yaml` from `provenance.yaml` plus computed `sha256` and `bytes`.

    Entries already refreshed by `investin fetch` (`copy: fetched`) keep their manifest
    provenance, since `provenance.yaml` describes the bundled copy. A declared file that is
    missing, or a file in the folder that nobody declared, is an error.
    """
    snapshot_dir = Path(snapshot_dir)
    declared = _load_provenance(snapshot_dir / PROVENANCE_NAME)
    previous = Manifest()
    with contextlib.suppress(SnapshotError):
        previous = load_manifest(snapshot_dir)
    entries = []
    for item in declared:
        old = previous.entry(item["id"])
        if old is not None and old.copy == FETCHED:
            item = {k: v for k, v in old.to_dict().items() if k not in ("sha256", "bytes")}
        path = snapshot_dir / item["file"]
        if not path.is_file():
            raise SnapshotError(f"{path}: declared in {PROVENANCE_NAME} but missing")
        values = {k: item.get(k) for k in _ENTRY_FIELDS}
        values.update(sha256=sha256_file(path), bytes=path.stat().st_size)
        entries.append(_entry(values, f"{PROVENANCE_NAME}: {item['id']}"))
    listed = {e.file for e in entries}
    stray = sorted(p for p in _data_files(snapshot_dir) if p not in listed)
    if stray:
        raise SnapshotError(f"files not declared in {PROVENANCE_NAME}: {', '.join(stray)}")
    manifest = Manifest(tuple(entries), previous.version)
    manifest.save(snapshot_dir / MANIFEST_NAME)
    return manifest


def _load_provenance(path: Path) -> list[dict[str, Any]]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SnapshotError(f"{path}: {exc}") from exc
    items = doc.get("files") if isinstance(doc, Mapping) else None
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise SnapshotError(f"{path}: expected a mapping with a `files:` list of mappings")
    for item in items:
        if not item.get("id") or not item.get("file") or not item.get("format"):
            raise SnapshotError(f"{path}: entry {dict(item)!r} lacks id, file or format")
    return [dict(i) for i in items]


def _data_files(snapshot_dir: Path) -> list[str]:
    own = {MANIFEST_NAME, PROVENANCE_NAME, JOURNAL_NAME, "SOURCES.md"}
    return [
        p.relative_to(snapshot_dir).as_posix()
        for p in snapshot_dir.rglob("*")
        if p.is_file() and p.name not in own and not p.name.startswith(".")
    ]
