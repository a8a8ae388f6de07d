"""`investin sql` (read-only, table / csv / json) and docs/tables.md against the warehouse."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.build import tables_doc
from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "tables.md"


def sql(warehouse_path: Path, *args: str):
    return CliRunner().invoke(main, ["sql", *args, "--warehouse", str(warehouse_path)])


def test_a_query_prints_a_table_with_the_row_count(warehouse_path):
    result = sql(
        warehouse_path, "SELECT area_code, name_sv FROM core.areas WHERE area_code = '091'"
    )
    assert result.exit_code == 0, result.output
    assert "Helsingfors" in result.output and "(1 rows)" in result.output


def test_csv_and_json_give_every_row_equal_to_the_table(warehouse_path, con):
    query = "SELECT area_code, kind, name_fi FROM core.areas ORDER BY area_code"
    expected = con.execute("SELECT count(*) FROM core.areas").fetchone()[0]
    as_csv = pd.read_csv(
        io.StringIO(sql(warehouse_path, query, "--format", "csv").stdout), dtype=str
    )
    as_json = json.loads(sql(warehouse_path, query, "--format", "json").stdout)
    assert len(as_csv) == len(as_json) == expected
    assert as_csv.iloc[0].to_dict() == as_json[0]


def test_long_results_are_cut_in_the_table_and_say_so(warehouse_path):
    result = sql(warehouse_path, "SELECT * FROM range(1000)")
    assert result.exit_code == 0
    assert "800 more rows" in result.output


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("DELETE FROM core.areas", "DELETE statements are refused"),
        ("CREATE TABLE core.x AS SELECT 1", "CREATE statements are refused"),
        ("COPY core.areas TO '/tmp/investin-sql-copy.csv'", "COPY statements are refused"),
        ("SELECT 1; DROP TABLE core.areas", "exactly one statement"),
        ("SELECT * FROM read_csv('/etc/passwd')", "file system operations are disabled"),
        ("SELEC 1", "does not parse"),
        ("SELECT nope FROM core.areas", "nope"),
    ],
)
def test_writes_and_bad_queries_are_refused_with_a_message(warehouse_path, query, says):
    before = hashlib.sha256(warehouse_path.read_bytes()).hexdigest()
    result = sql(warehouse_path, query)
    assert result.exit_code == 1
    assert says in result.output and "Traceback" not in result.output
    assert hashlib.sha256(warehouse_path.read_bytes()).hexdigest() == before
    assert not Path("/tmp/investin-sql-copy.csv").exists()


def test_a_missing_warehouse_says_to_build(tmp_path):
    result = sql(tmp_path / "none.duckdb", "SELECT 1")
    assert result.exit_code == 1 and "investin build" in result.output


def _documented(text: str) -> set[tuple[str, str]]:
    """(table, column) pairs of the markdown: `## core.t` headings, then `| `column` |` rows."""
    pairs, table = set(), None
    for line in text.splitlines():
        if heading := re.match(r"^## core\.(\w+)$", line):
            table = heading.group(1)
        elif row := re.match(r"^\| `(\w+)` \|", line):
            pairs.add((table, row.group(1)))
    return pairs


def test_every_warehouse_column_is_documented_and_nothing_else(con):
    columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'core'"
    ).fetchall()
    assert _documented(DOC.read_text(encoding="utf-8")) == set(columns)


def test_the_doc_is_what_the_generator_writes_now(con):
    fresh = tables_doc.render(tables_doc.warehouse_columns(con))
    assert DOC.read_text(encoding="utf-8") == fresh, (
        "docs/tables.md is out of date: run `python -m pipeline.build.tables_doc`"
    )


def test_an_undescribed_column_fails_the_generator(con):
    columns = tables_doc.warehouse_columns(con)
    extra = pd.DataFrame([{"table": "areas", "column": "new_col", "type": "VARCHAR", "kind": "x"}])
    with pytest.raises(tables_doc.TablesDocError, match="core.areas.new_col has no description"):
        tables_doc.render(pd.concat([columns, extra], ignore_index=True))
