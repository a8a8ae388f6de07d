"""The smaller views (data, map, network, overview) and the shared control rows, on
hand-made frames and a small `Known`."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.views import common, data, network, overview
from dashboard.views import map as map_view
from dashboard.views.common import Control, Known
from pipeline.presentation import load_presentation

PRES = load_presentation()


@pytest.fixture()
def known() -> Known:
    return Known(
        municipalities=frozenset({"140", "740"}),
        groups=frozenset(PRES.comparison_codes),
        indicators=frozenset({*PRES.defaults.data_indicators, PRES.defaults.map_indicator, "jobs"}),
        years=lambda indicator: [2019, 2020, 2021],
        members=lambda group: ["740", "140"],
        is_peer_group=lambda code: code == "peers:140",
    )


def test_parse_year_notices():
    years = [2019, 2020]
    assert common.parse_year(None, years, "en", "map") == (2020, None)
    assert common.parse_year("2019", years, "en", "map") == (2019, None)
    year, notice = common.parse_year("abc", years, "en", "map")
    assert year == 2020 and "abc" in notice
    year, notice = common.parse_year("1900", years, "en", "map")
    assert year == 2020 and "1900" in notice
    assert common.parse_year("2019", [], "en", "map")[0] is None


def test_control_row_from_specs():
    specs = [
        Control("map.indicator", "a", [{"value": 1, "label": "x"}], 1, {"clearable": False}, True),
        Control("map.year", "b", [], None),
    ]
    row = common.control_row(specs, "en", "controls demo", ["extra"])
    assert row.className == "controls demo"
    first, second, extra = row.children
    assert first.className == "control control-wide" and second.className == "control"
    assert [box.children[1].id for box in (first, second)] == ["a", "b"]
    assert first.children[1].clearable is False
    assert extra == "extra"


def test_data_defaults_swapped_years_and_unknown_codes(known):
    selection, notices = data.parse_params({}, "en", known, PRES)
    assert selection.indicators == PRES.defaults.data_indicators
    assert selection.areas == ("740", "140")
    assert selection.groups == (PRES.network, PRES.country)
    params = {"indicators": "jobs,nope", "areas": "", "from": "2020", "to": "2016", "wide": "1"}
    selection, notices = data.parse_params(params, "en", known, PRES)
    assert selection.indicators == ("jobs",) and selection.areas == ()
    assert (selection.year_from, selection.year_to, selection.wide) == (2016, 2020, True)
    assert len(notices) == 2  # the unknown indicator, the swapped years


def test_data_grid_rows_are_json_safe():
    frame = pd.DataFrame(
        {"month": pd.to_datetime(["2024-01-01", None]), "value": [1.5, None], "name": ["a", None]}
    )
    assert data.grid_rows(frame) == [
        {"month": "2024-01-01", "value": 1.5, "name": "a"},
        {"month": None, "value": None, "name": None},
    ]
    columns = data.column_defs(frame.assign(year=[2020, 2021]), "en")
    numeric = {c["field"] for c in columns if c.get("type") == "numericColumn"}
    assert numeric == {"value"}  # year is numeric but shown as text


def test_map_outlines_and_year(known):
    selection, notices = map_view.parse_params({}, "en", known, PRES)
    assert selection == (PRES.defaults.map_indicator, 2021, [PRES.network, PRES.university_cities])
    params = {"indicator": "jobs", "year": "2019", "outline": f"peers:140,peers:999,{PRES.network}"}
    selection, notices = map_view.parse_params(params, "en", known, PRES)
    assert selection == ("jobs", 2019, ["peers:140", PRES.network]) and notices == []


def test_map_extremes():
    values = pd.DataFrame({"name": list("abcdefg"), "value": [5.0, 1.0, None, 7.0, 3.0, 2.0, 6.0]})
    highest, lowest = map_view.extremes(values, n=2)
    assert list(highest.name) == ["d", "g"] and list(lowest.name) == ["b", "f"]


def test_network_table_cells_by_hand():
    network_code, university = network.groups(PRES)
    part = pd.DataFrame(
        {
            "group_total": [1234.0, 50000.0],
            "share": [2.46, 40.0],
            "country_total": [100000.0, 100000.0],
            "year": [2020, 2020],
        },
        index=[network_code, university],
    )
    assert network.table_cells(part, "en", PRES) == [
        "1,234",
        "2.5\u00a0%",
        "50,000",
        "40.0\u00a0%",
        "100,000",
        "2020",
    ]


def test_network_measures_labelled_and_ordered():
    first, second = PRES.network_weight[:2]
    shares = pd.DataFrame(
        {
            "group_code": [PRES.network, PRES.network],
            "indicator_id": [second.indicator, first.indicator],
            "share": [1.0, 2.0],
        }
    )
    frame = network.share_frame(shares, {PRES.network: "N"}, "en", PRES)
    assert list(frame.indicator_id) == [first.indicator, second.indicator]
    assert frame.measure.iloc[0] != first.indicator  # a translated label, not the id


def test_overview_card_items_by_hand():
    card, percent = PRES.overview.cards[0], PRES.overview.cards[1]
    rows = pd.DataFrame(
        {
            "indicator_id": [card, percent],
            "value": [110.0, 5.0],
            "prev_value": [100.0, 4.0],
            "prev_year": [2019, 2022],  # the previous value need not be a year earlier
            "year": [2023, 2023],
            "month": [None, None],
        }
    )
    meta = pd.DataFrame(
        {
            "indicator_id": [percent, card],
            "label": ["P", "C"],
            "unit": ["%", ""],
            "decimals": [1, 0],
        }
    )
    items = overview.card_items(rows, meta, "en", PRES)
    # the change names both years it compares, never "since the previous year"
    assert items[0] == overview.CardItem("C", "2023", "110", "+10.0 % (2019 → 2023)")
    assert items[1] == overview.CardItem("P", "2023", "5.0\u00a0%", None)  # no % of a %
    # a card figure older than the cutoff year says so beside its year
    stale = overview.card_items(rows, meta, "fi", PRES, cutoff=2024)
    assert [item.period for item in stale] == ["2023, ei ajantasainen"] * 2
    assert stale[0].change == "+10,0 % (2019 → 2023)"


def test_overview_total_without_the_country_is_none():
    groups = pd.DataFrame(
        {"group_code": [PRES.network], "year": [2023], "month": [None], "value": [1.0]}
    )
    assert overview.network_total(groups, PRES) is None
