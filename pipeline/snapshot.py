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
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from pipeline.jsonstat import jsonstat_meta, read_jsonstat
from pipeline.readers import read_source

MANIFEST_NAME = "manifest.yaml"
PROVENANCE_NAME = "provenance.yaml"
JOURNAL_NAME = "fetch-journal.yaml"
# libyaml's safe loader when available (~20x faster; the same documents)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
    own = {MANIFEST_NAME, PROVENANCE_NAME, JOURNAL_NAME, "SOURCES.md"}
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


def parse_file(path: Path, fmt: str) -> None:
    """Open `path` with the reader for `fmt` and check the basic shape; raise on failure."""
    if fmt in JSON_FORMATS:
        doc = json.loads(path.read_text(encoding="utf-8"))
        _check_json_shape(doc, fmt)
    elif fmt in CSV_FORMATS:
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


# --------------------------------------------------------------------------- fetched data (pure)


def frame_to_jsonstat2(frame: pd.DataFrame) -> dict[str, Any]:
    """A json-stat2 dataset from a frame read by `pipeline.jsonstat` (codes, labels, roles,
    units, status and `updated` kept). Categories are ordered by first appearance, which is the
    row-major order the client returns; cells are placed by their codes, and a duplicate cell is
    an error.
    """
    meta = jsonstat_meta(frame)
    ids = list(meta.dimensions)
    categories = [list(dict.fromkeys(frame[d].tolist())) for d in ids]
    sizes = [len(c) for c in categories]
    positions = [
        frame[d].map({code: i for i, code in enumerate(c)}).to_numpy()
        for d, c in zip(ids, categories, strict=True)
    ]
    flat = np.ravel_multi_index(positions, sizes) if ids else np.zeros(len(frame), dtype=int)
    total = int(np.prod(sizes, dtype=np.int64))
    if len(set(flat.tolist())) != len(frame):
        raise ValueError("the frame has duplicate cells")
    values: list[Any] = [None] * total
    for index, value in zip(flat.tolist(), frame["value"].tolist(), strict=True):
        values[index] = _json_number(value)
    metric = set(meta.role.get("metric", ()))
    dimension = {}
    for dim, codes in zip(ids, categories, strict=True):
        labels = dict(zip(frame[dim], frame.get(f"{dim}_label", frame[dim]), strict=True))
        category: dict[str, Any] = {
            "index": {code: i for i, code in enumerate(codes)},
            "label": {code: str(labels[code]) for code in codes},
        }
        units = {c: meta.units[c] for c in codes if dim in metric and c in meta.units}
        if units:
            category["unit"] = units
        dimension[dim] = {"label": meta.dimension_labels.get(dim, dim), "category": category}
    doc: dict[str, Any] = {"version": "2.0", "class": "dataset"}
    doc.update({k: v for k, v in (("label", meta.label), ("source", meta.source)) if v})
    if meta.updated:
        doc["updated"] = meta.updated
    doc.update(id=ids, size=sizes, role={k: list(v) for k, v in meta.role.items() if v})
    doc.update(dimension=dimension, value=values)
    if "status" in frame.columns:
        status = {
            str(i): str(s)
            for i, s in zip(flat.tolist(), frame["status"].tolist(), strict=True)
            if s is not None and not (isinstance(s, float) and np.isnan(s))
        }
        if status:
            doc["status"] = status
    return doc


