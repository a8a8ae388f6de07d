"""Town-profile figure builders on real frames: titles, palette, series, language formats."""

from __future__ import annotations

import pytest

from dashboard import figures, queries


@pytest.fixture(scope="module", autouse=True)
def configured(warehouse_path):
    queries.configure(warehouse_path)


def test_population_history_and_dashed_projection():
    history = queries.population_history("740")
    fig = figures.population_figure(
        history,
        "fi",
        title="Väkiluku",
        names={"actual": "A", "projection": "P"},
        subtitle="Savonlinna",
    )
    assert fig["layout"]["title"]["text"] == "Väkiluku"
    assert fig["layout"]["title"]["subtitle"]["text"] == "Savonlinna"
    actual, projection = fig["data"]
    assert actual["x"][0] == 1972 and actual["x"][-1] == 2025  # 2025 from 11re by sex
    ours = history[(history.kind == "actual") & (history.year == 2025)].value.item()
    assert actual["y"][-1] == ours
    assert projection["line"]["dash"] == "dash" and projection["x"][0] == 2025  # joins
    assert projection["x"] == sorted(projection["x"])  # the 2024 projection base is left out
    assert projection["x"][-1] == 2040
    assert fig["layout"]["separators"] == ",\u202f"


def test_monthly_lines_put_the_town_first_in_the_palette():
    frame = queries.monthly_comparison("unemployment_rate_monthly", "740", ["network", "SSS"])
    fig = figures.monthly_lines(
        frame,
        "en",
        title="Unemployment",
        subject="740",
        names={"740": "Savonlinna", "network": "Network", "SSS": "Whole country"},
        unit="%",
        colours={"SSS": "#000000"},
        dotted="SSS",
    )
    data = fig["data"]
    assert [trace["name"] for trace in data] == ["Savonlinna", "Network", "Whole country"]
    assert data[0]["line"]["color"] == figures.SUBJECT
    assert [trace["line"]["dash"] for trace in data] == ["solid", "dash", "dot"]
    assert data[1]["line"]["color"] == figures.PALETTE[1]  # no colour given: the next in order
    assert data[2]["line"]["color"] == "#000000"
    assert {trace["line"]["color"] for trace in data} <= set(figures.PALETTE)
    assert fig["layout"]["separators"] == ".,"
    town = frame[frame.area_code == "740"].sort_values("month")
    assert data[0]["x"][0] == town.month.iloc[0].strftime("%Y-%m-%dT00:00:00")
    assert data[0]["y"] == town.value.tolist() and len(data[0]["x"]) == len(town)


def test_structure_bars_against_the_country():
    values = queries.town_values("740", "en")
    shares = values[
        values.indicator_id.str.startswith("jobs_") & values.indicator_id.str.endswith("share")
    ]
    fig = figures.structure_bars(
        shares,
        "en",
        title="Job structure",
        series={"value": "Savonlinna", "value_SSS": "Finland"},
        colours={"value_SSS": "#222222"},
    )
    data = fig["data"]
    assert len(data) == 2 and len(data[0]["y"]) == 3
    assert data[0]["marker"]["color"] == figures.SUBJECT
    assert data[1]["marker"]["color"] == "#222222"
    assert data[1]["x"] == shares.value_SSS.tolist()
    assert fig["layout"]["xaxis"]["range"][1] > max(shares.value.max(), shares.value_SSS.max())


def test_empty_history_gives_an_empty_titled_figure():
    empty = queries.population_history("no-such-code")
    fig = figures.population_figure(
        empty, "en", title="Population", names={"actual": "a", "projection": "p"}
    )
    assert fig["layout"]["title"]["text"] == "Population" and len(fig["data"]) == 0
