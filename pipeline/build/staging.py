"""The snapshot's files checked against the manifest, read as published (`raw.*`) and as tidy
rows (`staging.*`, validated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from pipeline import readers
from pipeline.build import schemas
from pipeline.build.areas import Division
from pipeline.catalogue import Catalogue, Source
from pipeline.snapshot import (
    Manifest,
    SnapshotError,
    load_manifest,
    recover_interrupted_fetch,
    sha256_file,
)


@dataclass
class Staged:
    """What the sources gave: the tidy rows per source, and the problems found reading them."""

    staging: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def checked_manifest(
    catalogue: Catalogue, snapshot_dir: Path, notes: list[str]
) -> tuple[Manifest | None, list[str]]:
    """The snapshot's manifest, and the files that differ from their entry (size or sha256) or
    are not listed in it. An interrupted `investin fetch` commit is completed first, as
    `investin check` does, and said in `notes`."""
    try:
        if recover_interrupted_fetch(snapshot_dir):
            notes.append(f"completed an interrupted fetch in {snapshot_dir}")
        manifest = load_manifest(snapshot_dir)
    except (SnapshotError, OSError, yaml.YAMLError) as exc:
        return None, [f"snapshot {snapshot_dir}: manifest.yaml: {exc}"]
    problems = []
    for source in catalogue.sources:
        path = snapshot_dir / source.file
        entry = manifest.entry(source.id)
        if entry is None:
            problems.append(f"source {source.id}: file {source.file} is not in manifest.yaml")
        elif path.is_file() and (
            path.stat().st_size != entry.bytes or sha256_file(path) != entry.sha256
        ):
            problems.append(
                f"source {source.id}: file {source.file} does not match its manifest.yaml "
                f"checksum (sha256 {entry.sha256[:12]}…, {entry.bytes} bytes): changed or "
                "damaged since it was fetched; run `investin check`"
            )
    return manifest, problems


def load_sources(con, catalogue: Catalogue, snapshot_dir: Path, division: Division) -> Staged:
    """Write `raw.<source>` and `staging.<source>` for every source; collect the problems."""
    staged = Staged()
    for source in catalogue.sources:
        staged.problems += _load_source(con, staged, source, snapshot_dir, division)
    return staged


def _load_source(con, staged: Staged, source: Source, snapshot_dir: Path, division: Division):
    path = snapshot_dir / source.file
    if not path.exists():
        return [f"source {source.id}: file {source.file} is missing from the snapshot"]
    name_index = division.region_names if source.area_level == "region" else division.names
    try:
        raw, staging = readers.read_source(source, path, name_index)
    except (readers.ReaderError, KeyError, ValueError) as exc:
        where = "" if source.file in str(exc) else f"file {source.file}: "
        return [f"source {source.id}: {where}{exc}"]
    except Exception as exc:  # a corrupted file (zip, zlib, xml errors from the readers)
        return [
            f"source {source.id}: file {source.file} is unreadable: {type(exc).__name__}: {exc}"
        ]
    write_frame(con, f"raw.{source.id}", _raw_for_duckdb(raw))
    if staging is None:
        return []
    extra = [c for c in staging.columns if c not in (*readers.STAGING_COLUMNS, readers.ROW_COLUMN)]
    problems = schemas.validate(
        f"staging.{source.id}",
        schemas.staging_schema(extra, source.variables),
        staging,
        key_columns=["area_code", "year", "month", "variable", *extra, readers.ROW_COLUMN],
        where=f" (file {source.file})",
    )
    staged.staging[source.id] = staging
    write_frame(con, f"staging.{source.id}", staging)
    return problems


def _raw_for_duckdb(raw: pd.DataFrame) -> pd.DataFrame:
    """Mixed-type object columns become text so DuckDB can store them as published."""
    frame = raw.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: None if v is None else str(v))
    return frame


def write_frame(con, table: str, frame: pd.DataFrame) -> None:
    """CREATE TABLE `table` AS the frame (table names come from the catalogue and the registry)."""
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM _frame")  # noqa: S608 - fixed names
    finally:
        con.unregister("_frame")
