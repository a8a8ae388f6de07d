"""All SQL the dashboard runs, over ONE read-only DuckDB connection per process.

Rules: `configure(path)` is called once by `create_app`; every function takes a fresh cursor
(`_frame`), binds user input as parameters (`?`), never formats it into SQL, and returns a pandas
frame (or a small Python value). Functions are named for what they return and grouped by page
below; add a page's queries under its own section header.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np  # issue 7
import pandas as pd

from dashboard.i18n import lang_of
from pipeline import composite  # issue 7
from pipeline import peers as peer_mod  # issue 7

COUNTRY = "SSS"
NETWORK = "network"
UNIVERSITY_CITIES = "university_cities"
COMPARISON_GROUPS = (NETWORK, UNIVERSITY_CITIES, COUNTRY)

_lock = threading.Lock()
_state: dict[str, Any] = {"path": None, "con": None, "pid": None}


class QueryError(RuntimeError):
    """The warehouse is not configured or cannot be opened."""


# --------------------------------------------------------------------------- connection


def configure(path: str | os.PathLike) -> None:
    """Point the dashboard at a warehouse file (opened lazily, read-only)."""
    path = Path(path)
    if not path.exists():
        raise QueryError(f"{path}: the warehouse does not exist; run `investin build` first")
    with _lock:
        if _state["con"] is not None:
            _state["con"].close()
        _state.update(path=path, con=None, pid=None)
    _clear_caches()


def _connection() -> duckdb.DuckDBPyConnection:
    with _lock:
        if _state["path"] is None:
            raise QueryError("dashboard.queries.configure(path) has not been called")
        if _state["con"] is None or _state["pid"] != os.getpid():  # new process after fork
            _state["con"] = duckdb.connect(str(_state["path"]), read_only=True)
            _state["pid"] = os.getpid()
        return _state["con"]


def _frame(sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    key = _result_key(sql, params)  # perf (issue 5)
    cached = _results.get(key) if key is not None else None
    if cached is not None:
        return cached.copy()
    cursor = _connection().cursor()
    try:
        frame = cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()
    if key is not None:
        _results.put(key, frame.copy())
    return frame


# --- perf (issue 5): query results memoised per process ------------------------------------------
# The warehouse is read-only for the life of a process (`configure` clears this), so a query's
# result is a function of its SQL text and parameters. Callers get a copy, so they may modify it.
RESULT_CACHE_SIZE = 2048
RESULT_MAX_ROWS = 50_000


def _result_key(sql: str, params: Sequence[Any]) -> tuple | None:
    items = []
    for value in params:
        if isinstance(value, list | tuple):
            value = ("__seq__", *value)
        try:
            hash(value)
        except TypeError:
            return None
        items.append(value)
    return (sql, tuple(items))


class _Results:
    """A thread-safe LRU of query results by (sql, params); large results are not kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> pd.DataFrame | None:
        with self._lock:
            frame = self._items.get(key)
            if frame is not None:
                self._items.move_to_end(key)
            return frame

    def put(self, key: tuple, frame: pd.DataFrame) -> None:
        if len(frame) > RESULT_MAX_ROWS:
            return
        with self._lock:
            self._items[key] = frame
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_results = _Results(RESULT_CACHE_SIZE)
_memos: list = []


def memoised(maxsize: int = 64):
    """`functools.lru_cache` for pure functions of the warehouse (pages' figure builders);
    `configure` clears them with the query results."""

    def wrap(fn):
        cached = lru_cache(maxsize=maxsize)(fn)
        _memos.append(cached)
        return cached

    return wrap


def warm_up() -> None:
    """Run once at server start what most pages need (areas, catalogue, latest values)."""
    for lang in ("fi", "sv", "en"):
        areas(lang)
        indicators(lang)
    latest_values(sorted(municipality_codes())[:1])


# --- end perf (issue 5) --------------------------------------------------------------------------


def _clear_caches() -> None:
    for fn in (
        has_column,
        municipality_codes,
        area_codes,
        indicator_ids,
        _areas_cached,
        _indicators_cached,
    ):
        fn.cache_clear()
    _results.clear()  # perf (issue 5)
    for cached in _memos:
        cached.cache_clear()


