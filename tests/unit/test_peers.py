"""Similar-town peers: a hand-computed example and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pipeline.peers import all_peers, nearest_peers, standardise

# Four areas, two indicators.
# a = 1, 2, 3, 6: mean 3, population sd sqrt((4 + 1 + 0 + 9) / 4) = sqrt(3.5);
#   z = -2, -1, 0, 3 (each / sqrt(3.5)).
# b = 10, 10, 30, 30: mean 20, sd 10; z = -1, -1, 1, 1.
# From A (z_a = -2/s, z_b = -1), s = sqrt(3.5):
#   B: sqrt((1/s)^2 + 0) = 1/s = 0.5345
#   C: sqrt((2/s)^2 + 2^2) = sqrt(4/3.5 + 4) = 2.2678
#   D: sqrt((5/s)^2 + 2^2) = sqrt(25/3.5 + 4) = 3.3381
PROFILE = pd.DataFrame(
    {"a": [1.0, 2, 3, 6], "b": [10.0, 10, 30, 30]},
    index=pd.Index(["A", "B", "C", "D"], name="area_code"),
)
S = math.sqrt(3.5)


def test_hand_example():
    out = nearest_peers(PROFILE, "A", ["a", "b"], k=3)
    assert out["area_code"].tolist() == ["B", "C", "D"]
    expected = [1 / S, math.sqrt(4 / 3.5 + 4), math.sqrt(25 / 3.5 + 4)]
    assert out["distance"].tolist() == pytest.approx(expected)
    assert out["rank"].tolist() == [1, 2, 3]
    assert out["n_indicators"].tolist() == [2, 2, 2]
    z = standardise(PROFILE, ["a", "b"])
    assert z["a"].tolist() == pytest.approx([-2 / S, -1 / S, 0, 3 / S])


def test_a_town_is_not_its_own_peer_and_k_limits():
    for code in PROFILE.index:
        out = nearest_peers(PROFILE, code, ["a", "b"], k=2)
        assert code not in out["area_code"].tolist() and len(out) == 2


def test_peer_group_changes_with_the_indicators():
    # C has z_a = 0, z_b = 1. On b alone D is at distance 0; on a alone B (1/S) is nearer than
    # A (2/S) and D (3/S): the nearest peer changes from D to B.
    assert nearest_peers(PROFILE, "C", ["b"], k=1)["area_code"].tolist() == ["D"]
    assert nearest_peers(PROFILE, "C", ["a"], k=1)["area_code"].tolist() == ["B"]


def test_ties_are_ordered_by_area_code():
    profile = pd.DataFrame({"x": [0.0, 1, -1, 1, -1]}, index=["M", "Z", "Y", "B", "A"])
    out = nearest_peers(profile, "M", ["x"], k=4)
    assert out["area_code"].tolist() == ["A", "B", "Y", "Z"]
    assert out["distance"].nunique() == 1


def test_missing_values():
    profile = PROFILE.assign(c=[np.nan, 5.0, 7.0, 9.0])
    # A lacks c: c is skipped, the result is the same as on a and b
    pd.testing.assert_frame_equal(
        nearest_peers(profile, "A", ["a", "b", "c"], k=3),
        nearest_peers(PROFILE, "A", ["a", "b"], k=3),
    )
    # from B, A shares 2 of 3 indicators: its distance is scaled by sqrt(3/2)
    out = nearest_peers(profile, "B", ["a", "b", "c"], k=3).set_index("area_code")
    assert out.loc["A", "n_indicators"] == 2
    assert out.loc["A", "distance"] == pytest.approx(math.sqrt((1 / S) ** 2 * 3 / 2))
    # an area sharing fewer than half the town's indicators is not a candidate
    sparse = profile.assign(a=[np.nan, 2.0, 3, 6], b=[np.nan, 10.0, 30, 30])
    assert "A" not in nearest_peers(sparse, "B", ["a", "b", "c"], k=3)["area_code"].tolist()


def test_errors_name_the_fault():
    with pytest.raises(ValueError, match="'X'"):
        nearest_peers(PROFILE, "X", ["a"])
    with pytest.raises(ValueError, match="'nope'"):
        nearest_peers(PROFILE, "A", ["nope"])
    with pytest.raises(ValueError, match="none of the indicators"):
        nearest_peers(PROFILE.assign(a=[np.nan, 1.0, 2, 3]), "A", ["a"])


def test_all_peers_matches_nearest_peers():
    table = all_peers(PROFILE, ["a", "b"], k=2)
    assert len(table) == 8
    for code, rows in table.groupby("area_code"):
        one = nearest_peers(PROFILE, code, ["a", "b"], k=2)
        assert rows["peer_code"].tolist() == one["area_code"].tolist()


profiles = hnp.arrays(
    np.float64,
    st.tuples(st.integers(3, 30), st.integers(1, 4)),
    elements=st.one_of(st.floats(-1e3, 1e3), st.just(np.nan)),
)


@settings(max_examples=60, deadline=None)
@given(profiles, st.integers(1, 12), st.data())
def test_peer_properties(matrix, k, data):
    profile = pd.DataFrame(
        matrix,
        index=[f"{i:03d}" for i in range(matrix.shape[0])],
        columns=[f"i{j}" for j in range(matrix.shape[1])],
    )
    code = data.draw(st.sampled_from(list(profile.index)))
    try:
        out = nearest_peers(profile, code, list(profile.columns), k=k)
    except ValueError as error:
        assert "none of the indicators" in str(error)
        return
    assert code not in out["area_code"].tolist()
    assert len(out) <= k and out["area_code"].is_unique
    assert (np.diff(out["distance"].to_numpy()) >= -1e-9).all()
    assert out["rank"].tolist() == list(range(1, len(out) + 1))
    again = nearest_peers(profile.iloc[::-1], code, list(profile.columns), k=k)
    pd.testing.assert_frame_equal(out, again)


def test_log_scale_for_size():
    # sizes 1000, 2000, 4000, 100000: on a log scale 2000 is as far from 1000 as from 4000
    profile = pd.DataFrame({"n": [1000.0, 2000, 4000, 100000]}, index=["A", "B", "C", "D"])
    out = nearest_peers(profile, "B", ["n"], k=3, log=["n"]).set_index("area_code")
    assert out.loc["A", "distance"] == pytest.approx(out.loc["C", "distance"])
    assert nearest_peers(profile, "B", ["n"], k=1)["area_code"].tolist() == ["A"]
    assert np.isnan(standardise(profile.assign(n=[0.0, 1, 2, 3]), ["n"], log=["n"]).loc["A", "n"])
