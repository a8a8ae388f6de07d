"""The registry of core tables: what each holds, the schema that validates it, and the one
place where it is written and counted.

A table is made of one or more parts (`core.areas` = the municipalities and the catalogue's
groups, then the peer groups). A step hands its frame to `CoreTables.add`, which validates it
with the part's pandera schema at once (so a later step never works on invalid rows); `write`
writes every table from its parts, runs the SQL models (`pipeline/models/core/*.sql`) and
records `SELECT count(*)` of each in the build report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from pipeline.build import schemas
from pipeline.build.indices import PEER_COUNT
from pipeline.build.report import BuildReport
from pipeline.build.staging import write_frame
from pipeline.catalogue import Bounds

MODELS = Path(__file__).resolve().parent.parent / "models"


@dataclass(frozen=True)
class Part:
    table: str
    keys: tuple[str, ...]  # named in failure reports
    schema: Callable[[CoreTables], pa.DataFrameSchema]
    disjoint: bool = False  # its keys must not occur in the table's earlier parts


PARTS: dict[str, Part] = {
    "areas": Part("core.areas", ("area_code",), lambda t: schemas.AREAS_SCHEMA),
    "group_members": Part(
        "core.group_members", ("group_code",), lambda t: schemas.GROUP_MEMBERS_SCHEMA
    ),
    "indicators": Part("core.indicators", ("indicator_id",), lambda t: schemas.INDICATORS_SCHEMA),
    "indicator_values": Part(
        "core.indicator_values",
        ("indicator_id", "area_code", "year", "month", "source_id"),
        lambda t: schemas.indicator_values_schema(t.municipalities, t.bounds),
    ),
    "group_values": Part(
        "core.group_values",
        ("indicator_id", "group_code", "year", "month"),
        lambda t: schemas.group_values_schema(t.frame("core.areas").area_code, t.bounds),
    ),
    "provenance": Part("core.provenance", ("source_id",), lambda t: schemas.PROVENANCE_SCHEMA),
    "build_info": Part("core.build_info", (), lambda t: schemas.BUILD_INFO_SCHEMA),
    "index_values": Part(
        "core.index_values",
        ("index_id", "area_code"),
        lambda t: schemas.index_values_schema(t.municipalities),
    ),
    "index_components": Part(
        "core.index_components", ("index_id",), lambda t: schemas.INDEX_COMPONENTS_SCHEMA
    ),
    "index_definitions": Part(
        "core.index_definitions", ("index_id",), lambda t: schemas.INDEX_DEFINITIONS_SCHEMA
    ),
    "peers": Part(
        "core.peers",
        ("area_code", "peer_code"),
        lambda t: schemas.peers_schema(t.municipalities, PEER_COUNT),
    ),
    "peer_areas": Part("core.areas", ("area_code",), lambda t: schemas.AREAS_SCHEMA, disjoint=True),
    "peer_members": Part(
        "core.group_members", ("group_code",), lambda t: schemas.GROUP_MEMBERS_SCHEMA
    ),
    "peer_group_values": Part(
        "core.group_values",
        ("indicator_id", "group_code", "year", "month"),
        lambda t: schemas.peer_group_values_schema(
            t.parts["peer_areas"].area_code, PEER_COUNT, t.bounds
        ),
    ),
}
TABLES = tuple(dict.fromkeys(part.table for part in PARTS.values()))


@dataclass
class CoreTables:
    """The core tables of one build, part by part, each validated when it is added."""

    municipalities: list[str]
    bounds: Mapping[str, Bounds]  # each indicator's declared bounds, by id
    files: dict[str, str]  # source id → snapshot file, named in failure reports
    parts: dict[str, pd.DataFrame] = field(default_factory=dict)

    def add(self, name: str, frame: pd.DataFrame) -> list[str]:
        """Keep `frame` as the part `name`; return the problems its schema finds."""
        part = PARTS[name]
        first = _parts_of(part.table)[0] == name
        problems = schemas.validate(
            part.table if first else f"{part.table} ({name.replace('_', ' ')})",
            part.schema(self),
            frame,
            key_columns=part.keys,
            files=self.files,
        )
        if part.disjoint and part.keys:
            earlier = self.frame(part.table)
            clash = frame.merge(earlier[list(part.keys)], on=list(part.keys))
            if not clash.empty:
                shown = ", ".join(map(str, clash[part.keys[0]].head(5)))
                problems.append(f"{part.table}: {name} rows clash with existing keys: {shown}")
        self.parts[name] = frame
        return problems

    def frame(self, table: str) -> pd.DataFrame:
        """The table as written: its parts so far, in registry order."""
        frames = [self.parts[n] for n, p in PARTS.items() if p.table == table and n in self.parts]
        if len(frames) == 1:
            return frames[0]
        return _stacked(frames)

    def write(self, con, report: BuildReport) -> None:
        """Write every table and model, and count each in the warehouse."""
        missing = [t for t in TABLES if not any(n in self.parts for n in _parts_of(t))]
        if missing:
            raise RuntimeError(f"no step built {', '.join(missing)}")
        for table in TABLES:
            write_frame(con, table, self.frame(table))
        names = list(TABLES)
        models = sorted((MODELS / "core").glob("*.sql"))
        if not models:  # an install without its package data: fail, never build without the models
            raise RuntimeError(f"no SQL models under {MODELS / 'core'}")
        for sql_file in models:
            con.execute(sql_file.read_text(encoding="utf-8"))
            names.append(f"core.{sql_file.stem}")
        for name in names:
            report.rows[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608


def _parts_of(table: str) -> list[str]:
    return [name for name, part in PARTS.items() if part.table == table]


def _stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Parts one after another, in the first part's columns: a column a later part lacks is
    NULL there (and a flag stays boolean)."""
    first = frames[0]
    out = pd.concat([f.reindex(columns=first.columns) for f in frames], ignore_index=True)
    for column in first.columns:
        if first[column].dtype == bool and out[column].dtype != bool:
            out[column] = out[column].astype("boolean")
    return out
