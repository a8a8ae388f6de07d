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

MIN_SHARED = 0.5
DISTANCE_DECIMALS = 12
# The default profile for the `peers:<code>` groups: size (on a log scale, so that a town of
# 20,000 is as far from one of 10,000 as one of 40,000 is), age structure, language, skills, jobs
# and the local economy's shape. Neutral descriptors belong here: peers are about likeness.
DEFAULT_PROFILE = (
    "population",
    "population_change_pct",
    "share_0_14",
    "share_65_plus",
    "swedish_speakers_share",
    "urbanisation_rate",
    "tertiary_share",
    "employment_rate",
    "unemployment_rate",
    "job_self_sufficiency",
    "jobs_primary_share",
    "jobs_services_share",
)
DEFAULT_LOG = ("population",)


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
    `area_code, peer_code, distance, rank, n_indicators`."""
    profile_wide = profile_wide.set_axis(profile_wide.index.astype(str), axis=0)
    z = standardise(profile_wide, indicators, log)
    frames = []
    for code in z.index[z.notna().any(axis=1)]:
        peers = _nearest(z, code, k, min_shared)
        frames.append(peers.rename(columns={"area_code": "peer_code"}).assign(area_code=code))
    columns = ["area_code", "peer_code", "distance", "rank", "n_indicators"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