def _json_number(value: Any) -> int | float | None:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def frame_to_csv(
    frame: pd.DataFrame, columns: Mapping[str, str], variables: Iterable[Any], roles: Mapping
) -> str:
    """A tidy CSV in a csv source's `columns` shape: area, name, period, period label, then one
    value column per variable (the variable's selector), one row per area and period.

    Other dimensions must be fixed at one value (totals); the metric dimension maps onto the
    value columns only when that is unambiguous (one variable, or selectors naming metric codes
    or labels).
    """
    geo, time = roles.get("geo"), roles.get("time")
    metric = roles.get("metric")
    for role, dim in (("geo", geo), ("time", time)):
        if dim is None or dim not in frame.columns:
            raise ValueError(f"no {role} dimension in the data (dimensions: {_dims(frame)})")
    fixed = [d for d in jsonstat_meta(frame).dimensions if d not in (geo, time, metric)]
    for dim in fixed:
        if frame[dim].nunique() != 1:
            raise ValueError(
                f"dimension {dim} has {frame[dim].nunique()} values; the csv shape needs one"
            )
    value_columns = _metric_columns(frame, metric, [v.selector for v in variables])
    keys = [geo, time]
    out = frame[keys].drop_duplicates().reset_index(drop=True)
    data: dict[str, Any] = {columns["area"]: out[geo]}
    if columns.get("name"):
        labels = frame.drop_duplicates(geo).set_index(geo)[f"{geo}_label"]
        data[columns["name"]] = out[geo].map(labels)
    data[columns["period"]] = out[time]
    if columns.get("period_label"):
        labels = frame.drop_duplicates(time).set_index(time)[f"{time}_label"]
        data[columns["period_label"]] = out[time].map(labels)
    table = pd.DataFrame(data)
    for code, column in value_columns.items():
        part = frame if code is None else frame[frame[metric] == code]
        series = part.set_index(keys)["value"]
        values = pd.MultiIndex.from_frame(out[keys]).map(series.to_dict())
        table[column] = [_csv_number(v) for v in values]
    return table.to_csv(index=False, lineterminator="\n")


def _dims(frame: pd.DataFrame) -> str:
    return ", ".join(jsonstat_meta(frame).dimensions)


def _metric_columns(
    frame: pd.DataFrame, metric: str | None, selectors: list[str]
) -> dict[str | None, str]:
    codes = list(dict.fromkeys(frame[metric])) if metric in frame.columns else []
    if len(codes) <= 1 and len(selectors) == 1:
        return {codes[0] if codes else None: selectors[0]}
    labels = dict(zip(frame[metric], frame[f"{metric}_label"], strict=True)) if codes else {}
    found = {}
    for selector in selectors:
        match = [c for c in codes if selector in (c, labels.get(c))]
        if len(match) != 1:
            raise ValueError(
                f"cannot tell which of the metric values {', '.join(map(str, codes))} fills the "
                f"csv column {selector!r}"
            )
        found[match[0]] = selector
    return found


def _csv_number(value: Any) -> str:
    number = _json_number(value)
    return "" if number is None else repr(number)


# --------------------------------------------------------------------------- fetch


@dataclass
class SourceResult:
    source_id: str
    table: str
    action: str  # skipped | unchanged | updated
    updated_before: str | None
    updated_after: str | None
    data_requests: int = 0
    file: str | None = None


@dataclass
class FetchReport:
    results: list[SourceResult] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(r.action == action for r in self.results)

    @property
    def data_requests(self) -> int:
        return self.requests.get("data", 0)

    def summary(self) -> str:
        req = self.requests
        return (
            f"tables checked {len(self.results)}, skipped {self.count('skipped')}, "
            f"unchanged {self.count('unchanged')}, updated {self.count('updated')}; "
            f"requests: {req.get('metadata', 0)} metadata, {req.get('list', 0)} list, "
            f"{req.get('data', 0)} data, {req.get('config', 0)} config, "
            f"{req.get('retries', 0)} retries"
        )


@dataclass
class _Staged:
    temp: Path
    target: Path
    entry: ManifestEntry