def _label(lang: str, column: str) -> str:
    """The language column `<column>_<lang>` (the language is whitelisted by lang_of)."""
    return f"{column}_{lang_of(lang)}"


# --------------------------------------------------------------------------- shared lookups


@lru_cache(maxsize=1)
def municipality_codes() -> frozenset[str]:
    """Codes of the municipalities of the current division."""
    frame = _frame("SELECT area_code FROM core.areas WHERE kind = 'municipality'")
    return frozenset(frame.area_code)


@lru_cache(maxsize=1)
def area_codes() -> frozenset[str]:
    """Every area and group code in core.areas."""
    return frozenset(_frame("SELECT area_code FROM core.areas").area_code)


@lru_cache(maxsize=1)
def indicator_ids() -> tuple[str, ...]:
    """Indicator ids in catalogue order."""
    return tuple(_frame("SELECT indicator_id FROM core.indicators").indicator_id)


@lru_cache(maxsize=32)
def has_column(table: str, column: str) -> bool:
    """Whether `schema.table` has `column` (for optional columns beyond the contract)."""
    schema, _, name = table.partition(".")
    frame = _frame(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? AND column_name = ?",
        [schema, name, column],
    )
    return not frame.empty


def is_municipality(code: Any) -> bool:
    """True for a municipality code of the current division (safe for any input)."""
    return isinstance(code, str) and code in municipality_codes()


@lru_cache(maxsize=3)
def _areas_cached(lang: str) -> pd.DataFrame:
    name = _label(lang, "name")
    return _frame(
        f"""
        SELECT area_code, kind, {name} AS name, region_code, subregion_code,
               municipality_group_code, is_network, is_university_city
        FROM core.areas ORDER BY kind <> 'country', kind, {name}
        """  # noqa: S608 -- column name from a whitelist
    )


def areas(lang: str) -> pd.DataFrame:
    """All areas and groups: area_code, kind, name (in `lang`), region/sub-region codes, flags."""
    return _areas_cached(lang_of(lang)).copy()


def municipalities(lang: str) -> pd.DataFrame:
    """Municipalities of the current division sorted by name: area_code, name, is_network."""
    frame = areas(lang)
    frame = frame[frame.kind == "municipality"].sort_values("name", key=lambda s: s.str.lower())
    return frame.reset_index(drop=True)


def area_name(code: str, lang: str) -> str | None:
    """The name of an area or group in `lang`, or None if the code is unknown."""
    frame = areas(lang)
    match = frame.loc[frame.area_code == code, "name"]
    return None if match.empty else str(match.iloc[0])


def group_members(group_code: str) -> list[str]:
    """Municipality codes of a group, sorted."""
    frame = _frame(
        "SELECT area_code FROM core.group_members WHERE group_code = ? ORDER BY area_code",
        [group_code],
    )
    return list(frame.area_code)


def network_towns(lang: str) -> pd.DataFrame:
    """The network towns: area_code, name, sorted by name."""
    frame = municipalities(lang)
    return frame[frame.is_network].reset_index(drop=True)[["area_code", "name"]]


@lru_cache(maxsize=3)
def _indicators_cached(lang: str) -> pd.DataFrame:
    lang = lang_of(lang)
    return _frame(
        f"""
        SELECT indicator_id, theme, label_{lang} AS label, description_{lang} AS description,
               unit_{lang} AS unit, CAST(decimals AS INTEGER) AS decimals, direction,
               aggregation, sources, citation
        FROM core.indicators
        """  # noqa: S608 -- language from a whitelist
    )


def indicators(lang: str) -> pd.DataFrame:
    """The indicator catalogue in `lang`: indicator_id, theme, label, description, unit, ..."""
    return _indicators_cached(lang_of(lang)).copy()


def indicator_meta(indicator_id: str, lang: str) -> dict[str, Any] | None:
    """One indicator's catalogue row as a dict, or None if unknown."""
    frame = indicators(lang)
    match = frame[frame.indicator_id == indicator_id]
    return None if match.empty else match.iloc[0].to_dict()


