"""The 'data' action under every figure: the downloaded CSV holds exactly the plotted rows.

The figures are taken from the real pages' layouts and sent back through the app's callback
endpoint as the browser would (JSON, typed arrays included); the CSV is read with pandas and
compared with the figure's own traces and, for the map, with the warehouse."""

from __future__ import annotations

import base64
import io
import json

import dash
import duckdb
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard.layout import DATA_FIGURES

UPDATE = "/_dash-update-component"


def find(component, wanted: str):
    """The component with id `wanted` in a Dash layout tree."""
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, wanted)
            if found is not None:
                return found
    return None


def download(client, figure_id: str, page_layout, lang: str) -> tuple[go.Figure, pd.DataFrame, str]:
    graph, button = find(page_layout, figure_id), find(page_layout, f"{figure_id}-data")
    assert graph is not None and button is not None, figure_id
    figure = json.loads(pio.to_json(graph.figure))  # as the browser holds it
    out = f"{figure_id}-data-download"
    body = {
        "output": f"{out}.data",
        "outputs": {"id": out, "property": "data"},
        "inputs": [{"id": f"{figure_id}-data", "property": "n_clicks", "value": 1}],
        "changedPropIds": [f"{figure_id}-data.n_clicks"],
        "state": [
            {"id": figure_id, "property": "figure", "value": figure},
            {"id": f"{figure_id}-data", "property": "value", "value": button.value},
            {"id": "app-lang", "property": "data", "value": lang},
        ],
    }
    answer = client.post(UPDATE, json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    sent = answer.get_json()["response"][out]["data"]
    assert sent["filename"] == f"{figure_id}.csv"
    raw = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    text = raw.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads ä and ö
    return graph.figure, pd.read_csv(io.StringIO(text[1:]), dtype={"Aluekoodi": str}), button.value


def test_every_figure_block_id_has_its_callback(dependencies):
    outputs = {d["output"] for d in dependencies}
    for figure_id in DATA_FIGURES:
        assert f"{figure_id}-data-download.data" in outputs


def test_the_map_csv_is_the_plotted_municipalities_and_the_warehouse_values(
    client, dependencies, warehouse_path
):
    # the page module as Dash loaded it (importing dashboard.pages.map would register it twice)
    map_layout = next(p for p in dash.page_registry.values() if p["path"] == "/map")["layout"]
    figure, table, source = download(client, "map-figure", map_layout(lang="fi"), "fi")
    values = next(t for t in figure.data if t.colorbar.title.text is not None)
    assert list(table["Aluekoodi"]) == list(values.locations)  # the coloured layer, in order
    assert table["Lähde"].eq(source).all() and "Tilastokeskus" in source
    title = figure.layout.title.text
    assert table["Kuvio"].eq(title).all()
    # independent oracle: the warehouse's municipal values of the map's indicator and year
    from dashboard.views import map as view
    from dashboard.views.common import known, presentation

    selection, _ = view.parse_params({}, "fi", known(), presentation())
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        expected = con.execute(
            "SELECT v.area_code, v.value FROM core.all_values v "
            "JOIN core.areas a ON a.area_code = v.area_code AND a.kind = 'municipality' "
            "WHERE v.indicator_id = ? AND v.year = ? AND v.month IS NULL "
            "AND v.value IS NOT NULL",
            [selection.indicator, selection.year],
        ).df()
    plotted = dict(zip(table["Aluekoodi"], table["Arvo"], strict=True))
    assert len(plotted) >= 300  # the municipalities with a value
    assert plotted == pytest.approx(dict(zip(expected.area_code, expected.value, strict=True)))
    assert plotted == pytest.approx(dict(zip(values.locations, values.z, strict=True)))


def test_the_town_population_csv_is_each_line_point(client, dependencies):
    from dashboard.views import town
    from dashboard.views.common import presentation

    page = town.expanded_profile("091", "en", presentation())
    figure, table, _ = download(client, "town-population", page, "en")
    points = [  # plotly's own decoding of the figure the browser held
        (trace.name, x, y) for trace in figure.data for x, y in zip(trace.x, trace.y, strict=True)
    ]
    assert list(zip(table["Series"], table["x"], table["y"], strict=True)) == points
    assert len(points) > 20 and table["Source"].str.contains("Statistics Finland").all()


@pytest.mark.parametrize("code", ["564", "140"])  # Oulu; Iisalmi (a network town)
def test_every_profile_figure_has_the_action_and_rows(client, dependencies, code):
    from dash import dcc

    from dashboard.figures.data import figure_rows
    from dashboard.views import town
    from dashboard.views.common import presentation

    page = town.expanded_profile(code, "sv", presentation())
    graphs = [c for c in walk(page) if isinstance(c, dcc.Graph)]
    assert {g.id for g in graphs} >= {"town-population", "town-region-lq", "town-region-rates"}
    for graph in graphs:
        assert find(page, f"{graph.id}-data") is not None, graph.id
        rows = figure_rows(json.loads(pio.to_json(graph.figure)))
        assert len(rows) > 0 and rows.filter(regex="^(y|value)$").notna().any().any(), graph.id


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)