def fetch_sources(
    catalogue: Any,
    snapshot_dir: str | Path,
    *,
    base_url: str,
    only: Iterable[str] = (),
    echo: Callable[[str], Any] = print,
    client_factory: Callable[[str], Any] | None = None,
) -> FetchReport:
    """Refresh the PxWeb-backed sources whose table `updated` differs from the manifest's.

    `base_url` is the API v1 base with a language (`…/api/v1/fi`); each source's `pxweb.language`
    replaces it. `client_factory(base_url)` makes a client (default `PxWebClient`). Raises
    `FetchError` (the snapshot and manifest untouched) when anything fails.
    """
    snapshot_dir = Path(snapshot_dir)
    recover_interrupted_fetch(snapshot_dir)
    remove_stale_staging(snapshot_dir)
    sources = _sources_to_fetch(catalogue, tuple(only))
    try:
        manifest = load_manifest(snapshot_dir)
    except SnapshotError as exc:
        raise FetchError("-", str(snapshot_dir / MANIFEST_NAME), str(exc)) from exc
    factory = client_factory or _default_factory()  # perf (issue 5): one shared limiter
    clients: dict[str, Any] = {}
    staged: list[_Staged] = []
    report = FetchReport()
    try:
        for source in sources:
            url = _language_base(base_url, source.pxweb.language)
            client = clients.get(url) or clients.setdefault(url, factory(url))
            result, stage = _refresh(source, manifest.entry(source.id), client, snapshot_dir, echo)
            report.results.append(result)
            if stage is not None:
                staged.append(stage)
                manifest = manifest.with_entry(stage.entry)
        if staged:
            _commit(staged, manifest, snapshot_dir)
            echo(f"replaced {len(staged)} file(s) and {MANIFEST_NAME}")
    finally:
        if not (snapshot_dir / JOURNAL_NAME).exists():
            for stage in staged:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(stage.temp)
        report.requests = _request_totals(clients.values())
        for client in clients.values():
            with contextlib.suppress(Exception):
                client.close()
    return report


