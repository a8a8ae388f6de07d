"""Build the DuckDB warehouse from the snapshot: raw → staging → core, validated, atomic.

`build_warehouse` writes into `<out>.tmp`, validates every layer with pandera
(`pipeline.schemas`) plus the completeness rule, and only then `os.replace`s the file onto
`out_path`. Any failure raises `BuildError` (its text is the readable report) and leaves the
previous warehouse untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from pipeline import readers, schemas
from pipeline.aggregate import aggregate
from pipeline.catalogue import Catalogue, Indicator, Source
from pipeline.snapshot import YAML_LOADER

MODELS = Path(__file__).resolve().parent / "models"
KEYS = ["area_code", "year", "month"]
DATA_FORMATS = {"keyfigures_xlsx", "keyfigures_csv", "csv", "jsonstat2"}
GROUP_KIND = {
    "maakunta": "region",
    "seutukunta": "subregion",
    "kuntaryhmitys": "municipality_group",
}
CODE_WIDTH = {"maakunta": 2, "seutukunta": 3}
_LAG = re.compile(r"\blag\(\s*([A-Za-z_]\w*)\s*,\s*(\d+)\s*\)", re.IGNORECASE)
_AT_YEAR = re.compile(r"\bat_year\(\s*([A-Za-z_]\w*)\s*,\s*(\d{4})\s*\)", re.IGNORECASE)


class BuildError(RuntimeError):
    """The warehouse could not be built; `str()` is the readable failure report."""


@dataclass
class BuildReport:
    out_path: Path
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def timed(self, phase: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - started

    def summary(self) -> str:
        lines = [f"warehouse {self.out_path} built in {self.seconds:.2f} s"]
        lines += [f"  {table}: {count} rows" for table, count in self.rows.items()]
        phases = ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items())
        lines.append(f"  phases: {phases}")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


class _Problems(Exception):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


# --------------------------------------------------------------------------- entry point


def build_warehouse(catalogue: Catalogue, snapshot_dir: Path, out_path: Path) -> BuildReport:
    """Build `out_path` from `snapshot_dir`; raise `BuildError` and keep the old file on failure."""
    started = time.perf_counter()
    out_path = Path(out_path)
    tmp = out_path.with_name(out_path.name + ".tmp")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    report = BuildReport(out_path=out_path, seconds=0.0)
    try:
        con = duckdb.connect(str(tmp))
        try:
            _build(con, catalogue, Path(snapshot_dir), report)
            with report.timed("checkpoint"):
                con.execute("CHECKPOINT")
        finally:
            con.close()
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        if isinstance(exc, _Problems):
            body = "\n".join(f"  - {line}" for line in exc.lines)
            raise BuildError(f"warehouse build failed validation:\n{body}") from exc
        raise BuildError(f"warehouse build failed: {type(exc).__name__}: {exc}") from exc
    os.replace(tmp, out_path)
    report.seconds = time.perf_counter() - started
    return report


# --------------------------------------------------------------------------- the build


@dataclass
class _Context:
    catalogue: Catalogue
    snapshot_dir: Path
    municipalities: pd.DataFrame  # tidy 2025 classification
    names: dict[str, str]  # municipality name → code (2025 names, merged municipalities)
    region_names: dict[str, str]  # region name → MKxx
    code_map: dict[str, str]  # pre-merger code → 2025 code
    staging: dict[str, pd.DataFrame] = field(default_factory=dict)
    stacks: dict[tuple[str, ...], tuple] = field(default_factory=dict)
    by_variable: dict[tuple[str, ...], dict[str, pd.DataFrame]] = field(default_factory=dict)
    wide_eval: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict)
    nulls: dict[tuple[str, ...], dict[str, pd.DataFrame]] = field(default_factory=dict)
    earlier: dict[tuple[tuple[str, ...], str], pd.DataFrame] = field(default_factory=dict)
    evaluated: dict[tuple[str, ...], dict | None] = field(default_factory=dict)


def _build(con, catalogue: Catalogue, snapshot_dir: Path, report: BuildReport) -> None:
    for schema in ("raw", "staging", "core"):
        con.execute(f"CREATE SCHEMA {schema}")
    problems = _snapshot_problems(catalogue, snapshot_dir, report.notes)  # issue 6: checksums first
    try:
        ctx = _context(catalogue, snapshot_dir)
    except Exception as exc:
        raise _Problems([*problems, f"municipality key: {type(exc).__name__}: {exc}"]) from exc
    with report.timed("raw+staging"):
        for source in catalogue.sources:
            problems += _load_source(con, ctx, source)
    if problems:
        raise _Problems(problems)

    areas, members = _areas(ctx)
    problems += schemas.validate(
        "core.areas", schemas.AREAS_SCHEMA, areas, key_columns=["area_code"]
    )
    problems += schemas.validate(
        "core.group_members", schemas.GROUP_MEMBERS_SCHEMA, members, key_columns=["group_code"]
    )
    with report.timed("indicator values"):
        values, published, notes, gaps = _indicator_values(con, ctx, problems)
    with report.timed("group values"):
        group_values = _group_values(ctx, values, published, members, areas, problems)
    indicators = _indicators_table(catalogue, notes)
    shares = [i.id for i in catalogue.indicators if schemas.is_share(i.id, i.unit.en)]
    validating = time.perf_counter()
    problems += schemas.validate(
        "core.indicator_values",
        schemas.indicator_values_schema(ctx.municipalities.area_code, shares),
        values,
        key_columns=["indicator_id", "area_code", "year", "month", "source_id"],
        files={source.id: source.file for source in catalogue.sources},
    )
    problems += schemas.validate(
        "core.group_values",
        schemas.group_values_schema(areas.area_code, shares),
        group_values,
        key_columns=["indicator_id", "group_code", "year", "month"],
    )
    problems += _completeness(con, values, ctx, gaps)
    report.timings["validate core"] = time.perf_counter() - validating
    if problems:
        raise _Problems(problems)
    writing = time.perf_counter()

    _write(con, "core.areas", areas)
    _write(con, "core.group_members", members)
    _write(con, "core.indicators", indicators)
    _write(con, "core.indicator_values", values)
    _write(con, "core.group_values", group_values)
    _write(con, "core.provenance", _provenance(catalogue, snapshot_dir))
    _write(con, "core.build_info", _build_info(catalogue, snapshot_dir))
    for sql_file in sorted((MODELS / "core").glob("*.sql")):
        con.execute(sql_file.read_text(encoding="utf-8"))
    for table in (
        "core.areas",
        "core.group_members",
        "core.indicators",
        "core.indicator_values",
        "core.group_values",
        "core.provenance",
    ):
        report.rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    report.timings["write core"] = time.perf_counter() - writing
    # --- composite indices and peers (issue 7): core.index_values, index_components, peers
    from pipeline.indices import write_index_tables

    theme_labels = {
        th.id: {g: th.label.get(g) for g in ("fi", "sv", "en")} for th in catalogue.themes
    }
    with report.timed("indices"):
        index_problems, index_rows = write_index_tables(
            con, list(ctx.municipalities.area_code), theme_labels, values
        )
    if index_problems:
        raise _Problems(index_problems)
    report.rows.update(index_rows)
    # --- end issue 7
    report.notes += [f"{ind}: {note}" for ind, note in notes.items() if note]


def _write(con, table: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM _frame")  # noqa: S608 - fixed names
    finally:
        con.unregister("_frame")


# --------------------------------------------------------------------------- classification


def _context(catalogue: Catalogue, snapshot_dir: Path) -> _Context:
    keys = [s for s in catalogue.sources if s.format == "classification_csv"]
    if not keys:
        raise BuildError("the catalogue declares no classification_csv source (municipality key)")
    key = max(keys, key=lambda s: s.division)
    municipalities = readers.tidy_classification(
        readers.read_classification_csv(snapshot_dir / key.file)
    )
    names: dict[str, str] = {}
    for lang in ("fi", "sv"):
        names.update(zip(municipalities[f"name_{lang}"], municipalities.area_code, strict=True))
    code_map: dict[str, str] = {}
    for merger in catalogue.mergers:
        code_map[merger.from_code] = merger.to_code
        if merger.name:
            names.setdefault(merger.name.split("→")[0].strip(), merger.from_code)
    for code in list(code_map):  # follow chains (a → b → c)
        target = code_map[code]
        while target in code_map:
            target = code_map[target]
        code_map[code] = target
    regions = municipalities.drop_duplicates("region_code")
    region_names: dict[str, str] = {}
    for lang in ("fi", "sv", "en"):
        region_names.update(zip(regions[f"region_name_{lang}"], regions.region_code, strict=True))
    return _Context(catalogue, snapshot_dir, municipalities, names, region_names, code_map)


def _areas(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """core.areas (municipalities, then one row per group) and core.group_members."""
    muni = ctx.municipalities
    member_rows: list[pd.DataFrame] = []
    group_rows: list[dict] = []
    for group in ctx.catalogue.groups:
        if group.kind == "country":
            member_rows.append(
                pd.DataFrame({"group_code": group.code, "area_code": muni.area_code})
            )
            group_rows.append(_group_row(group.code, "country", group.name, group.id))
        elif group.kind == "list":
            member_rows.append(pd.DataFrame({"group_code": group.code, "area_code": group.members}))
            group_rows.append(_group_row(group.code, "group", group.name, group.id))
        else:
            codes, labels = _classification_codes(ctx, group.by, group.code)
            member_rows.append(pd.DataFrame({"group_code": codes, "area_code": muni.area_code}))
            kind = GROUP_KIND.get(group.by, "group")
            for code in sorted(set(codes)):
                group_rows.append(
                    {"area_code": code, "kind": kind, **labels[code], "group_id": group.id}
                )
    members = pd.concat(member_rows, ignore_index=True).drop_duplicates()
    flags = {}
    for group_id, column in (
        ("network", "is_network"),
        ("university_cities", "is_university_city"),
    ):
        listed = members.loc[members.group_code == group_id, "area_code"]
        flags[column] = muni.area_code.isin(set(listed))
    municipal = pd.DataFrame(
        {
            "area_code": muni.area_code,
            "kind": "municipality",
            "name_fi": muni.name_fi,
            "name_sv": muni.name_sv,
            "name_en": muni.name_en,
            "region_code": muni.region_code,
            "subregion_code": muni.subregion_code,
            "municipality_group_code": muni.municipality_group_code,
            **flags,
            "group_id": None,
        }
    )
    groups = pd.DataFrame(group_rows).assign(is_network=False, is_university_city=False)
    areas = pd.concat([municipal, groups], ignore_index=True)
    for column in ("region_code", "subregion_code", "municipality_group_code"):
        areas[column] = areas[column].astype("str").where(areas[column].notna(), None)
    return areas, members.reset_index(drop=True)


def _group_row(code: str, kind: str, name, group_id: str) -> dict:
    return {
        "area_code": code,
        "kind": kind,
        "name_fi": name.fi,
        "name_sv": name.sv,
        "name_en": name.en,
        "group_id": group_id,
    }


def _classification_codes(ctx: _Context, by: str, prefix: str):
    """Group codes (prefix + zero-padded value) per municipality, and each code's names."""
    tidy = {"maakunta": "region", "seutukunta": "subregion", "kuntaryhmitys": "municipality_group"}
    muni = ctx.municipalities
    if by in tidy:
        codes = muni[f"{tidy[by]}_code"]
        names = muni[[f"{tidy[by]}_name_{lang}" for lang in ("fi", "sv", "en")]]
    else:
        key = max(
            (s for s in ctx.catalogue.sources if s.format == "classification_csv"),
            key=lambda s: s.division,
        )
        raw = readers.read_classification_csv(ctx.snapshot_dir / key.file)
        width = CODE_WIDTH.get(by, 1)
        codes = raw[f"{by}_code"].map(lambda v: f"{prefix}{int(v):0{width}d}")
        names = raw[[f"{by}_name_{lang}" for lang in ("fi", "sv", "en")]]
    labels = {}
    for code, row in zip(codes, names.itertuples(index=False), strict=True):
        labels[code] = {"name_fi": row[0], "name_sv": row[1], "name_en": row[2]}
    return codes.to_numpy(), labels