def provenance(lang: str) -> pd.DataFrame:
    """Every source: source_id, table_id, title, publisher, licence, citation, updated, fetched."""
    lang = lang_of(lang)
    title = f"title_{lang}"
    if not has_column("core.provenance", title):  # the contract requires only title_fi, title_en
        title = "title_en" if lang == "en" else "title_fi"
    return _frame(
        f"""
        SELECT source_id, table_id, {title} AS title, publisher, licence, citation,
               updated, fetched, file
        FROM core.provenance ORDER BY source_id
        """  # noqa: S608 -- column from a whitelist
    )


def sources_for(indicator_ids: Iterable[str], lang: str) -> pd.DataFrame:
    """Provenance rows of the sources the given indicators use (core.indicators.sources)."""
    ids = list(dict.fromkeys(indicator_ids))
    if not ids:
        return provenance(lang).iloc[0:0]
    frame = _frame(
        f"SELECT sources FROM core.indicators WHERE indicator_id IN ({', '.join('?' * len(ids))})",  # noqa: S608 -- placeholders only
        ids,
    )
    wanted = {s.strip() for text in frame.sources.dropna() for s in text.split(",")}
    prov = provenance(lang)
    return prov[prov.source_id.isin(wanted)].reset_index(drop=True)


def build_info() -> dict[str, Any]:
    """The single row of core.build_info as a dict (empty if missing)."""
    frame = _frame("SELECT * FROM core.build_info LIMIT 1")
    return {} if frame.empty else frame.iloc[0].to_dict()


# --------------------------------------------------------------------------- series


def indicator_series(indicator_id: str, area_codes: Sequence[str]) -> pd.DataFrame:
    """Municipal values: area_code, year, month, value (month NaT for annual rows)."""
    codes = list(area_codes)
    if not codes:
        return pd.DataFrame(columns=["area_code", "year", "month", "value"])
    return _frame(
        f"""
        SELECT area_code, year, month, value FROM core.indicator_values
        WHERE indicator_id = ? AND area_code IN ({", ".join("?" * len(codes))})
        ORDER BY area_code, year, month
        """,  # noqa: S608 -- placeholders only
        [indicator_id, *codes],
    )


def group_series(indicator_id: str, group_codes: Sequence[str]) -> pd.DataFrame:
    """Group values: group_code, year, month, value, n_members, n_values."""
    codes = list(group_codes)
    if not codes:
        return pd.DataFrame(columns=["group_code", "year", "month", "value"])
    return _frame(
        f"""
        SELECT group_code, year, month, value, n_members, n_values FROM core.group_values
        WHERE indicator_id = ? AND group_code IN ({", ".join("?" * len(codes))})
        ORDER BY group_code, year, month
        """,  # noqa: S608 -- placeholders only
        [indicator_id, *codes],
    )


# --------------------------------------------------------------------------- compare, map, data, network pages
# (issue 4, part 2). Parameters are numbered ($1, $2, ...) so one value can be used twice.

# The value of a year is that of the series' latest month in it; annual rows have month NULL,
# so `IS NOT DISTINCT FROM (SELECT max(month) ...)` picks them when the series has no months.
_AREA_NAME = "CASE $3 WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END"


def indicator_years(indicator_id: str) -> list[int]:
    """Years with municipal values of the indicator, ascending."""
    frame = _frame(
        "SELECT DISTINCT year FROM core.indicator_values WHERE indicator_id = ? ORDER BY year",
        [indicator_id],
    )
    return [int(year) for year in frame.year]


def municipal_values(indicator_id: str, year: int, lang: str) -> pd.DataFrame:
    """Every municipality with its value in `year` (latest month for monthly series):
    area_code, name, value (NaN where missing), is_network, is_university_city."""
    return _frame(
        f"""
        WITH v AS (
            SELECT area_code, month, value FROM core.indicator_values
            WHERE indicator_id = $1 AND year = $2
        ),
        latest AS (
            SELECT area_code, value FROM v
            WHERE month IS NOT DISTINCT FROM (SELECT max(month) FROM v)
        )
        SELECT a.area_code, {_AREA_NAME} AS name, latest.value,
               a.is_network, a.is_university_city
        FROM core.areas a LEFT JOIN latest USING (area_code)
        WHERE a.kind = 'municipality'
        ORDER BY a.area_code
        """,  # noqa: S608 -- constant SQL text only
        [indicator_id, int(year), lang_of(lang)],
    )


