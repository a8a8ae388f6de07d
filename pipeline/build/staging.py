"""The snapshot's files checked against the manifest, read as published (`raw.*`) and as tidy
rows (`staging.*`, validated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pipeline import readers
from pipeline.build import schemas
from pipeline.build.areas import Division
from pipeline.build.report import Problems
from pipeline.catalogue import Catalogue, Source
from pipeline.snapshot import Manifest, SnapshotError, load_manifest, recover_interrupted_fetch
from pipeline.snapshot.integrity import integrity_problems

MAX_PROBLEM_CHARS = 1_000  # one reported problem, however much of a damaged file it quotes
MAX_UNKNOWN_CODES = 5


@dataclass
class Staged:
    """What the sources gave: the tidy rows per source, and the problems found reading them."""

    staging: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def checked_manifest(
    catalogue: Catalogue, snapshot_dir: Path, notes: list[str]
) -> tuple[Manifest, list[str]]:
    """The snapshot's manifest, once its files are the listed ones.

    An interrupted `investin fetch` commit is completed first, as `investin check` does, and
    said in `notes`. A manifest that does not load, a listed file missing or of another size or
    checksum, a catalogue source not listed: `Problems` is raised here, before any file is
    parsed (the same `integrity_problems` as `investin check`). The returned list is empty; it
    is kept for the build's call.
    """
    try:
        if recover_interrupted_fetch(snapshot_dir):
            notes.append(f"completed an interrupted fetch in {snapshot_dir}")
        manifest = load_manifest(snapshot_dir)
    except (SnapshotError, OSError, yaml.YAMLError) as exc:
        raise Problems([f"snapshot {snapshot_dir}: manifest.yaml: {exc}"]) from exc
    problems = integrity_problems(catalogue, snapshot_dir, manifest)
    if problems:
        raise Problems(problems)
    return manifest, []


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
    try:
        raw, staging = readers.read_source(source, path, source_names(source, division))
    except (readers.ReaderError, KeyError, ValueError) as exc:
        where = "" if source.file in str(exc) else f"file {source.file}: "
        return [_short(f"source {source.id}: {where}{exc}")]
    except Exception as exc:  # a corrupted file (zip, zlib, xml errors from the readers)
        return [
            _short(
                f"source {source.id}: file {source.file} is unreadable: {type(exc).__name__}: {exc}"
            )
        ]
    write_frame(con, f"raw.{source.id}", _raw_for_duckdb(raw))
    if staging is None:
        return []
    # wellbeing services counties: joined by name, but no group of the product has their level
    staging = staging[~staging["area_code"].isin(set(division.wellbeing_names.values()))]
    staging = staging.reset_index(drop=True)
    extra = [c for c in staging.columns if c not in (*readers.STAGING_COLUMNS, readers.ROW_COLUMN)]
    problems = schemas.validate(
        f"staging.{source.id}",
        schemas.staging_schema(extra, source.variables),
        staging,
        key_columns=["area_code", "year", "month", "variable", *extra, readers.ROW_COLUMN],
        where=f" (file {source.file})",
    )
    problems += unknown_area_codes(staging, division, f"staging.{source.id} (file {source.file})")
    staged.staging[source.id] = staging
    write_frame(con, f"staging.{source.id}", staging)
    return [_short(problem) for problem in problems]


def source_names(source: Source, division: Division) -> dict[str, str]:
    """The name → code index a source's reader joins names through: region or sub-region
    names for a source of that level; for a municipal one the municipalities' names and, in a category csv (a
    mixed-level StatFin table), also "MK01 Uusimaa", "SK011 Helsinki" and "HVA01 …" names."""
    if source.area_level in ("region", "subregion"):  # and StatFin's coded "MK01 Uusimaa"
        return {**division.coded_names, **division.names_for(source.area_level)}
    if source.area_level == "nuts":
        return division.nuts_codes
    if source.format == "category_csv":
        return {**division.wellbeing_names, **division.coded_names, **division.names}
    return division.names


def unknown_area_codes(staging: pd.DataFrame, division: Division, where: str) -> list[str]:
    """Rows whose area is none the build knows: a 2025 municipality, a municipality merged
    since (the catalogue's mergers), a region, a sub-region, a large region (NUTS 2) or the
    whole country. Named here, with the file row, rather than later as a failed membership check
    listing every municipality."""
    known = {*division.codes, *division.code_map, *division.municipalities.region_code}
    known.update(division.municipalities.subregion_code)
    known.add(readers.COUNTRY_CODE)
    known.update(division.nuts_codes.values())
    unknown = staging[~staging["area_code"].isin(known)]
    if unknown.empty:
        return []
    first = unknown.drop_duplicates("area_code").head(MAX_UNKNOWN_CODES)
    listed = ", ".join(
        f"{code!r} (row {row})"
        for code, row in zip(first.area_code, first[readers.ROW_COLUMN], strict=True)
    )
    more = unknown["area_code"].nunique() - len(first)
    return [
        f"{where}: unknown area code {listed}{f' and {more} more' if more > 0 else ''}: not a "
        "municipality of the 2025 division, a merged municipality, a region, a sub-region or SSS"
    ]


def _short(problem: str) -> str:
    if len(problem) <= MAX_PROBLEM_CHARS:
        return problem
    return f"{problem[:MAX_PROBLEM_CHARS]}… ({len(problem):,} characters)"


def _raw_for_duckdb(raw: pd.DataFrame) -> pd.DataFrame:
    """Mixed-type object columns become text so DuckDB can store them as published."""
    frame = raw.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            cells = frame[column].to_numpy()
            text = np.where(np.equal(cells, None), None, cells.astype(str).astype(object))
            frame[column] = pd.Series(text, index=frame.index, dtype="str")
    return frame


def write_frame(con, table: str, frame: pd.DataFrame) -> None:
    """CREATE TABLE `table` AS the frame (table names come from the catalogue and the registry)."""
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM _frame")  # noqa: S608 - fixed names
    finally:
        con.unregister("_frame")
