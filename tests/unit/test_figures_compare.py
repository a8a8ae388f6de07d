"""Compare and network figures: pure functions over small frames, plus the real warehouse."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import figures


def ranking_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Iisalmi", "Savonlinna", "Verkosto", "Koko maa", "Raahe"],
            "value": [16.6, 17.5, 14.6, 13.3, None],
            "kind": ["municipality", "municipality", "group", "group", "municipality"],
        }
    )


def test_ranking_puts_the_best_on_top_and_marks_groups():
    medians = pd.DataFrame({"name": ["Verkosto"], "value": [14.1]})
    fig = figures.compare_ranking_figure(
        ranking_frame(),
        "fi",
        title="Työttömyysaste, 2020",
        unit="%",
        direction="lower_is_better",
        medians=medians,
        group_label="Ryhmän arvo",
        median_label="Mediaani",
    )
    bars = fig.data[0]
    # Plotly draws the first category at the bottom, so the best (lowest) comes last.
    assert list(bars.y) == ["Savonlinna", "Iisalmi", "Verkosto", "Koko maa"]
    assert list(bars.marker.pattern.shape) == ["", "", "/", "/"]
    assert fig.layout.title.text == "Työttömyysaste, 2020"
    median_lines = [trace for trace in fig.data if trace.type == "scatter"]
    assert len(median_lines) == 1
    assert list(median_lines[0].x) == [14.1, 14.1]
    assert median_lines[0].name == "Mediaani – Verkosto"
    assert fig.layout.separators == figures.separators("fi")


def test_ranking_higher_is_better_orders_the_other_way():
    fig = figures.compare_ranking_figure(
        ranking_frame(), "en", title="t", direction="higher_is_better"
    )
    assert list(fig.data[0].y) == ["Koko maa", "Verkosto", "Iisalmi", "Savonlinna"]
    assert fig.layout.separators == ".,"


def test_scatter_highlights_only_the_chosen_towns():
    frame = pd.DataFrame(
        {
            "area_code": ["140", "740", "091", "005"],
            "name": ["Iisalmi", "Savonlinna", "Helsinki", "Alajärvi"],
            "x": [20.0, 22.0, 50.0, None],
            "y": [16.6, 17.5, 12.0, 12.1],
        }
    )
    fig = figures.compare_scatter_figure(
        frame, "fi", title="t", x_title="x", y_title="y", highlight=["140", "740"]
    )
    others, chosen = fig.data
    assert list(chosen.text) == ["Iisalmi", "Savonlinna"]
    assert list(others.text) == ["Helsinki"]  # Alajärvi has no x value
    assert "text" in chosen.mode


def test_trend_dashes_groups_and_uses_whole_years():
    frame = pd.DataFrame(
        {
            "name": ["Iisalmi", "Iisalmi", "Verkosto", "Verkosto"],
            "kind": ["municipality", "municipality", "group", "group"],
            "period": [2016, 2020, 2016, 2020],
            "value": [15.0, 16.6, 15.2, 14.6],
        }
    )
    fig = figures.compare_trend_figure(frame, "sv", title="t", unit="%")
    dashes = {trace.name: trace.line.dash for trace in fig.data}
    assert dashes == {"Iisalmi": "solid", "Verkosto": "dash"}
    assert fig.layout.xaxis.tickformat == "d"


def test_national_share_figure_has_one_bar_trace_per_group():
    frame = pd.DataFrame(
        {
            "measure": ["Väestö", "Työpaikat", "Väestö", "Työpaikat"],
            "group": ["Verkosto", "Verkosto", "Yliopistokaupungit", "Yliopistokaupungit"],
            "group_code": ["network", "network", "university_cities", "university_cities"],
            "share": [3.2, 3.1, 51.9, 60.0],
        }
    )
    colours = {"network": "#111111"}
    fig = figures.national_share_figure(
        frame, "fi", title="Osuus koko maasta, 2020", colours=colours
    )
    assert [trace.name for trace in fig.data] == ["Verkosto", "Yliopistokaupungit"]
    assert fig.data[0].marker.color == "#111111"
    assert fig.data[1].marker.color == figures.PALETTE[1]  # no colour given: the palette's
    assert fig.layout.barmode == "group"
    # horizontal: the measures' names read across on a phone instead of rotating
    assert {trace.orientation for trace in fig.data} == {"h"}
    assert list(fig.data[0].y) == ["Väestö", "Työpaikat"]
    assert list(fig.data[1].x) == [51.9, 60.0]
    assert fig.layout.yaxis.autorange == "reversed"  # the first measure on top


def test_no_data_figure_says_why():
    fig = figures.no_data_figure("Ei tietoa", "fi", title="Väkiluku")
    assert isinstance(fig, go.Figure)
    assert fig.layout.annotations[0].text == "Ei tietoa"


# --------------------------------------------------------------------------- real warehouse


@pytest.fixture(scope="module")
def queries(warehouse_path):
    from dashboard import queries as module

    module.configure(warehouse_path)
    return module


def test_network_shares_are_ratios_of_sums(queries):
    """The network's share of jobs equals its jobs over all municipalities' jobs that year."""
    shares = queries.national_shares(["network", "university_cities"], 2020)
    jobs = shares[(shares.indicator_id == "jobs") & (shares.group_code == "network")].iloc[0]
    values = queries.municipal_values("jobs", 2020, "fi")
    members = set(queries.group_members("network"))
    assert len(members) == 10
    expected = values[values.area_code.isin(members)].value.sum() / values.value.sum()
    assert jobs.share == pytest.approx(100 * expected)
    assert jobs.country_total == pytest.approx(values.value.sum())
    # Sector jobs add up to (almost exactly) all jobs: shares of 100 % per municipality.
    sectors = shares[shares.indicator_id.str.startswith("jobs_") & (shares.group_code == "network")]
    assert sectors.group_total.sum() == pytest.approx(jobs.group_total, rel=0.02)


def test_peer_gaps_against_the_group_aggregate(queries):
    gaps = queries.peer_gaps(["140"], "university_cities", "en")
    row = gaps[gaps.indicator_id == "unemployment_rate"].iloc[0]
    group = queries.group_values_in_year(
        "unemployment_rate", int(row.year), ["university_cities"], "en"
    )
    assert row.peer_value == pytest.approx(group.value.iloc[0])
    assert row.area == "Iisalmi"
    assert 1 <= row["rank"] <= row.n <= 308