def group_values_in_year(
    indicator_id: str, year: int, group_codes: Sequence[str], lang: str
) -> pd.DataFrame:
    """Aggregate values of the groups in `year` (latest month): area_code, name, value."""
    return _frame(
        f"""
        WITH v AS (
            SELECT group_code, month, value FROM core.group_values
            WHERE indicator_id = $1 AND year = $2 AND list_contains($4, group_code)
        )
        SELECT v.group_code AS area_code, {_AREA_NAME} AS name, v.value
        FROM v JOIN core.areas a ON a.area_code = v.group_code
        WHERE v.month IS NOT DISTINCT FROM (SELECT max(month) FROM v)
        """,  # noqa: S608 -- constant SQL text only
        [indicator_id, int(year), lang_of(lang), list(group_codes)],
    )


def members_of_groups(group_codes: Sequence[str]) -> pd.DataFrame:
    """group_code, area_code of the municipalities in the given groups (SSS: all of them)."""
    return _frame(
        "SELECT group_code, area_code FROM core.group_members WHERE list_contains(?, group_code)",
        [list(group_codes)],
    )


def trend_values(
    indicator_id: str, area_codes: Sequence[str], group_codes: Sequence[str], lang: str
) -> pd.DataFrame:
    """Time series of areas and groups: area_code, name, kind (municipality | group), year,
    period (the month for monthly series, 1 January of the year for annual ones), annual
    (True for rows without a month), value."""
    return _frame(
        f"""
        WITH v AS (
            SELECT area_code, year, month, value, 'municipality' AS kind
            FROM core.indicator_values
            WHERE indicator_id = $1 AND list_contains($2, area_code)
            UNION ALL
            SELECT group_code, year, month, value, 'group' AS kind
            FROM core.group_values
            WHERE indicator_id = $1 AND list_contains($4, group_code)
        )
        SELECT v.area_code, {_AREA_NAME} AS name, v.kind, v.year,
               coalesce(CAST(v.month AS DATE), make_date(v.year, 1, 1)) AS period,
               v.month IS NULL AS annual, v.value
        FROM v JOIN core.areas a USING (area_code)
        ORDER BY v.kind DESC, name, period
        """,  # noqa: S608 -- constant SQL text only
        [indicator_id, list(area_codes), lang_of(lang), list(group_codes)],
    )


def peer_gaps(area_codes: Sequence[str], peer_code: str, lang: str) -> pd.DataFrame:
    """Every indicator at its latest period for the areas against a peer group.

    Returns area_code, area, indicator_id, year, month, value, peer_value (the group's
    aggregate by the indicator's rule), peer_median (median of the members' values), rank and
    n (the area's rank among all municipalities with a value, 1 = best by the indicator's
    direction; NULL for neutral indicators).
    """
    return _frame(
        f"""
        WITH last_year AS (
            SELECT indicator_id, max(year) AS year FROM core.indicator_values GROUP BY 1
        ),
        period AS (
            SELECT iv.indicator_id, iv.year, max(iv.month) AS month
            FROM core.indicator_values iv JOIN last_year USING (indicator_id, year)
            GROUP BY 1, 2
        ),
        latest AS (
            SELECT iv.indicator_id, iv.area_code, iv.year, iv.month, iv.value
            FROM core.indicator_values iv JOIN period p
              ON iv.indicator_id = p.indicator_id AND iv.year = p.year
             AND iv.month IS NOT DISTINCT FROM p.month
            WHERE iv.value IS NOT NULL
        ),
        ranked AS (
            SELECT l.*, i.direction,
                   CASE i.direction
                     WHEN 'higher_is_better' THEN rank() OVER (
                         PARTITION BY l.indicator_id ORDER BY l.value DESC)
                     WHEN 'lower_is_better' THEN rank() OVER (
                         PARTITION BY l.indicator_id ORDER BY l.value ASC)
                   END AS rank,
                   count(*) OVER (PARTITION BY l.indicator_id) AS n
            FROM latest l JOIN core.indicators i USING (indicator_id)
        ),
        peer AS (
            SELECT gv.indicator_id, gv.value AS peer_value
            FROM core.group_values gv JOIN period p
              ON gv.indicator_id = p.indicator_id AND gv.year = p.year
             AND gv.month IS NOT DISTINCT FROM p.month
            WHERE gv.group_code = $2
        ),
        peer_median AS (
            SELECT l.indicator_id, median(l.value) AS peer_median
            FROM latest l JOIN core.group_members m
              ON m.area_code = l.area_code AND m.group_code = $2
            GROUP BY 1
        )
        SELECT r.area_code, {_AREA_NAME} AS area, r.indicator_id, r.year,
               CAST(r.month AS DATE) AS month, r.value, peer.peer_value,
               peer_median.peer_median, r.rank, r.n, r.direction
        FROM ranked r
        JOIN core.areas a ON a.area_code = r.area_code
        LEFT JOIN peer USING (indicator_id)
        LEFT JOIN peer_median USING (indicator_id)
        WHERE list_contains($1, r.area_code)
        ORDER BY r.area_code, r.indicator_id
        """,  # noqa: S608 -- constant SQL text only
        [list(area_codes), peer_code, lang_of(lang)],
    )


