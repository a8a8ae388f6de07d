"""All SQL the dashboard runs, over ONE read-only DuckDB connection per process.

Rules: `configure(path)` is called once by `create_app`; every function takes a fresh cursor
(`_frame`), binds user input as parameters (`?`), never formats it into SQL, and returns a pandas
frame (or a small Python value). Functions are named for what they return and grouped by page
below; add a page's queries under its own section header.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.i18n import lang_of

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
    cursor = _connection().cursor()
    try:
        return cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()


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
