"""Composite indices and rank stability: a hand-computed example and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pipeline.composite import (
    composite_scores,
    describe_normalisation,
    index_indicators,
    latest_common_year,
    normalise,
    normalise_frame,
    overall_rank_ranges,
    overall_scores,
    rank_scores,
    simulate_ranks,
    theme_scores,
    wide_at_years,
)

# Four areas, three indicators, two themes.
#
# x1 (t1, higher is better) = 0, 10, 20, 30. The 2.5th/97.5th percentiles (linear interpolation
#   over 4 values: position 0.075 and 2.925) are 0 + 0.075*10 = 0.75 and 20 + 0.925*10 = 29.25,
#   so the winsorised values are 0.75, 10, 20, 29.25; symmetric (skewness 0), no transform;
#   min-max: (x - 0.75) / 28.5 = 0, 9.25/28.5, 19.25/28.5, 1.
# x2 (t1, lower is better) = 4, 3, 2, 1: bounds 1.075 and 3.925, winsorised 3.925, 3, 2, 1.075;
#   min-max (x - 1.075) / 2.85 = 1, 1.925/2.85, 0.925/2.85, 0; flipped: 0, 0.925/2.85, ... —
#   the same as x1 (9.25/28.5 = 0.925/2.85).
# x3 (t2, higher is better) = 0, 1, 4, 100: bounds 0 + 0.075*1 = 0.075 and 4 + 0.925*96 = 92.8;
#   winsorised 0.075, 1, 4, 92.8 with skewness 1.99 > 1, so sqrt(x - 0.075):
#   0, sqrt(0.925), sqrt(3.925), sqrt(92.725); min-max divides by sqrt(92.725).
# Theme t1 = mean(x1, x2) = x1; theme t2 = x3; overall = (t1 + t2) / 2.
WIDE = pd.DataFrame(
    {"x1": [0.0, 10, 20, 30], "x2": [4.0, 3, 2, 1], "x3": [0.0, 1, 4, 100]},
    index=pd.Index(["A", "B", "C", "D"], name="area_code"),
)
META = pd.DataFrame(
    {
        "theme": ["t1", "t1", "t2"],
        "direction": ["higher_is_better", "lower_is_better", "higher_is_better"],
    },
    index=["x1", "x2", "x3"],
)
T1 = [0.0, 9.25 / 28.5, 19.25 / 28.5, 1.0]
T2 = [0.0, math.sqrt(0.925 / 92.725), math.sqrt(3.925 / 92.725), 1.0]


def scores(frame: pd.DataFrame, index: str) -> pd.DataFrame:
    return frame[frame["index_id"] == index].set_index("area_code")


def test_hand_example_normalisation():
    assert normalise(WIDE["x1"], "higher_is_better").tolist() == pytest.approx(T1)
    assert normalise(WIDE["x2"], "lower_is_better").tolist() == pytest.approx(T1)
    assert normalise(WIDE["x3"], "higher_is_better").tolist() == pytest.approx(T2)
    plan = describe_normalisation(WIDE["x3"])
    assert (plan.lower, plan.upper) == pytest.approx((0.075, 92.8))
    assert plan.transform == "sqrt" and plan.skewness > 1
    assert describe_normalisation(WIDE["x1"]).transform == "none"


def test_negative_skew_is_transformed_on_reflected_values():
    # 0, 96, 99, 100: bounds 7.2 and 99.925, skewness -1.99; -sqrt(99.925 - x):
    # -sqrt(92.725), -sqrt(3.925), -sqrt(0.925), 0, min-max over sqrt(92.725).
    values = pd.Series([0.0, 96, 99, 100])
    assert describe_normalisation(values).transform == "sqrt_reflected"
    root = math.sqrt(92.725)
    expected = [0.0, 1 - math.sqrt(3.925) / root, 1 - math.sqrt(0.925) / root, 1.0]
    assert normalise(values, "higher_is_better").tolist() == pytest.approx(expected)


def test_hand_example_composite():
    out = composite_scores(WIDE, META)
    assert set(out["index_id"]) == {"index_t1", "index_t2", "index_overall"}
    assert scores(out, "index_t1")["score"].tolist() == pytest.approx(T1)
    assert scores(out, "index_t2")["score"].tolist() == pytest.approx(T2)
    overall = scores(out, "index_overall")
    assert overall["score"].tolist() == pytest.approx(
        [(a + b) / 2 for a, b in zip(T1, T2, strict=True)]
    )
    assert overall["rank"].tolist() == [4, 3, 2, 1]
    assert overall["n_indicators"].tolist() == [3, 3, 3, 3]
    assert scores(out, "index_t1")["n_indicators"].tolist() == [2, 2, 2, 2]


def test_theme_weights_change_the_overall_only():
    out = composite_scores(WIDE, META, {"t2": 3})
    expected = [(a + 3 * b) / 4 for a, b in zip(T1, T2, strict=True)]
    assert scores(out, "index_overall")["score"].tolist() == pytest.approx(expected)
    assert scores(out, "index_t1")["score"].tolist() == pytest.approx(T1)


def test_indicator_weights_from_meta():
    wide = WIDE.assign(x2=[1.0, 2, 3, 4])  # now x2 is the reverse of x1 after the flip
    meta = META.assign(index_weight=[3.0, 1.0, 1.0])
    t1 = scores(composite_scores(wide, meta), "index_t1")["score"]
    assert t1.tolist() == pytest.approx([(3 * a + (1 - a)) / 4 for a in T1])


def test_neutral_indicators_are_excluded():
    meta = META.assign(direction=["higher_is_better", "neutral", "higher_is_better"])
    out = composite_scores(WIDE, meta)
    assert scores(out, "index_t1")["n_indicators"].tolist() == [1, 1, 1, 1]
    with pytest.raises(ValueError, match="neutral"):
        normalise(WIDE["x1"], "neutral")


def test_missing_values_need_half_the_components():
    wide = pd.DataFrame(
        {"a": [1.0, 2, 3, np.nan], "b": [1.0, np.nan, 3, np.nan], "c": [3.0, 1, 2, 1]},
        index=["P", "Q", "R", "S"],
    )
    meta = pd.DataFrame(
        {"theme": ["t", "t", "u"], "direction": ["higher_is_better"] * 3}, index=["a", "b", "c"]
    )
    out = composite_scores(wide, meta, trim=(0.0, 1.0))
    t = scores(out, "index_t")
    # Q has one of two indicators (half: enough), S none; a = 0, .5, 1; b = 0, -, 1
    assert t["score"].tolist()[:3] == pytest.approx([0.0, 0.5, 1.0])
    assert np.isnan(t.loc["S", "score"]) and pd.isna(t.loc["S", "rank"])
    assert t["n_indicators"].tolist() == [2, 1, 2, 0]
    overall = scores(out, "index_overall")
    # S has theme u only: one of two themes, enough; its overall is its u score (c: 0)
    assert overall.loc["S", "score"] == pytest.approx(0.0)
    strict = scores(composite_scores(wide, meta, trim=(0.0, 1.0), min_share=0.6), "index_t")
    assert pd.isna(strict.loc["Q", "score"])


def test_constant_indicator_carries_no_information():
    wide = WIDE.assign(x2=5.0)
    assert normalise(wide["x2"], "higher_is_better").isna().all()
    assert "x2" not in normalise_frame(wide, META).columns


def test_bad_weights_and_directions_are_named():
    with pytest.raises(ValueError, match="unknown theme"):
        composite_scores(WIDE, META, {"nope": 1})
    with pytest.raises(ValueError, match="non-negative"):
        composite_scores(WIDE, META, {"t1": -1})
    with pytest.raises(ValueError, match="sideways"):
        composite_scores(WIDE, META.assign(direction="sideways"))


def test_ranks_share_the_lowest_rank_on_ties():
    ranks = rank_scores(pd.Series([0.5, 0.9, 0.5, np.nan, 0.1]))
    assert ranks.tolist() == [2, 1, 2, pd.NA, 4]


def test_latest_common_year_uses_annual_values_only():
    rows = [
        # indicator u: 2021 covers both areas, 2022 only one, monthly 2023 ignored
        ("u", "001", 2021, None, 1.0),
        ("u", "002", 2021, None, 2.0),
        ("u", "001", 2022, None, 3.0),
        ("u", "001", 2023, "2023-01-01", 4.0),
        ("u", "002", 2023, "2023-01-01", 5.0),
        ("v", "001", 2020, None, 6.0),
        ("v", "002", 2020, None, 7.0),
    ]
    values = pd.DataFrame(rows, columns=["indicator_id", "area_code", "year", "month", "value"])
    values["month"] = pd.to_datetime(values["month"])
    years = latest_common_year(values, 2, min_coverage=1.0)
    assert years == {"u": 2021, "v": 2020}
    wide = wide_at_years(values, years)
    assert wide.loc["002"].tolist() == [2.0, 7.0]


# --------------------------------------------------------------------------- properties

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(deadline=None)
@given(st.lists(finite, min_size=3, max_size=40))
def test_normalised_within_unit_interval_and_flip(values):
    series = pd.Series(values)
    up = normalise(series, "higher_is_better")
    down = normalise(series, "lower_is_better")
    if up.isna().all():  # no spread after winsorising
        return
    assert ((up >= -1e-12) & (up <= 1 + 1e-12)).all()
    assert up.min() == pytest.approx(0.0) and up.max() == pytest.approx(1.0)
    assert np.allclose(down, 1 - up)


@settings(deadline=None)
@given(st.lists(finite, min_size=3, max_size=40))
def test_normalise_keeps_order(values):
    series = pd.Series(values)
    up = normalise(series, "higher_is_better")
    order = np.argsort(series.to_numpy(), kind="stable")
    assert up.isna().all() or (np.diff(up.to_numpy()[order]) >= -1e-12).all()


theme_frames = hnp.arrays(
    np.float64,
    st.tuples(st.integers(2, 25), st.integers(1, 5)),
    elements=st.one_of(st.floats(0, 1), st.just(np.nan)),
)


def as_themes(matrix: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        matrix,
        index=[f"{i:03d}" for i in range(matrix.shape[0])],
        columns=[f"t{j}" for j in range(matrix.shape[1])],
    )


@settings(max_examples=60, deadline=None)
@given(theme_frames, st.integers(0, 2**32 - 1))
def test_every_draw_ranks_within_the_reported_range(matrix, seed):
    themes = as_themes(matrix)
    ranks, weights = simulate_ranks(themes, draws=50, seed=seed)
    ranges = overall_rank_ranges(themes, draws=50, seed=seed).set_index("area_code")
    scored = ranges["rank"].notna().to_numpy()
    lo = ranges["rank_min"].to_numpy("float64")[scored]
    hi = ranges["rank_max"].to_numpy("float64")[scored]
    assert ((ranks[scored] >= lo[:, None]) & (ranks[scored] <= hi[:, None])).all()
    assert np.isnan(ranks[~scored]).all()
    for column in ("rank", "rank_p05", "rank_median", "rank_p95"):
        inside = ranges[column].to_numpy("float64")[scored]
        assert ((lo <= inside) & (inside <= hi)).all()
    # the vectorised draws agree with the one-weighting path
    for j in (0, 1, weights.shape[1] - 1):
        one = dict(zip(themes.columns, weights[:, j], strict=True))
        expected = rank_scores(overall_scores(themes, one)).to_numpy("float64", na_value=np.nan)
        assert np.array_equal(ranks[:, j], expected, equal_nan=True)


def test_reported_rank_is_the_composite_rank():
    out = composite_scores(WIDE, META, {"t1": 2})
    normalised = normalise_frame(WIDE, META)
    by_theme, _ = theme_scores(normalised, META["theme"].to_dict())
    ranges = overall_rank_ranges(by_theme, {"t1": 2}, draws=100)
    overall = scores(out, "index_overall")["rank"]
    assert ranges.set_index("area_code")["rank"].tolist() == overall.tolist()


def test_rank_ranges_widen_only_when_weights_matter():
    # area 000 leads in t0, 001 in t1: their order depends on the weights
    themes = as_themes(np.array([[1.0, 0.0], [0.0, 0.95], [0.2, 0.2]]))
    ranges = overall_rank_ranges(themes, draws=500, seed=1).set_index("area_code")
    assert ranges.loc["000", "rank"] == 1
    assert (ranges.loc["000", "rank_min"], ranges.loc["000", "rank_max"]) == (1, 2)
    assert (ranges.loc["002", "rank_min"], ranges.loc["002", "rank_max"]) == (3, 3)


def test_seed_reproducibility():
    themes = as_themes(np.random.default_rng(5).uniform(size=(30, 4)))
    a, _ = simulate_ranks(themes, draws=200, seed=7)
    b, _ = simulate_ranks(themes, draws=200, seed=7)
    c, _ = simulate_ranks(themes, draws=200, seed=8)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_weights_are_drawn_between_half_and_double():
    themes = as_themes(np.random.default_rng(5).uniform(size=(5, 3)))
    _, weights = simulate_ranks(themes, {"t0": 2.0}, draws=2000, seed=3)
    assert weights[:, 0].tolist() == [2.0, 1.0, 1.0]
    ratio = weights[:, 1:] / weights[:, :1]
    assert ratio.min() >= 0.5 and ratio.max() <= 2.0
    # log-uniform: the log ratio is centred on 0
    assert abs(np.log(ratio).mean()) < 0.02


def test_theme_scores_respect_indicator_weights():
    normalised = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 1.0]}, index=["P", "Q"])
    by_theme, counts = theme_scores(normalised, {"a": "t", "b": "t"}, {"a": 3.0})
    assert by_theme["t"].tolist() == pytest.approx([0.25, 1.0])
    assert counts["t"].tolist() == [2, 2]


def test_index_indicators_leave_out_neutral_and_size_counts():
    meta = pd.DataFrame(
        {
            "theme": ["d", "d", "d", "e"],
            "direction": ["higher_is_better", "neutral", "higher_is_better", "lower_is_better"],
            "aggregation": ["sum", "ratio", "ratio", "none"],
        },
        index=["population", "share_65_plus", "population_change_pct", "relative_indebtedness"],
    )
    assert index_indicators(meta) == ["population_change_pct", "relative_indebtedness"]
    assert index_indicators(meta.drop(columns="aggregation")) == [
        "population",
        "population_change_pct",
        "relative_indebtedness",
    ]