# Counts whose national shares the network page shows: (indicator, column). "value" for
# additive indicators; "numerator" for ratio indicators whose numerator is a count of jobs.
SHARE_MEASURES: tuple[tuple[str, str], ...] = (
    ("population", "value"),
    ("jobs", "value"),
    ("jobs_primary_share", "numerator"),
    ("jobs_processing_share", "numerator"),
    ("jobs_services_share", "numerator"),
)
_SHARE_SQL = {
    column: f"""
        WITH y AS (
            SELECT coalesce($2, max(year)) AS year FROM core.indicator_values
            WHERE indicator_id = $1 AND month IS NULL
        ),
        v AS (
            SELECT iv.area_code, iv.{column} AS x FROM core.indicator_values iv, y
            WHERE iv.indicator_id = $1 AND iv.year = y.year AND iv.month IS NULL
              AND iv.{column} IS NOT NULL
        ),
        country AS (SELECT sum(x) AS total FROM v)
        SELECT m.group_code, $1 AS indicator_id, (SELECT year FROM y) AS year,
               sum(v.x) AS group_total, (SELECT total FROM country) AS country_total,
               100.0 * sum(v.x) / nullif((SELECT total FROM country), 0) AS share
        FROM core.group_members m JOIN v USING (area_code)
        WHERE list_contains($3, m.group_code)
        GROUP BY m.group_code
    """  # noqa: S608 -- the column comes from this fixed dict, never from input
    for column in ("value", "numerator")
}


def national_shares(group_codes: Sequence[str], year: int | None = None) -> pd.DataFrame:
    """Each group's share (%) of the whole country for SHARE_MEASURES, as ratios of sums.

    The year is `year` if given, else each measure's latest year; the country total is the sum
    over all municipalities with a value that year (the same rows the group sums come from).
    Returns group_code, indicator_id, year, group_total, country_total, share.
    """
    frames = [
        _frame(_SHARE_SQL[column], [indicator_id, year, list(group_codes)])
        for indicator_id, column in SHARE_MEASURES
    ]
    return pd.concat(frames, ignore_index=True)


def share_years() -> list[int]:
    """Years in which every SHARE_MEASURES indicator has annual municipal values."""
    ids = [indicator_id for indicator_id, _ in SHARE_MEASURES]
    frame = _frame(
        """
        SELECT year FROM core.indicator_values
        WHERE list_contains(?, indicator_id) AND month IS NULL
        GROUP BY year HAVING count(DISTINCT indicator_id) = ?
        ORDER BY year
        """,
        [ids, len(ids)],
    )
    return [int(year) for year in frame.year]


def warehouse_path() -> Path:
    """The configured warehouse file (the /data page's downloads call `export_file` on it)."""
    if _state["path"] is None:
        raise QueryError("dashboard.queries.configure(path) has not been called")
    return Path(_state["path"])


def export_frame(selection: Any) -> pd.DataFrame:
    """`pipeline.export.select_frame` on this process's read-only connection: the rows that
    `investin export` writes for the same `pipeline.export.Selection`."""
    from pipeline.export import select_frame

    cursor = _connection().cursor()
    try:
        return select_frame(cursor, selection)
    finally:
        cursor.close()


