"""Which rows an export holds: `Selection`, the bound queries over `core.all_values` and
`core.index_values`, and the rows as one frame (`select_frame`), as frames of bounded size
(`frame_batches`) or as a count (`count_rows`). The semantics are in the package docstring."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline.readers import ReaderError, normalise_area_code

LANGUAGES = ("fi", "sv", "en")
FORMATS = ("csv", "csv_excel", "xlsx", "parquet")  # csv_excel: the fi/sv Excel dialect
COLUMNS = [
    "indicator_id",
    "label",
    "area_code",
    "area_name",
    "year",
    "month",
    "value",
    "unit",
    "source_id",
    "n_values",  # group rows: the members with a value, of
    "n_members",  # the group's members (a partial group value says so); municipal rows: empty
]
CREDIT = (
    "Source: Statistics Finland (Tilastokeskus) and the other publishers named per indicator, "
    "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). "
    "Compiled by Seutu Invest In; municipal values are mapped to the 2025 municipal division and "
    "group values are aggregated by each indicator's rule (ratios as ratios of sums)."
)


class ExportError(ValueError):
    """The selection names an unknown indicator, area or group, or the format is unknown."""


@dataclass(frozen=True)
class Selection:
    indicators: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    wide: bool = False
    lang: str = "fi"


# Values come from the model view core.all_values (municipal and group rows with the area's kind).
_QUERY = """
SELECT v.indicator_id,
       CASE $lang WHEN 'sv' THEN i.label_sv WHEN 'en' THEN i.label_en ELSE i.label_fi END
           AS label,
       v.area_code,
       CASE $lang WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END
           AS area_name,
       v.year, v.month, v.value,
       CASE $lang WHEN 'sv' THEN i.unit_sv WHEN 'en' THEN i.unit_en ELSE i.unit_fi END AS unit,
       v.source_id, v.n_values, v.n_members
FROM core.all_values v
JOIN core.indicators i ON i.indicator_id = v.indicator_id
JOIN core.areas a ON a.area_code = v.area_code
WHERE CASE WHEN v.kind = 'municipality' THEN list_contains($municipalities, v.area_code)
           ELSE list_contains($groups, v.area_code) END
  AND list_contains($indicators, v.indicator_id)
  AND ($year_from IS NULL OR v.year >= $year_from)
  AND ($year_to IS NULL OR v.year <= $year_to)
"""
_ORDER = (
    "ORDER BY v.indicator_id, v.kind <> 'municipality', v.area_code, v.year, v.month NULLS FIRST"
)

# Composite indices (`index_*` ids) are exported like indicators: the score as the value.
_INDEX_QUERY = """
SELECT v.index_id AS indicator_id,
       CASE $lang WHEN 'sv' THEN d.label_sv WHEN 'en' THEN d.label_en ELSE d.label_fi END
           AS label,
       v.area_code,
       CASE $lang WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END
           AS area_name,
       v.year, CAST(NULL AS DATE) AS month, v.score AS value, d.unit,
       'composite' AS source_id, CAST(NULL AS INTEGER) AS n_values,
       CAST(NULL AS INTEGER) AS n_members
FROM core.index_values v
JOIN core.index_definitions d USING (index_id)
JOIN core.areas a USING (area_code)
WHERE list_contains($ids, v.index_id) AND list_contains($areas, v.area_code)
  AND ($year_from IS NULL OR v.year >= $year_from)
  AND ($year_to IS NULL OR v.year <= $year_to)
"""
_INDEX_ORDER = "ORDER BY v.index_id, v.area_code"


@dataclass(frozen=True)
class _Plan:
    """The bound parameters of the two queries for a checked selection (`index` is None when
    the selection names no index)."""

    values: dict
    index: dict | None


def _plan(con: duckdb.DuckDBPyConnection, selection: Selection) -> _Plan:
    """The selection checked against the warehouse; unknown inputs raise ExportError."""
    if selection.lang not in LANGUAGES:
        raise ExportError(f"unknown language {selection.lang!r}; expected one of {LANGUAGES}")
    index_ids = [i for i in selection.indicators if i.startswith("index_")]
    wanted = tuple(i for i in selection.indicators if not i.startswith("index_"))
    indicators = _indicators(con, wanted) if wanted or not index_ids else []
    municipalities, groups = _areas(con, selection.areas, selection.groups)
    years = {"lang": selection.lang, "year_from": selection.year_from, "year_to": selection.year_to}
    values = {"municipalities": municipalities, "groups": groups, "indicators": indicators, **years}
    index = None
    if index_ids:
        _check_index_ids(con, index_ids)
        index = {"ids": index_ids, "areas": municipalities, **years}
    return _Plan(values, index)


def select_frame(
    con: duckdb.DuckDBPyConnection, selection: Selection, limit: int | None = None
) -> pd.DataFrame:
    """Rows for `selection` (long, or one column per indicator with `wide`); with `limit`, the
    first `limit` of them (a long selection then reads no more rows than that)."""
    plan = _plan(con, selection)
    bounded = limit is not None and not selection.wide
    tail = " LIMIT $limit" if bounded else ""
    frame = con.execute(f"{_QUERY}{_ORDER}{tail}", _bound(plan.values, limit, bounded)).df()
    if plan.index is not None:
        rest = max(limit - len(frame), 0) if bounded else None
        rows = con.execute(
            f"{_INDEX_QUERY}{_INDEX_ORDER}{tail}", _bound(plan.index, rest, bounded)
        ).df()
        frame = pd.concat([frame, rows], ignore_index=True) if len(frame) else rows
    frame = _long(frame)
    if selection.wide:
        frame = _wide(frame)
    return frame if limit is None else frame.head(limit)


def frame_batches(
    con: duckdb.DuckDBPyConnection, selection: Selection, batch_rows: int = 50_000
) -> Iterator[pd.DataFrame]:
    """The rows of `select_frame(con, selection)` in the same order, a frame of at most about
    `batch_rows` rows at a time (a wide selection comes as one frame: the pivot needs every
    row). Files are written from these, so an export never holds all its rows at once."""
    plan = _plan(con, selection)  # checked now, so a bad selection fails before any file
    if selection.wide:
        return iter([select_frame(con, selection)])
    queries = [(f"{_QUERY}{_ORDER}", plan.values)]
    if plan.index is not None:
        queries.append((f"{_INDEX_QUERY}{_INDEX_ORDER}", plan.index))
    return _chunks(con, queries, max(1, batch_rows // 2048))


def _chunks(con, queries: list[tuple[str, dict]], vectors: int) -> Iterator[pd.DataFrame]:
    """The queries' rows in order, `vectors` DuckDB vectors (2048 rows each) at a time."""
    cursor = con.cursor()
    try:
        for query, params in queries:
            cursor.execute(query, params)
            while len(chunk := cursor.fetch_df_chunk(vectors)):
                yield _long(chunk)
    finally:
        cursor.close()


