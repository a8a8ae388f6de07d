"""Aggregation rules on a small hand example, on both engines behind `aggregate`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipeline import aggregate as aggregate_module
from pipeline.aggregate import RULES, aggregate

# Two towns: a small one with high unemployment and a big one with low unemployment.
VALUES = pd.DataFrame(
    {
        "area_code": ["001", "002", "003"],
        "year": [2020, 2020, 2020],
        "month": [pd.NaT, pd.NaT, pd.NaT],
        "value": [20.0, 5.0, 10.0],  # unemployment %
        "numerator": [200.0, 500.0, np.nan],  # unemployed
        "denominator": [1000.0, 10000.0, np.nan],  # labour force
        "weight": [1000.0, 10000.0, 3000.0],
    }
)
MEMBERS = pd.DataFrame({"group_code": ["G", "G", "H"], "area_code": ["001", "002", "003"]})


@pytest.fixture(params=["join", "gather"])
def path(request) -> str:
    """Each hand example runs on both engines."""
    return request.param


def test_ratio_is_ratio_of_sums_not_mean_of_ratios(path):
    out = aggregate(VALUES, MEMBERS, "ratio", 100, path=path).set_index("group_code")
    expected = 100 * (200 + 500) / (1000 + 10000)
    assert out.loc["G", "value"] == pytest.approx(expected)  # 6.36…
    assert out.loc["G", "value"] != pytest.approx((20 + 5) / 2)  # the mean of ratios, 12.5
    assert (out.loc["G", "numerator"], out.loc["G", "denominator"]) == (700, 11000)
    assert (out.loc["G", "n_members"], out.loc["G", "n_values"]) == (2, 2)
    # H has no numerator/denominator: no value, but the row says so
    assert math.isnan(out.loc["H", "value"]) and out.loc["H", "n_values"] == 0


def test_sum_and_weighted_mean(path):
    total = aggregate(VALUES, MEMBERS, "sum", path=path).set_index("group_code")
    assert total.loc["G", "value"] == 25
    mean = aggregate(VALUES, MEMBERS, "weighted_mean", path=path).set_index("group_code")
    assert mean.loc["G", "value"] == pytest.approx((20 * 1000 + 5 * 10000) / 11000)
    assert mean.loc["H", "value"] == 10


def test_none_rule_gives_no_value(path):
    out = aggregate(VALUES, MEMBERS, "none", path=path)
    assert out.value.isna().all()


def test_require_all_members(path):
    partial = VALUES.assign(value=[20.0, np.nan, 10.0])
    loose = aggregate(partial, MEMBERS, "sum", path=path).set_index("group_code")
    assert loose.loc["G", "value"] == 20 and loose.loc["G", "n_values"] == 1
    strict = aggregate(partial, MEMBERS, "sum", require_all=True, path=path).set_index("group_code")
    assert math.isnan(strict.loc["G", "value"])


def test_months_are_kept_apart(path):
    monthly = pd.concat([VALUES.assign(month=pd.Timestamp(f"2020-0{m}-01")) for m in (1, 2)])
    out = aggregate(monthly, MEMBERS, "sum", path=path)
    assert len(out) == 4 and set(out.month) == {
        pd.Timestamp("2020-01-01"),
        pd.Timestamp("2020-02-01"),
    }


def test_unknown_rule():
    with pytest.raises(ValueError, match="unknown aggregation rule"):
        aggregate(VALUES, MEMBERS, "median")


@pytest.mark.parametrize("rule", RULES)
def test_gathered_matches_the_join(rule):
    """The gathered engine (numpy, for the peer groups) gives the join's rows and values:
    overlapping groups of different sizes, a member without values, months kept apart."""
    monthly = pd.concat([VALUES.assign(month=pd.Timestamp(f"2020-0{m}-01")) for m in (1, 2)])
    values = pd.concat([VALUES, monthly.iloc[1:]], ignore_index=True)
    members = pd.DataFrame(
        {
            "group_code": ["G", "G", "H", "P", "P", "P", "Q"],
            "area_code": ["001", "002", "003", "003", "002", "009", "009"],
        }
    )
    expected = aggregate(values, members, rule, 100, path="join")
    got = aggregate(values, members, rule, 100, path="gather")
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


def test_auto_gathers_for_many_groups(monkeypatch):
    used = []
    for name in ("_joined", "_gathered"):
        engine = getattr(aggregate_module, name)
        monkeypatch.setattr(
            aggregate_module, name, lambda *a, _e=engine, _n=name: used.append(_n) or _e(*a)
        )
    aggregate(VALUES, MEMBERS, "sum")
    many = pd.DataFrame(
        {
            "group_code": [f"g{i}" for i in range(aggregate_module.GATHER_FROM_GROUPS)],
            "area_code": "001",
        }
    )
    aggregate(VALUES, many, "sum")
    assert used == ["_joined", "_gathered"]
    with pytest.raises(ValueError, match="unknown aggregation path"):
        aggregate(VALUES, MEMBERS, "sum", path="fast")
