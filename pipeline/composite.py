"""Composite indices per theme and overall, and their rank stability under changed weights.

Pure functions over pandas frames; the method (close to the EU Regional Innovation Scoreboard's)
is stated in `docs/method.md`. In short, per indicator: winsorise at the 2.5th/97.5th percentile,
square-root transform if the trimmed values are strongly skewed (|skewness| > 1; negative skew is
transformed on the reflected values), min-max rescale to 0–1, flip lower-is-better indicators.
A theme index is the (weighted) mean of its normalised indicators, the overall index the
(weighted) mean of the theme indices; an area needs at least half of the components present.
Rank 1 is the best score; equal scores share the lowest rank (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

INDEX_PREFIX = "index_"
OVERALL = "overall"
TRIM = (0.025, 0.975)
SKEW_LIMIT = 1.0
MIN_SHARE = 0.5
MIN_COVERAGE = 0.9
DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
RANK_DECIMALS = 12  # scores are rounded before ranking so float noise cannot break a tie


def index_id(component: str) -> str:
    """The id of a theme's index (`index_labour`) or of the overall index (`index_overall`)."""
    return f"{INDEX_PREFIX}{component}"


@dataclass(frozen=True)
class Normalisation:
    """What `normalise` did to one indicator (shown on the About page)."""

    lower: float  # winsorising bounds, in the indicator's unit
    upper: float
    skewness: float  # of the winsorised values
    transform: str  # "none" | "sqrt" | "sqrt_reflected"


# --------------------------------------------------------------------------- one indicator


def describe_normalisation(
    values: pd.Series, *, trim: tuple[float, float] = TRIM, skew_limit: float = SKEW_LIMIT
) -> Normalisation:
    """The winsorising bounds, skewness and transform `normalise` applies to `values`."""
    present = values.dropna().astype("float64")
    if present.empty:
        raise ValueError(f"indicator {values.name!r} has no values to normalise")
    lower, upper = (float(q) for q in present.quantile(list(trim)))
    clipped = present.clip(lower, upper)
    skewness = float(clipped.skew()) if clipped.size > 2 else 0.0
    if np.isnan(skewness):  # constant values
        skewness = 0.0
    transform = "none"
    if skewness > skew_limit:
        transform = "sqrt"
    elif skewness < -skew_limit:
        transform = "sqrt_reflected"
    return Normalisation(lower, upper, skewness, transform)


def normalise(
    values: pd.Series,
    direction: str,
    *,
    trim: tuple[float, float] = TRIM,
    skew_limit: float = SKEW_LIMIT,
) -> pd.Series:
    """Rescale one indicator's values (one per area) to 0–1 where 1 is best.

    Winsorise at the `trim` quantiles (linear interpolation), square-root transform when the
    winsorised values have skewness above `skew_limit` (sqrt(x - min)) or below -`skew_limit`
    (-sqrt(max - x), the reflected values), min-max rescale, and flip `lower_is_better`.
    Missing values stay missing. An indicator without spread carries no information and comes
    back all missing. Neutral indicators are not scored: they raise `ValueError`.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"indicator {values.name!r}: unknown direction {direction!r}")
    if direction == "neutral":
        raise ValueError(f"indicator {values.name!r} is neutral and is not part of any index")
    x = values.astype("float64")
    if x.notna().sum() == 0:
        return x
    plan = describe_normalisation(x, trim=trim, skew_limit=skew_limit)
    x = x.clip(plan.lower, plan.upper)
    if plan.transform == "sqrt":
        x = np.sqrt(x - plan.lower)
    elif plan.transform == "sqrt_reflected":
        x = -np.sqrt(plan.upper - x)
    low, high = x.min(), x.max()
    if not high > low:
        return pd.Series(np.nan, index=values.index, name=values.name)
    scaled = (x - low) / (high - low)
    return 1.0 - scaled if direction == "lower_is_better" else scaled


def index_indicators(meta: pd.DataFrame) -> list[str]:
    """The indicators that enter the indices: those with a direction (not neutral) that are
    intensive (rates, shares, per-capita values). Indicators aggregated by `sum` are absolute
    counts (population, jobs, loans in euros): they measure size, not performance, so they are
    left out (`meta` may lack `aggregation`, then only neutral ones are dropped)."""
    meta = _meta(meta)
    keep = meta["direction"] != "neutral"
    if "aggregation" in meta.columns:
        keep &= meta["aggregation"] != "sum"
    return [str(i) for i in meta.index[keep]]


def normalise_frame(wide: pd.DataFrame, meta: pd.DataFrame, **options) -> pd.DataFrame:
    """Normalise every non-neutral indicator of `wide` (areas × indicators); drop the others.

    `meta` is indexed by indicator id with at least `direction`. Indicators without spread
    (all missing after `normalise`) are dropped too.
    """
    meta = _meta(meta)
    columns = [c for c in wide.columns if c in meta.index and meta.at[c, "direction"] != "neutral"]
    out = pd.DataFrame(
        {c: normalise(wide[c], meta.at[c, "direction"], **options) for c in columns},
        index=wide.index,
    )
    return out.loc[:, out.notna().any()]


# --------------------------------------------------------------------------- weighted means


def _weights(names: list[str], weights: Mapping[str, float] | None, what: str) -> np.ndarray:
    weights = dict(weights or {})
    unknown = sorted(set(weights) - set(names))
    if unknown:
        raise ValueError(f"weights name unknown {what}: {', '.join(unknown)}")
    out = np.array([float(weights.get(n, 1.0)) for n in names])
    if (out < 0).any() or not np.isfinite(out).all():
        raise ValueError(f"{what} weights must be finite and non-negative: {weights}")
    if names and not (out > 0).any():
        raise ValueError(f"at least one {what} weight must be positive: {weights}")
    return out


def _weighted_means(
    values: np.ndarray, weights: np.ndarray, min_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means of the rows of `values` (n × k) for each column of `weights` (k × d).

    Missing components are left out and the weights of the present ones renormalised; a row
    with fewer than `min_share` of the positively weighted components present gets NaN.
    Returns (means n × d, count of present positively weighted components n).
    """
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    counted = weights[:, 0] > 0
    n_present = present[:, counted].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (filled @ weights) / (present.astype("float64") @ weights)
    enough = n_present >= min_share * counted.sum()
    means[~enough] = np.nan
    return means, n_present