def count_rows(con: duckdb.DuckDBPyConnection, selection: Selection) -> int:
    """How many values (long rows) the selection holds, without reading them: what decides
    whether a file of it can be made on request. A wide file has no more cells than that plus
    four per row."""
    plan = _plan(con, selection)
    counted = [(_QUERY, plan.values)] + ([(_INDEX_QUERY, plan.index)] if plan.index else [])
    total = 0
    for query, params in counted:  # module constants; every input is a bound parameter
        total += con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()[0]  # noqa: S608
    return int(total)


def counts_by_indicator(con: duckdb.DuckDBPyConnection, selection: Selection) -> dict[str, int]:
    """How many values the selection holds per indicator (or index) id that has any."""
    plan = _plan(con, selection)
    counted = [(_QUERY, plan.values)] + ([(_INDEX_QUERY, plan.index)] if plan.index else [])
    out: dict[str, int] = {}
    for query, params in counted:  # module constants; every input is a bound parameter
        grouped = f"SELECT indicator_id, count(*) FROM ({query}) GROUP BY 1"  # noqa: S608
        out.update(dict(con.execute(grouped, params).fetchall()))
    return out


def selected_indicators(con: duckdb.DuckDBPyConnection, selection: Selection) -> list[str]:
    """The indicator (and index) ids the selection asks for; every indicator when it names
    none."""
    plan = _plan(con, selection)
    return [*plan.values["indicators"], *(plan.index["ids"] if plan.index else [])]


def _bound(params: dict, limit: int | None, bounded: bool) -> dict:
    return {**params, "limit": limit} if bounded else params


def _long(frame: pd.DataFrame) -> pd.DataFrame:
    """Query rows as export rows: months as dates, the columns in export order."""
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame[COLUMNS]


def _check_index_ids(con, index_ids: list[str]) -> None:
    """An unknown index id raises ExportError."""
    known = set(con.execute("SELECT index_id FROM core.index_definitions").df()["index_id"])
    unknown = [i for i in index_ids if i not in known]
    if unknown:
        raise ExportError(f"unknown index {unknown[0]!r}; known: {', '.join(sorted(known))}")


def _indicators(con, wanted: tuple[str, ...]) -> list[str]:
    known = [r[0] for r in con.execute("SELECT indicator_id FROM core.indicators").fetchall()]
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise ExportError(f"unknown indicator {unknown[0]!r}; known: {', '.join(known)}")
    return list(wanted) or known


def _areas(con, areas: tuple[str, ...], groups: tuple[str, ...]):
    rows = con.execute("SELECT area_code, kind, group_id FROM core.areas").fetchall()
    kinds = {code: kind for code, kind, _ in rows}
    by_group_id: dict[str, list[str]] = {}
    for code, kind, group_id in rows:
        if kind != "municipality" and group_id:
            by_group_id.setdefault(group_id, []).append(code)
    if not areas and not groups:
        municipal = [c for c, k in kinds.items() if k == "municipality"]
        # the derived peer groups (kind "peers") only when asked for by code
        return municipal, [c for c, k in kinds.items() if k not in ("municipality", "peers")]
    municipal, group_codes = [], []
    for raw in areas:
        code = _area_code(raw)
        if code not in kinds:
            raise ExportError(f"unknown area {raw!r}: no such code in core.areas")
        (municipal if kinds[code] == "municipality" else group_codes).append(code)
    for raw in groups:
        if raw in kinds and kinds[raw] != "municipality":
            group_codes.append(raw)
        elif raw in by_group_id:
            group_codes.extend(by_group_id[raw])
        else:
            known = ", ".join(sorted(by_group_id))
            raise ExportError(f"unknown group {raw!r}: neither a group code nor one of {known}")
    return list(dict.fromkeys(municipal)), list(dict.fromkeys(group_codes))


def _area_code(raw: str) -> str:
    try:
        return normalise_area_code(raw)
    except ReaderError:
        return str(raw)


def _wide(frame: pd.DataFrame) -> pd.DataFrame:
    """One column per indicator id; rows are areas and periods."""
    index = ["area_code", "area_name", "year", "month"]
    keyed = frame.assign(month=frame["month"].astype("object").where(frame["month"].notna(), ""))
    wide = keyed.pivot_table(
        index=index, columns="indicator_id", values="value", aggfunc="first", sort=True
    ).reset_index()
    wide.columns.name = None
    wide["month"] = wide["month"].where(wide["month"] != "", None)
    return wide