# --------------------------------------------------------------------------- raw and staging


def _snapshot_problems(catalogue: Catalogue, snapshot_dir: Path, notes: list[str]) -> list[str]:
    """Files that differ from their manifest entry (size or sha256), or are not listed in it.

    An interrupted `investin fetch` commit is completed first, as `investin check` does, and
    said in `notes`.
    """
    from pipeline.snapshot import SnapshotError, load_manifest, recover_interrupted_fetch

    try:
        if recover_interrupted_fetch(snapshot_dir):
            notes.append(f"completed an interrupted fetch in {snapshot_dir}")
        manifest = load_manifest(snapshot_dir)
    except (SnapshotError, OSError, yaml.YAMLError) as exc:
        return [f"snapshot {snapshot_dir}: manifest.yaml: {exc}"]
    problems = []
    for source in catalogue.sources:
        path = snapshot_dir / source.file
        entry = manifest.entry(source.id)
        if entry is None:
            problems.append(f"source {source.id}: file {source.file} is not in manifest.yaml")
        elif path.is_file() and (
            path.stat().st_size != entry.bytes or _sha256(path.read_bytes()) != entry.sha256
        ):
            problems.append(
                f"source {source.id}: file {source.file} does not match its manifest.yaml "
                f"checksum (sha256 {entry.sha256[:12]}…, {entry.bytes} bytes): changed or "
                "damaged since it was fetched; run `investin check`"
            )
    return problems