# --------------------------------------------------------------------------- latest values
# Used by the overview cards, the town profile and the embed card.

_LATEST_SQL = """
WITH v AS (
    SELECT indicator_id, area_code, year, month, value,
           row_number() OVER (
               PARTITION BY indicator_id, area_code ORDER BY year DESC, month DESC NULLS LAST
           ) AS rn
    FROM core.indicator_values
    WHERE area_code IN ({areas}) {indicator_filter}
)
SELECT l.indicator_id, l.area_code, l.year, l.month, l.value,
       p.year AS prev_year, p.month AS prev_month, p.value AS prev_value,
       gn.value AS value_network, gu.value AS value_university_cities, gc.value AS value_SSS
FROM v AS l
LEFT JOIN v AS p
  ON p.indicator_id = l.indicator_id AND p.area_code = l.area_code
 AND ((l.month IS NULL AND p.rn = 2)
      OR (l.month IS NOT NULL AND p.month = l.month - INTERVAL 12 MONTH))
LEFT JOIN core.group_values AS gn
  ON gn.indicator_id = l.indicator_id AND gn.group_code = 'network'
 AND gn.year = l.year AND gn.month IS NOT DISTINCT FROM l.month
LEFT JOIN core.group_values AS gu
  ON gu.indicator_id = l.indicator_id AND gu.group_code = 'university_cities'
 AND gu.year = l.year AND gu.month IS NOT DISTINCT FROM l.month
LEFT JOIN core.group_values AS gc
  ON gc.indicator_id = l.indicator_id AND gc.group_code = 'SSS'
 AND gc.year = l.year AND gc.month IS NOT DISTINCT FROM l.month
WHERE l.rn = 1
ORDER BY l.area_code, l.indicator_id
"""


def latest_values(area_codes: Sequence[str], indicator_ids: Sequence[str] = ()) -> pd.DataFrame:
    """Per (indicator, municipality): the latest value, the previous one and the groups' values.

    Columns: indicator_id, area_code, year, month, value, prev_year, prev_month, prev_value,
    value_network, value_university_cities, value_SSS (group values for the same period).
    "Previous" is the preceding year for annual series and the same month a year earlier for
    monthly series (so seasonal series compare like with like).
    """
    codes = list(area_codes)
    ids = list(indicator_ids)
    if not codes:
        return pd.DataFrame(
            columns=[
                "indicator_id",
                "area_code",
                "year",
                "month",
                "value",
                "prev_year",
                "prev_month",
                "prev_value",
                "value_network",
                "value_university_cities",
                "value_SSS",
            ]
        )
    known = municipality_codes()
    if all(code in known for code in codes):  # perf (issue 5): one query for every municipality
        every = _frame(
            _LATEST_SQL.format(areas="SELECT area_code FROM core.areas", indicator_filter="")
        )
        wanted = every.area_code.isin(codes)
        if ids:
            wanted &= every.indicator_id.isin(ids)
        return every[wanted].reset_index(drop=True)
    indicator_filter = f"AND indicator_id IN ({', '.join('?' * len(ids))})" if ids else ""
    sql = _LATEST_SQL.format(areas=", ".join("?" * len(codes)), indicator_filter=indicator_filter)
    return _frame(sql, [*codes, *ids])


def group_latest_values(group_code: str) -> pd.DataFrame:
    """A group's (e.g. a region's) latest value per indicator: indicator_id, year, month, value."""
    return _frame(
        """
        SELECT indicator_id, year, month, value FROM (
            SELECT indicator_id, year, month, value, row_number() OVER (
                PARTITION BY indicator_id ORDER BY year DESC, month DESC NULLS LAST) AS rn
            FROM core.group_values WHERE group_code = ? AND value IS NOT NULL)
        WHERE rn = 1 ORDER BY indicator_id
        """,
        [group_code],
    )


# --------------------------------------------------------------------------- overview


def network_cards(indicator_ids: Sequence[str], lang: str) -> pd.DataFrame:
    """The network towns' latest values for the overview cards, with the town names."""
    towns = network_towns(lang)
    values = latest_values(list(towns.area_code), indicator_ids)
    return values.merge(towns, on="area_code", how="right")


