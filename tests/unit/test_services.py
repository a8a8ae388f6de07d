"""dashboard.services on the small warehouse: index weights and peers on chosen indicators,
checked against values worked out by hand (or in plain numpy) from tests/small_warehouse.py."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard import services


@pytest.fixture(scope="module", autouse=True)
def _small(small_queries):
    return small_queries


def test_weights_are_parsed_clipped_and_all_zero_falls_back():
    assert services.parse_weights({"w_labour": "9", "w_demography": ["0.5"], "w_x": "2"}) == {
        "labour": 3.0,
        "demography": 0.5,
    }
    assert services.parse_weights({"w_labour": "nan", "w_demography": "abc"}) == {}
    assert services.parse_weights({"w_labour": "0", "w_demography": "-1"}) == {}


def test_equal_weights_are_the_stored_scores():
    stored = services.index_scores().set_index("area_code")
    assert stored.score.to_dict() == {"005": 0.25, "091": 0.6, "140": 0.55, "684": 0.55}
    labour = services.index_scores(index_id="index_labour")
    assert set(labour.index_id) == {"index_labour"}


def test_weights_recompute_the_overall_from_the_theme_indices():
    # overall = (demography * 1 + labour * 3) / 4 from the stored theme scores
    scores = services.index_scores({"labour": 3.0}).set_index("area_code")
    expected = {"091": 0.5, "140": 0.725, "684": 0.525, "005": 0.175}
    assert scores.score.to_dict() == pytest.approx(expected)
    assert scores["rank"].to_dict() == {"140": 1, "684": 2, "091": 3, "005": 4}


def test_rank_ranges_hold_the_rank():
    ranges = services.rank_ranges({"labour": 3.0}, draws=50, seed=1).set_index("area_code")
    assert ranges["rank"].to_dict() == {"140": 1, "684": 2, "091": 3, "005": 4}
    assert (ranges.rank_min <= ranges["rank"]).all() and (ranges["rank"] <= ranges.rank_max).all()


def test_stored_peers_for_the_default_profile_and_none_for_unknown_towns():
    assert list(services.peers("140").area_code) == ["684", "005"]
    assert services.peers("999").empty and services.peers("SSS", ["population"]).empty


def test_peers_on_chosen_indicators_are_computed():
    # population 2023 on a log scale, standardised: distance = |z(town) - z(other)|
    logs = np.log10(np.array([610, 190, 310, 90], dtype=float))  # 091, 140, 684, 005
    z = (logs - logs.mean()) / logs.std()
    expected = {"684": abs(z[1] - z[2]), "005": abs(z[1] - z[3]), "091": abs(z[1] - z[0])}
    found = services.peers("140", ["population", "no_such_indicator"], k=3)
    assert list(found.area_code) == ["684", "005", "091"]
    assert found.set_index("area_code").distance.to_dict() == pytest.approx(expected)
    assert "population" in services.peer_profile_indicators()