def _load_source(con, ctx: _Context, source: Source) -> list[str]:
    path = ctx.snapshot_dir / source.file
    if not path.exists():
        return [f"source {source.id}: file {source.file} is missing from the snapshot"]
    try:
        raw, staging = _read_source(ctx, source, path)
    except (readers.ReaderError, KeyError, ValueError) as exc:
        where = "" if source.file in str(exc) else f"file {source.file}: "  # issue 6
        return [f"source {source.id}: {where}{exc}"]
    except Exception as exc:  # issue 6: a corrupted file (zip, zlib, xml errors from readers)
        return [
            f"source {source.id}: file {source.file} is unreadable: {type(exc).__name__}: {exc}"
        ]
    _write(con, f"raw.{source.id}", _raw_for_duckdb(raw))
    if staging is None:
        return []
    extra = [c for c in staging.columns if c not in (*readers.STAGING_COLUMNS, readers.ROW_COLUMN)]
    problems = schemas.validate(
        f"staging.{source.id}",
        schemas.staging_schema(extra),
        staging,
        key_columns=["area_code", "year", "month", "variable", *extra, readers.ROW_COLUMN],
        where=f" (file {source.file})",
    )
    ctx.staging[source.id] = staging
    _write(con, f"staging.{source.id}", staging)
    return problems


def _read_source(ctx: _Context, source: Source, path: Path):
    name_index = ctx.region_names if source.area_level == "region" else ctx.names
    return readers.read_source(source, path, name_index)


def _raw_for_duckdb(raw: pd.DataFrame) -> pd.DataFrame:
    """Mixed-type object columns become text so DuckDB can store them as published."""
    frame = raw.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: None if v is None else str(v))
    return frame


# --------------------------------------------------------------------------- indicator values


def _indicator_sources(catalogue: Catalogue, indicator: Indicator) -> list[str]:
    return list(dict.fromkeys(indicator.sources))


def _indicator_values(con, ctx: _Context, problems: list[str]):
    """Municipal values on the 2025 division, published non-municipal rows, notes and gaps.

    Gaps are (indicator_id, area_code, year, month) rows the completeness rule excuses: inputs
    the publisher suppressed or left empty, and merged municipalities whose parts cannot be
    combined.
    """
    frames, notes, gap_frames = [], {}, []
    rules = {i.id: i.aggregation for i in ctx.catalogue.indicators}
    for indicator in ctx.catalogue.indicators:
        try:
            evaluated, note, suppressed = _evaluate(con, ctx, indicator, problems)
        except _Problems as exc:  # issue 6: name the indicator whose formula failed
            raise _Problems([f"indicator {indicator.id}: {line}" for line in exc.lines]) from exc
        notes[indicator.id] = [note] if note else []
        frames.append(evaluated.assign(indicator_id=indicator.id))
        gap_frames.append(suppressed.assign(indicator_id=indicator.id))
    columns = ["indicator_id", *KEYS, "value", "numerator", "denominator", "weight", "source_id"]
    evaluated = pd.concat(frames, ignore_index=True)[columns]
    evaluated["month"] = pd.to_datetime(evaluated["month"])
    is_municipal = _is_municipal(evaluated.area_code)
    published = evaluated[~is_municipal & evaluated["value"].notna()].reset_index(drop=True)
    merged, lost = _merge_onto_current(evaluated[is_municipal], rules, ctx)
    hidden = pd.concat(gap_frames, ignore_index=True)
    hidden = hidden[_is_municipal(hidden.area_code)]
    hidden = hidden.assign(area_code=_current_codes(hidden.area_code, ctx))
    hidden = hidden.drop_duplicates()
    for indicator_id, rows in hidden.groupby("indicator_id"):
        first = rows.sort_values(["year", "area_code"]).iloc[0]
        notes[indicator_id].append(
            f"{len(rows)} municipal values are suppressed or missing in the published data "
            f"(e.g. {first.area_code} in {first.year})."
        )
    for indicator_id, rows in lost.groupby("indicator_id"):
        listed = ", ".join(
            f"{r.area_code} ({r.year})"
            for r in rows.drop_duplicates(["area_code", "year"]).head(6).itertuples()
        )
        notes[indicator_id].append(
            f"No value for merged municipalities {listed}: the parts of the merger cannot be "
            "combined (rule 'none', or a part's value is missing)."
        )
    values = merged[merged["value"].notna()][columns]
    values = values.sort_values(["indicator_id", "area_code", "year", "month"], ignore_index=True)
    values["year"] = values["year"].astype("int32")
    gaps = pd.concat([hidden, lost[hidden.columns]], ignore_index=True)
    return values, published, {k: " ".join(v) for k, v in notes.items()}, gaps


