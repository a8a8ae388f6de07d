"""Computations over the stored indices and values that the pages ask for on the fly: the
overall index under the user's theme weights (with its rank ranges) and a town's peers on
indicators the user picks. The methods are `pipeline.composite` and `pipeline.peers` (see
docs/method.md); the inputs come from `dashboard.queries`, the defaults from
`presentation.yaml`, and results are memoised per process (`dashboard.cache`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboard import queries
from dashboard.cache import memoised
from pipeline import composite
from pipeline import peers as peer_method

MAX_WEIGHT = 3.0
PEER_COLUMNS = ["area_code", "distance", "rank", "n_indicators"]


# --------------------------------------------------------------------------- index weights


def parse_weights(params: dict[str, Any]) -> dict[str, float]:
    """Theme weights from query values `w_<theme>=1.5` (clipped to 0–3; others ignored)."""
    themes = queries.index_themes()
    weights: dict[str, float] = {}
    for theme in themes:
        raw = params.get(f"w_{theme}")
        try:
            value = float(raw[0] if isinstance(raw, list) else raw)
        except (TypeError, ValueError):
            continue
        if np.isfinite(value):
            weights[theme] = min(max(value, 0.0), MAX_WEIGHT)
    if weights and not any(weights.get(t, 1.0) > 0 for t in themes):
        return {}  # all themes weighted 0: fall back to equal weights
    return weights


@memoised(1)
def _theme_wide() -> pd.DataFrame:
    values = queries.index_values()
    themes = values[values["index_id"] != queries.OVERALL_INDEX]
    wide = themes.pivot(index="area_code", columns="index_id", values="score")
    wide.columns = [c.removeprefix("index_") for c in wide.columns]
    return wide


def index_scores(
    weights: dict[str, float] | None = None, index_id: str = queries.OVERALL_INDEX
) -> pd.DataFrame:
    """One index for every municipality: area_code, index_id, year, score, rank, n_indicators.

    The stored (equal-weight) scores, except the overall index under `weights` (theme → weight,
    default 1), which is recomputed from the stored theme indices.
    """
    values = queries.index_values()
    stored = values[values["index_id"] == index_id].reset_index(drop=True)
    if index_id != queries.OVERALL_INDEX or not weights:
        return stored
    scores = composite.overall_scores(_theme_wide(), weights)
    stored = stored.set_index("area_code")
    stored["score"] = scores.reindex(stored.index)
    stored["rank"] = composite.rank_scores(stored["score"])
    return stored.reset_index()


@memoised(64)
def _rank_ranges(weights: tuple[tuple[str, float], ...], draws: int, seed: int) -> pd.DataFrame:
    return composite.overall_rank_ranges(_theme_wide(), dict(weights), draws=draws, seed=seed)


def rank_ranges(
    weights: dict[str, float] | None = None, *, draws: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Overall rank and its range under weights perturbed ½–2×: area_code, rank, rank_min,
    rank_p05, rank_median, rank_p95, rank_max (see docs/method.md)."""
    key = tuple(sorted((weights or {}).items()))
    return _rank_ranges(key, draws, seed).copy()


# --------------------------------------------------------------------------- peers


@memoised(1)
def _profile() -> pd.DataFrame:
    """Municipalities × every annual indicator at its latest common year."""
    values = queries.annual_values()
    municipalities = sorted(queries.municipality_codes())
    years = composite.latest_common_year(values, len(municipalities))
    return composite.wide_at_years(values, years).reindex(municipalities)


def peer_profile_indicators() -> list[str]:
    """Indicators available for choosing peers (annual, at their latest common year)."""
    return list(_profile().columns)


def peers(code: str, indicators: Sequence[str] | None = None, k: int = 10) -> pd.DataFrame:
    """A municipality's nearest peers: area_code, distance, rank, n_indicators.

    Without `indicators` (or with the default profile of `presentation.yaml`) the stored
    core.peers rows; otherwise computed on the chosen indicators (unknown ones are ignored).
    Empty for an unknown code.
    """
    empty = pd.DataFrame(columns=PEER_COLUMNS)
    if not queries.is_municipality(code):
        return empty
    available = set(peer_profile_indicators())
    chosen = [i for i in (indicators or ()) if i in available]
    profile = queries.presentation().peer_profile
    if not chosen or chosen == list(profile.indicators):
        return queries.stored_peers(code, k)
    try:
        return peer_method.nearest_peers(_profile(), code, chosen, k, log=profile.log)
    except ValueError:  # the town has none of the chosen indicators
        return empty
