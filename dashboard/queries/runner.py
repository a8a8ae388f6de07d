"""The query runner: ONE read-only DuckDB connection per process and the named queries.

A named query is a file `sql/<name>.sql` beside this module holding one SELECT whose inputs are
named parameters (`$area`, `$lang`, ...). `run(name, **params)` executes the file's text as it
is, binding every value; no SQL text is ever built from input. Results go through the one
result cache (`dashboard.cache.RESULTS`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard import cache
from pipeline.presentation import Presentation, load_presentation

SQL_DIR = Path(__file__).resolve().parent / "sql"

# Fixed settings of each process's database (every connection to the warehouse in the process
# shares them; text written here, never built from input).
# One thread per query: the server runs a worker process per core, and a query's extra threads
# only compete with the other workers (more requests/s under load).
CONNECTION_SETTINGS = "SET threads = 1"
_lock = threading.Lock()
_state: dict[str, Any] = {"path": None, "con": None, "pid": None}


class QueryError(RuntimeError):
    """The warehouse is not configured or cannot be opened, or a query name is unknown."""


def configure(path: str | os.PathLike) -> None:
    """Point the dashboard at a warehouse file (opened lazily, read-only); empties the caches."""
    path = Path(path)
    if not path.exists():
        raise QueryError(f"{path}: the warehouse does not exist; run `investin build` first")
    with _lock:
        if _state["con"] is not None:
            _state["con"].close()
        _state.update(path=path, con=None, pid=None)
    cache.invalidate()


def configured_path() -> Path | None:
    """The configured warehouse file, or None before `configure`."""
    return _state["path"]


def warehouse_path() -> Path:
    """The configured warehouse file (the /data page's downloads call `export_file` on it)."""
    path = configured_path()
    if path is None:
        raise QueryError("dashboard.queries.configure(path) has not been called")
    return Path(path)


def connection() -> duckdb.DuckDBPyConnection:
    """This process's read-only connection (reopened after a fork)."""
    with _lock:
        if _state["path"] is None:
            raise QueryError("dashboard.queries.configure(path) has not been called")
        if _state["con"] is None or _state["pid"] != os.getpid():
            _state["con"] = duckdb.connect(str(_state["path"]), read_only=True)
            _state["con"].execute(CONNECTION_SETTINGS)
            _state["pid"] = os.getpid()
        return _state["con"]


# The named queries are part of the code: read once, when the module is imported.
_QUERIES = {path.stem: path.read_text(encoding="utf-8") for path in SQL_DIR.glob("*.sql")}


def query_names() -> list[str]:
    """Every named query (the `.sql` files), sorted."""
    return sorted(_QUERIES)


def sql_text(name: str) -> str:
    """The text of the named query `sql/<name>.sql`."""
    if name not in _QUERIES:
        raise QueryError(f"no named query {name!r} in {SQL_DIR}")
    return _QUERIES[name]


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list | tuple):
        return ("__seq__", *value)
    return value


def run(name: str, **params: Any) -> pd.DataFrame:
    """The named query's result with `params` bound (a cached copy when seen before)."""
    key = (name, tuple(sorted((k, _hashable(v)) for k, v in params.items())))
    try:
        hash(key)
    except TypeError:
        key = None
    cached = cache.RESULTS.get(key) if key is not None else None
    if cached is not None:
        return cached
    bound = {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}
    cursor = connection().cursor()
    try:
        frame = cursor.execute(sql_text(name), bound).df()
    finally:
        cursor.close()
    if key is not None:
        cache.RESULTS.put(key, frame)
    return frame


def with_cursor(read: Any) -> Any:
    """`read(cursor)` on a fresh cursor of this process's connection (for pipeline readers
    that take a connection, such as `pipeline.export.select_frame`)."""
    cursor = connection().cursor()
    try:
        return read(cursor)
    finally:
        cursor.close()


def presentation() -> Presentation:
    """What the pages show and which groups play the comparison roles (`presentation.yaml`)."""
    return load_presentation()