def _commit(staged: list[_Staged], manifest: Manifest, snapshot_dir: Path) -> None:
    """Move the staged files and the new manifest into place as one roll-forward transaction.

    The new manifest is staged too, then a journal naming every pending rename is written
    atomically. Only after that are the renames done, manifest last, and the journal removed.
    A crash before the journal exists leaves the old snapshot (stray temporary files only); a
    crash after it is completed by `recover_interrupted_fetch`, so the snapshot is always
    either the old one or the complete new one.
    """
    manifest_path = snapshot_dir / MANIFEST_NAME
    pending_manifest = _write_temp(manifest_path, manifest.dumps().encode("utf-8"))
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
    """Complete a fetch whose commit was interrupted (see `_commit`); True if one was found.

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
    _fsync_dir(snapshot_dir)
    os.unlink(journal_path)
    _fsync_dir(snapshot_dir)
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


def _request_totals(clients: Iterable[Any]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for client in clients:
        stats = client.stats
        for kind in ("metadata", "list", "data", "config"):
            totals[kind] = totals.get(kind, 0) + int(getattr(stats, f"{kind}_requests", 0))
        totals["retries"] = totals.get("retries", 0) + int(getattr(stats, "retries", 0))
    return totals


# --- perf (issue 5, bench/fetch.py): one rate limiter for every language ---------------------
def _default_factory() -> Callable[[str], Any]:
    """A `PxWebClient` factory whose clients share one rate limiter: the server counts calls per
    client address whatever the language in the URL, so a limiter per language (fi and en
    clients in one fetch) let the server see more calls in a window than it allows (429)."""
    from pipeline.pxweb.client import PxWebClient

    shared: dict[str, Any] = {}

    def make(url: str) -> Any:
        client = PxWebClient(url, limiter=shared.get("limiter"))
        shared.setdefault("limiter", client.limiter)
        return client

    return make


# --- end perf (issue 5) ---------------------------------------------------------------------


def _sources_to_fetch(catalogue: Any, only: tuple[str, ...]) -> list[Any]:
    backed = [s for s in catalogue.sources if s.pxweb is not None]
    known = {s.id for s in backed}
    for source_id in only:
        if source_id not in known:
            raise FetchError(
                source_id, "-", f"not a PxWeb-backed source (those are: {', '.join(sorted(known))})"
            )
    return [s for s in backed if not only or s.id in only]


def _language_base(base_url: str, language: str) -> str:
    head, _, last = base_url.rstrip("/").rpartition("/")
    return f"{head}/{language}" if last in ("fi", "sv", "en") else f"{base_url.rstrip('/')}"


def _refresh(
    source: Any, entry: ManifestEntry | None, client: Any, snapshot_dir: Path, echo: Callable
) -> tuple[SourceResult, _Staged | None]:
    from pipeline.pxweb import PxWebError

    spec = source.pxweb
    table = f"{spec.database}/{spec.table}"
    if spec.legacy_table:
        table += f" (or legacy {spec.database}/{spec.legacy_table})"
    before = entry.updated if entry else None
    try:
        table, metadata = _metadata(client, spec)
        updated = metadata.updated or _listed_updated(client, spec)
        present = entry is not None and (snapshot_dir / entry.file).is_file()
        if present and updated is not None and same_updated(before, updated):
            echo(f"{source.id}: {table} unchanged (updated {updated}); skipped")
            return SourceResult(source.id, table, "skipped", before, updated), None
        echo(f"{source.id}: {table} updated {updated or 'not published'} (had {before}); fetching")
        data_before = client.stats.data_requests
        frame = client.fetch(table, _plain(spec.selection))
        data_requests = client.stats.data_requests - data_before
        published = jsonstat_meta(frame).updated
        if present and updated is None and same_updated(before, published):
            echo(f"{source.id}: {table} data unchanged (updated {published}); kept")
            return SourceResult(
                source.id, table, "unchanged", before, published, data_requests
            ), None
        payload = _serialise(source, frame, metadata.roles)
        target = snapshot_dir / source.file
        temp = _write_temp(target, payload)
        try:
            validate_fetched(temp, source, metadata.roles)
        except BaseException:
            os.unlink(temp)
            raise
    except (PxWebError, ValueError, KeyError, OSError) as exc:
        raise FetchError(source.id, table, f"{type(exc).__name__}: {exc}") from exc
    new = ManifestEntry(
        id=source.id,
        file=source.file,
        format=source.format,
        table=table,
        request=f"POST {client.base_url}/{table}",
        query=_plain(spec.selection),
        updated=updated or published,
        fetched=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        licence=source.licence,
        origin=f"investin fetch from {client.base_url}",
        sha256=hashlib.sha256(payload).hexdigest(),
        bytes=len(payload),
        copy=FETCHED,
        credit=source.citation,
    )
    echo(
        f"{source.id}: staged {len(frame)} cells for {source.file} ({data_requests} data requests)"
    )
    result = SourceResult(
        source.id, table, "updated", before, new.updated, data_requests, source.file
    )
    return result, _Staged(temp, target, new)


def _metadata(client: Any, spec: Any) -> tuple[str, Any]:
    """Metadata of the short (2026) table id, or of `legacy_table` if the server lacks it."""
    from pipeline.pxweb import PxWebBadRequestError, PxWebNotFoundError

    table = f"{spec.database}/{spec.table}"
    try:
        return table, client.metadata(table)
    except (PxWebNotFoundError, PxWebBadRequestError):
        if not spec.legacy_table:
            raise
    legacy = f"{spec.database}/{spec.legacy_table}"
    return legacy, client.metadata(legacy)


def _listed_updated(client: Any, spec: Any) -> str | None:
    """`updated` from the subject folder listing (`StatFin/vaerak` lists `11re.px`); the short
    ids live at the database root, whose listing holds folders only."""
    from pipeline.pxweb import PxWebError

    if not spec.legacy_table or "/" not in spec.legacy_table:
        return None
    folder, _, legacy_name = spec.legacy_table.rpartition("/")
    try:
        items = client.list(f"{spec.database}/{folder}")
    except PxWebError:
        return None
    names = {spec.table.rpartition("/")[2], legacy_name}
    return next((i.updated for i in items if i.id in names and i.updated), None)


def same_updated(a: str | None, b: str | None) -> bool:
    """Whether two `updated` stamps are the same moment (a date-only stamp matches its day).

    Accepts ISO forms with `Z` and PxGraf's dotted times (`2022-12-21T06.00.00Z`)."""
    if a is None or b is None:
        return False
    pa, pb = _parse_updated(a), _parse_updated(b)
    if pa is None or pb is None:
        return str(a).strip() == str(b).strip()
    if isinstance(pa, dt.datetime) and isinstance(pb, dt.datetime):
        return pa == pb
    return _day(pa) == _day(pb)