# --------------------------------------------------------------------------- town profile


def town_values(code: str, lang: str) -> pd.DataFrame:
    """Every indicator's latest value for one municipality with its catalogue metadata.

    Region-level indicators (no municipal values) take the municipality's region's value and
    are marked `level = 'region'`. Columns: latest_values' columns + label, description, unit,
    decimals, direction, theme, level.
    """
    values = latest_values([code]).assign(level="municipality")
    region = areas(lang).set_index("area_code").region_code.get(code)
    if region:
        regional = group_latest_values(region)
        regional = regional[~regional.indicator_id.isin(values.indicator_id)]
        values = pd.concat(
            [values, regional.assign(area_code=code, level="region")], ignore_index=True
        )
    meta = indicators(lang)
    order = {ind: i for i, ind in enumerate(meta.indicator_id)}
    out = values.merge(meta, on="indicator_id", how="inner")
    return out.sort_values("indicator_id", key=lambda s: s.map(order)).reset_index(drop=True)


def population_history(code: str) -> pd.DataFrame:
    """Population on 31 Dec (1972–) and the projection: year, value, kind ('actual'|'projection')."""
    return _frame(
        """
        SELECT year, value, 'actual' AS kind FROM core.indicator_values
        WHERE indicator_id = 'population' AND area_code = ? AND month IS NULL
        UNION ALL
        SELECT year, value, 'projection' AS kind FROM core.indicator_values
        WHERE indicator_id = 'population_projection' AND area_code = ? AND month IS NULL
        ORDER BY kind, year
        """,
        [code, code],
    )


def monthly_comparison(indicator_id: str, code: str, group_codes: Sequence[str]) -> pd.DataFrame:
    """A monthly series for a municipality and groups, long: area_code, month, value."""
    groups = list(group_codes)
    placeholders = ", ".join("?" * len(groups)) or "NULL"
    return _frame(
        f"""
        SELECT area_code, month, value FROM core.indicator_values
        WHERE indicator_id = ? AND area_code = ? AND month IS NOT NULL
        UNION ALL
        SELECT group_code AS area_code, month, value FROM core.group_values
        WHERE indicator_id = ? AND group_code IN ({placeholders}) AND month IS NOT NULL
        ORDER BY area_code, month
        """,  # noqa: S608 -- placeholders only
        [indicator_id, code, indicator_id, *groups],
    )


# --- composite index and peers (issue 7)
# Indices are stored with equal weights in core.index_values; other weights recompute the overall
# index from the stored theme indices (pipeline.composite). Peers on the default profile come from
# core.peers; another choice of indicators is computed here from core.indicator_values.
# A `peers:<code>` group is the town's ten nearest peers (the town itself excluded); the build
# stores it as a group (core.areas kind 'peers', core.group_members, core.group_values), so
# group_members, group_series, area_name and the other group queries accept it as it is.

PEERS_PREFIX = "peers:"
OVERALL_INDEX = "index_overall"
MAX_WEIGHT = 3.0


def _cache_key() -> str:
    """Caches below are keyed by the warehouse path, so `configure` never serves stale data."""
    _connection()
    return str(_state["path"])


@lru_cache(maxsize=2)
def _index_values(path: str) -> pd.DataFrame:
    return _frame(
        "SELECT index_id, area_code, year, score, rank, n_indicators FROM core.index_values "
        "ORDER BY index_id, area_code"
    )


def index_themes() -> list[str]:
    """Theme ids that have an index (`index_<theme>` in core.index_values), in id order."""
    ids = _index_values(_cache_key())["index_id"].unique()
    return sorted(i.removeprefix("index_") for i in ids if i != OVERALL_INDEX)


def index_indicators(index_id: str = OVERALL_INDEX) -> list[str]:
    """The indicators an index is made of (core.index_components), sorted."""
    frame = _frame(
        "SELECT indicator_id FROM core.index_components WHERE index_id = ? ORDER BY 1", [index_id]
    )
    return list(frame["indicator_id"])


