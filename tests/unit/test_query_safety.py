"""The dashboard's SQL binds user input and never formats it: every named query is static text
with `$name` parameters, only the runner executes SQL (and only a named query's text), and
hostile input through every function the pages call leaves the warehouse intact."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import duckdb
import pytest

from dashboard import queries, services
from dashboard.queries import runner

DASHBOARD = Path(queries.__file__).resolve().parents[1]
INJECTION = "'; DROP TABLE core.areas; --"
HOSTILE = [INJECTION, "091') OR 1=1 --", '" OR ""="', "$lang", "\\x00", "x" * 300]


def test_every_named_query_is_static_text_with_named_parameters():
    names = runner.query_names()
    assert len(names) >= 20
    for name in names:
        text = runner.sql_text(name)
        assert "{" not in text and "}" not in text, f"{name}.sql has a format placeholder"
        assert "?" not in text and "%s" not in text, f"{name}.sql has positional parameters"
        assert text.lstrip().startswith(("--", "SELECT", "WITH")), f"{name}.sql is not a query"
        assert ";" not in text, f"{name}.sql holds more than one statement"


def test_every_named_query_is_used_and_every_used_name_exists():
    used = set()
    for path in (DASHBOARD / "queries").glob("*.py"):
        used |= set(re.findall(r'\brun\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    assert used == set(runner.query_names())


def _sql_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"execute", "sql", "query", "executemany"}
    ]


def test_only_the_runner_executes_sql_and_only_named_query_text():
    for path in DASHBOARD.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = _sql_calls(tree)
        if path == Path(runner.__file__).resolve():
            # besides the named queries, only its fixed connection settings (a literal)
            assert [ast.unparse(c.args[0]) for c in calls] == [
                "CONNECTION_SETTINGS",
                "sql_text(name)",
            ]
            settings = [
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Assign)
                and [ast.unparse(t) for t in node.targets] == ["CONNECTION_SETTINGS"]
            ]
            assert len(settings) == 1 and isinstance(settings[0], ast.Constant)
        else:
            assert not calls, f"{path.name} runs SQL itself: {ast.unparse(calls[0])}"


def _page_calls(value: str) -> dict[str, tuple]:
    """Every data function the pages call, with `value` in each of its text inputs."""
    many = [value, "091"]
    return {
        "area_name": (value, value),
        "areas": (value,),
        "group_members": (value,),
        "members_of_groups": (many,),
        "municipalities": (value,),
        "network_towns": (value,),
        "indicators": (value,),
        "indicator_meta": (value, value),
        "provenance": (value,),
        "sources_for": (many, value),
        "is_municipality": (value,),
        "group_series": (value, many),
        "indicator_years": (value,),
        "trend_values": (value, many, many, value),
        "monthly_comparison": (value, value, many),
        "population_history": (value,),
        "municipal_values": (value, 2023, value),
        "group_values_in_year": (value, 2023, many, value),
        "region_values_by_municipality": (value, 2023, value),
        "is_region_level": (value,),
        "peer_gaps": (many, value, value),
        "national_shares": (many, 2023),
        "latest_values": (many, many),
        "group_latest_values": (value,),
        "network_cards": (many, value),
        "town_values": (value, value),
        "index_indicators": (value,),
        "stored_peers": (value, 3),
        "peer_group_code": ("peers:" + value,),
        "is_peer_group": (value,),
        "groups_of_areas": (many, value, value),
        "share_series": (value, value, many, 308),
        "region_share_series": (value, many, value, value),
        "area_figures": (many, many),
    }


def test_the_hostile_table_covers_every_function_that_takes_input():
    takes_input = {
        name
        for name in queries.__all__
        if inspect.isfunction(getattr(queries, name))
        and inspect.signature(getattr(queries, name)).parameters
        and name not in {"configure", "use_content_file", "run", "export_frame", "memoised"}
        # pure rules over what was already read (a provenance frame, coverage rows): no query
        and name not in {"licence_text", "build_cutoff", "cutoff_year", "is_stale"}
    }
    assert takes_input == set(_page_calls("x"))


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_through_page_functions_leaves_the_warehouse(
    small_queries, small_warehouse_path, value
):
    for name, args in _page_calls(value).items():
        getattr(small_queries, name)(*args)
    services.peers(value, [value])
    services.parse_weights({"w_labour": value})
    with duckdb.connect(str(small_warehouse_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.areas").fetchone()[0] == 9
    assert small_queries.is_municipality("091")
