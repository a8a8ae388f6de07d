"""dashboard.answer_json writes the text plotly's own orjson writer writes.

Oracle: plotly's `to_json_plotly` with the orjson engine, called on the same object (the
function in `plotly.io._json`, which `install` leaves in place): on real page answers from the
session warehouse and on values that take each branch of plotly's cleaning.
"""

from __future__ import annotations

import datetime
import decimal
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io.json
import pytest
from dash import dcc, html
from plotly.io._json import to_json_plotly as plotly_to_json

from dashboard import answer_json


def plotly_text(value) -> str:
    return plotly_to_json(value, engine="orjson")


# One value of each kind, each written on its own (plotly's first path: orjson as it is) and
# beside a component (plotly's second path: its cleaning of the whole answer).
TRICKY = {
    "numpy int": np.int64(7),
    "numpy float32": np.float32(0.1),
    "numpy float16": np.float16(0.1),
    "numpy bool": np.bool_(True),
    "strided array": np.arange(6.0)[::2],
    "2-d array": np.array([[1, 2], [3, 4]]),
    "float32 array": np.array([0.1, 0.2], dtype=np.float32),
    "text array": np.array(["a", "b"]),
    "object array": np.array([1, "x", None], dtype=object),
    "datetime64 array": np.array(["2024-01-01", "2024-06-30"], dtype="datetime64[D]"),
    "datetime64": np.datetime64("2024-02-29"),
    "timestamp": pd.Timestamp("2025-12-31 23:59"),
    "timestamp with zone": pd.Timestamp("2025-06-01 12:00", tz="Europe/Helsinki"),
    "date": datetime.date(2026, 1, 1),
    "datetime": datetime.datetime(2026, 3, 1, 12, 30),
    "float series": pd.Series([1.5, np.nan, 3.0]),
    "datetime series": pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01"])),
    "datetime index": pd.DatetimeIndex(["2022-05-01"]),
    "NaT": pd.NaT,
    "NA": pd.NA,
    "nan": float("nan"),
    "inf": float("inf"),
    "negative zero": -0.0,
    "decimal": decimal.Decimal("1.25"),
    "big int": 10**18,
    "keys": {1: "one", 2.5: "two and a half", None: "none"},
    "html": "</script><!-- & ' \" <b>åäö</b> \u2028 \u2029",
    "tuple": (1, (2, 3), []),
}


@pytest.mark.parametrize("beside", ["alone", "beside a component"])
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_a_value_of_each_kind_is_written_as_plotly_writes_it(name, beside):
    value = {"v": TRICKY[name]}
    if beside != "alone":
        value["c"] = html.P("x")
    assert answer_json.to_json(value) == plotly_text(value)


def test_components_with_figures_inside_are_written_as_plotly_writes_them():
    figure = go.Figure(go.Bar(x=["a", "b"], y=np.array([1.0, 2.0])), layout={"title": "Å"})
    tree = html.Div(
        [
            dcc.Graph(id="g", figure=figure),
            dcc.Graph(id="d", figure={"data": [{"type": "scatter", "y": np.arange(3)}]}),
            html.P(["text ", html.B("bold"), None, 3]),
            dcc.Store(id="s", data={"frame": pd.Series([1, 2]).to_numpy()}),
        ],
        id="root",
    )
    assert answer_json.to_json(tree) == plotly_text(tree)
    assert answer_json.to_json(figure) == plotly_text(figure)


def test_what_orjson_and_plotly_cannot_write_is_a_type_error():
    class Opaque:
        pass

    with pytest.raises(TypeError):
        plotly_text({"x": Opaque()})
    with pytest.raises(TypeError, match="Opaque"):
        answer_json.to_json({"x": Opaque()})


def test_pretty_and_other_engines_go_to_plotly():
    value = {"a": [1, 2], "b": "ä"}
    assert answer_json.to_json(value, pretty=True) == plotly_to_json(value, pretty=True)
    assert answer_json.to_json(value, engine="json") == plotly_to_json(value, engine="json")


def test_the_app_writes_its_answers_with_it(dashboard_app):
    assert plotly.io.json.to_json_plotly is answer_json.to_json
    from dash._utils import to_json as dash_to_json

    tree = html.Div([html.P("ä"), dcc.Graph(figure={"data": [{"y": np.arange(2)}]})])
    assert dash_to_json(tree) == plotly_text(tree)


@pytest.mark.parametrize("code", ["140", "287", "091", "832"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_profile_and_its_later_part_are_written_as_plotly_writes_them(dashboard_app, code, lang):
    from dashboard.views import town
    from dashboard.views.common import presentation

    shown = presentation()
    head = town.profile(code, lang, shown)
    rest = town.later_part("rest", code, lang, shown)
    for part in (head, rest):
        text = answer_json.to_json(part)
        assert text == plotly_text(part)
        json.loads(text)


def test_the_compare_page_is_written_as_plotly_writes_it(dashboard_app):
    import dash

    page = dash.page_registry["pages.compare"]["layout"](lang="sv")
    assert answer_json.to_json(page) == plotly_text(page)
