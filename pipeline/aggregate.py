"""Group aggregation by an indicator's rule: a pure function over a frame and a membership.

The same function combines merged municipalities onto the current division and computes group
values (country, regions, sub-regions, municipality groups, user groups), so both follow one rule:

- `sum`: sum of the values;
- `ratio`: scale * sum(numerator) / sum(denominator) — a ratio of sums, never a mean of ratios;
- `weighted_mean`: sum(value * weight) / sum(weight);
- `none`: not aggregated (value missing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RULES = ("sum", "ratio", "weighted_mean", "none")
INPUT_COLUMNS = ("value", "numerator", "denominator", "weight")


def usable(frame: pd.DataFrame, rule: str) -> pd.Series:
    """Rows that can take part in `rule`: the inputs the rule needs are all present."""
    if rule == "ratio":
        return frame["numerator"].notna() & frame["denominator"].notna()
    if rule == "weighted_mean":
        return frame["value"].notna() & frame["weight"].notna()
    return frame["value"].notna()


def aggregate(
    values: pd.DataFrame,
    membership: pd.DataFrame,
    rule: str,
    scale: float = 1.0,
    *,
    keys: tuple[str, ...] = ("year", "month"),
    require_all: bool = False,
) -> pd.DataFrame:
    """Aggregate member values to their groups.

    `values` has `area_code`, the `keys` columns and `value, numerator, denominator, weight`
    (missing inputs may be NaN). `membership` has `group_code, area_code`. Returns one row per
    group and key with `value`, the summed `numerator, denominator, weight`, `n_members` (the
    group's size) and `n_values` (members with usable inputs). With `require_all`, a group whose
    `n_values` is below `n_members` gets no value.
    """
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule {rule!r}; expected one of {RULES}")
    keys = list(keys)
    sizes = membership.groupby("group_code").size().rename("n_members")
    frame = values.merge(membership, on="area_code", how="inner")
    for column in INPUT_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    ok = usable(frame, rule)
    frame = frame.assign(
        _ok=ok.astype("int64"),
        _v=frame["value"].where(ok),
        _n=frame["numerator"].where(ok),
        _d=frame["denominator"].where(ok),
        _w=frame["weight"].where(ok),
        _vw=(frame["value"] * frame["weight"]).where(ok),
    )
    grouped = frame.groupby(["group_code", *keys], dropna=False, sort=True)
    sums = grouped[["_v", "_n", "_d", "_w", "_vw"]].sum(min_count=1)
    sums.columns = ["value_sum", "numerator", "denominator", "weight", "weighted"]
    out = sums.join(grouped["_ok"].sum().rename("n_values")).reset_index()
    if rule == "sum":
        value = out["value_sum"]
    elif rule == "ratio":
        value = scale * out["numerator"] / out["denominator"].where(out["denominator"] != 0)
    elif rule == "weighted_mean":
        value = out["weighted"] / out["weight"].where(out["weight"] != 0)
    else:
        value = pd.Series(np.nan, index=out.index)
    out["value"] = value.astype("float64")
    out = out.merge(sizes, left_on="group_code", right_index=True, how="left")
    if require_all:
        out.loc[out["n_values"] < out["n_members"], "value"] = np.nan
    out.loc[out["n_values"] == 0, "value"] = np.nan
    columns = ["group_code", *keys, "value", "numerator", "denominator", "weight"]
    return out[[*columns, "n_members", "n_values"]].astype(
        {"n_members": "int64", "n_values": "int64"}
    )
