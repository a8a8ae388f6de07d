"""Group aggregation by an indicator's rule: a pure function over a frame and a membership.

The same function combines merged municipalities onto the current division and computes group
values (country, regions, sub-regions, municipality groups, user groups), so both follow one rule:

- `sum`: sum of the values;
- `ratio`: scale * sum(numerator) / sum(denominator) — a ratio of sums, never a mean of ratios;
- `weighted_mean`: sum(value * weight) / sum(weight);
- `none`: not aggregated (value missing).
"""

from __future__ import annotations

import functools

import duckdb
import numpy as np
import pandas as pd

RULES = ("sum", "ratio", "weighted_mean", "none")
INPUT_COLUMNS = ("value", "numerator", "denominator", "weight")


@functools.cache
def _engine() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB engine per process; each call works on its own cursor."""
    return duckdb.connect(":memory:")


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
    group and key with `value`, the summed `numerator, denominator, weight` of the members used,
    `n_members` (the group's size) and `n_values` (members with usable inputs). With
    `require_all`, a group whose `n_values` is below `n_members` gets no value.

    The grouping runs in an in-memory DuckDB connection (no I/O): it is a pure function of its
    inputs, and it keeps a whole build's aggregation well under a second.
    """
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule {rule!r}; expected one of {RULES}")
    frame = values.copy()
    for column in INPUT_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame["_ok"] = usable(frame, rule).to_numpy()
    frame = frame[["area_code", *keys, *INPUT_COLUMNS, "_ok"]]
    members = membership[["group_code", "area_code"]]
    key_sql = ", ".join(f'v."{k}"' for k in keys)
    key_names = ", ".join(f'"{k}"' for k in keys)
    query = f"""
        WITH joined AS (
            SELECT m.group_code, {key_sql}, v.value, v.numerator, v.denominator, v.weight, v._ok
            FROM frame v JOIN members m ON v.area_code = m.area_code
        ),
        sizes AS (SELECT group_code, count(*) AS n_members FROM members GROUP BY group_code)
        SELECT j.group_code, {key_names},
            sum(value) FILTER (WHERE _ok) AS value_sum,
            sum(numerator) FILTER (WHERE _ok) AS numerator,
            sum(denominator) FILTER (WHERE _ok) AS denominator,
            sum(weight) FILTER (WHERE _ok) AS weight,
            sum(value * weight) FILTER (WHERE _ok) AS weighted,
            count(*) FILTER (WHERE _ok) AS n_values,
            any_value(s.n_members) AS n_members
        FROM joined j JOIN sizes s USING (group_code)
        GROUP BY j.group_code, {key_names}
        ORDER BY j.group_code, {key_names}
    """  # noqa: S608 - identifiers are the caller's column names, not user input
    con = _engine().cursor()
    try:
        con.register("frame", frame)
        con.register("members", members)
        out = con.execute(query).df()
    finally:
        con.close()
    if rule == "sum":
        value = out["value_sum"]
    elif rule == "ratio":
        value = scale * out["numerator"] / out["denominator"].where(out["denominator"] != 0)
    elif rule == "weighted_mean":
        value = out["weighted"] / out["weight"].where(out["weight"] != 0)
    else:
        value = pd.Series(np.nan, index=out.index)
    out["value"] = value.astype("float64")
    if require_all:
        out.loc[out["n_values"] < out["n_members"], "value"] = np.nan
    out.loc[out["n_values"] == 0, "value"] = np.nan
    for column in ("numerator", "denominator", "weight"):
        out[column] = out[column].astype("float64")
    if "month" in out.columns:
        out["month"] = pd.to_datetime(out["month"])
    columns = ["group_code", *keys, "value", "numerator", "denominator", "weight"]
    return out[[*columns, "n_members", "n_values"]].astype(
        {"n_members": "int64", "n_values": "int64"}
    )