def _current_codes(codes: pd.Series, ctx: _Context) -> pd.Series:
    """Each code on the 2025 division (mapped once per distinct code)."""
    positions, uniques = pd.factorize(codes, use_na_sentinel=False)
    current = np.array([ctx.code_map.get(code, code) for code in uniques], dtype=object)
    return pd.Series(current[positions], index=codes.index, dtype="str")


def _is_municipal(codes: pd.Series) -> np.ndarray:
    """Municipality codes (three digits), tested once per distinct code."""
    positions, uniques = pd.factorize(codes, use_na_sentinel=False)
    municipal = np.array(
        [isinstance(code, str) and re.fullmatch(r"\d{3}", code) is not None for code in uniques],
        dtype=bool,
    )
    return municipal[positions]


def _expressions(indicator: Indicator) -> dict[str, str | None]:
    agg = indicator.aggregation
    return {
        "value": indicator.formula,
        "numerator": agg.numerator,
        "denominator": agg.denominator,
        "weight": agg.weight,
    }


def _prepare_sources(con, ctx: _Context, source_ids: tuple[str, ...]) -> None:
    """Stack and pivot the sources once, then evaluate the expressions of every indicator that
    lists these sources in one DuckDB query over the shared wide frame (each indicator later
    takes its own rows; expressions are row by row, so that equals evaluating them one by one)."""
    stacked, wide, order = ctx.stacks[source_ids] = _stack(ctx, source_ids)
    by_variable = ctx.by_variable[source_ids] = {
        v: rows for v, rows in stacked.groupby("variable", sort=False)
    }
    if stacked.empty:
        return
    nulls = stacked.loc[stacked["value"].isna(), [*KEYS, "variable"]]
    ctx.nulls[source_ids] = {
        v: rows[KEYS] for v, rows in nulls.groupby("variable", sort=False, observed=True)
    }
    group = [
        i
        for i in ctx.catalogue.indicators
        if tuple(_indicator_sources(ctx.catalogue, i)) == source_ids
    ]
    exprs = [e for i in group for e in _expressions(i).values() if e]
    wide = _add_period_columns(wide, by_variable, exprs)
    missing = sorted({v for i in group for v in i.variables} - set(wide.columns))
    wide = pd.concat([wide, pd.DataFrame(np.nan, index=wide.index, columns=missing)], axis=1)
    ctx.wide_eval[source_ids] = wide
    try:
        ctx.evaluated[source_ids] = _sql_arrays(con, wide, exprs)
    except duckdb.Error:  # e.g. a row no indicator uses: evaluate each on its own rows instead
        ctx.evaluated[source_ids] = None


def _evaluate(con, ctx: _Context, indicator: Indicator, problems: list[str]):
    """Stack the sources' staging rows, pivot wide, evaluate the expressions row by row."""
    agg = indicator.aggregation
    exprs = _expressions(indicator)
    formula_vars = set(_base_variables(indicator.formula))
    needed = set(indicator.variables)
    source_ids = tuple(_indicator_sources(ctx.catalogue, indicator))
    if source_ids not in ctx.stacks:
        _prepare_sources(con, ctx, source_ids)
    stacked_all, wide_all, order_all = ctx.stacks[source_ids]
    if stacked_all.empty:
        return pd.DataFrame(columns=[*KEYS, "value"]), "", pd.DataFrame(columns=KEYS)
    nulls = ctx.nulls[source_ids]
    empty = stacked_all.iloc[:0]
    suppressed = pd.concat([empty[KEYS], *(nulls[v] for v in formula_vars if v in nulls)])
    formula_columns = [v for v in formula_vars if v in wide_all.columns]
    present = ~np.isnan(wide_all[formula_columns].to_numpy("float64")).all(axis=1)
    origin = np.full(int(present.sum()), "", dtype=object)
    if present.any():  # the first listed source that gives one of the formula's variables
        first = np.fmin.reduce(order_all[formula_columns].to_numpy("float64")[present], axis=1)
        known = ~np.isnan(first)
        origin[known] = np.asarray(source_ids, dtype=object)[first[known].astype("int64")]
    columns = [*KEYS, *sorted(needed), *_period_columns(exprs.values())]
    evaluated = ctx.evaluated[source_ids]
    if evaluated is None:
        wide = ctx.wide_eval[source_ids].loc[present, columns].reset_index(drop=True)
        result = _sql_eval(con, wide, exprs)
    else:
        keys = wide_all.loc[present, KEYS].reset_index(drop=True)
        result = _evaluated(keys, exprs, {e: a[present] for e, a in evaluated.items()})
    note = ""
    fill_vars = needed - formula_vars
    if fill_vars and agg.rule in ("ratio", "weighted_mean"):
        inputs = ["numerator", "denominator"] if agg.rule == "ratio" else ["weight"]
        lacking = result["value"].notna() & result[inputs].isna().any(axis=1)
        if lacking.any():
            wide = ctx.wide_eval[source_ids].loc[present, columns].reset_index(drop=True)
            note = _fill_aggregation_inputs(
                wide, lambda name: _earlier(ctx, source_ids, name), fill_vars, lacking.to_numpy()
            )
            result = _sql_eval(con, wide, exprs)
    result["source_id"] = origin
    suppressed = pd.concat([suppressed, result.loc[result["value"].isna(), KEYS]])
    if agg.rule == "ratio":
        note = " ".join(filter(None, [note, _ratio_consistency(result, agg.scale)]))
    return result, note, suppressed  # rows without a value stay until mergers are done