def parse_weights(params: dict[str, Any]) -> dict[str, float]:
    """Theme weights from query values `w_<theme>=1.5` (clipped to 0–3; others ignored)."""
    weights: dict[str, float] = {}
    for theme in index_themes():
        raw = params.get(f"w_{theme}")
        try:
            value = float(raw[0] if isinstance(raw, list) else raw)
        except (TypeError, ValueError):
            continue
        if np.isfinite(value):
            weights[theme] = min(max(value, 0.0), MAX_WEIGHT)
    if weights and not any(weights.get(t, 1.0) > 0 for t in index_themes()):
        return {}  # all themes weighted 0: fall back to equal weights
    return weights


def _theme_wide(path: str) -> pd.DataFrame:
    values = _index_values(path)
    themes = values[values["index_id"] != OVERALL_INDEX]
    wide = themes.pivot(index="area_code", columns="index_id", values="score")
    wide.columns = [c.removeprefix("index_") for c in wide.columns]
    return wide


def index_scores(
    weights: dict[str, float] | None = None, index_id: str = OVERALL_INDEX
) -> pd.DataFrame:
    """One index for every municipality: area_code, index_id, year, score, rank, n_indicators.

    `weights` (theme → weight, default 1) apply to the overall index only.
    """
    values = _index_values(_cache_key())
    stored = values[values["index_id"] == index_id].reset_index(drop=True)
    if index_id != OVERALL_INDEX or not weights:
        return stored
    scores = composite.overall_scores(_theme_wide(_cache_key()), weights)
    stored = stored.set_index("area_code")
    stored["score"] = scores.reindex(stored.index)
    stored["rank"] = composite.rank_scores(stored["score"])
    return stored.reset_index()


@lru_cache(maxsize=64)
def _rank_ranges(path: str, weights: tuple[tuple[str, float], ...], draws: int, seed: int):
    return composite.overall_rank_ranges(_theme_wide(path), dict(weights), draws=draws, seed=seed)


def rank_ranges(
    weights: dict[str, float] | None = None, *, draws: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Overall rank and its range under weights perturbed ½–2×: area_code, rank, rank_min,
    rank_p05, rank_median, rank_p95, rank_max (see docs/method.md)."""
    key = tuple(sorted((weights or {}).items()))
    return _rank_ranges(_cache_key(), key, draws, seed).copy()


@lru_cache(maxsize=2)
def _profile(path: str) -> pd.DataFrame:
    values = _frame(
        "SELECT indicator_id, area_code, year, month, value FROM core.indicator_values "
        "WHERE month IS NULL"
    )
    return peer_mod.profile_frame(values, sorted(municipality_codes()))


def peer_profile_indicators() -> list[str]:
    """Indicators available for choosing peers (annual, at their latest common year)."""
    return list(_profile(_cache_key()).columns)


def peers(code: str, indicators: Sequence[str] | None = None, k: int = 10) -> pd.DataFrame:
    """A municipality's nearest peers: area_code, distance, rank, n_indicators.

    Without `indicators` (or with the default profile) the stored core.peers rows; otherwise
    computed on the chosen indicators (unknown ones are ignored). Empty for an unknown code.
    """
    empty = pd.DataFrame(columns=["area_code", "distance", "rank", "n_indicators"])
    if not is_municipality(code):
        return empty
    chosen = [i for i in (indicators or ()) if i in set(peer_profile_indicators())]
    if not chosen or chosen == list(peer_mod.DEFAULT_PROFILE):
        stored = _frame(
            "SELECT peer_code AS area_code, distance, rank, n_indicators FROM core.peers "
            "WHERE area_code = ? ORDER BY rank LIMIT ?",
            [code, int(k)],
        )
        return stored
    try:
        return peer_mod.nearest_peers(
            _profile(_cache_key()), code, chosen, k, log=peer_mod.DEFAULT_LOG
        )
    except ValueError:  # the town has none of the chosen indicators
        return empty


def peer_group_code(value: Any) -> str | None:
    """The town code of a `peers:<code>` group, or None if `value` is not a valid one."""
    if isinstance(value, str) and value.startswith(PEERS_PREFIX):
        code = value.removeprefix(PEERS_PREFIX)
        return code if is_municipality(code) else None
    return None


def is_peer_group(value: Any) -> bool:
    return peer_group_code(value) is not None
