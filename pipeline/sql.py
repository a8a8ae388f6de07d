"""`investin sql`: one read-only query on the warehouse, printed as a table, CSV or JSON.

No DuckDB command line is needed: the query runs in the Python package the project already
installs. Three guards keep it read-only: the warehouse is opened with `read_only=True`, file
system access from SQL is switched off (`enable_external_access = false`: no `COPY … TO`, no
`read_csv('/etc/…')`, no `ATTACH`; locked, so SQL cannot switch it back on), and only one statement of a reading kind (`SELECT`, which
covers `WITH`, `DESCRIBE`, `SHOW`, `SUMMARIZE`, and `EXPLAIN`) is accepted, checked by DuckDB's
own parser before anything runs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

FORMATS = ("table", "csv", "json")
READING = ("SELECT", "EXPLAIN")  # DuckDB StatementType names of statements that only read
TABLE_ROWS = 200  # rows the table format prints; csv and json print every row


class SqlError(ValueError):
    """A query that cannot run: a syntax or name error, a write, several statements."""


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the warehouse attached read-only as its default database and
    file access from SQL switched off and locked. (Attached rather than opened with a config:
    DuckDB refuses a second connection to a file that one process holds with other settings.)"""
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise SqlError(f"{warehouse} does not exist: run `investin build` first")
    con = duckdb.connect(":memory:")
    literal = str(warehouse.resolve()).replace("'", "''")  # ATTACH takes no bound parameter
    con.execute(f"ATTACH '{literal}' AS warehouse (READ_ONLY)")
    con.execute("USE warehouse")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def check_statement(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Raise SqlError unless `query` is exactly one reading statement."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise SqlError(f"the query does not parse: {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise SqlError(f"give exactly one statement (this query has {len(statements)})")
    kind = statements[0].type.name
    if kind not in READING:
        raise SqlError(
            f"{kind} statements are refused: `investin sql` only reads (SELECT, WITH, "
            "DESCRIBE, SHOW, EXPLAIN); the warehouse is rebuilt by `investin build`"
        )


def run_query(warehouse: Path, query: str) -> pd.DataFrame:
    """The result of one reading statement on the warehouse, as a frame."""
    con = connect(warehouse)
    try:
        check_statement(con, query)
        try:
            return con.execute(query).df()
        except duckdb.Error as exc:
            raise SqlError(f"the query failed: {_first_line(exc)}") from exc
    finally:
        con.close()


def render(frame: pd.DataFrame, fmt: str, table_rows: int = TABLE_ROWS) -> str:
    """The frame as an aligned text table (at most `table_rows` rows, then how many more), CSV
    or JSON records (dates as ISO text, NULL as null)."""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        return (
            frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=1) + "\n"
        )
    if fmt != "table":
        raise SqlError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if frame.empty:
        return " | ".join(map(str, frame.columns)) + "\n(0 rows)\n"
    shown = frame.head(table_rows).to_string(index=False, na_rep="NULL", max_colwidth=60)
    more = len(frame) - table_rows
    tail = f"… {more:,} more rows (--format csv prints every row)" if more > 0 else ""
    return f"{shown}\n{tail or f'({len(frame):,} rows)'}\n"


def _first_line(exc: BaseException) -> str:
    """DuckDB's message without the caret lines it appends."""
    text = str(exc).strip()
    return text.split("\n\n")[0].replace("\n", " ")