def theme_scores(
    normalised: pd.DataFrame,
    themes: Mapping[str, str],
    weights: Mapping[str, float] | None = None,
    *,
    min_share: float = MIN_SHARE,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Theme indices (areas × themes) and how many indicators each used.

    `themes` maps indicator id to theme id; `weights` optionally maps indicator id to weight
    (default 1). Only columns of `normalised` named in `themes` take part.
    """
    scores, counts = {}, {}
    for theme in sorted(set(themes.values())):
        members = [c for c in normalised.columns if themes.get(c) == theme]
        if not members:
            continue
        w = _weights(members, {k: v for k, v in (weights or {}).items() if k in members}, theme)
        means, n = _weighted_means(normalised[members].to_numpy("float64"), w[:, None], min_share)
        scores[theme], counts[theme] = means[:, 0], n
    index = normalised.index
    return pd.DataFrame(scores, index=index), pd.DataFrame(counts, index=index)


def overall_scores(
    theme_wide: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    min_share: float = MIN_SHARE,
) -> pd.Series:
    """The overall index: weighted mean of the theme indices (columns of `theme_wide`)."""
    w = _weights(list(theme_wide.columns), weights, "theme")
    means, _ = _weighted_means(theme_wide.to_numpy("float64"), w[:, None], min_share)
    return pd.Series(means[:, 0], index=theme_wide.index, name=OVERALL)


def _rank_min(scores: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = highest; ties share the lowest rank) down each column; NaN stays."""
    missing = np.isnan(scores)
    key = np.where(missing, -np.inf, np.round(scores, RANK_DECIMALS))
    order = np.argsort(-key, axis=0, kind="stable")
    ordered = np.take_along_axis(key, order, axis=0)
    position = np.broadcast_to(np.arange(1, key.shape[0] + 1)[:, None], key.shape)
    first = np.ones(key.shape, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    ranked = np.maximum.accumulate(np.where(first, position, 0), axis=0)
    ranks = np.empty(key.shape, dtype="float64")
    np.put_along_axis(ranks, order, ranked.astype("float64"), axis=0)
    ranks[missing] = np.nan
    return ranks


def rank_scores(scores: pd.Series) -> pd.Series:
    """Ranks of `scores` (1 = best; ties share the lowest rank; missing scores get no rank)."""
    ranks = _rank_min(scores.to_numpy("float64")[:, None])[:, 0]
    return pd.Series(ranks, index=scores.index, name="rank").astype("Int64")


# --------------------------------------------------------------------------- composite scores


def _meta(meta: pd.DataFrame) -> pd.DataFrame:
    if "indicator_id" in meta.columns:
        meta = meta.set_index("indicator_id")
    missing = {"theme", "direction"} - set(meta.columns)
    if missing:
        raise ValueError(f"indicator metadata lacks columns: {', '.join(sorted(missing))}")
    bad = meta.loc[~meta["direction"].isin(DIRECTIONS), "direction"]
    if not bad.empty:
        raise ValueError(f"unknown direction for {bad.index[0]!r}: {bad.iloc[0]!r}")
    return meta


def composite_scores(
    wide: pd.DataFrame,
    indicator_meta: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    min_share: float = MIN_SHARE,
    normalised: pd.DataFrame | None = None,
    **options,
) -> pd.DataFrame:
    """Theme and overall indices for the areas of `wide` (index area codes, one column per
    indicator, one value per area); `normalised` is `normalise_frame(wide, indicator_meta,
    **options)` when the caller has it already.

    `indicator_meta` is indexed (or keyed by `indicator_id`) with `theme`, `direction` and an
    optional `index_weight` column; `weights` maps theme id to its weight in the overall index.
    Returns long rows `area_code, index_id, score, rank, n_indicators` for every theme index
    (`index_<theme>`) and the overall index (`index_overall`).
    """
    meta = _meta(indicator_meta)
    if normalised is None:
        normalised = normalise_frame(wide, meta, **options)
    indicator_weights = None
    if "index_weight" in meta.columns:
        indicator_weights = (
            meta["index_weight"].dropna().reindex(normalised.columns).dropna().to_dict()
        )
    themes = meta["theme"].reindex(normalised.columns).to_dict()
    by_theme, counts = theme_scores(normalised, themes, indicator_weights, min_share=min_share)
    overall = overall_scores(by_theme, weights, min_share=min_share)
    n_overall = counts.where(by_theme.notna(), 0).sum(axis=1)
    frames = [_long(by_theme[t], counts[t], index_id(t)) for t in by_theme.columns]
    frames.append(_long(overall, n_overall, index_id(OVERALL)))
    return pd.concat(frames, ignore_index=True)


def _long(scores: pd.Series, counts: pd.Series, name: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": scores.index.astype(str),
            "index_id": name,
            "score": scores.to_numpy("float64"),
            "rank": rank_scores(scores).to_numpy(),
            "n_indicators": counts.to_numpy("int64"),
        }
    )


# --------------------------------------------------------------------------- input selection


def latest_common_year(
    values: pd.DataFrame, n_areas: int, *, min_coverage: float = MIN_COVERAGE
) -> dict[str, int]:
    """Per indicator, the latest year whose annual values cover at least `min_coverage` of
    `n_areas` areas. `values` has `indicator_id, area_code, year, month, value`; monthly rows
    (`month` set) are ignored. Indicators with no such year are left out.
    """
    annual = values[values["month"].isna() & values["value"].notna()]
    coverage = annual.groupby(["indicator_id", "year"])["area_code"].nunique().reset_index()
    enough = coverage[coverage["area_code"] >= min_coverage * n_areas]
    return {str(k): int(v) for k, v in enough.groupby("indicator_id")["year"].max().items()}


def wide_at_years(values: pd.DataFrame, years: Mapping[str, int]) -> pd.DataFrame:
    """Areas × indicators: each indicator's annual values in its year from `years`."""
    annual = values[values["month"].isna()]
    chosen = annual.merge(
        pd.DataFrame({"indicator_id": list(years), "year": list(years.values())}),
        on=["indicator_id", "year"],
    )
    wide = chosen.pivot(index="area_code", columns="indicator_id", values="value")
    wide.columns.name = None
    return wide.reindex(columns=[c for c in years if c in wide.columns]).astype("float64")


# --------------------------------------------------------------------------- rank stability


def draw_weights(
    base: np.ndarray, draws: int, low: float, high: float, seed: int | None
) -> np.ndarray:
    """`base` (k) and `draws` perturbations of it (k × (draws + 1), column 0 = `base`): each
    weight multiplied by a factor drawn log-uniform between `low` and `high`."""
    if not 0 < low <= high:
        raise ValueError(f"need 0 < low <= high, got low={low}, high={high}")
    rng = np.random.default_rng(seed)
    factors = np.exp(rng.uniform(np.log(low), np.log(high), size=(base.size, draws)))
    return np.hstack([base[:, None], base[:, None] * factors])


def simulate_ranks(
    theme_wide: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    draws: int = 1000,
    low: float = 0.5,
    high: float = 2.0,
    seed: int | None = 0,
    min_share: float = MIN_SHARE,
) -> tuple[np.ndarray, np.ndarray]:
    """Overall ranks under perturbed theme weights: (ranks n × (draws + 1), weights k × (draws + 1)).

    Column 0 uses the given weights (the reported ranking); all draws' scores come from one
    matrix product.
    """
    base = _weights(list(theme_wide.columns), weights, "theme")
    w = draw_weights(base, draws, low, high, seed)
    scores, _ = _weighted_means(theme_wide.to_numpy("float64"), w, min_share)
    return _rank_min(scores), w


def overall_rank_ranges(
    theme_wide: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    quantiles: tuple[float, float] = (0.05, 0.95),
    **options,
) -> pd.DataFrame:
    """Per area: the reported overall `rank` and its `rank_min, rank_p05, rank_median, rank_p95,
    rank_max` over the weight draws (see `simulate_ranks`); areas without a score get none."""
    ranks, _ = simulate_ranks(theme_wide, weights, **options)
    scored = ~np.isnan(ranks[:, 0])
    summary = np.full((ranks.shape[0], 5), np.nan)
    if scored.any():
        qs = [0.0, quantiles[0], 0.5, quantiles[1], 1.0]
        summary[scored] = np.quantile(ranks[scored], qs, axis=1, method="inverted_cdf").T
    out = pd.DataFrame(
        summary,
        index=theme_wide.index,
        columns=["rank_min", "rank_p05", "rank_median", "rank_p95", "rank_max"],
    )
    out.insert(0, "rank", ranks[:, 0])
    out = out.astype("Int64")
    out.index = out.index.astype(str)
    return out.rename_axis("area_code").reset_index()
