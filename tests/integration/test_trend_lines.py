"""Trend lines: every line of the compare trend has its own look (colour and dash), a town keeps
its colour from one indicator to the next, and no line runs straight across years without a
value (a missing year is a gap: None in the trace, connectgaps off) — also on the profile's
region start-up and closure rates, where 11yq has no closures for 2017.

Oracles: plain SQL on core.all_values (the years each area has a value) and the network's
members in core.group_members.
"""

from __future__ import annotations

import pytest


def _selection(con, indicator: str):
    from dashboard.views.common import presentation
    from dashboard.views.compare import Selection

    pres = presentation()
    towns = [
        r[0]
        for r in con.execute(
            "SELECT area_code FROM core.group_members WHERE group_code = ? ORDER BY 1",
            [pres.network],
        ).fetchall()
    ]
    groups = tuple(pres.comparison_codes)
    return Selection(tuple(towns), groups, indicator, None, "x", "y", "peers:140")


def _years(con, indicator: str, code: str) -> list[int]:
    rows = con.execute(
        "SELECT DISTINCT year FROM core.all_values WHERE indicator_id = ? AND area_code = ? "
        "AND value IS NOT NULL AND month IS NULL ORDER BY year",
        [indicator, code],
    ).fetchall()
    return [r[0] for r in rows]


def _check_gaps(trace, years: list[int]) -> int:
    """The trace covers every year from its first to its last; None exactly where the warehouse
    has no value. Returns the number of gaps."""
    points = dict(zip((int(x) for x in trace.x), trace.y, strict=True))
    assert sorted(points) == list(range(years[0], years[-1] + 1)), trace.name
    for year, value in points.items():
        assert (value is None) == (year not in years), (trace.name, year, value)
    assert trace.connectgaps is False
    return sum(v is None for v in points.values())


@pytest.mark.parametrize("indicator", ["unemployment_rate", "population"])
def test_compare_trend_lines_are_distinct_and_stable(queries, con, indicator):
    from dashboard.views import compare_content

    selection = _selection(con, indicator)
    figure = compare_content.trend_figure(selection, "en")
    looks = [(tr.line.color, tr.line.dash or "solid") for tr in figure.data]
    assert len(figure.data) == len(selection.areas) + len(selection.groups)
    assert len(set(looks)) == len(looks), looks
    colours = {tr.name: tr.line.color for tr in figure.data}
    other = compare_content.trend_figure(selection._replace(indicator="jobs"), "en")
    assert {tr.name: tr.line.color for tr in other.data} == colours  # stable per town


def test_compare_trend_shows_missing_years_as_gaps(queries, con):
    from dashboard.views import compare_content

    selection = _selection(con, "unemployment_rate")
    figure = compare_content.trend_figure(selection, "en")
    names = dict(con.execute("SELECT name_en, area_code FROM core.areas").fetchall())
    gaps = 0
    for trace in figure.data:
        gaps += _check_gaps(trace, _years(con, "unemployment_rate", names[trace.name]))
    assert gaps > 0  # the annual rate has years without a value (2017–2019)


def test_region_rates_show_the_2017_closure_gap(queries, con):
    from dashboard.views import town_region
    from dashboard.views.common import presentation

    pres = presentation()
    (region,) = con.execute("SELECT region_code FROM core.areas WHERE area_code = '140'").fetchone()
    blocks = town_region._dynamics_block(region, "Pohjois-Savo", pres.region_industry, "en", pres)
    (figure,) = [
        b.children[0].figure for b in blocks if getattr(b, "className", "") == "figure-block"
    ]
    closures = pres.region_industry.closure_rate["total"]
    years = _years(con, closures, region)
    assert 2017 not in years and 2016 in years and 2018 in years  # the 11yq gap
    traces = [tr for tr in figure.data if 2017 in [int(x) for x in tr.x]]
    checked = 0
    for trace in figure.data:
        xs = [int(x) for x in trace.x]
        if trace.y[xs.index(2016)] is not None and 2017 in xs and trace.y[xs.index(2017)] is None:
            checked += 1
        assert trace.connectgaps is False
    assert traces and checked >= 1  # the region's closure line stops at 2016 and restarts 2018
