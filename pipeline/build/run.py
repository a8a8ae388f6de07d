"""`build_warehouse`: the steps of a build in order, in a temporary file replaced atomically.

raw → staging (`staging`), the 2025 division and groups (`areas`), indicator values
(`values`, with `formulas` and `mergers`), group values (`groups`), indices and peers
(`indices`), the peer groups (`groups`) and the descriptive tables (`metadata`). Every core
table goes through the registry (`registry.CoreTables`): validated when a step adds it, written
and counted once at the end. Any problem raises `BuildError` and leaves the previous warehouse
untouched.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.build import areas, groups, indices, mergers, metadata, staging, values
from pipeline.build.registry import CoreTables
from pipeline.build.report import BuildError, BuildReport, Problems
from pipeline.catalogue import Catalogue
from pipeline.presentation import Presentation, load_presentation
from pipeline.snapshot import Manifest

LANGS = ("fi", "sv", "en")


def build_warehouse(
    catalogue: Catalogue,
    snapshot_dir: Path,
    out_path: Path,
    presentation: Presentation | None = None,
) -> BuildReport:
    """Build `out_path` from `snapshot_dir`; raise `BuildError` and keep the old file on failure.
    `presentation` (default: `presentation.yaml`) names the role groups and the peer profile."""
    presentation = presentation or load_presentation(catalogue=catalogue)
    started = time.perf_counter()
    out_path = Path(out_path)
    tmp = out_path.with_name(out_path.name + ".tmp")
    stale = (tmp, tmp.with_name(tmp.name + ".wal"))
    for path in stale:
        path.unlink(missing_ok=True)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    report = BuildReport(out_path=out_path, seconds=0.0)
    try:
        con = duckdb.connect(str(tmp))
        try:
            _build(con, catalogue, presentation, Path(snapshot_dir), report)
            with report.timed("checkpoint"):
                con.execute("CHECKPOINT")
        finally:
            con.close()
    except Exception as exc:
        for path in stale:
            path.unlink(missing_ok=True)
        if isinstance(exc, Problems):
            body = "\n".join(f"  - {line}" for line in exc.lines)
            raise BuildError(f"warehouse build failed validation:\n{body}") from exc
        raise BuildError(f"warehouse build failed: {type(exc).__name__}: {exc}") from exc
    os.replace(tmp, out_path)
    report.seconds = time.perf_counter() - started
    return report


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise Problems(problems)


def _build(
    con, catalogue: Catalogue, shown: Presentation, snapshot_dir: Path, report: BuildReport
) -> None:
    for schema in ("raw", "staging", "core"):
        con.execute(f"CREATE SCHEMA {schema}")
    manifest, problems = staging.checked_manifest(catalogue, snapshot_dir, report.notes)
    try:
        division = areas.load_division(catalogue, snapshot_dir)
    except Exception as exc:
        raise Problems([*problems, f"municipality key: {type(exc).__name__}: {exc}"]) from exc
    with report.timed("raw+staging"):
        staged = staging.load_sources(con, catalogue, snapshot_dir, division)
    _raise_if(problems + staged.problems)
    build_core(con, catalogue, shown, (snapshot_dir, manifest), division, staged.staging, report)


def build_core(
    con,
    catalogue: Catalogue,
    shown: Presentation,
    snapshot: tuple[Path, Manifest],
    division: areas.Division,
    staged: Mapping[str, pd.DataFrame],
    report: BuildReport,
) -> None:
    """The steps after staging: every `core` table from the staged frames (`staged`: source id
    → staging frame, also in `con`'s staging schema) on `division`, validated, then written to
    `con`. `snapshot` is the snapshot folder and its manifest. Also the entry of the growth
    benchmark, which passes a synthetic, scaled-up division and staging."""
    snapshot_dir, manifest = snapshot
    tables = CoreTables(
        municipalities=division.codes,
        bounds={i.id: i.bounds for i in catalogue.indicators if i.bounds is not None},
        files={source.id: source.file for source in catalogue.sources},
    )
    area_rows, members = areas.areas_tables(catalogue, division, snapshot_dir, shown.role_groups)
    problems = tables.add("areas", area_rows) + tables.add("group_members", members)
    with report.timed("indicator values"):
        found = values.indicator_values(catalogue, staged, division)
    with report.timed("group values"):
        group_rows, group_problems = groups.group_values(
            catalogue, found.values, found.published, members, area_rows
        )
    problems += group_problems
    with report.timed("validate core"):
        problems += tables.add("indicators", metadata.indicators_table(catalogue, found.notes))
        problems += tables.add("indicator_values", found.values)
        problems += tables.add("group_values", group_rows)
        problems += mergers.completeness(con, found.values, division.municipalities, found.gaps)
    _raise_if(problems)
    with report.timed("indices"):
        _add_indices(tables, catalogue, shown, division.codes, found.values, area_rows)
    _raise_if(tables.add("provenance", metadata.provenance_table(catalogue, manifest)))
    _raise_if(tables.add("build_info", metadata.build_info_table(catalogue, snapshot_dir)))
    with report.timed("write core"):
        tables.write(con, report)
    report.notes += [f"{ind}: {note}" for ind, note in found.notes.items() if note]


def _add_indices(
    tables: CoreTables,
    catalogue: Catalogue,
    shown: Presentation,
    codes,
    indicator_values,
    area_rows,
):
    """The index tables and peers, then the peer groups built on the peers."""
    theme_labels = {th.id: {g: th.label.get(g) for g in LANGS} for th in catalogue.themes}
    computed = indices.index_tables(
        tables.parts["indicators"], indicator_values, codes, theme_labels, shown.peer_profile
    )
    problems = tables.add("index_values", computed.values)
    problems += tables.add("index_components", computed.components)
    problems += tables.add("index_definitions", computed.definitions)
    problems += tables.add("peers", computed.peers)
    if computed.values.empty:
        problems.append("core.index_values: no index could be computed (no eligible indicators)")
    _raise_if(problems)
    peer_areas, peer_members, peer_values = groups.peer_group_tables(
        catalogue, computed.peers, area_rows, indicator_values
    )
    problems = tables.add("peer_areas", peer_areas)
    problems += tables.add("peer_members", peer_members)
    problems += tables.add("peer_group_values", peer_values)
    _raise_if(problems)
