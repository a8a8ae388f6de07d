"""Similar towns: nearest neighbours on standardised indicators (method in `docs/method.md`).

Each chosen indicator is standardised to z-scores over all areas of the frame (mean 0, population
standard deviation 1); indicators without spread are dropped. Indicators the town itself lacks are
skipped. The distance to another area is Euclidean over the indicators both have, scaled by
sqrt(p / shared) so that a partly missing area is not made to look closer (p = the town's usable
indicators); areas sharing fewer than half of them are not candidates. The town is never its own
peer; equal distances are ordered by area code.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline import composite

MIN_SHARED = 0.5
DISTANCE_DECIMALS = 12
# The profile compared and the indicators taken on a log scale are presentation data
# (`presentation.yaml` peer_profile); callers pass them in.


def profile_frame(values: pd.DataFrame, municipalities: Sequence[str]) -> pd.DataFrame:
    """Areas × every annual indicator at its latest common year (the peers' profile), from
    `core.indicator_values` rows."""
    years = composite.latest_common_year(values, len(municipalities))
    return composite.wide_at_years(values, years).reindex(list(municipalities))


def standardise(
    profile_wide: pd.DataFrame, indicators: Sequence[str], log: Sequence[str] = ()
) -> pd.DataFrame:
    """z-scores of `indicators` over all rows of `profile_wide`; constant columns dropped.
    Indicators in `log` are log10-transformed first (non-positive values become missing)."""
    unknown = [i for i in indicators if i not in profile_wide.columns]
    if unknown:
        raise ValueError(f"profile has no indicator {', '.join(map(repr, unknown))}")
    x = profile_wide[list(dict.fromkeys(indicators))].astype("float64")
    for column in set(log) & set(x.columns):
        x[column] = np.log10(x[column].where(x[column] > 0))
    sd = x.std(ddof=0)
    keep = sd[sd > 0].index
    return (x[keep] - x[keep].mean()) / sd[keep]


def nearest_peers(
    profile_wide: pd.DataFrame,
    code: str,
    indicators: Sequence[str],
    k: int = 10,
    *,
    log: Sequence[str] = (),
    min_shared: float = MIN_SHARED,
) -> pd.DataFrame:
    """The `k` areas most similar to `code` on `indicators`.

    `profile_wide` is areas (index, area codes) × indicators. Returns `area_code, distance,
    rank, n_indicators` ordered by rank (1 = nearest); fewer rows when fewer areas qualify.
    """
    profile_wide = profile_wide.set_axis(profile_wide.index.astype(str), axis=0)
    if code not in profile_wide.index:
        raise ValueError(f"area {code!r} is not in the profile")
    z = standardise(profile_wide, indicators, log)
    if z.loc[code].isna().all():
        raise ValueError(f"area {code!r} has none of the indicators {list(indicators)}")
    return _nearest(z, code, k, min_shared)


def _nearest(z: pd.DataFrame, code: str, k: int, min_shared: float) -> pd.DataFrame:
    """Nearest peers of `code` on the standardised frame `z` (see the module docstring)."""
    town = z.loc[code].to_numpy()
    usable = ~np.isnan(town)  # skip indicators the town lacks
    p = int(usable.sum())
    others = z.index != code
    diff = z.to_numpy()[others][:, usable] - town[usable]
    shared = (~np.isnan(diff)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.sqrt(np.nansum(diff**2, axis=1) * p / shared)
    out = pd.DataFrame({"area_code": z.index[others], "distance": distance, "n_indicators": shared})
    out = out[out["n_indicators"] >= min_shared * p]
    out = out.assign(_key=out["distance"].round(DISTANCE_DECIMALS))
    out = out.sort_values(["_key", "area_code"], kind="stable").head(k)
    out = out.drop(columns="_key").reset_index(drop=True)
    out.insert(2, "rank", np.arange(1, len(out) + 1))
    return out


def all_peers(
    profile_wide: pd.DataFrame,
    indicators: Sequence[str],
    k: int = 10,
    *,
    log: Sequence[str] = (),
    min_shared: float = MIN_SHARED,
) -> pd.DataFrame:
    """`nearest_peers` for every area that has at least one of `indicators`:
    `area_code, peer_code, distance, rank, n_indicators`.

    Same arithmetic as `_nearest`, in one numpy pass per pattern of usable indicators (so each
    distance is summed over exactly the same values in the same order)."""
    profile_wide = profile_wide.set_axis(profile_wide.index.astype(str), axis=0)
    z = standardise(profile_wide, indicators, log)
    columns = ["area_code", "peer_code", "distance", "rank", "n_indicators"]
    matrix = z.to_numpy()
    towns = np.flatnonzero(~np.isnan(matrix).all(axis=1))
    if not len(towns):
        return pd.DataFrame(columns=columns)
    codes = z.index.to_numpy(dtype=object)
    code_order = np.empty(len(codes), dtype="int64")
    code_order[np.argsort(codes, kind="stable")] = np.arange(len(codes))
    patterns, pattern_of = np.unique(~np.isnan(matrix[towns]), axis=0, return_inverse=True)
    distance = np.empty((len(towns), len(codes)))
    shared = np.empty((len(towns), len(codes)), dtype="int64")
    used = np.empty(len(towns), dtype="int64")
    for number, usable in enumerate(patterns):
        rows = np.flatnonzero(pattern_of.ravel() == number)
        p = int(usable.sum())
        diff = matrix[:, usable][None, :, :] - matrix[towns[rows]][:, usable][:, None, :]
        shared[rows] = (~np.isnan(diff)).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            distance[rows] = np.sqrt(np.nansum(diff**2, axis=2) * p / shared[rows])
        used[rows] = p
    out_area, out_peer, out_distance, out_rank, out_shared = [], [], [], [], []
    for row, town in enumerate(towns):
        candidates = np.flatnonzero(shared[row] >= min_shared * used[row])
        candidates = candidates[candidates != town]
        key = distance[row, candidates].round(DISTANCE_DECIMALS)
        nearest = candidates[np.lexsort((code_order[candidates], key))[:k]]
        out_area += [codes[town]] * len(nearest)
        out_peer.append(nearest)
        out_distance.append(distance[row, nearest])
        out_shared.append(shared[row, nearest])
        out_rank.append(np.arange(1, len(nearest) + 1))
    peer_index = np.concatenate(out_peer)
    return pd.DataFrame(
        {
            "area_code": pd.array(out_area, dtype=z.index.dtype),
            "peer_code": z.index[peer_index].to_numpy(),
            "distance": np.concatenate(out_distance),
            "rank": np.concatenate(out_rank),
            "n_indicators": np.concatenate(out_shared),
        },
        columns=columns,
    )
