"""dashboard.views.compare and compare_content: parsing against a small `Known`, medians, gap
rows and group lists on hand-made frames."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard.views import compare, compare_content
from dashboard.views.common import Known
from pipeline.presentation import load_presentation

PRES = load_presentation()
NETWORK, UNIVERSITY, COUNTRY = PRES.comparison_codes


@pytest.fixture()
def known() -> Known:
    return Known(
        municipalities=frozenset({"140", "740", "091"}),
        groups=frozenset(PRES.comparison_codes),
        indicators=frozenset({PRES.defaults.compare_indicator, PRES.defaults.compare_x, "jobs"}),
        years=lambda indicator: [2018, 2020],
        members=lambda group: ["140", "740"],
        is_peer_group=lambda code: False,
    )


def test_defaults_come_from_the_presentation(known):
    selection, notices = compare.parse_selection({}, "en", known, PRES)
    assert notices == []
    assert selection == compare.Selection(
        ("140", "740"),
        PRES.comparison_codes,
        PRES.defaults.compare_indicator,
        2020,  # the latest year
        PRES.defaults.compare_x,
        PRES.defaults.compare_y,
        UNIVERSITY,
    )


def test_unknown_values_are_dropped_with_one_notice_each(known):
    params = {
        "areas": "140,999,140",
        "groups": f"{COUNTRY},nope",
        "indicator": "bogus",
        "year": "2019",
        "peer": "x",
    }
    selection, notices = compare.parse_selection(params, "en", known, PRES)
    assert selection.areas == ("140",)  # 999 unknown, the repeat dropped
    assert selection.groups == (COUNTRY,)
    assert selection.indicator == PRES.defaults.compare_indicator
    assert selection.year == 2020  # 2019 is not a year of the indicator
    assert selection.peer == UNIVERSITY
    assert len(notices) == 5  # areas, groups, indicator, peer, year


def test_too_many_areas_are_cut(known):
    many = Known(**{**known.__dict__, "municipalities": frozenset(f"{i:03}" for i in range(60))})
    params = {"areas": ",".join(f"{i:03}" for i in range(50))}
    selection, notices = compare.parse_selection(params, "en", many, PRES)
    assert len(selection.areas) == compare.MAX_AREAS and len(notices) == 1


def test_callback_params_leave_out_empty_controls():
    assert compare.callback_params(["140"], [], "jobs", None, "a", "b", "") == {
        "areas": "140",
        "indicator": "jobs",
        "x": "a",
        "y": "b",
    }


def test_group_medians_by_hand():
    values = pd.DataFrame({"area_code": ["1", "2", "3", "4"], "value": [1.0, 3.0, 10.0, None]})
    members = pd.DataFrame(
        {"group_code": ["B", "B", "A", "A", "A"], "area_code": ["1", "2", "2", "3", "4"]}
    )
    names = pd.Series({"A": "Group A", "B": "Group B"})
    medians = compare_content.group_medians(values, members, names, ("A", "B"))
    # A: median(3, 10) = 6.5 (4 has no value); B: median(1, 3) = 2.
    assert medians.to_dict("records") == [
        {"name": "Group A", "value": 6.5},
        {"name": "Group B", "value": 2.0},
    ]


def test_gap_row_by_hand():
    gap = SimpleNamespace(
        area="Iisalmi",
        indicator_id="x",
        value=12.36,
        peer_value=10.0,
        peer_median=11.0,
        direction="lower_is_better",
        month=pd.NaT,
        year=2020,
        rank=3.0,
        n=308.0,
    )
    meta = pd.Series({"label": "Rate", "unit": "%", "decimals": 1})
    out = compare_content.gap_row(gap, meta, "en")
    assert out["gap"] == 2.4  # 12.36 - 10 = 2.36
    assert out["gap_pct"] == 23.6  # 100 * 2.36 / 10
    assert out["value"] == 12.4 and out["period"] == "2020"
    assert out["assessment"] == "worse"  # higher is worse here
    assert out["rank"] == "3 / 308"
    level = SimpleNamespace(**{**gap.__dict__, "value": 10.01, "peer_value": 10.0})
    assert compare_content.gap_row(level, meta, "en")["assessment"] == ""  # rounds to 0


def test_group_choices_order_kinds_and_only_the_chosen_peers():
    frame = pd.DataFrame(
        {
            "area_code": ["MK01", "g1", "SSSX", "peers:140", "peers:740", "140"],
            "name": ["Uusimaa", "Network", "Finland", "Peers 140", "Peers 740", "Iisalmi"],
            "kind": ["region", "group", "country", "peers", "peers", "municipality"],
        }
    )
    choices = compare.group_choices(frame, "en", areas=["140"])
    assert [c["value"] for c in choices] == ["g1", "SSSX", "MK01", "peers:140"]
    assert choices[2]["label"].startswith("Uusimaa (")
