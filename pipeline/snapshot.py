"""The snapshot store: `data/snapshot/` files, their manifest, checks and the PxWeb refresh.

`manifest.yaml` lists every snapshot file with its provenance and checksum. For the bundled files
it is generated from `provenance.yaml` (hand-written, copied from the shared SOURCES.md) by
`python -m pipeline.snapshot --rebuild-manifest`; `investin fetch` rewrites the entries of the
sources it refreshes.

A refreshed file keeps its source's path and format, so the catalogue's variable selectors and
the readers stay valid: a `jsonstat2` source is written as a json-stat2 dataset (the client's
frame re-serialised with its codes, labels, roles, units and `updated`), a `csv` source as a tidy
CSV in the catalogue's `columns` shape (area code, area name, period, optional period label, one
value column per variable). The manifest entry records the format either way.

Every write is atomic (temporary file in the same folder, fsync, `os.replace`). A fetch stages all
of its files first, then renames them, and replaces the manifest last, so a failed request leaves
the previous snapshot and manifest whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

MANIFEST_NAME = "manifest.yaml"
PROVENANCE_NAME = "provenance.yaml"
FETCHED = "fetched"  # `copy` of an entry written by `investin fetch`
JSON_FORMATS = frozenset({"jsonstat2", "pxweb_json", "geojson", "topojson"})
CSV_FORMATS = frozenset({"csv", "classification_csv", "keyfigures_csv"})
XLSX_FORMATS = frozenset({"keyfigures_xlsx", "xlsx"})
KNOWN_FORMATS = JSON_FORMATS | CSV_FORMATS | XLSX_FORMATS


class SnapshotError(ValueError):
    """The manifest or a snapshot file is malformed; the message names the file."""


class FetchError(RuntimeError):
    """A refresh failed; the message names the source, the table and the cause."""

    def __init__(self, source_id: str, table: str, cause: str) -> None:
        super().__init__(f"source {source_id!r} (table {table}): {cause}")
        self.source_id = source_id
        self.table = table
        self.cause = cause


# --------------------------------------------------------------------------- atomic writes


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_temp(path: Path, data: bytes) -> Path:
    """Write `data` to a new temporary file beside `path` (fsynced) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    return Path(name)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(
    path: str | Path, data: bytes, validate: Callable[[Path], None] | None = None
) -> None:
    """Write `data` to `path` atomically: temporary file, fsync, `validate(temp)`, `os.replace`.

    If `validate` raises, the temporary file is removed, `path` is untouched and the error
    propagates.
    """
    target = Path(path)
    temp = _write_temp(target, data)
    try:
        if validate is not None:
            validate(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_dir(target.parent)


# --------------------------------------------------------------------------- manifest


@dataclass(frozen=True)
class ManifestEntry:
    """One snapshot file. `request` is "METHOD URL"; `query` the selection as a mapping."""

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
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
    for key in ("updated", "fetched"):
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
    own = {MANIFEST_NAME, PROVENANCE_NAME, "SOURCES.md"}
    return [
        p.relative_to(snapshot_dir).as_posix()
        for p in snapshot_dir.rglob("*")
        if p.is_file() and p.name not in own and not p.name.startswith(".")
    ]


# --------------------------------------------------------------------------- check


def check_snapshot(catalogue: Any, snapshot_dir: str | Path) -> list[str]:
    """Problems with the snapshot (empty = ok): the manifest parses; every listed file exists
    with its checksum and size; every catalogue source is listed, present and readable."""
    snapshot_dir = Path(snapshot_dir)
    try:
        manifest = load_manifest(snapshot_dir)
    except SnapshotError as exc:
        return [str(exc)]
    problems: list[str] = []
    for entry in manifest.entries:
        problems.extend(_check_entry(snapshot_dir, entry))
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


def parse_file(path: Path, fmt: str) -> None:
    """Open `path` with the reader for `fmt` and check the basic shape; raise on failure."""
    if fmt in JSON_FORMATS:
        doc = json.loads(path.read_text(encoding="utf-8"))
        _check_json_shape(doc, fmt)
    elif fmt in CSV_FORMATS:
        import pandas as pd

        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
        if frame.empty or len(frame.columns) < 2:
            raise SnapshotError(f"{len(frame)} rows × {len(frame.columns)} columns")
    elif fmt in XLSX_FORMATS:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        try:
            if not any(sheet.max_row and sheet.max_row > 1 for sheet in book.worksheets):
                raise SnapshotError("no sheet with data rows")
        finally:
            book.close()
    else:
        raise SnapshotError(f"unknown format {fmt!r} (known: {', '.join(sorted(KNOWN_FORMATS))})")


def _check_json_shape(doc: Any, fmt: str) -> None:
    if not isinstance(doc, Mapping):
        raise SnapshotError("not a JSON object")
    if fmt == "jsonstat2":
        missing = [k for k in ("id", "size", "dimension", "value") if k not in doc]
        if missing:
            raise SnapshotError(f"json-stat2 dataset lacks {', '.join(missing)}")
    elif fmt == "pxweb_json" and "data" not in doc and "variables" not in doc:
        raise SnapshotError("PxWeb json has neither `data` nor `variables`")
    elif fmt == "geojson" and not doc.get("features"):
        raise SnapshotError("GeoJSON has no features")
    elif fmt == "topojson" and not doc.get("objects"):
        raise SnapshotError("TopoJSON has no objects")


# --------------------------------------------------------------------------- command line


def main(argv: Iterable[str] | None = None) -> int:
    import argparse

    import pipeline

    parser = argparse.ArgumentParser(prog="python -m pipeline.snapshot", description=__doc__)
    parser.add_argument("--rebuild-manifest", action="store_true", help="regenerate manifest.yaml")
    parser.add_argument("--snapshot", type=Path, default=pipeline.DEFAULT_SNAPSHOT)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.rebuild_manifest:
        parser.print_help()
        return 2
    manifest = rebuild_manifest(args.snapshot)
    print(f"wrote {args.snapshot / MANIFEST_NAME}: {len(manifest.entries)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
