"""`dashboard.frontend`: which bundles a page's HTML loads, on Dash's own script tags."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.frontend import page_scripts, preload_links

GRID = "/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1796114230.min.js"
TABLE = "/_dash-component-suites/dash/dash_table/bundle.v7_4_1m1796114228.js"
REACT = "/_dash-component-suites/dash/deps/react@18.v4_4_1m1796114228.3.1.min.js"
SCRIPTS = "\n".join(
    [
        f'<script src="{REACT}"></script>',
        f'<script src="{GRID}"></script>',
        f'<script src="{TABLE}"></script>',
        '<script src="/assets/app.js?m=1"></script>',
        "<script>var inline = 1;</script>",
    ]
)


def _block(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="investin-on-demand">(.*?)</script>', html
    )
    return json.loads(found.group(1)) if found else {}


def test_a_page_without_a_grid_gets_neither_bundle_but_their_urls():
    html = page_scripts(SCRIPTS, "pages.town")
    assert GRID not in html.replace(json.dumps(GRID), "") and f'src="{TABLE}"' not in html
    assert _block(html) == {
        "dash_ag_grid": {"src": GRID, "types": ["AgGrid"]},
        "dash_table": {"src": TABLE, "types": ["DataTable"]},
    }
    assert f'<script src="{REACT}"></script>' in html and "var inline = 1;" in html
    assert '<script src="/assets/app.js?m=1"></script>' in html


@pytest.mark.parametrize("module", ["pages.compare", "pages.data"])
def test_the_grid_pages_keep_the_grid_bundle(module):
    html = page_scripts(SCRIPTS, module)
    assert f'<script src="{GRID}"></script>' in html
    assert list(_block(html)) == ["dash_table"]


def test_an_unknown_page_and_no_request_leave_the_bundles_out_too():
    assert set(_block(page_scripts(SCRIPTS, None))) == {"dash_ag_grid", "dash_table"}
    assert page_scripts("<script>x</script>", None) == "<script>x</script>"


def test_the_json_block_cannot_close_its_script_element():
    evil = SCRIPTS.replace(TABLE, TABLE + "?</script><b>")
    html = page_scripts(evil, "pages.town")
    assert "</script><b>" not in html.split('id="investin-on-demand">')[1].split("</script>")[0]


def test_chart_pages_preload_the_graph_chunk_and_data_only_the_dropdown():
    town = preload_links("/town/091", "/")
    assert 'href="/_dash-component-suites/dash/dcc/async-graph.js"' in town
    assert 'href="/_dash-component-suites/dash/dcc/async-dropdown.js"' in town
    data = preload_links("/data", "/app/")
    assert "async-graph" not in data
    assert 'href="/app/_dash-component-suites/dash/dcc/async-dropdown.js"' in data