def _ratio_consistency(result: pd.DataFrame, scale: float) -> str:
    """The municipal value is the formula (the published figure); say how far the group
    numerator/denominator are from reproducing it, when they are more than rounding apart."""
    value, denominator = result["value"].to_numpy(), result["denominator"].to_numpy()
    ratio = scale * result["numerator"].to_numpy() / np.where(denominator != 0, denominator, np.nan)
    both = ~np.isnan(ratio) & ~np.isnan(value) & (np.abs(value) > 0)
    if not both.any():
        return ""
    deviation = np.abs(ratio[both] - value[both]) / np.abs(value[both])
    worst = float(deviation.max())
    if worst <= 0.005:
        return ""
    return (
        f"Group values use scale * sum(numerator) / sum(denominator); for single municipalities "
        f"that ratio differs from the published figure by up to {100 * worst:.1f} % "
        f"(median {100 * float(np.median(deviation)):.2f} %)."
    )


def _base_variables(expr: str | None) -> list[str]:
    from pipeline.catalogue import expression_variables

    return list(expression_variables(expr or ""))


def _stack(ctx: _Context, source_ids: tuple[str, ...]):
    """Stack the sources' staging rows (the first listed source wins for a variable, area and
    period) and pivot them wide on (area_code, year, month); annual values fill the months of
    their year. Returns (stacked rows, wide values, wide source order). Cached per source list."""
    parts = []
    for order, source_id in enumerate(source_ids):
        staging = ctx.staging.get(source_id)
        if staging is None:
            continue
        extra = [
            c for c in staging.columns if c not in (*readers.STAGING_COLUMNS, readers.ROW_COLUMN)
        ]
        rows = staging
        if extra:  # e.g. ages: a variable without a filter is the total over them
            rows = rows.groupby([*KEYS, "variable"], dropna=False, as_index=False, sort=False)[
                "value"
            ].sum(min_count=1)
        monthly = ctx.catalogue.source(source_id).period == "month"
        parts.append(rows[[*KEYS, "variable", "value"]].assign(_order=order, _monthly=monthly))
    if not parts:
        empty = pd.DataFrame(columns=[*KEYS, "variable", "value", "_order", "_monthly"])
        return empty, pd.DataFrame(columns=KEYS), pd.DataFrame()
    stacked = pd.concat(parts, ignore_index=True)
    stacked["month"] = pd.to_datetime(stacked["month"])
    stacked = stacked.drop_duplicates([*KEYS, "variable"], keep="first").reset_index(drop=True)
    wide, order = _wide(stacked[stacked["value"].notna()], ("value", "_order"))
    return stacked, wide, order.drop(columns=KEYS)


def _wide(stacked: pd.DataFrame, columns: tuple[str, ...]) -> list[pd.DataFrame]:
    """`columns` of `stacked` pivoted wide: rows (area_code, year, month) sorted, one float
    column per variable (by name). Annual rows have month NaT; when there are monthly rows, the
    rows are the monthly periods and annual values fill the months of their year (after the
    monthly variables; a variable given both ways keeps its monthly value)."""
    is_monthly = stacked["_monthly"].to_numpy(dtype=bool)
    annual, monthly = stacked[~is_monthly], stacked[is_monthly]
    a_keys, a_cells = _wide_cells(annual, ["area_code", "year"])
    if monthly.empty:
        keys = a_keys.assign(month=pd.NaT)
        keys["month"] = pd.to_datetime(keys["month"])
        return [_scatter(keys, a_cells, annual[column]) for column in columns]
    m_keys, m_cells = _wide_cells(monthly, KEYS)
    numbered = a_keys.assign(_annual=np.arange(len(a_keys)))
    annual_row = m_keys[["area_code", "year"]].merge(numbered, how="left")["_annual"]
    annual_row = annual_row.fillna(len(a_keys)).to_numpy(dtype="int64")
    frames = []
    for column in columns:
        wide = _scatter(m_keys, m_cells, monthly[column])
        filling = _scatter(a_keys, a_cells, annual[column]).drop(columns=["area_code", "year"])
        filling = pd.concat([filling, filling.iloc[:0].reindex([len(a_keys)])])  # no annual row
        filling = filling.iloc[annual_row].reset_index(drop=True)
        for name in filling.columns:
            wide[name] = wide[name].fillna(filling[name]) if name in wide else filling[name]
        frames.append(wide)
    return frames


def _wide_cells(rows: pd.DataFrame, keys: list[str]):
    """The sorted distinct `keys` of `rows`, and each row's (key row, variable) cell."""
    codes, uniques = [], []
    for key in keys:
        code, unique = pd.factorize(rows[key], sort=True, use_na_sentinel=False)
        codes.append(code.astype("int64"))
        uniques.append(unique)
    combined = np.zeros(len(rows), dtype="int64")
    for code, unique in zip(codes, uniques, strict=True):
        combined = combined * max(len(unique), 1) + code
    distinct, row = np.unique(combined, return_inverse=True)
    frame = {}
    for key, unique in zip(reversed(keys), reversed(uniques), strict=True):
        size = max(len(unique), 1)
        frame[key] = unique.take(distinct % size)
        distinct = distinct // size
    variable, names = pd.factorize(rows["variable"], sort=True)
    key_frame = pd.DataFrame({key: frame[key] for key in keys})
    for key in keys:
        key_frame[key] = key_frame[key].astype(rows[key].dtype)
    return key_frame, (row.ravel(), variable, list(names))


