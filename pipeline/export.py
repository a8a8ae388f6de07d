"""Exports of indicator values: CSV (UTF-8), Excel (data + indicators + README) and Parquet.

Selection semantics:

- `indicators`: indicator ids; empty = every indicator.
- `areas`: any area code in `core.areas`. A municipality code ("091", also "91" or "KU091")
  selects its municipal values; a group code ("SSS", "MK01", "network") selects that group's
  aggregate rows.
- `groups`: a group's code ("MK01", "SSS") or a catalogue group id ("network", "region",
  "country"). It selects the group's own aggregate rows, not its members' rows (a classification
  id such as "region" selects every region's aggregate). To get members, list their codes in
  `areas`.
- No areas and no groups = every municipality and every group.

All filters reach SQL as bound parameters; user input is never formatted into the query.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.readers import ReaderError, normalise_area_code

LANGUAGES = ("fi", "sv", "en")
FORMATS = ("csv", "xlsx", "parquet")
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
       v.source_id
FROM core.all_values v
JOIN core.indicators i ON i.indicator_id = v.indicator_id
JOIN core.areas a ON a.area_code = v.area_code
WHERE CASE WHEN v.kind = 'municipality' THEN list_contains($municipalities, v.area_code)
           ELSE list_contains($groups, v.area_code) END
  AND list_contains($indicators, v.indicator_id)
  AND ($year_from IS NULL OR v.year >= $year_from)
  AND ($year_to IS NULL OR v.year <= $year_to)
ORDER BY v.indicator_id, v.kind <> 'municipality', v.area_code, v.year, v.month NULLS FIRST
"""

# Composite indices (`index_*` ids) are exported like indicators: the score as the value.
_INDEX_QUERY = """
SELECT v.index_id AS indicator_id,
       CASE $lang WHEN 'sv' THEN d.label_sv WHEN 'en' THEN d.label_en ELSE d.label_fi END
           AS label,
       v.area_code,
       CASE $lang WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END
           AS area_name,
       v.year, CAST(NULL AS DATE) AS month, v.score AS value, d.unit,
       'composite' AS source_id
FROM core.index_values v
JOIN core.index_definitions d USING (index_id)
JOIN core.areas a USING (area_code)
WHERE list_contains($ids, v.index_id) AND list_contains($areas, v.area_code)
  AND ($year_from IS NULL OR v.year >= $year_from)
  AND ($year_to IS NULL OR v.year <= $year_to)
ORDER BY v.index_id, v.area_code
"""


def select_frame(con: duckdb.DuckDBPyConnection, selection: Selection) -> pd.DataFrame:
    """Rows for `selection` (long, or one column per indicator with `wide`)."""
    if selection.lang not in LANGUAGES:
        raise ExportError(f"unknown language {selection.lang!r}; expected one of {LANGUAGES}")
    index_ids = [i for i in selection.indicators if i.startswith("index_")]
    wanted = tuple(i for i in selection.indicators if not i.startswith("index_"))
    indicators = _indicators(con, wanted) if wanted or not index_ids else []
    municipalities, groups = _areas(con, selection.areas, selection.groups)
    years = {"lang": selection.lang, "year_from": selection.year_from, "year_to": selection.year_to}
    frame = con.execute(
        _QUERY,
        {"municipalities": municipalities, "groups": groups, "indicators": indicators, **years},
    ).df()
    if index_ids:
        rows = _index_rows(con, index_ids, municipalities, years)
        frame = pd.concat([frame, rows], ignore_index=True) if len(frame) else rows
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame = frame[COLUMNS]
    return _wide(frame) if selection.wide else frame


def _index_rows(con, index_ids: list[str], municipalities: list[str], years: dict) -> pd.DataFrame:
    """Export rows of composite indices; an unknown index id raises ExportError."""
    known = set(con.execute("SELECT index_id FROM core.index_definitions").df()["index_id"])
    unknown = [i for i in index_ids if i not in known]
    if unknown:
        raise ExportError(f"unknown index {unknown[0]!r}; known: {', '.join(sorted(known))}")
    return con.execute(_INDEX_QUERY, {"ids": index_ids, "areas": municipalities, **years}).df()


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


# --------------------------------------------------------------------------- files


def export_file(warehouse_path: Path, selection: Selection, fmt: str, out_path: Path) -> int:
    """Write the selection to `out_path` atomically; return the number of data rows."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    warehouse_path = Path(warehouse_path)
    if not warehouse_path.exists():
        raise ExportError(f"{warehouse_path} does not exist: run `investin build` first")
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        frame = select_frame(con, selection)
        if fmt == "xlsx":
            definitions = _definitions(con, selection, frame)
    finally:
        con.close()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.")
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        if fmt == "csv":
            frame.to_csv(tmp, index=False, encoding="utf-8")
        elif fmt == "parquet":
            frame.to_parquet(tmp, engine="pyarrow", index=False)
        else:
            _write_xlsx(tmp, frame, definitions, selection.lang)
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(frame)


def _definitions(con, selection: Selection, frame: pd.DataFrame) -> pd.DataFrame:
    lang = selection.lang
    ids = sorted(
        set(frame["indicator_id"])
        if "indicator_id" in frame
        else set(frame.columns) - {"area_code", "area_name", "year", "month"}
    )
    indicators = con.execute(
        """
        SELECT indicator_id,
               CASE $lang WHEN 'sv' THEN label_sv WHEN 'en' THEN label_en ELSE label_fi END,
               CASE $lang WHEN 'sv' THEN description_sv WHEN 'en' THEN description_en
                    ELSE description_fi END,
               CASE $lang WHEN 'sv' THEN unit_sv WHEN 'en' THEN unit_en ELSE unit_fi END,
               decimals, direction, aggregation, formula, sources, citation, note
        FROM core.indicators WHERE list_contains($ids, indicator_id) ORDER BY indicator_id
        """,
        {"lang": lang, "ids": ids},
    ).df()
    indicators.columns = [
        "indicator_id",
        "label",
        "description",
        "unit",
        "decimals",
        "direction",
        "aggregation",
        "formula",
        "sources",
        "citation",
        "note",
    ]
    provenance = con.execute(
        "SELECT source_id, table_id, publisher, licence, updated, fetched FROM core.provenance"
    ).df()
    updated = {
        row.source_id: f"{row.table_id} ({row.publisher}, {row.licence}; updated "
        f"{row.updated or 'n/a'})"
        for row in provenance.itertuples()
    }
    indicators["source_details"] = indicators["sources"].map(
        lambda ids: "; ".join(updated.get(s, s) for s in str(ids).split(","))
    )
    return indicators


def _write_xlsx(path: Path, frame: pd.DataFrame, definitions: pd.DataFrame, lang: str) -> None:
    readme = pd.DataFrame(
        {
            "Seutu Invest In": [
                CREDIT,
                f"Language: {lang}. Sheet 'data' holds the values; sheet 'indicators' the "
                "definitions, units, sources, citations and update dates.",
                "Area codes: municipalities three digits (2025 division), SSS whole country, "
                "MKxx regions, SKxxx sub-regions, KR1-KR3 municipality groups, and user groups "
                "by id (network, university_cities).",
            ]
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="data", index=False)
        definitions.to_excel(writer, sheet_name="indicators", index=False)
        readme.to_excel(writer, sheet_name="README", index=False)
