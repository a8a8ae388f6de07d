"""Smoke test of the benchmark suite: the bench functions run on tiny settings, once.

No timing is asserted here (timing targets live in `bench/`, run by `make bench`); this only
keeps the benchmark code from rotting between benchmark runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dash
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import jsonstat_bench  # noqa: E402
from bench.__main__ import table  # noqa: E402
from bench.common import Result, median, not_run, percentile  # noqa: E402
from bench.fetch import bench_fetch  # noqa: E402
from bench.latency import with_variants  # noqa: E402
from bench.server import (  # noqa: E402
    ECHO_BODY,
    Request,
    body_for,
    component_props,
    register_echo,
    split_output,
)
from tests.helpers import max_in_window  # noqa: E402

SMALL = ROOT / "tests" / "fixtures" / "statfin_11re_2026api_POST_jsonstat2_KU091_top5years.json"


def test_statistics_helpers():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([1.0, 2.0], 100) == 2.0
    assert max_in_window([0.0, 0.5, 1.0, 5.0, 5.1], 2.0) == 3


def test_parse_bench_runs_once_on_a_small_file():
    r = jsonstat_bench.run(1, path=SMALL)
    assert r["cells"] > 0 and r["ratio_pyjstat_over_ours"] > 0


def test_fetch_bench_runs_once_without_a_tight_rate_limit():
    full, unchanged = bench_fetch(1, max_calls=1000, window_s=1.0, max_sources=1)
    assert full.values["data_requests"] >= full.values["lower_bound"] >= 1
    assert full.values["rate_limited"] == 0
    assert unchanged.values["data_requests"] == 0
    assert unchanged.values["tables"] == len(full.values["sources"])


def test_callback_payload_from_dependencies_and_layout():
    assert split_output("..a.children...b.data..") == [("a", "children"), ("b", "data")]
    assert split_output('{"i":1,"t":"x"}.figure') == [({"i": 1, "t": "x"}, "figure")]
    layout = {
        "type": "Div",
        "namespace": "dash_html_components",
        "props": {
            "children": [
                {
                    "type": "Dropdown",
                    "namespace": "dash_core_components",
                    "props": {"id": "p-ind", "value": "a", "options": ["a", "b", "c"]},
                },
                {"type": "Store", "namespace": "dash_core_components", "props": {"id": "p-s"}},
            ]
        },
    }
    props = component_props(layout)
    assert set(props) == {"p-ind", "p-s"}
    dep = {
        "output": "..p-fig.figure...p-url.search..",
        "inputs": [{"id": "p-ind", "property": "value"}],
        "state": [{"id": "p-s", "property": "data"}],
    }
    body = body_for(dep, props)
    assert body["inputs"] == [{"id": "p-ind", "property": "value", "value": "a"}]
    assert body["state"] == [{"id": "p-s", "property": "data"}]
    assert body["outputs"][1] == {"id": "p-url", "property": "search"}
    assert body_for({**dep, "inputs": [{"id": "gone", "property": "value"}]}, props) is None
    variants = with_variants(Request("x", "POST", "/u", body), props, 3)
    assert [v.body["inputs"][0]["value"] for v in variants] == ["a", "b", "c"]


def test_results_table_has_a_row_per_result():
    rows = [
        Result("b", "what", "ref", "1 s", "< 2 s", True),
        not_run("c", "other", "< 1 s", "RuntimeError: no browser"),
    ]
    text = table(rows)
    assert "PASS" in text and "ERROR" in text and "no browser" in text
    assert rows[1].to_json()["passed"] is None


@pytest.mark.parametrize("name", ["build", "latency", "render"])
def test_heavy_benches_import(name):
    module = __import__(f"bench.{name}", fromlist=["*"])
    assert callable(getattr(module, f"bench_{name}"))


def test_the_echo_callback_answers_with_its_input_on_the_bench_app_only(dependencies):
    app = dash.Dash(__name__)
    app.layout = dash.html.Div()
    register_echo(app)
    answer = app.server.test_client().post("/_dash-update-component", json=ECHO_BODY)
    assert answer.get_json()["response"]["bench-echo-out"]["data"] == 1
    assert not [d for d in dependencies if "bench-echo" in d["output"]]  # not in create_app


def test_cold_profile_bench_runs_on_three_towns(warehouse_path):
    from bench.cold import bench_cold

    cold, later, warm = bench_cold(warehouse=warehouse_path, limit=3)
    assert len(cold.values["cold_s"]) == 3 and len(warm.values["warm_s"]) == 3
    assert len(later.values["later_s"]) == 3  # one later part per profile
    assert min(later.values["bytes"]) > 10_000  # the rest of a profile, not an empty answer
    assert min(cold.values["bytes"]) > 10_000  # a whole profile layout, not an error answer
