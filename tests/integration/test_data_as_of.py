"""Over HTTP: the town profile and the About page show "data as of" for every indicator (first
and newest year, source table, updated), and an indicator whose newest year is more than the
presentation's threshold before the build year is marked, on the table and on the headlines.

Oracles: plain SQL on the warehouse (min/max year per indicator, the newest year's source rows
joined to core.provenance, core.build_info) and presentation.yaml read as plain yaml.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from dash._utils import to_json

from dashboard.views import town as town_view
from dashboard.views.common import presentation as page_presentation
from pipeline import DEFAULT_PRESENTATION
from tests.helpers import queries_on, routing_body, with_later_parts

SPAN_SQL = """
WITH m AS (SELECT indicator_id, min(year) AS first, max(year) AS last
           FROM core.indicator_values GROUP BY indicator_id),
     g AS (SELECT indicator_id, min(year) AS first, max(year) AS last
           FROM core.group_values
           WHERE indicator_id NOT IN (SELECT indicator_id FROM m) GROUP BY indicator_id),
     spans AS (SELECT * FROM m UNION ALL SELECT * FROM g),
     rows AS (SELECT indicator_id, year, month, source_id FROM core.indicator_values
              UNION ALL
              SELECT indicator_id, year, month, source_id FROM core.group_values
              WHERE indicator_id NOT IN (SELECT indicator_id FROM m))
SELECT s.indicator_id, s.first, s.last, max(r.month) AS last_month,
       string_agg(DISTINCT p.table_id, ', ' ORDER BY p.table_id) AS tables,
       max(p.updated) AS updated
FROM spans s
JOIN rows r ON r.indicator_id = s.indicator_id AND r.year = s.last
LEFT JOIN core.provenance p ON p.source_id = r.source_id
GROUP BY s.indicator_id, s.first, s.last
"""


def _threshold() -> int:
    return yaml.safe_load(DEFAULT_PRESENTATION.read_text(encoding="utf-8"))["currency"][
        "stale_after_years"
    ]


def _oracle(warehouse: Path) -> tuple[dict[str, dict], int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        spans = con.execute(SPAN_SQL).df()
        built = con.execute("SELECT year(built_at) FROM core.build_info").fetchone()[0]
    return {row.indicator_id: row._asdict() for row in spans.itertuples(index=False)}, built


def _find(node, wanted):
    """Every component dict in a layout tree for which `wanted(props)` holds."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            props = item.get("props")
            if isinstance(props, dict) and "type" in item:
                if wanted(props):
                    found.append(item)
                stack.extend(v for v in props.values() if isinstance(v, list | dict))
    return found


def _text(node) -> str:
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    if isinstance(node, dict) and isinstance(node.get("props"), dict):
        return _text(node["props"].get("children"))
    return ""


@pytest.fixture(scope="module")
def layout(client, dependencies):
    def layout(path: str, search: str):
        answer = client.post(
            "/_dash-update-component", json=routing_body(dependencies, path, search)
        )
        assert answer.status_code == 200
        tree = answer.get_json()["response"]["_pages_content"]["children"]
        return with_later_parts(client, dependencies, tree)

    return layout


def _as_of_rows(tree, table_id: str) -> dict[str, dict]:
    (table,) = _find(tree, lambda p: p.get("id") == table_id)
    rows = _find(table, lambda p: "data-indicator" in p)
    out = {}
    for row in rows:
        cells = [_text(c) for c in row["props"]["children"]]
        out[row["props"]["data-indicator"]] = {"cells": cells, "stale": row["props"]["data-stale"]}
    return out


def _newest(span: dict) -> str:
    month = span["last_month"]
    if month is not None and month == month:  # not NaT
        return f"{month.month}/{month.year}"
    return str(span["last"])


@pytest.mark.parametrize(
    ("path", "table_id"), [("/town/140", "town-as-of-table"), ("/about", "about-as-of-table")]
)
def test_data_as_of_lists_every_indicator_with_its_years_table_and_updated(
    layout, warehouse_path, path, table_id
):
    spans, built = _oracle(warehouse_path)
    cutoff = built - _threshold()
    rows = _as_of_rows(layout(path, "?lang=en"), table_id)
    assert sorted(rows) == sorted(spans)
    for indicator, span in spans.items():
        _label, first, newest, table, updated, status = rows[indicator]["cells"]
        assert (first, newest) == (str(span["first"]), _newest(span)), indicator
        assert int(newest[-4:]) == span["last"]
        assert table == span["tables"], indicator
        given = span["updated"] if isinstance(span["updated"], str) else None  # NaN when none
        assert updated == (given[:10] if given else "–"), indicator
        stale = span["last"] < cutoff
        assert rows[indicator]["stale"] == str(stale).lower(), indicator
        expected = "not current" if stale else "current"
        assert status == expected, indicator


def test_a_stale_indicator_is_marked_on_the_profile(layout, warehouse_path, tmp_path):
    """A build date moved so that exactly the headline indicators with the oldest newest year
    fall before the cutoff: their headlines and rows are marked, the others are not."""
    spans, _built = _oracle(warehouse_path)
    presentation = yaml.safe_load(DEFAULT_PRESENTATION.read_text(encoding="utf-8"))
    headlines = [h for h in presentation["profile"]["headlines"] if h in spans]
    cutoff = min(spans[h]["last"] for h in headlines) + 1
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "UPDATE core.build_info SET built_at = make_timestamp(?, 6, 1, 0, 0, 0)",
            [cutoff + _threshold()],
        )
    with duckdb.connect(str(copy), read_only=True) as con:
        town = dict(
            con.execute(
                "SELECT indicator_id, max(year) FROM core.indicator_values "
                "WHERE area_code = '140' GROUP BY indicator_id"
            ).fetchall()
        )
    with queries_on(copy):
        # the page built in process: the server keeps answers by request, and the copy has
        # the session warehouse's build id
        page = town_view.expanded_profile("140", "en", page_presentation())
        tree = json.loads(to_json(page))
    marked = {
        h["props"]["data-indicator"]
        for h in _find(tree, lambda p: p.get("className") == "headline stale")
    }
    shown = {
        h["props"]["data-indicator"]
        for h in _find(
            tree, lambda p: "headline" in str(p.get("className")) and "data-indicator" in p
        )
    }
    expected = {h for h in shown if town[h] < cutoff}
    assert marked == expected and marked, (marked, expected)
    assert shown - marked, "every headline was marked"
    for head in _find(tree, lambda p: p.get("className") == "headline stale"):
        year = town[head["props"]["data-indicator"]]
        assert f"Not current: newest in the bundled data {year}" in _text(head)
    rows = _as_of_rows(tree, "town-as-of-table")
    assert {i for i, r in rows.items() if r["stale"] == "true"} == {
        i for i, span in spans.items() if span["last"] < cutoff
    }
    assert json.dumps(tree).count("not current") >= len(marked)  # theme tables mark them too