def _parse_updated(value: str) -> dt.date | dt.datetime | None:
    text = str(value).strip().replace("Z", "+00:00")
    date, sep, time = text.partition("T")
    try:
        if not sep:
            return dt.date.fromisoformat(date)
        parsed = dt.datetime.fromisoformat(f"{date}T{time[:8].replace('.', ':')}{time[8:]}")
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _plain(value: Any) -> Any:
    """Mapping proxies and tuples → dicts and lists (for YAML and the client)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _serialise(source: Any, frame: pd.DataFrame, roles: Mapping[str, str]) -> bytes:
    if frame.empty:
        raise ValueError("the server returned no cells")
    if source.format == "jsonstat2":
        doc = frame_to_jsonstat2(frame)
        return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if source.format == "csv":
        text = frame_to_csv(frame, source.columns, source.variables, _roles(frame, roles))
        return text.encode("utf-8")
    raise ValueError(f"cannot store fetched data as {source.format!r} (only jsonstat2 and csv)")


def _roles(frame: pd.DataFrame, metadata_roles: Mapping[str, str]) -> dict[str, str]:
    """Dimension ids by role: the dataset's own `role`, else the client's detection."""
    meta = jsonstat_meta(frame)
    roles = dict(metadata_roles)
    for role in ("geo", "time", "metric"):
        dim = meta.role_dimension(role)
        if dim is not None:
            roles[role] = dim
    return roles


def validate_fetched(path: Path, source: Any, roles: Mapping[str, str]) -> None:
    """Raise ValueError unless `path` parses, has cells, geo and time, and numeric values."""
    parse_file(path, source.format)
    if source.format == "jsonstat2":
        frame = read_jsonstat(path.read_text(encoding="utf-8"))
        found = _roles(frame, roles)
        for role in ("geo", "time"):
            if found.get(role) not in frame.columns:
                raise ValueError(f"{path.name}: no {role} dimension ({_dims(frame)})")
        values = frame["value"]
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        for role in ("area", "period"):
            column = source.columns.get(role)
            if column not in raw.columns or (raw[column] == "").any():
                raise ValueError(f"{path.name}: {role} column {column!r} missing or incomplete")
        keys = set(source.columns.values())
        cells = pd.concat([raw[c] for c in raw.columns if c not in keys], ignore_index=True)
        try:
            values = pd.to_numeric(cells[cells != ""], errors="raise")
        except ValueError as exc:
            raise ValueError(f"{path.name}: a value is not numeric ({exc})") from exc
    if not values.notna().any():
        raise ValueError(f"{path.name}: no numeric values")
    if not np.isfinite(values.dropna().to_numpy(float)).all():
        raise ValueError(f"{path.name}: non-finite values")
    readable_by_build(path, source)


# Formats whose areas are codes, so the build's reader needs no name index to read them.
_CODED_FORMATS = ("csv", "jsonstat2")


def readable_by_build(path: Path, source: Any) -> None:
    """Raise ValueError unless the build's own reader finds every variable `source` declares."""
    if source.format not in _CODED_FORMATS:
        return
    _, staging = read_source(source, path, name_index={})
    found = set(staging["variable"].unique()) if staging is not None else set()
    missing = sorted({v.id for v in source.variables} - found)
    if missing:
        raise ValueError(f"{path.name}: the build finds no values for {', '.join(missing)}")


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