def _scatter(keys: pd.DataFrame, cells, values: pd.Series) -> pd.DataFrame:
    row, variable, names = cells
    matrix = np.full((len(keys), len(names)), np.nan)
    matrix[row, variable] = values.to_numpy(dtype="float64")
    return pd.concat([keys, pd.DataFrame(matrix, columns=names)], axis=1)


def _variable_rows(by_variable: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    rows = by_variable.get(name)
    if rows is None:
        return pd.DataFrame({"area_code": [], "year": [], "month": [], "value": []})
    return rows.loc[rows["value"].notna(), [*KEYS, "value"]]


def _period_columns(exprs: Iterable[str | None]) -> list[str]:
    """The wide columns `_add_period_columns` adds for `exprs`."""
    text = " ".join(e for e in exprs if e)
    lags = {f"{m[0]}__lag_{int(m[1])}" for m in _LAG.findall(text)}
    return sorted(lags | {f"{m[0]}__at_{int(m[1])}" for m in _AT_YEAR.findall(text)})


def _add_period_columns(
    wide: pd.DataFrame, by_variable: dict, exprs: Iterable[str | None]
) -> pd.DataFrame:
    """Columns for lag(x, n) and at_year(x, y) looked up from the same area's other periods."""
    text = " ".join(e for e in exprs if e)
    for name, lag in {(m[0], int(m[1])) for m in _LAG.findall(text)}:
        rows = _variable_rows(by_variable, name).copy()
        if rows["month"].notna().any():
            rows["month"] = pd.to_datetime(rows["month"]) + pd.DateOffset(months=lag)
            rows["year"] = rows["month"].dt.year
        else:
            rows["year"] = rows["year"] + lag
        column = f"{name}__lag_{lag}"
        rows = rows.rename(columns={"value": column})
        on = KEYS if rows["month"].notna().any() else ["area_code", "year"]
        wide = wide.merge(rows[[*on, column]], on=on, how="left", validate="many_to_one")
    for name, year in {(m[0], int(m[1])) for m in _AT_YEAR.findall(text)}:
        rows = _variable_rows(by_variable, name)
        rows = rows[rows["year"] == year]
        column = f"{name}__at_{year}"
        on = ["area_code", "month"] if rows["month"].notna().any() else ["area_code"]
        if "month" in on:
            parts = pd.DataFrame({"year": year, "month": rows["month"].dt.month, "day": 1})
            rows = rows.assign(month=pd.to_datetime(parts))
        rows = rows.rename(columns={"value": column})[[*on, column]]
        wide = wide.merge(rows, on=on, how="left", validate="many_to_one")
    return wide


def _earlier(ctx: _Context, source_ids: tuple[str, ...], name: str) -> pd.DataFrame:
    """A variable's last value of each area and year (`area_code, from_year, _fill`, by year):
    what `_fill_aggregation_inputs` looks back into. Cached per source list and variable."""
    key = (source_ids, name)
    if key not in ctx.earlier:
        series = _variable_rows(ctx.by_variable[source_ids], name).sort_values(KEYS)
        annual = series.drop_duplicates(["area_code", "year"], keep="last")[
            ["area_code", "year", "value"]
        ]
        annual = annual.sort_values("year").rename(columns={"year": "from_year", "value": "_fill"})
        ctx.earlier[key] = annual
    return ctx.earlier[key]


def _fill_aggregation_inputs(wide, earlier, variables: Iterable[str], rows) -> str:
    """Aggregation-only inputs missing on `rows` take the same area's nearest earlier year
    (`earlier(name)` gives a variable's yearly values, `_earlier`)."""
    notes = []
    for name in sorted(variables):
        missing = rows & wide[name].isna().to_numpy()
        if not missing.any():
            continue
        annual = earlier(name)
        if annual.empty:
            continue
        targets = wide.loc[missing, ["area_code", "year"]].reset_index().sort_values("year")
        filled = pd.merge_asof(
            targets,
            annual,
            left_on="year",
            right_on="from_year",
            by="area_code",
            direction="backward",
            allow_exact_matches=False,
        ).dropna(subset=["_fill"])
        if filled.empty:
            continue
        wide.loc[filled["index"].to_numpy(), name] = filled["_fill"].to_numpy()
        notes.append(
            f"{name} is missing for {_span(sorted(filled['year'].unique()))}; the nearest "
            f"earlier year ({_span(sorted(filled['from_year'].unique()))}) is used."
        )
    return " ".join(notes)


def _span(years) -> str:
    years = [int(y) for y in years]
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _sql_eval(con, wide: pd.DataFrame, exprs: dict) -> pd.DataFrame:
    """Evaluate the catalogue's (checked) SQL expressions over the wide frame in DuckDB."""
    return _evaluated(wide, exprs, _sql_arrays(con, wide, exprs.values()))


def _sql_arrays(con, wide: pd.DataFrame, exprs: Iterable[str | None]) -> dict:
    """Each distinct expression evaluated over the rows of `wide`, in one DuckDB query:
    {expression: masked float array (masked = NULL)}."""
    distinct = list(dict.fromkeys(e for e in exprs if e))
    if not distinct:
        return {}
    selects = []
    for number, expr in enumerate(distinct):
        sql = _LAG.sub(lambda m: f'"{m[1]}__lag_{m[2]}"', expr)
        sql = _AT_YEAR.sub(lambda m: f'"{m[1]}__at_{m[2]}"', sql)
        selects.append(f"CAST(({sql}) AS DOUBLE) AS e{number}")
    numeric = wide.drop(columns=["area_code", "month"]).assign(_row=np.arange(len(wide)))
    con.register("_wide", numeric)
    try:
        query = f"SELECT {', '.join(selects)} FROM _wide ORDER BY _row"  # noqa: S608
        arrays = con.execute(query).fetchnumpy()
    finally:
        con.unregister("_wide")
    return {expr: np.ma.asarray(arrays[f"e{n}"]) for n, expr in enumerate(distinct)}


def _evaluated(wide: pd.DataFrame, exprs: dict, arrays: dict) -> pd.DataFrame:
    """The keys of `wide` with the evaluated `exprs` (from `_sql_arrays` over these rows);
    a non-finite result (x/0 gives ±inf or NaN in DuckDB, not NULL) fails (issue 6)."""
    result = {key: wide[key] for key in KEYS}
    for column, expr in exprs.items():
        if not expr:
            result[column] = np.full(len(wide), np.nan)
            continue
        values = np.ma.filled(arrays[expr].astype("float64"), np.nan)
        bad = ~np.ma.getmaskarray(arrays[expr]) & ~np.isfinite(values)
        if bad.any():
            row = wide.iloc[int(np.argmax(bad))]
            raise _Problems(
                [
                    f"{column} expression {expr!r} gives {values[bad][0]} (division by "
                    f"zero?) for {int(bad.sum())} rows, e.g. area {row['area_code']}, "
                    f"year {row['year']}"
                ]
            )
        result[column] = values
    return pd.DataFrame(result)


def _merge_onto_current(frame: pd.DataFrame, rules: dict, ctx: _Context):
    """Map pre-merger codes onto the 2025 code, combining parts with each indicator's rule.

    A merged municipality gets a value only when every part present in the data for that period
    has one (`n_values` equals the parts present); returns (values, lost rows).
    """
    keys = ["indicator_id", "year", "month"]
    frame = frame.assign(target=_current_codes(frame.area_code, ctx))
    targets = set(frame.loc[frame.target != frame.area_code, "target"])
    involved = frame.target.isin(targets)
    keep = frame[~involved].drop(columns="target")
    parts = frame[involved]
    counts = parts.groupby(["target", *keys], dropna=False).area_code.transform("nunique")
    single = parts[counts == 1].drop(columns="area_code").rename(columns={"target": "area_code"})
    multi = parts[counts > 1].assign(_parts=counts[counts > 1])
    combined = []
    multi = multi.assign(_rule=multi.indicator_id.map(lambda i: rules[i].rule))
    for rule, rows in multi.groupby("_rule"):
        out = aggregate(
            rows.drop(columns="target"),
            rows[["target", "area_code"]]
            .drop_duplicates()
            .rename(columns={"target": "group_code"}),
            rule,
            1.0,
            keys=tuple(keys),
        ).rename(columns={"group_code": "area_code"})
        if rule == "ratio":
            out["value"] = out["value"] * out["indicator_id"].map(lambda i: rules[i].scale)
        info = rows.groupby(["target", *keys], dropna=False, as_index=False).agg(
            _parts=("_parts", "first"), source_id=("source_id", "first")
        )
        out = out.merge(info.rename(columns={"target": "area_code"}), on=["area_code", *keys])
        out.loc[out["n_values"] < out["_parts"], "value"] = np.nan
        combined.append(out)
    columns = ["indicator_id", *KEYS, "value", "numerator", "denominator", "weight", "source_id"]
    pieces = [keep[columns], single[columns], *(c[columns] for c in combined)]
    merged = pd.concat(pieces, ignore_index=True)
    lost = (
        pd.concat([c[c.value.isna()] for c in combined])[["indicator_id", *KEYS]]
        if combined
        else pd.DataFrame(columns=["indicator_id", *KEYS])
    )
    return merged, lost


def _month_key(month) -> str | None:
    return None if month is None or pd.isna(month) else pd.Timestamp(month).strftime("%Y-%m")


def _completeness(con, values: pd.DataFrame, ctx: _Context, gaps: pd.DataFrame) -> list[str]:
    """Every 2025 municipality has a value for each indicator and period it claims (has any
    value for), unless the gap is excused (suppressed input, merger that cannot be combined)."""
    con.register("_values", values[["indicator_id", *KEYS]])
    con.register("_gaps", gaps[["indicator_id", *KEYS]])
    con.register("_munis", ctx.municipalities[["area_code", "name_fi"]])
    try:
        missing = con.execute(
            """
            WITH periods AS (SELECT DISTINCT indicator_id, year, month FROM _values),
            expected AS (
                SELECT p.indicator_id, m.area_code, m.name_fi, p.year, p.month
                FROM periods p CROSS JOIN _munis m
            )
            SELECT e.* FROM expected e
            WHERE NOT EXISTS (
                SELECT 1 FROM _values v WHERE v.indicator_id = e.indicator_id
                  AND v.area_code = e.area_code AND v.year = e.year
                  AND v.month IS NOT DISTINCT FROM e.month)
              AND NOT EXISTS (
                SELECT 1 FROM _gaps g WHERE g.indicator_id = e.indicator_id
                  AND g.area_code = e.area_code AND g.year = e.year
                  AND g.month IS NOT DISTINCT FROM e.month)
            ORDER BY e.indicator_id, e.year, e.month, e.area_code
            """
        ).df()
    finally:
        for name in ("_values", "_gaps", "_munis"):
            con.unregister(name)
    problems = []
    for (indicator_id, year, month), rows in missing.groupby(
        ["indicator_id", "year", "month"], dropna=False, sort=False
    ):
        period = f"{month:%Y-%m}" if isinstance(month, pd.Timestamp) else str(year)
        shown = ", ".join(f"{r.area_code} {r.name_fi}" for r in rows.head(5).itertuples())
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        problems.append(
            f"core.indicator_values: completeness: indicator {indicator_id}, {period}: "
            f"no value for {len(rows)} municipalities of the 2025 division: {shown}{more}"
        )
        if len(problems) >= schemas.MAX_REPORTED:
            break
    return problems


# --------------------------------------------------------------------------- group values


def _group_values(ctx, values, published, members, areas, problems) -> pd.DataFrame:
    sizes = members.groupby("group_code").size()
    frames = []
    by_rule: dict[str, list] = {}
    for indicator in ctx.catalogue.indicators:
        if indicator.aggregation.rule != "none":
            by_rule.setdefault(indicator.aggregation.rule, []).append(indicator)
    for rule, indicators in by_rule.items():
        rows = values[values.indicator_id.isin([i.id for i in indicators])]
        if rows.empty:
            continue
        out = aggregate(rows, members, rule, 1.0, keys=("indicator_id", "year", "month"))
        if rule == "ratio":
            scales = {i.id: i.aggregation.scale for i in indicators}
            out["value"] = out["value"] * out["indicator_id"].map(scales)
        frames.append(out)
    period = ["indicator_id", "year", "month"]
    sources = (
        values[[*period, "source_id"]]
        .drop_duplicates()
        .sort_values("source_id")
        .groupby(period, dropna=False, as_index=False)["source_id"]
        .agg(",".join)
    )
    computed = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not computed.empty:
        computed = computed[computed["value"].notna()]
        computed = computed.merge(sources, on=period, how="left")
    pub = published.rename(columns={"area_code": "group_code", "value": "published_value"})
    pub = pub[["indicator_id", "group_code", "year", "month", "published_value", "source_id"]]
    pub = pub[pub.published_value.notna()]
    unknown = sorted(set(pub.group_code) - set(areas.area_code))
    if unknown:
        problems.append(f"core.group_values: published area codes match no group: {unknown[:10]}")
    keys = ["indicator_id", "group_code", "year", "month"]
    if computed.empty:
        merged = pub.assign(value=np.nan)
    else:
        merged = computed.merge(pub, on=keys, how="outer", suffixes=("", "_published"))
        merged["source_id"] = merged["source_id"].fillna(merged.pop("source_id_published"))
    merged["value"] = merged["value"].fillna(merged["published_value"])
    merged["n_members"] = merged["group_code"].map(sizes).fillna(1).astype("int64")
    merged["n_values"] = merged.get("n_values", pd.Series(0, index=merged.index)).fillna(0)
    merged["n_values"] = merged["n_values"].astype("int64")
    merged["method"] = np.where(merged["n_values"] > 0, "computed", "published")
    columns = [
        *keys,
        "value",
        "published_value",
        "n_members",
        "n_values",
        "numerator",
        "denominator",
        "weight",
        "method",
        "source_id",
    ]
    for column in ("numerator", "denominator", "weight"):
        if column not in merged:
            merged[column] = np.nan
    merged["month"] = pd.to_datetime(merged["month"])
    merged["year"] = merged["year"].astype("int32")
    return merged[columns].sort_values(keys, ignore_index=True)


# --------------------------------------------------------------------------- metadata tables


def _indicators_table(catalogue: Catalogue, notes: dict[str, str]) -> pd.DataFrame:
    rows = []
    for ind in catalogue.indicators:
        rows.append(
            {
                "indicator_id": ind.id,
                "theme": ind.theme,
                **{f"label_{lang}": ind.label.get(lang) for lang in ("fi", "sv", "en")},
                **{f"description_{lang}": ind.description.get(lang) for lang in ("fi", "sv", "en")},
                **{f"unit_{lang}": ind.unit.get(lang) for lang in ("fi", "sv", "en")},
                "decimals": ind.decimals,
                "direction": ind.direction,
                "aggregation": ind.aggregation.rule,
                "numerator": ind.aggregation.numerator,
                "denominator": ind.aggregation.denominator,
                "weight": ind.aggregation.weight,
                "scale": ind.aggregation.scale,
                "sources": ",".join(ind.sources),
                "formula": ind.formula,
                "citation": ind.citation,
                "note": notes.get(ind.id) or None,
            }
        )
    return pd.DataFrame(rows)


def _manifest(snapshot_dir: Path) -> tuple[dict[str, dict], str | None]:
    path = snapshot_dir / "manifest.yaml"
    if not path.exists():
        return {}, None
    text = path.read_bytes()
    doc = yaml.load(text, Loader=YAML_LOADER) or {}  # noqa: S506 - a safe loader
    entries = doc.get("files") or doc.get("sources") or []
    return {e["id"]: e for e in entries if isinstance(e, dict) and "id" in e}, _sha256(text)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _provenance(catalogue: Catalogue, snapshot_dir: Path) -> pd.DataFrame:
    manifest, _ = _manifest(snapshot_dir)
    rows = []
    for source in catalogue.sources:
        entry = manifest.get(source.id, {})
        path = snapshot_dir / source.file
        query = entry.get("query")
        rows.append(
            {
                "source_id": source.id,
                "table_id": entry.get("table") or source.table,
                "title_fi": source.title.fi,
                "title_sv": source.title.sv,
                "title_en": source.title.en,
                "publisher": source.publisher,
                "licence": entry.get("licence") or source.licence,
                "citation": source.citation,
                "updated": _text(entry.get("updated") or source.updated),
                "fetched": _text(entry.get("fetched")),
                "file": source.file,
                "sha256": _sha256(path.read_bytes()),
                "query": json.dumps(query, ensure_ascii=False) if query is not None else None,
                "request": _text(entry.get("request")),
                "origin": _text(entry.get("origin")),
            }
        )
    return pd.DataFrame(rows)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _build_info(catalogue: Catalogue, snapshot_dir: Path) -> pd.DataFrame:
    catalogue_sha = _sha256(catalogue.path.read_bytes()) if catalogue.path else None
    _, manifest_sha = _manifest(snapshot_dir)
    return pd.DataFrame(
        {
            "built_at": [pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None))],
            "catalogue_sha256": [catalogue_sha],
            "snapshot_manifest_sha256": [manifest_sha],
            "duckdb_version": [duckdb.__version__],
        }
    )
